"""Word counting, shared by the parser (``Body.words``), ``zine stats`` and the editions.

Counting words: the text of the article as a reader sees it (paragraphs, headings, lists,
tables, footnotes, image descriptions and inline code; not URLs, markup or code blocks).
Text written with spaces counts one word per space-separated run holding a letter or digit.
Chinese and Japanese are written without spaces, so there each Han, Hiragana or Katakana
character counts as half a word (an average Japanese word is about two characters; this
also makes 200 words a minute come out at 400 characters a minute, a usual reading speed
for Japanese). Thai, Lao, Khmer and Myanmar, also written without spaces between words,
are counted by spaces and so come out low.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from markdown_it.token import Token

WORDS_PER_MINUTE = 200

# Han (with extensions and compatibility ideographs), Hiragana, Katakana (also half-width).
_SPACELESS = re.compile(
    "[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
    "\U00020000-\U0003ffff]"
)
_WORD = re.compile(r"\S+")
_HAS_ALNUM = re.compile(r"[^\W_]")


def count_words(text: str) -> tuple[int, int]:
    """(space-separated words, Han/Kana characters) in ``text``; see the module docstring."""
    spaceless = len(_SPACELESS.findall(text))
    rest = _SPACELESS.sub(" ", text)
    words = sum(1 for word in _WORD.findall(rest) if _HAS_ALNUM.search(word))
    return words, spaceless


def body_words(tokens: Sequence[Token]) -> int:
    """The words of a parsed body as the module docstring counts them."""
    words = spaceless = 0
    for text in reader_text(tokens):
        more_words, more_chars = count_words(text)
        words += more_words
        spaceless += more_chars
    return words + math.ceil(spaceless / 2)


def reader_text(tokens: Sequence[Token]) -> Iterable[str]:
    """The text of each inline run of the body (paragraph, heading, cell...) as read.

    Emphasis and links mark no word boundary (``**bo**ld`` is one word); line breaks and
    images do.
    """
    for token in tokens:
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
            elif child.type == "image":  # its description, read aloud in place of it
                parts.append(" " + "".join(grand.content for grand in child.children or []
                                           if grand.type in ("text", "code_inline")) + " ")
        yield "".join(parts)


def reading_minutes(words: int) -> int:
    """Whole minutes at ``WORDS_PER_MINUTE``; at least one for any text."""
    return math.ceil(words / WORDS_PER_MINUTE) if words else 0
