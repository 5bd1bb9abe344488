"""The rendered types: what the render stage hands every edition.

``RenderedIssue`` holds an issue's HTML fragments (one per published article) and its processed
media; a ``MediaItem`` is one image, named ``media/<content-hash>.<ext>`` in every edition; an
``Xref`` is a link to another article as fragments carry it, for each edition to resolve.
Built by ``zine.render``; read by ``zine.editions`` and the build cache. ``handed_over``
pickles a rendered issue for an edition made in another process.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from zine.model import Article, Body, Issue, LinkTarget, Zine
from zine.text.ids import heading_anchor

_MEDIA_TYPES = {"jpg": "image/jpeg", "svg": "image/svg+xml"}


def media_name(data: bytes, ext: str) -> str:
    """An image's one name in every edition: ``media/<first 16 hex of its SHA-256>.<ext>``."""
    return f"media/{hashlib.sha256(data).hexdigest()[:16]}.{ext}"


@dataclass(frozen=True)
class MediaItem:
    name: str  # media_name(data, ext), the same in every edition
    media_type: str  # image/png, image/jpeg, image/gif, image/webp, image/svg+xml
    data: bytes
    width: int
    height: int

    @classmethod
    def of(cls, data: bytes, ext: str, width: int, height: int) -> MediaItem:
        """The item of processed bytes ``data`` (``ext``: png, jpg, gif, webp or svg)."""
        return cls(media_name(data, ext), _MEDIA_TYPES.get(ext, f"image/{ext}"), data, width,
                   height)


@dataclass(frozen=True)
class Fragment:
    """One article's body as an XHTML-compatible HTML fragment (no <html>/<body>)."""

    article: Article
    html: str


@dataclass(frozen=True)
class RenderedIssue:
    zine: Zine
    issue: Issue
    fragments: Mapping[str, Fragment]  # slug -> fragment, published articles only
    media: Mapping[str, MediaItem]  # name -> item
    cover: MediaItem  # the issue's cover.*, processed, or a generated typographic cover
    # the articles this edition makes offprints of; None: every one it holds (the main
    # edition). An edition in another language makes those of its versions the main one lacks
    # (``zine.render.translations.edition_views``).
    offprints: frozenset[str] | None = None

    def offprint_slugs(self) -> frozenset[str]:
        held = frozenset(self.fragments)
        return held if self.offprints is None else held & self.offprints


def reading_order(rendered: RenderedIssue) -> tuple[tuple[str | None, tuple[Article, ...]], ...]:
    """(section title, its published articles) in the issue's order, then (None, the articles
    no section holds): each published article once, in the order every edition shows them."""
    groups: list[tuple[str | None, tuple[Article, ...]]] = []
    seen: set[str] = set()
    for section in rendered.issue.sections:
        articles = tuple(a for a in section.articles if a.slug in rendered.fragments
                         and a.slug not in seen)
        seen.update(a.slug for a in articles)
        if articles:
            groups.append((section.title, articles))
    rest = tuple(a for a in rendered.issue.published if a.slug in rendered.fragments
                 and a.slug not in seen)
    if rest:
        groups.append((None, rest))
    return tuple(groups)


class BlobCache(Protocol):
    """Bytes made by an earlier build, by the digest of what they are made from
    (``zine.runtime.cache.BlobStore``; ``key`` mixes in the code and library versions, so a
    newer Pygments is a miss): highlighted code blocks, the PDF's copies of fragments."""

    def key(self, *inputs: str) -> str: ...

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...


class MediaCache(Protocol):
    """Processed images by the SHA-256 of their source bytes (``zine.runtime.cache.MediaStore``)."""

    def get(self, key: str) -> MediaItem | None: ...

    def put(self, key: str, item: MediaItem) -> None: ...


_NOTE_ID = re.compile(r"(fn|fnref)-?([0-9]+)")


@dataclass(frozen=True)
class Xref:
    """A link to another article as fragments carry it (``data-xref``), for each edition to
    turn into its own href. ``anchor`` is the target's id in its fragment, "" for its start."""

    issue: str
    slug: str
    anchor: str = ""

    @classmethod
    def to(cls, target: LinkTarget, article: Article | None) -> Xref:
        """The xref of a resolved link; ``article`` is the target (its headings win over the
        footnote ids ``fn1``/``fn-1``, as in the fragment)."""
        anchor = target.anchor
        if anchor and article is not None and anchor not in {h.id for h in article.body.headings}:
            note = _NOTE_ID.fullmatch(anchor)
            if note:
                return cls(target.issue, target.slug, f"{note[1]}-{target.slug}-{note[2]}")
        return cls(target.issue, target.slug, heading_anchor(target.slug, anchor) if anchor
                   else "")

    @classmethod
    def parse(cls, value: str) -> Xref:
        where, _, anchor = value.partition("#")
        issue, _, slug = where.partition("/")
        return cls(issue, slug, anchor)

    def __str__(self) -> str:
        return f"{self.issue}/{self.slug}#{self.anchor}"

    def page(self, from_issue: str) -> str:
        """The HTML edition's href from an article page of ``from_issue``."""
        page = f"{self.slug}.html" if self.issue == from_issue else \
            f"../{self.issue}/{self.slug}.html"
        return f"{page}#{self.anchor}" if self.anchor else page

    def web_url(self, base: str) -> str:
        """The article's address on the web site under ``base`` (zine.yaml's ``url``)."""
        if not base:
            return ""
        page = f"{base.rstrip('/')}/{self.issue}/{self.slug}.html"
        return f"{page}#{self.anchor}" if self.anchor else page


_BODY_FIELDS = tuple(f.name for f in dataclasses.fields(Body))


class _HandOver(pickle.Pickler):
    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Body:
            return Body, tuple(() if name == "tokens" else getattr(obj, name)
                               for name in _BODY_FIELDS)
        return NotImplemented


def handed_over(value: object) -> bytes:
    """``value`` (rendered issues and what goes with them) pickled for an edition made in
    another process, without the articles' parse tokens (``Body.tokens``): the render stage
    made the fragments from them, and editions read the fragments. The tokens are most of the
    work: on the bench issue, 10.2 MB in 0.20 s with them, 6.8 MB (5.1 of them images) in
    0.01 s without."""
    buffer = io.BytesIO()
    _HandOver(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()
