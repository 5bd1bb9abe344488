"""`zine serve`: a preview on loopback that rebuilds when an article changes."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from tests.pipeline_helpers import copy_content
from zine.commands.serve import allowed_hosts

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
        shown = get(base + f"{issue}/")
        assert "zine check" in shown
        # the problem list is at the top of the page, before the masthead and the footer
        assert shown.index("<strong>zine check</strong>") < shown.index("<header")
        assert shown.index("<strong>zine check</strong>") < shown.index("<footer")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_problem_list_goes_right_after_the_opening_body_tag() -> None:
    from zine.commands.serve import inject_at_top

    page = '<html><body class="page-issue" data-x="1"><header>h</header><footer>f</footer></body>'
    assert inject_at_top(page, "<aside>P</aside>") == (
        '<html><body class="page-issue" data-x="1"><aside>P</aside><header>h</header>'
        "<footer>f</footer></body>")
    assert inject_at_top("<p>x</p></body>", "E") == "<p>x</p>E</body>"


def test_serve_refuses_a_public_address_without_public_flag(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    done = subprocess.run([sys.executable, "-m", "zine", "serve", "--host", "0.0.0.0"],
                          cwd=content, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "loopback" in done.stderr and "Traceback" not in done.stderr


def request(port: int, host: str | None, method: str = "GET", path: str = "/") -> tuple[int, bytes]:
    """One request to the preview with exactly this ``Host`` header (None: no Host at all)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_serve_answers_only_requests_for_its_own_address(tmp_path: Path) -> None:
    """DNS rebinding: a page on evil.example that resolves its name to 127.0.0.1 sends
    ``Host: evil.example:PORT``; the preview must not hand it the drafts."""
    content = write_tree(tmp_path / "zine", {
        "issues/01-base/articles/01-hello.md": article(body="An unpublished draft.\n")})
    proc = subprocess.Popen([sys.executable, "-m", "zine", "serve", "--port", "0"],
                            cwd=content, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        port = int(line.split()[2].rstrip("/").rsplit(":", 1)[1])
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}",
                     f"LocalHost:{port}"):
            status, body = request(port, host, path="/01-base/01-hello.html")
            assert status == 200 and b"An unpublished draft." in body, host
            assert request(port, host, "HEAD", "/01-base/01-hello.html")[0] == 200
        for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}",
                     "127.0.0.1", f"127.0.0.1:{port + 1}", f"localhost:{port}.evil.example",
                     "", None):
            for path in ("/", "/01-base/01-hello.html", "/__zine__/status",
                         "/01-base/01-hello.html?x"):
                status, body = request(port, host, path=path)
                assert status == 403, (host, path)
                assert body == b"zine serve: this preview answers only at the address it " \
                               b"listens on\n"
            assert request(port, host, "HEAD")[0] == 403
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.parametrize(("host", "port", "allowed", "refused"), [
    ("127.0.0.1", 8000, {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"},
     {"127.0.0.1", "localhost", "evil.example:8000"}),
    ("192.0.2.10", 8000, {"192.0.2.10:8000"}, {"localhost:8000", "192.0.2.10"}),
    ("zine.lan", 80, {"zine.lan", "zine.lan:80"}, {"localhost", "127.0.0.1:80"}),
    ("0.0.0.0", 8080, {"0.0.0.0:8080", "localhost:8080"}, {"evil.example:8080"}),
])
def test_the_allowed_hosts_are_the_address_given(host: str, port: int, allowed: set[str],
                                                 refused: set[str]) -> None:
    hosts = allowed_hosts(host, port)
    assert allowed <= hosts and not refused & hosts
