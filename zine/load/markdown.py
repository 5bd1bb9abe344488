"""Markdown stage: parse an article body once into a ``Body`` (tokens plus extracted facts).

Called by the loader only. The token stream is later turned into an HTML fragment by
``zine.render.issue``; checks read the extracted facts (images, links, headings, raw HTML). The
parser is CommonMark with raw HTML *off* (it is escaped), plus GFM's tables, strikethrough,
autolinks and task lists, footnotes, smart punctuation with the quote marks of the article's
language, and heading ids. What GFM would print differently from what the author meant
(undefined footnote references, image paths with blanks, table cells beyond the header) is
recorded for the checks.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.replacements import replace
from markdown_it.rules_core.smartquotes import smartquotes
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_def as plugin_footnote_def

from zine.load.autolinks import use_autolinks
from zine.load.filenames import same_case
from zine.model import Body, Heading, ImageRef, LinkRef, Position
from zine.safety import paths
from zine.text.ids import HeadingIds
from zine.text.words import body_words

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
    # regional tags whose marks differ from their primary language's (CLDR delimiters)
    "pt-br": "“”‘’",
    "de-ch": "«»‹›",
    "zh-hant": "「」『』",
    "zh-tw": "「」『』",
    "zh-hk": "「」『』",
}
# A quote mark between an Arabic-script letter and a letter is in-word for markdown-it's
# smartquotes rule (``foo"bar"`` stays straight), but Arabic writes its one-letter prefixes
# (و, ف, ب, ل, ك, الـ) joined to the next word: ``و"نعم"`` opens a quotation. Before the rule
# runs, a punctuation sentinel goes between such a letter and the quote (so the quote can
# open); after it, the sentinel is taken out again.
_QUOTE_SENTINEL = "\u2e3b"
_ARABIC_BEFORE_QUOTE = re.compile(r"([\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff"
                                  r"\ufe70-\ufeff])(?=[\"'][^\s\"'])")

MAX_NESTING = 50  # markdown-it's own default is 20 for commonmark; deeper input is reported
# Table caps, checked before parsing. WeasyPrint lays out every cell; on the (busy) build host
# a 2 x 5,000 table took 94 s and a 100 x 100 one 180 s and 350 MB to build. A table wider than
# about 20 columns does not fit an A5 page anyway.
MAX_TABLE_COLUMNS = 100
MAX_TABLE_ROWS = 2_000
MAX_TABLE_CELLS = 5_000  # in all the tables of one article, header rows included
# Lines plus inline markup characters of a body: markdown-it makes a few tokens of each (about
# 3 KB of memory apiece) and WeasyPrint a box. On the busy build host 2 MB of "- a" lines took
# 43 s and 2.1 GB just to parse, 2,000 list items 17 s to build as PDF and 20,000 were not
# built after 4 minutes and 1 GB. The longest sample and benchmark articles count about 300.
MAX_MARKUP = 10_000
_MARKUP_CHARS = "*_`[!<~"

# A GFM table's delimiter row ("|---|:--:|"), after any blockquote markers and indentation.
_DELIMITER_ROW = re.compile(r"[ \t>]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
_FENCE = re.compile(r"[ \t>]*(`{3,}|~{3,})")


def table_sizes(text: str) -> list[tuple[int, int, int]]:
    """(0-based line of the header row, columns, rows) of each table-like block of ``text``.

    A bounded scan before parsing (markdown-it builds about ten tokens per cell, and
    WeasyPrint lays each out): one pass over the lines, never a parse. A table is a line with a
    ``|`` followed by a delimiter row; its rows are the non-blank lines after it, an upper bound
    of what markdown-it takes (a heading or a quote may end a table sooner). Fenced code is
    skipped.
    """
    lines = text.split("\n")
    found = []
    fence = ""
    index = 1
    while index < len(lines):
        line = lines[index]
        opening = _FENCE.match(line)
        if opening and (not fence or opening[1].startswith(fence)):
            fence = "" if fence else opening[1]
        elif not fence and "-" in line and _is_delimiter_row(line, lines[index - 1]):
            end = index + 1
            while end < len(lines) and lines[end].strip(" \t>"):
                end += 1
            columns = max(_cells(line), _cells(lines[index - 1]))
            found.append((index - 1, columns, end - index - 1))
            index = end
        index += 1
    return found


def markup_count(text: str) -> int:
    """Non-blank lines plus inline markup characters: what bounds the tokens of a parse."""
    lines = sum(1 for line in text.split("\n") if line.strip())
    return lines + sum(text.count(char) for char in _MARKUP_CHARS)


def _is_delimiter_row(line: str, header: str) -> bool:
    return ("|" in line or "|" in header) and _DELIMITER_ROW.fullmatch(line) is not None


def _cells(line: str) -> int:
    """Cells in a table row: its ``|`` separators, not counting a leading or trailing one."""
    row = line.strip(" \t>")
    return row.count("|") + 1 - row.startswith("|") - (len(row) > 1 and row.endswith("|"))


def quotes_for(language: str) -> str:
    """The quote marks of ``language``: its full tag first (``pt-BR``), then shorter prefixes
    (``zh-Hant-TW`` -> ``zh-hant`` -> ``zh``), then English."""
    parts = language.replace("_", "-").lower().split("-")
    for end in range(len(parts), 0, -1):
        found = QUOTES.get("-".join(parts[:end]))
        if found:
            return found
    return QUOTES["en"]


def _mark_arabic_quotes(state: StateCore) -> None:
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text" and _QUOTE_SENTINEL not in child.content:
                child.content = _ARABIC_BEFORE_QUOTE.sub(rf"\1{_QUOTE_SENTINEL}", child.content)


def _unmark_arabic_quotes(state: StateCore) -> None:
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "text":
                child.content = child.content.replace(_QUOTE_SENTINEL, "")


def smarten(text: str, language: str) -> str:
    """``text`` (plain, e.g. a front-matter title) with the body's smart typography: the quote
    marks of ``language``, dashes, ellipses. No Markdown is interpreted."""
    if not text:
        return text
    state = StateCore(text, make_parser(language), {})
    inline = Token("inline", "", 0, content=text)
    inline.children = [Token("text", "", 0, content=text)]
    state.tokens = [inline]
    for rule in (replace, _mark_arabic_quotes, smartquotes, _unmark_arabic_quotes):
        rule(state)
    return "".join(child.content for child in inline.children)


@functools.lru_cache(maxsize=64)
def make_parser(language: str) -> MarkdownIt:
    """The one parser configuration, with the quote marks of ``language``."""
    quotes = quotes_for(language)
    md = MarkdownIt(
        "commonmark",
        {"html": False, "typographer": True, "quotes": quotes, "xhtmlOut": True,
         "maxNesting": MAX_NESTING,
         # GFM: "- [ ] item" task lists; "~one~" struck like "~~two~~", "~~~three~~~" literal
         "tasklists": True, "tasklists_editable": False, "strikethrough_single_tilde": True},
    )
    md.enable(["table", "strikethrough", "replacements", "smartquotes"])
    md.core.ruler.before("smartquotes", "arabic_quote_marks", _mark_arabic_quotes)
    md.core.ruler.after("smartquotes", "arabic_quote_unmarks", _unmark_arabic_quotes)
    md.use(footnote_plugin)
    # GFM autolinks (www., http(s)://, mailto:, xmpp:, bare e-mail addresses), GFM's rules
    use_autolinks(md)
    _watch_nesting(md)
    _watch_footnote_definitions(md)
    _record_heading_text(md)
    _watch_link_starts(md)
    return md


_ROW_START = re.compile(r"^[ \t>]*")  # blockquote markers and indentation before a table row
_NOTE_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")
# ``![alt](Team Photo.JPG "caption")`` or ``[see](Annual Report.md)`` left as text: CommonMark
# ends a destination at a blank. Group 1 is ``!`` for an image.
_SPACED_TARGET = re.compile(r'(!?)\[[^\]\n]*\]\(\s*([^\s()<>"]+(?:[ \t]+[^\s()<>"]+)+)'
                            r'(?:\s+"[^"\n]*")?\s*\)')
_CODE_SPAN = re.compile(r"(`+)[^`\n]+?\1")


def _watch_footnote_definitions(md: MarkdownIt) -> None:
    """Record every footnote definition (label, 0-based line) in ``env["footnote_defs"]``.

    The footnote plugin keeps only the last definition of a label and leaves out definitions
    nobody refers to, without a word; ``dropped_notes`` turns that into positions.
    """

    def footnote_def(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        found = plugin_footnote_def(state, start, end, silent)
        if found and not silent:
            line = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
            match = re.match(r"\[\^([^\]]+)\]:", line)
            if match:
                state.env.setdefault("footnote_defs", []).append((match.group(1), start))
        return found

    # ``at`` replaces the options too: keep the plugin's (a definition ends a paragraph).
    md.block.ruler.at("footnote_def", footnote_def, {"alt": ["paragraph", "reference"]})


def dropped_notes(env: Mapping[str, Any], path: Path, first_line: int,
                  undefined: tuple[str, ...] = ()) -> tuple[tuple[Position, str, str], ...]:
    """(where, label, why) for each footnote definition whose text will not be rendered;
    ``undefined``: the labels of references with no definition (a near one is suggested)."""
    refs = env.get("footnotes", {}).get("refs", {})
    defs: list[tuple[str, int]] = env.get("footnote_defs", [])
    last = {label: line for label, line in defs}
    dropped = []
    for label, line in defs:
        pos = Position(path, first_line + line, 1)
        if line != last[label]:
            dropped.append((pos, label, f"is defined again on line {first_line + last[label]}"))
        elif refs.get(f":{label}", -1) < 0:
            close = difflib.get_close_matches(label, undefined, n=1, cutoff=0.6)
            hint = f" (the text cites [^{close[0]}], which has no definition)" if close else ""
            dropped.append((pos, label, f"is never referenced in the text{hint}"))
    return tuple(dropped)


def _watch_nesting(md: MarkdownIt) -> None:
    """Record where markdown-it's block parser would silently drop text at ``maxNesting``.

    ``ParserBlock.tokenize`` skips the rest of its line range when ``state.level`` reaches
    ``maxNesting``. Blockquotes, lists and footnotes recurse through ``state.md.block.tokenize``
    and the level only changes inside rules, so checking on entry sees every such cut. The first
    non-blank line that would be skipped goes to ``env["too_deep"]`` (0-based body line).
    """
    original = md.block.tokenize

    def tokenize(state: StateBlock, start: int, end: int) -> None:
        if state.level >= md.options.maxNesting:
            line = state.skipEmptyLines(start)
            if line < end and state.sCount[line] >= state.blkIndent:
                state.env.setdefault("too_deep", []).append(line)
        original(state, start, end)

    md.block.tokenize = tokenize  # type: ignore[method-assign,assignment]


def _record_heading_text(md: MarkdownIt) -> None:
    """Keep each heading's text as GitHub sees it (before smart quotes and dashes) in its
    inline token's ``meta["id_text"]``: the id is made from it."""

    def rule(state: StateCore) -> None:
        tokens = state.tokens
        for index, token in enumerate(tokens[:-1]):
            if token.type == "heading_open" and tokens[index + 1].type == "inline":
                tokens[index + 1].meta["id_text"] = text_content(tokens[index + 1].children or [])

    md.core.ruler.before("replacements", "zine_heading_text", rule)


