"""Build stage helper: what a build hands back (``BuildResult``), and the no-op shortcut that hands
back the last successful build's result when nothing its outputs depend on changed.

The shortcut is here, not in ``zine.build``, so that ``zine build`` can take it before the
build's own modules are imported (the checks, the renderers, the language data: about four
fifths of a no-op's time went to importing them). ``zine.build.build_project`` starts through the
same ``check_last_build`` (or is handed the CLI's), so the rule of when a build is skipped is in
one place, and applied once per build:
the build key of ``zine.runtime.cache`` (content, code, styles, options) is the recorded one and
every recorded output still has its recorded bytes. This module reads nothing but what
``zine.runtime.cache`` hashes and writes nothing but the removal of a killed build's temporary
files (``zine.safety.writer.remove_stale_temporaries``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zine.diagnostics import Diagnostic
from zine.runtime.cache import build_key, cache_refused, load_record
from zine.safety.writer import remove_stale_temporaries

if TYPE_CHECKING:
    from zine.model.rendered import RenderedIssue

log = logging.getLogger(__name__)


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # issue ids whose editions were all written
    failed: list[str] = field(default_factory=list)
    changed: list[Path] = field(default_factory=list)  # outputs whose bytes this build replaced
    # the issues this build rendered (in memory only; none when the build was skipped), so
    # ``zine serve`` can apply the next edit to one article without loading the rest again
    rendered: list[RenderedIssue] = field(default_factory=list)
    # "<issue>[.<lang>] <edition>" of the editions handed back from the last build unmade
    reused: list[str] = field(default_factory=list)


def key_options(issue_ids: Sequence[str], formats: Sequence[str], strict_mode: bool,
                edition_options: Mapping[str, Mapping[str, object]]) -> dict[str, object]:
    """The options of a build as its key holds them (``zine.runtime.cache.build_key``)."""
    return {"issues": list(issue_ids), "formats": list(formats), "strict": strict_mode,
            "editions": {name: dict(values) for name, values in edition_options.items()}}


def remove_orphans(out_dir: Path) -> None:
    """Remove the temporary files a build killed before it ended left in ``out_dir``."""
    for path in remove_stale_temporaries(out_dir):
        log.info("removed %s, left by a build that was killed", path)


@dataclass(frozen=True)
class LastBuildCheck:
    """What the start of a cached build found: the build key (None when the cache beside the
    output folder is refused, so the build runs without it) and, when nothing changed since the
    last successful build, that build's result (the build is then skipped)."""

    key: str | None
    unchanged: BuildResult | None


def check_last_build(root_dir: Path, out_dir: Path, options: dict[str, object]
                     ) -> LastBuildCheck:
    """The start of a cached build: remove what a killed build left (``remove_orphans``), then
    say why the cache is refused (``zine.runtime.cache.cache_refused``, logged once as a
    warning), or compute the build key of ``options`` and hand back the last successful build's
    result if its key was the same and its outputs are all there with the bytes it wrote."""
    remove_orphans(out_dir)
    if refused := cache_refused(out_dir):
        log.warning("building without the cache: %s", refused)
        return LastBuildCheck(None, None)
    key = build_key(root_dir, out_dir, options)
    record = load_record(out_dir, root_dir, key)
    if record is None:
        return LastBuildCheck(key, None)
    log.debug("nothing changed since the last build: skipped")
    return LastBuildCheck(key, BuildResult(diagnostics=record.diagnostics,
                                           outputs=record.outputs, built=record.built))
