"""Editions of a build run in parallel worker processes, and still behave like one build.

The PDF, EPUB (and booklet) of every issue are handed to forked workers, slowest first; HTML
follows in the main process once an issue's other editions are written (it links their sizes).
Fake editions (``tests.cache_helpers``) show where each ran; the real ones are compared in
``test_incremental.py``.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.cache_helpers import (
    Renderer,
    copy_content,
    dying_edition,
    failing_edition,
    fake_edition,
    first_article,
    snapshot,
    use_editions,
)
from tests.conftest import REPO
from zine.build import BUILD_GC_THRESHOLDS, build_project
from zine.editions.pdf import typeset
from zine.render.issue import render_issue as _render_issue
from zine.runtime.cache import cache_home

FORMATS = ("epub", "pdf", "html")


@pytest.fixture(autouse=True)
def two_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    monkeypatch.setattr("zine.editions.html.render_site", lambda zine, issues, out: [],
                        raising=False)


def test_pdf_and_epub_are_written_by_worker_processes_and_html_after_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    out = tmp_path / "out"
    result = build_project([], formats=FORMATS, out_dir=out, root=copy_content(tmp_path / "c"),
                           use_cache=False)
    assert result.built and not result.failed
    issue = result.built[0]
    pids = {name: int((out / issue / f"{name}.pid").read_text()) for name in FORMATS}
    assert pids["html"] == os.getpid()
    assert pids["pdf"] != os.getpid() and pids["epub"] != os.getpid()
    html = (out / issue / "html.pid").stat().st_mtime_ns
    assert html >= (out / issue / "pdf.pid").stat().st_mtime_ns
    assert html >= (out / issue / "epub.pid").stat().st_mtime_ns
    assert {p.name for p in result.outputs} >= {f"{issue}.{name}" for name in FORMATS}


def record_readiness(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """The PDF's ``get_ready`` and ``get_ready_for`` note where and when they ran."""
    def note(what: str, value: object) -> None:
        with log.open("a") as file:
            file.write(json.dumps([what, os.getpid(), time.monotonic(), value]) + "\n")

    monkeypatch.setattr(typeset, "get_ready", lambda root: note("ready", str(root)))
    monkeypatch.setattr(typeset, "get_ready_for", lambda languages: note("for",
                                                                        list(languages)))


def test_the_pdf_is_made_by_the_standby_that_got_ready_while_the_issue_was_rendered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "ready.log"
    record_readiness(monkeypatch, log)
    rendered_at: list[float] = []
    monkeypatch.setattr("zine.build.render_issue", lambda *args: (
        rendered_at.append(time.monotonic()) or _render_issue(*args)))
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    out, content = tmp_path / "out", copy_content(tmp_path / "c")
    result = build_project([], formats=FORMATS, out_dir=out, root=content)
    issue = result.built[0]
    notes = [json.loads(line) for line in log.read_text().splitlines()]
    (ready, standby, ready_at, root), (hint, same, _at, languages) = notes[:2]
    assert (ready, hint, root) == ("ready", "for", str(content)) and same == standby
    assert standby != os.getpid() and ready_at < rendered_at[0]  # forked before the render
    # the sample has a German edition too: the standby makes one of the two PDFs
    pdfs = {int(p.read_text()) for p in (out / issue).glob("*pdf.pid")}
    assert len(pdfs) == 2 and standby in pdfs and os.getpid() not in pdfs
    assert int((out / issue / "epub.pid").read_text()) not in (standby, os.getpid())
    assert set(languages) >= {"en", "de"}  # a cold build parses every article: all of them

    log.unlink()
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n",
                       encoding="utf-8")
    build_project([], formats=FORMATS, out_dir=out, root=content)
    hinted = [json.loads(line)[3] for line in log.read_text().splitlines()
              if json.loads(line)[0] == "for"]
    assert hinted == [["en"]]  # the edited article's: the dictionary its part will use


# ``zine build`` with the PDF's get_ready noting what the process it was forked from had
# imported, and a PDF renderer that writes nothing (the order is the point, not the PDF)
CLI_STANDBY = textwrap.dedent("""
    import json, os, sys
    import zine.editions as editions
    from zine.editions.pdf import typeset
    log, root, out = sys.argv[1:]
    os.cpu_count = lambda: 2
    typeset.get_ready = lambda root: open(log, "w").write(json.dumps(
        ["zine.build" in sys.modules, "weasyprint" in sys.modules]))
    real = editions.registry
    editions.registry = lambda: {**real(), "pdf": lambda rendered, out_dir, **o: []}
    from zine.cli import main
    sys.exit(main(["--root", root, "build", "--format", "pdf", "--out", out, "--quiet"]))
""")


