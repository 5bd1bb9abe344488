"""The HTML edition on real input: the sample issue and a multi-language fixture tree, through
the real loader and render core. Every page passes the Nu HTML Checker, every local link
resolves, each article carries its language and direction, nothing overflows 360 px in
Chromium, and two builds from different folders and time zones are byte-identical."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from tests.html_helpers import (
    ROOT,
    atom_problems,
    site_digest,
    vnu_errors,
    write_multilang_project,
)
from tests.pipeline_helpers import render_project
from tests.test_html_browser import WIDTH, measure, require_chromium
from zine.editions.html import render, render_site

pytestmark = pytest.mark.slow


def build_site(root: Path, out: Path) -> list[Path]:
    rendered = render_project(root, whole=True)
    written = []
    for item in rendered:
        written += render(item, out)
    written += render_site(rendered[0].zine, rendered, out)
    return written


@pytest.fixture(scope="module", params=["sample", "multilang"])
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp(request.param)
    root = ROOT if request.param == "sample" else write_multilang_project(tmp / "repo")
    out = tmp / "build"
    build_site(root, out)
    return out


def test_every_page_passes_the_nu_html_checker(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 4
    assert vnu_errors(pages) == []


def test_feed_follows_the_atom_rules(site: Path) -> None:
    assert atom_problems(site / "feed.xml") == []


def test_every_local_link_and_image_resolves(site: Path) -> None:
    for path in site.rglob("*.html"):
        doc = lxml_html.fromstring(path.read_bytes())
        for _element, _attr, link, _pos in doc.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or not parts.path:
                continue
            assert (path.parent / parts.path).is_file(), f"{path.relative_to(site)}: {link}"


def test_each_article_carries_its_language_and_direction(site: Path) -> None:
    import json

    for manifest in site.glob("*/issue.json"):
        issue = json.loads(manifest.read_text(encoding="utf-8"))
        for path in manifest.parent.glob("*.html"):
            doc = lxml_html.fromstring(path.read_bytes())
            article = doc.find(".//article")
            if path.name == "index.html":
                assert doc.get("lang") == issue["language"]
            else:  # an article page is in the article's language, its masthead in that of
                # its edition: the issue's, or the article's when the issue has an edition in it
                assert (doc.get("lang"), doc.get("dir")) == (article.get("lang"),
                                                             article.get("dir"))
                masthead = doc.find(".//header[@class='masthead']")
                editions = {e["language"] for e in issue.get("editions", [])}
                expected = article.get("lang") if article.get("lang") in editions \
                    else issue["language"]
                assert (masthead.get("lang") or doc.get("lang")) == expected
                assert article.get("lang") and article.get("dir") in ("ltr", "rtl")
                if article.get("lang") == "ar":
                    assert article.get("dir") == "rtl"


def test_no_article_page_overflows_360px_and_every_image_loads(site: Path) -> None:
    require_chromium()
    pages = [*sorted(site.glob("*/*.html")), site / "index.html"]
    for path in pages:
        result = measure(site, str(path.relative_to(site)))
        assert result["scrollWidth"] <= WIDTH, f"{path.name} overflows: {result}"  # type: ignore[operator]
        broken = [i for i in result["images"] if not i["complete"] or i["width"] <= 0]  # type: ignore[union-attr]
        assert not broken, f"{path.name}: images did not load: {broken}"


BUILD = """
import sys
from pathlib import Path
from tests.test_html_pipeline import build_site
build_site(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_two_builds_from_different_folders_and_time_zones_are_identical(tmp_path: Path) -> None:
    digests = []
    for name, tz, seed in (("one", "UTC", "0"), ("two", "America/Caracas", "4242")):
        repo = write_multilang_project(tmp_path / name / "checkout")
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run([sys.executable, "-c", BUILD, str(repo), str(tmp_path / name / "out")],
                       cwd=repo, env=env, check=True)
        digests.append(site_digest(tmp_path / name / "out"))
    assert digests[0] == digests[1]
    assert any(name.endswith("taawun.html") for name in digests[0])


def test_full_build_links_the_epub_and_pdf_with_their_sizes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from zine.cli import main
    from zine.editions.html.assets import format_size

    out = tmp_path / "build"
    status = main(["--root", str(ROOT), "build", "--out", str(out), "--quiet"])
    assert status == 0, capsys.readouterr().err
    for manifest in sorted(out.glob("*/issue.json")):
        folder = manifest.parent
        doc = lxml_html.fromstring((folder / "index.html").read_bytes())
        links = {a.get("href"): a.text_content() for a in doc.find_class("download")}
        for ext in ("epub", "pdf"):
            book = folder / f"{folder.name}.{ext}"
            assert book.is_file()
            assert format_size(book.stat().st_size) in links[book.name]
        assert vnu_errors([folder / "index.html"]) == []
