"""The Markdown stage: one parse per article, and the facts checks read from it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zine.load.markdown import MAX_NESTING, QUOTES, make_parser, parse_body
from zine.text.ids import slugify


def parse(source: str, language: str = "en", tmp: Path = Path("/nonexistent")):
    return parse_body(source, language=language, path=tmp / "a.md", first_line=10, folder=tmp)


def rendered_text(source: str) -> str:
    return make_parser("en").render(source)


# -- nesting limit: markdown-it drops text silently; we must say where -------------------

def test_sixty_nested_blockquotes_report_the_dropped_line() -> None:
    body = parse(">" * 60 + " deep text\n\nafter\n")
    assert [(p.line, p.col) for p in body.too_deep] == [(10, 1)]


def test_deep_list_reports_the_first_dropped_item() -> None:
    items = "".join("  " * depth + f"- item {depth}\n" for depth in range(40))
    body = parse("intro\n\n" + items)
    assert len(body.too_deep) == 1
    dropped_line = body.too_deep[0].line - 10  # 0-based line in the body
    assert "item" in ("intro\n\n" + items).split("\n")[dropped_line]
    # The text of that line really is missing from markdown-it's output: a real drop.
    number = ("intro\n\n" + items).split("\n")[dropped_line].split()[-1]
    assert f"item {number}<" not in rendered_text("intro\n\n" + items)


def test_nesting_just_under_the_limit_is_not_reported() -> None:
    depth = MAX_NESTING - 1  # each '>' opens one level
    body = parse(">" * depth + " fine\n")
    assert body.too_deep == ()
    assert "fine" in rendered_text(">" * depth + " fine\n")


def test_deep_nesting_inside_footnote_is_reported() -> None:
    body = parse("x[^1]\n\n[^1]: " + ">" * 60 + " hidden\n")
    assert body.too_deep


def test_ordinary_documents_have_no_nesting_report() -> None:
    body = parse("# T\n\n> quote\n> > nested\n\n- a\n  - b\n    - c\n")
    assert body.too_deep == ()


# -- footnotes the plugin leaves out ---------------------------------------------------------

def test_footnote_defined_twice_reports_the_dropped_definition() -> None:
    body = parse("x[^n]\n\n[^n]: first\n\n[^n]: second\n")
    assert [(p.line, label, why) for p, label, why in body.dropped_notes] == [
        (12, "n", "is defined again on line 14")]
    assert "first" not in rendered_text("x[^n]\n\n[^n]: first\n\n[^n]: second\n")


def test_footnote_never_referenced_is_reported() -> None:
    body = parse("text\n\n[^lonely]: nobody calls me\n")
    assert [(p.line, label, why) for p, label, why in body.dropped_notes] == [
        (12, "lonely", "is never referenced in the text")]


def test_used_footnotes_are_not_reported() -> None:
    assert parse("a[^1] b[^x]\n\n[^1]: one\n[^x]: two\n").dropped_notes == ()


# -- raw HTML, demoted h1, positions --------------------------------------------------------

def test_raw_html_is_escaped_and_its_positions_reported() -> None:
    source = "Text <b onclick=x>bold</b>\n\n<script>alert(1)</script>\n"
    body = parse(source)
    assert [(p.line, p.col) for p in body.raw_html] == [(10, 6), (10, 23), (12, 1)]
    html = rendered_text(source)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_text_is_parsed_again_for_raw_html_only_when_it_could_hold_some() -> None:
    """The shortcut of ``raw_html_positions`` (no ``<`` before a letter, ``/``, ``!`` or ``?``:
    no second parse) loses nothing on any spec example the detector finds raw HTML in."""
    from tests.spec_harness import examples
    from zine.load import markdown

    with_html = 0
    for example in examples():
        text = example.markdown
        found = [token for token in markdown._html_detector().parse(text, {})
                 if token.type == "html_block"
                 or any(c.type == "html_inline" for c in token.children or [])]
        if found:
            with_html += 1
            assert markdown._HTML_START.search(text), example.name
            assert markdown.raw_html_positions(text, Path("a.md"), 1), example.name
    assert with_html > 40  # the spec's HTML sections are in the set
    assert markdown.raw_html_positions("a < b and 3<4, no tags\n", Path("a.md"), 1) == ()


def test_autolinks_are_not_raw_html() -> None:
    assert parse("see <https://example.org>\n").raw_html == ()


def test_h1_in_body_is_demoted_and_reported() -> None:
    body = parse("# First\n\ntext\n\n## Second\n")
    assert [p.line for p in body.demoted_h1] == [10]
    assert [h.level for h in body.headings] == [2, 2]


def test_images_and_links_have_line_and_column() -> None:
    source = "one\ntwo ![a cat](cat.png \"Cap\") and [site](https://example.org)\n"
    body = parse(source)
    (image,) = body.images
    assert (image.src, image.alt, image.title) == ("cat.png", "a cat", "Cap")
    assert (image.pos.line, image.pos.col) == (11, 5)
    (link,) = body.links
    assert (link.href, link.pos.line, link.pos.col) == ("https://example.org", 11, 33)


def test_image_path_resolves_only_inside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "cat.png").write_bytes(b"x")
    outside = tmp_path.parent / "outside.png"
    outside.write_bytes(b"x")
    body = parse("![a](cat.png) ![b](../outside.png) ![c](/etc/passwd) ![d](missing.png)",
                 tmp=tmp_path)
    assert [ref.path is not None for ref in body.images] == [True, False, False, False]


# -- headings, typography, syntax -------------------------------------------------------------

def test_heading_ids_are_unique_within_an_article() -> None:
    body = parse("## Intro\n\n## Intro\n\n## Intro 1\n\n## Intro-1\n\n## *Intro*\n")
    ids = [h.id for h in body.headings]
    assert len(ids) == len(set(ids))
    assert ids[:2] == ["intro", "intro-1"]


def test_heading_text_is_plain_text() -> None:
    (heading,) = parse("## Using `zine` *now*\n").headings
    assert heading.text == "Using zine now"


def test_slugify_keeps_letters_of_any_script() -> None:
    assert slugify("Wie ein Kollektiv wächst") == "wie-ein-kollektiv-wächst"
    assert slugify("Ἀρχή") == "ἀρχή"
    assert slugify("?!") == "section"


@pytest.mark.parametrize("language", ["en", "de", "fr", "ru", "ja"])
def test_quotes_follow_the_language(language: str) -> None:
    html = make_parser(language).render('"double" and \'single\'')
    marks = QUOTES[language]
    assert f"{marks[0]}double{marks[1]}" in html
    assert f"{marks[2]}single{marks[3]}" in html


def test_regional_tags_use_the_primary_language_quotes() -> None:
    assert "„x“" in make_parser("de-AT").render('"x"')


def test_attrs_plugin_is_not_enabled() -> None:
    html = rendered_text("[x](/etc/passwd){rel=attachment}\n")
    assert "rel=" not in html.replace("{rel=attachment}", "")


def test_tables_strikethrough_footnotes_are_enabled() -> None:
    body = parse("| a |\n|---|\n| 1 |\n\n~~gone~~ note[^1]\n\n[^1]: The note.\n")
    types = {t.type for t in body.tokens}
    types |= {c.type for t in body.tokens for c in t.children or []}
    assert {"table_open", "s_open", "footnote_block_open"} <= types
    assert body.footnotes == 1


def test_word_count() -> None:
    assert parse("one two three\n\nfour\n").words == 4


# -- property: text is never dropped without a report -----------------------------------------

_PREFIXES = ["> ", "- ", "1. ", "* ", "   ", "> - ", "- > ", "[^n]: "]


@given(st.lists(st.tuples(st.sampled_from(_PREFIXES), st.integers(0, 14), st.booleans(),
                          st.booleans()), min_size=1, max_size=10))
@settings(max_examples=150, deadline=None)
def test_every_word_is_rendered_or_its_line_reported(
        plan: list[tuple[str, int, bool, bool]]) -> None:
    lines, prefix = [], ""
    for number, (marker, repeat, blank, reset) in enumerate(plan):
        prefix = "" if reset else prefix + marker * repeat
        lines.append(f"{prefix}w{number}x")
        if blank:
            lines.append("")
    source = "x[^n]\n\n" + "\n".join(lines) + "\n"
    body = parse(source)
    md = make_parser("en")
    html = md.renderer.render(list(body.tokens), md.options, {})
    missing = [w for w in re.findall(r"w\d+x", source) if w not in html]
    reported = body.too_deep + tuple(pos for pos, _, _ in body.dropped_notes)
    assert bool(missing) == bool(reported), (missing, reported)
