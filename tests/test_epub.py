"""The EPUB edition's contract, on a hand-made multi-language issue (Arabic RTL, Japanese,
German, sections, a figure, a table, code and footnotes): structure read back from the zip,
metadata, navigation, determinism, and EPUBCheck."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from tests.a11y_helpers import epub_claim_problems
from tests.conftest import REPO
from tests.epub_helpers import NS, Epub, epubcheck, multilingual_issue
from zine.editions import epub
from zine.editions.epub.docs import EpubBuildError
from zine.model.rendered import Fragment

GENERATED_NAME = re.compile(
    r"^(mimetype|META-INF/container\.xml|EPUB/content\.opf|EPUB/toc\.ncx"
    r"|EPUB/(cover|titlepage|nav|coops|colophon|article-\d\d|section-\d\d)\.xhtml"
    r"|EPUB/images/cover\.(png|jpg|gif|webp|svg)|EPUB/media/[0-9a-f]+\.(png|jpg|gif|webp|svg)"
    r"|EPUB/styles/[a-z-]+\.css|EPUB/styles/fonts/[A-Za-z0-9-]+\.(ttf|otf|woff2?))$"
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        rendered = multilingual_issue(tmp_path_factory.mktemp("src"))
        return epub.render(rendered, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def built(outputs: list[Path]) -> Epub:
    path = outputs[0]
    assert path.name == "01-test.epub" and path.parent.name == "01-test"
    return Epub.open(path)


def test_render_writes_the_issue_then_one_offprint_per_published_article(
        outputs: list[Path]) -> None:
    root = outputs[0].parent
    assert [p.relative_to(root).as_posix() for p in outputs] == [
        "01-test.epub", "offprints/editorial.epub", "offprints/35c3-report.epub",
        "offprints/arabic.epub", "offprints/japanese.epub"]


def test_an_offprint_is_the_article_alone_in_its_language(outputs: list[Path]) -> None:
    offprint = Epub.open(outputs[3])
    assert offprint.dc("title") == ["التعاونيات التقنية"]
    assert offprint.dc("language") == ["ar"] and offprint.dc("creator") == ["ليلى"]
    assert offprint.opf.find(".//opf:spine", NS).get("page-progression-direction") == "rtl"
    assert [n for n in offprint.spine() if "/article-" in n] == ["EPUB/article-01.xhtml"]
    issue_id = Epub.open(outputs[0]).dc("identifier")
    assert offprint.dc("identifier") != issue_id
    colophon = "".join(offprint.xml("EPUB/colophon.xhtml").itertext())
    assert offprint.dc("identifier")[0] in colophon


@pytest.mark.slow
def test_offprints_pass_epubcheck(outputs: list[Path]) -> None:
    for path in outputs[1:]:
        assert [m for m in epubcheck(path, usage=True) if " CSS-028 " not in m] == [], path


@pytest.mark.slow
def test_epubcheck_reports_nothing_not_even_usage(built: Epub) -> None:
    assert epubcheck(built.path) == []
    usage = epubcheck(built.path, usage=True)
    # CSS-028 only says "Use of Font-face declaration": embedding the fonts is intended.
    assert [m for m in usage if " CSS-028 " not in m] == []


def test_mimetype_is_the_first_entry_and_stored(built: Epub) -> None:
    first = built.infos[0]
    assert first.filename == "mimetype"
    assert first.compress_type == zipfile.ZIP_STORED and not first.extra
    assert built.files["mimetype"] == b"application/epub+zip"
    assert built.names[1:3] == ["META-INF/container.xml", "EPUB/content.opf"]


def test_every_zip_entry_has_the_issue_date_as_time(built: Epub) -> None:
    assert {info.date_time for info in built.infos} == {(2019, 3, 1, 0, 0, 0)}


def test_package_metadata_describes_the_issue(built: Epub) -> None:
    assert built.dc("identifier") == ["urn:uuid:5138074b-0e41-5cb4-ab00-886689f5becd"]
    assert built.dc("title") == ["No masters, no slaves"]
    assert built.dc("language") == ["en", "ar", "de", "ja"]
    assert built.dc("creator") == ["Jo Example", "Sam Muster", "IT-Kollektiv", "ليلى", "山田 花子"]
    assert built.dc("contributor") == ["Ed Itor"]
    assert built.dc("publisher") == ["Tech-Coops Network"]
    assert built.dc("description") == ["The first issue."]
    assert "CC-BY-SA-4.0" in built.dc("rights")[0] and "CC-BY-4.0" in built.dc("rights")[0]
    assert built.meta("dcterms:modified") == ["2019-03-01T00:00:00Z"]
    assert built.meta("belongs-to-collection") == ["Tech-Coops Zine"]
    refines = {(m.get("refines"), m.get("property")): m.text
               for m in built.opf.findall(".//opf:meta[@refines]", NS)}
    assert refines[("#series", "collection-type")] == "series"
    assert refines[("#series", "group-position")] == "1"
    assert refines[("#creator-01", "role")] == "aut"
    assert refines[("#editor-01", "role")] == "edt"


def test_accessibility_metadata_is_declared(built: Epub) -> None:
    assert sorted(built.meta("schema:accessMode")) == ["textual", "visual"]
    assert built.meta("schema:accessModeSufficient") == ["textual"]
    assert {"structuralNavigation", "tableOfContents", "alternativeText", "readingOrder"} <= set(
        built.meta("schema:accessibilityFeature"))
    assert built.meta("schema:accessibilityHazard") == ["none"]
    assert built.meta("schema:accessibilitySummary")[0]
    assert built.meta("dcterms:conformsTo") == ["EPUB Accessibility 1.1 - WCAG 2.1 Level AA"]
    assert built.meta("a11y:certifiedBy") == [built.dc("publisher")[0]]


def test_accessibility_claims_are_true_for_every_book(outputs: list[Path]) -> None:
    for path in outputs:
        assert epub_claim_problems(path) == [], path


def test_the_claim_check_catches_a_false_claim(outputs: list[Path], tmp_path: Path) -> None:
    """A MathML claim in a book without MathML is caught: the check compares the metadata
    with the content."""
    source = outputs[1]
    with zipfile.ZipFile(source) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    opf = files["EPUB/content.opf"].decode()
    opf = opf.replace('<meta property="schema:accessibilityHazard">none</meta>',
                      '<meta property="schema:accessibilityFeature">MathML</meta>'
                      '<meta property="schema:accessibilityHazard">none</meta>')
    files["EPUB/content.opf"] = opf.encode()
    forged = tmp_path / "forged.epub"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert "no MathML, none claimed" in epub_claim_problems(forged)


def test_cover_image_is_marked_and_shown_first(built: Epub) -> None:
    [cover] = built.opf.findall(".//opf:item[@properties='cover-image']", NS)
    assert cover.get("href") == "images/cover.png"
    assert built.spine()[:3] == ["EPUB/cover.xhtml", "EPUB/titlepage.xhtml", "EPUB/nav.xhtml"]
    page = built.xml("EPUB/cover.xhtml")
    assert page.find(".//x:img", NS).get("src") == "images/cover.png"


def _article_titles(doc: Epub, name: str) -> str:
    return doc.xml(name).findtext(".//x:h1", namespaces=NS) or ""


def test_nav_order_is_the_article_order_grouped_by_section(built: Epub) -> None:
    nav = built.xml("EPUB/nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)
    links = [a.get("href") for a in nav.iter("{http://www.w3.org/1999/xhtml}a")]
    assert links == ["article-01.xhtml", "section-02.xhtml", "article-02.xhtml",
                     "section-03.xhtml", "article-03.xhtml", "article-04.xhtml",
                     "coops.xhtml", "colophon.xhtml"]
    articles = [n for n in built.spine() if "/article-" in n]
    assert [_article_titles(built, n) for n in articles] == [
        "Editorial", "Tech-Coops auf dem 35c3", "التعاونيات التقنية", "技術協同組合"]
    sections = nav.findall("x:ol/x:li[@class='toc-section']", NS)
    assert [s.findtext("x:a", namespaces=NS) for s in sections] == ["Reports", "Voices"]
    ncx = built.xml("EPUB/toc.ncx")
    sources = [c.get("src") for c in ncx.iter(f"{{{NS['ncx']}}}content")]
    assert sources == links


def test_landmarks_point_at_cover_toc_and_body(built: Epub) -> None:
    marks = built.xml("EPUB/nav.xhtml").find(".//x:nav[@epub:type='landmarks']", NS)
    found = {a.get(f"{{{NS['epub']}}}type"): a.get("href") for a in marks.iter(f"{{{NS['x']}}}a")}
    assert found["cover"] == "cover.xhtml" and found["toc"] == "nav.xhtml"
    assert found["bodymatter"] == "article-01.xhtml"


def test_every_document_declares_lang_xml_lang_and_dir(built: Epub) -> None:
    expected = {"article-01": ("en", "ltr"), "article-02": ("de", "ltr"),
                "article-03": ("ar", "rtl"), "article-04": ("ja", "ltr")}
    for name in built.spine():
        root = built.xml(name)
        lang = root.get("lang")
        assert lang and root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
        assert root.get("dir") in ("ltr", "rtl")
        key = Path(name).stem
        if key in expected:
            assert (lang, root.get("dir")) == expected[key]


def test_article_has_title_subtitle_and_byline_with_coops(built: Epub) -> None:
    page = built.xml("EPUB/article-02.xhtml")
    assert page.findtext(".//x:p[@role='doc-subtitle']", namespaces=NS) == "Bericht und Vortrag"
    byline = "".join(page.find(".//x:p[@class='byline']", NS).itertext())
    assert byline == "von Sam Muster (Hostsharing eG) und IT-Kollektiv"
    assert page.find(".//x:figure/x:figcaption", NS).text == "Das Zelt der Kooperativen"
    assert page.find(".//x:table", NS) is not None
    assert page.find(".//x:pre[@class='code']", NS) is not None


def test_footnotes_carry_epub_types_for_popups(built: Epub) -> None:
    page = built.xml("EPUB/article-03.xhtml")
    ref = page.find(".//x:a[@role='doc-noteref']", NS)
    note = page.find(".//x:aside[@role='doc-footnote']", NS)
    assert ref.get(f"{{{NS['epub']}}}type") == "noteref"
    assert note.get(f"{{{NS['epub']}}}type") == "footnote"
    assert ref.get("href") == f"#{note.get('id')}"


def test_no_script_and_no_scripted_property(built: Epub) -> None:
    properties = " ".join(i.get("properties") or "" for i in built.opf.iter(f"{{{NS['opf']}}}item"))
    assert "scripted" not in properties
    for name, data in built.files.items():
        if name.endswith(".xhtml"):
            assert b"<script" not in data


def test_every_internal_name_is_generated_not_from_contributors(built: Epub) -> None:
    for name in built.names:
        assert GENERATED_NAME.match(name), name
        assert not any(slug in name for slug in ("editorial", "35c3", "arabic", "japanese"))


def test_images_come_from_the_rendered_media(built: Epub) -> None:
    rendered = multilingual_issue(Path("unused"))
    [(name, item)] = rendered.media.items()
    assert built.files[f"EPUB/{name}"] == item.data
    assert built.files["EPUB/images/cover.png"] == rendered.cover.data


def test_drafts_are_left_out(built: Epub) -> None:
    text = b"".join(data for name, data in built.files.items() if name.endswith(".xhtml"))
    assert b"Not yet" not in text


def test_coop_directory_lists_only_contributing_coops(built: Epub) -> None:
    page = built.xml("EPUB/coops.xhtml")
    names = [h.text for h in page.findall(".//x:section[@class='coop']/x:h2", NS)]
    assert names == ["Hostsharing eG", "IT-Kollektiv"]


def test_colophon_names_each_article_license(built: Epub) -> None:
    page = built.xml("EPUB/colophon.xhtml")
    credits = ["".join(li.itertext()) for li in page.findall(".//x:ul[@class='credits']/x:li", NS)]
    assert len(credits) == 4
    assert credits[1].startswith("Tech-Coops auf dem 35c3") and credits[1].endswith("CC BY 4.0")
    assert all(c.endswith(("CC BY-SA 4.0", "CC BY 4.0")) for c in credits)


def test_stylesheets_and_their_fonts_are_in_the_manifest(built: Epub) -> None:
    manifest = {i.get("href") for i in built.opf.iter(f"{{{NS['opf']}}}item")}
    for name, data in built.files.items():
        if not name.endswith(".css"):
            continue
        folder = Path(name).parent.relative_to("EPUB")
        for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)", data.decode()):
            assert str(folder / ref) in manifest, ref
    page = built.xml("EPUB/article-01.xhtml")
    links = [link.get("href") for link in page.findall(".//x:link", NS)]
    assert links and all(link in manifest for link in links)


def test_source_date_epoch_sets_every_timestamp(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    path = tmp_path / "issue.epub"
    path.write_bytes(epub.build_epub(multilingual_issue(tmp_path)))
    doc = Epub.open(path)
    assert doc.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert {info.date_time for info in doc.infos} == {(2023, 11, 14, 22, 13, 20)}


_BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.epub_helpers import multilingual_issue
from zine.editions import epub
print(epub.render(multilingual_issue(Path.cwd()), Path(sys.argv[1]))[0])
"""