def _watch_link_starts(md: MarkdownIt) -> None:
    """Record where each link starts (``[`` or ``<``) as ``meta["offset"]`` of its
    ``link_open`` token: an offset into its inline token's content, which ``_Walker`` turns
    into the file's line and column (markdown-it keeps no positions inside a block)."""
    for name in ("link", "autolink"):
        original = next(rule.fn for rule in md.inline.ruler.__rules__ if rule.name == name)

        def rule(state: StateInline, silent: bool, original: Any = original) -> bool:
            start, count = state.pos, len(state.tokens)
            found = bool(original(state, silent))
            if found and not silent:  # pending text may be pushed before the link_open
                opened = next((t for t in state.tokens[count:count + 2]
                               if t.type == "link_open"), None)
                if opened is not None:
                    opened.meta["offset"] = start
            return found

        md.inline.ruler.at(name, rule)


def text_content(children: list[Token]) -> str:
    """The text of inline tokens as the HTML's ``textContent`` has it (no image alt text)."""
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "text_special", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "footnote_ref":
            parts.append(str(int(child.meta.get("id", 0)) + 1))
    return "".join(parts)


def _position(path: Path, first_line: int, token: Token | None) -> Position:
    line = first_line + token.map[0] if token is not None and token.map else first_line
    return Position(path, line, 1)


