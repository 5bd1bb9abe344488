"""Stats stage (``zine stats``): words, reading time and who wrote what, per issue.

Reads only the frozen model that ``zine.loader.load_project`` built (it opens no files and
writes nothing); the CLI prints what ``format_text`` or ``format_json`` return.

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

import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zine.model import Article, Issue, Zine

WORDS_PER_MINUTE = 200
NO_COOP = "(no coop)"
NO_COUNTRY = "(unknown)"

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


def article_words(article: Article) -> int:
    """The article's words as the module docstring counts them."""
    words = spaceless = 0
    for text in reader_text(article):
        more_words, more_chars = count_words(text)
        words += more_words
        spaceless += more_chars
    return words + math.ceil(spaceless / 2)


def reader_text(article: Article) -> Iterable[str]:
    """The text of each inline run of the body (paragraph, heading, cell...) as read.

    Emphasis and links mark no word boundary (``**bo**ld`` is one word); line breaks and
    images do.
    """
    for token in article.body.tokens:
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


@dataclass(frozen=True)
class ArticleStats:
    slug: str
    language: str
    words: int
    minutes: int


@dataclass(frozen=True)
class IssueStats:
    id: str
    number: int | None
    title: str
    date: str
    language: str
    drafts: int
    articles: tuple[ArticleStats, ...]
    coops: Mapping[str, int] = field(default_factory=dict)
    countries: Mapping[str, int] = field(default_factory=dict)
    languages: Mapping[str, int] = field(default_factory=dict)

    @property
    def words(self) -> int:
        return sum(a.words for a in self.articles)

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)


def issue_stats(zine: Zine, issue: Issue) -> IssueStats:
    """Counts over the issue's published articles (drafts are only counted)."""
    published = issue.published
    coops: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for article in published:
        ids = {a.coop for a in article.authors if a.coop}
        coops.update(ids or {NO_COOP})
        found = {zine.coops[c].country.upper() for c in ids if c in zine.coops}
        countries.update(found or {NO_COUNTRY})
    articles = []
    for article in published:
        words = article_words(article)
        articles.append(ArticleStats(article.slug, article.language, words,
                                     reading_minutes(words)))
    return IssueStats(
        id=issue.id, number=issue.number, title=issue.title,
        date=issue.date.isoformat() if issue.date else "", language=issue.language,
        drafts=len(issue.articles) - len(published), articles=tuple(articles),
        coops=_ranked(coops), countries=_ranked(countries),
        languages=_ranked(Counter(a.language for a in published)))


def _ranked(counts: Counter[str]) -> dict[str, int]:
    """Most articles first, then by name: the same input gives the same order."""
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def as_data(stats: Sequence[IssueStats]) -> dict[str, Any]:
    """The JSON document of ``zine stats --format json``."""
    return {
        "words_per_minute": WORDS_PER_MINUTE,
        "issues": [{
            "id": s.id, "number": s.number, "title": s.title, "date": s.date,
            "language": s.language, "articles": len(s.articles), "drafts": s.drafts,
            "words": s.words, "reading_minutes": s.minutes,
            "coops": dict(s.coops), "countries": dict(s.countries),
            "languages": dict(s.languages),
            "per_article": [{"slug": a.slug, "language": a.language, "words": a.words,
                             "reading_minutes": a.minutes} for a in s.articles],
        } for s in stats],
    }


def format_json(stats: Sequence[IssueStats]) -> str:
    return json.dumps(as_data(stats), ensure_ascii=False, indent=2) + "\n"


def format_text(stats: Sequence[IssueStats]) -> str:
    """A few aligned lines per issue, a blank line between issues."""
    blocks = []
    for s in stats:
        number = f"No. {s.number} " if s.number is not None else ""
        when = f" ({s.date})" if s.date else ""
        drafts = f" (and {s.drafts} draft{'s' if s.drafts != 1 else ''})" if s.drafts else ""
        rows = [
            f"{s.id}: {number}“{s.title}”{when}",
            f"  articles      {len(s.articles)}{drafts}",
            f"  words         {s.words:,}",
            f"  reading time  {s.minutes} min (at {WORDS_PER_MINUTE} words a minute; "
            "Chinese and Japanese: 2 characters a word)",
            f"  coops         {_counts(s.coops)}",
            f"  countries     {_counts(s.countries)}",
            f"  languages     {_counts(s.languages)}",
        ]
        blocks.append("\n".join(rows))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _counts(counts: Mapping[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counts.items()) or "none"