@pytest.mark.slow
def test_two_builds_are_byte_identical_across_folders_time_zones_and_hash_seeds(
        tmp_path: Path) -> None:
    outputs = []
    for run, (tz, seed) in enumerate((("UTC", "0"), ("Asia/Tokyo", "4242"))):
        folder = tmp_path / f"run{run}" / ("nested/" * run)
        folder.mkdir(parents=True)
        env = {**os.environ, "TZ": tz, "PYTHONHASHSEED": seed}
        env.pop("SOURCE_DATE_EPOCH", None)
        done = subprocess.run([sys.executable, "-c", _BUILD.format(repo=str(REPO)),
                               str(folder / "out")], cwd=folder, env=env, check=True,
                              capture_output=True, text=True)
        outputs.append(Path(done.stdout.strip()).read_bytes())
    assert outputs[0] == outputs[1]


def test_a_broken_image_reference_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    rendered = multilingual_issue(tmp_path)
    article = rendered.fragments["editorial"].article
    bad = Fragment(article, '<p><img src="../../etc/passwd" alt="x"/></p>')
    rendered = replace(rendered, fragments={**rendered.fragments, "editorial": bad})
    with pytest.raises(EpubBuildError, match="not a generated media name"):
        epub.render(rendered, tmp_path / "out")
    assert not (tmp_path / "out" / "01-test" / "01-test.epub").exists()


