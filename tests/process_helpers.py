"""Helpers for tests that stop a build: the process table (Linux ``/proc``) and a build to stop.

A process is named by its pid and its start time (so a pid used again later is not taken for
it); a zombie counts as gone (it holds nothing but its exit status).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

Proc = tuple[int, int]  # pid, start time in clock ticks since boot

needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="walks the process table in /proc (Linux)")


def _stat(pid: int) -> tuple[int, str, int] | None:
    """``(ppid, state, start time)`` of ``pid``, or None when there is no such process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (command) "
    return int(fields[1]), fields[0], int(fields[19])


def descendants(pid: int) -> set[Proc]:
    """Every living process under ``pid``: its children, their children, and so on (none
    where there is no ``/proc``)."""
    if not Path("/proc/self/stat").exists():
        return set()
    children: dict[int, list[Proc]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[0], []).append((int(entry), stat[2]))
    found: set[Proc] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child[0])
    return found


def depth(pid: int, root: int) -> int:
    """How many parents up ``root`` is from ``pid`` (0 if it is not above it)."""
    steps = 0
    while pid not in (0, 1):
        stat = _stat(pid)
        if stat is None:
            return 0
        pid, steps = stat[0], steps + 1
        if pid == root:
            return steps
    return 0


def _cmdline(pid: int) -> bytes | None:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def worker_depth(pid: int, root: int) -> int:
    """``depth(pid, root)`` if ``pid`` is a worker that ``root`` forked (directly or through
    other workers: a forked process keeps its parent's command line), else 0: a program a
    library runs (WeasyPrint's import runs gcc to find its libraries) is no worker."""
    line = _cmdline(pid)
    return depth(pid, root) if line is not None and line == _cmdline(root) else 0


def living(procs: set[Proc]) -> set[Proc]:
    return {(pid, start) for pid, start in procs
            if (stat := _stat(pid)) is not None and stat[2] == start and stat[1] != "Z"}


def left_after(procs: set[Proc], seconds: float = 2.0) -> set[Proc]:
    """The processes of ``procs`` still running ``seconds`` from now (returns sooner if none)."""
    deadline = time.monotonic() + seconds
    while (alive := living(procs)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def assert_none_left(procs: set[Proc], seconds: float = 2.0, what: str = "") -> None:
    """None of ``procs`` runs ``seconds`` from now; those that do are killed, then reported
    (a failing test leaves nothing running either)."""
    left = left_after(procs, seconds)
    for pid, _start in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    assert not left, f"still running {seconds} s later{what}: {sorted(left)}"


def temporary_files(out: Path) -> list[Path]:
    """What ``zine.safety.writer`` leaves while writing: ``.<name>.<random>.tmp`` beside it."""
    return sorted(p for p in out.rglob(".*.tmp") if ".cache" not in p.parts)


@dataclass
class RunningBuild:
    """``zine build`` started in a process group of its own; every process it forked is kept
    in ``seen`` while ``wait_for`` watches it."""

    proc: subprocess.Popen[bytes]
    log: Path
    seen: set[Proc] = field(default_factory=set)
    temporaries: set[Path] = field(default_factory=set)  # already there when it started

    def stderr(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, moment: Callable[[RunningBuild], bool], timeout: float = 120) -> bool:
        """Poll until ``moment(self)`` holds (True), or the build ends first (False)."""
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self.seen |= descendants(self.proc.pid)
            if moment(self):
                self.seen |= descendants(self.proc.pid)
                return True
            time.sleep(0.01)
        return False

    def deepest(self) -> int:
        """How deep the deepest living worker is (1: an edition's, 2: a PDF part's)."""
        return max((worker_depth(pid, self.proc.pid) for pid, _ in living(self.seen)),
                   default=0)


def start_build(content: Path, *args: str, epoch: int = 1_600_000_000,
                before: Sequence[Path] = ()) -> RunningBuild:
    """``zine build --out out ARGS`` in ``content``; ``before``: temporary files already there
    (a build killed with SIGKILL cannot remove its own)."""
    log = content / f"stderr-{time.monotonic_ns()}.txt"
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    with open(log, "wb") as stream:
        proc = subprocess.Popen([sys.executable, "-m", "zine", "build", "--out", "out", *args],
                                cwd=content, env=env, stdout=subprocess.DEVNULL, stderr=stream,
                                start_new_session=True)
    return RunningBuild(proc, log, temporaries=set(before))
