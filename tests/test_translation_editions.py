"""An issue with ``languages: [en, de, ar, ja]`` builds four EPUBs and four PDFs (DESIGN.md
"Output": ``<issue-id>.<lang>.epub``/``.pdf`` beside the main edition), each in its language:
dc:language first, its UI strings, its titles, and per group the version in its language else
the original. Every EPUB passes EPUBCheck; every PDF reads back like the main edition's (A5,
tagged in its language, an outline entry per article, contents numbers right, fonts embedded).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from pypdf import PdfReader

from tests.conftest import require_tool
from tests.epub_helpers import NS, epubcheck
from tests.pdf_helpers import outline_entries, page_texts, pdffonts, squash
from zine.build import build_project
from zine.render.i18n import strings

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "roots" / "translations"
ISSUE = "07-languages"
# language -> (file stem, issue title, article titles in reading order)
EDITIONS = {
    "en": (ISSUE, "Working together", ["The meeting", "The report", "Solo"]),
    "de": (f"{ISSUE}.de", "Zusammen arbeiten", ["Das Treffen", "Der Bericht", "Solo"]),
    "ar": (f"{ISSUE}.ar", "العمل معًا", ["الاجتماع", "Der Bericht", "Solo"]),
    "ja": (f"{ISSUE}.ja", "共に働く", ["会議", "Der Bericht", "Solo"]),
}


def build(root: Path, out: Path, formats: tuple[str, ...] = ("epub", "pdf")) -> list[Path]:
    result = build_project([], formats=formats, out_dir=out, root=root, use_cache=False)
    assert result.failed == [] and [d.format() for d in result.diagnostics] == []
    return result.outputs


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree") / "zine"
    shutil.copytree(FIXTURE, root)
    out = tmp_path_factory.mktemp("out")
    build(root, out)
    return out / ISSUE


def opf(epub: Path) -> etree._Element:
    with zipfile.ZipFile(epub) as book:
        return etree.fromstring(book.read("EPUB/content.opf"))


def document_titles(epub: Path) -> list[str]:
    """The <h1> of every article document, in spine order."""
    titles = []
    with zipfile.ZipFile(epub) as book:
        package = etree.fromstring(book.read("EPUB/content.opf"))
        manifest = {i.get("id"): i.get("href") for i in package.findall(".//opf:item", NS)}
        for ref in package.findall(".//opf:itemref", NS):
            name = manifest[ref.get("idref")]
            if name.startswith("article-"):
                doc = etree.fromstring(book.read(f"EPUB/{name}"))
                titles.append("".join(doc.find(".//{*}h1").itertext()))
    return titles


def test_every_language_gets_its_own_epub_and_pdf_and_offprints_once(out: Path) -> None:
    names = sorted(p.name for p in out.iterdir() if p.is_file())
    assert names == sorted(f"{stem}.{ext}" for stem, _, _ in EDITIONS.values()
                           for ext in ("epub", "pdf"))
    offprints = sorted(p.name for p in (out / "offprints").iterdir())
    slugs = ["bericht", "meeting", "meeting-ar", "meeting-de", "meeting-ja", "report", "solo"]
    assert offprints == sorted(f"{s}.{ext}" for s in slugs for ext in ("epub", "pdf"))


@pytest.mark.parametrize("language", list(EDITIONS))
def test_each_epub_is_in_its_language_with_its_versions(out: Path, language: str) -> None:
    stem, title, articles = EDITIONS[language]
    package = opf(out / f"{stem}.epub")
    assert package.findtext(".//dc:language", namespaces=NS) == language  # the first
    assert package.findtext(".//dc:title", namespaces=NS) == title
    assert document_titles(out / f"{stem}.epub") == articles
    with zipfile.ZipFile(out / f"{stem}.epub") as book:
        nav = etree.fromstring(book.read("EPUB/nav.xhtml"))
    assert nav.get("lang") == language
    assert nav.findtext(".//{*}h1") == strings(language)["contents"]
    assert nav.get("dir") == ("rtl" if language == "ar" else "ltr")


def test_identifiers_differ_per_edition_and_stay_the_same_across_builds(
        out: Path, tmp_path: Path) -> None:
    ids = {lang: opf(out / f"{stem}.epub").findtext(".//dc:identifier", namespaces=NS)
           for lang, (stem, _, _) in EDITIONS.items()}
    assert len(set(ids.values())) == 4
    root = tmp_path / "again"
    shutil.copytree(FIXTURE, root)
    build(root, tmp_path / "out", ("epub",))
    again = {lang: opf(tmp_path / "out" / ISSUE / f"{stem}.epub").findtext(
        ".//dc:identifier", namespaces=NS) for lang, (stem, _, _) in EDITIONS.items()}
    assert again == ids


def test_a_translation_credits_its_translators_in_its_language(out: Path) -> None:
    with zipfile.ZipFile(out / f"{ISSUE}.de.epub") as book:
        article = book.read("EPUB/article-01.xhtml").decode()
        colophon = book.read("EPUB/colophon.xhtml").decode()
    assert "Original: Englisch · übersetzt von Zine editorial collective" in article
    assert "Original: Deutsch" in colophon  # every article's original language
    with zipfile.ZipFile(out / f"{ISSUE}.epub") as book:
        report = book.read("EPUB/article-02.xhtml").decode()
    assert "translated from German by Zine editorial collective" in report


def test_a_link_leads_to_the_version_in_the_editions_language(out: Path) -> None:
    with zipfile.ZipFile(out / f"{ISSUE}.epub") as book:  # meeting links bericht.md
        meeting = book.read("EPUB/article-01.xhtml").decode()
    assert '<a href="article-02.xhtml" class="xref">the report</a>' in meeting


@pytest.mark.parametrize("language", list(EDITIONS))
def test_each_epub_passes_epubcheck(out: Path, language: str) -> None:
    assert epubcheck(out / f"{EDITIONS[language][0]}.epub") == []


@pytest.mark.parametrize("language", list(EDITIONS))
def test_each_pdf_reads_back_like_the_main_edition(out: Path, language: str) -> None:
    require_tool("pdftotext")
    stem, title, articles = EDITIONS[language]
    pdf = out / f"{stem}.pdf"
    reader = PdfReader(str(pdf))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == language and "/StructTreeRoot" in root
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (419.53, 595.28), abs=0.05)
    assert all(row["emb"] == "yes" for row in pdffonts(pdf))
    assert reader.metadata.title == f"Test Zine: {title}"
    texts = [squash(t) for t in page_texts(pdf)]
    label = squash(strings(language)["contents"])
    contents = next(t for t in texts if t.startswith(label))
    entries = outline_entries(pdf)
    for article in articles:
        name = re.escape(squash(article))  # poppler gives right-to-left lines in visual order
        found = re.search(name + r"[.…]*(\d+)", contents) or \
            re.search(r"[.…](\d+)" + name, contents)
        assert found, (article, contents)
        number = int(found[1])
        assert squash(article) in texts[number - 1][:120], (article, number)
        assert [p for t, _, p in entries if t == article] == [number]
