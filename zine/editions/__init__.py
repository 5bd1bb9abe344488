"""Editions stage: one renderer per edition over the same ``RenderedIssue``.

Each edition module exposes ``render(rendered: RenderedIssue, out_dir: Path) -> list[Path]``,
writing only through ``zine.writer`` into ``out_dir/<issue-id>/`` and loading resources only
through ``zine.fetcher``. ``EDITIONS`` is the registry the CLI chooses from (``--format``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

# render(rendered, out_dir, **options) -> written paths; options only where an edition has
# some (the booklet's crop_marks, from ``build_project(edition_options=...)``; ``use_cache``
# for the PDF and the booklet, set by ``build_project`` when the build cache is on).
Renderer = Callable[..., list[Path]]


MODULES = {"epub": "zine.editions.epub", "pdf": "zine.editions.pdf",
           "booklet": "zine.editions.booklet", "html": "zine.editions.html"}


def registry() -> dict[str, Renderer]:
    """Edition name -> renderer. Each edition's module is imported when it is first called,
    so ``zine check`` never loads WeasyPrint and an EPUB build never loads pypdf."""
    return {name: _lazy(module) for name, module in MODULES.items()}


def _lazy(module: str) -> Renderer:
    def render(*args: object, **kwargs: object) -> list[Path]:
        renderer: Renderer = importlib.import_module(module).render
        return renderer(*args, **kwargs)

    return render
