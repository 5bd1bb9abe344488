"""GFM coverage of the body pipeline: autolinks, strikethrough, task lists, footnotes, images.

The fragment is what all three editions are made of (EPUB and web as is, the PDF through
``zine.editions.pdf.markup``), so these tests read the rendered fragment back.
"""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html
import pytest
from pypdf import PdfReader

from tests.check_helpers import article, write_tree
from tests.render_helpers import (
    make_article,
    make_issue,
    make_zine,
    parse_fragment,
    write_png,
    xpath,
)
from zine.build import build_project
from zine.check.body import check_body
from zine.editions.pdf.markup import prepare_fragment
from zine.load.markdown import resolve_local
from zine.model.rendered import RenderedIssue
from zine.render.issue import render_issue
from zine.safety.fetcher import packaged_styles


def render_one(tmp_path: Path, source: str) -> tuple[RenderedIssue, str]:
    article = make_article(source, tmp_path)
    rendered, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    assert [d.format() for d in diags] == []
    return rendered, rendered.fragments[article.slug].html


def links(html: str) -> list[tuple[str, str]]:
    return [(a.get("href"), "".join(a.itertext()))
            for a in xpath(parse_fragment(html), "//h:a")]


# -- autolinks ------------------------------------------------------------------------------

def test_bare_urls_www_and_email_addresses_become_links(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "See www.example.org, https://coop.example/join?x=1 or "
                                   "write to editors@zine.example.\n")
    assert links(html) == [("http://www.example.org", "www.example.org"),
                           ("https://coop.example/join?x=1", "https://coop.example/join?x=1"),
                           ("mailto:editors@zine.example", "editors@zine.example")]


def test_an_underscore_in_an_email_address_stays_in_the_link(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "Write to tech_coop@zine.example.\n")
    assert links(html) == [("mailto:tech_coop@zine.example", "tech_coop@zine.example")]


def test_addresses_in_quotes_or_brackets_are_linked_as_on_github(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, 'See "https://coop.example/a", [https://coop.example/b] '
                                   "or 'editors@zine.example'. `\"https://code.example\"`\n")
    assert links(html) == [("https://coop.example/a", "https://coop.example/a"),
                           ("https://coop.example/b", "https://coop.example/b"),
                           ("mailto:editors@zine.example", "editors@zine.example")]
    assert "“" in html and "”" in html  # the quotes around a link are still typeset


@pytest.mark.parametrize("source", ["README.md and notes.txt", "javascript:alert(1)",
                                    "`www.example.org`", "data:text/html,hi there"])
def test_file_names_code_and_unsafe_schemes_are_not_autolinked(tmp_path: Path,
                                                                source: str) -> None:
    _, html = render_one(tmp_path, f"{source}\n")
    assert links(html) == []
    assert "".join(parse_fragment(html).itertext()).strip() == source.strip("`")


def test_autolinks_are_found_by_the_link_checks(tmp_path: Path) -> None:
    article = make_article("Intro.\n\nSee www.example.org here.\n", tmp_path)
    [link] = article.body.links
    assert (link.href, link.pos.line, link.pos.col) == ("http://www.example.org", 6, 5)


# -- strikethrough --------------------------------------------------------------------------

@pytest.mark.parametrize(("source", "struck", "text"), [
    ("~one~ and ~~two~~", ["one", "two"], "one and two"),
    ("This is not ~~~~~one~~~~~ huge", [], "This is not ~~~~~one~~~~~ huge"),
    ("This will ~~~not~~~ strike.", [], "This will ~~~not~~~ strike."),
    ("No ~mismatch~~", [], "No ~mismatch~~"),
])
def test_strikethrough_follows_gfm(tmp_path: Path, source: str, struck: list[str],
                                   text: str) -> None:
    _, html = render_one(tmp_path, f"{source}\n")
    root = parse_fragment(html)
    assert ["".join(s.itertext()) for s in xpath(root, "//h:s | //h:del")] == struck
    assert "".join(root.itertext()).strip() == text


# -- task lists -----------------------------------------------------------------------------