def plain_text(inline: Token) -> str:
    """The text of an inline token as a reader sees it (no markup, smart quotes applied)."""
    parts: list[str] = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(plain_text(child))
    return "".join(parts).strip()


class _Walker:
    """Collects the facts of one token stream; positions are file positions."""

    def __init__(self, text: str, path: Path, first_line: int, folder: Path) -> None:
        self.lines = text.split("\n")
        self.path, self.first_line, self.folder = path, first_line, folder
        self.headings: list[Heading] = []
        self.images: list[ImageRef] = []
        self.links: list[LinkRef] = []
        self.demoted: list[Position] = []
        self.ids = HeadingIds()
        self.undefined_notes: list[tuple[Position, str]] = []
        self.spaced_images: list[tuple[Position, str]] = []
        self.spaced_links: list[tuple[Position, str]] = []
        self.spaced_blocks: set[int] = set()
        self.long_rows: list[tuple[Position, int, int]] = []
        self.taken: set[Position] = set()  # places locate_text has given out

    def locate(self, block: Token | None, needles: tuple[str, ...], opener: str) -> Position:
        """Where the link or image is written: the ``opener`` (``[`` or ``![``) before the
        first of ``needles`` found in ``block``'s lines (or the block start). A needle that
        starts with ``<`` is an autolink and is its own start."""
        if block is None or not block.map:
            return Position(self.path, self.first_line, 1)
        first, last = block.map
        for number in range(first, min(last, len(self.lines))):
            line = self.lines[number]
            for needle in needles:
                col = line.find(needle)
                if col >= 0:
                    start = col if needle.startswith("<") else line.rfind(opener, 0, col + 1)
                    return Position(self.path, self.first_line + number,
                                    (start if start >= 0 else col) + 1)
        return Position(self.path, self.first_line + first, 1)

    def spaced_target(self, block: Token | None) -> None:
        """Record ``![alt](a b.png)`` and ``[text](a b.md)`` written in ``block`` (read from
        the source: the text tokens have smart quotes already). Once per block."""
        if block is None or not block.map or block.map[0] in self.spaced_blocks:
            return
        self.spaced_blocks.add(block.map[0])
        for number in range(block.map[0], min(block.map[1], len(self.lines))):
            line = _CODE_SPAN.sub(lambda m: " " * len(m[0]), self.lines[number])
            for match in _SPACED_TARGET.finditer(line):
                found = self.spaced_images if match[1] else self.spaced_links
                found.append((Position(self.path, self.first_line + number, match.start() + 1),
                              match[2].strip()))

    def note_references(self, block: Token | None,
                        text: str) -> list[tuple[Position, str]]:
        """``[^label]`` left in ``text``: footnote references the plugin found no definition
        for (a defined one is a ``footnote_ref`` token). A backslash-escaped one is meant."""
        found = []
        for match in _NOTE_REFERENCE.finditer(text):
            pos = self.locate_text(block, match[0])
            if pos is not None and pos.col > 1:
                line = self.lines[pos.line - self.first_line]
                if line[pos.col - 2] == "\\":
                    continue
            found.append((pos or _position(self.path, self.first_line, block), match[1]))
        return found

    def locate_text(self, block: Token | None, text: str) -> Position | None:
        """Where ``text`` (written as it is shown) is in ``block``: the first place that an
        earlier call did not give out already."""
        if block is None or not block.map or not text:
            return None
        for number in range(block.map[0], min(block.map[1], len(self.lines))):
            col = self.lines[number].find(text)
            while col >= 0:
                pos = Position(self.path, self.first_line + number, col + 1)
                if pos not in self.taken:
                    self.taken.add(pos)
                    return pos
                col = self.lines[number].find(text, col + 1)
        return None

    def table(self, tokens: list[Token], index: int) -> None:
        """Rows with more cells than the header: GFM (and so markdown-it) leaves the extra
        cells out, which ``long_rows`` records as (where, cells, columns)."""
        columns, body = 0, False
        for token in tokens[index + 1:]:
            if token.type == "table_close":
                return
            if token.type == "th_open":
                columns += 1
            elif token.type == "tbody_open":
                body = True
            elif body and token.type == "tr_open" and token.map:
                line = _ROW_START.sub("", self.lines[token.map[0]]).strip()
                cells = escapedSplit(line)  # as markdown-it's table rule splits a row
                if cells and cells[0] == "":
                    cells.pop(0)
                if cells and cells[-1] == "":
                    cells.pop()
                if len(cells) > columns:
                    self.long_rows.append((Position(self.path, self.first_line + token.map[0],
                                                    1), len(cells), columns))

    def heading(self, tokens: list[Token], index: int) -> None:
        token = tokens[index]
        level = int(token.tag[1])
        if level == 1:
            self.demoted.append(_position(self.path, self.first_line, token))
            level = 2
            token.tag = "h2"
            tokens[index + 2].tag = "h2"
        text = plain_text(tokens[index + 1])
        ident = self.ids.slug(str(tokens[index + 1].meta.get("id_text", text)))
        token.attrSet("id", ident)
        self.headings.append(Heading(level, text, ident,
                                     _position(self.path, self.first_line, token)))

    def inline(self, token: Token, block: Token | None) -> None:
        children = token.children or []
        for number, child in enumerate(children):
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                title = str(child.attrGet("title") or "")
                pos = self.locate(block, (f"]({src}", f"]({unquote(src)}", f"](<{src}"), "![")
                self.images.append(ImageRef(src, plain_text(child), title, pos,
                                            resolve_local(src, self.folder, self.path.parent)))
            elif child.type == "text":
                if "[^" in child.content:
                    self.undefined_notes += self.note_references(block, child.content)
                if "[" in child.content and "](" in child.content:
                    self.spaced_target(block)
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                found = self.link_position(token, block, child.meta.get("offset"))
                if found is None and child.info == "auto" and number + 1 < len(children):
                    found = self.locate_text(block, children[number + 1].content)  # www.x.org
                self.links.append(LinkRef(href, found or self.locate(
                    block, (f"]({href}", f"]({unquote(href)}", f"<{href}>"), "[")))

    def link_position(self, inline: Token, block: Token | None,
                      offset: int | None) -> Position | None:
        """The file position of ``offset`` in ``inline``'s content: its line is the block's
        line plus the newlines before it, its column where that content line is written."""
        if offset is None or block is None or not block.map:
            return None
        content = inline.content
        start = content.rfind("\n", 0, offset) + 1
        end = content.find("\n", start)
        piece = content[start:end if end >= 0 else len(content)]
        number = block.map[0] + content.count("\n", 0, offset)
        if number >= len(self.lines):
            return None
        core = piece.lstrip()
        found = self.lines[number].find(core) if core else -1
        if found < 0:
            return None
        col = found + offset - start - (len(piece) - len(core))
        return Position(self.path, self.first_line + number, col + 1)


