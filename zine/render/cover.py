"""Render stage, covers: a typographic cover PNG for an issue that has no cover image.

Called by ``zine.render.issue`` only. Reads the zine's fonts from its root's styles (``fonts/``,
through ``zine.safety.fetcher.Styles``: the root's own or the packaged ones) and the model;
writes nothing. Same issue, same bytes: no timestamps, no randomness, fixed PNG encoder options
(zlib level 6).
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from zine.model import Issue, Zine, text_direction
from zine.model.rendered import MediaItem
from zine.render.i18n import format_date, strings
from zine.safety.fetcher import Styles

log = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 1700
MARGIN = 110
INK = (24, 22, 20)
PAPER = (244, 238, 226)
ACCENTS = ((200, 54, 42), (32, 96, 160), (38, 128, 84), (196, 120, 20), (120, 60, 150))

FontType = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class _CoverText:
    title: str
    publisher: str


@dataclass(frozen=True)
class _IssueText:
    id: str
    number: int | None
    title: str
    date: date | None
    language: str
    direction: str
    styles: Styles  # where the fonts come from


SYSTEM_FONTS = Path("/usr/share/fonts")
# For titles in scripts the zine's subsets do not cover (system fonts, see fonts/README).
_FALLBACKS = {
    "NotoSerif-Bold.ttf": ("truetype/noto/NotoNaskhArabic-Bold.ttf",
                           "truetype/noto/NotoSerifHebrew-Bold.ttf",
                           "truetype/noto/NotoSansDevanagari-Bold.ttf",
                           "opentype/noto/NotoSerifCJK-Bold.ttc"),
    "NotoSans-Bold.ttf": ("truetype/noto/NotoSansArabic-Bold.ttf",
                          "truetype/noto/NotoSansHebrew-Bold.ttf",
                          "truetype/noto/NotoSansDevanagari-Bold.ttf",
                          "opentype/noto/NotoSansCJK-Bold.ttc"),
    "NotoSans-Regular.ttf": ("truetype/noto/NotoSansArabic-Regular.ttf",
                             "truetype/noto/NotoSansHebrew-Regular.ttf",
                             "truetype/noto/NotoSansDevanagari-Regular.ttf",
                             "opentype/noto/NotoSansCJK-Regular.ttc"),
}


@lru_cache(maxsize=32)
def _font_bytes(name: str, styles: Styles | None = None) -> bytes | None:
    """The zine's own font ``name`` (``fonts/`` of ``styles``, default the packaged ones) or a
    system fallback path."""
    try:
        if name.startswith(("truetype/", "opentype/")):
            return (SYSTEM_FONTS / name).read_bytes()
        return (styles or Styles.of_root(None)).read(f"fonts/{name}")
    except (OSError, ValueError):
        return None


@lru_cache(maxsize=32)
def _coverage(name: str, styles: Styles | None = None) -> frozenset[int]:
    data = _font_bytes(name, styles)
    if data is None:
        return frozenset()
    try:
        return cmap_codepoints(data)
    except Exception:  # a broken system font only loses the fallback
        return frozenset()


# The cmap subtables a font may map Unicode with, best first (as fontTools' getBestCmap).
_UNICODE_CMAPS = ((3, 10), (0, 6), (0, 4), (3, 1), (0, 3), (0, 2), (0, 1), (0, 0))


def cmap_codepoints(data: bytes) -> frozenset[int]:
    """The code points the best Unicode cmap of a TrueType/OpenType font (the first font of a
    collection) maps to a glyph other than .notdef. Reads formats 4 and 12 only, which every
    Unicode font has; reading it directly is ~15x cheaper than importing fontTools."""
    base = struct.unpack_from(">I", data, 12)[0] if data[:4] == b"ttcf" else 0
    (tables,) = struct.unpack_from(">H", data, base + 4)
    cmap = next((offset for tag, _, offset, _ in (
        struct.unpack_from(">4sIII", data, base + 12 + 16 * i) for i in range(tables))
        if tag == b"cmap"), None)
    if cmap is None:
        return frozenset()
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    subtables: dict[tuple[int, int], int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables.setdefault((platform, encoding), cmap + offset)
    for key in _UNICODE_CMAPS:
        start = subtables.get(key)
        if start is None:
            continue
        (fmt,) = struct.unpack_from(">H", data, start)
        if fmt == 4:
            return _cmap_format4(data, start)
        if fmt == 12:
            return _cmap_format12(data, start)
    return frozenset()


def _cmap_format4(data: bytes, start: int) -> frozenset[int]:
    (segments,) = struct.unpack_from(">H", data, start + 6)
    segments //= 2
    ends = struct.unpack_from(f">{segments}H", data, start + 14)
    starts = struct.unpack_from(f">{segments}H", data, start + 16 + 2 * segments)
    deltas = struct.unpack_from(f">{segments}h", data, start + 16 + 4 * segments)
    ranges_at = start + 16 + 6 * segments
    ranges = struct.unpack_from(f">{segments}H", data, ranges_at)
    found: set[int] = set()
    for i, (first, last, delta, offset) in enumerate(zip(starts, ends, deltas, ranges,
                                                         strict=True)):
        for code in range(first, min(last, 0xFFFE) + 1):
            if offset == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                (glyph,) = struct.unpack_from(
                    ">H", data, ranges_at + 2 * i + offset + 2 * (code - first))
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                found.add(code)
    return frozenset(found)


def _cmap_format12(data: bytes, start: int) -> frozenset[int]:
    (groups,) = struct.unpack_from(">I", data, start + 12)
    found: set[int] = set()
    for i in range(groups):
        first, last, glyph = struct.unpack_from(">III", data, start + 16 + 12 * i)
        found.update(range(first + (glyph == 0), min(last, 0x10FFFF) + 1))
    return frozenset(found)


def _pick(name: str, text: str, styles: Styles | None) -> str:
    """``name`` if it has every letter of ``text``, else the first fallback that has them."""
    needed = {ord(ch) for ch in text if not ch.isspace()}
    for candidate in (name, *_FALLBACKS.get(name, ())):
        if needed <= _coverage(candidate, styles):
            return candidate
    return name


@lru_cache(maxsize=64)
def _font(name: str, size: int, text: str = "", styles: Styles | None = None) -> FontType:
    chosen = _pick(name, text, styles) if text else name
    data = _font_bytes(chosen, styles)
    if data is None:  # no fonts checked out: still a cover, in Pillow's own font
        return ImageFont.load_default(size)
    return ImageFont.truetype(io.BytesIO(data), size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: FontType, width: int) -> list[str]:
    """Greedy line breaking at spaces, or between characters for words wider than a line."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            current = trial
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:  # CJK and very long words
            if current and draw.textlength(current + char, font=font) > width:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


