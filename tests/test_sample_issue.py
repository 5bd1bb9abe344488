"""The sample issue exercises the pipeline: languages, images, tables, code, footnotes, anchors.

Issue 1 ("No masters, no slaves") is the default content of the repository and the fixture that
the edition tests build. These tests read it the way the pipeline does (``zine.load.loader``, which
parses every body once with ``zine.load.markdown.parse_body``) and assert that it still contains
every feature the editions must handle, that ``zine check`` finds nothing wrong with it, and
that the HTML edition keeps languages, anchors, captions and code.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from lxml import etree
from PIL import Image, ImageChops, ImageStat

from tests.conftest import REPO
from zine.check.run import check_project
from zine.cli import main
from zine.load.loader import load_project
from zine.load.markdown import parse_body
from zine.model import Article, Issue, Zine
from zine.text.ids import slugify

SAMPLE_ID = "01-no-masters-no-slaves"
SAMPLE = REPO / "issues" / SAMPLE_ID
MAX_IMAGE_BYTES = 200 * 1024
IMAGE_TOOL = REPO / "tools" / "make_sample_images.py"


@pytest.fixture(scope="module")
def zine() -> Zine:
    loaded, diags = load_project(REPO, [SAMPLE])
    assert [d.format() for d in diags] == []
    return loaded


@pytest.fixture(scope="module")
def issue(zine: Zine) -> Issue:
    (found,) = [i for i in zine.issues if i.id == SAMPLE_ID]
    return found


def token_types(article: Article) -> set[str]:
    return {token.type for token in article.body.tokens}


def inline_types(article: Article) -> set[str]:
    return {child.type for token in article.body.tokens for child in token.children or []}


def rendered_text(article: Article) -> str:
    """The text of the body after smart typography, without markup."""
    return "".join(child.content for token in article.body.tokens for child in token.children or []
                   if child.type == "text")


def test_sample_issue_metadata_matches_the_contract(issue: Issue) -> None:
    assert issue.number == 1
    assert issue.date is not None and issue.date.isoformat() == "2019-03-01"
    assert issue.language == "en"
    assert issue.license == "CC-BY-SA-4.0"
    assert issue.description
    assert [e.name for e in issue.editors] == ["Zine editorial collective"]
    assert [s.title for s in issue.sections if s.title] == [
        "Reports from 35c3", "Practice", "Across borders"]


def test_sample_issue_has_six_published_articles_of_real_length(issue: Issue) -> None:
    assert len(issue.published) >= 6
    for article in issue.articles:
        assert 400 <= article.body.words <= 1200, (article.slug, article.body.words)


def test_sample_issue_is_written_in_more_than_one_language(issue: Issue) -> None:
    languages = {article.language for article in issue.published}
    assert {"en", "de", "fr"} <= languages
    german = [a for a in issue.published if a.language == "de" and not a.translation_of]
    assert german and german[0].body.words >= 400
    # Typed as straight quotes; the parser turns them into the marks of each language.
    assert '"Tech-Coops: No masters, no slaves"' in german[0].source
    assert "„Tech-Coops: No masters, no slaves“" in rendered_text(german[0])
    english = next(a for a in issue.published if a.slug == "starting-a-tech-coop")
    assert '"How do we get started?"' in english.source
    assert "“How do we get started?”" in rendered_text(english)


def test_sample_issue_has_a_german_edition_with_a_real_translation(issue: Issue) -> None:
    assert issue.languages == ("en", "de")
    [group] = [g for g in issue.groups if g.translations]
    [german] = group.translations
    assert (group.original.slug, german.slug, german.language) == ("editorial", "editorial-de",
                                                                   "de")
    assert [t.name for t in german.translators] == ["Zine editorial collective"]
    assert german.body.words >= 400
    assert [h.text for h in german.body.headings] != [h.text for h in group.original.body.headings]
    assert issue.translations["de"].title == "Keine Herren, keine Knechte"
    assert [s.title_in("de") for s in issue.sections if s.title] == [
        "Berichte vom 35c3", "Praxis", "Über Grenzen hinweg"]


def test_sample_issue_images_have_alt_text_caption_and_stay_small(issue: Issue) -> None:
    images = [(a, image) for a in issue.published for image in a.body.images]
    formats = set()
    for article, image in images:
        assert image.path is not None, f"{article.slug}: {image.src} does not resolve"
        assert image.path.parent == article.folder and article.path.name == "index.md"
        assert image.alt and image.title, f"{article.slug}: {image.src} needs alt and title"
        assert image.path.stat().st_size < MAX_IMAGE_BYTES
        with Image.open(image.path) as opened:
            opened.verify()
            formats.add(opened.format)
            assert opened.width >= 800
    assert formats == {"PNG", "JPEG"}
    assert issue.cover is not None
    with Image.open(issue.cover) as cover:
        assert cover.format == "PNG" and cover.height > cover.width >= 1000
    assert issue.cover.stat().st_size < MAX_IMAGE_BYTES


def test_sample_issue_has_a_table_a_code_block_and_footnotes(issue: Issue) -> None:
    tables = [a.slug for a in issue.published if "table_open" in token_types(a)]
    fences = [t.info.strip() for a in issue.published for t in a.body.tokens
              if t.type == "fence"]
    footnoted = [a.slug for a in issue.published
                 if a.body.footnotes and "footnote_ref" in inline_types(a)]
    assert len(tables) >= 2
    assert "yaml" in fences and all(fences)
    assert len(footnoted) >= 3


def test_sample_internal_anchor_links_name_a_heading_of_the_same_article(issue: Issue) -> None:
    anchors = 0
    for article in issue.articles:
        ids = {heading.id for heading in article.body.headings}
        for link in article.body.links:
            if link.href.startswith("#"):
                anchors += 1
                assert link.href[1:] in ids, f"{article.slug}: {link.href} matches no heading"
    assert anchors >= 2


def test_sample_uses_only_the_documented_markdown(issue: Issue) -> None:
    for article in issue.articles:
        assert article.body.raw_html == (), article.slug
        assert article.body.demoted_h1 == (), article.slug
        assert all(h.level >= 2 for h in article.body.headings)


def test_sample_is_signed_by_collectives_with_known_coops(zine: Zine, issue: Issue) -> None:
    coops = {author.coop for a in issue.articles for author in a.authors if author.coop}
    assert coops and coops <= set(zine.coops)
    assert "it-kollektiv" in issue.coop_ids()
    drafts = [a.slug for a in issue.articles if a.draft]
    assert drafts == ["unions-and-coops"]


def test_coops_directory_has_real_countries_and_urls(zine: Zine) -> None:
    assert {"it-kollektiv", "cotech"} <= set(zine.coops)
    assert zine.coops["it-kollektiv"].country == "DE"
    assert zine.coops["cotech"].country == "GB"
    for coop in zine.coops.values():
        assert re.fullmatch(r"[A-Z]{2}", coop.country), coop.id
        assert coop.url.startswith("https://") and coop.url.endswith("/"), coop.id
        assert len(coop.description.split()) >= 15, coop.id
    assert "komona" not in zine.coops  # a space at the congress, not a cooperative


def test_zine_yaml_is_the_publication(zine: Zine) -> None:
    assert zine.title == "Tech-Coops Zine"
    assert zine.url == "https://zine.example.org/"
    assert (zine.language, zine.license) == ("en", "CC-BY-SA-4.0")


def test_parse_body_gives_the_same_anchor_ids_as_slugify(issue: Issue) -> None:
    article = next(a for a in issue.published if a.slug == "starting-a-tech-coop")
    body = parse_body(article.source, language=article.language, path=article.path,
                      first_line=article.body_line, folder=article.folder)
    assert [h.id for h in body.headings] == [slugify(h.text) for h in body.headings]
    assert "where-to-get-help" in {h.id for h in body.headings}
    assert body.images[0].pos.line > article.body_line


def test_zine_check_finds_no_problem_in_the_sample() -> None:
    diags = check_project([SAMPLE], root=REPO)
    assert [d.format() for d in diags] == []


def test_zine_check_command_exits_0_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(REPO), "check", str(SAMPLE)]) == 0
    assert capsys.readouterr().err == ""


def load_image_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_images", IMAGE_TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mean_difference(first: Path, second: Path) -> float:
    with Image.open(first) as a, Image.open(second) as b:
        assert a.size == b.size and a.mode == b.mode
        stat = ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB")))
    return max(stat.mean)


def test_sample_images_are_what_the_committed_script_draws(tmp_path: Path) -> None:
    if not Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf").is_file():
        pytest.skip("the sample images were drawn with DejaVu fonts, which are not installed")
    drawn = load_image_tool().make_images(tmp_path)
    assert len(drawn) == 3
    for path in drawn:
        committed = SAMPLE / path.relative_to(tmp_path)
        # PNG is lossless: the same pixels; JPEG decoders may differ by a rounding step.
        limit = 0.0 if path.suffix == ".png" else 1.0
        assert mean_difference(path, committed) <= limit, committed


@pytest.mark.slow
def test_sample_html_edition_keeps_languages_anchors_captions_and_code(tmp_path: Path) -> None:
    out = tmp_path / "build"
    assert main(["--root", str(REPO), "build", SAMPLE_ID, "--format", "html", "--out", str(out),
                 "--quiet"]) == 0
    pages = {slug: etree.parse(str(out / SAMPLE_ID / f"{slug}.html"), etree.HTMLParser())
             for slug in ("no-masters-no-slaves", "starting-a-tech-coop", "35c3-assembly")}
    german = pages["no-masters-no-slaves"]
    assert german.xpath("//*[@lang='de']//h2"), "the German article is marked lang=de"
    for page in pages.values():
        ids = set(page.xpath("//@id"))
        for href in page.xpath("//a[starts-with(@href, '#')]/@href"):
            assert href[1:] in ids, f"{href} has no target on its page"
    guide = pages["starting-a-tech-coop"]
    caption = "".join(guide.xpath("//figure/figcaption//text()"))
    assert caption.startswith("From an idea to a tech coop")
    assert guide.xpath("//figure/img[starts-with(@alt, 'Five boxes')]")
    assert "decisions:" in "".join(guide.xpath("//pre/code[contains(@class, 'yaml')]//text()"))
    report = pages["35c3-assembly"]
    assert report.xpath("//table//th") and report.xpath("//figure/img[@alt]")