def parse_body(text: str, *, language: str, path: Path, first_line: int, folder: Path) -> Body:
    """Parse ``text`` (an article body starting on file line ``first_line``) once.

    ``folder`` is what the article's images must stay inside; an image that resolves elsewhere,
    is missing, or is remote gets ``path=None`` (checks say why).
    """
    md = make_parser(language)
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    walker = _Walker(text, path, first_line, folder)
    block: Token | None = None
    for index, token in enumerate(tokens):
        if token.map:
            block = token
        if token.type == "heading_open":
            walker.heading(tokens, index)
        elif token.type == "inline":
            walker.inline(token, block)
        elif token.type == "table_open":
            walker.table(tokens, index)
    footnotes = len(env.get("footnotes", {}).get("list", {}))
    deep = sorted(set(env.get("too_deep", [])))
    return Body(
        tokens=tuple(tokens),
        headings=tuple(walker.headings),
        images=tuple(walker.images),
        links=tuple(walker.links),
        raw_html=raw_html_positions(text, path, first_line),
        demoted_h1=tuple(walker.demoted),
        too_deep=tuple(Position(path, first_line + line, 1) for line in deep),
        dropped_notes=dropped_notes(env, path, first_line,
                                    tuple(label for _, label in walker.undefined_notes)),
        undefined_notes=tuple(walker.undefined_notes),
        spaced_images=tuple(walker.spaced_images),
        spaced_links=tuple(walker.spaced_links),
        long_rows=tuple(walker.long_rows),
        note_labels=tuple(dict.fromkeys(label for label, _ in env.get("footnote_defs", []))),
        footnotes=footnotes,
        words=body_words(tokens),
    )


