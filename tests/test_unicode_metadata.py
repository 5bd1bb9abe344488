"""Metadata in every script: keyboard-order text is normalised to NFC without a word, ZWNJ and
ZWJ reach every edition's metadata, control characters stay errors.

The strings are typed the way keyboards produce them: Arabic shadda before kasra, Bengali
য় as one key (U+09DF) and ো as its two halves; the Persian title has a ZWNJ (U+200C).
"""

from __future__ import annotations

import unicodedata
import zipfile
from pathlib import Path

import lxml.html
import pytest
from lxml import etree
from pypdf import PdfReader

from tests.check_helpers import COOPS_YAML, ZINE_YAML, write_tree
from zine.build import build_project
from zine.check.run import check_project
from zine.load.loader import load_project

ARABIC = "\u0627\u0644\u0645\u0639\u0644\u0651\u0650\u0645"  # المعلّم: shadda, then kasra
BENGALI = "\u09ac\u09be\u0982\u09b2\u09be\u09df \u09ac\u09c7\u09be\u099d\u09be"  # বাংলায় বোঝা
PERSIAN = "\u067e\u0631\u0648\u0698\u0647\u200c\u0627\u06cc \u0628\u0631\u0627\u06cc \u0647\u0645\u0647"  # noqa: E501  پروژه‌ای برای همه
HINDI_ZWJ = "\u0915\u094d\u200d\u0937"  # क्‍ष: ZWJ asks for the half form


def tree(root: Path, *, subtitle: str = ARABIC) -> Path:
    issue = (f'number: 1\ntitle: "{PERSIAN}"\ndate: 2020-01-01\nlanguage: fa\n'
             f'description: "{BENGALI}"\n')
    article = (f'---\ntitle: "{PERSIAN}"\nsubtitle: "{subtitle}"\nsummary: "{HINDI_ZWJ}"\n'
               f'language: fa\nauthors:\n  - name: "{ARABIC}"\ntags: ["{BENGALI}"]\n---\n\n'
               "متن مقاله.\n")
    return write_tree(root, {"zine.yaml": ZINE_YAML, "coops.yaml": COOPS_YAML,
                             "issues/01-base/issue.yaml": issue,
                             "issues/01-base/articles/hello.md": article})


def test_the_test_strings_are_what_keyboards_type() -> None:
    assert not unicodedata.is_normalized("NFC", ARABIC)
    assert not unicodedata.is_normalized("NFC", BENGALI)
    assert unicodedata.is_normalized("NFC", PERSIAN) and "\u200c" in PERSIAN


def test_keyboard_order_metadata_checks_clean_and_is_loaded_as_nfc(tmp_path: Path) -> None:
    root = tree(tmp_path)
    assert [d.format() for d in check_project([], root)] == []
    zine, _ = load_project(root)
    [issue] = zine.issues
    [article] = issue.articles
    nfc = unicodedata.normalize
    assert article.subtitle == nfc("NFC", ARABIC) != ARABIC
    assert article.authors[0].name == nfc("NFC", ARABIC)
    assert article.tags == (nfc("NFC", BENGALI),)
    assert issue.description == nfc("NFC", BENGALI)
    assert article.title == PERSIAN and article.summary == HINDI_ZWJ


def test_control_characters_in_metadata_stay_errors(tmp_path: Path) -> None:
    root = tree(tmp_path, subtitle=f"{ARABIC}\\u202e")  # RIGHT-TO-LEFT OVERRIDE
    codes = [(d.code, d.is_error) for d in check_project([], root)]
    assert codes == [("Z114", True)]


@pytest.mark.slow
def test_zwnj_and_zwj_survive_into_every_editions_metadata(tmp_path: Path) -> None:
    root = tree(tmp_path / "zine")
    out = tmp_path / "out"
    result = build_project([], formats=["epub", "pdf", "html"], out_dir=out, root=root,
                           use_cache=False)
    assert [d.format() for d in result.diagnostics if d.is_error] == []
    epubs = sorted(out.rglob("*.epub"))  # the issue's and the article's offprint
    assert len(epubs) == 2
    dc = {"dc": "http://purl.org/dc/elements/1.1/"}
    for epub in epubs:
        with zipfile.ZipFile(epub) as archive:
            opf = next(n for n in archive.namelist() if n.endswith(".opf"))
            package = etree.fromstring(archive.read(opf))
        assert package.xpath("//dc:title/text()", namespaces=dc) == [PERSIAN]
        assert package.xpath("//dc:creator/text()", namespaces=dc) == [
            unicodedata.normalize("NFC", ARABIC)]
    pdfs = sorted(out.rglob("*.pdf"))
    assert len(pdfs) == 2
    for pdf in pdfs:
        assert PERSIAN in PdfReader(pdf).metadata.title
    pages = [p for p in out.rglob("*.html") if "hello" in p.as_posix()]
    assert pages
    for page in pages:
        title = lxml.html.parse(str(page)).findtext(".//title")
        assert PERSIAN in title
