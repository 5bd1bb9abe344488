"""Command support: find the zine repository (the folder holding zine.yaml).

Called by ``zine.check.run.check_project`` and the other commands; touches only the file system's
folder structure (it reads no content).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from zine.errors import UsageError

MARKER = "zine.yaml"


def find_root(paths: Sequence[Path], root: Path | None) -> Path:
    """The zine repository: ``root`` if given, else the folder holding zine.yaml found by
    walking up from the first path, else from the working directory."""
    if root is not None:
        if not (root / MARKER).is_file():
            raise UsageError(f"--root {root}: no {MARKER} there")
        return root
    starts = [Path(paths[0]).absolute()] if paths else []
    starts.append(Path.cwd())
    for start in starts:
        found = search_upwards(start)
        if found is not None:
            return found
    raise UsageError(f"no {MARKER} found in {starts[0]} or any folder above it: run zine "
                     "inside a zine repository or pass --root")


def search_upwards(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds zine.yaml."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / MARKER).is_file():
            return candidate
    return None