def test_task_lists_show_a_labelled_box_and_no_bullet(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "- [ ] write the article\n- [x] find a photo\n- plain\n")
    root = parse_fragment(html)
    items = xpath(root, "//h:li")
    boxes = [(b.text, b.get("role"), b.get("aria-label"))
             for b in xpath(root, "//h:li/h:span[@class='task-box']")]
    assert boxes == [("☐", "img", "not done"), ("☑", "img", "done")]
    assert ["".join(li.itertext()) for li in items] == [
        "☐ write the article", "☑ find a photo", "plain"]
    assert [li.get("class") for li in items] == ["task-list-item", "task-list-item", None]
    assert xpath(root, "//h:input") == []
    assert "[ ]" not in html and "[x]" not in html


def test_a_loose_task_list_puts_the_box_in_the_paragraph(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "- [x] one\n\n- [ ] two\n")
    root = parse_fragment(html)
    assert [b.text for b in xpath(root, "//h:li/h:p/h:span[@class='task-box']")] == ["☑", "☐"]


def test_the_task_box_is_labelled_in_the_article_language(tmp_path: Path) -> None:
    article = make_article("- [x] fertig\n", tmp_path, language="de")
    rendered, _ = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    root = parse_fragment(rendered.fragments[article.slug].html)
    assert xpath(root, "//h:span[@class='task-box']/@aria-label") == ["erledigt"]


# -- footnotes ------------------------------------------------------------------------------

def test_undefined_and_unused_notes_are_reported_with_the_near_label(tmp_path: Path) -> None:
    article = make_article("Met in a kitchen.[^kitchen] Rented a room.[^room]\n\n"
                           "[^kitchen]: A founder's.\n\n[^rooms]: Above a bakery.\n", tmp_path)
    lines = [d.format(cwd=tmp_path) for d in check_body(article)]
    assert lines == [
        "art.md:4:43: warning: footnote reference [^room] has no definition, so it is printed "
        "as written: add a line '[^room]: The note.' after the paragraph instead; did you mean "
        "[^rooms]? [Z319]",
        "art.md:8:1: warning: footnote [^rooms] is never referenced in the text (the text cites "
        "[^room], which has no definition): its text is left out of the editions [Z506]"]


def test_escaped_note_brackets_and_code_are_not_references(tmp_path: Path) -> None:
    article = make_article("A class \\[^abc] and `[^x]` in code.[^n]\n\n[^n]: Note.\n", tmp_path)
    assert check_body(article) == []


def test_a_note_cited_twice_gets_the_same_marker_in_print(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "One.[^a] Two.[^a] Three.[^b]\n\n[^a]: Note A.\n\n"
                                   "[^b]: Note B.\n")
    tree = lxml.html.fragment_fromstring(str(prepare_fragment(html, "art")),
                                         create_parent="div")
    assert [n.text_content().strip() for n in tree.xpath("//span[@class='pdf-footnote']")] == [
        "Note A.", "Note B."]
    again = tree.xpath("//span[@class='pdf-footnote-again']")
    assert [a.text for a in again] == ["1"]
    assert again[0].getparent().tag == "p"  # not inside a <sup>: drawn like the call itself
    assert tree.xpath("//sup") == []
    css = (packaged_styles() / "pdf.css").read_text("utf-8")
    call = re.search(r"\.pdf-footnote::footnote-call \{([^}]*)\}", css)
    repeat = re.search(r"\.pdf-footnote-again \{([^}]*)\}", css)
    assert call and repeat
    assert _declarations(repeat[1]) == _declarations(call[1]) - {"content: counter(footnote)"}


def _declarations(block: str) -> set[str]:
    return {" ".join(part.split()) for part in block.split(";") if part.strip()}


# -- images ---------------------------------------------------------------------------------

def test_an_image_path_with_a_blank_is_reported_and_both_fixes_render(tmp_path: Path) -> None:
    write_png(tmp_path / "Team Photo.png")
    source = ('![Team](Team Photo.png "Spring") and ![ok](Team%20Photo.png  "Two blanks")\n\n'
              '`![code](a b.png)` is code.\n\n'
              '![Team](<Team Photo.png> "Spring")\n\n![Team](Team%20Photo.png)\n')
    article = make_article(source, tmp_path)
    assert [d.format(cwd=tmp_path) for d in check_body(article)] == [
        "art.md:4:1: error: image path 'Team Photo.png' has a blank, so the image is printed "
        "as Markdown text: write it as <Team Photo.png> or Team%20Photo.png instead [Z409]"]
    rendered, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    assert diags == []
    root = parse_fragment(rendered.fragments[article.slug].html)
    sources = xpath(root, "//h:img/@src")
    assert len(sources) == 3 and len(set(sources)) == 1
    assert sources[0] in rendered.media


