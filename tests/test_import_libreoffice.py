"""``zine import`` on documents LibreOffice itself wrote (Debian's libreoffice-writer-nogui,
installed by ``tools/system-deps test``).

The python-docx acceptance document (tests/import_helpers.py) is converted once per module by
``soffice --headless --convert-to odt`` and ``--convert-to docx``, with a private user profile
that is removed afterwards; both LibreOffice files are then imported, checked and rendered.
So is a flat ODF document with LibreOffice's own caption frames (*Insert > Caption*), which
LibreOffice writes as .odt and .docx.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.import_helpers import (
    CAPTIONS,
    base_tree,
    make_captioned_fodt,
    make_docx,
    make_headed_docx,
)
from zine.check.run import check_project
from zine.cli import main
from zine.load.loader import load_project
from zine.render.issue import render_issue

pytestmark = pytest.mark.slow

ARTICLES = Path("issues", "01-base", "articles")
SOFFICE_TIMEOUT = 180
FORMATS = {"odt": "odt", "docx": "docx:MS Word 2007 XML"}


def soffice_convert(sources: list[Path], out_dir: Path, profile: Path) -> dict[str, Path]:
    """"<stem>.<odt|docx>" -> the file LibreOffice writes from each of ``sources``: one
    ``soffice`` run per format for all of them (its start-up is the slow part)."""
    soffice = shutil.which("soffice")
    assert soffice is not None
    made = {}
    for extension, target in FORMATS.items():
        folder = out_dir / extension
        folder.mkdir()
        done = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}",
                               "--headless", "--norestore", "--convert-to", target,
                               "--outdir", str(folder), *map(str, sources)],
                              capture_output=True, text=True, timeout=SOFFICE_TIMEOUT,
                              check=False)
        for source in sources:
            made[f"{source.stem}.{extension}"] = folder / f"{source.stem}.{extension}"
            assert done.returncode == 0 and made[f"{source.stem}.{extension}"].is_file(), \
                done.stdout + done.stderr
    return made


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The LibreOffice conversions: "odt", "docx" of the acceptance document,
    "captioned-odt", "captioned-docx" of the caption frames, "headed.odt", "headed.docx" of a
    document with a page header."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed: run `make test-deps`")
    source = tmp_path_factory.mktemp("documents")
    sources = [make_docx(source / "workshop.docx"), make_captioned_fodt(source / "plans.fodt"),
               make_headed_docx(source / "headed.docx")]
    with tempfile.TemporaryDirectory(prefix="zine-lo-profile-") as profile:
        made = soffice_convert(sources, tmp_path_factory.mktemp("libreoffice"), Path(profile))
    return {"source": sources[0]} | {
        name.replace("workshop.", "").replace("plans.", "captioned-"): path
        for name, path in made.items()}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = base_tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str]]:
    code = main(["import", *args])
    return code, capsys.readouterr().err.splitlines()


def body(path: Path) -> str:
    return path.read_text("utf-8").split("\n---\n", 1)[1]


def test_libreoffice_keeps_the_comment_and_both_tracked_changes(
        libreoffice: dict[str, Path]) -> None:
    with zipfile.ZipFile(libreoffice["odt"]) as odt:
        content = odt.read("content.xml").decode()
    assert "<office:annotation" in content and "Which day of the month?" in content
    assert content.count("<text:changed-region") == 2
    assert "<text:insertion>" in content and "<text:deletion>" in content
    assert "<text:change-start" in content  # the insertion's text stays in the body
    with zipfile.ZipFile(libreoffice["docx"]) as docx:
        document = docx.read("word/document.xml").decode()
        comments = docx.read("word/comments.xml").decode()
    assert "Which day of the month?" in comments
    assert "<w:ins " in document and "<w:del " in document


@pytest.mark.parametrize("kind", ["odt", "docx"])
def test_a_libreoffice_document_becomes_an_article_that_passes_check(
        kind: str, libreoffice: dict[str, Path], tree: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    document = libreoffice[kind]
    code, err = run(capsys, str(document), "01-base")
    assert code == 0, err
    warnings = [line for line in err if "warning:" in line]
    assert sorted(w.rsplit("[", 1)[1] for w in warnings) == ["Z610]", "Z611]", "Z611]"]
    assert all(w.startswith(f"{document}: warning: ") for w in warnings)
    comment = next(w for w in warnings if "[Z610]" in w)
    assert "'Which day of the month?' (on 'We meet every month. (on Tuesdays)')" in comment
    tracked = " ".join(w for w in warnings if "[Z611]" in w)
    assert "tracked insertion" in tracked and "'(on Tuesdays)'" in tracked
    assert "tracked deletion" in tracked and "'or so'" in tracked
    assert check_project([], None) == []

    article = tree / ARTICLES / "sharing-the-workshop" / "index.md"
    assert article.read_text("utf-8").startswith(
        '---\ntitle: "Sharing the workshop"\nauthors:\n  - name: "Zine editorial collective"\n')
    markdown = body(article)
    assert "We meet every month. (on Tuesdays)" in markdown and "or so" not in markdown
    assert "Which day" not in markdown and "<" not in markdown
    assert "[^1]: The assembly met twice that year." in markdown

    zine, diags = load_project(tree)
    assert [d for d in diags if d.is_error] == []
    issue = next(i for i in zine.issues if i.id == "01-base")
    rendered, render_diags = render_issue(zine, issue)
    assert [d.format() for d in render_diags] == []
    page = lxml_html.fromstring(rendered.fragments["sharing-the-workshop"].html)
    assert page.xpath("//h2[contains(., 'How we started')]")
    assert page.xpath("//h3[contains(., 'Who uses the bench')]")
    assert [li.text_content().strip() for li in page.xpath("//ul/li")][:3] == [
        "Clean up after yourself", "Book the bench", "Share the tools"]
    assert page.xpath("//a[@href='https://example.org/charter'][contains(., 'shared charter')]")
    assert page.xpath("//blockquote[contains(., 'shared responsibility')]")
    assert page.xpath("//table//th[contains(., 'Trade')]")
    assert page.xpath("//table//td[contains(., 'Carpentry')]")
    assert page.xpath("//pre[contains(., 'make bench BOOK=monday')]")
    assert "The assembly met twice that year." in page.text_content()
    assert page.xpath("//em[. = 'workshop']")
    figures = page.xpath("//figure[.//img]")
    assert [f.xpath("string(.//img/@alt)") for f in figures] == ["A red square", "A blue square"]
    assert [" ".join(f.xpath("string(.//figcaption)").split()) for f in figures] == [
        "Figure 1: the bench plan 1", "Figure 2: the bench plan 2"]


def test_libreoffices_odt_and_docx_give_the_same_markdown_as_the_word_original(
        libreoffice: dict[str, Path], tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("odt", "docx", "source"):
        assert run(capsys, str(libreoffice[kind]), "01-base", "--slug", kind)[0] == 0
    odt, docx, source = (tree / ARTICLES / kind / "index.md" for kind in ("odt", "docx",
                                                                          "source"))
    assert body(odt) == body(docx) == body(source)
    assert sorted(p.name for p in odt.parent.iterdir()) == \
        sorted(p.name for p in docx.parent.iterdir()) == \
        sorted(p.name for p in source.parent.iterdir())


def test_libreoffice_writes_its_caption_frames_as_it_does_from_insert_caption(
        libreoffice: dict[str, Path]) -> None:
    with zipfile.ZipFile(libreoffice["captioned-odt"]) as odt:
        content = odt.read("content.xml").decode()
    assert content.count("<draw:text-box") == 2
    assert content.count('<text:p text:style-name="Figure"><draw:frame') == 2
    with zipfile.ZipFile(libreoffice["captioned-docx"]) as docx:
        document = docx.read("word/document.xml").decode()
    assert document.count("<w:txbxContent>") >= 2 and "SEQ Figure" in document


@pytest.mark.parametrize("kind", ["captioned-odt", "captioned-docx"])
def test_pictures_in_libreoffices_caption_frames_keep_alt_text_and_caption(
        kind: str, libreoffice: dict[str, Path], tree: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(capsys, str(libreoffice[kind]), "01-base")
    assert code == 0, err
    assert [line for line in err if "warning:" in line] == []  # no text box, no field lost
    assert check_project([], None) == []
    article = tree / ARTICLES / "two-bench-plans" / "index.md"
    markdown = body(article)
    images = sorted(p.name for p in article.parent.glob("*.png"))
    assert len(images) == 2
    for number, (image, (alt, caption)) in enumerate(zip(images, CAPTIONS, strict=True), 1):
        assert f'![{alt}]({image} "Figure {number}: {caption}")' in markdown
    assert "\\" not in markdown and markdown.count("Figure") == 2  # no caption left behind
    assert "The plans hang by the door." in markdown and "drawn to scale" in markdown


def test_libreoffices_caption_frames_give_the_same_markdown_from_odt_and_docx(
        libreoffice: dict[str, Path], tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for kind in ("odt", "docx"):
        assert run(capsys, str(libreoffice[f"captioned-{kind}"]), "01-base",
                   "--slug", kind)[0] == 0
    assert body(tree / ARTICLES / "odt" / "index.md") == \
        body(tree / ARTICLES / "docx" / "index.md")


@pytest.mark.parametrize("kind", ["headed.odt", "headed.docx"])
def test_a_page_header_libreoffice_writes_is_reported_and_its_page_numbers_are_not(
        kind: str, libreoffice: dict[str, Path], tree: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, str(libreoffice[kind]), "01-base", "--slug", "headed")
    assert code == 0, lines
    assert [line.split(": warning: ", 1)[1] for line in lines if "[Z618]" in line] == [
        "page header text not imported: 'Draft for the spring issue'; a page header or "
        "footer is not part of an article: move what matters into the body [Z618]"]


@pytest.mark.parametrize("kind", ["headed.odt", "headed.docx"])
def test_coloured_text_libreoffice_writes_is_reported(
        kind: str, libreoffice: dict[str, Path], tree: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = run(capsys, str(libreoffice[kind]), "01-base", "--slug", "coloured")
    assert code == 0, lines
    assert [line.split(": warning: ", 1)[1] for line in lines if "[Z617]" in line] == [
        "coloured or highlighted text cannot be written in the zine's Markdown (near 'red are "
        "mandatory'): kept as plain text [Z617]"]
