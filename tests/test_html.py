"""The HTML edition of one issue: valid HTML5, lang/dir on every page and article, the table of
contents with sections, authors, coops, downloads, coop directory and colophon, media bytes,
no JavaScript, every local link resolving, and byte-identical output across folders and time
zones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from lxml import html as lxml_html

from tests.html_helpers import FIGURE, ROOT, handmade_issue, site_digest, vnu_errors
from zine.editions.html import render, render_site
from zine.model.rendered import RenderedIssue
from zine.safety.fetcher import packaged_styles


def build(out: Path, rendered: RenderedIssue | None = None) -> tuple[RenderedIssue, list[Path]]:
    rendered = rendered or handmade_issue()
    written = render(rendered, out)
    written += render_site(rendered.zine, [rendered], out)
    return rendered, written


def page(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_bytes())


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("html") / "build"
    build(out)
    return out


@pytest.mark.slow
def test_every_page_passes_the_nu_html_checker(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    # site index, search page, issue index, three articles, coop index and two coops, tag index
    assert len(pages) == 10
    assert vnu_errors(pages) == []


def test_pages_carry_issue_language_and_articles_their_own(site: Path) -> None:
    issue = site / "01-handmade"
    for name, lang, direction in (("tools", "en", "ltr"), ("taawun", "ar", "rtl"),
                                  ("kyodo", "ja", "ltr")):
        doc = page(issue / f"{name}.html")
        # The page is in the article's language (what search indexes it under); the
        # masthead and footer around it say they are in the issue's.
        assert (doc.get("lang"), doc.get("dir")) == (lang, direction)
        masthead = doc.find(".//header[@class='masthead']")
        for chrome in (masthead, doc.find(".//footer[@class='site-footer']")):
            expected = (None, None) if lang == "en" else ("en", "ltr")
            assert (chrome.get("lang"), chrome.get("dir")) == expected
        article = doc.find(".//article")
        assert (article.get("lang"), article.get("dir")) == (lang, direction)
    toc = page(issue / "index.html")
    entries = {e.findtext(".//a"): (e.get("lang"), e.get("dir"))
               for e in toc.find_class("toc-entry")}
    assert entries["التعاون التقني"] == ("ar", "rtl")
    assert entries["技術協同組合"] == ("ja", "ltr")


def test_issue_index_lists_sections_articles_authors_and_coops(site: Path) -> None:
    toc = page(site / "01-handmade" / "index.html")
    assert toc.findtext(".//h1") == "No masters, no slaves"
    assert toc.find(".//time").get("datetime") == "2019-03-01"
    assert [h.text for h in toc.find_class("toc-section")] == ["Reports"]
    links = [a.get("href") for a in toc.find_class("toc-title")]
    assert links == ["tools.html", "taawun.html", "kyodo.html"]
    bylines = [" ".join(b.text_content().split()) for b in toc.find_class("toc-byline")]
    assert bylines[0] == "Jo Example (IT-Kollektiv) and Sam Hypha (Hypha Worker Co-operative)"
    coops = [c.get("id") for c in toc.find_class("coop")]
    assert coops == ["coop-hypha", "coop-it-kollektiv"]
    cover = toc.find_class("issue-cover")[0].find("img")
    assert cover.get("alt") and (site / "01-handmade" / cover.get("src")).is_file()


def test_colophon_names_each_article_license(site: Path) -> None:
    toc = page(site / "01-handmade" / "index.html")
    colophon = toc.find_class("colophon")[0]
    licenses = [a.text for a in colophon.iter("a") if a.get("rel") == "license"]
    assert licenses == ["CC-BY-SA-4.0", "CC-BY-4.0", "CC-BY-SA-4.0"]
    hrefs = {a.get("href") for a in colophon.iter("a") if a.get("rel") == "license"}
    assert "https://creativecommons.org/licenses/by/4.0/" in hrefs


def test_article_page_has_byline_summary_fragment_notes_and_pager(site: Path) -> None:
    doc = page(site / "01-handmade" / "taawun.html")
    assert doc.findtext(".//h1") == "التعاون التقني"
    assert doc.find_class("article-byline")[0].text_content().strip() == "Kollektiv"
    assert doc.get_element_by_id("fn-taawun-1") is not None
    assert doc.find(".//a[@rel='prev']").get("href") == "tools.html"
    assert doc.find(".//a[@rel='next']").get("href") == "kyodo.html"
    first = page(site / "01-handmade" / "tools.html")
    assert first.find(".//a[@rel='prev']") is None
    assert first.find_class("article-summary")[0].text == "Why coops host their own infrastructure."
    assert first.find_class("article-subtitle")[0].text == "A report"


def test_download_links_show_sizes_of_epub_and_pdf_built_before(tmp_path: Path) -> None:
    out = tmp_path / "build"
    (out / "01-handmade").mkdir(parents=True)
    (out / "01-handmade" / "01-handmade.epub").write_bytes(b"x" * 2048)
    (out / "01-handmade" / "01-handmade.pdf").write_bytes(b"x" * (3 * 1024 * 1024))
    build(out)
    toc = page(out / "01-handmade" / "index.html")
    links = [(a.get("href"), a.get("type"), " ".join(a.text_content().split()))
             for a in toc.find_class("download")]
    assert links == [
        ("01-handmade.epub", "application/epub+zip", "Download EPUB (2 KB)"),
        ("01-handmade.pdf", "application/pdf", "Download PDF (3.0 MB)"),
    ]


def _downloads_written(out: Path, pdf_size: int) -> None:
    issue = out / "01-handmade"
    (issue / "offprints").mkdir(parents=True, exist_ok=True)
    (issue / "01-handmade.epub").write_bytes(b"x" * 2048)
    (issue / "01-handmade.pdf").write_bytes(b"x" * pdf_size)
    for slug in ("tools", "taawun", "kyodo"):
        (issue / "offprints" / f"{slug}.pdf").write_bytes(b"x" * 5000)
        (issue / "offprints" / f"{slug}.epub").write_bytes(b"x" * 700)


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix not in (".epub", ".pdf")}


@pytest.mark.parametrize("before", ["nothing", "an older build"])
def test_pages_made_while_the_other_editions_are_written_are_those_render_writes(
        tmp_path: Path, before: str) -> None:
    """``prepare`` (run by the build while EPUB and PDF are made) writes nothing until
    ``finish``, and then the bytes ``render`` writes once the files are there, sizes and all:
    on a cold build (no file there yet) and on a rebuild (the sizes changed)."""
    from zine.editions.html import prepare

    rendered = handmade_issue()
    made, rendered_now = tmp_path / "prepared", tmp_path / "rendered"
    if before == "an older build":
        _downloads_written(made, 1000)
    finish = prepare(rendered, made, coming=("epub", "pdf"))
    assert not list(made.rglob("*.html"))
    _downloads_written(made, 3 * 1024 * 1024)
    written = finish()
    _downloads_written(rendered_now, 3 * 1024 * 1024)
    assert [p.relative_to(made) for p in written] == \
        [p.relative_to(rendered_now) for p in render(rendered, rendered_now)]
    assert _files(made) == _files(rendered_now)
    assert b"zine-size-" not in (made / "01-handmade" / "index.html").read_bytes()
    assert b"(3.0 MB)" in (made / "01-handmade" / "index.html").read_bytes()


def test_each_foreseen_size_is_put_in_the_place_of_its_own_file(tmp_path: Path) -> None:
    """Many downloads (an issue with a dozen offprints): every marker becomes the size of its
    file, none the size of another whose number starts the same (1 and 14)."""
    from zine.editions.html import ForeseenSizes, format_size

    sizes = ForeseenSizes(coming=("pdf",))
    paths = [tmp_path / f"{n}.pdf" for n in range(15)]
    page = " ".join(f"[{sizes(path)}]" for path in paths).encode()
    for n, path in enumerate(paths):
        path.write_bytes(b"x" * 1024 * (n + 1))
    settled = sizes.settle([("index.html", page)])
    assert settled == [("index.html", " ".join(
        f"[{format_size(1024 * (n + 1))}]" for n in range(15)).encode())]


def test_pages_are_made_again_when_a_download_is_not_as_foreseen(tmp_path: Path) -> None:
    """The EPUB was to come but did not (or a file came that was not foreseen): ``finish``
    makes the pages anew instead of showing a size that is not there."""
    from zine.editions.html import prepare

    rendered = handmade_issue()
    finish = prepare(rendered, tmp_path / "a", coming=("epub",))
    (tmp_path / "a" / "01-handmade").mkdir(parents=True)
    (tmp_path / "a" / "01-handmade" / "01-handmade.pdf").write_bytes(b"x" * 2048)
    finish()
    toc = page(tmp_path / "a" / "01-handmade" / "index.html")
    assert [a.get("href") for a in toc.find_class("download")] == ["01-handmade.pdf"]


def test_no_downloads_listed_when_only_html_is_built(site: Path) -> None:
    assert page(site / "01-handmade" / "index.html").find_class("download") == []


def test_media_and_cover_are_the_rendered_bytes(tmp_path: Path) -> None:
    rendered, _ = build(tmp_path / "build")
    issue = tmp_path / "build" / "01-handmade"
    assert (issue / FIGURE.name).read_bytes() == FIGURE.data
    assert (issue / rendered.cover.name).read_bytes() == rendered.cover.data


def test_no_javascript_but_on_the_search_page_and_alt_text_on_every_image(site: Path) -> None:
    for path in site.rglob("*.html"):
        doc = page(path)
        scripts = [s.get("src") for s in doc.iter("script")]
        if path == site / "search.html":
            assert scripts == ["pagefind/pagefind-ui.js", "search.js"]
        else:
            assert scripts == [], path
        for element in doc.iter():
            if isinstance(element.tag, str):
                assert not any(name.startswith("on") for name in element.attrib), path
        for img in doc.iter("img"):
            assert (img.get("alt") or "").strip(), f"{path}: {img.get('src')}"


def test_every_page_has_a_skip_link_to_main(site: Path) -> None:
    for path in site.rglob("*.html"):
        doc = page(path)
        skip = doc.find_class("skip-link")[0]
        assert skip.get("href") == "#content"
        assert doc.get_element_by_id("content").tag == "main"


def test_every_local_link_and_resource_resolves(site: Path) -> None:
    for path in site.rglob("*.html"):
        doc = page(path)
        for _element, _attr, link, _pos in doc.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or not parts.path:
                continue
            target = (path.parent / parts.path).resolve()
            assert target.is_file(), f"{path.relative_to(site)}: broken {link}"
            assert site.resolve() in target.parents


def test_stylesheets_are_copied_and_linked(site: Path) -> None:
    doc = page(site / "01-handmade" / "tools.html")
    sheets = [link.get("href") for link in doc.iter("link") if link.get("rel") == "stylesheet"]
    assert sheets[-1] == "styles/html.css"
    expected = (packaged_styles() / "html.css").read_bytes()
    assert (site / "01-handmade" / "styles" / "html.css").read_bytes() == expected


def test_stylesheet_keeps_wide_content_inside_small_screens() -> None:
    css = (packaged_styles() / "html.css").read_text(encoding="utf-8")
    assert "prefers-color-scheme: dark" in css
    assert "@media print" in css
    assert ".table-wrap { max-width: 100%; overflow-x: auto;" in css
    assert "img, svg, video { max-width: 100%; height: auto; }" in css


BUILD_SCRIPT = """
import sys
from pathlib import Path
from tests.html_helpers import handmade_issue
from zine.editions.html import render, render_site
rendered = handmade_issue()
out = Path(sys.argv[1])
render(rendered, out)
render_site(rendered.zine, [rendered], out)
"""


@pytest.mark.slow
def test_same_input_gives_byte_identical_output_across_folders_and_time_zones(
        tmp_path: Path) -> None:
    outputs = []
    for name, tz, seed in (("a", "UTC", "1"), ("b", "Pacific/Kiritimati", "977")):
        out = tmp_path / name / "nested" / "build"
        out.parent.mkdir(parents=True)
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        env.pop("SOURCE_DATE_EPOCH", None)
        subprocess.run([sys.executable, "-c", BUILD_SCRIPT, str(out)], cwd=tmp_path / name,
                       env=env, check=True)
        outputs.append(site_digest(out))
    assert outputs[0] == outputs[1]
    assert "01-handmade/index.html" in outputs[0]


def test_coop_links_are_only_http_urls(tmp_path: Path) -> None:
    from dataclasses import replace

    rendered = handmade_issue()
    coops = dict(rendered.zine.coops)
    coops["hypha"] = replace(coops["hypha"], url="javascript:alert(1)")
    rendered = replace(rendered, zine=replace(rendered.zine, coops=coops))
    build(tmp_path / "build", rendered)
    toc = page(tmp_path / "build" / "01-handmade" / "index.html")
    hypha = toc.get_element_by_id("coop-hypha")
    assert hypha.find(".//a") is None
    assert "Hypha Worker Co-operative" in hypha.text_content()


def test_a_missing_stylesheet_is_a_one_line_error_not_a_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zine.editions.html import assets as html_assets
    from zine.errors import ContentError

    monkeypatch.setattr(html_assets, "STYLESHEETS", ("missing.css", "html.css"))
    monkeypatch.setattr(html_assets, "REQUIRED_STYLESHEETS", frozenset({"missing.css"}))
    with pytest.raises(ContentError, match=r"cannot load styles/missing\.css"):
        render(handmade_issue(), tmp_path)
