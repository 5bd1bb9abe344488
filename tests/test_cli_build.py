"""``zine build`` on the command line: progress on stderr, --quiet and --verbose.

Not on a terminal (as in CI or a pipe) progress is one plain line per step; --quiet leaves
only problems; --verbose adds timings and INFO log records. On a terminal (a pseudo-terminal
here) the progress is one line redrawn in place and cleared at the end.
"""

from __future__ import annotations

import logging
import os
import pty
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from tests.check_helpers import article, write_tree
from zine.cli import main

ISSUE = "01-base"
STARTED = re.compile(r"^zine: (?P<step>.+) \(at (?P<at>\d+\.\d\d) s\)$")
TOTAL = re.compile(r"^zine: total: (?P<s>\d+\.\d\d) s$")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(tmp_path / "zine", {
        f"issues/{ISSUE}/articles/01-hello.md": article(body="Hello, *world*.\n"),
        f"issues/{ISSUE}/articles/02-again.md": article(body="Hello again.\n")})
    monkeypatch.chdir(root)
    return root


def build(*args: str) -> int:
    return main(["build", "--format", "html", "--out", "out", *args])


def test_progress_is_one_plain_line_per_step_when_not_on_a_terminal(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build() == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"zine: {ISSUE}: start", f"zine: {ISSUE}: render", f"zine: {ISSUE}: html",
        "zine: site"]
    written = [line.removeprefix("wrote ") for line in captured.out.splitlines()]
    assert f"out/{ISSUE}/01-hello.html" in written
    page = lxml_html.parse(str(tree / f"out/{ISSUE}/01-hello.html"))
    assert "Hello, world." in page.getroot().text_content()


def test_quiet_prints_nothing_when_all_is_well(tree: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert build("--quiet") == 0
    assert capsys.readouterr() == ("", "")
    assert (tree / f"out/{ISSUE}/index.html").is_file()


def test_quiet_still_reports_problems(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / f"issues/{ISSUE}/articles/02-again.md").write_text("no front matter\n", "utf-8")
    assert build("-q") == 1
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert captured.out == ""
    assert lines[0].startswith(f"issues/{ISSUE}/articles/02-again.md:1:1: error: ")
    assert lines[1:] == ["1 error(s), 0 warning(s)",
                         f"zine: {ISSUE}: not built; its previous editions are left in place"]


def test_verbose_says_when_each_step_started_and_logs_at_info(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build("--verbose") == 0
    lines = capsys.readouterr().err.splitlines()
    steps = [STARTED.match(line) for line in lines]
    assert [m["step"] for m in steps if m] == [
        f"{ISSUE}: start", f"{ISSUE}: render", f"{ISSUE}: html", "site"]
    offsets = [float(m["at"]) for m in steps if m]
    assert offsets == sorted(offsets)
    assert TOTAL.match(lines[-1]) and float(TOTAL.match(lines[-1])["s"]) >= offsets[-1]
    assert logging.getLogger("zine").getEffectiveLevel() == logging.INFO


def test_an_unchanged_second_build_says_so(tree: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert build() == 0
    capsys.readouterr()
    assert build() == 0
    captured = capsys.readouterr()
    assert captured.err == "zine: nothing changed since the last build\n"
    assert f"wrote out/{ISSUE}/index.html" in captured.out.splitlines()
    assert build("-q") == 0
    assert capsys.readouterr() == ("", "")


def test_the_next_command_without_verbose_logs_at_warning_again(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build("-v") == 0
    assert build() == 0
    assert logging.getLogger("zine").getEffectiveLevel() == logging.WARNING


def test_quiet_and_verbose_together_are_a_usage_error(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert build("-q", "-v") == 2
    assert capsys.readouterr().err == ("zine: error: zine build: argument --verbose/-v: not "
                                       "allowed with argument --quiet/-q\n")


def run_on_a_terminal(cwd: Path, *args: str) -> tuple[int, str]:
    """Run ``zine`` with stderr (and stdout) on a pseudo-terminal; what it wrote there."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.Popen([sys.executable, "-m", "zine", *args], cwd=cwd, env=env,
                            stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            data = os.read(leader, 4096)
        except OSError:  # the other side closed: the process is done
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8")


@pytest.mark.slow
def test_on_a_terminal_progress_is_one_line_redrawn_in_place(tree: Path) -> None:
    status, shown = run_on_a_terminal(tree, "build", "--format", "html", "--out", "out")
    assert status == 0, shown
    progress, _, rest = shown.partition("\r\x1b[K\r\n")  # cleared, then the list of files
    if not rest:  # the final clear leaves the cursor where the list then starts
        progress, _, rest = shown.rpartition("\r\x1b[K")
    frames = [frame for frame in progress.split("\r\x1b[K") if frame]
    assert [frame.split(" … ")[0] for frame in frames] == [
        f"zine: {ISSUE}: start", f"zine: {ISSUE}: render", f"zine: {ISSUE}: html",
        "zine: site"]
    assert "\n" not in progress
    assert f"wrote out/{ISSUE}/index.html" in rest.replace("\r\n", "\n").splitlines()


@pytest.mark.slow
def test_all_editions_show_progress_and_are_written(tree: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--format", "epub,pdf,html", "--out", "out", "-v"]) == 0
    captured = capsys.readouterr()
    steps = [m["step"] for m in map(STARTED.match, captured.err.splitlines()) if m]
    assert steps[:2] == [f"{ISSUE}: start", f"{ISSUE}: render"]
    assert sorted(steps[2:4]) == [f"{ISSUE}: epub", f"{ISSUE}: pdf"]  # in parallel
    assert steps[4:] == [f"{ISSUE}: html", "site"]
    pdf = PdfReader(str(tree / f"out/{ISSUE}/{ISSUE}.pdf"))
    assert "Hello, world." in " ".join(page.extract_text() for page in pdf.pages)
    with zipfile.ZipFile(tree / f"out/{ISSUE}/{ISSUE}.epub") as epub:
        assert epub.read("mimetype") == b"application/epub+zip"
    assert f"wrote out/{ISSUE}/{ISSUE}.pdf" in captured.out.splitlines()
