"""Load stage helper: file names spelt as on disk, whatever the disk does with case.

Used by ``zine.load.markdown`` (resolving image paths) and ``zine.check.body`` (saying which file
was meant). Reads folder listings only.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


def same_case(path: Path, root: Path) -> bool:
    """Every part of ``path`` below ``root`` is spelt as on disk (macOS and Windows disks
    find ``logo.PNG`` for ``logo.png``; the build server's does not)."""
    for part in (path, *path.parents):
        if part == root:
            return True
        try:
            if part.name not in os.listdir(part.parent):
                return False
        except OSError:
            return False
    return True


def case_variant(src: str, base: Path) -> str | None:
    """The file's real name where ``src`` names an existing file in another case
    (``logo.PNG`` for ``logo.png``), as ``src`` would be written with it."""
    parts = urlsplit(src)
    target = base / unquote(parts.path)
    try:
        names = os.listdir(target.parent)
    except OSError:
        return None
    found = [name for name in names if name.casefold() == target.name.casefold()]
    if not found or target.name in found:
        return None
    written = unquote(parts.path)
    return written[: len(written) - len(target.name)] + found[0]
