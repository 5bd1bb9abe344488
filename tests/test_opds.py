"""The OPDS 1.2 catalog ``build/opds.xml``: an Atom acquisition feed, written with the site,
one entry per built issue that has an EPUB or PDF (issues built earlier too), with typed
acquisition, image and thumbnail links that resolve to files in the output folder, and ids
that are the EPUB identifiers.

No OPDS 1.2 RELAX NG schema is available from PyPI here, so the rules of the OPDS 1.2 spec
(and RFC 4287, via ``tests.html_helpers.atom_problems``) are checked in code.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.html_helpers import atom_problems, handmade_issue
from zine.editions import epub, html, pdf
from zine.editions.epub.meta import book_identifier
from zine.editions.html import opds, render_site

pytestmark = pytest.mark.slow

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
A = f"{{{ATOM}}}"
KIND = "application/atom+xml;profile=opds-catalog;kind=acquisition"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Issue 1 built earlier (EPUB + HTML), issue 2 now (EPUB, PDF, HTML), issue 3 earlier as
    a website only."""
    out = tmp_path_factory.mktemp("opds")
    third = handmade_issue(issue_id="03-web-only", number=3, when=date(2021, 1, 1))
    html.render(third, out)
    first = handmade_issue(issue_id="01-first", number=1, when=date(2019, 3, 1))
    epub.render(first, out)
    html.render(first, out)
    render_site(first.zine, [first], out)
    second = handmade_issue(issue_id="02-second", number=2, when=date(2020, 6, 15))
    for edition in (epub.render, pdf.render, html.render):
        edition(second, out)
    render_site(second.zine, [second], out)
    return out


def catalog(site: Path) -> etree._Element:
    return etree.parse(str(site / "opds.xml")).getroot()


def entries(site: Path) -> dict[str, etree._Element]:
    """Entries by the issue id their alternate link names."""
    found = {}
    for entry in catalog(site).iterfind(f"{A}entry"):
        href = entry.find(f"{A}link[@rel='alternate']").get("href")
        found[href.split("/")[0]] = entry
    return found


def test_catalog_is_an_atom_feed_with_the_opds_namespaces(site: Path) -> None:
    root = catalog(site)
    assert root.tag == f"{A}feed"
    assert root.nsmap[None] == ATOM
    assert root.nsmap["dc"] == DC
    assert root.nsmap["opds"] == "http://opds-spec.org/2010/catalog"
    assert atom_problems(site / "opds.xml") == []


def test_catalog_self_and_start_links_are_acquisition_feeds(site: Path) -> None:
    root = catalog(site)
    for rel in ("self", "start"):
        links = root.findall(f"{A}link[@rel='{rel}']")
        assert len(links) == 1
        assert links[0].get("type") == KIND
        assert links[0].get("href") == "opds.xml"
    assert root.findtext(f"{A}title") == "Tech-Coops Zine"
    assert root.findtext(f"{A}id").startswith("urn:uuid:")
    assert RFC3339.match(root.findtext(f"{A}updated"))


def test_one_entry_per_issue_with_something_to_download_newest_first(site: Path) -> None:
    assert list(entries(site)) == ["02-second", "01-first"]  # 03 has neither EPUB nor PDF


def test_acquisition_links_for_the_editions_that_exist(site: Path) -> None:
    acquire = "http://opds-spec.org/acquisition"
    found = {issue: [(link.get("type"), link.get("href"))
                     for link in entry.findall(f"{A}link[@rel='{acquire}']")]
             for issue, entry in entries(site).items()}
    assert found == {
        "02-second": [("application/epub+zip", "02-second/02-second.epub"),
                      ("application/pdf", "02-second/02-second.pdf")],
        "01-first": [("application/epub+zip", "01-first/01-first.epub")],
    }
    for entry in entries(site).values():
        for link in entry.findall(f"{A}link[@rel='{acquire}']"):
            assert int(link.get("length")) == (site / link.get("href")).stat().st_size


