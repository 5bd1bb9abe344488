"""`zine serve`: a preview on loopback that rebuilds when an article changes."""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from tests.html_helpers import running
from tests.pipeline_helpers import copy_content
from zine.commands import serve
from zine.commands.serve import Preview, allowed_hosts, preview_server
from zine.model import Article

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


# -- the edit path: one article's body edited -> that page alone, the page reloads itself ------


@pytest.fixture(scope="module")
def previewed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Preview, Path]]:
    """A ``Preview`` of a copy of the content, built once (its HTML edition and its model)."""
    folder = tmp_path_factory.mktemp("serve-edit")
    content = copy_content(folder / "content")
    preview = Preview(content, folder / "site")
    preview.rebuild()
    assert preview.rendered
    yield preview, content


def _published(preview: Preview) -> tuple[str, Article]:
    issue_id, rendered = sorted(preview.rendered.items())[0]
    return issue_id, rendered.issue.published[0]


def test_an_edit_to_one_articles_body_renders_that_article_alone_and_rewrites_its_page(
        previewed: tuple[Preview, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    preview, _content = previewed
    issue_id, article = _published(preview)
    page = preview.out_dir / issue_id / f"{article.slug}.html"
    index = preview.out_dir / issue_id / "index.html"
    before, index_before = preview.version(f"/{issue_id}/{article.slug}.html"), \
        index.stat().st_mtime_ns
    rendered: list[str] = []
    real = serve.render_article
    monkeypatch.setattr(serve, "render_article", lambda links, issue, art, *rest: (
        rendered.append(art.slug), real(links, issue, art, *rest))[1])
    monkeypatch.setattr(serve, "build_project", lambda *a, **k: pytest.fail("full rebuild"))
    article.path.write_text(article.path.read_text(encoding="utf-8")
                            + "\nWombatcooperative was added later.\n", encoding="utf-8")
    assert preview.apply_edit({article.path})
    assert rendered == [article.slug]
    assert "Wombatcooperative" in page.read_text(encoding="utf-8")
    assert preview.version(f"/{issue_id}/{article.slug}.html") != before
    assert index.stat().st_mtime_ns == index_before  # the index waits for the full rebuild
    assert "Wombatcooperative" in preview.rendered[issue_id].fragments[article.slug].html


def test_a_changed_title_or_several_files_take_the_full_rebuild(
        previewed: tuple[Preview, Path]) -> None:
    preview, content = previewed
    _issue_id, article = _published(preview)
    text = article.path.read_text(encoding="utf-8")
    article.path.write_text(text.replace("title:", "title: New", 1), encoding="utf-8")
    try:
        assert not preview.apply_edit({article.path})  # the title shows on other pages
        assert not preview.apply_edit({article.path, content / "zine.yaml"})
        assert not preview.apply_edit({content / "coops.yaml"})
    finally:
        article.path.write_text(text, encoding="utf-8")


def test_a_page_waiting_for_its_version_is_answered_when_its_file_changes(
        previewed: tuple[Preview, Path]) -> None:
    preview, _content = previewed
    issue_id, article = _published(preview)
    path = f"/{issue_id}/{article.slug}.html"
    with running(preview_server(preview, "127.0.0.1", 0)) as base:
        served = get(base + path.lstrip("/"))
        seen = re.search(r'var seen = "([^"]*)"', served)
        assert seen is not None and seen[1] == preview.version(path)
        status = base + f"__zine__/status?page={path}&seen={seen[1]}"
        answers: list[dict[str, object]] = []
        waiting = threading.Thread(target=lambda: answers.append(json.loads(get(status))))
        waiting.start()
        time.sleep(0.5)
        assert not answers  # nothing changed yet: the request waits
        article.path.write_text(article.path.read_text(encoding="utf-8")
                                + "\nA numbat joined.\n", encoding="utf-8")
        assert preview.apply_edit({article.path})
        waiting.join(timeout=10)
        assert answers and answers[0]["version"] == preview.version(path) != seen[1]


def test_an_article_page_offers_its_print_preview_laid_out_once(
        previewed: tuple[Preview, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    preview, _content = previewed
    issue_id, article = _published(preview)
    laid: list[object] = []
    real = serve.typeset_parts
    monkeypatch.setattr(serve, "typeset_parts", lambda setter, parts, store: (
        laid.append(parts), real(setter, parts, store))[1])
    with running(preview_server(preview, "127.0.0.1", 0)) as base:
        page = get(base + f"{issue_id}/{article.slug}.html")
        link = f"/__zine__/print/{issue_id}/{article.slug}.pdf"
        assert f'href="{link}"' in page
        assert f'href="/__zine__/print/{issue_id}/index.pdf"' not in get(base + f"{issue_id}/")
        for _ in range(2):
            with urllib.request.urlopen(base + link.lstrip("/"), timeout=120) as response:
                assert response.headers["Content-Type"] == "application/pdf"
                data = response.read()
            assert data.startswith(b"%PDF-")
        assert len(laid) == 1  # the second request is served from memory
        with pytest.raises(urllib.error.HTTPError) as refused:
            get(base + f"__zine__/print/{issue_id}/no-such-article.pdf")
        assert refused.value.code == 404
    text = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    assert " ".join(article.title.split()[:2]) in " ".join(text.split())
