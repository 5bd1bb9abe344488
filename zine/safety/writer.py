"""Output stage helper: every file an edition writes goes through here.

Writes are atomic (a temporary file in the same folder, fsync, ``os.replace``), so a killed or
failed build leaves the previous good file in place, and every path is verified to stay inside
the output folder. Files get mode 0644. ``write_all`` writes an edition's files together: every
temporary file first, their fsyncs in threads (the disk waits overlap instead of adding up:
one fsync and rename cost ~5 ms here, and an issue's website is over a hundred files), then
the renames, so a failure leaves none of them half-replaced. Cache entries, which are checked
on reading, are written without fsync (``durable=False``). A file that already holds exactly
the bytes to write (a regular file, mode 0644) is left alone: a rebuild after one edit rewrites
only what changed, and unchanged files keep their times for rsync and web caches.

A temporary file's name holds the id of the process writing it (``.<name>.<pid>-<random>.tmp``):
a build that is interrupted removes its own on the way out, and one killed outright
(``kill -9``, out of memory) cannot, so the next build removes those whose process is gone
(``remove_stale_temporaries``) before they are published with the rest. A folder a tool writes
into before its files are moved into place (``staging_folder``: Pagefind's) is named the same
way and removed the same way.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from zine.errors import ZineError
from zine.safety import paths


class OutputPathError(ZineError):
    """An output path would land outside ``--out``."""


def safe_output_path(out_dir: Path, relative: str | Path) -> Path:
    """``out_dir / relative``, refusing anything that resolves outside ``out_dir``."""
    root = paths.real(out_dir)
    if not paths.is_inside(root / relative, root, or_itself=True):
        raise OutputPathError(f"refusing to write outside {out_dir}: {relative}")
    return paths.real(root / relative)


FSYNC_THREADS = 8


def write_bytes(out_dir: Path, relative: str | Path, data: bytes, *,
                durable: bool = True) -> Path:
    """Atomically write ``data`` to ``out_dir/relative``; returns the final path.
    ``durable=False`` skips the fsync (for cache entries, verified when read)."""
    target = safe_output_path(out_dir, relative)
    if _unchanged(target, data):
        return target
    tmp = _temporary(target, data, durable)
    try:
        os.replace(tmp, target)
    except BaseException:
        _discard([tmp])
        raise
    return target


def write_all(out_dir: Path, files: Sequence[tuple[str | Path, bytes]]) -> list[Path]:
    """Atomically write every ``(relative, data)``: all temporary files, then all renames."""
    temporaries: list[tuple[Path, str]] = []
    targets = [safe_output_path(out_dir, relative) for relative, _data in files]
    try:
        for target, (_relative, data) in zip(targets, files, strict=True):
            if not _unchanged(target, data):
                temporaries.append((target, _temporary(target, data, durable=False)))
        if temporaries:
            with ThreadPoolExecutor(min(FSYNC_THREADS, len(temporaries))) as pool:
                list(pool.map(_fsync, [tmp for _target, tmp in temporaries]))
        for target, tmp in temporaries:
            os.replace(tmp, target)
    except BaseException:
        _discard([tmp for _target, tmp in temporaries])
        raise
    return targets


def _unchanged(target: Path, data: bytes) -> bool:
    """``target`` is a regular 0644 file holding exactly ``data``."""
    try:
        info = os.lstat(target)
        if not stat.S_ISREG(info.st_mode) or stat.S_IMODE(info.st_mode) != 0o644 \
                or info.st_size != len(data):
            return False
        with open(target, "rb") as handle:
            return handle.read(len(data) + 1) == data
    except OSError:
        return False


def _temporary(target: Path, data: bytes, durable: bool) -> str:
    """``data`` in a temporary file (0644) beside ``target``, a path already checked by
    ``safe_output_path``; returns the temporary file's path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.{os.getpid()}-",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
    except BaseException:
        _discard([tmp])
        raise
    return tmp


def _fsync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _discard(paths: Sequence[str]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)


_TEMPORARY = re.compile(r"\..+\.(\d+)-[a-z0-9_]+\.tmp")  # what _temporary names


def staging_folder(out_dir: Path, name: str) -> Path:
    """A new empty folder ``out_dir/.<name>.<pid>-<random>.tmp/`` for files a tool writes
    itself before they are moved into place (Pagefind's index), named like a temporary
    file, so one a killed build left is removed by the next (``remove_stale_temporaries``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=out_dir, prefix=f".{name}.{os.getpid()}-", suffix=".tmp"))


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Remove the temporary files and staging folders under ``out_dir`` whose writing
    process no longer runs (a build killed before it could remove them); returns their
    paths."""
    removed = []
    for folder, dirs, names in os.walk(out_dir):
        for name in list(dirs):
            found = _TEMPORARY.fullmatch(name)
            if found and not _running(int(found.group(1))):
                dirs.remove(name)
                shutil.rmtree(Path(folder) / name, ignore_errors=True)
                removed.append(Path(folder) / name)
        for name in names:
            found = _TEMPORARY.fullmatch(name)
            if found and not _running(int(found.group(1))):
                path = Path(folder) / name
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
    return sorted(removed)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # no signal: only asks whether it exists
    except (ProcessLookupError, OverflowError):
        return False
    except PermissionError:  # another user's process
        return True
    try:  # a killed process not yet reaped (a zombie) exists but runs no more
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):  # no /proc (not Linux)
        return True


def write_text(out_dir: Path, relative: str | Path, text: str) -> Path:
    return write_bytes(out_dir, relative, text.encode("utf-8"))
