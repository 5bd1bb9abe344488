"""Helpers for the build cache and parallel build tests: a content copy, fake editions, digests.

Fake editions stand in for the real ones where a test is about the build orchestration (what
runs, where, and what is skipped), not about the EPUB or PDF bytes; they write through
``zine.safety.writer`` exactly as real editions do.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.pipeline_helpers import copy_content as copy_content  # re-exported
from zine.errors import ContentError
from zine.model.rendered import RenderedIssue
from zine.safety.writer import write_text

Renderer = Callable[[RenderedIssue, Path], list[Path]]



def first_article(content: Path) -> Path:
    return sorted((content / "issues").rglob("*.md"))[0]


def snapshot(out: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``out`` and of its cache (``zine.runtime.cache.cache_home``, named
    ``.cache/...``): its SHA-256 and its mtime in nanoseconds."""
    from zine.runtime.cache import cache_home

    found = {}
    for base, prefix in ((out, ""), (cache_home(out), ".cache/")):
        for p in sorted(base.rglob("*")):
            if p.is_file():
                found[prefix + str(p.relative_to(base))] = (
                    hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return found


def fake_edition(name: str, calls: list[str] | None = None) -> Renderer:
    """An edition writing ``<id>/<stem>.<name>`` (the stem names an edition in another
    language, ``<id>.<lang>``): every fragment and media name, and its pid."""

    def render(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
        if calls is not None:
            calls.append(name)
        issue_id, stem = rendered.issue.id, rendered.issue.stem
        body = "\n".join(f"{slug}: {fragment.html}" for slug, fragment
                         in sorted(rendered.fragments.items()))
        media = "\n".join(sorted(rendered.media))
        written = write_text(out_dir, f"{issue_id}/{stem}.{name}", f"{body}\n{media}\n")
        pid_name = f"{name}.pid" if stem == issue_id else f"{stem}.{name}.pid"
        pid = write_text(out_dir, f"{issue_id}/{pid_name}", str(os.getpid()))
        return [written, pid]

    return render


def failing_edition(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
    raise ContentError("the press is out of ink")


def dying_edition(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
    os._exit(3)  # a worker killed mid-edition (out of memory, a signal)


def use_editions(monkeypatch: pytest.MonkeyPatch, **renderers: Renderer) -> None:
    """Make ``zine.editions.registry()`` return ``renderers`` (forked workers inherit it)."""
    monkeypatch.setattr("zine.editions.registry", lambda: dict(renderers))
