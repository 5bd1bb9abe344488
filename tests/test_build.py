"""`zine build` as a whole: exit codes, atomic output, reproducible bytes.

These run the real command in a subprocess on a copy of the repository's content, the way an
editor runs it, and compare what lands in ``--out``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.html_helpers import site_digest
from tests.pipeline_helpers import copy_content
from tests.process_helpers import assert_none_left, descendants

pytestmark = pytest.mark.slow



def zine(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zine", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def checksums(out: Path) -> dict[str, str]:
    """Every file's SHA-256 but Pagefind's filter/metadata files (see ``site_digest``)."""
    return site_digest(out)


def first_issue() -> str:
    return sorted(p.name for p in (REPO / "issues").iterdir() if p.is_dir())[0]


def test_two_builds_in_two_folders_at_two_times_are_byte_identical(tmp_path: Path) -> None:
    sums = []
    for name, tz, seed in (("a", "UTC", "1"), ("b", "Asia/Tokyo", "4242")):
        content = copy_content(tmp_path / name / "zine-content")
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        done = zine("build", "--out", "out", cwd=content, env=env)
        assert done.returncode == 0, done.stderr
        sums.append(checksums(content / "out"))
        time.sleep(1.1)  # a second later: no wall-clock time may leak into the bytes
    assert sums[0] == sums[1]
    issue = first_issue()
    assert {f"{issue}/{issue}.epub", f"{issue}/{issue}.pdf", f"{issue}/index.html",
            "index.html", "feed.xml"} <= set(sums[0])


def test_bad_content_exits_1_reports_the_file_and_keeps_the_previous_edition(
        tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    issue = first_issue()
    assert zine("build", "--out", "out", "--format", "epub,pdf", cwd=content).returncode == 0
    before = checksums(content / "out")
    article = sorted((content / "issues" / issue / "articles").rglob("*.md"))[0]
    article.write_text("---\ntitle: [unclosed\n---\nBody.\n", encoding="utf-8")
    done = zine("build", "--out", "out", "--format", "epub,pdf", cwd=content)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    rel = article.relative_to(content)
    assert any(line.startswith(f"{rel}:") and ": error: " in line
               for line in done.stderr.splitlines()), done.stderr
    assert checksums(content / "out") == before


def test_unknown_issue_and_unknown_format_are_usage_errors(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    done = zine("build", "no-such-issue", cwd=content)
    assert done.returncode == 2
    assert "unknown issue" in done.stderr and "Traceback" not in done.stderr
    done = zine("build", "--format", "mobi", cwd=content)
    assert done.returncode == 2
    assert "unknown format" in done.stderr


def _complete(path: Path) -> bool:
    if path.suffix == ".epub":
        try:
            with zipfile.ZipFile(path) as archive:
                return archive.testzip() is None
        except zipfile.BadZipFile:
            return False
    return path.read_bytes().rstrip().endswith(b"%%EOF")


def test_killing_a_build_never_leaves_a_truncated_edition_or_a_process(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    issue = first_issue()
    assert zine("build", "--out", "out", "--format", "epub,pdf", cwd=content).returncode == 0
    finals = [content / "out" / issue / f"{issue}.{ext}" for ext in ("epub", "pdf")]
    for delay in (0.3, 0.8, 1.5, 2.5, 4.0):
        env = {**os.environ, "SOURCE_DATE_EPOCH": str(1_600_000_000 + int(delay * 10))}
        proc = subprocess.Popen([sys.executable, "-m", "zine", "build", "--out", "out",
                                 "--format", "epub,pdf"], cwd=content, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seen = set()  # every process it forks, recorded while it runs
        deadline = time.monotonic() + delay
        while time.monotonic() < deadline and proc.poll() is None:
            seen |= descendants(proc.pid)
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for final in finals:
            assert final.exists() and _complete(final), f"{final} truncated after {delay}s"
        assert_none_left(seen, what=f" after SIGKILL at {delay}s")  # its workers end with it
