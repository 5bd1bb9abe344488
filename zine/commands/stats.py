"""Stats stage (``zine stats``): words, reading time and who wrote what, per issue.

Reads only the frozen model that ``zine.load.loader.load_project`` built (it opens no files and
writes nothing); the CLI prints what ``format_text`` or ``format_json`` return.

Counting words: see ``zine.text.words``; the parser stores the count in ``Body.words``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from zine.model import Article, Issue, Zine
from zine.text.words import WORDS_PER_MINUTE, reading_minutes

NO_COOP = "(no coop)"
NO_COUNTRY = "(unknown)"

def article_words(article: Article) -> int:
    """The article's words, counted once by the parser (``zine.text.words``)."""
    return article.body.words


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
