"""Safety stage, paths: the one rule for "this path stays inside that folder".

A path is inside a folder when, with every symbolic link and ``..`` resolved
(``os.path.realpath``), the folder is one of its parents. The loader and ``zine check`` use it
for images (inside the article's folder), the fetcher for resources (inside the article's folder
or ``styles/``), the writer for outputs (inside ``--out``), the build to tell which issue a
diagnostic belongs to. A path the system cannot resolve (a NUL byte, written ``%00``) is inside
nothing. Reads only what ``realpath`` reads; writes nothing.
"""

from __future__ import annotations

import os
from pathlib import Path


def real(path: str | os.PathLike[str]) -> Path:
    """``path`` with every symbolic link and ``..`` resolved."""
    return Path(os.path.realpath(path))


def is_inside(path: str | os.PathLike[str], folder: str | os.PathLike[str], *,
              or_itself: bool = False) -> bool:
    """Whether ``path`` resolves to something below ``folder`` (or to ``folder`` itself, when
    ``or_itself``)."""
    try:
        target, root = real(path), real(folder)
    except (ValueError, OSError):
        return False
    return root in target.parents or (or_itself and target == root)