def test_an_image_named_in_another_case_is_missing_everywhere_with_the_real_name(
        tmp_path: Path) -> None:
    write_png(tmp_path / "logo.png")
    article = make_article("![Our logo](logo.PNG)\n", tmp_path)
    [image] = article.body.images
    assert image.path is None  # also where the disk ignores case, as on a laptop
    [diag] = check_body(article)
    assert diag.code == "Z403"
    assert "the folder has 'logo.png', which differs in upper and lower case" in diag.message
    assert diag.message.endswith("write 'logo.png'")


def test_a_case_insensitive_disk_does_not_hide_the_case_mismatch(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As on macOS or Windows: the disk opens logo.PNG for logo.png."""
    write_png(tmp_path / "logo.png")
    real_is_file = Path.is_file
    monkeypatch.setattr(Path, "is_file", lambda self: real_is_file(
        self.with_name(self.name.lower())))
    assert (tmp_path / "logo.PNG").is_file()
    assert resolve_local("logo.PNG", tmp_path, tmp_path) is None
    assert resolve_local("logo.png", tmp_path, tmp_path) == tmp_path.resolve() / "logo.png"


# -- in print -------------------------------------------------------------------------------

PRINTED = """\
Agreed on a short list.[^list] It was read out at the start.[^list]

- [ ] book the room
- [x] send the agenda

A second note.[^second]

[^list]: Shorter than last year's.

[^second]: The second note.
"""


@pytest.mark.slow
def test_task_boxes_and_repeated_note_calls_in_the_pdf(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "zine", {
        "issues/01-base/articles/hello.md": article(body=PRINTED)})
    result = build_project([], formats=["pdf"], out_dir=tmp_path / "out", root=root,
                           use_cache=False)
    assert [d.format() for d in result.diagnostics] == []
    reader = PdfReader(tmp_path / "out" / "01-base" / "01-base.pdf")
    [page] = [p for p in reader.pages if "book the room" in p.extract_text()]
    lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
    assert "☐ book the room" in lines and "☑ send the agenda" in lines
    assert not any("[ ]" in line or "[x]" in line or "•" in line for line in lines)
    calls: list[tuple[str, object, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict[str, object] | None,
              size: float) -> None:
        if text.strip() in ("1", "2"):
            calls.append((text.strip(), (font or {}).get("/BaseFont"),
                          round(size * tm[3] * cm[3], 2)))

    page.extract_text(visitor_text=visit)
    assert [call[0] for call in calls] == ["1", "1", "2"]
    assert len({call[1:] for call in calls}) == 1  # the same font and size, every call


# -- tables ---------------------------------------------------------------------------------

def test_cells_beyond_the_header_are_reported(tmp_path: Path) -> None:
    article = make_article("| a | b | c |\n| --- | --- | ---\n| x\n| a | b\n"
                           "| 1 | 2 | 3 | 4 | 5 |\n\n| p | q |\n|---|---|\n| `x \\| y` | z |\n",
                           tmp_path)
    assert [(d.code, d.pos.line, d.message.split(":")[0]) for d in check_body(article)] == [
        ("Z320", 8, "this table row has 5 cells but the header has 3")]


def test_each_citation_of_a_note_has_its_own_numbered_backlink(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "One.[^a] Two.[^a] Three.[^a]\n\n[^a]: Note A.\n")
    root = parse_fragment(html)
    backs = xpath(root, "//h:a[@role='doc-backlink']")
    assert ["".join(b.itertext()) for b in backs] == ["↩", "↩2", "↩3"]
    assert [b.get("aria-label") for b in backs] == [
        "Back to reference 1", "Back to reference 1 (2)", "Back to reference 1 (3)"]
    calls = xpath(root, "//h:a[@role='doc-noteref']")
    assert [c.get("id") for c in calls] == [b.get("href")[1:] for b in backs]
