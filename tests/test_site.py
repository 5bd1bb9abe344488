"""The site-wide pages: ``index.html`` lists every built issue newest first (also issues built
earlier into the same folder), and ``feed.xml`` is an Atom feed with absolute links."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.html_helpers import atom_problems, handmade_issue, vnu_errors
from zine.editions.html import render, render_site

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@pytest.fixture
def two_issues(tmp_path: Path) -> Path:
    """Issue 1 built in an earlier run, issue 2 in this one."""
    out = tmp_path / "build"
    first = handmade_issue(issue_id="01-first", number=1, when=date(2019, 3, 1))
    render(first, out)
    render_site(first.zine, [first], out)
    second = handmade_issue(issue_id="02-second", number=2, when=date(2020, 6, 15))
    render(second, out)
    render_site(second.zine, [second], out)
    return out


def test_site_index_lists_issues_newest_first_including_earlier_builds(two_issues: Path) -> None:
    doc = lxml_html.fromstring((two_issues / "index.html").read_bytes())
    links = [a.get("href") for a in doc.find_class("issue-card-link")]
    assert links == ["02-second/index.html", "01-first/index.html"]
    labels = [k.text for k in doc.find_class("kicker")]
    assert labels == ["Issue 2", "Issue 1"]
    covers = [img.get("src") for img in doc.find_class("issue-card-cover")]
    assert all((two_issues / src).is_file() for src in covers)
    assert doc.find_class("issue-card-date")[0].get("datetime") == "2020-06-15"


def test_feed_is_atom_with_one_entry_per_issue_and_absolute_links(two_issues: Path) -> None:
    assert atom_problems(two_issues / "feed.xml") == []
    feed = etree.parse(str(two_issues / "feed.xml")).getroot()
    assert feed.findtext(f"{ATOM}id") == "https://zine.example.org/"
    assert feed.findtext(f"{ATOM}title") == "Tech-Coops Zine"
    assert feed.findtext(f"{ATOM}updated") == "2020-06-15T00:00:00Z"
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "CoTech"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "https://zine.example.org/feed.xml"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        "https://zine.example.org/02-second/", "https://zine.example.org/01-first/"]
    for entry in entries:
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert entry.findtext(f"{ATOM}title").startswith("Issue ")
        alternate = entry.find(f"{ATOM}link[@rel='alternate']")
        assert alternate.get("href") == entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}summary") == "Tech cooperatives around the world."


def test_feed_updated_honours_source_date_epoch(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    rendered = handmade_issue()
    render_site(rendered.zine, [rendered], tmp_path)
    feed = etree.parse(str(tmp_path / "feed.xml")).getroot()
    assert feed.findtext(f"{ATOM}updated") == "2023-11-14T22:13:20Z"
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}published") == "2019-03-01T00:00:00Z"


def test_a_broken_manifest_is_skipped_not_fatal(two_issues: Path) -> None:
    (two_issues / "01-first" / "issue.json").write_text("{not json", encoding="utf-8")
    rendered = handmade_issue(issue_id="02-second", number=2, when=date(2020, 6, 15))
    render_site(rendered.zine, [rendered], two_issues)
    doc = lxml_html.fromstring((two_issues / "index.html").read_bytes())
    assert [a.get("href") for a in doc.find_class("issue-card-link")] == ["02-second/index.html"]


@pytest.mark.slow
def test_site_index_passes_the_nu_html_checker(two_issues: Path) -> None:
    assert vnu_errors([two_issues / "index.html"]) == []


def test_the_atom_rule_checker_catches_a_broken_feed(tmp_path: Path) -> None:
    broken = tmp_path / "feed.xml"
    broken.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title>'
                      "<updated>2019-03-01</updated><entry><id>x</id><title>t</title>"
                      "<updated>2019-03-01T00:00:00Z</updated></entry></feed>",
                      encoding="utf-8")
    assert atom_problems(broken) == [
        "feed: 0 atom:id elements, expected exactly one",
        "entry 1: no atom:author and the feed has none",
        "entry 1: neither atom:content nor an alternate link",
        "date '2019-03-01' is not RFC 3339",
        "id 'x' is not an absolute IRI",
    ]