def test_cover_image_and_thumbnail_links(site: Path) -> None:
    for entry in entries(site).values():
        for rel in ("http://opds-spec.org/image", "http://opds-spec.org/image/thumbnail"):
            link = entry.find(f"{A}link[@rel='{rel}']")
            assert link is not None and link.get("type") == "image/png"
            assert (site / link.get("href")).read_bytes().startswith(b"\x89PNG")


def test_every_href_resolves_to_a_file_in_the_output_folder(site: Path) -> None:
    hrefs = [link.get("href") for link in catalog(site).iter(f"{A}link")]
    assert len(hrefs) == 3 + 5 + 4  # feed: 3; issue 2: 5 links; issue 1: 4 (no PDF)
    for href in hrefs:
        assert not urlsplit(href).scheme and not href.startswith("/")
        target = (site / href).resolve()
        assert target.is_relative_to(site.resolve()) and target.is_file(), href


def test_entries_carry_summary_authors_language_and_dates(site: Path) -> None:
    for issue_id, entry in entries(site).items():
        assert entry.findtext(f"{A}title") == "No masters, no slaves"
        summary = entry.find(f"{A}summary")
        assert summary.get("type") == "text"
        assert summary.text == "Tech cooperatives around the world."
        names = [a.findtext(f"{A}name") for a in entry.findall(f"{A}author")]
        assert names == ["Jo Example", "Sam Hypha", "Kollektiv"], issue_id
        assert entry.findtext(f"{{{DC}}}language") == "en"
        issued = {"01-first": "2019-03-01", "02-second": "2020-06-15"}[issue_id]
        assert entry.findtext(f"{{{DC}}}issued") == issued
        assert entry.findtext(f"{A}updated") == f"{issued}T00:00:00Z"


def test_entry_ids_are_the_epub_identifiers(site: Path) -> None:
    for issue_id, entry in entries(site).items():
        number = int(issue_id[:2])
        rendered = handmade_issue(issue_id=issue_id, number=number)
        urn = book_identifier(rendered)
        assert entry.findtext(f"{A}id") == urn == entry.findtext(f"{{{DC}}}identifier")
        with zipfile.ZipFile(site / issue_id / f"{issue_id}.epub") as book:
            opf = next(n for n in book.namelist() if n.endswith(".opf"))
            assert urn in book.read(opf).decode("utf-8")


def test_site_index_links_the_catalog(site: Path) -> None:
    doc = lxml_html.fromstring((site / "index.html").read_bytes())
    links = doc.xpath("//link[@rel='alternate'][starts-with(@type, "
                      "'application/atom+xml;profile=opds-catalog')]")
    assert [link.get("href") for link in links] == ["opds.xml"]


def test_catalog_is_byte_identical_when_written_again(site: Path) -> None:
    before = (site / "opds.xml").read_bytes()
    second = handmade_issue(issue_id="02-second", number=2, when=date(2020, 6, 15))
    render_site(second.zine, [second], site)
    assert (site / "opds.xml").read_bytes() == before


def test_control_characters_in_a_title_do_not_break_the_catalog(tmp_path: Path) -> None:
    rendered = handmade_issue()
    (tmp_path / rendered.issue.id).mkdir()
    (tmp_path / rendered.issue.id / f"{rendered.issue.id}.pdf").write_bytes(b"%PDF-1.7\n")
    item = opds_item(rendered, title="Bad\x0b title\x00")
    data = opds.catalog_bytes(rendered.zine, [item], tmp_path, "2019-03-01T00:00:00Z",
                              ["2019-03-01T00:00:00Z"])
    assert etree.fromstring(data).find(f"{A}entry").findtext(f"{A}title") == "Bad title"


def opds_item(rendered: object, title: str) -> object:
    from dataclasses import replace

    from zine.editions.html.listing import from_rendered

    return replace(from_rendered(rendered), title=title)  # type: ignore[arg-type]
