"""`zine serve`: a preview on loopback that rebuilds when an article changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.pipeline_helpers import copy_content

pytestmark = pytest.mark.slow


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, seconds: float = 60.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError("timed out")


def test_serve_answers_on_loopback_and_rebuilds_on_change(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    proc = subprocess.Popen([sys.executable, "-m", "zine", "serve", "--port", "0"],
                            cwd=content, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("zine serve: http://127.0.0.1:"), line
        base = line.split()[2]
        issue = sorted(p.name for p in (content / "issues").iterdir())[0]
        page = get(base + f"{issue}/")
        assert "<html" in page and "/__zine__/status" in page
        with pytest.raises(urllib.error.HTTPError):
            get(base + ".cache/build.json")
        status = json.loads(get(base + "__zine__/status"))
        assert status["problems"] == []
        article = sorted((content / "issues" / issue / "articles").glob("*.md"))[0]
        article.write_text(article.read_text(encoding="utf-8").replace(
            "title:", "titel:", 1), encoding="utf-8")
        changed = wait_for(lambda: json.loads(get(base + "__zine__/status"))["problems"])
        assert any("did you mean" in problem for problem in changed)
        assert "zine check" in get(base + f"{issue}/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_serve_refuses_a_public_address_without_public_flag(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    done = subprocess.run([sys.executable, "-m", "zine", "serve", "--host", "0.0.0.0"],
                          cwd=content, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "loopback" in done.stderr and "Traceback" not in done.stderr