TITLE_MIN_SIZE = 56  # px: the smallest size a title is set at before it may take 6-7 lines
TITLE_HEIGHT = 7 * int(TITLE_MIN_SIZE * 1.18)  # px: what 7 lines at that size take
TITLE_FLOOR = 16  # px: smaller than this no title is set; what does not fit then is cut


def _fit_title(draw: ImageDraw.ImageDraw, text: str, width: int,
               styles: Styles | None = None) -> tuple[FontType, list[str]]:
    """The biggest bold serif size (down to 56 px) that sets ``text`` in at most 5 lines; a
    title that needs more than 7 lines at 56 px is set smaller still, until its lines fit in
    the height of those 7, so no word of it is left out (below 16 px the rest is cut, and a
    warning says so)."""
    size = 150
    while True:
        font = _font("NotoSerif-Bold.ttf", size, text, styles)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= 5 or size <= TITLE_MIN_SIZE:
            break
        size -= 8
    while len(lines) > 7 and int(size * 1.18) * len(lines) > TITLE_HEIGHT:
        if size - 4 < TITLE_FLOOR:
            keep = TITLE_HEIGHT // int(size * 1.18)
            log.warning("the issue title is too long for the generated cover: it shows the "
                        "first %d of %d lines; shorten the title or add a cover image",
                        keep, len(lines))
            return font, lines[:keep]
        size -= 4
        font = _font("NotoSerif-Bold.ttf", size, text, styles)
        lines = _wrap(draw, text, font, width)
    return font, lines


