"""Editions stage: the print booklet, ``<out>/<issue-id>/<issue-id>-booklet.pdf``.

The issue PDF (A5, from the PDF edition) imposed for saddle stitching: A4 landscape sheets, two
A5 pages per side, the page count padded with blank pages to a multiple of 4, so printing the
file double-sided (flip on the short edge) and folding the stack in the middle gives the zine.
Sheet ``k`` (0-based) carries pages ``[n-1-2k, 2k]`` on its front and ``[2k+1, n-2-2k]`` on its
back (0-based, left half first). Optional crop marks: short hairlines outside the A5 trim box and
at the fold, in the sheet margins.

Reads the ``RenderedIssue`` and the issue PDF: the file the PDF edition wrote in this build
(``made``, given by the build), else one laid out anew by ``zine.editions.pdf`` -- from the
build cache when it may -- and not written. Imposes with pypdf in memory; writes only through
``zine.safety.writer``. The same issue PDF always gives the same booklet bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import ArrayObject, ByteStringObject, DecodedStreamObject, NameObject

from zine.editions.pdf import issue_pdf_bytes, part_store
from zine.model.rendered import RenderedIssue
from zine.safety import writer

A4_LANDSCAPE = (841.8898, 595.2756)  # points: 297 mm x 210 mm
MARK_LENGTH = 8.0  # points (about 3 mm)


def render(rendered: RenderedIssue, out_dir: Path, *, crop_marks: bool = False,
           use_cache: bool = False, made: Mapping[str, Sequence[Path]] | None = None
           ) -> list[Path]:
    """Write ``<issue-id>/<issue-id>-booklet.pdf``; the issue PDF itself is not written.
    ``made["pdf"]``: the paths the PDF edition wrote for ``rendered`` in this build, whose
    issue PDF is imposed; without it the issue is laid out here (``use_cache``: its parts may
    come from the build cache, ``zine.runtime.cache.cache_home``)."""
    issue_id = rendered.issue.id
    data = impose(_issue_pdf(rendered, out_dir, use_cache, made), crop_marks=crop_marks)
    stem = rendered.issue.stem  # <issue-id>.<lang>-booklet.pdf for another language
    return [writer.write_bytes(out_dir, f"{issue_id}/{stem}-booklet.pdf", data)]


def _issue_pdf(rendered: RenderedIssue, out_dir: Path, use_cache: bool,
               made: Mapping[str, Sequence[Path]] | None) -> bytes:
    name = f"{rendered.issue.stem}.pdf"
    for path in (made or {}).get("pdf", []):
        if path.name == name and path.parent.name == rendered.issue.id:
            return path.read_bytes()

    store = part_store(out_dir, rendered.issue.id) if use_cache else None
    return issue_pdf_bytes(rendered, store)


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes of every sheet side in printing order; None is a blank."""
    n = -(-pages // 4) * 4 if pages else 0
    sides = []
    for k in range(n // 4):
        sides.append((n - 1 - 2 * k, 2 * k))
        sides.append((2 * k + 1, n - 2 - 2 * k))
    return [tuple(i if i < pages else None for i in side) for side in sides]  # type: ignore[misc]


def impose(pdf: bytes, *, crop_marks: bool = False) -> bytes:
    """``pdf`` (A5 pages) as a saddle-stitched booklet of A4 landscape sheets, as bytes."""
    reader = PdfReader(io.BytesIO(pdf))
    out = PdfWriter()
    width, height = A4_LANDSCAPE
    for left, right in booklet_order(len(reader.pages)):
        sheet = out.add_blank_page(width, height)
        page_width = _page_width(reader)
        x0 = (width - 2 * page_width) / 2
        for half, index in enumerate((left, right)):
            if index is None:
                continue
            page = reader.pages[index]
            box = page.mediabox
            sheet.merge_transformed_page(page, Transformation().translate(
                x0 + half * page_width - float(box.left), -float(box.bottom)), over=True)
        if crop_marks:
            _draw_marks(out, sheet, (x0, x0 + page_width, x0 + 2 * page_width))
        sheet.compress_content_streams()
    _copy_metadata(reader, out)
    out.compress_identical_objects()
    buffer = io.BytesIO()
    out.write(buffer)
    return buffer.getvalue()


def _page_width(reader: PdfReader) -> float:
    return float(reader.pages[0].mediabox.width) if reader.pages else A4_LANDSCAPE[0] / 2


def _draw_marks(out: PdfWriter, sheet: PageObject, xs: tuple[float, ...]) -> None:
    """Hairlines at the left trim, the fold and the right trim, top and bottom."""
    height = A4_LANDSCAPE[1]
    ops = ["q", "0.25 w", "0 G"]
    for x in xs:
        ops.append(f"{x:.3f} 0 m {x:.3f} {MARK_LENGTH:.3f} l S")
        ops.append(f"{x:.3f} {height - MARK_LENGTH:.3f} m {x:.3f} {height:.3f} l S")
    ops.append("Q")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    marks = out._add_object(stream)
    contents = sheet.get_contents()
    existing = [out._add_object(contents)] if contents is not None else []
    sheet[NameObject("/Contents")] = ArrayObject([*existing, marks])


def _copy_metadata(reader: PdfReader, out: PdfWriter) -> None:
    """The issue PDF's title, author and dates; a file identifier derived from its bytes."""
    info = reader.metadata
    keep = {key: str(info[key]) for key in ("/Title", "/Author", "/Subject", "/Keywords",
                                            "/Creator", "/CreationDate", "/ModDate")
            if info is not None and key in info}
    keep["/Producer"] = "tech-coops zine (pypdf imposition)"
    out.add_metadata(keep)
    digest = hashlib.sha256(repr(sorted(keep.items())).encode()).digest()[:16]
    out._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])
