"""Discovery files: ``sitemap.xml`` lists every page of the site (and only pages that exist) as
absolute URLs under zine.yaml's ``url``; ``robots.txt`` points to it; ``feed.json`` is a JSON
Feed 1.1 of the same issues as the Atom feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lxml import etree

from tests.html_helpers import write_multilang_project
from zine.cli import main

SITE = "https://zine.example.org/"
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("discovery")
    root = write_multilang_project(tmp / "repo")
    out = tmp / "site"
    assert main(["--root", str(root), "build", "--format", "html", "--out", str(out),
                 "-q"]) == 0
    return out


def test_the_sitemap_lists_every_page_that_exists(site: Path) -> None:
    tree = etree.parse(str(site / "sitemap.xml"))
    locs = tree.xpath("//s:url/s:loc/text()", namespaces=NS)
    assert len(locs) == len(set(locs))
    files = set()
    for loc in locs:
        assert loc.startswith(SITE), loc
        path = loc.removeprefix(SITE)
        target = site / (path + "index.html" if path == "" or path.endswith("/") else path)
        assert target.is_file(), loc
        files.add(target.relative_to(site).as_posix())
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html")}
    assert files == pages
    assert set(tree.xpath("//s:lastmod/text()", namespaces=NS)) == {"2020-06-15"}


def test_robots_allows_all_and_names_the_sitemap(site: Path) -> None:
    lines = (site / "robots.txt").read_text("utf-8").splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    assert f"Sitemap: {SITE}sitemap.xml" in lines


def test_the_json_feed_lists_the_issues_like_the_atom_feed(site: Path) -> None:
    feed = json.loads((site / "feed.json").read_text("utf-8"))
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"] == f"{SITE}feed.json" and feed["home_page_url"] == SITE
    atom = etree.parse(str(site / "feed.xml"))
    titles = atom.xpath("//a:entry/a:title/text()", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert [item["title"] for item in feed["items"]] == titles == ["Issue 2: Across borders"]
    (item,) = feed["items"]
    assert item["url"] == f"{SITE}02-multi/" and item["date_published"] == "2020-06-15T00:00:00Z"
    assert (site / item["image"].removeprefix(SITE)).is_file()
    assert [a["name"] for a in item["authors"]] == ["Jo Example", "Sam Hypha", "كولكتيف"]