def _accent(issue: _IssueText) -> tuple[int, int, int]:
    """An accent colour that changes from issue to issue but never between runs."""
    digest = hashlib.sha256(f"{issue.id}:{issue.number}".encode()).digest()
    return ACCENTS[digest[0] % len(ACCENTS)]


def generated_cover(zine: Zine, issue: Issue) -> MediaItem:
    """A 1200x1700 typographic cover: zine title, issue number, issue title, date."""
    return _cover(zine.title, zine.publisher, issue.id, issue.number, issue.title, issue.date,
                  issue.language, Styles.of_root(zine.root))


@lru_cache(maxsize=16)
def _cover(zine_title: str, publisher: str, issue_id: str, number: int | None, title: str,
           when: date | None, language: str, styles: Styles) -> MediaItem:
    """The cover from exactly the values drawn on it and the fonts (so it can be cached)."""
    zine = _CoverText(zine_title, publisher)
    issue = _IssueText(issue_id, number, title, when, language, text_direction(language),
                       styles)
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    accent = _accent(issue)
    draw.rectangle((0, 0, WIDTH, 36), fill=accent)
    draw.rectangle((0, HEIGHT - 36, WIDTH, HEIGHT), fill=accent)
    rtl = issue.direction == "rtl"
    top = _draw_masthead(draw, zine, issue, accent, rtl)
    title_top = _draw_title(draw, issue, rtl)
    _draw_numeral(draw, issue, accent, top + 40, title_top - 50)
    _draw_footer(draw, zine, issue, rtl)
    buffer = io.BytesIO()
    # zlib level 6: a third of the time of optimize=True (level 9) for a file ~6 % larger.
    image.save(buffer, "PNG", compress_level=6)
    data = buffer.getvalue()
    return MediaItem.of(data, "png", WIDTH, HEIGHT)


def _line(draw: ImageDraw.ImageDraw, y: int, text: str, font: FontType,
          fill: tuple[int, int, int], rtl: bool) -> None:
    """One line of text from the start edge (left, or right for right-to-left issues)."""
    if rtl:
        draw.text((WIDTH - MARGIN, y), text, font=font, fill=fill, anchor="ra",
                  direction="rtl")
    else:
        draw.text((MARGIN, y), text, font=font, fill=fill)


MASTHEAD_MIN_SIZE = 32  # px: below this a masthead takes a third line and more


def fit_masthead(draw: ImageDraw.ImageDraw, text: str, width: int,
                 styles: Styles | None = None) -> tuple[FontType, list[str]]:
    """The zine title at 64 px in at most 2 lines, else smaller until it fits in 2 (down to
    32 px, then in as many lines as it needs): every word of it is drawn."""
    size = 64
    while True:
        font = _font("NotoSans-Bold.ttf", size, text, styles)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= 2 or size <= MASTHEAD_MIN_SIZE:
            return font, lines
        size -= 4


def _draw_masthead(draw: ImageDraw.ImageDraw, zine: _CoverText, issue: _IssueText,
                   accent: tuple[int, int, int], rtl: bool) -> int:
    """Zine title, a rule and "Issue N"; returns the y below them."""
    y = MARGIN + 20
    masthead, lines = fit_masthead(draw, zine.title.upper(), WIDTH - 2 * MARGIN, issue.styles)
    step = int(getattr(masthead, "size", 64) * 1.22)  # 78 px at 64 px
    for text in lines:
        _line(draw, y, text, masthead, INK, rtl)
        y += step
    draw.line((MARGIN, y + 18, WIDTH - MARGIN, y + 18), fill=INK, width=6)
    if issue.number is not None:
        number = strings(issue.language)["issue_n"].format(number=issue.number)
        numeral = _font("NotoSans-Regular.ttf", 48, number, issue.styles)
        _line(draw, y + 50, number, numeral, accent, rtl)
    return y + 120


