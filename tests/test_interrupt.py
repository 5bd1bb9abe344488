"""A stopped `zine build` leaves no process behind, and no half-written file.

The real command runs on a copy of the sample issue, in a process group of its own, and is
stopped at a moment seen from outside: while rendering (its progress line), while PDF parts are
laid out (a worker of a worker is running), while writing (a temporary file of
``zine.safety.writer`` is in the output folder). Every process it forked is recorded from ``/proc``
while it runs; two seconds after the stop none of them may be left. Ctrl-C (SIGINT to the process
group) and SIGTERM to the main process also exit 130 / 143 with one line and leave no temporary
file, and so does Ctrl-C typed at a terminal (a pseudo-terminal here) while the progress line is
live. """

from __future__ import annotations

import os
import signal
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.pipeline_helpers import copy_content
from tests.process_helpers import (
    RunningBuild,
    assert_none_left,
    descendants,
    needs_proc,
    start_build,
    temporary_files,
    worker_depth,
)

pytestmark = [pytest.mark.slow, needs_proc,
              pytest.mark.skipif((os.cpu_count() or 1) < 2,
                                 reason="one CPU: the build forks no worker to look for")]

FORMATS = ("--format", "epub,pdf,html", "--no-cache")
MESSAGE = "zine: build interrupted; the previous editions are untouched"


def rendering(build: RunningBuild) -> bool:
    return build.stderr().rstrip().endswith(": render")


def laying_out_parts(build: RunningBuild) -> bool:
    return build.deepest() >= 2  # an edition worker's own PDF part workers


def writing(build: RunningBuild) -> bool:
    return bool(set(temporary_files(build.log.parent / "out")) - build.temporaries)


MOMENTS: dict[str, Callable[[RunningBuild], bool]] = {
    "rendering": rendering, "laying out PDF parts": laying_out_parts, "writing": writing}


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample issue, built once: the editions a stopped build must leave in place."""
    root = copy_content(tmp_path_factory.mktemp("interrupt") / "content")
    build = start_build(root, *FORMATS)
    assert build.proc.wait(timeout=600) == 0, build.stderr()
    return root


def finals(content: Path) -> list[Path]:
    issue = sorted(p.name for p in (REPO / "issues").iterdir() if p.is_dir())[0]
    return [content / "out" / issue / f"{issue}.{ext}" for ext in ("epub", "pdf")]


def assert_complete(content: Path) -> None:
    """Each edition is the previous one or a complete new one, never a truncated one."""
    for path in finals(content):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
        else:
            assert path.read_bytes().rstrip().endswith(b"%%EOF"), path


def stop_at(content: Path, moment: str, epoch: int) -> RunningBuild:
    build = start_build(content, *FORMATS, epoch=epoch, before=temporary_files(content / "out"))
    if not build.wait_for(MOMENTS[moment]):
        build.proc.kill()
        build.proc.wait()
        pytest.fail(f"the build ended before {moment}: {build.stderr()}")
    return build


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_of_the_main_process_leaves_no_process(content: Path, moment: str) -> None:
    build = stop_at(content, moment, epoch=1_600_000_000 + len(moment))
    build.proc.send_signal(signal.SIGKILL)
    build.proc.wait()
    if moment != "rendering":  # rendering happens in the main process itself
        assert build.seen, "no worker was seen"
    assert_none_left(build.seen, what=f" after SIGKILL while {moment}")
    assert_complete(content)


@pytest.mark.parametrize("moment", ["laying out PDF parts", "writing"])
def test_ctrl_c_stops_the_build_with_one_line_and_nothing_left(content: Path,
                                                                moment: str) -> None:
    build = stop_at(content, moment, epoch=1_600_100_000 + len(moment))
    os.killpg(build.proc.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
    assert build.proc.wait(timeout=10) == 130
    stderr = build.stderr()
    assert stderr.splitlines()[-1] == MESSAGE, stderr
    assert "Traceback" not in stderr and stderr.count(MESSAGE) == 1
    assert_none_left(build.seen)
    assert temporary_files(content / "out") == []  # its own, and those of a SIGKILL before
    assert_complete(content)


def test_sigterm_to_the_main_process_stops_its_workers_too(content: Path) -> None:
    build = stop_at(content, "laying out PDF parts", epoch=1_600_200_000)
    build.proc.send_signal(signal.SIGTERM)  # the main process only, as a CI timeout does
    assert build.proc.wait(timeout=10) == 143
    stderr = build.stderr()
    assert stderr.splitlines()[-1] == MESSAGE and "Traceback" not in stderr, stderr
    assert_none_left(build.seen)
    assert temporary_files(content / "out") == []  # its own, and those of a SIGKILL before
    assert_complete(content)


def test_ctrl_c_typed_at_a_terminal_while_the_progress_line_is_live(content: Path) -> None:
    """The terminal itself sends SIGINT to the build's process group, mid-line."""
    import pty
    import select
    import sys

    pid, terminal = pty.fork()
    if pid == 0:  # the child: become `zine build` at once
        try:
            os.chdir(content)
            os.environ["SOURCE_DATE_EPOCH"] = "1600300000"
            os.execv(sys.executable, [sys.executable, "-m", "zine", "build", "--out", "out",
                                      *FORMATS])
        finally:
            os._exit(127)
    shown = b""
    seen: set[tuple[int, int]] = set()
    typed = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not typed:
            seen |= descendants(pid)
            if any(worker_depth(child, pid) >= 2 for child, _start in seen):
                os.write(terminal, b"\x03")  # Ctrl-C
                typed = True
        if select.select([terminal], [], [], 0.02)[0]:
            try:
                data = os.read(terminal, 4096)
            except OSError:  # the other side is closed: the build has exited
                break
            if not data:
                break
            shown += data
    os.close(terminal)
    _pid, status = os.waitpid(pid, 0)
    assert typed and os.waitstatus_to_exitcode(status) == 130
    text = shown.decode("utf-8", "replace")
    last = text.replace("\r\n", "\n").split("\n")[-2].rpartition("\x1b[K")[2]
    assert last == MESSAGE and "Traceback" not in text, text
    assert_none_left(seen)
    assert temporary_files(content / "out") == []
    assert_complete(content)
