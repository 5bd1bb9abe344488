"""One golden scenario per ``zine import`` code (Z6xx), hostile documents among them.

tests/test_diagnostic_catalogue.py runs ``zine check`` on issue trees, which cannot hold a
.docx; here each scenario builds its document at test time, runs ``zine import`` on it in a
copy of tests/roots/base, and the lines carrying the scenario's code must equal the golden
lines (the document's path written as DOC). A refused document leaves no article behind, and
each hostile one is refused from the zip directory, before anything is unpacked.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.import_helpers import base_tree, make_docx, make_headed_docx, zip_of
from zine.cli import main
from zine.diagnostics import CATALOGUE

ARTICLES = Path("issues", "01-base", "articles")
CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/' \
    b'package/2006/content-types"/>'
DOCUMENT = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/' \
    b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hi</w:t></w:r></w:p></w:body>' \
    b'</w:document>'
ENTITY_BOMB = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 ' \
    b'"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;' \
    b'&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><w:document xmlns:w="http://schemas.' \
    b'openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>&lol3;</w:t>' \
    b'</w:r></w:p></w:body></w:document>'


def _minimal(path: Path, **extra: bytes) -> Path:
    return zip_of(path, {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": DOCUMENT,
                         **extra})


def _many_images(path: Path) -> Path:
    return _minimal(path, **{f"word/media/image{n}.png": b"x" for n in range(10_000)})


def _big_image(path: Path) -> Path:
    return _minimal(path, **{"word/media/image1.png": bytes(41 * 1024 * 1024)})


def _zip_bomb(path: Path) -> Path:
    return _minimal(path, **{"word/media/image1.png": bytes(30 * 1024 * 1024)})


def _entity_bomb(path: Path) -> Path:
    return zip_of(path, {"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": ENTITY_BOMB})


def _no_title(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph("Only a paragraph.")
    document.save(str(path))
    return path


def _no_author(path: Path) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.author = ""
    document.add_heading("A title", level=1)
    document.add_paragraph("Only a paragraph.")
    document.save(str(path))
    return path


def _with_xml(path: Path, run_xml: str, *, underline: bool = False, merged: bool = False) -> Path:
    """A small titled document with ``run_xml`` (WordprocessingML) in its second paragraph."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    document.core_properties.author = "Zine editorial collective"
    document.add_heading("A title", level=1)
    paragraph = document.add_paragraph("Text near the thing. ")
    if run_xml:
        paragraph._p.append(parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:v="urn:schemas-microsoft-com:vml">' + run_xml + "</w:r>"))
    if underline:
        paragraph.add_run("underlined words").underline = True
    if merged:
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Merged heading"
        table.cell(0, 0).merge(table.cell(0, 1))
        table.cell(1, 0).text, table.cell(1, 1).text = "a", "b"
    document.save(str(path))
    return path


def _bad_image(path: Path) -> Path:
    make_docx(path, comment=False, tracked=False)
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members["word/media/image1.png"] = b"this is not an image at all"
    return zip_of(path, members)


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TEXT_BOX = "<w:pict><v:textbox><w:txbxContent><w:p><w:r><w:t>Boxed aside</w:t></w:r></w:p>" \
    "</w:txbxContent></v:textbox></w:pict>"

# code -> (document builder, extra arguments, golden lines with that code)
SCENARIOS: dict[str, tuple[Callable[[Path], Path], list[str], list[str]]] = {
    "Z601": (lambda p: (p.write_bytes(b"not a zip at all"), p)[1], [], [
        "DOC: error: cannot read this document: not a zip archive (File is not a zip file); "
        "save it again as .docx or .odt and import that [Z601]"]),
    "Z602": (lambda p: (p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)), p)[1],
             [], ["DOC: error: the document is encrypted or password-protected: save a copy "
                  "without a password and import that [Z602]"]),
    "Z603": (_many_images, [], [
        "DOC: error: the number of parts (10002) is 10002 bytes; the limit is 2000 bytes: "
        "split the document or make its images smaller [Z603]"]),
    "Z604": (_zip_bomb, [], [
        "DOC: error: part word/media/image1.png unpacks to 1028 times its packed size; the "
        "limit is 100 (a zip bomb?): the document is not unpacked [Z604]"]),
    "Z605": (_entity_bomb, [], [
        "DOC: error: part word/document.xml declares a DTD or entities, which are not allowed "
        "in an imported document (entity bomb?) [Z605]"]),
    "Z607": (lambda p: make_docx(p), ["--slug", "hello"], [
        f"DOC: error: {ARTICLES}/hello.md already exists: an import never overwrites; choose "
        "another --slug or remove it [Z607]"]),
    "Z608": (_no_title, [], [
        "DOC: error: the document has no title (no title in its properties and no Heading 1): "
        "pass --title [Z608]"]),
    "Z609": (_no_author, [], [
        "DOC: error: the document names no author: pass --author NAME (and --coop ID) [Z609]"]),
    "Z610": (lambda p: make_docx(p, tracked=False), [], [
        "DOC: warning: comment by Zine editorial collective is not imported: 'Which day of the "
        "month?' (on 'We meet every month.'); act on it, then delete it from the document "
        "[Z610]"]),
    "Z611": (lambda p: make_docx(p, comment=False), [], [
        "DOC: warning: tracked deletion by Zine editorial collective not yet accepted or "
        "rejected: 'or so'; the article has the text with all changes accepted [Z611]",
        "DOC: warning: tracked insertion by Zine editorial collective not yet accepted or "
        "rejected: '(on Tuesdays)'; the article has the text with all changes accepted "
        "[Z611]"]),
    "Z612": (lambda p: _with_xml(p, TEXT_BOX), [], [
        "DOC: warning: text box not imported: 'Boxed aside'; move its text into the body "
        "[Z612]"]),
    "Z613": (lambda p: _with_xml(p, "", merged=True), [], [
        "DOC: warning: table 1 ('Merged heading a b'...) has merged cells, which a Markdown "
        "table cannot hold: its cells are written one per column; check the table or make it "
        "a list [Z613]"]),
    "Z614": (lambda p: _with_xml(p, "<w:object/>"), [], [
        "DOC: warning: embedded object (OLE object) not imported (near 'Text near the "
        "thing.'): export it as an image and add it [Z614]"]),
    "Z615": (lambda p: _with_xml(p, '<w:instrText xml:space="preserve"> PAGEREF _Ref1 \\h '
                                 "</w:instrText>"), [], [
        "DOC: warning: field 'PAGEREF _Ref1' is not imported (near 'Text near the "
        "thing.'); only its last shown text is kept [Z615]"]),
    "Z616": (_bad_image, [], [
        "DOC: warning: image word/media/image1.png is an unknown format, which cannot be "
        "converted here (Pillow cannot read it): not imported; export it as PNG and add it "
        "[Z616]"]),
    "Z617": (lambda p: _with_xml(p, '<w:rPr><w:color w:val="FF0000"/></w:rPr><w:t>red '
                                 "means mandatory</w:t>", underline=True), [], [
        "DOC: warning: coloured or highlighted text cannot be written in the zine's Markdown "
        "(near 'red means mandatory'): kept as plain text [Z617]",
        "DOC: warning: underline cannot be written in the zine's Markdown (near 'underlined "
        "words'): kept as plain text [Z617]"]),
    "Z618": (make_headed_docx, [], [
        "DOC: warning: page header text not imported: 'Draft for the spring issue'; a page "
        "header or footer is not part of an article: move what matters into the body [Z618]"]),
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = base_tree(tmp_path / "tree")
    monkeypatch.chdir(root)
    return root