_HTML_START = re.compile(r"<[A-Za-z/!?]")  # CommonMark spec 4.6 and 6.6: what raw HTML opens with


@functools.lru_cache(maxsize=1)
def _html_detector() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    return md


def raw_html_positions(text: str, path: Path, first_line: int) -> tuple[Position, ...]:
    """Where ``text`` has raw HTML, which the real parser (``html: False``) shows escaped.

    A second parse with HTML recognition on, used only to find positions: its tokens are
    never rendered. Only for a text that could hold raw HTML at all: every raw HTML block and
    inline tag CommonMark knows starts with ``<`` and a letter, ``/``, ``!`` or ``?``
    (``_HTML_START``), so a text without one is not parsed again (a third of the load stage's
    time on the bench issue).
    """
    if not _HTML_START.search(text):
        return ()
    lines = text.split("\n")
    found: list[Position] = []
    block: Token | None = None
    for token in _html_detector().parse(text, {}):
        if token.map:
            block = token
        if token.type == "html_block" and token.map:
            found.append(Position(path, first_line + token.map[0], 1))
        for child in token.children or []:
            if child.type == "html_inline" and block is not None and block.map:
                found.append(_find_in(lines, block.map, child.content, path, first_line))
    return tuple(sorted(set(found)))


def _find_in(lines: list[str], span: list[int], needle: str, path: Path,
             first_line: int) -> Position:
    for number in range(span[0], min(span[1], len(lines))):
        col = lines[number].find(needle)
        if col >= 0:
            return Position(path, first_line + number, col + 1)
    return Position(path, first_line + span[0], 1)


def resolve_local(src: str, folder: Path, base: Path) -> Path | None:
    """The regular file ``src`` names, if it is relative and stays inside ``folder``."""
    parts = urlsplit(src)
    if parts.scheme or parts.netloc or not parts.path or src.startswith(("/", "\\")):
        return None
    if not paths.is_inside(base / unquote(parts.path), folder):
        return None
    candidate, root = paths.real(base / unquote(parts.path)), paths.real(folder)
    if not candidate.is_file():
        return None
    if not same_case(candidate, root):  # found only because the disk ignores case
        return None
    return candidate
