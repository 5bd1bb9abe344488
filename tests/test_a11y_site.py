"""Every web page passes axe-core in headless Chromium: the sample site (site index, issue
contents, every article page) and the `zine serve` preview with problems shown in its
overlay, each at 1280 px and 390 px wide in the light and the dark colour scheme.

One run of tools/checkers/axe.js (puppeteer-core driving Debian's Chromium, axe-core
injected into each page) checks all of them; every axe rule counts, of any impact.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.a11y_helpers import describe, run_axe
from tests.conftest import REPO
from tests.html_helpers import running, serve_folder
from zine.build import build_project
from zine.commands.serve import Preview, preview_server
from zine.diagnostics import Diagnostic, Severity
from zine.model import Position

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y-site")
    build_project([], formats=("html",), out_dir=out, root=REPO)
    return out


@contextmanager
def preview_with_problems(out: Path) -> Iterator[str]:
    """The `zine serve` handler over ``out`` with two problems in its overlay."""
    preview = Preview(REPO, out)
    article = next(REPO.glob("issues/*/articles/*.md"))
    preview.diagnostics = [
        Diagnostic(Position(article, 3, 1), Severity.ERROR, "front matter: 'tittle' is not a "
                   "known key; did you mean 'title'?", "Z101"),
        Diagnostic(Position(article, 12, 5), Severity.WARNING, "image has no alt text: write "
                   "![what it shows](file.png)", "Z405"),
    ]
    with running(preview_server(preview, "127.0.0.1", 0)) as url:
        yield url


@pytest.fixture(scope="module")
def axe_results(site: Path) -> list[dict[str, object]]:
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    with serve_folder(site) as base, preview_with_problems(site) as preview:
        jobs = [{"url": base + page, "name": page} for page in pages]
        jobs += [{"url": preview + page, "name": f"serve:{page}"}
                 for page in (pages[0], next(p for p in pages if p.count("/") == 1
                                             and not p.endswith("index.html")))]
        return run_axe(jobs)


def test_every_page_is_checked_at_both_widths_in_both_schemes(
        site: Path, axe_results: list[dict[str, object]]) -> None:
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert len(pages) >= 3 and "index.html" in pages
    checked = {(r["name"], r["width"], r["scheme"]) for r in axe_results}
    for page in pages:
        for width in (1280, 390):
            for scheme in ("light", "dark"):
                assert (page, width, scheme) in checked
    assert any(str(r["name"]).startswith("serve:") for r in axe_results)


def test_axe_finds_no_violation_on_any_page(axe_results: list[dict[str, object]]) -> None:
    found = [{**v, "where": f"{r['name']} {r['width']}px {r['scheme']}"}  # type: ignore[dict-item]
             for r in axe_results for v in r["violations"]]  # type: ignore[attr-defined]
    assert not found, f"{len(found)} axe violation(s):\n{describe(found)}"


def test_axe_reports_what_it_finds(tmp_path: Path) -> None:
    """The runner is live: a page with an image without alt text and pale text fails."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>bad</title></head><body>'
                    '<main><img src="x.png"><p style="color:#ccc;background:#fff">pale</p>'
                    '</main></body></html>', encoding="utf-8")
    [result, *_] = run_axe([{"url": page.as_uri(), "name": "bad"}])
    rules = {v["rule"] for v in result["violations"]}
    assert {"image-alt", "color-contrast"} <= rules