def import_lines(document: Path, extra: list[str],
                 capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["import", str(document), "01-base", *extra])
    err = capsys.readouterr().err.replace(str(document), "DOC")
    return code, err.splitlines()


@pytest.mark.parametrize("code", sorted(SCENARIOS))
def test_golden_import_diagnostics(code: str, tree: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    build, extra, golden = SCENARIOS[code]
    document = build(tree.parent / "document.docx")
    status, lines = import_lines(document, extra, capsys)
    assert [line for line in lines if line.endswith(f"[{code}]")] == golden
    if CATALOGUE[code].severity == "error":
        assert status == 1
        assert sorted(p.name for p in (tree / ARTICLES).iterdir()) == ["hello.md"], \
            "a refused document leaves nothing behind"
        assert not any(".import-" in p.name for p in (tree / ARTICLES).rglob("*"))


def test_without_pandoc_the_import_says_what_to_install(
        tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pypandoc", None)  # import pypandoc raises ImportError
    status, lines = import_lines(make_docx(tree.parent / "d.docx"), [], capsys)
    assert status == 1
    assert lines[-1].startswith("DOC: error: cannot convert: ")
    assert lines[-1].endswith("install the import extra: pip install 'zine[import]' [Z606]")


def test_every_import_code_has_a_golden_scenario() -> None:
    ours = sorted(c for c in CATALOGUE if c.startswith("Z6"))
    assert ours and all("Z601" <= c <= "Z619" for c in ours)
    assert sorted([*SCENARIOS, "Z606"]) == ours


def test_an_oversized_image_member_is_refused_before_unpacking(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines = import_lines(_big_image(tree.parent / "big.docx"), [], capsys)
    assert status == 1
    assert lines == ["DOC: error: member word/media/image1.png is 42991616 bytes; the limit is "
                     "41943040 bytes: split the document or make its images smaller [Z603]"]


def test_a_damaged_member_is_a_clear_error(tree: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An image whose packed bytes were damaged (its CRC no longer matches)."""
    document = make_docx(tree.parent / "d.docx", comment=False, tracked=False)
    data = bytearray(document.read_bytes())
    with zipfile.ZipFile(document) as archive:
        info = archive.getinfo("word/media/image1.png")
    start = info.header_offset + 30 + len(info.filename.encode())
    data[start + info.compress_size // 2] ^= 0xFF
    document.write_bytes(bytes(data))
    status, lines = import_lines(document, [], capsys)
    assert status == 1 and lines[-1].startswith("DOC: error: cannot read this document: "
                                                "word/media/image1.png: "), lines
    assert lines[-1].endswith("[Z601]")
    assert sorted(p.name for p in (tree / ARTICLES).iterdir()) == ["hello.md"]


def test_a_dtd_in_any_part_is_refused_before_pandoc_reads_it(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Pandoc parses styles.xml itself: the entity bomb must not reach it there either."""
    document = _minimal(tree.parent / "d.docx", **{"word/styles.xml": ENTITY_BOMB})
    status, lines = import_lines(document, [], capsys)
    assert status == 1
    assert lines == ["DOC: error: part word/styles.xml declares a DTD or entities, which are not "
                     "allowed in an imported document (entity bomb?) [Z605]"]


@pytest.mark.parametrize("seed", range(8))
def test_a_damaged_document_never_gives_a_traceback(seed: int, tree: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    import random

    document = make_docx(tree.parent / "d.docx")
    data = bytearray(document.read_bytes())
    chance = random.Random(seed)
    for _ in range(4):  # a few damaged bytes anywhere: directory, XML, images
        data[chance.randrange(len(data))] ^= 1 << chance.randrange(8)
    document.write_bytes(bytes(data))
    status, lines = import_lines(document, ["--slug", f"d{seed}"], capsys)
    assert status in (0, 1), lines
    assert not any("Traceback" in line for line in lines)
    if status == 1 and lines and lines[-1].startswith("DOC: error:"):
        assert not (tree / ARTICLES / f"d{seed}").exists()
