"""The EPUB edition on the real pipeline (loader -> render -> epub): the sample issue and a
fixture tree with Arabic (RTL) and Japanese articles, each checked by EPUBCheck and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.a11y_helpers import ace_failures, epub_claim_problems, epub_dark_contrast_failures
from tests.conftest import REPO
from tests.epub_helpers import NS, Epub, epubcheck, write_multilingual_tree
from tests.pipeline_helpers import render_project
from zine.editions import epub
from zine.model.rendered import RenderedIssue


def _build(root: Path, out: Path) -> list[tuple[RenderedIssue, Epub]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)
        return [(r, Epub.open(epub.render(r, out)[0])) for r in render_project(root)]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[RenderedIssue, Epub]]:
    return _build(REPO, tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> tuple[RenderedIssue, Epub]:
    root = write_multilingual_tree(tmp_path_factory.mktemp("tree"))
    [built] = _build(root, tmp_path_factory.mktemp("out"))
    return built


def _clean(path: Path) -> list[str]:
    """EPUBCheck messages of every level, except the informational one about @font-face."""
    return [m for m in epubcheck(path, usage=True) if " CSS-028 " not in m]


@pytest.mark.slow
def test_sample_issue_passes_epubcheck_without_warnings(
        sample: list[tuple[RenderedIssue, Epub]]) -> None:
    assert sample
    for _, built in sample:
        assert epubcheck(built.path) == []
        assert _clean(built.path) == []


@pytest.mark.slow
def test_multilingual_issue_passes_epubcheck_without_warnings(
        multilingual: tuple[RenderedIssue, Epub]) -> None:
    _, built = multilingual
    assert epubcheck(built.path) == []
    assert _clean(built.path) == []


@pytest.mark.slow
def test_every_sample_and_multilingual_book_passes_ace_by_daisy(
        sample: list[tuple[RenderedIssue, Epub]],
        multilingual: tuple[RenderedIssue, Epub]) -> None:
    """The issues and all their offprints, in one Ace run: 0 violations of any impact, and
    every accessibility claim borne out by the content."""
    books = sorted({p for _, built in [*sample, multilingual]
                    for p in built.path.parent.rglob("*.epub")})
    assert len(books) >= 2 + len(sample[0][0].fragments)
    assert ace_failures(books) == []
    for book in books:
        assert epub_claim_problems(book) == [], book


@pytest.mark.slow
def test_the_sample_issue_keeps_its_contrast_in_a_dark_colour_scheme(
        sample: list[tuple[RenderedIssue, Epub]], tmp_path: Path) -> None:
    """Code blocks switch background and colours together; other text takes the reading
    system's colour (tests/a11y_helpers.py: axe on every content document, dark)."""
    assert epub_dark_contrast_failures(sample[0][1].path, tmp_path) == []


def _toc_titles(built: Epub) -> list[str]:
    nav = built.xml("EPUB/nav.xhtml").find(".//x:nav[@epub:type='toc']", NS)
    return ["".join(a.itertext()) for a in nav.findall(".//x:li[@class='toc-article']/x:a", NS)]


def test_sample_nav_lists_the_published_articles_in_order(
        sample: list[tuple[RenderedIssue, Epub]]) -> None:
    for rendered, built in sample:
        published = [a.title for a in rendered.issue.published if a.slug in rendered.fragments]
        assert _toc_titles(built) == published
        assert built.dc("identifier")[0].startswith("urn:uuid:")
        assert built.dc("title") == [rendered.issue.title]


def test_sample_footnotes_are_popup_footnotes(
        sample: list[tuple[RenderedIssue, Epub]]) -> None:
    notes = 0
    for _, built in sample:
        for name in built.spine():
            page = built.xml(name)
            for aside in page.findall(".//x:aside[@role='doc-footnote']", NS):
                assert aside.get(f"{{{NS['epub']}}}type") == "footnote"
                notes += 1
            for ref in page.findall(".//x:a[@role='doc-noteref']", NS):
                assert ref.get(f"{{{NS['epub']}}}type") == "noteref"
    assert notes > 0


def test_multilingual_articles_carry_their_language_and_direction(
        multilingual: tuple[RenderedIssue, Epub]) -> None:
    _, built = multilingual
    assert _toc_titles(built) == ["التعاونيات التقنية في كل مكان", "技術協同組合",
                                  "Notes with a figure"]
    found = []
    for name in built.spine():
        if "/article-" in name:
            root = built.xml(name)
            xml_lang = root.get("{http://www.w3.org/XML/1998/namespace}lang")
            found.append((root.get("lang"), xml_lang, root.get("dir")))
    assert found == [("ar", "ar", "rtl"), ("ja", "ja", "ltr"), ("en", "en", "ltr")]
    assert built.dc("language") == ["en", "ar", "ja"]
    assert built.meta("belongs-to-collection") == ["Tech-Coops Zine"]
    assert built.meta("group-position") == ["7"]


def test_multilingual_figure_uses_a_generated_media_name(
        multilingual: tuple[RenderedIssue, Epub]) -> None:
    rendered, built = multilingual
    page = built.xml("EPUB/article-03.xhtml")
    img = page.find(".//x:figure/x:img", NS)
    assert img.get("src") in rendered.media and "square" not in img.get("src")
    assert built.files[f"EPUB/{img.get('src')}"] == rendered.media[img.get("src")].data


def test_sample_builds_are_byte_identical(tmp_path: Path,
                                          sample: list[tuple[RenderedIssue, Epub]]) -> None:
    again = _build(REPO, tmp_path / "again")
    assert [b.path.read_bytes() for _, b in again] == [b.path.read_bytes() for _, b in sample]


@pytest.mark.slow
def test_zine_build_format_epub_writes_the_issue_epub(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    from zine.cli import main

    (tmp_path / "tree").mkdir()
    root = write_multilingual_tree(tmp_path / "tree")
    out = tmp_path / "build"
    assert main(["--root", str(root), "build", "--format", "epub", "--out", str(out)]) == 0
    built = Epub.open(out / "07-across-scripts" / "07-across-scripts.epub")
    assert built.dc("title") == ["Across scripts"]
    assert "Traceback" not in capsys.readouterr().err
