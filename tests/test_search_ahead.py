"""The search index started while the PDF is laid out (``zine.editions.html.search.index_ahead``).

A rebuild after an edit indexes the site as it will be while the other editions are written,
and keeps that index when the pages written are the ones it indexed: a search in headless
Chromium finds the new word, Pagefind ran once, and no staging folder is left. When the pages
written differ, or the build fails, the early index is thrown away.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cache_helpers import copy_content, first_article, use_editions
from tests.test_html_browser import require_chromium
from tests.test_site_search import search
from zine import editions
from zine.build import build_project
from zine.editions.html import search as site_search
from zine.errors import ContentError
from zine.model.rendered import RenderedIssue
from zine.safety.writer import remove_stale_temporaries, staging_folder, write_bytes

pytestmark = pytest.mark.slow

FORMATS = ("epub", "pdf", "html")
HTML = editions.registry()["html"]  # the real website edition (with its ``prepare``)


def download(name: str) -> Callable[..., list[Path]]:
    """An edition writing the issue file and one offprint per article, always of one size
    (so the sizes the pages show stay the same from one build to the next)."""

    def render(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
        issue = rendered.issue
        files = [f"{issue.id}/{issue.stem}.{name}"]
        files += [f"{issue.id}/offprints/{slug}.{name}" for slug in rendered.offprint_slugs()]
        return [write_bytes(out_dir, path, b"x" * 4096) for path in files]

    return render


@pytest.fixture
def pagefind_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each Pagefind run of this test: "ahead" (over a staging copy of the site, started
    early) or "site" (over the output folder, at the site step)."""
    runs: list[str] = []
    popen = subprocess.Popen

    def counting(command: object, *args: object, **kwargs: object) -> object:
        if isinstance(command, list) and "--site" in command and \
                Path(str(command[0])).name.startswith("pagefind"):
            site = str(command[command.index("--site") + 1])
            runs.append("ahead" if "/.pagefind." in site else "site")
        return popen(command, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(subprocess, "Popen", counting)  # subprocess.run starts one too
    monkeypatch.setattr("os.cpu_count", lambda: 2)  # the editions in workers, HTML prepared
    return runs


def staging_left(out: Path) -> list[Path]:
    return sorted(p for p in out.iterdir() if p.name.startswith(".pagefind"))


def edit(content: Path, word: str) -> Path:
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + f"\n{word} was added later.\n",
                       encoding="utf-8")
    return article


def test_an_edit_is_indexed_while_the_other_editions_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pagefind_runs: list[str]) -> None:
    require_chromium()
    use_editions(monkeypatch, epub=download("epub"), pdf=download("pdf"), html=HTML)
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    assert build_project([], formats=FORMATS, out_dir=out, root=content).built
    assert pagefind_runs == ["site"]  # a cold build: nothing to size the pages by yet
    article = edit(content, "Quokkafederation")
    pagefind_runs.clear()
    result = build_project([], formats=FORMATS, out_dir=out, root=content)
    assert result.built and not result.failed
    assert pagefind_runs == ["ahead"]
    assert (out / "pagefind" / site_search.STAMP).read_text("utf-8").strip() == \
        site_search.pages_digest(out)
    assert staging_left(out) == []
    slug = article.parent.name if article.name == "index.md" else article.stem
    found = search(out, "Quokkafederation")
    assert [str(hit["url"]).rsplit("/", 1)[-1] for hit in found] == [f"{slug}.html"]


def test_pages_other_than_those_indexed_ahead_are_indexed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pagefind_runs: list[str]) -> None:
    use_editions(monkeypatch, epub=download("epub"), pdf=download("pdf"), html=HTML)
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    assert build_project([], formats=FORMATS, out_dir=out, root=content).built
    page = next(out.glob("*/*.html"))
    ahead = site_search.index_ahead(out, [(page.relative_to(out).as_posix(),
                                           page.read_bytes() + b"<!-- foreseen -->")])
    assert ahead is not None
    page.write_bytes(page.read_bytes() + b"<!-- written instead -->")
    pagefind_runs.clear()
    try:
        site_search.index_site(out, ahead)
    finally:
        ahead.close()
    assert pagefind_runs == ["site"]
    assert (out / "pagefind" / site_search.STAMP).read_text("utf-8").strip() == \
        site_search.pages_digest(out)
    assert staging_left(out) == []


def test_a_failed_build_stops_the_early_index_and_leaves_no_staging(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pagefind_runs: list[str]) -> None:
    use_editions(monkeypatch, epub=download("epub"), pdf=download("pdf"), html=HTML)
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    assert build_project([], formats=FORMATS, out_dir=out, root=content).built
    index_before = sorted((out / "pagefind").rglob("*"))

    def failing(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
        raise ContentError("the PDF could not be made")

    use_editions(monkeypatch, epub=download("epub"), pdf=failing, html=HTML)
    edit(content, "Neverindexed")
    pagefind_runs.clear()
    result = build_project([], formats=FORMATS, out_dir=out, root=content)
    assert result.failed
    assert pagefind_runs == ["ahead"]
    assert staging_left(out) == []
    assert sorted((out / "pagefind").rglob("*")) == index_before


def test_a_staging_folder_a_killed_build_left_is_removed_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead = out / ".pagefind.999999-k1lled_x.tmp"  # named as staging_folder names them
    (dead / "site" / "01-issue").mkdir(parents=True)  # by a process that no longer runs
    (dead / "site" / "01-issue" / "page.html").write_text("<p>half done</p>")
    assert remove_stale_temporaries(out) == [dead]
    assert not dead.exists()
    running = staging_folder(out, "pagefind")  # this process's own is left alone
    assert remove_stale_temporaries(out) == []
    assert running.is_dir()
