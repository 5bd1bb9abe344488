"""The hostile corpus: every case in tests/hostile/ through `zine check` and `zine build`.

Each case is a complete tiny zine plus ``expect.yaml`` (see tests/hostile/README.md). The
command runs in a subprocess with the case copied to a temporary folder; a canary file with a
random token lies beside the copy and a loopback HTTP server counts requests. Asserted for
every case: the expected exit code, the ``path:line:`` diagnostics, no traceback, no request,
nothing written outside ``--out``; for builds also: the token in no output (EPUB members, PDF
streams, attachments, images and text), no active content, no EXIF, and on failure the
previous edition left alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hostile_helpers import (
    Run,
    allowed,
    case_names,
    copy_case,
    loopback_server,
    matches,
    plant_canary,
    run_zine,
    snapshot,
)
from tests.test_hostile_outputs import (
    active_content,
    duplicate_ids,
    epub_images,
    epub_scripted,
    exif_problems,
    markup_texts,
    pdf_actions,
    rtl_holders,
    symlinks_in,
    token_leaks,
)
from zine.runtime.cache import CACHE_DIR, cache_home

CASES = case_names()
ISSUE = "01-h"
PREVIOUS = b"previous edition, must survive a failed build\n"
FORMATS = "epub,pdf,html"


def assert_reported(run: Run, expect: dict[str, Any], what: str) -> None:
    """No traceback; every expected diagnostic present; no forbidden text."""
    assert "Traceback" not in run.stderr, f"{what}: traceback\n{run.stderr[-3000:]}"
    assert "Traceback" not in run.stdout, f"{what}: traceback on stdout"
    specs = list(expect.get("diagnostics", []))
    if run.returncode == 1:
        specs += expect.get("if_error", [])
    for spec in specs:
        assert matches(run.lines, spec), (
            f"{what}: expected a line starting {spec['at']!r} mentioning one of "
            f"{spec['any']}; got:\n{run.stderr[-3000:]}")
    for text in expect.get("forbid", []):
        assert text not in run.stderr, f"{what}: {text!r} in\n{run.stderr[-3000:]}"


def assert_exit(run: Run, wanted: int | list[int], what: str) -> None:
    assert run.returncode in allowed(wanted), (
        f"{what}: exit {run.returncode}, expected {wanted}\n{run.stderr[-3000:]}")


@pytest.mark.parametrize("name", CASES)
def test_zine_check_reports_the_hostile_case_without_touching_anything(
        name: str, tmp_path: Path) -> None:
    with loopback_server() as server:
        canary = plant_canary(tmp_path)
        root = tmp_path / "zine"
        expect = copy_case(name, root, canary, server.port)
        before = snapshot(tmp_path, skip=tmp_path / "out")
        run = run_zine(["check"], root, float(expect.get("timeout", 60)))
        after = snapshot(tmp_path, skip=tmp_path / "out")
    assert_exit(run, expect["check"], "zine check")
    assert_reported(run, expect, "zine check")
    assert server.requests == [], f"zine check made HTTP requests: {server.requests}"
    assert before == after, "zine check wrote or changed files"


def _seed_previous(out: Path) -> Path:
    previous = out / ISSUE / f"{ISSUE}.epub"
    previous.parent.mkdir(parents=True)
    previous.write_bytes(PREVIOUS)
    return previous


@pytest.mark.slow
@pytest.mark.parametrize("name", CASES)
def test_zine_build_of_the_hostile_case_leaks_nothing(name: str, tmp_path: Path) -> None:
    with loopback_server() as server:
        canary = plant_canary(tmp_path)
        root, out = tmp_path / "zine", tmp_path / "out"
        expect = copy_case(name, root, canary, server.port)
        previous = _seed_previous(out)
        # the build may write its cache beside --out, in .cache/<out>-<key>/, and nowhere else
        caches = tmp_path / CACHE_DIR
        before = snapshot(tmp_path, skip=(out, caches))
        timeout = float(expect.get("timeout", 60))
        check = run_zine(["check"], root, timeout)
        formats = expect.get("formats", FORMATS)
        run = run_zine(["build", "--format", formats, "--out", str(out)], root,
                       max(3 * timeout, 240))
        after = snapshot(tmp_path, skip=(out, caches))
    assert_exit(run, expected_build(expect, check), "zine build")
    made = sorted(p.name for p in caches.iterdir()) if caches.exists() else []
    assert made in ([], [cache_home(out).name]), f"cache folders beside --out: {made}"
    if run.returncode == 1 or expect.get("build") == 0:
        assert_reported(run, expect, "zine build")
    assert server.requests == [], f"zine build made HTTP requests: {server.requests}"
    assert before == after, "zine build wrote or changed files outside --out"
    assert_nothing_leaked(out, canary.token)
    if run.returncode == 0:
        assert_published(out, expect.get("built", {}), formats)
    else:
        assert previous.read_bytes() == PREVIOUS, "a failed build replaced the previous EPUB"
        written = sorted(str(p.relative_to(out / ISSUE)) for p in (out / ISSUE).rglob("*"))
        assert written == [previous.name], f"a failed build wrote {written}"


def expected_build(expect: dict[str, Any], check: Run) -> int | list[int]:
    """``build:`` if given; else the check's exit code when the case fixes it, else the
    code check actually returned (a build fails exactly when check finds errors)."""
    if "build" in expect:
        return int(expect["build"])
    if isinstance(expect["check"], int):
        return int(expect["check"])
    return check.returncode


def assert_nothing_leaked(out: Path, token: str) -> None:
    assert symlinks_in(out) == [], "symlinks in the output"
    assert token_leaks(out, token) == [], "the canary file reached the output"
    assert active_content(out) == [], "active content in published HTML/XHTML/SVG"
    assert pdf_actions(out) == [], "PDF attachments, actions or local links"
    assert epub_scripted(out) == [], "the EPUB declares scripted/remote content"
    assert exif_problems(out) == [], "published images keep EXIF"


def assert_published(out: Path, built: dict[str, Any], formats: str) -> None:
    issue = out / ISSUE
    wanted = {"epub": f"{ISSUE}.epub", "pdf": f"{ISSUE}.pdf", "html": "index.html"}
    for fmt, file in wanted.items():
        if fmt in formats.split(","):
            assert (issue / file).is_file(), f"build exited 0 without {file}"
    pages = list(markup_texts(out))
    for text in built.get("html_contains", []):
        holders = [n for n, raw, plain in pages if text in plain or text.encode() in raw]
        assert holders, f"{text!r} is in no published page"
    for text in built.get("forbid_text", []):
        holders = [n for n, raw, plain in pages if text in plain or text.encode() in raw]
        assert not holders, f"{text!r} published in {holders}"
    for marker in built.get("rtl", []):
        good, bad = rtl_holders(out, marker)
        assert good and not bad, f"{marker!r}: dir=rtl missing in {bad} (ok: {good})"
    if built.get("unique_ids"):
        assert duplicate_ids(out) == [], "duplicate ids in published pages"
    if "min_images" in built and "epub" in formats:
        images = epub_images(out)
        assert len(set(images)) >= built["min_images"], f"EPUB images: {images}"
    if built.get("epubcheck") and "epub" in formats:
        from tests.epub_helpers import epubcheck

        messages = epubcheck(issue / f"{ISSUE}.epub")
        assert messages == [], "EPUBCheck:\n" + "\n".join(messages)


@pytest.mark.parametrize("issue", ["../../x", "/etc", "01-h/../../x", "..", "01-H"])
def test_building_an_issue_id_that_is_a_path_is_a_usage_error(issue: str, tmp_path: Path) -> None:
    canary = plant_canary(tmp_path)
    root, out = tmp_path / "zine", tmp_path / "out"
    copy_case("ordinary-footnotes-headings", root, canary, 9)
    before = snapshot(tmp_path, skip=out)
    run = run_zine(["build", issue, "--format", "epub", "--out", str(out)], root, 60)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert run.stderr.startswith("zine: error:") and issue in run.stderr
    assert snapshot(tmp_path, skip=out) == before and not out.exists()
