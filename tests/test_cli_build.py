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
WRITTEN = re.compile(r"^(?P<group>\S+): (?P<written>\d+) written, (?P<unchanged>\d+) unchanged$")


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
    lines = captured.out.splitlines()
    assert not any(line.startswith("wrote ") for line in lines)  # the list is for --verbose
    matches = [WRITTEN.match(line) for line in lines[:-1]]
    counts = {m["group"]: (int(m["written"]), int(m["unchanged"])) for m in matches if m}
    assert len(counts) == len(lines) - 1
    files = {p for p in (tree / "out").rglob("*") if p.is_file() and ".cache" not in p.parts}
    in_issue = {p for p in files if p.relative_to(tree / "out").parts[0] == ISSUE}
    assert counts == {ISSUE: (len(in_issue), 0), "site": (len(files - in_issue), 0)}
    assert lines[-1] == f"zine: {len(files)} file(s) written, 0 unchanged in out"
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
    assert not any(line.startswith("wrote ") for line in captured.out.splitlines())
    assert f"{ISSUE}: 0 written, " in captured.out
    assert build("-q") == 0
    assert capsys.readouterr() == ("", "")


def test_an_unchanged_second_build_imports_none_of_the_build(tree: Path) -> None:
    """The no-op is decided before the build's modules (checks, renderers, editions'
    libraries) are imported: ``zine.runtime.lastbuild``; a changed article imports them."""
    assert build() == 0
    build_modules = ("zine.build", "zine.check.run", "zine.render.issue", "zine.load.loader",
                     "markdown_it")
    heavy = (*build_modules, "weasyprint", "jinja2")
    code = ("import sys\nfrom zine.cli import main\n"
            "code = main(['build', '--format', 'html', '--out', 'out', '-q'])\n"
            f"print(code, ' '.join(m for m in {heavy!r} if m in sys.modules))")

    def loaded() -> str:
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True, cwd=tree).stdout.strip()

    assert loaded() == "0"
    (tree / f"issues/{ISSUE}/articles/01-hello.md").write_text(
        article(body="Hello, *everyone*.\n"), "utf-8")
    code_and_modules = loaded().split()
    assert code_and_modules[0] == "0" and set(build_modules) <= set(code_and_modules[1:])
    assert loaded() == "0"


def test_a_second_build_without_the_cache_writes_nothing_and_says_so(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every edition runs again (no cache), but no file gets other bytes: none is rewritten."""
    assert build("--no-cache", "-v") == 0
    first = capsys.readouterr().out.splitlines()
    written = [line.removeprefix("wrote ") for line in first if line.startswith("wrote ")]
    assert f"out/{ISSUE}/01-hello.html" in written and f"out/{ISSUE}/index.html" in written
    total = len(written)
    assert first[-1] == f"zine: {total} file(s) written, 0 unchanged in out"
    assert build("--no-cache", "-v") == 0
    again = capsys.readouterr().out.splitlines()
    assert not any(line.startswith("wrote ") for line in again)
    assert again[-1] == f"zine: 0 file(s) written, {total} unchanged in out"
    (tree / f"issues/{ISSUE}/articles/01-hello.md").write_text(
        article(body="Hello, *everyone*.\n"), "utf-8")
    assert build("--no-cache", "-v") == 0
    edited = capsys.readouterr().out.splitlines()
    rewritten = [line.removeprefix("wrote ") for line in edited if line.startswith("wrote ")]
    assert f"out/{ISSUE}/01-hello.html" in rewritten
    assert f"out/{ISSUE}/02-again.html" not in rewritten
    assert edited[-1] == (f"zine: {len(rewritten)} file(s) written, "
                          f"{total - len(rewritten)} unchanged in out")


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
    # a step that takes more than a second is redrawn with its time: one label per step
    assert list(dict.fromkeys(frame.split(" … ")[0] for frame in frames)) == [
        f"zine: {ISSUE}: start", f"zine: {ISSUE}: render", f"zine: {ISSUE}: html",
        "zine: site"]
    assert "\n" not in progress
    assert f"{ISSUE}: " in rest and " file(s) written, 0 unchanged in out" in rest


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
    assert f"wrote out/{ISSUE}/{ISSUE}.pdf" in captured.out.splitlines()  # -v lists them
