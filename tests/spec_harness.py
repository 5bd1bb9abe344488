"""The CommonMark and GFM spec examples as a test suite for the whole body pipeline.

Each example is written as the body of one article of a throwaway zine; the zine is loaded and
checked once (``zine.check.run.check_project``), and each article's fragment is rendered
(``zine.render.issue.render_fragment``) in-process, without building any edition. The fragment and
the spec's HTML are reduced to what a reader gets from them (``outline``): the structure
(blocks, lists, tables, emphasis), the visible text, link targets, images and code. What is
the pipeline's design is normalised away on both sides: smart quotes and dashes, ``#`` demoted
to ``##``, the zine's wrappers (table-wrap, figure), ids, classes and ARIA attributes.

An example whose outline differs from the spec's and whose article got no diagnostic at all
is a *silent difference*: the thing the pipeline must never do.

Data: ``tests/spec/`` (CC-BY-SA 4.0, see its README.md).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree

SPEC_DIR = Path(__file__).parent / "spec"
SOURCES = (("cm", "commonmark-0.31.2.json"), ("gfm", "gfm-0.29-extensions.json"))
# The relative image paths of the examples, written as image files next to the articles so
# that images are rendered and compared ("/url" stays outside the folder: reported, Z402).
IMAGE_FILES = ("foo", "moon.jpg", "train.jpg", "uri3", "url")

# Elements whose tag is part of the outline; others are unwrapped (their children kept).
_KEPT = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
                   "pre", "code", "em", "strong", "del", "a", "img", "hr", "br", "table",
                   "thead", "tbody", "tr", "th", "td", "input"})
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li",
                     "pre", "hr", "table", "thead", "tbody", "tr", "th", "td"})
# Typography the pipeline applies on purpose (markdown-it's typographer), mapped back.
_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'",
                             "’": "'", "‚": "'", "‹": "'", "›": "'", "–": "--", "—": "---",
                             "…": "...", "©": "(c)", "®": "(r)", "™": "(tm)", "±": "+-"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Example:
    source: str  # "cm" or "gfm"
    number: int
    section: str
    markdown: str
    html: str

    @property
    def name(self) -> str:
        return f"{self.source}-{self.number:03d}"


def examples() -> list[Example]:
    found = []
    for source, filename in SOURCES:
        for entry in json.loads((SPEC_DIR / filename).read_text("utf-8")):
            found.append(Example(source, int(entry["example"]), entry["section"],
                                 entry["markdown"], entry["html"]))
    return found


def _text(value: str | None, in_code: bool) -> str:
    if not value:
        return ""
    if in_code:
        return value
    # "(c)" and friends are matched case-insensitively by the typographer
    return value.translate(_TYPOGRAPHY).replace("(C)", "(c)").replace("(R)", "(r)")


def outline(html: str) -> list[tuple[str, ...]]:
    """What a reader gets from ``html``: a flat list of (kind, value...) items."""
    if not html.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except etree.ParserError:  # only a comment: nothing a reader sees
        return []
    items: list[tuple[str, ...]] = []
    _walk(root, items, in_code=False)
    return _merge_text(items)


def _walk(element: etree._Element, items: list[tuple[str, ...]], in_code: bool) -> None:
    for child in element:
        if not isinstance(child.tag, str):  # comments, processing instructions
            _add_text(items, child.tail, in_code)
            continue
        tag = child.tag.lower()
        # the zine's figure is the spec's paragraph holding one captioned image
        tag = {"s": "del", "strike": "del", "figure": "p"}.get(tag, tag)
        classes = set((child.get("class") or "").split())
        if "task-box" in classes:  # the zine's task list box is GFM's checkbox
            items += [("<", "input", "checked" if child.text == "☑" else "unchecked"),
                      (">", "input")]
            _add_text(items, child.tail, in_code)
            continue
        if tag in ("figcaption", "sup") or "footnote-back" in classes:
            _add_text(items, child.tail, in_code)  # footnote markers: checked elsewhere
            continue
        if tag in _KEPT:
            items.append(("<", tag, *_attributes(tag, child)))
        code = in_code or tag in ("code", "pre")
        _add_text(items, child.text, code)
        _walk(child, items, code)
        if tag in _KEPT:
            items.append((">", tag))
        _add_text(items, child.tail, in_code)


def _attributes(tag: str, element: etree._Element) -> tuple[str, ...]:
    if tag == "a":
        return (element.get("href") or "",)
    if tag == "img":
        return (element.get("src") or "", _SPACE.sub(" ", element.get("alt") or "").strip())
    if tag == "ol":
        return (element.get("start") or "1",)
    if tag in ("th", "td"):
        align = element.get("align") or element.get("style") or element.get("class") or ""
        match = re.search(r"(left|center|right)", align)
        return (match.group(1) if match else "",)
    if tag == "input":
        return ("checked" if element.get("checked") is not None else "unchecked",)
    return ()


def _add_text(items: list[tuple[str, ...]], value: str | None, in_code: bool) -> None:
    text = _text(value, in_code)
    if text:
        items.append(("code-text" if in_code else "text", text))


def _merge_text(items: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Adjacent texts joined; blanks collapsed (outside code) and trimmed at block edges."""
    merged: list[tuple[str, ...]] = []
    for item in items:
        if merged and item[0] == merged[-1][0] and item[0] in ("text", "code-text"):
            merged[-1] = (item[0], merged[-1][1] + item[1])
        else:
            merged.append(item)
    result: list[tuple[str, ...]] = []
    for index, item in enumerate(merged):
        if item[0] == "text":
            text = _SPACE.sub(" ", item[1])
            before = merged[index - 1] if index else ("<", "div")
            after = merged[index + 1] if index + 1 < len(merged) else (">", "div")
            if before[0] in ("<", ">") and (before[1] in _BLOCKS or before[1] == "div"):
                text = text.lstrip()
            if after[0] in ("<", ">") and (after[1] in _BLOCKS or after[1] in ("div", "br")):
                text = text.rstrip()
            if text:
                result.append(("text", text))
        elif item[0] == "code-text":
            result.append(("text", item[1].rstrip("\n") if _ends_block(merged, index)
                           else item[1]))
        else:
            result.append(item)
    return [(item[0], "h2", *item[2:]) if item[1:2] == ("h1",) and item[0] in "<>" else item
            for item in result]


