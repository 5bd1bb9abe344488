"""Links between articles, written as on GitHub, through the real loader and renderer: every
edition points them at the right place (HTML page and id, EPUB content document and id, the
web address from an offprint or to another issue), ids stay valid with non-ASCII headings
(EPUBCheck, Nu checker), and ``zine check`` on one file resolves them against every issue.
The PDF's internal links and "(p. N)" are read back in tests/test_pdf_sample.py."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pytest
from lxml import etree

from tests.check_helpers import article, write_tree
from tests.epub_helpers import NS, Epub, epubcheck
from tests.pipeline_helpers import render_project
from zine.check.run import check_project
from zine.editions import epub, html
from zine.model.rendered import RenderedIssue

GUIDE = article(body=(
    "The [notes](notes/index.md) say more; [this very section](guide.md#choose-a-legal-form)"
    " is here.\n\n"
    "## Choose a legal form\n\nText.\n\n## योगदान देने से पहले\n\nText.\n\n"
    "## پروژه‌ای\n\nText.\n\n## 🎉\n\nParty.\n\n"
    "## Опенсорс — значит бесплатно?\n\nText.[^1]\n\n[^1]: A note.\n"))
NOTES = article(body=(
    "Read [before](../guide.md#योगदान-देने-से-पहले), [the party](../guide.md#section),\n"
    "[free](../guide.md#опенсорс--значит-бесплатно), [the note](../guide.md#fn1),\n"
    "[the guide](../guide.md) and [next issue](../../../02-next/articles/later.md#later-on).\n"))
LATER = article(body="Back to [the guide](../../01-base/articles/guide.md#پروژهای).\n\n"
                     "## Later on\n\nText.\n")
ISSUE_TWO = 'number: 2\ntitle: "Next"\ndate: 2020-02-01\nlanguage: en\n'


def write_links_tree(root: Path) -> Path:
    return write_tree(root, {
        "issues/01-base/articles/guide.md": GUIDE,
        "issues/01-base/articles/notes/index.md": NOTES,
        "issues/02-next/issue.yaml": ISSUE_TWO,
        "issues/02-next/articles/later.md": LATER,
    })


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_links_tree(tmp_path_factory.mktemp("links"))


@pytest.fixture(scope="module")
def rendered(tree: Path) -> list[RenderedIssue]:
    return render_project(tree)


@pytest.fixture(scope="module")
def site(rendered: list[RenderedIssue], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    for issue in rendered:
        html.render(issue, out)
    return out


@pytest.fixture(scope="module")
def books(rendered: list[RenderedIssue], tmp_path_factory: pytest.TempPathFactory
          ) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("books")
    return {path.relative_to(out).as_posix(): path
            for issue in rendered for path in epub.render(issue, out)}


def xref_links(doc: lxml.html.HtmlElement) -> list[str]:
    return [a.get("href") for a in doc.iter("a") if "xref" in (a.get("class") or "").split()]


def test_the_tree_checks_clean(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    assert [d.format() for d in check_project([], None)] == []


def test_checking_one_file_resolves_links_into_other_issues(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree)
    for path in ("issues/01-base/articles/notes/index.md", "issues/02-next/articles/later.md"):
        assert [d.format() for d in check_project([Path(path)], None)] == [], path


def test_html_links_lead_to_existing_pages_and_ids(site: Path) -> None:
    pages = {"01-base/notes.html": 6, "01-base/guide.html": 2, "02-next/later.html": 1}
    for name, count in pages.items():
        page = site / name
        links = xref_links(lxml.html.fromstring(page.read_bytes()))
        assert len(links) == count, (name, links)
        for href in links:
            parts = urlsplit(href)
            assert not parts.scheme, href
            target = page.parent / parts.path
            assert target.is_file(), href
            ids = set(lxml.html.fromstring(target.read_bytes()).xpath("//@id"))
            assert not parts.fragment or unquote(parts.fragment) in ids, href
    notes = xref_links(lxml.html.fromstring((site / "01-base/notes.html").read_bytes()))
    assert notes == [
        "guide.html#guide--योगदान-देने-से-पहले", "guide.html#guide--section",
        "guide.html#guide--опенсорс--значит-бесплатно", "guide.html#fn-guide-1", "guide.html",
        "../02-next/later.html#later--later-on"]


def test_html_pages_with_non_ascii_ids_pass_the_nu_checker(site: Path) -> None:
    from tests.html_helpers import vnu_errors

    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    assert vnu_errors(sorted(site.glob("0*/*.html"))) == []


def _epub_targets(book: Epub) -> dict[str, set[str]]:
    return {name: set(book.xml(name).xpath("//@id")) for name in book.names
            if name.endswith(".xhtml")}


def test_epub_links_lead_to_its_own_documents_and_ids(books: dict[str, Path]) -> None:
    book = Epub.open(books["01-base/01-base.epub"])
    targets = _epub_targets(book)
    found = []
    for name in targets:
        for a in book.xml(name).iterfind(".//x:a[@class='xref']", NS):
            href = a.get("href") or ""
            found.append(href)
            assert a.get("data-xref") is None
            if href.startswith("https://"):
                continue
            document, _, anchor = href.partition("#")
            assert f"EPUB/{document}" in targets, href
            assert not anchor or anchor in targets[f"EPUB/{document}"], href
    assert "https://zine.test/02-next/later.html#later--later-on" in found  # another issue
    assert len([h for h in found if not h.startswith("https://")]) == 7


def test_an_epub_offprint_links_to_the_web_site(books: dict[str, Path]) -> None:
    book = Epub.open(books["01-base/offprints/notes.epub"])
    hrefs = [a.get("href") for name in book.names if name.endswith(".xhtml")
             for a in book.xml(name).iterfind(".//x:a[@class='xref']", NS)]
    assert hrefs[:2] == ["https://zine.test/01-base/guide.html#guide--योगदान-देने-से-पहले",
                         "https://zine.test/01-base/guide.html#guide--section"]
    assert len(hrefs) == 6 and all(h.startswith("https://zine.test/") for h in hrefs)


@pytest.mark.slow
def test_epubs_with_links_and_non_ascii_ids_pass_epubcheck(books: dict[str, Path]) -> None:
    for name in ("01-base/01-base.epub", "01-base/offprints/notes.epub",
                 "02-next/02-next.epub"):
        assert [m for m in epubcheck(books[name], usage=True) if " CSS-028 " not in m] == [], \
            name


def test_a_link_to_a_draft_is_plain_text_with_a_warning(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        "issues/01-base/articles/guide.md": article(body="See [soon](soon.md).\n"),
        "issues/01-base/articles/soon.md": article(front='title: "Soon"\nauthors:\n'
                                                         '  - name: "Zine collective"\n'
                                                         "draft: true\n")})
    [issue] = render_project(root)
    fragment = issue.fragments["guide"].html
    assert '<span class="link-text">soon</span>' in fragment
    assert etree.fromstring(f"<div>{fragment}</div>").find(".//a") is None


def test_hostile_link_paths_are_reported_not_raised(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    body = ("[x](a%00b.md) [y](x%00/) [z](../%2e%2e/%2e%2e/etc/passwd) "
            f"[w]({'a/' * 3000}b.md) [v](<a b.md>)\n")
    write_tree(tmp_path, {"issues/01-base/articles/a.md": article(body=body)})
    monkeypatch.chdir(tmp_path)
    codes = [d.code for d in check_project([], None)]
    assert codes == ["Z208", "Z211", "Z211", "Z208", "Z208"], codes


def test_link_positions_are_exact() -> None:
    """Line and column of each link's ``[`` (or ``<``) in the file, also for a second link
    with the same href, reference links, links in quotes, lists, tables and headings."""
    from zine.load.markdown import parse_body

    source = ("Para [a](x.md) and [a](x.md) again,\n  next [b](y.md#z) <https://e.org>.\n\n"
              "> quote [c](q.md)\n> > deeper [d](d.md)\n\n- item [e](e.md)\n\n"
              "| h | i |\n|---|---|\n| [f](f.md) | x [g](g.md) |\n\n"
              "Ref [h][r] and [r]. **[bold](b.md)**\n\n## Head [k](k.md)\n\n[r]: ../r.md\n")
    body = parse_body(source, language="en", path=Path("a.md"), first_line=10,
                      folder=Path("."))
    lines = source.split("\n")
    found = [(link.href, lines[link.pos.line - 10][link.pos.col - 1:][:3])
             for link in body.links]
    assert [(link.pos.line, link.pos.col) for link in body.links] == [
        (10, 6), (10, 20), (11, 8), (11, 20), (13, 9), (14, 12), (16, 8), (20, 3), (20, 17),
        (22, 5), (22, 16), (22, 23), (24, 9)]
    assert all(text[0] in "[<" for _, text in found), found


def test_an_xref_is_one_value_each_edition_reads() -> None:
    from zine.model.rendered import Xref

    xref = Xref("02-next", "later", "later--later-on")
    assert Xref.parse(str(xref)) == xref
    assert xref.page("02-next") == "later.html#later--later-on"
    assert xref.page("01-base") == "../02-next/later.html#later--later-on"
    assert xref.web_url("https://zine.test/") == \
        "https://zine.test/02-next/later.html#later--later-on"
    start = Xref("01-base", "guide")
    assert Xref.parse(str(start)) == start
    assert (start.page("01-base"), start.web_url("https://z.org")) == (
        "guide.html", "https://z.org/01-base/guide.html")


@pytest.mark.slow
def test_pdf_links_land_on_their_headings_and_other_issues_are_web_links(
        rendered: list[RenderedIssue], tmp_path: Path) -> None:
    from pypdf import PdfReader

    from zine.editions import pdf

    issue_pdf = pdf.render(next(r for r in rendered if r.issue.id == "01-base"), tmp_path)[0]
    reader = PdfReader(issue_pdf)
    named = reader.named_destinations
    texts = [page.extract_text() for page in reader.pages]
    landed, uris = {}, []
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            if "/Dest" in annot and str(annot["/Dest"]) in named:
                dest = str(annot["/Dest"])
                landed[dest] = reader.get_destination_page_number(named[dest]) + 1
            elif "/A" in annot and "/URI" in annot["/A"]:
                uris.append(str(annot["/A"]["/URI"]))
    for anchor, heading in [("guide--योगदान-देने-से-पहले", "योगदान देने से पहले"),
                            ("guide--section", "🎉"),
                            ("guide--опенсорс--значит-бесплатно", "Опенсорс")]:
        assert anchor in landed, anchor
        assert heading in texts[landed[anchor] - 1] or heading == "🎉", anchor
    assert "https://zine.test/02-next/later.html#later--later-on" in uris
    assert re.search(r"the guide \(p\. \d+\)", " ".join(" ".join(texts).split()))
