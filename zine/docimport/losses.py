"""Load stage, ``zine import``: find in a document's own XML what a conversion would lose.

Comments, tracked changes not yet accepted, text boxes, merged table cells, embedded objects,
fields, coloured text and page headers and footers with text of their own, for .docx
(WordprocessingML) and .odt (OpenDocument), each as a Z6xx warning with the text that lets an
editor find it. Reads only through ``zine.docimport.archive`` (capped, no DTDs); writes nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from zine.diagnostics import Diagnostic, codes, make
from zine.docimport.archive import Archive, context, iter_tag, text_of
from zine.model import Position

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
SVG = "{urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
PLAIN_COLOURS = {"", "#000000", "auto"}
PLAIN_BACKGROUNDS = {"", "transparent", "#ffffff", "auto"}
# what a page header or footer shows that is not text of its own: page numbers, dates
ODT_PAGE_FIELDS = {f"{TEXT}{tag}" for tag in ("page-number", "page-count", "date", "time",
                                               "chapter", "sheet-name", "file-name")}
FIELD_WORDS = ("TOC", "PAGEREF", "PAGE", "NUMPAGES", "REF", "SEQ", "DATE", "INDEX", "NOTEREF")


def find_losses(archive: Archive) -> list[Diagnostic]:
    if archive.kind == "docx":
        return _docx_losses(archive)
    return _odt_losses(archive)


def _warn(archive: Archive, code: str, **values: object) -> Diagnostic:
    return make(code, Position(archive.path, 0, 0), **values)


def _docx_losses(archive: Archive) -> list[Diagnostic]:
    body = archive.xml("word/document.xml")
    found: list[Diagnostic] = []
    comments = archive.xml("word/comments.xml")
    anchored = _comment_anchors(body)
    for comment in iter_tag(comments, f"{W}comment"):
        found.append(_warn(archive, codes.IMPORT_COMMENT,
                           author=comment.get(f"{W}author") or "someone",
                           text=context(text_of(comment)),
                           where=context(anchored.get(comment.get(f"{W}id") or "", ""))))
    for kind, tag, text_tag in (("insertion", "ins", "t"), ("deletion", "del", "delText")):
        for change in iter_tag(body, f"{W}{tag}"):
            text = " ".join("".join(t.text or "" for t in change.iter(f"{W}{text_tag}")).split())
            if text:
                found.append(_warn(archive, codes.IMPORT_TRACKED, kind=kind, text=context(text),
                                   author=change.get(f"{W}author") or "someone"))
    for box in iter_tag(body, f"{W}txbxContent"):
        if not _docx_caption_frame(box):
            found.append(_warn(archive, codes.IMPORT_TEXT_BOX, text=context(text_of(box))))
    for number, table in enumerate(iter_tag(body, f"{W}tbl"), start=1):
        what = _docx_table_problem(table)
        if what:
            cells = " ".join(text_of(cell) for cell in table.iter(f"{W}tc"))
            found.append(_warn(archive, codes.IMPORT_MERGED_TABLE, number=number, what=what,
                               first=context(cells)[:20]))
    for paragraph in iter_tag(body, f"{W}p"):
        found += _docx_paragraph_losses(archive, paragraph)
    for name in sorted(archive.names):
        kind = name.removeprefix("word/")[:6]
        if kind in ("header", "footer") and name.endswith(".xml") and "/" not in name[5:]:
            part = archive.xml(name)
            shown = " ".join("".join(t.text or "" for t in part.iter(f"{W}t")).split())
            if _own_text(shown):
                found.append(_warn(archive, codes.IMPORT_HEADER_FOOTER, where=kind,
                                   text=context(shown)))
    return found


def _own_text(shown: str) -> bool:
    """Text of a header or footer that is more than page numbers (``12``, ``- 3 -``)."""
    return any(char.isalpha() for char in shown)


def _odt_coloured(archive: Archive, body: Any) -> list[Diagnostic]:
    """Spans of an .odt whose character style colours or highlights the text (colour may
    carry meaning: "the red items are mandatory"), one warning per paragraph, as for .docx."""
    marked = set()
    for styles in (body, archive.xml("styles.xml")):
        for style in iter_tag(styles, f"{STYLE}style"):
            props = style.find(f"{STYLE}text-properties")
            if props is None:
                continue
            colour = (props.get(f"{FO}color") or "").lower()
            background = (props.get(f"{FO}background-color") or "").lower()
            if colour not in PLAIN_COLOURS or background not in PLAIN_BACKGROUNDS:
                marked.add(style.get(f"{STYLE}name"))
    found = []
    for paragraph in iter_tag(body, f"{TEXT}p"):
        spans = [span for span in paragraph.iter(f"{TEXT}span")
                 if span.get(f"{TEXT}style-name") in marked and text_of(span)]
        if spans:
            found.append(_warn(archive, codes.IMPORT_LOST_MARKUP, what="coloured or highlighted "
                               "text", where=context(" ".join(text_of(s) for s in spans))))
    return found


def _odt_page_texts(archive: Archive) -> list[Diagnostic]:
    """Headers and footers of the .odt's master pages (in styles.xml) that hold text."""
    styles = archive.xml("styles.xml")
    found = []
    for tag in ("header", "footer", "header-left", "footer-left", "header-first",
                "footer-first"):
        for part in iter_tag(styles, f"{STYLE}{tag}"):
            shown = " ".join(_shown_without(part, ODT_PAGE_FIELDS).split())
            if _own_text(shown):
                found.append(_warn(archive, codes.IMPORT_HEADER_FOOTER,
                                   where=tag.split("-")[0], text=context(shown)))
    return found


