"""Full-text search (Pagefind) on the real pipeline: ``zine build`` indexes the article pages,
one index per language, with authors and coops as filters; in headless Chromium a word that
occurs in exactly one article finds that article first, in English and in Japanese.

The browser runs a test-only probe page (written next to the build, removed after) that calls
the Pagefind API the search page uses and posts what it found back to the test's server; a
held image the server answers only then delays the page's load event, which is when
``--dump-dom`` lets Chromium quit.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import html as lxml_html

from tests.html_helpers import CHROMIUM, write_multilang_project
from tests.test_html_browser import require_chromium
from zine.cli import main

pytestmark = pytest.mark.slow

PROBE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>probe</title></head>
<body><img src="/__hold" alt=""><script type="module">
const params = new URLSearchParams(location.search);
let report;
try {
  const bundle = new URL("pagefind/", document.baseURI).href;
  const pagefind = await import("./pagefind/pagefind.js");
  await pagefind.options({bundlePath: bundle, baseUrl: "/"});
  for (const lang of (params.get("merge") || "").split(" ").filter(Boolean)) {
    await pagefind.mergeIndex(bundle, {language: lang, baseUrl: "/"});
  }
  const search = await pagefind.search(params.get("q"));
  const data = await Promise.all(search.results.map(r => r.data()));
  report = data.map(d => ({url: d.url, title: d.meta.title, filters: d.filters,
                           summary: d.meta.summary || ""}));
} catch (e) { report = {error: String(e)}; }
await fetch("/__report", {method: "POST", body: JSON.stringify(report)});
</script></body></html>
"""


class _ProbeHandler(http.server.SimpleHTTPRequestHandler):
    reports: list[object]
    done: threading.Event

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/__hold":
            self.done.wait(90)
            self.send_response(204)
            self.end_headers()
            return
        super().do_GET()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.reports.append(json.loads(self.rfile.read(length)))
        self.done.set()
        self.send_response(204)
        self.end_headers()


@contextmanager
def probe_server(folder: Path) -> Iterator[tuple[str, list[object]]]:
    reports: list[object] = []
    handler_class = type("Handler", (_ProbeHandler,), {"reports": reports,
                                                      "done": threading.Event()})
    handler = functools.partial(handler_class, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", reports
    finally:
        handler_class.done.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


def run_chromium(url: str) -> None:
    """Headless Chromium in real time (no virtual clock: the index loads in a worker), until the
    page's load event, which the held image delays until the probe has reported."""
    with tempfile.TemporaryDirectory() as profile:
        command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update",
                   "--no-first-run", "--disable-sync", f"--user-data-dir={profile}",
                   "--dump-dom", url]
        subprocess.run(command, capture_output=True, timeout=120, check=False,
                       env={**os.environ, "HOME": profile})


def search(site: Path, query: str, merge: str = "") -> list[dict[str, object]]:
    """What the Pagefind API returns for ``query`` in headless Chromium, best first."""
    probe = site / "probe-search.html"
    probe.write_text(PROBE, encoding="utf-8")
    try:
        with probe_server(site) as (base, reports):
            url = f"{base}probe-search.html?q={quote(query)}&merge={quote(merge)}"
            run_chromium(url)
    finally:
        probe.unlink()
    assert reports, "the probe page did not report"
    found = reports[0]
    assert isinstance(found, list), f"search failed in the browser: {found}"
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("search")
    root = write_multilang_project(tmp / "repo")
    out = tmp / "site"
    assert main(["--root", str(root), "build", "--format", "html", "--out", str(out),
                 "-q"]) == 0
    return out


def test_one_index_per_language_of_the_articles(site: Path) -> None:
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert sorted(entry["languages"]) == ["ar", "en", "ja"]
    assert {lang: info["page_count"] for lang, info in entry["languages"].items()} == \
        {"ar": 1, "en": 1, "ja": 1}  # article pages only: no index, coop or search page


def test_article_pages_mark_body_filters_and_their_language(site: Path) -> None:
    doc = lxml_html.parse(str(site / "02-multi" / "kyodo.html")).getroot()
    assert doc.get("lang") == "ja"
    assert doc.find(".//header[@class='masthead']").get("lang") == "en"
    bodies = doc.xpath("//*[@data-pagefind-body]")
    assert [b.tag for b in bodies] == ["article"]
    assert not doc.xpath("//nav[@data-pagefind-body] | //header[@class='masthead']"
                         "//*[@data-pagefind-body]")
    form = doc.find(".//form[@role='search']")
    assert form.get("action") == "../search.html" and form.get("method") == "get"


def test_search_page_works_as_a_page_without_javascript(site: Path) -> None:
    doc = lxml_html.parse(str(site / "search.html")).getroot()
    note = doc.get_element_by_id("search-nojs")
    assert "JavaScript" in note.text_content() and note.get("hidden") is None
    assert doc.get_element_by_id("search").get("data-languages") == "ar ja"
    assert (site / "search.js").is_file() and (site / "pagefind" / "pagefind-ui.js").is_file()


def test_an_english_word_of_one_article_finds_that_article_first(site: Path) -> None:
    require_chromium()
    results = search(site, "unite", merge="ar ja")
    assert results, "no result for a word of the tools article"
    assert results[0]["url"] == "/02-multi/tools.html"
    assert results[0]["title"] == "Owning our tools"
    assert results[0]["summary"] == "Why coops host their own infrastructure."
    filters = results[0]["filters"]
    assert isinstance(filters, dict)
    assert filters["author"] == ["Jo Example", "Sam Hypha"]
    assert sorted(filters["coop"]) == ["Hypha Worker Co-operative", "IT-Kollektiv"]
    assert [r["url"] for r in results] == ["/02-multi/tools.html"]


def test_a_japanese_word_finds_the_japanese_article(site: Path) -> None:
    require_chromium()
    results = search(site, "自由", merge="ar ja")
    assert results and results[0]["url"] == "/02-multi/kyodo.html"
    assert [r["url"] for r in results] == ["/02-multi/kyodo.html"]


def test_a_word_in_no_article_finds_nothing(site: Path) -> None:
    require_chromium()
    assert search(site, "zeppelin", merge="ar ja") == []


def test_the_index_is_kept_when_no_page_changed_and_rebuilt_when_one_did(
        site: Path, tmp_path: Path) -> None:
    import shutil

    from zine.editions.html.search import STAMP, index_site

    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    before = {p: p.stat().st_mtime_ns for p in (copy / "pagefind").rglob("*") if p.is_file()}
    assert sorted(index_site(copy)) == sorted(before)
    assert {p: p.stat().st_mtime_ns for p in before} == before  # nothing rewritten
    stamp = (copy / "pagefind" / STAMP).read_text("utf-8")
    page = copy / "02-multi" / "kyodo.html"
    page.write_text(page.read_text("utf-8").replace("共に働く", "共に学ぶ"), encoding="utf-8")
    index_site(copy)
    assert (copy / "pagefind" / STAMP).read_text("utf-8") != stamp
