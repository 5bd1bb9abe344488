"""Fixture documents for ``zine import``, built at test time (nothing binary is committed).

``make_docx`` writes a Word document with python-docx (plus the few parts python-docx has no
API for: footnotes and a tracked change, written as the WordprocessingML Word itself writes);
``docx_to_odt`` converts it with Pandoc (LibreOffice's own conversions of it are in
tests/test_import_libreoffice.py); ``hostile`` documents are zip files written by hand.
"""

from __future__ import annotations

import copy
import io
import shutil
import zipfile
from pathlib import Path

from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FOOTNOTES_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

FOOTNOTES_XML = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>
</w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr><w:r><w:rPr>
<w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve">
 The assembly met twice that year.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""


def png(colour: tuple[int, int, int], size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def make_docx(path: Path, *, alt_texts: tuple[str, str] = ("A red square", "A blue square"),
              comment: bool = True, tracked: bool = True) -> Path:
    """The acceptance document: title, headings, list, link, table, footnote, two captioned
    images with alt text, code, a quote, a comment and a tracked insertion and deletion."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn
    from docx.shared import Cm

    document = docx.Document()
    document.core_properties.title = "Sharing the workshop"
    document.core_properties.author = "Zine editorial collective"
    document.core_properties.language = "en"
    document.add_heading("Sharing the workshop", level=1)
    intro = document.add_paragraph("Our coop shares one ")
    intro.add_run("workshop").italic = True
    intro.add_run(" between three trades.")
    _footnote_reference(intro, qn)
    document.add_heading("How we started", level=1)
    document.add_paragraph("We wrote down three rules:")
    for rule in ("Clean up after yourself", "Book the bench", "Share the tools"):
        document.add_paragraph(rule, style="List Bullet")
    linked = document.add_paragraph("Read the ")
    _hyperlink(document, linked, "https://example.org/charter", "shared charter", qn,
               RELATIONSHIP_TYPE.HYPERLINK)
    linked.add_run(" for details.")
    document.add_paragraph("A shared bench is a shared responsibility.", style="Quote")
    document.add_heading("Who uses the bench", level=2)
    table = document.add_table(rows=3, cols=2)
    for row, (trade, days) in enumerate((("Trade", "Days"), ("Carpentry", "Monday"),
                                         ("Printing", "Friday"))):
        table.cell(row, 0).text, table.cell(row, 1).text = trade, days
    for number, (colour, alt) in enumerate(zip(((200, 30, 30), (30, 30, 200)), alt_texts,
                                               strict=True), start=1):
        document.add_picture(io.BytesIO(png(colour)), width=Cm(4))
        doc_pr = document.paragraphs[-1]._p.xpath(".//wp:docPr")[0]
        doc_pr.set("descr", alt)
        document.add_paragraph(f"Figure {number}: the bench plan {number}", style="Caption")
    code_style = document.styles.add_style("Source Code", WD_STYLE_TYPE.PARAGRAPH)
    code_style.font.name = "Courier New"
    document.add_paragraph("make bench BOOK=monday", style="Source Code")
    closing = document.add_paragraph("We meet every month.")
    if tracked:
        _tracked_change(closing, qn)
    if comment:
        document.add_comment(closing.runs[0], text="Which day of the month?",
                             author="Zine editorial collective")
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, FOOTNOTES_XML.encode(),
                document.part.package)
    document.part.relate_to(part, FOOTNOTES_TYPE)
    document.save(str(path))
    return path


def _footnote_reference(paragraph: object, qn: object) -> None:
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "FootnoteReference")  # type: ignore[operator]
    props.append(style)
    run.append(props)
    ref = OxmlElement("w:footnoteReference")
    ref.set(qn("w:id"), "1")  # type: ignore[operator]
    run.append(ref)
    paragraph._p.append(run)  # type: ignore[attr-defined]


def _hyperlink(document: object, paragraph: object, url: str, text: str, qn: object,
               rel_type: str) -> None:
    from docx.oxml import OxmlElement

    rel_id = document.part.relate_to(url, rel_type, is_external=True)  # type: ignore[attr-defined]
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)  # type: ignore[operator]
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)  # type: ignore[attr-defined]


def _tracked_change(paragraph: object, qn: object) -> None:
    """' (on Tuesdays)' inserted and ' or so' deleted, not yet accepted."""
    from docx.oxml import OxmlElement

    p = paragraph._p  # type: ignore[attr-defined]
    for tag, text, kind in (("w:ins", " (on Tuesdays)", "w:t"), ("w:del", " or so", "w:delText")):
        change = OxmlElement(tag)
        change.set(qn("w:id"), "90" if tag == "w:ins" else "91")  # type: ignore[operator]
        change.set(qn("w:author"), "Zine editorial collective")  # type: ignore[operator]
        change.set(qn("w:date"), "2026-01-01T00:00:00Z")  # type: ignore[operator]
        run = OxmlElement("w:r")
        t = OxmlElement(kind)
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        run.append(t)
        change.append(run)
        p.append(copy.deepcopy(change))


def docx_to_odt(docx_path: Path, odt_path: Path,
                alt_texts: tuple[str, ...] = ("A red square", "A blue square"),
                review: bool = False) -> Path:
    """The same document as .odt: Pandoc writes it, then the image descriptions Pandoc's
    odt writer leaves out are added as LibreOffice writes them (``svg:desc`` in the frame),
    with the title and author in meta.xml; ``review`` adds a comment and a tracked deletion
    as LibreOffice writes them."""
    import pypandoc

    pypandoc.convert_file(str(docx_path), "odt", outputfile=str(odt_path),
                          extra_args=["--track-changes=accept", "-M",
                                      "title=Sharing the workshop", "-M",
                                      "author=Zine editorial collective"])
    with zipfile.ZipFile(odt_path) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    content = members["content.xml"].decode()
    for alt in alt_texts:
        content = content.replace('xlink:actuate="onLoad" /></draw:frame>',
                                  f'xlink:actuate="onLoad" /><svg:desc>{alt}</svg:desc>'
                                  "</draw:frame>", 1)
    if review:
        content = _odt_review(content)
    members["content.xml"] = content.encode()
    with zipfile.ZipFile(odt_path, "w") as archive:  # mimetype first and stored, as ODF says
        archive.writestr("mimetype", members.pop("mimetype"), zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data, zipfile.ZIP_DEFLATED)
    return odt_path


def zip_of(path: Path, members: dict[str, bytes], *, compress: bool = True) -> Path:
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", mode) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


ODT_DELETION = (
    '<text:tracked-changes><text:changed-region xml:id="ct1" text:id="ct1"><text:deletion>'
    "<office:change-info><dc:creator>Zine editorial collective</dc:creator><dc:date>"
    "2026-01-01T00:00:00</dc:date></office:change-info><text:p>or so</text:p></text:deletion>"
    "</text:changed-region></text:tracked-changes>")
ODT_COMMENT = (
    "<office:annotation><dc:creator>Zine editorial collective</dc:creator><text:p>Which day of "
    "the month?</text:p></office:annotation>")


def _odt_review(content: str) -> str:
    content = content.replace("<office:text>", "<office:text>" + ODT_DELETION, 1)
    return content.replace(">We meet every month.", ">" + ODT_COMMENT + "We meet every month."
                           '<text:change text:change-id="ct1"/>', 1)


FODT_NAMESPACES = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in (
    ("office", "urn:oasis:names:tc:opendocument:xmlns:office:1.0"),
    ("style", "urn:oasis:names:tc:opendocument:xmlns:style:1.0"),
    ("text", "urn:oasis:names:tc:opendocument:xmlns:text:1.0"),
    ("draw", "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"),
    ("fo", "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"),
    ("xlink", "http://www.w3.org/1999/xlink"), ("dc", "http://purl.org/dc/elements/1.1/"),
    ("meta", "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"),
    ("svg", "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0")))
CAPTIONS = (("A red square", "the morning bench"), ("A blue square", "the evening bench"))


def make_captioned_fodt(path: Path) -> Path:
    """A flat ODF text document with two pictures captioned the way LibreOffice's *Insert >
    Caption* writes them: a frame holding a text box whose "Figure" paragraph holds the image
    frame, a line break, "Figure", a number field and the caption text."""
    import base64

    frames = []
    for number, ((alt, caption), colour) in enumerate(
            zip(CAPTIONS, ((200, 30, 30), (30, 30, 200)), strict=True), start=1):
        data = base64.b64encode(png(colour)).decode()
        frames.append(
            f'<text:p text:style-name="Standard"><draw:frame draw:name="Frame{number}" '
            f'text:anchor-type="as-char" svg:width="4cm" draw:z-index="{2 * number}">'
            f'<draw:text-box fo:min-height="3cm"><text:p text:style-name="Figure">'
            f'<draw:frame draw:name="Image{number}" text:anchor-type="as-char" svg:width="4cm" '
            f'svg:height="3cm" draw:z-index="{2 * number + 1}"><draw:image '
            f'draw:mime-type="image/png"><office:binary-data>{data}</office:binary-data>'
            f"</draw:image><svg:desc>{alt}</svg:desc></draw:frame><text:line-break/>Figure "
            f'<text:sequence text:ref-name="refFigure{number - 1}" text:name="Figure" '
            f'text:formula="ooow:Figure+1" style:num-format="1">{number}</text:sequence>: '
            f"{caption}</text:p></draw:text-box></draw:frame></text:p>")
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document {FODT_NAMESPACES} '
        'office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">'
        "<office:meta><dc:title>Two bench plans</dc:title><meta:initial-creator>Zine "
        "editorial collective</meta:initial-creator><dc:language>en</dc:language></office:meta>"
        "<office:body><office:text><text:sequence-decls><text:sequence-decl "
        'text:display-outline-level="0" text:name="Figure"/></text:sequence-decls>'
        '<text:h text:outline-level="1">Two bench plans</text:h>'
        "<text:p>The plans hang by the door.</text:p>" + "".join(frames) +
        "<text:p>Both plans are drawn to scale.</text:p></office:text></office:body>"
        "</office:document>", "utf-8")
    return path


def make_headed_docx(path: Path) -> Path:
    """The acceptance document with a page header of its own, a footer of page numbers and a
    paragraph whose colour carries meaning."""
    import docx
    from docx.shared import RGBColor

    make_docx(path, comment=False, tracked=False)
    document = docx.Document(str(path))
    paragraph = document.add_paragraph("The items in ")
    paragraph.add_run("red are mandatory").font.color.rgb = RGBColor(0xCC, 0x00, 0x00)
    section = document.sections[0]
    section.header.paragraphs[0].text = "Draft for the spring issue"
    section.footer.paragraphs[0].text = "7"
    document.save(str(path))
    return path


BASE = Path(__file__).parent / "roots" / "base"


def base_tree(folder: Path) -> Path:
    """A copy of the clean one-issue zine (tests/roots/base) at ``folder``, to import into."""
    shutil.copytree(BASE, folder)
    return folder