def _shown_without(element: Any, skip: set[str]) -> str:
    """The text of ``element`` leaving out the elements whose tag is in ``skip``."""
    if element.tag in skip:
        return ""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_shown_without(child, skip))
        parts.append(child.tail or "")
    return " ".join(parts)


def _comment_anchors(body: Any) -> dict[str, str]:
    """Comment id -> the text of the paragraph where the comment starts (as shown: without a
    tracked deletion's text or a field's instruction)."""
    anchors: dict[str, str] = {}
    for paragraph in iter_tag(body, f"{W}p"):
        shown = " ".join("".join(t.text or "" for t in _own(paragraph, f"{W}t")).split())
        for start in _own(paragraph, f"{W}commentRangeStart"):
            anchors[start.get(f"{W}id") or ""] = shown
        for ref in _own(paragraph, f"{W}commentReference"):
            anchors.setdefault(ref.get(f"{W}id") or "", shown)
    return anchors


def _docx_table_problem(table: Any) -> str:
    if any(cell.find(f".//{W}tbl") is not None for cell in table.iter(f"{W}tc")):
        return "a table inside a cell"
    if next(table.iter(f"{W}gridSpan"), None) is not None or \
            next(table.iter(f"{W}vMerge"), None) is not None:
        return "merged cells"
    return ""


def _own(paragraph: Any, tag: str) -> list[Any]:
    """The ``tag`` elements of ``paragraph`` outside the paragraphs nested in it (a text box's
    paragraphs are checked on their own). Walks with a stack, not recursion."""
    found, stack = [], list(reversed(paragraph))
    while stack:  # in document order
        element = stack.pop()
        if element.tag == f"{W}p":
            continue
        if element.tag == tag:
            found.append(element)
        stack.extend(reversed(element))
    return found


def _docx_paragraph_losses(archive: Archive, paragraph: Any) -> list[Diagnostic]:
    where = context(" ".join("".join(t.text or "" for t in _own(paragraph, f"{W}t")).split()))
    found = []
    for tag, kind in (("object", "OLE object"), ("control", "form control")):
        if _own(paragraph, f"{W}{tag}"):
            found.append(_warn(archive, codes.IMPORT_OBJECT, kind=kind, where=where))
    coloured = [run for run in _own(paragraph, f"{W}r") if run.find(f"{W}rPr/{W}highlight")
                is not None or (run.find(f"{W}rPr/{W}color") is not None and
                                (run.find(f"{W}rPr/{W}color").get(f"{W}val") or "auto")
                                .lower() not in ("auto", "000000"))]
    if coloured:  # colour may carry meaning ("the red items are mandatory")
        found.append(_warn(archive, codes.IMPORT_LOST_MARKUP, what="coloured or highlighted "
                           "text", where=context(" ".join(text_of(r) for r in coloured))))
    instructions = [f.get(f"{W}instr") or "" for f in _own(paragraph, f"{W}fldSimple")]
    instructions += [t.text or "" for t in _own(paragraph, f"{W}instrText")]
    caption = _docx_caption_style(paragraph)
    for instruction in instructions:
        words = instruction.split()
        if words and words[0].upper() == "SEQ" and caption:
            continue  # a caption's figure number: kept as the number it shows
        if words and words[0].upper() in FIELD_WORDS:
            found.append(_warn(archive, codes.IMPORT_FIELD, field=" ".join(words[:2]),
                               where=where))
    return found


