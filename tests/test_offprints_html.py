"""Article web pages link their offprints (EPUB and PDF, with sizes) when they were built, the
issue page lists them under each article, and every page stays valid for the Nu checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.conftest import require_tool
from tests.html_helpers import handmade_issue, vnu_errors
from zine.editions import epub, html, pdf
from zine.editions.html.assets import format_size

pytestmark = pytest.mark.slow

ISSUE = "01-handmade"
SLUGS = ("tools", "taawun", "kyodo")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offprint-links")
    rendered = handmade_issue()
    for edition in (epub.render, pdf.render, html.render):
        edition(rendered, out)
    return out


def offprint_links(page: Path, xpath: str) -> list[tuple[str, str, str]]:
    doc = lxml_html.fromstring(page.read_bytes())
    return [(a.get("href"), a.get("type"), a.text_content()) for a in doc.xpath(xpath)]


def size_of(site: Path, href: str) -> str:
    return format_size((site / ISSUE / href).stat().st_size)


def test_article_page_links_its_epub_and_pdf_offprints_with_sizes(site: Path) -> None:
    for slug in SLUGS:
        links = offprint_links(site / ISSUE / f"{slug}.html",
                               "//ul[contains(@class, 'offprints')]//a")
        assert [(h, t) for h, t, _ in links] == [
            (f"offprints/{slug}.epub", "application/epub+zip"),
            (f"offprints/{slug}.pdf", "application/pdf")]
        for href, _, text in links:
            assert (site / ISSUE / href).is_file()
            assert f"({size_of(site, href)})" in text
        assert "Download PDF" in links[1][2]


def test_issue_page_lists_the_offprints_of_each_article(site: Path) -> None:
    links = offprint_links(site / ISSUE / "index.html", "//*[@class='toc-offprints']/a")
    assert [h for h, _, _ in links] == [f"offprints/{s}.{ext}" for s in SLUGS
                                        for ext in ("epub", "pdf")]


def test_no_offprint_links_when_none_were_built(tmp_path: Path) -> None:
    html.render(handmade_issue(), tmp_path)
    page = (tmp_path / ISSUE / "tools.html").read_text(encoding="utf-8")
    assert "offprints/" not in page
    assert "offprints/" not in (tmp_path / ISSUE / "index.html").read_text(encoding="utf-8")


def test_pages_with_offprint_links_pass_the_nu_checker(site: Path) -> None:
    require_tool("java")
    pages = [site / ISSUE / "index.html", *(site / ISSUE / f"{s}.html" for s in SLUGS)]
    assert vnu_errors(pages) == []
