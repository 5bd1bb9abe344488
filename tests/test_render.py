"""The render stage: one XHTML-compatible fragment per article, media under generated names."""

from __future__ import annotations

import pickle
from dataclasses import replace
from pathlib import Path

import pytest

from tests.pipeline_helpers import render_project
from tests.render_helpers import (
    make_article,
    make_issue,
    make_zine,
    parse_fragment,
    write_png,
    xpath,
)
from zine.editions import epub
from zine.load.loader import load_project
from zine.model.rendered import RenderedIssue, handed_over
from zine.render import issue as render_module
from zine.render.fragment import code_stylesheets
from zine.render.issue import check_fragment, render_issue
from zine.safety.fetcher import packaged_styles

REPO = Path(__file__).resolve().parents[1]


def render_one(tmp_path: Path, source: str, **kwargs: object) -> tuple[RenderedIssue, str]:
    article = make_article(source, tmp_path, **kwargs)  # type: ignore[arg-type]
    rendered, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    assert [d.format() for d in diags] == []
    return rendered, rendered.fragments[article.slug].html


# -- the sample issue -------------------------------------------------------------------------

def test_every_fragment_of_the_sample_issue_is_well_formed_xhtml() -> None:
    zine, _ = load_project(REPO)
    assert zine.issues
    for issue in zine.issues:
        rendered, render_diags = render_issue(zine, issue)
        assert render_diags == []
        assert set(rendered.fragments) == {a.slug for a in issue.published}
        for fragment in rendered.fragments.values():
            root = parse_fragment(fragment.html)
            for img in xpath(root, "//h:img"):
                assert img.get("src") in rendered.media


def test_rendering_twice_gives_identical_fragments_and_media() -> None:
    zine, _ = load_project(REPO)
    first, _ = render_issue(zine, zine.issues[0])
    second, _ = render_issue(zine, zine.issues[0])
    assert {k: f.html for k, f in first.fragments.items()} == \
        {k: f.html for k, f in second.fragments.items()}
    assert {k: m.data for k, m in first.media.items()} == \
        {k: m.data for k, m in second.media.items()}
    assert first.cover.data == second.cover.data


# -- images -------------------------------------------------------------------------------------

def test_captioned_image_alone_in_its_paragraph_becomes_a_figure(tmp_path: Path) -> None:
    write_png(tmp_path / "cat.png", (40, 30))
    rendered, html = render_one(tmp_path, 'Intro.\n\n![A cat](cat.png "Our office cat")\n')
    root = parse_fragment(html)
    (figure,) = xpath(root, "//h:figure")
    (img,) = xpath(figure, "h:img")
    assert img.get("src") in rendered.media
    assert img.get("src").startswith("media/") and img.get("src").endswith(".png")
    assert (img.get("alt"), img.get("width"), img.get("height")) == ("A cat", "40", "30")
    assert xpath(figure, "string(h:figcaption)") == "Our office cat"


def test_inline_or_uncaptioned_images_stay_plain_img(tmp_path: Path) -> None:
    write_png(tmp_path / "cat.png")
    _, html = render_one(tmp_path, 'Look: ![A cat](cat.png "Cap") here.\n\n![Bare](cat.png)\n')
    root = parse_fragment(html)
    assert xpath(root, "//h:figure") == []
    assert len(xpath(root, "//h:img")) == 2


def test_image_src_is_never_the_contributor_string(tmp_path: Path) -> None:
    (tmp_path / "sub dir").mkdir()
    write_png(tmp_path / "sub dir" / "Weird name.png")
    source = ("![a](<sub dir/Weird name.png>) ![b](/etc/passwd) ![c](../x.png) "
              "![d](https://example.org/x.png) ![e](javascript:alert(1))\n")
    rendered, html = render_one(tmp_path, source)
    srcs = [img.get("src") for img in xpath(parse_fragment(html), "//h:img")]
    assert srcs == [next(iter(rendered.media))]
    assert "passwd" not in html.split("image-missing")[0]


def test_data_url_image_is_processed_into_media(tmp_path: Path) -> None:
    import base64

    from tests.render_helpers import png_bytes

    data = base64.b64encode(png_bytes()).decode()
    rendered, html = render_one(tmp_path, f"![dot](data:image/png;base64,{data})\n")
    (img,) = xpath(parse_fragment(html), "//h:img")
    assert img.get("src") in rendered.media