def test_malformed_fragment_names_the_article(tmp_path: Path) -> None:
    rendered = multilingual_issue(tmp_path)
    article = rendered.fragments["japanese"].article
    bad = Fragment(article, "<p>unclosed")
    rendered = replace(rendered, fragments={**rendered.fragments, "japanese": bad})
    with pytest.raises(EpubBuildError, match=r"japanese\.md"):
        epub.render(rendered, tmp_path / "out")


def test_epub_css_drops_the_properties_epub_forbids() -> None:
    css = b"pre { direction: ltr; flex-direction: row; unicode-bidi: embed }\np { color: red }"
    assert epub.epub_css(css) == b"pre { flex-direction: row; }\np { color: red }"


def _variant(tmp_path: Path, **changes: object) -> Epub:
    rendered = multilingual_issue(tmp_path)
    rendered = replace(rendered, issue=replace(rendered.issue, **changes))
    path = tmp_path / "issue.epub"
    path.write_bytes(epub.build_epub(rendered))  # the issue alone, without offprints
    return Epub.open(path)


@pytest.mark.slow
def test_an_arabic_issue_progresses_right_to_left(tmp_path: Path) -> None:
    built = _variant(tmp_path, language="ar", title="العدد الأول")
    assert built.opf.find(".//opf:spine", NS).get("page-progression-direction") == "rtl"
    assert built.dc("language")[0] == "ar"
    title_page = built.xml("EPUB/titlepage.xhtml")
    assert (title_page.get("lang"), title_page.get("dir")) == ("ar", "rtl")
    assert [m for m in epubcheck(built.path, usage=True) if " CSS-028 " not in m] == []


def test_an_issue_without_number_belongs_to_no_series(tmp_path: Path) -> None:
    built = _variant(tmp_path, number=None)
    assert built.meta("belongs-to-collection") == []
    assert built.meta("group-position") == []


def test_a_scripted_svg_is_refused(tmp_path: Path) -> None:
    rendered = multilingual_issue(tmp_path)
    [(name, item)] = rendered.media.items()
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    bad = replace(item, media_type="image/svg+xml", data=svg)
    rendered = replace(rendered, media={name: bad})
    with pytest.raises(EpubBuildError, match="contains script"):
        epub.render(rendered, tmp_path / "out")
