"""The print PDF of the sample issue, through the real pipeline (load -> render -> PDF).

Reads the PDF back with pypdf and poppler: contents numbers are the real first pages, the
outline has one entry per article on that page, every font is embedded, every article's text
and every footnote (on the page of its call) is there, and the PDF does not depend on the
folder the checkout or the output lives in.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from tests.conftest import REPO, require_tool
from tests.pdf_helpers import (
    contents_numbers,
    footnote_pairs,
    opening_pages,
    outline_entries,
    page_texts,
    pdffonts,
    squash,
    words_outside,
)
from tests.pdf_structure_helpers import (
    pdf_elements,
    pdf_languages,
    pdf_structure_problems,
    pdf_types,
    pdfua_findings,
)
from tests.pipeline_helpers import render_project
from zine.editions import pdf
from zine.model.rendered import RenderedIssue

pytestmark = pytest.mark.slow

SAMPLE = "01-no-masters-no-slaves"


def rendered_from(root: Path) -> RenderedIssue:
    return next(r for r in render_project(root) if r.issue.id == SAMPLE)


@pytest.fixture(scope="module")
def rendered() -> RenderedIssue:
    return rendered_from(REPO)


@pytest.fixture(scope="module")
def built(rendered: RenderedIssue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("pdftotext")
    out = tmp_path_factory.mktemp("sample")
    paths = pdf.render(rendered, out)
    assert paths[0] == out / SAMPLE / f"{SAMPLE}.pdf"
    assert {p.name for p in paths[1:]} == {f"{a.slug}.pdf" for a in rendered.issue.published}
    return paths[0]


@pytest.fixture(scope="module")
def texts(built: Path) -> list[str]:
    return page_texts(built)


def test_sample_pdf_pages_are_a5(built: Path) -> None:
    for page in PdfReader(str(built)).pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (419.53, 595.28), abs=0.05)


def test_sample_contents_numbers_are_the_pages_the_articles_start_on(
        rendered: RenderedIssue, texts: list[str]) -> None:
    numbers = contents_numbers(rendered, texts)
    assert len(numbers) == len(rendered.issue.published)
    openings = opening_pages(rendered, texts)
    for article in rendered.issue.published:
        assert openings[article.title] == [numbers[article.title]], article.slug
        assert numbers[article.title] % 2 == 1, f"{article.slug} starts on a verso"


def test_sample_outline_has_one_entry_per_article_on_its_first_page(
        rendered: RenderedIssue, built: Path, texts: list[str]) -> None:
    entries = outline_entries(built)
    numbers = contents_numbers(rendered, texts)
    for article in rendered.issue.published:
        found = [page for title, _, page in entries if title == article.title]
        assert found == [numbers[article.title]], article.slug


def test_sample_outline_has_an_entry_per_section(rendered: RenderedIssue, built: Path) -> None:
    titles = [squash(t).casefold() for t, depth, _ in outline_entries(built) if depth == 1]
    for section in rendered.issue.sections:
        if section.title:
            assert squash(section.title).casefold() in titles


def test_sample_fonts_are_all_embedded(built: Path) -> None:
    require_tool("pdffonts")
    rows = pdffonts(built)
    assert rows and all(row["emb"] == "yes" for row in rows), rows


def test_sample_text_of_every_article_is_present(rendered: RenderedIssue,
                                                 texts: list[str]) -> None:
    everything = squash("".join(texts))
    for article in rendered.issue.published:
        assert squash(article.title) in everything
        for heading in article.body.headings:
            assert squash(heading.text.replace("`", "")) in everything, heading.text


def test_sample_footnotes_are_on_the_page_of_their_call(rendered: RenderedIssue,
                                                        texts: list[str]) -> None:
    pairs = footnote_pairs(rendered)
    assert len(pairs) == sum(a.body.footnotes for a in rendered.issue.published)
    pages = [squash(t) for t in texts]
    for before, note in pairs:
        note_pages = [i for i, page in enumerate(pages) if note in page]
        assert note_pages, note
        assert any(before in pages[i] for i in note_pages), (before, note)


def test_sample_pdf_is_tagged_in_the_issue_language(rendered: RenderedIssue,
                                                    built: Path) -> None:
    root = PdfReader(str(built)).trailer["/Root"]
    assert root["/Lang"] == rendered.issue.language
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])


def test_sample_pdf_is_the_same_from_another_checkout_and_output_folder(
        built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "another" / "checkout"
    copy.mkdir(parents=True)
    for name in ("zine.yaml", "coops.yaml"):
        shutil.copy2(REPO / name, copy / name)
    shutil.copytree(REPO / "issues" / SAMPLE, copy / "issues" / SAMPLE)
    other = pdf.render(rendered_from(copy), tmp_path / "out")[0]
    assert other.read_bytes() == built.read_bytes()


def test_sample_text_stays_inside_the_type_area(built: Path) -> None:
    # the cover (page 1) is a full-bleed image; everything else keeps the A5 margins
    assert [w for w in words_outside(built, left=38, right=419.53 - 38) if w[0] != 1] == []


# -- links between articles ---------------------------------------------------------------------

def _internal_links(pdf_path: Path) -> dict[int, list[tuple[str, int]]]:
    """(named destination, 1-based page it lands on) of every internal link, by 1-based page."""
    reader = PdfReader(pdf_path)
    named = reader.named_destinations
    found: dict[int, list[tuple[str, int]]] = {}
    for number, page in enumerate(reader.pages, start=1):
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            dest = annot.get("/Dest")
            if annot.get("/Subtype") == "/Link" and dest is not None and str(dest) in named:
                landing = reader.get_destination_page_number(named[str(dest)]) + 1
                found.setdefault(number, []).append((str(dest), landing))
    return found


def _uris(pdf_path: Path) -> list[str]:
    reader = PdfReader(pdf_path)
    return [str(annot.get_object()["/A"]["/URI"]) for page in reader.pages
            for annot in page.get("/Annots") or []
            if "/A" in annot.get_object() and "/URI" in annot.get_object()["/A"]]


@pytest.mark.parametrize(("link_text", "heading", "anchor"), [
    ("legal forms to choose from", "Choose a legal form",
     "starting-a-tech-coop--choose-a-legal-form"),
    ("when to say no", "Saying no", "finding-and-refusing-clients--saying-no"),
    ("article on finding clients", "", "article-finding-and-refusing-clients"),
])
def test_a_link_to_another_article_prints_its_page_and_lands_there(
        rendered: RenderedIssue, built: Path, texts: list[str], link_text: str, heading: str,
        anchor: str) -> None:
    """pdftotext shows "(p. N)" after the link, N is the page where the target heading is
    printed, and the link is a real link annotation to that page."""
    import re

    flat = [" ".join(t.split()) for t in texts]
    (where,) = [i + 1 for i, t in enumerate(flat) if re.search(
        re.escape(link_text) + r" \(p\. \d+\)", t)]
    page = int(re.search(re.escape(link_text) + r" \(p\. (\d+)\)", flat[where - 1])[1])
    first = min(pages[0] for pages in opening_pages(rendered, texts).values())
    if heading:  # the first page after the front matter where the heading is printed
        headings = [i + 1 for i, t in enumerate(texts) if i + 1 >= first and any(
            line.strip() == heading for line in t.splitlines())]
    else:  # the target article's first page
        target = next(a for a in rendered.issue.published
                      if a.slug == anchor.removeprefix("article-"))
        headings = opening_pages(rendered, texts)[target.title]
    assert headings and page == headings[0], (page, headings)
    assert (anchor, page) in _internal_links(built)[where]


def test_an_offprint_links_to_the_web_site_without_page_numbers(built: Path) -> None:
    offprint = built.parent / "offprints" / "editorial.pdf"
    text = " ".join(page_texts(offprint))
    assert "legal forms to choose from" in " ".join(text.split())
    assert "(p. " not in text
    assert ("https://zine.example.org/01-no-masters-no-slaves/starting-a-tech-coop.html"
            "#starting-a-tech-coop--choose-a-legal-form") in _uris(offprint)
    assert not any(dest.startswith("starting-a-tech-coop")
                   for links in _internal_links(offprint).values() for dest, _ in links)


def _sample_pdfs(built: Path) -> list[Path]:
    return [built, *sorted((built.parent / "offprints").glob("*.pdf"))]


def test_sample_pdfs_read_back_as_sound_pdf_ua_structure(built: Path) -> None:
    """Issue and offprints: figures with /Alt, headings that mark text and skip no level,
    scoped /TH, links with their annotations, notes with ids, running heads and folios as
    artifacts, /MarkInfo, /DisplayDocTitle, /Lang (tests/pdf_structure_helpers.py reads it back)."""
    for path in _sample_pdfs(built):
        assert pdf_structure_problems(path) == [], path.name
    types = pdf_types(built)
    assert {"/Figure", "/Table", "/TH", "/Link", "/Note", "/H1", "/H2"} <= set(types)


def test_sample_pdfs_pass_the_pdfua_checker(built: Path) -> None:
    for path in _sample_pdfs(built):
        findings, skipped = pdfua_findings(path)
        assert findings == [], path.name
        assert skipped <= {"UA-14-001"}, skipped  # see pdfua_findings


def test_every_footnote_is_a_note_in_its_articles_language(rendered: RenderedIssue,
                                                          built: Path) -> None:
    expected: Counter[str] = Counter()
    for fragment in rendered.fragments.values():
        expected[fragment.article.language] += fragment.html.count('role="doc-footnote"')
    found = Counter(lang for kind, lang in pdf_languages(built) if kind == "/Note")
    assert found == +expected
    assert pdf_types(built).count("/Note") == sum(expected.values())


def test_articles_and_contents_entries_carry_their_language(rendered: RenderedIssue,
                                                            built: Path) -> None:
    tagged = pdf_languages(built)
    others = {f.article.language for f in rendered.fragments.values()} - {
        rendered.issue.language}
    assert others, "the sample has articles in other languages"
    for language in others:
        assert ("/Art", language) in tagged
        assert ("/LI", language) in tagged  # its entry in the contents
    assert ("/Art", rendered.issue.language) not in tagged  # the document's /Lang says it


def test_the_read_back_catches_what_it_checks(built: Path, tmp_path: Path) -> None:
    """Damage a copy: a figure loses /Alt, a header its scope, a heading level jumps and
    the document its /DisplayDocTitle; each is reported."""
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(built) as pdf:
        elements = [e for e, _ in pdf_elements(pdf)]
        next(e for e in elements if e.S == "/Figure").Alt = pikepdf.String("")
        del next(e for e in elements if e.S == "/TH").A.Scope
        next(e for e in elements if e.S == "/H2").S = pikepdf.Name("/H4")
        pdf.Root.ViewerPreferences.DisplayDocTitle = False
        pdf.save(broken)
    problems = pdf_structure_problems(broken)
    for expected in ("a /Figure without /Alt", "a /TH without /Scope",
                     "heading level jumps from H1 to H4",
                     "catalog: /ViewerPreferences /DisplayDocTitle is not true"):
        assert expected in problems
