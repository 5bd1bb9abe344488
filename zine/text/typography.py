"""Editions stage helper: typographic rules per script that CSS alone cannot give every edition.

Pure functions of text, used by the templates (as Jinja filters, ``zine.editions.templating``) and
by the PDF's copy of a fragment (``zine.editions.pdf.markup``); nothing here reads or writes files.

- URLs break at sensible points without hyphens: a ``<wbr/>`` after ``//``, ``/``, ``?``,
  ``&``, ``=``, ``#`` and before ``.``, ``_``, ``-``, ``~``, ``%``, plus one inside any run
  longer than ``URL_RUN`` characters, and they are isolated left-to-right (``<bdi dir=ltr>``)
  so that in a right-to-left line their slashes stay where they are written.
- Korean keeps its words whole (CSS ``word-break: keep-all``, which WeasyPrint 70 ignores):
  the PDF joins adjacent Hangul syllables with U+2060 WORD JOINER, so lines break at spaces.
- Labels (section names, for instance) get the language and direction of their own text,
  not of the page they sit on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from markupsafe import Markup, escape

URL_RUN = 18  # characters of a URL without a break point before one is added
_URL_BREAK = re.compile(r"(?<=[?&=#])(?=.)|(?<=/)(?=[^/])|(?<=.)(?=[._~%-])")
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_HANGUL_PAIR = re.compile(f"(?<=[{_HANGUL}])(?=[{_HANGUL}])")
WORD_JOINER = "\u2060"
ZERO_WIDTH_SPACE = "\u200b"
LOOKS_LIKE_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)\S+$", re.IGNORECASE)

# Scripts a label may be written in -> (the BCP 47 script subtag, its direction).
_SCRIPTS = {
    "ARABIC": ("Arab", "rtl"), "HEBREW": ("Hebr", "rtl"), "SYRIAC": ("Syrc", "rtl"),
    "THAANA": ("Thaa", "rtl"), "NKO": ("Nkoo", "rtl"), "HANGUL": ("Hang", "ltr"),
    "HIRAGANA": ("Jpan", "ltr"), "KATAKANA": ("Jpan", "ltr"), "CJK": ("Hani", "ltr"),
    "CYRILLIC": ("Cyrl", "ltr"), "GREEK": ("Grek", "ltr"), "DEVANAGARI": ("Deva", "ltr"),
    "BENGALI": ("Beng", "ltr"), "TAMIL": ("Taml", "ltr"), "THAI": ("Thai", "ltr"),
    "LATIN": ("Latn", "ltr"),
}
# The script each language is written in, where it is not Latin.
_LANGUAGE_SCRIPTS = {
    "ar": "Arab", "fa": "Arab", "ur": "Arab", "ps": "Arab", "sd": "Arab", "ug": "Arab",
    "ckb": "Arab", "he": "Hebr", "yi": "Hebr", "syr": "Syrc", "dv": "Thaa", "nqo": "Nkoo",
    "ko": "Hang", "ja": "Jpan", "zh": "Hani", "ru": "Cyrl", "uk": "Cyrl", "bg": "Cyrl",
    "sr": "Cyrl", "mk": "Cyrl", "be": "Cyrl", "kk": "Cyrl", "el": "Grek", "hi": "Deva",
    "mr": "Deva", "ne": "Deva", "bn": "Beng", "ta": "Taml", "th": "Thai",
}


#: Print tables (A5, styles/pdf.css): from WIDE_TABLE columns a table is set smaller; from
#: LANDSCAPE_TABLE columns it is turned a quarter on a page of its own when it has at most
#: LANDSCAPE_ROWS rows (header included: its height must fit the type area's width), else
#: set upright in the smallest type. Past TURNED_MAX (turned) or UPRIGHT_MAX (upright)
#: columns, a column is narrower than about three letters: ``zine check`` warns (Z507).
WIDE_TABLE, LANDSCAPE_TABLE, LANDSCAPE_ROWS = 8, 16, 24
TURNED_MAX, UPRIGHT_MAX = 40, 24


def table_fit(columns: int, rows: int) -> str:
    """The class that fits a table of ``rows`` rows (header included) to the A5 type area:
    ``table-wide``, ``table-landscape``, ``table-huge``, or "" when it fits as it is."""
    if columns >= LANDSCAPE_TABLE:
        return "table-landscape" if rows <= LANDSCAPE_ROWS else "table-huge"
    return "table-wide" if columns >= WIDE_TABLE else ""


def table_limit(columns: int, rows: int) -> int | None:
    """The most columns a table of ``rows`` rows can have in print, if ``columns`` is more."""
    limit = TURNED_MAX if table_fit(columns, rows) == "table-landscape" else UPRIGHT_MAX
    return limit if columns > limit else None


def url_pieces(text: str) -> list[str]:
    """``text`` (a URL) cut at its break points."""
    pieces: list[str] = []
    for piece in _URL_BREAK.split(text):
        while len(piece) > URL_RUN:
            pieces.append(piece[:URL_RUN])
            piece = piece[URL_RUN:]
        if piece:
            pieces.append(piece)
    return pieces


def url_breaks(text: str) -> Markup:
    """``text`` (a URL) escaped, with ``<wbr/>`` at its break points."""
    return Markup("<wbr/>").join(escape(p) for p in url_pieces(text))


def url(text: str) -> Markup:
    """A URL printed as text: isolated left-to-right, breakable without hyphens."""
    return Markup('<bdi class="url" dir="ltr">') + url_breaks(text) + Markup("</bdi>")


def ltr(text: object) -> Markup:
    """A left-to-right token (a licence id, a number) isolated from the line around it."""
    return Markup('<bdi dir="ltr">') + escape(str(text)) + Markup("</bdi>")


def join_hangul(text: str) -> str:
    """``text`` with a word joiner between adjacent Hangul syllables (breaks only at spaces)."""
    return _HANGUL_PAIR.sub(WORD_JOINER, text)


def script_of(text: str) -> str | None:
    """The script subtag of most letters of ``text`` (None when it has no letters)."""
    counts: dict[str, int] = {}
    for char in text:
        if not unicodedata.category(char).startswith("L"):
            continue
        name = unicodedata.name(char, "").split(" ")[0]
        script = _SCRIPTS.get(name, ("Zyyy", "ltr"))[0]
        counts[script] = counts.get(script, 0) + 1
    return max(sorted(counts), key=lambda s: counts[s]) if counts else None


def language_script(language: str) -> str:
    return _LANGUAGE_SCRIPTS.get(language.replace("_", "-").split("-")[0].lower(), "Latn")


def label_language(text: str, language: str, candidates: Iterable[str] = ()) -> tuple[str, str]:
    """(lang, dir) of a label: ``language`` when the text is written in its script, else the
    first of ``candidates`` (e.g. the issue's article languages) written in the text's script,
    else ``und-<Script>``."""
    script = script_of(text)
    direction = _direction(script)
    if script is None or script == language_script(language) or \
            (script == "Hani" and language_script(language) == "Jpan"):
        return language, _direction(language_script(language)) if script is None else direction
    for candidate in candidates:
        if language_script(candidate) == script:
            return candidate, direction
    return f"und-{script}", direction


def _direction(script: str | None) -> str:
    return next((d for s, d in _SCRIPTS.values() if s == script), "ltr")


def label_attrs(text: str, language: str, candidates: Iterable[str] = (), *,
                xml: bool = False) -> Markup:
    """`` lang=".." dir=".."`` (and ``xml:lang`` for XHTML) for a label element."""
    lang, direction = label_language(text, language, candidates)
    xml_lang = Markup(' xml:lang="{}"').format(lang) if xml else Markup("")
    return Markup(' lang="{}"{} dir="{}"').format(lang, xml_lang, direction)
