"""Offprints: every published article as its own PDF, ``<issue-id>/offprints/<slug>.pdf``,
in the issue's design (A5, embedded fonts, running heads), with the article's own metadata,
byte-identical from build to build, and cheap (one stylesheet parse per issue).

Built once per module from the hand-made issue in ``tests/pdf_helpers.py`` (English, Arabic,
Japanese articles, footnotes, a figure) and read back with pypdf and poppler.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import require_tool
from tests.pdf_helpers import (
    JAPANESE,
    LOREM,
    make_rendered_issue,
    page_texts,
    pdffonts,
    squash,
)
from zine.editions import pdf
from zine.editions.pdf import typeset
from zine.model.rendered import RenderedIssue

pytestmark = pytest.mark.slow

A5 = (419.53, 595.28)
ISSUE = "01-test"


@pytest.fixture(scope="module")
def rendered() -> RenderedIssue:
    return make_rendered_issue()


@pytest.fixture(scope="module")
def out(rendered: RenderedIssue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("pdftotext")
    folder = tmp_path_factory.mktemp("offprints")
    pdf.render(rendered, folder)
    return folder


def offprint(out: Path, slug: str) -> Path:
    return out / ISSUE / "offprints" / f"{slug}.pdf"


def test_the_pdf_edition_writes_one_offprint_per_published_article(
        rendered: RenderedIssue, out: Path) -> None:
    names = sorted(p.name for p in (out / ISSUE / "offprints").iterdir())
    assert names == sorted(f"{a.slug}.pdf" for a in rendered.issue.published)
    assert (out / ISSUE / f"{ISSUE}.pdf").is_file()


def test_every_offprint_page_is_a5(rendered: RenderedIssue, out: Path) -> None:
    for article in rendered.issue.published:
        reader = PdfReader(str(offprint(out, article.slug)))
        assert len(reader.pages) >= 1
        for page in reader.pages:
            size = (float(page.mediabox.width), float(page.mediabox.height))
            assert size == pytest.approx(A5, abs=0.05), article.slug


def test_offprint_metadata_is_the_articles_own(rendered: RenderedIssue, out: Path) -> None:
    for article in rendered.issue.published:
        reader = PdfReader(str(offprint(out, article.slug)))
        info = reader.metadata
        assert info is not None
        assert info["/Title"] == article.title
        assert info["/Author"] == ", ".join(a.name for a in article.authors)
        assert info["/license"] == article.license
        assert info["/source"] == "from issue 1 of Tech-Coops Zine: No masters, no slaves"
        assert reader.trailer["/Root"]["/Lang"] == article.language


def test_offprint_names_the_authors_cooperative(out: Path) -> None:
    info = PdfReader(str(offprint(out, "report"))).metadata
    assert info is not None and info["/coop"] == "IT-Kollektiv"
    assert "/coop" not in (PdfReader(str(offprint(out, "editorial"))).metadata or {})


def test_offprint_has_the_articles_title_and_text_and_nothing_else(out: Path) -> None:
    report = squash("".join(page_texts(offprint(out, "report"))))
    assert squash("Tech-coops at 35c3") in report
    assert squash(LOREM) in report
    assert squash("Why a zine") not in report  # no other article, no contents page
    japanese = squash("".join(page_texts(offprint(out, "japanese"))))
    assert squash("日本の技術協同組合") in japanese
    assert squash(JAPANESE) in japanese


def test_offprint_says_where_it_comes_from_and_its_license(out: Path) -> None:
    text = squash("".join(page_texts(offprint(out, "report"))))
    assert squash("Tech-Coops Zine · Issue 1 · No masters, no slaves") in text
    assert squash("License: CC-BY-4.0") in text


def test_offprint_footnotes_stay_with_their_calls(out: Path) -> None:
    texts = page_texts(offprint(out, "editorial"))
    assert any("Where this started" in t for t in texts)
    first = next(i for i, t in enumerate(texts) if "Where this started" in t)
    assert "1." in texts[first]  # the note's marker is printed on the page of its call


def test_offprint_running_heads_name_the_issue_and_the_article(out: Path) -> None:
    texts = page_texts(offprint(out, "report"))
    assert len(texts) >= 3
    assert texts[1].lstrip().startswith("Tech-Coops Zine · Issue 1")  # verso: the issue
    assert texts[2].lstrip().startswith("Tech-coops at 35c3")  # recto: the article


def test_every_offprint_font_is_embedded(rendered: RenderedIssue, out: Path) -> None:
    for article in rendered.issue.published:
        fonts = pdffonts(offprint(out, article.slug))
        assert fonts
        assert all(row["emb"] == "yes" for row in fonts), (article.slug, fonts)


def test_offprints_are_byte_identical_from_build_to_build(
        rendered: RenderedIssue, out: Path, tmp_path: Path) -> None:
    pdf.render(make_rendered_issue(), tmp_path)
    for article in rendered.issue.published:
        again = offprint(tmp_path, article.slug).read_bytes()
        assert again == offprint(out, article.slug).read_bytes(), article.slug


def test_an_offprint_is_the_articles_pages_of_the_issue_with_their_folios(
        rendered: RenderedIssue, out: Path) -> None:
    issue = page_texts(out / ISSUE / f"{ISSUE}.pdf")
    for article in rendered.issue.published:
        pages = page_texts(offprint(out, article.slug))
        first = issue.index(pages[0])  # the same text, running heads and page number
        assert issue[first:first + len(pages)] == pages, article.slug
        folio = pages[0].split()[-1].strip("\u202a\u202b\u202c")  # pdftotext's bidi marks
        assert folio == str(first + 1)  # the page number it has in the issue


def test_offprints_reuse_one_stylesheet_parse_per_issue(
        rendered: RenderedIssue, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import weasyprint

    parsed: list[str] = []
    real = weasyprint.CSS.__init__

    def counting(self: object, *args: object, **kwargs: object) -> None:
        parsed.append(str(kwargs.get("url")))
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(weasyprint.CSS, "__init__", counting)
    pdf.render(rendered, tmp_path)
    # pdf.css and what it imports, each parsed once for every part of the issue (the parts
    # are also the offprints), also in the worker processes forked after the parse
    assert parsed[0] == typeset.BASE_URL + typeset.stylesheet_urls()[0]
    assert len(parsed) == len(set(parsed))


def test_pdftotext_reads_every_offprint(rendered: RenderedIssue, out: Path) -> None:
    for article in rendered.issue.published:
        result = subprocess.run(["pdfinfo", str(offprint(out, article.slug))],
                                capture_output=True, text=True, check=False)
        assert result.returncode == 0 and "Syntax Error" not in result.stderr, result.stderr