def _ends_block(items: list[tuple[str, ...]], index: int) -> bool:
    return index + 1 < len(items) and items[index + 1][:2] in ((">", "code"), (">", "pre"))


def same(example: Example, expected: list[tuple[str, ...]],
         found: list[tuple[str, ...]]) -> bool:
    """The outlines match, allowing for the pipeline's design: the zine turns on GFM autolinks,
    so a bare URL or e-mail address in a CommonMark example is a link in the zine."""
    if expected == found:
        return True
    return example.source == "cm" and expected == _merge_text(_unlink_literals(found))


def _unlink_literals(items: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """``items`` without the links whose text is their own address (GFM autolink literals)."""
    result: list[tuple[str, ...]] = []
    index = 0
    while index < len(items):
        item = items[index]
        if (item[:2] == ("<", "a") and index + 2 < len(items) and items[index + 1][0] == "text"
                and items[index + 2] == (">", "a")
                and item[2] in {items[index + 1][1], f"mailto:{items[index + 1][1]}",
                                f"http://{items[index + 1][1]}"}):
            result.append(items[index + 1])
            index += 3
            continue
        result.append(item)
        index += 1
    return result


def category(expected: list[tuple[str, ...]], found: list[tuple[str, ...]]) -> str:
    """What kind of difference: links, images, code, structure or text."""
    def kinds(items: list[tuple[str, ...]], tag: str) -> list[tuple[str, ...]]:
        return [item for item in items if item[:2] == ("<", tag)]

    if kinds(expected, "a") != kinds(found, "a"):
        hrefs = {item[2] for item in kinds(expected, "a")} - {item[2] for item in kinds(found, "a")}
        return "relative links" if hrefs and all(_is_relative(h) for h in hrefs) else "links"
    if kinds(expected, "img") != kinds(found, "img"):
        return "images"
    tags = [item for item in expected if item[0] in "<>"]
    if tags != [item for item in found if item[0] in "<>"]:
        return "structure"
    return "text"


def _is_relative(href: str) -> bool:
    """A link to a file or place of the same site (what the links between articles cover)."""
    return not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", href) and not href.startswith("//")
