"""The print PDF, read back: A5 pages, contents that tell the truth, outline, fonts, tags,
footnotes on the page of their call, and byte-identical builds.

Built once per module from the hand-made issue in ``tests/pdf_helpers.py`` (English, Arabic,
Japanese articles, sections, a figure, a table, code, footnotes).
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests import pdf_helpers as helpers
from tests.conftest import require_tool
from tests.pdf_helpers import (
    make_rendered_issue,
    outline_entries,
    page_texts,
    pdffonts,
    squash,
)
from zine.editions import pdf
from zine.editions.pdf import typeset
from zine.editions.pdf.parts import plan_parts
from zine.model.rendered import Fragment, MediaItem, RenderedIssue
from zine.safety.fetcher import Styles

pytestmark = pytest.mark.slow

A5 = (419.53, 595.28)
clean = squash


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("pdftotext")
    out = tmp_path_factory.mktemp("pdf")
    paths = pdf.render(make_rendered_issue(), out)
    assert paths[0] == out / "01-test" / "01-test.pdf"
    assert all(p.parent == out / "01-test" / "offprints" for p in paths[1:])  # offprints
    return paths[0]


@pytest.fixture(scope="module")
def texts(built: Path) -> list[str]:
    return page_texts(built)


def contents_numbers(texts: list[str]) -> dict[str, int]:
    return helpers.contents_numbers(make_rendered_issue(), texts)


def test_every_page_is_a5(built: Path) -> None:
    reader = PdfReader(str(built))
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A5, abs=0.05)


def test_contents_page_numbers_are_the_real_first_pages(texts: list[str]) -> None:
    rendered = make_rendered_issue()
    openings = helpers.opening_pages(rendered, texts)
    for title, number in contents_numbers(texts).items():
        assert openings[title] == [number], title


def test_articles_start_on_right_hand_pages(texts: list[str]) -> None:
    assert all(number % 2 == 1 for number in contents_numbers(texts).values())


def test_outline_has_one_entry_per_article_on_its_first_page(built: Path,
                                                               texts: list[str]) -> None:
    entries = outline_entries(built)
    numbers = contents_numbers(texts)
    for title, number in numbers.items():
        matching = [e for e in entries if e[0] == title]
        assert len(matching) == 1, title
        assert matching[0][2] == number, title


def test_outline_groups_articles_under_their_sections(built: Path) -> None:
    entries = [(title, depth) for title, depth, _ in outline_entries(built)]
    assert entries == [
        ("Why a zine", 1), ("Reports", 1), ("Tech-coops at 35c3", 2),
        ("Across borders", 1), ("التعاونيات التقنية في العالم العربي", 2),
        ("日本の技術協同組合", 2), ("The cooperatives in this issue", 1), ("Colophon", 1)]


def test_every_font_is_embedded(built: Path) -> None:
    require_tool("pdffonts")
    rows = pdffonts(built)
    assert rows
    assert [r["name"] for r in rows if r["emb"] != "yes"] == []
    names = " ".join(r["name"] for r in rows)
    assert "Arabic" in names and "CJK" in names  # the system Noto fallbacks


def test_the_text_of_every_article_is_in_the_pdf(texts: list[str]) -> None:
    everything = clean("".join(texts))
    for phrase in ("Cooperativespooltheirwork", "التعاونياتالتقنيةتجمع",
                   "技術協同組合は", "defpool(work):", "Theassemblyat35c3"):
        assert phrase in everything, phrase


def test_footnotes_are_printed_on_the_page_of_their_call(texts: list[str]) -> None:
    pairs = [("Wherethisstarted", "FirstmetatThe34c3"),
             ("Afterthefigure,asecondnote", "Countedbyhandatthedoor")]
    for call, note in pairs:
        call_pages = [i for i, t in enumerate(texts) if call in clean(t)]
        assert len(call_pages) == 2  # once in each English article
        for index in call_pages:
            assert note.lower() in clean(texts[index]).lower(), (call, index + 1)


def test_footnote_numbers_restart_in_each_article(texts: list[str]) -> None:
    notes = [line.strip() for t in texts for line in t.splitlines()
             if line.strip().endswith(("2017.", "door."))]
    assert notes == ["1. First met at the 34c3, in 2017.", "2. Counted by hand at the door."] * 2


def test_the_pdf_is_tagged_with_a_language(built: Path) -> None:
    root = PdfReader(str(built)).trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    tree = root["/StructTreeRoot"].get_object()
    kinds: set[str] = set()

    def walk(node: object) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, dict):
            if "/S" in node:
                kinds.add(str(node["/S"]))
            walk(node.get("/K"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(tree["/K"])
    assert {"/Document", "/H1", "/H2", "/P", "/Figure", "/Table", "/Link"} <= kinds


def test_metadata_names_the_issue_and_its_authors(built: Path) -> None:
    meta = PdfReader(str(built)).metadata
    assert meta is not None
    assert meta.title == "Tech-Coops Zine: No masters, no slaves"
    assert "Jo Example" in (meta.author or "")
    assert meta["/CreationDate"] == meta["/ModDate"]


def test_dates_come_from_source_date_epoch(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = pdf.render(make_rendered_issue(), tmp_path)[0]
    meta = PdfReader(str(path)).metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith("D:20231114221320")


def test_the_cover_fills_the_first_page_to_the_edge(built: Path, tmp_path: Path) -> None:
    require_tool("pdftoppm")
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(built),
                    str(tmp_path / "cover")], check=True)
    from PIL import Image

    image = Image.open(next(tmp_path.glob("cover*.png"))).convert("RGB")
    w, h = image.size
    for xy in ((1, 1), (w - 2, 1), (1, h - 2), (w - 2, h - 2), (w // 2, h // 2)):
        assert image.getpixel(xy) == pytest.approx((30, 60, 110), abs=3)


BUILD = """
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from tests.pdf_helpers import make_rendered_issue
from zine.editions import pdf
pdf.render(make_rendered_issue(), Path(sys.argv[1]))
"""


def test_two_builds_in_two_folders_are_byte_identical(built: Path, tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[1]
    env = {**os.environ, "TZ": "Pacific/Kiritimati", "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    other = tmp_path / "elsewhere" / "deeper"
    subprocess.run([sys.executable, "-c", BUILD, str(other), str(repo)], check=True,
                   env=env, cwd=tmp_path)
    assert (other / "01-test" / "01-test.pdf").read_bytes() == built.read_bytes()


def _with_fragment(html: str, media: dict[str, MediaItem] | None = None) -> RenderedIssue:
    rendered = make_rendered_issue()
    fragments = dict(rendered.fragments)
    fragments["report"] = Fragment(fragments["report"].article, html)
    return dataclasses.replace(rendered, fragments=fragments,
                               media={**rendered.media, **(media or {})})


def _failure(rendered: RenderedIssue, out: Path) -> list[str]:
    with pytest.raises(pdf.PdfBuildError) as caught:
        pdf.render(rendered, out)
    assert list(out.rglob("*")) == []  # nothing written, not even a temporary file
    return [d.format() for d in caught.value.diagnostics]


def test_a_refused_resource_fails_the_build_naming_the_article(tmp_path: Path) -> None:
    rendered = _with_fragment('<p><img src="file:///etc/passwd" alt="x"/>'
                              '<img src="media/missing.png" alt="y"/></p>')
    lines = _failure(rendered, tmp_path)
    assert len(lines) == 2
    assert all(line.startswith("/virtual/zine/issues/01-test/articles/report.md:")
               for line in lines)
    assert all(line.endswith("[Z502]") for line in lines)
    assert "file:///etc/passwd" in lines[0]


def test_problems_in_two_articles_are_reported_together_each_naming_its_article(
        tmp_path: Path) -> None:
    rendered = _with_fragment('<p><img src="file:///etc/passwd" alt="x"/></p>')
    fragments = dict(rendered.fragments)
    fragments["editorial"] = Fragment(fragments["editorial"].article,
                                      '<p><img src="media/missing.png" alt="y"/></p>')
    lines = _failure(dataclasses.replace(rendered, fragments=fragments), tmp_path)
    assert sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in lines) == [
        "editorial.md", "report.md"]  # each part laid out and checked, in whichever worker


def test_a_broken_image_that_weasyprint_logs_fails_the_build(tmp_path: Path) -> None:
    broken = MediaItem("media/bad00000.png", "image/png", b"not a png", 10, 10)
    rendered = _with_fragment('<p><img src="media/bad00000.png" alt="x"/></p>',
                              {broken.name: broken})
    lines = _failure(rendered, tmp_path)
    assert lines == ["/virtual/zine/issues/01-test/articles/report.md:8:1: error: the PDF "
                     "renderer reported: Failed to load image at 'media/bad00000.png': "
                     "cannot identify image file [Z503]"]


def test_a_layout_crash_becomes_a_diagnostic_naming_the_article(tmp_path: Path) -> None:
    deep = "<p>x</p>" + "<div>" * 250 + "deep" + "</div>" * 250
    lines = _failure(_with_fragment(deep), tmp_path)
    assert len(lines) == 1
    assert lines[0].startswith("/virtual/zine/issues/01-test/articles/report.md:")
    assert lines[0].endswith("[Z501]")


def test_articles_in_other_languages_are_tagged_with_their_language(built: Path) -> None:
    reader = PdfReader(str(built))
    page_ids = [page.indirect_reference.idnum for page in reader.pages]
    found: dict[int, str | None] = {}

    def walk(node: object) -> None:
        if hasattr(node, "get_object") and not isinstance(node, dict):
            node = node.get_object()
        if isinstance(node, dict):
            if node.get("/S") == "/Art":
                found[page_ids.index(node.raw_get("/Pg").idnum) + 1] = node.get("/Lang")
            walk(node.get("/K"))
        elif isinstance(node, list):
            for child in node:
                walk(child)

    walk(reader.trailer["/Root"]["/StructTreeRoot"]["/K"])
    numbers = contents_numbers(page_texts(built))
    assert found[numbers["التعاونيات التقنية في العالم العربي"]] == "ar"
    assert found[numbers["日本の技術協同組合"]] == "ja"
    assert found[numbers["Why a zine"]] is None  # the document's own language, en


def test_a_typesetter_starts_with_what_get_ready_made_and_lays_out_the_same_bytes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's standby parses the stylesheets before the issue exists (``get_ready``,
    from the root's styles alone): a part laid out with them is the part laid out without."""
    monkeypatch.setattr(typeset, "_ready", {})
    rendered = make_rendered_issue()
    back = plan_parts(rendered).back
    fresh = typeset.Typesetter(rendered).typeset(back)
    typeset.get_ready(rendered.zine.root)
    ready = typeset._ready[Styles.of_root(rendered.zine.root)]
    setter = typeset.Typesetter(rendered)
    assert setter.stylesheets() is ready.stylesheets and setter.font_config is ready.font_config
    assert setter.fetcher.styles is ready.styles  # their digest computed once, in the standby
    assert setter.typeset(back) == fresh