def test_zine_build_forks_the_standby_before_it_imports_the_build(tmp_path: Path) -> None:
    log = tmp_path / "ready.json"
    done = subprocess.run([sys.executable, "-c", CLI_STANDBY, str(log),
                           str(copy_content(tmp_path / "c")), str(tmp_path / "out")],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    build_imported, weasyprint_imported = json.loads(log.read_text())
    assert not build_imported and not weasyprint_imported  # the standby imports WeasyPrint


def test_with_one_cpu_there_is_no_standby_and_the_pdf_is_made_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    log = tmp_path / "ready.log"
    record_readiness(monkeypatch, log)
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    out = tmp_path / "out"
    result = build_project([], formats=FORMATS, out_dir=out, root=copy_content(tmp_path / "c"))
    assert not log.exists()
    assert int((out / result.built[0] / "pdf.pid").read_text()) == os.getpid()


def test_a_parallel_build_writes_the_same_bytes_as_a_serial_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    content = copy_content(tmp_path / "c")
    build_project([], formats=FORMATS, out_dir=tmp_path / "parallel", root=content)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    build_project([], formats=FORMATS, out_dir=tmp_path / "serial", root=content)

    def contents(out: Path) -> dict[str, str]:
        return {name: digest for name, (digest, _mtime) in snapshot(out).items()
                if not name.endswith(".pid") and not name.startswith(".cache")}

    assert contents(tmp_path / "parallel") == contents(tmp_path / "serial")


def test_a_failing_edition_in_a_worker_comes_back_as_a_diagnostic(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editions(monkeypatch, epub=fake_edition("epub"), pdf=failing_edition,
                 html=fake_edition("html"))
    out = tmp_path / "out"
    result = build_project([], formats=FORMATS, out_dir=out, root=copy_content(tmp_path / "c"))
    assert result.failed and not result.built
    messages = [d.format() for d in result.diagnostics if d.code == "Z503"]
    assert any("out of ink" in m and "issue.yaml" in m for m in messages), messages
    assert not list(out.rglob("index.html")) and not list(out.rglob("*.html"))
    assert not (cache_home(out) / "build.json").exists()


def test_a_worker_that_dies_fails_its_issue_without_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editions(monkeypatch, epub=fake_edition("epub"), pdf=dying_edition,
                 html=fake_edition("html"))
    result = build_project([], formats=FORMATS, out_dir=tmp_path / "out",
                           root=copy_content(tmp_path / "c"))
    assert result.failed
    assert any(d.code == "Z503" and "stopped unexpectedly" in d.message
               for d in result.diagnostics)


def test_progress_names_every_edition_of_every_issue(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editions(monkeypatch, **{name: fake_edition(name) for name in FORMATS})
    seen: list[tuple[str, str]] = []
    result = build_project([], formats=FORMATS, out_dir=tmp_path / "out",
                           root=copy_content(tmp_path / "c"),
                           progress=lambda stage, detail: seen.append((stage, detail)))
    issue = result.built[0]
    assert ("issue", issue) in seen and ("render", issue) in seen
    # the sample's German edition is <issue>.de; its website is the issue's one
    assert {d for s, d in seen if s == "edition"} == {f"{issue} {n}" for n in FORMATS} | {
        f"{issue}.de {n}" for n in FORMATS if n != "html"}
    assert seen[-1] == ("site", "")


def thresholds_edition(name: str) -> Renderer:
    """An edition writing the garbage collector's thresholds of the process it runs in."""
    written = fake_edition(name)

    def render(rendered, out_dir: Path, **options: object) -> list[Path]:
        paths = written(rendered, out_dir, **options)
        (out_dir / rendered.issue.id / f"{name}.gc").write_text(repr(gc.get_threshold()))
        return paths

    return render


def test_editions_run_with_fewer_collections_and_the_thresholds_come_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    use_editions(monkeypatch, **{name: thresholds_edition(name) for name in FORMATS})
    before = gc.get_threshold()
    assert before != BUILD_GC_THRESHOLDS
    out = tmp_path / "out"
    result = build_project([], formats=FORMATS, out_dir=out, root=copy_content(tmp_path / "c"),
                           use_cache=False)
    issue = result.built[0]
    for name in FORMATS:  # pdf and epub in forked workers, html here
        assert (out / issue / f"{name}.gc").read_text() == repr(BUILD_GC_THRESHOLDS)
    assert gc.get_threshold() == before  # zine serve and the tests go on as they were
