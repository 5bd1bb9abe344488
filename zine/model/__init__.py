"""Model stage: the frozen data that every later stage reads.

The loader (``zine.load.loader``) is the only code that builds these objects from files; checks,
the renderer and the editions only read them. Every value that came from a file keeps the
``Position`` it came from, so a later stage can report ``path:line:col`` for it.

A model may be built from input that has errors (a missing title becomes ``""``, an unknown
coop stays as written): the loader reports what it could not read, ``zine.check.run`` reports
what is wrong, and nothing is rendered from an issue that has errors.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it.token import Token



@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column are 1-based."""

    path: Path
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Located:
    """Positions of the values of one YAML mapping: key -> where its value starts."""

    pos: Position
    fields: Mapping[str, Position] = field(default_factory=dict)

    def at(self, key: str) -> Position:
        """Where ``key``'s value was written, else where the mapping starts."""
        return self.fields.get(key, self.pos)


@dataclass(frozen=True)
class Coop:
    id: str
    name: str
    country: str
    url: str
    description: str
    where: Located
    fediverse: str = ""  # "@account@server", for <meta name="fediverse:creator">


@dataclass(frozen=True)
class Author:
    """A person or a collective signing an article (or editing an issue)."""

    name: str
    coop: str | None
    where: Located


@dataclass(frozen=True)
class Heading:
    level: int  # 2..6 after demotion: the article title is the page's h1
    text: str
    id: str
    pos: Position


@dataclass(frozen=True)
class ImageRef:
    """An image as the article wrote it, and where it resolves to (if it does)."""

    src: str
    alt: str
    title: str
    pos: Position
    path: Path | None  # a regular file inside the article's folder, else None


@dataclass(frozen=True)
class LinkRef:
    href: str
    pos: Position


@dataclass(frozen=True)
class LinkTarget:
    """Where a link between articles leads (``zine.check.links`` resolves it once)."""

    issue: str  # the target's issue id
    slug: str  # the target article
    anchor: str = ""  # a heading (or footnote) id in that article, "" for its start


@dataclass(frozen=True)
class Body:
    """An article body parsed once by ``zine.load.markdown.parse_body``.

    ``tokens`` is markdown-it's token stream; treat it as read-only. The other fields are what
    checks and editions need to know without walking the tokens again.
    """

    tokens: tuple[Token, ...]
    headings: tuple[Heading, ...] = ()
    images: tuple[ImageRef, ...] = ()
    links: tuple[LinkRef, ...] = ()
    raw_html: tuple[Position, ...] = ()
    demoted_h1: tuple[Position, ...] = ()
    too_deep: tuple[Position, ...] = ()  # where markdown-it's nesting limit would drop text
    # footnote definitions left out (defined twice, never referenced): (where, label, why)
    dropped_notes: tuple[tuple[Position, str, str], ...] = ()
    # footnote references with no definition, printed as written: (where, label)
    undefined_notes: tuple[tuple[Position, str], ...] = ()
    note_labels: tuple[str, ...] = ()  # the labels of the footnote definitions
    # ``![alt](a b.png)``: an image whose path has a blank, printed as text: (where, path)
    spaced_images: tuple[tuple[Position, str], ...] = ()
    # ``[text](a b.md)``: a link whose path has a blank, printed as text: (where, path)
    spaced_links: tuple[tuple[Position, str], ...] = ()
    # table rows with more cells than the header, whose extra cells GFM leaves out:
    # (where, cells, columns)
    long_rows: tuple[tuple[Position, int, int], ...] = ()
    footnotes: int = 0
    words: int = 0


@dataclass(frozen=True)
class Article:
    slug: str
    path: Path  # the Markdown file
    folder: Path  # what its resources may come from: articles/ or articles/<slug>/
    title: str
    subtitle: str
    authors: tuple[Author, ...]
    language: str
    license: str
    summary: str
    tags: tuple[str, ...]
    draft: bool
    source: str  # the Markdown body as written (after the front matter)
    body_line: int  # the file line on which ``source`` starts
    body: Body
    where: Located  # front matter positions

    @property
    def direction(self) -> str:
        """``rtl`` for scripts written right to left, else ``ltr``."""
        return text_direction(self.language)


@dataclass(frozen=True)
class Section:
    """A titled group of articles from ``contents``; ``title`` is None for loose articles."""

    title: str | None
    articles: tuple[Article, ...]
    pos: Position | None = None


@dataclass(frozen=True)
class Issue:
    id: str
    path: Path  # the issue folder
    number: int | None
    title: str
    date: date | None
    language: str
    description: str
    editors: tuple[Author, ...]
    license: str
    cover: Path | None
    articles: tuple[Article, ...]  # every article in reading order, drafts included
    sections: tuple[Section, ...]  # the same articles grouped (drafts included)
    where: Located

    @property
    def published(self) -> tuple[Article, ...]:
        """The articles that go into editions, in reading order."""
        return tuple(a for a in self.articles if not a.draft)

    @property
    def direction(self) -> str:
        return text_direction(self.language)

    def coop_ids(self) -> tuple[str, ...]:
        """Coops that signed a published article of this issue, sorted by id."""
        ids = {a.coop for art in self.published for a in art.authors if a.coop}
        return tuple(sorted(ids))


@dataclass(frozen=True)
class Zine:
    root: Path
    title: str
    publisher: str
    url: str
    language: str
    license: str
    coops: Mapping[str, Coop]
    issues: tuple[Issue, ...]
    where: Located
    extra: Mapping[str, str] = field(default_factory=dict)
    # Every issue of the repository, for resolving links between articles when ``issues``
    # holds only part of it (``zine check`` on some files); empty when ``issues`` is all.
    link_scope: tuple[Issue, ...] = ()

    def coops_of(self, issue: Issue) -> tuple[Coop, ...]:
        """The coop directory every edition of ``issue`` ends with: the coops that signed one
        of its published articles, in id order; an id coops.yaml does not know is left out
        (``zine check`` reports it)."""
        return tuple(self.coops[cid] for cid in issue.coop_ids() if cid in self.coops)


_RTL_LANGUAGES = frozenset(
    {"ar", "arc", "ckb", "dv", "fa", "he", "ku", "ps", "sd", "ug", "ur", "yi"}
)
_RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm", "Rohg"})


def text_direction(language: str) -> str:
    """Writing direction of a BCP 47 tag: by its script subtag if any, else by its language."""
    parts = language.replace("_", "-").split("-")
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            return "rtl" if part.title() in _RTL_SCRIPTS else "ltr"
    return "rtl" if parts[0].lower() in _RTL_LANGUAGES else "ltr"


def urn_of(zine_url: str, relative: str) -> str:
    """The stable ``urn:uuid:`` of what the zine publishes at ``relative`` under its
    ``url``: uuid5 of that address, the same for every build (``issue_urn``, the catalog)."""
    address = f"{zine_url.rstrip('/')}/{relative}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, address)}"


def issue_urn(zine_url: str, issue_id: str, offprint: str = "") -> str:
    """An issue's identifier (its EPUB's ``dc:identifier``, its OPDS entry's ``id``), or an
    offprint's with the article's slug."""
    return urn_of(zine_url, f"{issue_id}/" + (f"offprints/{offprint}/" if offprint else ""))