def _odt_losses(archive: Archive) -> list[Diagnostic]:
    body = archive.xml("content.xml")
    found: list[Diagnostic] = []
    parents = {child: parent for parent in body.iter() for child in parent}
    for note in iter_tag(body, f"{OFFICE}annotation"):
        author = note.find(f"{DC}creator")
        text = " ".join(text_of(p) for p in note.iter(f"{TEXT}p"))
        anchor = parents.get(note)
        found.append(_warn(archive, codes.IMPORT_COMMENT,
                           author=(author.text if author is not None else None) or "someone",
                           text=context(text),
                           where=context(_outside(anchor, note) if anchor is not None else "")))
    inserted = _odt_inserted_texts(body)
    for region in iter_tag(body, f"{TEXT}changed-region"):
        for kind in ("insertion", "deletion"):
            for change in region.iter(f"{TEXT}{kind}"):
                creator = change.find(f".//{DC}creator")
                text = " ".join(text_of(p) for p in change.iter(f"{TEXT}p")) or \
                    inserted.get(region.get(f"{TEXT}id") or "", "")
                found.append(_warn(archive, codes.IMPORT_TRACKED, kind=kind,
                                   author=(creator.text if creator is not None else None)
                                   or "someone", text=context(text) or "(text changed)"))
    for box in iter_tag(body, f"{DRAW}text-box"):
        if not _odt_caption_frame(box):
            found.append(_warn(archive, codes.IMPORT_TEXT_BOX, text=context(text_of(box))))
    for number, table in enumerate(iter_tag(body, f"{TABLE}table"), start=1):
        what = "merged cells" if next(table.iter(f"{TABLE}covered-table-cell"), None) \
            is not None else ""
        if what:
            found.append(_warn(archive, codes.IMPORT_MERGED_TABLE, number=number, what=what,
                               first=context(text_of(table))[:20]))
    for obj in iter_tag(body, f"{DRAW}object"):
        found.append(_warn(archive, codes.IMPORT_OBJECT, kind="embedded object",
                           where=context(text_of(parents.get(obj, obj)))))
    for tag in ("table-of-content", "page-number", "page-count", "bookmark-ref"):
        for field in iter_tag(body, f"{TEXT}{tag}"):
            found.append(_warn(archive, codes.IMPORT_FIELD, field=tag,
                               where=context(text_of(parents.get(field, field)))))
    return found + _odt_coloured(archive, body) + _odt_page_texts(archive)


def _odt_caption_frame(box: Any) -> bool:
    """A text box that only holds captioned pictures (LibreOffice's *Insert > Caption*: a
    caption-styled paragraph with the image frame and the caption text), which the import
    keeps as figures."""
    paragraphs = list(box)
    return bool(paragraphs) and all(
        _caption_style(p) and p.find(f"{DRAW}frame/{DRAW}image") is not None
        and p.find(f".//{DRAW}text-box") is None for p in paragraphs)


def _docx_caption_frame(box: Any) -> bool:
    """The same in a .docx (LibreOffice writes its caption frame as a text box): every
    paragraph has a caption style and holds a picture."""
    paragraphs = list(box)
    return bool(paragraphs) and all(
        p.tag == f"{W}p" and _docx_caption_style(p)
        and next(p.iter(f"{W}drawing"), None) is not None for p in paragraphs)


def _docx_caption_style(paragraph: Any) -> bool:
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    name = (style.get(f"{W}val") or "") if style is not None else ""
    return any(word in name.lower() for word in CAPTION_WORDS)


def _odt_inserted_texts(body: Any) -> dict[str, str]:
    """Change id -> the text between its ``text:change-start`` and ``text:change-end`` (an
    insertion's text is in the body, not in ``text:tracked-changes``). Walks with a stack, not
    recursion, so a deeply nested document cannot exhaust Python's stack."""
    open_ids: dict[str, list[str]] = {}
    done: dict[str, str] = {}
    skipped = (f"{OFFICE}annotation", f"{TEXT}tracked-changes")  # not inserted text
    stack: list[tuple[Any, bool]] = [(body, False)] if body is not None else []
    while stack:
        element, closing = stack.pop()
        if closing:  # the element's tail follows it
            for parts in open_ids.values():
                parts.append(element.tail or "")
            continue
        stack.append((element, True))
        ident = element.get(f"{TEXT}change-id") or ""
        if element.tag == f"{TEXT}change-start":
            open_ids[ident] = []
        elif element.tag == f"{TEXT}change-end":
            done[ident] = " ".join("".join(open_ids.pop(ident, [])).split())
        elif element.tag not in skipped:
            for parts in open_ids.values():
                parts.append(element.text or "")
            stack.extend((child, False) for child in reversed(list(element)))
    return done


