"""Pages across issues: ``coops/<id>.html`` and ``tags/<tag>.html`` with their indexes list
exactly the published articles naming the coop or tag, across two issues built at different
times (the first one's articles come from its manifest), and pass the Nu HTML checker."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.html_helpers import vnu_errors, write_multilang_project
from zine.cli import main
from zine.editions.html.archive import tag_slug

ISSUE_YAML = """number: 3
title: "Second thoughts"
date: 2021-01-10
language: en
description: "A later issue."
license: CC-BY-SA-4.0
contents:
  - refusing
  - hidden
"""

REFUSING_MD = """---
title: "Refusing clients"
authors:
  - name: "Zine editorial collective"
    coop: hypha
tags: [ethics, "協同"]
summary: "When a coop says no."
---

Saying no to work that conflicts with the coop's values.
"""

HIDDEN_MD = """---
title: "Not yet"
authors:
  - name: "Zine editorial collective"
    coop: it-kollektiv
tags: [ethics]
draft: true
---

A draft that names a coop and a tag but is not published.
"""


def build(root: Path, out: Path, *issues: str) -> None:
    assert main(["--root", str(root), "build", "--format", "html", "--out", str(out), "-q",
                 *issues]) == 0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("archive")
    root = write_multilang_project(tmp / "repo")
    tools = root / "issues" / "02-multi" / "articles" / "tools" / "index.md"
    tools.write_text(tools.read_text("utf-8").replace(
        'summary: "Why', 'tags: [ethics, hosting]\nsummary: "Why'), encoding="utf-8")
    out = tmp / "site"
    build(root, out)  # the first issue alone
    second = root / "issues" / "03-later" / "articles"
    second.mkdir(parents=True)
    (root / "issues" / "03-later" / "issue.yaml").write_text(ISSUE_YAML, encoding="utf-8")
    (second / "refusing.md").write_text(REFUSING_MD, encoding="utf-8")
    (second / "hidden.md").write_text(HIDDEN_MD, encoding="utf-8")
    build(root, out, "03-later")  # later, only the second issue
    return out


def listed(path: Path) -> list[tuple[str, str]]:
    doc = lxml_html.parse(str(path)).getroot()
    return [(a.get("href"), a.text_content()) for a in doc.find_class("archive-entry-title")]


def test_coop_pages_list_exactly_the_published_articles_across_issues(site: Path) -> None:
    assert listed(site / "coops" / "hypha.html") == [
        ("../03-later/refusing.html", "Refusing clients"),  # newest issue first
        ("../02-multi/tools.html", "Owning our tools"),
        ("../02-multi/kyodo.html", "技術協同組合"),
    ]
    assert listed(site / "coops" / "it-kollektiv.html") == [
        ("../02-multi/tools.html", "Owning our tools")]  # the draft is not listed
    doc = lxml_html.parse(str(site / "coops" / "hypha.html")).getroot()
    assert doc.findtext(".//h1") == "Hypha Worker Co-operative"
    facts = [" ".join(d.text_content().split()) for d in doc.iter("dd")]
    assert facts == ["CA", "https://hypha.example.com/"]
    assert doc.find_class("coop-description")[0].text == "Decentralised tools."
    index = lxml_html.parse(str(site / "coops" / "index.html")).getroot()
    assert [a.get("href") for a in index.xpath("//ul[@class='archive-index']//a")] == \
        ["hypha.html", "it-kollektiv.html"]


def test_tag_pages_list_exactly_the_published_articles_across_issues(site: Path) -> None:
    assert listed(site / "tags" / "ethics.html") == [
        ("../03-later/refusing.html", "Refusing clients"),
        ("../02-multi/tools.html", "Owning our tools"),
    ]
    assert listed(site / "tags" / "hosting.html") == [
        ("../02-multi/tools.html", "Owning our tools")]
    japanese = site / "tags" / f"{tag_slug('協同')}.html"
    assert listed(japanese) == [("../03-later/refusing.html", "Refusing clients")]
    index = lxml_html.parse(str(site / "tags" / "index.html")).getroot()
    assert [a.text for a in index.xpath("//ul[@class='archive-index']//a")] == \
        ["ethics", "hosting", "協同"]
    assert sorted(p.name for p in (site / "tags").iterdir()) == sorted(
        ["index.html", "ethics.html", "hosting.html", japanese.name])


def test_article_pages_and_bylines_link_the_coop_and_tag_pages(site: Path) -> None:
    doc = lxml_html.parse(str(site / "02-multi" / "tools.html")).getroot()
    links = [a.get("href") for a in doc.find_class("article-links")[0].iter("a")]
    assert links == ["../coops/it-kollektiv.html", "../coops/hypha.html",
                     "../tags/ethics.html", "../tags/hosting.html"]
    for href in links:
        assert (site / "02-multi" / href).resolve().is_file()
    toc = lxml_html.parse(str(site / "03-later" / "index.html")).getroot()
    assert {a.get("href") for a in toc.find_class("coop-link")} == {"../coops/hypha.html"}


def test_tag_slugs_are_stable_and_ascii() -> None:
    assert tag_slug("Open Source") == "open-source"
    assert tag_slug("協同") == tag_slug("協同") and tag_slug("協同").isascii()
    assert tag_slug("café") != tag_slug("cafe")


@pytest.mark.slow
def test_new_pages_pass_the_nu_html_checker(site: Path) -> None:
    pages = sorted([*site.glob("coops/*.html"), *site.glob("tags/*.html"),
                    site / "search.html"])
    assert len(pages) == 8
    assert vnu_errors(pages) == []
