"""Load stage, first step: find the zine root (the folder holding zine.yaml), and pick the issues
a command names.

``find_root`` is called by every command before anything is read; it touches only the file
system's folder structure (it reads no content). ``select_issues`` picks issues of the loaded
model by id, with a "did you mean" for an unknown one.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from zine.errors import UsageError
from zine.model import Issue, Zine

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


def select_issues(zine: Zine, wanted: Sequence[str]) -> list[Issue]:
    """The issues named on the command line (all when none), or a usage error."""
    by_id = {issue.id: issue for issue in zine.issues}
    unknown = [name for name in wanted if name not in by_id]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(by_id), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        known = ", ".join(sorted(by_id)) or "none"
        raise UsageError(f"unknown issue {', '.join(hints)}; issues: {known}")
    if not wanted:
        return list(zine.issues)
    return [by_id[name] for name in dict.fromkeys(wanted)]
