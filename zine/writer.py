"""Output stage helper: every file an edition writes goes through here.

Writes are atomic (a temporary file in the same folder, fsync, ``os.replace``), so a killed or
failed build leaves the previous good file in place, and every path is verified to stay inside
the output folder. Files get mode 0644.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from zine.errors import ZineError


class OutputPathError(ZineError):
    """An output path would land outside ``--out``."""


def safe_output_path(out_dir: Path, relative: str | Path) -> Path:
    """``out_dir / relative``, refusing anything that resolves outside ``out_dir``."""
    root = Path(os.path.realpath(out_dir))
    target = Path(os.path.realpath(root / relative))
    if target != root and root not in target.parents:
        raise OutputPathError(f"refusing to write outside {out_dir}: {relative}")
    return target


def write_bytes(out_dir: Path, relative: str | Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``out_dir/relative``; returns the final path."""
    target = safe_output_path(out_dir, relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return target


def write_text(out_dir: Path, relative: str | Path, text: str) -> Path:
    return write_bytes(out_dir, relative, text.encode("utf-8"))
