"""Editions stage: one renderer per edition over the same ``RenderedIssue``.

Each edition module exposes ``render(rendered: RenderedIssue, out_dir: Path) -> list[Path]``,
writing only through ``zine.writer`` into ``out_dir/<issue-id>/`` and loading resources only
through ``zine.fetcher``. ``EDITIONS`` is the registry the CLI chooses from (``--format``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

# render(rendered, out_dir, **options) -> written paths; options only where an edition has
# some (the booklet's crop_marks, from ``build_project(edition_options=...)``; ``use_cache``
# for the PDF and the booklet, set by ``build_project`` when the build cache is on).
Renderer = Callable[..., list[Path]]


def registry() -> dict[str, Renderer]:
    """Edition name -> renderer; imported lazily so ``zine check`` never loads WeasyPrint."""
    from zine.editions import booklet, epub, html, pdf

    return {"epub": epub.render, "pdf": pdf.render, "booklet": booklet.render,
            "html": html.render}
