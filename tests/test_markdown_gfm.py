"""GFM coverage of the body pipeline: autolinks, strikethrough, task lists, footnotes, images.

The fragment is what all three editions are made of (EPUB and web as is, the PDF through
``zine.editions.pdf_html``), so these tests read the rendered fragment back.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.render_helpers import make_article, make_issue, make_zine, parse_fragment, xpath
from zine.render import RenderedIssue, render_issue


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
