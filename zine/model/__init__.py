"""Model stage: the frozen data that every later stage reads.

The loader (``zine.load.loader``) is the only code that builds these objects from files; checks,
the renderer and the editions only read them. Every value that came from a file keeps the
``Position`` it came from, so a later stage can report ``path:line:col`` for it.

A model may be built from input that has errors (a missing title becomes ``""``, an unknown
coop stays as written): the loader reports what it could not read, ``zine.check.run`` reports
what is wrong, and nothing is rendered from an issue that has errors.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
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
    translation_of: str = ""  # the original's slug when this article is a translation
    translators: tuple[Author, ...] = ()
    translated_from: str = ""  # the digest of the original's text it was translated from
    original_language: str = ""  # a translation's: the language of its original (the loader's)

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
    # the title per language (``section: {en: ..., de: ...}``); ``title`` is the issue
    # language's; empty when the section title is one text
    titles: Mapping[str, str] = field(default_factory=dict)

    def title_in(self, language: str) -> str | None:
        """The title in ``language`` (or its primary language) if written, else ``title``."""
        return _in_language(self.titles, language) or self.title


@dataclass(frozen=True)
class IssueText:
    """The issue's title and description in one more language (``translations:``)."""

    title: str
    description: str
    where: Located


@dataclass(frozen=True)
class TranslationGroup:
    """An original and its translations, computed once by the loader (``group_articles``).

    ``translations`` holds the published-or-not translations that name ``original`` and are
    not in its language, at most one per language (the first by file order), sorted by
    language.
    """

    original: Article
    translations: tuple[Article, ...] = ()

    @property
    def versions(self) -> tuple[Article, ...]:
        """The original first, then its translations by language."""
        return (self.original, *self.translations)

    def version(self, language: str) -> Article:
        """The published version in ``language`` (exact tag, else the same primary
        language), else the original. A draft is never chosen, nor a translation of one."""
        if self.original.draft:
            return self.original
        candidates = [a for a in self.translations if not a.draft]
        exact = next((a for a in candidates if a.language == language), None)
        if exact is not None or self.original.language == language:
            return exact or self.original
        base = language.split("-")[0]
        return next((a for a in candidates if a.language.split("-")[0] == base),
                    self.original)

    def published(self) -> tuple[Article, ...]:
        """The versions that are published: none when the original is a draft."""
        if self.original.draft:
            return ()
        return tuple(a for a in self.versions if not a.draft)


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
    # every article in reading order, drafts included; a translation right after its original
    articles: tuple[Article, ...]
    sections: tuple[Section, ...]  # the originals grouped (drafts included)
    where: Located
    languages: tuple[str, ...] = ()  # ``languages:``: the languages with an edition of their own
    translations: Mapping[str, IssueText] = field(default_factory=dict)
    groups: tuple[TranslationGroup, ...] = ()  # every original with its translations
    # the language of this edition when it is not the main one (``edition_issue``), else ""
    edition: str = ""
    title_language: str = ""  # what ``title`` is written in when it is not ``language``

    @property
    def published(self) -> tuple[Article, ...]:
        """The articles that go into editions, in reading order: not drafts, nor translations
        of drafts."""
        drafts = {a.slug for a in self.articles if a.draft}
        return tuple(a for a in self.articles if not a.draft and a.translation_of not in drafts)

    @property
    def direction(self) -> str:
        return text_direction(self.language)

    @property
    def stem(self) -> str:
        """The file name of this edition's EPUB and PDF without extension: the issue id,
        ``<id>.<lang>`` for an edition in another language."""
        return f"{self.id}.{self.edition}" if self.edition else self.id

    def edition_languages(self) -> tuple[str, ...]:
        """The issue's language (the main edition), then the other ``languages`` in order."""
        return tuple(dict.fromkeys((self.language, *self.languages)))

    def group_of(self, slug: str) -> TranslationGroup | None:
        """The translation group an article belongs to (as original or translation)."""
        for group in self.groups:
            if any(a.slug == slug for a in group.versions):
                return group
        return None

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


def _in_language(texts: Mapping[str, str], language: str) -> str | None:
    if language in texts:
        return texts[language]
    base = language.split("-")[0]
    return next((text for key, text in texts.items() if key.split("-")[0] == base), None)


def group_articles(articles: Sequence[Article]) -> tuple[TranslationGroup, ...]:
    """Every article that is not a translation of another one, in the order given, with its
    translations. A translation whose ``translation_of`` names no original of ``articles``
    (unknown, itself, another translation, a cycle) or repeats a language of its group stands
    as an original of its own: ``zine.check.run`` reports it, and the issue is not built."""
    by_slug = {a.slug: a for a in articles}

    def is_original(article: Article) -> bool:
        target = by_slug.get(article.translation_of)
        return (not article.translation_of or target is None or target is article
                or bool(target.translation_of))

    originals = [a for a in articles if is_original(a)]
    taken: dict[str, dict[str, Article]] = {a.slug: {a.language: a} for a in originals}
    for article in articles:
        if is_original(article):
            continue
        languages = taken[article.translation_of]
        if article.language in languages:
            originals.append(article)  # a second translation into one language
            taken[article.slug] = {article.language: article}
        else:
            languages[article.language] = article
    groups = []
    for original in originals:
        translations = sorted((a for a in taken[original.slug].values() if a is not original),
                              key=lambda a: a.language)
        groups.append(TranslationGroup(original, tuple(translations)))
    return tuple(groups)


def edition_issue(issue: Issue, language: str) -> Issue:
    """The edition of ``issue`` for ``language``: every group in reading order as its version
    in ``language`` (else the original), the sections and the issue's title and description
    in ``language`` where ``translations`` has them. The main edition is
    ``edition_issue(issue, issue.language)``; it differs from ``issue`` only in leaving the
    translations out (or putting the ones in the issue's language in their originals' place).
    """
    versions = {g.original.slug: g.version(language) for g in issue.groups}
    sections = tuple(replace(s, title=s.title_in(language), articles=tuple(
        versions.get(a.slug, a) for a in s.articles)) for s in issue.sections)
    text = issue.translations.get(language)
    main = language == issue.language
    translated = text is not None and bool(text.title) and not main
    return replace(
        issue, language=language, edition="" if main else language,
        title_language="" if main or translated else issue.language,
        title=text.title if text is not None and translated else issue.title,
        description=text.description if text is not None and text.description and not main
        else issue.description,
        sections=sections, articles=tuple(a for s in sections for a in s.articles))


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


def issue_urn(zine_url: str, issue_id: str, offprint: str = "", language: str = "") -> str:
    """An issue's identifier (its EPUB's ``dc:identifier``, its OPDS entry's ``id``), or an
    offprint's with the article's slug, or (``language``) that of its edition in another
    language of ``languages``."""
    if offprint:
        return urn_of(zine_url, f"{issue_id}/offprints/{offprint}/")
    return urn_of(zine_url, f"{issue_id}/" + (f"{language}/" if language else ""))


def content_digest(article: Article) -> str:
    """``sha256:`` and 16 hex digits over what a translator translates (title, subtitle,
    summary, body): a translation records its original's (``translated_from``) to tell when
    the original changed since. Front matter a translation does not carry (tags, license,
    draft) does not count."""
    text = "\x00".join((article.title, article.subtitle, article.summary,
                        article.source.strip()))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
