"""Incremental builds with the real editions: a rebuild is skipped only when nothing changed.

Each test builds the sample issue into a fresh ``--out`` (a cold build), changes one thing and
builds again; outputs are read back with real readers (zip for EPUB, pdftotext for PDF).
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.cache_helpers import copy_content, first_article, snapshot
from tests.conftest import require_tool
from zine.build import build_project
from zine.cli import main
from zine.editions.epub import container
from zine.model.rendered import RenderedIssue
from zine.safety.fetcher import packaged_styles

pytestmark = pytest.mark.slow


def build(content: Path, out: Path, formats: tuple[str, ...] = ("epub", "html")) -> str:
    result = build_project([], formats=formats, out_dir=out, root=content)
    assert result.built and not result.failed, [d.format() for d in result.diagnostics]
    return result.built[0]


def epub_text(path: Path, suffix: str = ".xhtml") -> str:
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        return "\n".join(archive.read(name).decode("utf-8") for name in archive.namelist()
                         if name.endswith(suffix))


def test_a_no_op_rebuild_of_real_editions_keeps_bytes_and_mtimes(tmp_path: Path) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    build(content, out, ("epub", "pdf", "html"))
    before = snapshot(out)
    assert any(name.endswith(".pdf") for name in before)
    result = build_project([], formats=("epub", "pdf", "html"), out_dir=out, root=content)
    assert snapshot(out) == before
    assert {str(p.relative_to(out.resolve())) for p in result.outputs} <= set(before)


def test_editing_an_article_shows_in_the_epub_pdf_and_html(tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext")
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    issue = build(content, out, ("epub", "pdf", "html"))
    article = first_article(content)
    text = article.read_text(encoding="utf-8")
    article.write_text(text + "\nQuokkafederation was added later.\n", encoding="utf-8")
    build(content, out, ("epub", "pdf", "html"))
    assert "Quokkafederation" in epub_text(out / issue / f"{issue}.epub")
    pdf = subprocess.run([pdftotext, str(out / issue / f"{issue}.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    assert "Quokkafederation" in pdf
    pages = "".join(p.read_text(encoding="utf-8") for p in (out / issue).rglob("*.html"))
    assert "Quokkafederation" in pages


def test_an_epub_rebuilt_after_an_edit_is_byte_for_byte_a_cold_build_of_the_edited_tree(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    issue = build(content, out, ("epub",))
    article = first_article(content)
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence added later.\n",
                       encoding="utf-8")
    deflated: list[bytes] = []
    real = container._deflate
    monkeypatch.setattr(container, "_deflate", lambda data: deflated.append(data) or real(data))
    # the sample's English and German EPUBs in this process, where the calls are counted
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    build(content, out, ("epub",))
    monkeypatch.undo()
    # only what the edit changed is compressed again: the article's content documents (in
    # the issue and in its offprint) and the package and navigation files that list it
    assert deflated and all(b"<" in data[:200] for data in deflated)
    assert any(b"A sentence added later." in data for data in deflated)
    assert sum(map(len, deflated)) < (out / issue / f"{issue}.epub").stat().st_size
    cold = tmp_path / "cold"
    build(content, cold, ("epub",))
    names = sorted(str(p.relative_to(cold)) for p in cold.rglob("*.epub"))
    assert names and names == sorted(str(p.relative_to(out)) for p in out.rglob("*.epub"))
    for name in names:
        assert (out / name).read_bytes() == (cold / name).read_bytes(), name


def test_a_root_style_override_rebuilds_with_the_new_rule(tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext")
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    issue = build(content, out, ("epub", "pdf", "html"))
    assert "#123456" not in epub_text(out / issue / f"{issue}.epub", ".css")
    (content / "styles").mkdir()  # the root's own styles/ appears: one sheet overridden
    sheet = (packaged_styles() / "epub.css").read_text(encoding="utf-8")
    (content / "styles" / "epub.css").write_text(sheet + "\nblockquote { color: #123456; }\n",
                                                 encoding="utf-8")
    pdf_css = (packaged_styles() / "pdf.css").read_text(encoding="utf-8")
    (content / "styles" / "pdf.css").write_text(
        pdf_css + '\n@page { @top-center { content: "Quokka override" } }\n', encoding="utf-8")
    build(content, out, ("epub", "pdf", "html"))
    assert "#123456" in epub_text(out / issue / f"{issue}.epub", ".css")
    text = subprocess.run([pdftotext, str(out / issue / f"{issue}.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Quokka override" in text  # the laid-out parts in the cache were not reused
    assert (out / issue / "styles" / "html.css").read_bytes() == (
        packaged_styles() / "html.css").read_bytes()


def test_no_cache_on_the_command_line_makes_every_edition_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from zine.editions import epub

    made: list[str] = []
    real = epub.render

    def counting(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
        made.append(rendered.issue.id)
        return real(rendered, out_dir, **options)

    monkeypatch.setattr(epub, "render", counting)
    monkeypatch.setattr("os.cpu_count", lambda: 1)  # editions in this process: counted here
    content, out = copy_content(tmp_path / "content"), tmp_path / "out"
    args = ["--root", str(content), "build", "--out", str(out), "--format", "epub", "-q"]
    assert main(args) == 0
    before = snapshot(out)
    assert main(args) == 0
    # the English and the German edition, then nothing changed: skipped
    assert snapshot(out) == before and len(made) == 2
    assert main([*args, "--no-cache"]) == 0
    assert len(made) == 4  # made again ...
    after = snapshot(out)
    epubs = [name for name in before if name.endswith(".epub")]
    assert epubs
    for name in epubs:  # ... to the same bytes, so the files are left as they were
        assert after[name] == before[name]


def test_a_fresh_output_folder_is_a_cold_build(tmp_path: Path) -> None:
    content = copy_content(tmp_path / "content")
    issue = build(content, tmp_path / "one", ("epub",))
    build(content, tmp_path / "two", ("epub",))
    one, two = snapshot(tmp_path / "one"), snapshot(tmp_path / "two")
    assert one.keys() == two.keys()
    assert {k: v[0] for k, v in one.items()} == {k: v[0] for k, v in two.items()}
    assert (tmp_path / "two" / issue / f"{issue}.epub").is_file()


def test_pdfs_made_by_the_standby_have_the_bytes_of_pdfs_made_in_the_build_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The standby (forked before the issue is loaded, handed it rendered) and a worker
    forked after the render (the sample's second language edition) make the same PDFs as
    one process does with one CPU."""
    content = copy_content(tmp_path / "content")
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    build(content, tmp_path / "standby", ("pdf",))
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    build(content, tmp_path / "here", ("pdf",))
    made = sorted(p.relative_to(tmp_path / "here") for p in (tmp_path / "here").rglob("*.pdf"))
    assert len([p for p in made if "offprints" not in p.parts]) == 2  # English, German
    assert made == sorted(p.relative_to(tmp_path / "standby")
                          for p in (tmp_path / "standby").rglob("*.pdf"))
    for path in made:
        assert (tmp_path / "standby" / path).read_bytes() == \
            (tmp_path / "here" / path).read_bytes(), path
