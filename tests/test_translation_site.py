"""The website of an issue with translations: every article page links every version of its
group (itself included, and ``x-default`` for the original) and each links back; a visible
"Also in" switcher names each other language in itself; the issue page lists each group once,
with its languages and the downloads of every language edition; the Atom feed, OPDS catalog
and sitemap.xml carry the language alternates."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from zine.build import build_project

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "roots" / "translations"
ISSUE = "07-languages"
BASE = "https://zine.test/"
GROUPS = {"meeting": {"en": "meeting", "de": "meeting-de", "ar": "meeting-ar",
                      "ja": "meeting-ja"},
          "bericht": {"de": "bericht", "en": "report"}}


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tree") / "zine"
    shutil.copytree(FIXTURE, root)
    out = tmp_path_factory.mktemp("out")
    result = build_project([], formats=("epub", "html"), out_dir=out, root=root,
                           use_cache=False)
    assert result.failed == [] and result.diagnostics == []
    return out


def page(out: Path, slug: str) -> lxml_html.HtmlElement:
    return lxml_html.parse(str(out / ISSUE / f"{slug}.html")).getroot()


def alternates(doc: lxml_html.HtmlElement) -> dict[str, str]:
    return {link.get("hreflang"): link.get("href")
            for link in doc.xpath("//head/link[@rel='alternate'][@hreflang]")}


def test_hreflang_links_are_complete_and_reciprocal_on_every_page(out: Path) -> None:
    for original, versions in GROUPS.items():
        expected = {lang: f"{BASE}{ISSUE}/{slug}.html" for lang, slug in versions.items()}
        expected["x-default"] = f"{BASE}{ISSUE}/{original}.html"
        for slug in versions.values():
            assert alternates(page(out, slug)) == expected, slug
    assert alternates(page(out, "solo")) == {}  # no translation, no alternates


def test_the_switcher_names_each_other_language_in_itself(out: Path) -> None:
    doc = page(out, "meeting-de")
    switcher = doc.xpath("//nav[@class='language-switcher']")[0]
    assert switcher.text_content().split() == ["Auch", "auf:", "English,", "العربية,", "日本語"]
    links = {a.get("hreflang"): (a.get("href"), a.get("lang"), a.get("dir"))
             for a in switcher.iter("a")}
    assert links == {"en": ("meeting.html", "en", "ltr"), "ar": ("meeting-ar.html", "ar", "rtl"),
                     "ja": ("meeting-ja.html", "ja", "ltr")}
    credit = doc.xpath("//p[@class='translation-credit']")[0].text_content()
    assert credit == "Original: Englisch · übersetzt von Zine editorial collective"
    assert page(out, "solo").xpath("//nav[@class='language-switcher']") == []


def test_a_page_leads_to_the_versions_in_its_language(out: Path) -> None:
    doc = page(out, "meeting")  # links bericht.md: the English page leads to the English one
    assert [a.get("href") for a in doc.xpath("//div[@class='article-body']//a[@class='xref']")
            ] == ["report.html", "solo.html#solo--the-end"]
    german = page(out, "meeting-de")
    assert german.xpath("//a[@rel='next']/@href")[0] == "bericht.html"  # the German order


def test_the_issue_page_lists_each_group_once_with_its_languages(out: Path) -> None:
    doc = lxml_html.parse(str(out / ISSUE / "index.html")).getroot()
    titles = [a.text_content() for a in doc.xpath("//a[@class='toc-title']")]
    assert titles == ["The meeting", "The report", "Solo"]
    languages = [[a.get("hreflang") for a in span.iter("a")]
                 for span in doc.xpath("//span[@class='toc-languages']")]
    assert languages == [["ar", "de", "ja"], ["de"]]
    downloads = [a.get("href") for a in doc.xpath("//ul[@class='downloads']//a")]
    assert downloads == [f"{ISSUE}.epub", f"{ISSUE}.de.epub", f"{ISSUE}.ar.epub",
                         f"{ISSUE}.ja.epub"]


def test_feed_opds_and_sitemap_carry_the_language_alternates(out: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = etree.parse(str(out / "feed.xml")).getroot()
    epubs = {link.get("hreflang"): link.get("href") for link in feed.iter(f"{atom}link")
             if link.get("type") == "application/epub+zip"}
    assert epubs == {lang: f"{BASE}{ISSUE}/{ISSUE}{'' if lang == 'en' else '.' + lang}.epub"
                     for lang in ("en", "de", "ar", "ja")}
    catalog = etree.parse(str(out / "opds.xml")).getroot()
    entries = catalog.findall(f"{atom}entry")
    dc = "{http://purl.org/dc/terms/}"
    assert [(e.findtext(f"{dc}language"), e.findtext(f"{atom}title")) for e in entries] == [
        ("en", "Working together"), ("de", "Zusammen arbeiten"), ("ar", "العمل معًا"),
        ("ja", "共に働く")]
    assert len({e.findtext(f"{atom}id") for e in entries}) == 4
    for entry in entries:
        language = entry.findtext(f"{dc}language")
        acquisitions = [link for link in entry.iter(f"{atom}link")
                        if link.get("rel") == "http://opds-spec.org/acquisition"]
        assert acquisitions and all(a.get("hreflang") == language for a in acquisitions)
    sitemap = etree.parse(str(out / "sitemap.xml")).getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9",
          "x": "http://www.w3.org/1999/xhtml"}
    for original, versions in GROUPS.items():
        expected = {lang: f"{BASE}{ISSUE}/{slug}.html" for lang, slug in versions.items()}
        expected["x-default"] = f"{BASE}{ISSUE}/{original}.html"
        for slug in versions.values():
            url = sitemap.xpath(f"s:url[s:loc='{BASE}{ISSUE}/{slug}.html']", namespaces=ns)[0]
            assert {x.get("hreflang"): x.get("href")
                    for x in url.xpath("x:link", namespaces=ns)} == expected


def test_a_version_page_speaks_the_language_of_its_edition(out: Path) -> None:
    """The words around a German version (issue label and title, date, reading time, pager,
    licence) are the German edition's, marked as German; the English original's stay English."""
    german = page(out, "meeting-de")
    assert german.findtext(".//title") == "Das Treffen · Ausgabe 7 · Test Zine"
    assert "Ausgabe 7 · Zusammen arbeiten" in german.xpath("string(//header)")
    meta = german.xpath("//p[@class='article-meta']/span")[0]
    assert meta.get("lang") == "de" and "Min. Lesezeit" in meta.text_content()
    pager = german.xpath("//nav[@class='pager']")[0]
    assert pager.get("lang") == "de" and "Weiter" in pager.text_content()
    arabic = page(out, "meeting-ar").xpath("//p[@class='article-meta']/span")[0]
    assert (arabic.get("lang"), arabic.get("dir")) == ("ar", "rtl")
    english = page(out, "meeting")
    assert "Issue" in english.findtext(".//title")
    assert english.xpath("//p[@class='article-meta']/span")[0].get("lang") == "en"
