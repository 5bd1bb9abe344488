"""Every output goes through ``zine.safety.writer``: atomic, confined to ``--out``, mode 0644; an
edition's files written together are all replaced or none is."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from zine.safety import writer


def test_write_all_replaces_every_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text("old")
    written = writer.write_all(tmp_path, [("a.html", b"new a"), ("sub/b.html", b"new b")])
    assert written == [tmp_path / "a.html", tmp_path / "sub" / "b.html"]
    assert (tmp_path / "a.html").read_bytes() == b"new a"
    assert (tmp_path / "sub" / "b.html").read_bytes() == b"new b"
    assert stat.S_IMODE((tmp_path / "a.html").stat().st_mode) == 0o644
    assert not list(tmp_path.rglob("*.tmp"))


def test_write_all_writes_nothing_when_one_path_would_leave_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.html").write_text("old")
    with pytest.raises(writer.OutputPathError):
        writer.write_all(out, [("a.html", b"new"), ("../escape.html", b"x")])
    assert (out / "a.html").read_text() == "old"  # the previous good file stays
    assert not (tmp_path / "escape.html").exists()
    assert not list(out.rglob("*.tmp"))


def test_a_cache_entry_may_skip_the_fsync_but_is_still_atomic(tmp_path: Path) -> None:
    path = writer.write_bytes(tmp_path, ".cache/x.bin", b"data", durable=False)
    assert path.read_bytes() == b"data" and not list(tmp_path.rglob("*.tmp"))


def test_a_file_that_already_holds_the_bytes_is_left_alone(tmp_path: Path) -> None:
    first = writer.write_bytes(tmp_path, "a.pdf", b"same")
    other = writer.write_bytes(tmp_path, "b.pdf", b"old")
    before = (first.stat().st_ino, first.stat().st_mtime_ns)
    writer.write_all(tmp_path, [("a.pdf", b"same"), ("b.pdf", b"new")])
    writer.write_bytes(tmp_path, "a.pdf", b"same")
    assert (first.stat().st_ino, first.stat().st_mtime_ns) == before  # not rewritten
    assert other.read_bytes() == b"new"


def test_same_bytes_with_another_mode_are_written_again(tmp_path: Path) -> None:
    path = writer.write_bytes(tmp_path, "a.html", b"same")
    path.chmod(0o600)
    writer.write_bytes(tmp_path, "a.html", b"same")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_temporaries_of_a_killed_build_are_removed_and_others_kept(tmp_path: Path) -> None:
    pid = os.fork()
    if pid == 0:  # a build killed between writing its temporary file and the rename
        try:
            os.replace = lambda *args: os._exit(0)  # type: ignore[assignment]
            writer.write_bytes(tmp_path, "01/01.pdf", b"half")
        finally:
            os._exit(1)
    os.waitpid(pid, 0)
    [stale] = list(tmp_path.rglob(".01.pdf.*.tmp"))
    ours = tmp_path / f".index.html.{os.getpid()}-ab3dk1pq.tmp"  # being written right now
    other = tmp_path / "notes.tmp"
    for path in (ours, other):
        path.write_text("x")
    assert writer.remove_stale_temporaries(tmp_path) == [stale]
    assert not stale.exists() and ours.exists() and other.exists()
    assert not (tmp_path / "01" / "01.pdf").exists()