def _outside(parent: Any, skip: Any) -> str:
    """The text of ``parent`` without that of its child ``skip`` (an annotation's own text)."""
    parts = [parent.text or ""]
    for child in parent:
        if child is not skip:
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def document_metadata(archive: Archive) -> dict[str, str]:
    """title, author and language from docProps/core.xml or meta.xml (empty when absent)."""
    if archive.kind == "docx":
        root = archive.xml("docProps/core.xml")
        keys = {"title": f"{DC}title", "author": f"{DC}creator", "language": f"{DC}language"}
    else:
        root = archive.xml("meta.xml")
        keys = {"title": f"{DC}title", "author": "{urn:oasis:names:tc:opendocument:xmlns:"
                "meta:1.0}initial-creator", "language": f"{DC}language"}
    found = {}
    for key, tag in keys.items():
        element = root.find(f".//{tag}") if root is not None else None
        if element is not None and (element.text or "").strip():
            found[key] = " ".join((element.text or "").split())
    return found


def odt_alt_texts(archive: Archive) -> dict[str, tuple[str, str]]:
    """Image path in the archive -> (description, title) of its frame (Pandoc's odt reader
    does not read them)."""
    if archive.kind != "odt":
        return {}
    found = {}
    root = archive.xml("content.xml")
    parents = {child: parent for parent in root.iter() for child in parent}
    for frame in iter_tag(root, f"{DRAW}frame"):
        image = frame.find(f"{DRAW}image")
        if image is None:
            continue
        href = image.get("{http://www.w3.org/1999/xlink}href") or ""
        alt = [text_of(e) for e in (frame.find(f"{SVG}desc"), frame.find(f"{SVG}title"))
               if e is not None and text_of(e)]
        found[href] = (alt[0] if alt else "", _odt_caption(frame, parents))
    return found


def _odt_caption(frame: Any, parents: dict[Any, Any]) -> str:
    """The caption of an image frame: the text of a caption-styled paragraph holding it
    (LibreOffice) or right after the paragraph holding it (Pandoc and others)."""
    paragraph = parents.get(frame)
    while paragraph is not None and paragraph.tag != f"{TEXT}p":
        paragraph = parents.get(paragraph)
    if paragraph is None:
        return ""
    if _caption_style(paragraph) and _outside(paragraph, frame):
        return _outside(paragraph, frame)
    siblings = list(parents.get(paragraph, []))
    index = siblings.index(paragraph) if paragraph in siblings else -1
    if 0 <= index < len(siblings) - 1 and _caption_style(siblings[index + 1]):
        return text_of(siblings[index + 1])
    return ""


CAPTION_WORDS = ("caption", "illustration", "figure")  # LibreOffice 7 calls its style Figure


def _caption_style(paragraph: Any) -> bool:
    style = (paragraph.get(f"{TEXT}style-name") or "").lower()
    return paragraph.tag == f"{TEXT}p" and any(word in style for word in CAPTION_WORDS) \
        and "withcaption" not in style


def relative(path: Path) -> str:
    return path.as_posix()


STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
FO = "{urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0}"
PLAIN_COLOURS = {"", "#000000", "auto"}
PLAIN_BACKGROUNDS = {"", "transparent", "#ffffff", "auto"}
ROLES = (("title", "title"), ("subtitle", "subtitle"), ("author", "author"),
         ("quotations", "quote"), ("quote", "quote"),
         ("preformatted", "code"), ("source", "code"), ("code", "code"))


def odt_paragraph_roles(archive: Archive) -> dict[str, str]:
    """Paragraph text -> "title", "subtitle", "author", "quote" or "code", from its style
    (Pandoc's odt reader keeps no styles; an automatic style counts as its parent)."""
    if archive.kind != "odt":
        return {}
    root = archive.xml("content.xml")
    parents = {s.get(f"{STYLE}name"): s.get(f"{STYLE}parent-style-name") or ""
               for s in iter_tag(root, f"{STYLE}style")}
    roles = {}
    for paragraph in iter_tag(root, f"{TEXT}p"):
        name = paragraph.get(f"{TEXT}style-name") or ""
        style = (parents.get(name) or name).replace("_20_", " ").lower()
        for word, role in ROLES:
            if style == word or (role == "code" and word in style):
                roles[text_of(paragraph)] = role
                break
    return roles
