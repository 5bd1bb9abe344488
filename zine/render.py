"""Render stage: an issue's parsed articles -> HTML fragments and processed media.

Runs once per issue, after checks passed. Every edition (EPUB, PDF, HTML) wraps the *same*
``Fragment.html`` with its own template and CSS; images are referenced in fragments as
``media/<content-hash>.<ext>``, and the processed bytes (EXIF stripped, core media type) are in
``RenderedIssue.media`` under that same name, so each edition only has to place them.
This module reads the model and image files through ``zine.media``; it writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from zine.diagnostics import Diagnostic
from zine.model import Article, Issue, Zine


@dataclass(frozen=True)
class MediaItem:
    name: str  # "media/<sha256-prefix>.<ext>", the same in every edition
    media_type: str  # image/png, image/jpeg, image/gif, image/webp, image/svg+xml
    data: bytes
    width: int
    height: int


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


def render_issue(zine: Zine, issue: Issue) -> tuple[RenderedIssue, list[Diagnostic]]:
    """Render every published article of ``issue`` once. Implemented in this module."""
    raise NotImplementedError