def test_broken_image_is_z504_and_the_article_still_renders(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_bytes(b"not an image at all")
    article = make_article("![alt words](fake.png)\n", tmp_path)
    rendered, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    assert [d.code for d in diags] == ["Z504"]
    assert diags[0].pos.line == 4
    assert "alt words" in rendered.fragments["art"].html


# -- code -------------------------------------------------------------------------------------

def test_code_is_highlighted_with_css_classes(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "```python\ndef f(x):\n    return '<&>'\n```\n")
    root = parse_fragment(html)
    (pre,) = xpath(root, "//h:pre")
    assert pre.get("class") == "code"
    (code,) = xpath(pre, "h:code")
    assert code.get("class") == "language-python"
    assert xpath(code, "h:span[@class='k']/text()") == ["def", "return"]
    assert "style=" not in html
    assert "'<&>'" in "".join(code.itertext())


def test_code_highlighted_by_an_earlier_build_comes_from_the_cache(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rebuild lexes no block the cache holds, and gets the same fragment; a changed block
    or another language is highlighted anew."""
    from zine.render import fragment
    from zine.runtime.cache import BlobStore

    cache = BlobStore(tmp_path / "out", "code")
    source = "```python\ndef f(x):\n    return x\n```\n\n```nonsense\n<b>\n```\n"
    article = make_article(source, tmp_path)
    first = render_module.render_fragment(article, {}, code_cache=cache)
    assert len(cache.used) == 2

    def no_lexing(*args: object) -> str:
        raise AssertionError("highlighted again")

    monkeypatch.setattr(fragment, "highlight", no_lexing)
    again = BlobStore(tmp_path / "out", "code")
    assert render_module.render_fragment(article, {}, code_cache=again) == first
    with pytest.raises(AssertionError, match="highlighted again"):
        render_module.render_fragment(article, {})  # without the cache: lexed
    edited = make_article(source.replace("return x", "return y"), tmp_path)
    with pytest.raises(AssertionError, match="highlighted again"):
        render_module.render_fragment(edited, {}, code_cache=again)


def test_unknown_language_is_plain_text(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, '```nonsense" onclick="x\n<b>bold</b>\n```\n')
    (code,) = xpath(parse_fragment(html), "//h:pre/h:code")
    assert code.get("class") is None and len(code) == 0
    assert code.text == "<b>bold</b>\n"


def test_code_stylesheets_are_up_to_date() -> None:
    for name, text in code_stylesheets().items():
        assert (packaged_styles() / name).read_text(encoding="utf-8") == text, \
            f"styles/{name} is stale: regenerate with zine.render.fragment.code_stylesheets()"


# -- footnotes, ids, links --------------------------------------------------------------------

def test_footnote_markup_uses_slug_prefixed_ids_and_dpub_roles(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "One[^a] two[^b] again[^a].\n\n[^a]: First.\n[^b]: Second.\n",
                         slug="intro")
    root = parse_fragment(html)
    refs = xpath(root, "//h:sup/h:a[@role='doc-noteref']")
    assert [(a.get("href"), a.get("id"), a.text) for a in refs] == [
        ("#fn-intro-1", "fnref-intro-1", "1"),
        ("#fn-intro-2", "fnref-intro-2", "2"),
        ("#fn-intro-1", "fnref-intro-1-2", "1"),
    ]
    (section,) = xpath(root, "//h:section")
    assert (section.get("class"), section.get("role")) == ("footnotes", "doc-endnotes")
    notes = xpath(section, "h:aside")
    assert [(n.get("id"), n.get("role"), n.get("class")) for n in notes] == [
        ("fn-intro-1", "doc-footnote", "footnote"), ("fn-intro-2", "doc-footnote", "footnote")]
    backs = xpath(notes[0], ".//h:a[@role='doc-backlink']")
    assert [b.get("href") for b in backs] == ["#fnref-intro-1", "#fnref-intro-1-2"]
    assert all(b.text == "↩" for b in backs)


def test_heading_ids_are_prefixed_and_internal_links_follow(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "## Why\n\nSee [why](#why) and [nowhere](#nope).\n",
                         slug="intro")
    root = parse_fragment(html)
    assert xpath(root, "//h:h2/@id") == ["intro--why"]
    assert xpath(root, "//h:a/@href") == ["#intro--why"]
    assert "nowhere" in html


def test_internal_links_to_non_ascii_headings_resolve(tmp_path: Path) -> None:
    source = "## Wie ein Kollektiv wächst\n\n[hier](#wie-ein-kollektiv-wächst)\n"
    _, html = render_one(tmp_path, source, slug="de", language="de")
    root = parse_fragment(html)
    assert xpath(root, "//h:a/@href") == ["#" + xpath(root, "//h:h2/@id")[0]]


def test_links_to_footnotes_follow_the_prefixed_ids(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "x[^a]\n\nSee [the note](#fn1) and [back](#fnref-1).\n\n"
                         "[^a]: Note.\n", slug="s")
    hrefs = xpath(parse_fragment(html), "//h:a[not(@role)]/@href")
    assert hrefs == ["#fn-s-1", "#fnref-s-1"]


def test_ids_are_unique_across_a_whole_issue(tmp_path: Path) -> None:
    source = "## Intro\n\n## Intro\n\nNote[^1].\n\n[^1]: n\n"
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    articles = (make_article(source, tmp_path / "a", slug="a"),
                make_article(source, tmp_path / "b", slug="b"))
    rendered, _ = render_issue(make_zine(tmp_path), make_issue(tmp_path, articles))
    whole = "".join(f.html for f in rendered.fragments.values())
    ids = xpath(parse_fragment(whole), "//@id")
    assert len(ids) == len(set(ids)) == 8


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "vbscript:x", "data:text/html,<b>x</b>",
    "file:///etc/passwd", "other-article.md", "/etc/passwd", "ftp://x.org/", "//evil.org/x",
])
def test_unsafe_or_unresolvable_links_keep_only_their_text(tmp_path: Path, href: str) -> None:
    _, html = render_one(tmp_path, f"[click me](<{href}>)\n")
    root = parse_fragment(html)
    assert xpath(root, "//h:a") == []
    assert "click me" in "".join(root.itertext())


@pytest.mark.parametrize("href", ["https://example.org/a?b=1&c=2", "mailto:jo@example.org"])
def test_safe_links_stay_links(tmp_path: Path, href: str) -> None:
    _, html = render_one(tmp_path, f"[x]({href})\n")
    assert xpath(parse_fragment(html), "//h:a/@href") == [href]


# -- tables, raw HTML, hostile text ------------------------------------------------------------

def test_tables_are_wrapped_for_scrolling(tmp_path: Path) -> None:
    _, html = render_one(tmp_path, "| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    (wrap,) = xpath(parse_fragment(html), "//h:div[@class='table-wrap']")
    assert [child.tag.split("}")[1] for child in wrap] == ["table"]
    assert xpath(wrap, ".//h:th/@class") == ["align-left", "align-right"]
    assert "style=" not in html


def test_raw_html_and_control_characters_cannot_break_the_fragment(tmp_path: Path) -> None:
    source = ('<script>alert(1)</script>\n\nx <img src=x onerror=alert(1)> \x01\x0b y '
              '&nbsp; &#0; &#x1F; <![CDATA[ ]]>\n\n```\n\x02\n```\n')
    _, html = render_one(tmp_path, source)
    root = parse_fragment(html)
    assert xpath(root, "//h:script | //h:img") == []
    assert "\x01" not in html and "\x02" not in html


def test_render_failure_becomes_z501_naming_the_article(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = make_article("fine\n", tmp_path, slug="good")
    bad = make_article("boom\n", tmp_path, slug="bad")

    def explode(article, images, *rest):  # type: ignore[no-untyped-def]
        if article.slug == "bad":
            raise RecursionError("maximum recursion depth exceeded")
        return "<p>ok</p>"

    monkeypatch.setattr(render_module, "render_fragment", explode)
    rendered, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (good, bad)))
    assert list(rendered.fragments) == ["good"]
    (diag,) = diags
    assert diag.code == "Z501" and diag.pos.path == bad.path
    assert "RecursionError" in diag.message


def test_dropped_footnote_is_a_z506_warning_at_render(tmp_path: Path) -> None:
    article = make_article("x[^n]\n\n[^n]: first\n\n[^n]: second\n", tmp_path)
    _, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (article,)))
    assert [d.format(cwd=tmp_path) for d in diags] == [
        "art.md:6:1: warning: footnote [^n] is defined again on line 8: its text is left out "
        "of the editions [Z506]"]


def test_drafts_are_not_rendered(tmp_path: Path) -> None:
    articles = (make_article("a\n", tmp_path, slug="a"),
                make_article("b\n", tmp_path, slug="b", draft=True))
    rendered, _ = render_issue(make_zine(tmp_path), make_issue(tmp_path, articles))
    assert list(rendered.fragments) == ["a"]


def test_check_fragment_rejects_malformed_markup() -> None:
    with pytest.raises(ValueError):
        check_fragment("<p>unclosed")


# -- cover --------------------------------------------------------------------------------------

def test_issue_cover_file_is_processed(tmp_path: Path) -> None:
    cover = write_png(tmp_path / "cover.png", (300, 420), "navy")
    issue = make_issue(tmp_path, (make_article("x\n", tmp_path),), cover=cover)
    rendered, diags = render_issue(make_zine(tmp_path), issue)
    assert diags == []
    assert (rendered.cover.width, rendered.cover.height) == (300, 420)
    assert rendered.cover.name.startswith("media/")


def test_missing_cover_gets_a_generated_one(tmp_path: Path) -> None:
    issue = make_issue(tmp_path, (make_article("x\n", tmp_path),))
    rendered, _ = render_issue(make_zine(tmp_path), issue)
    assert (rendered.cover.width, rendered.cover.height) == (1200, 1700)
    assert rendered.cover.media_type == "image/png"


# -- golden fragment ------------------------------------------------------------------------------

GOLDEN = Path(__file__).parent / "golden" / "fragments"


def test_golden_fragment(tmp_path: Path) -> None:
    """Every feature of the Markdown subset, rendered; review diffs like code.

    Regenerate after a reviewed change: ``ZINE_REGEN_GOLDEN=1 pytest tests/test_render.py``.
    """
    import os
    import shutil

    shutil.copyfile(GOLDEN / "everything.md", tmp_path / "source.md")
    write_png(tmp_path / "cat.png", (64, 48), "orange")
    source = (GOLDEN / "everything.md").read_text(encoding="utf-8")
    _, html = render_one(tmp_path, source, slug="everything")
    expected = GOLDEN / "everything.html"
    if os.environ.get("ZINE_REGEN_GOLDEN"):
        expected.write_text(html, encoding="utf-8")
    assert html == expected.read_text(encoding="utf-8")
    parse_fragment(html)


def test_cover_symlink_leading_outside_the_issue_is_refused(tmp_path: Path) -> None:
    issue_dir = tmp_path / "issue"
    issue_dir.mkdir()
    secret = write_png(tmp_path / "secret.png", (30, 30), "green")
    (issue_dir / "cover.png").symlink_to(secret)
    issue = make_issue(issue_dir, (make_article("x\n", issue_dir),),
                       cover=issue_dir / "cover.png")
    rendered, diags = render_issue(make_zine(tmp_path), issue)
    assert [d.code for d in diags] == ["Z504"]
    assert "symbolic link" in diags[0].message
    assert rendered.cover.width == 1200  # the generated cover, not the secret image


def test_a_rendered_issue_handed_over_keeps_everything_but_the_parse_tokens(
        tmp_path: Path) -> None:
    """What the build's standby is sent (``handed_over``): the editions made from it have
    the bytes of those made from the issue itself."""
    rendered = render_project(REPO, whole=True)[0]
    back: RenderedIssue = pickle.loads(handed_over(rendered))
    assert len(handed_over(rendered)) < len(pickle.dumps(rendered)) * 0.9
    originals = {a.slug: a for a in rendered.issue.articles}
    assert originals and len(back.issue.articles) == len(originals)
    for article in back.issue.articles:
        assert article.body.tokens == ()
        original = originals[article.slug]
        assert original.body.tokens  # there was something to leave out
        assert article == replace(original, body=replace(original.body, tokens=()))
    assert back.fragments.keys() == rendered.fragments.keys()
    assert [f.html for f in back.fragments.values()] == \
        [f.html for f in rendered.fragments.values()]
    assert back.media == rendered.media and back.cover == rendered.cover
    for name, issue in (("here", rendered), ("sent", back)):
        epub.render(issue, tmp_path / name)
    made = sorted(p.relative_to(tmp_path / "here") for p in (tmp_path / "here").rglob("*.epub"))
    assert made
    for path in made:
        assert (tmp_path / "here" / path).read_bytes() == (tmp_path / "sent" / path).read_bytes()