def _draw_title(draw: ImageDraw.ImageDraw, issue: _IssueText, rtl: bool) -> int:
    """The issue title set large above the footer; returns the y of its first line."""
    font, lines = _fit_title(draw, issue.title, WIDTH - 2 * MARGIN, issue.styles)
    line_height = int(getattr(font, "size", 60) * 1.18)
    y = HEIGHT - MARGIN - 150 - line_height * len(lines)
    first = y
    for text in lines:
        _line(draw, y, text, font, INK, rtl)
        y += line_height
    return first


def _draw_numeral(draw: ImageDraw.ImageDraw, issue: _IssueText, accent: tuple[int, int, int],
                  top: int, bottom: int) -> None:
    """The issue number as big as the space between masthead and title allows."""
    size = min(560, int((bottom - top) * 1.3))
    if issue.number is None or size < 120:
        return
    font = _font("NotoSerif-Bold.ttf", size, styles=issue.styles)
    x = MARGIN if issue.direction == "rtl" else WIDTH - MARGIN
    draw.text((x, bottom), str(issue.number), font=font, fill=accent,
              anchor="ls" if issue.direction == "rtl" else "rs")


FOOTER_GAP = 48  # px between the date and the publisher when they share a line


def footer_layout(draw: ImageDraw.ImageDraw, publisher: str, when: str, rtl: bool,
                  styles: Styles | None = None) -> list[tuple[str, int, int, FontType, str]]:
    """(text, x, y, font, anchor) of the date and the publisher under the footer rule: on one
    line (date at the start edge, publisher at the end) when both fit with a gap, else the
    date above the publisher, each at the start edge, the publisher made smaller until it
    fits the width (never drawn over each other)."""
    y = HEIGHT - MARGIN - 100 + 30
    width = WIDTH - 2 * MARGIN
    start_x, end_x = (WIDTH - MARGIN, MARGIN) if rtl else (MARGIN, WIDTH - MARGIN)
    start_anchor, end_anchor = ("ra", "la") if rtl else ("la", "ra")
    date_font = _font("NotoSans-Regular.ttf", 40, when, styles)
    used = draw.textlength(when, font=date_font) if when else 0
    size = 40
    pub_font = _font("NotoSans-Regular.ttf", size, publisher, styles)
    if not publisher:
        return [(when, start_x, y, date_font, start_anchor)] if when else []
    if not when or used + FOOTER_GAP + draw.textlength(publisher, font=pub_font) <= width:
        placed = [(publisher, end_x, y, pub_font, end_anchor)]
        return ([(when, start_x, y, date_font, start_anchor)] if when else []) + placed
    while size > 20 and draw.textlength(publisher, font=pub_font) > width:
        size -= 2
        pub_font = _font("NotoSans-Regular.ttf", size, publisher, styles)
    return [(when, start_x, y, date_font, start_anchor),
            (publisher, start_x, y + 54, pub_font, start_anchor)]


def _draw_footer(draw: ImageDraw.ImageDraw, zine: _CoverText, issue: _IssueText, rtl: bool) -> None:
    """A rule, then the date and the publisher (``footer_layout``)."""
    y = HEIGHT - MARGIN - 100
    draw.line((MARGIN, y, WIDTH - MARGIN, y), fill=INK, width=3)
    when = format_date(issue.date, issue.language) if issue.date else ""
    for text, x, top, font, anchor in footer_layout(draw, zine.publisher, when, rtl,
                                                    issue.styles):
        draw.text((x, top), text, font=font, fill=INK, anchor=anchor,
                  direction="rtl" if rtl and anchor == "ra" else None)
