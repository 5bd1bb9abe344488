"""Markdown stage: parse an article body once into a ``Body`` (tokens plus extracted facts).

Called by the loader only. The token stream is later turned into an HTML fragment by
``zine.render``; checks read the extracted facts (images, links, headings, raw HTML). The
parser is CommonMark with raw HTML *off* (it is escaped), plus tables, strikethrough, footnotes,
smart punctuation with the quote marks of the article's language, and heading ids.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from zine.model import Body, Heading, ImageRef, LinkRef, Position

# Quote marks per primary language: (double open, double close, single open, single close).
QUOTES: dict[str, str] = {
    "en": "“”‘’",
    "de": "„“‚‘",
    "fr": "«»‹›",
    "es": "«»“”",
    "it": "«»“”",
    "pt": "«»“”",
    "ca": "«»“”",
    "nl": "„”‚’",
    "pl": "„”‚’",
    "cs": "„“‚‘",
    "ru": "«»„“",
    "uk": "«»„“",
    "el": "«»“”",
    "sv": "””’’",
    "da": "»«›‹",
    "nb": "«»‘’",
    "no": "«»‘’",
    "fi": "””’’",
    "ja": "「」『』",
    "zh": "“”‘’",
    "ar": "«»‹›",
    "he": "„”‚’",
}

MAX_NESTING = 50  # markdown-it's own default is 20 for commonmark; deeper input is reported


def primary_language(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()


@functools.lru_cache(maxsize=64)
def make_parser(language: str) -> MarkdownIt:
    """The one parser configuration, with the quote marks of ``language``."""
    quotes = QUOTES.get(primary_language(language), QUOTES["en"])
    md = MarkdownIt(
        "commonmark",
        {"html": False, "typographer": True, "quotes": quotes, "xhtmlOut": True,
         "maxNesting": MAX_NESTING},
    )
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.use(footnote_plugin)
    return md


def slugify(text: str) -> str:
    """A heading id: lowercase letters and digits of any script, joined by hyphens."""
    text = unicodedata.normalize("NFKC", text).lower()
    words = re.findall(r"\w+", text)
    slug = "-".join(words).strip("-_")
    return slug or "section"


def _position(path: Path, first_line: int, token: Token | None) -> Position:
    line = first_line + token.map[0] if token is not None and token.map else first_line
    return Position(path, line, 1)


def parse_body(text: str, *, language: str, path: Path, first_line: int, folder: Path) -> Body:
    """Parse ``text`` (an article body starting on file line ``first_line``) once.

    ``folder`` is what the article's images must stay inside; an image that resolves elsewhere,
    is missing, or is remote gets ``path=None`` (checks say why).
    """
    md = make_parser(language)
    env: dict[str, object] = {}
    tokens = md.parse(text, env)
    headings: list[Heading] = []
    images: list[ImageRef] = []
    links: list[LinkRef] = []
    raw_html: list[Position] = []
    demoted: list[Position] = []
    used_ids: dict[str, int] = {}
    words = 0
    block: Token | None = None
    for index, token in enumerate(tokens):
        if token.map:
            block = token
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level == 1:
                demoted.append(_position(path, first_line, token))
                level = 2
                token.tag = "h2"
                tokens[index + 2].tag = "h2"
            inline = tokens[index + 1]
            base = slugify(inline.content)
            count = used_ids.get(base, 0)
            used_ids[base] = count + 1
            ident = base if count == 0 else f"{base}-{count}"
            token.attrSet("id", ident)
            headings.append(Heading(level, inline.content, ident,
                                    _position(path, first_line, token)))
        elif token.type in ("html_block",):
            raw_html.append(_position(path, first_line, token))
        if token.type == "inline" and token.children:
            words += len(token.content.split())
            for child in token.children:
                pos = _position(path, first_line, block)
                if child.type == "image":
                    src = str(child.attrGet("src") or "")
                    title = str(child.attrGet("title") or "")
                    alt = "".join(c.content for c in child.children or [])
                    images.append(ImageRef(src, alt, title, pos, resolve_local(src, folder,
                                                                                path.parent)))
                elif child.type == "link_open":
                    links.append(LinkRef(str(child.attrGet("href") or ""), pos))
                elif child.type == "html_inline":
                    raw_html.append(pos)
    footnotes = len(env.get("footnotes", {}).get("list", {}))  # type: ignore[union-attr]
    return Body(
        tokens=tuple(tokens),
        headings=tuple(headings),
        images=tuple(images),
        links=tuple(links),
        raw_html=tuple(raw_html),
        demoted_h1=tuple(demoted),
        footnotes=footnotes,
        words=words,
    )


def resolve_local(src: str, folder: Path, base: Path) -> Path | None:
    """The regular file ``src`` names, if it is relative and stays inside ``folder``."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or src.startswith(("/", "\\")):
        return None
    candidate = Path(os.path.realpath(base / unquote(parts.path)))
    root = Path(os.path.realpath(folder))
    if root not in candidate.parents or not candidate.is_file():
        return None
    return candidate
