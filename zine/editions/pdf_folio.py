"""PDF edition, assembly stage: folios (page numbers) printed on the assembled issue.

The parts of the issue are laid out without folios, because a part does not know on which page
it will land. Once the merge (``zine.editions.pdf_merge``) has placed them, WeasyPrint lays out
one *folio sheet* (``zine.editions.pdf_parts.folio_document``): an empty page per page of the
issue, with the same stylesheet, so each folio has the font, colour and place of a folio drawn
by the page's own layout (outer bottom corner, ``counter(page)``). Each sheet page is then
drawn over its issue page as a form XObject, marked as a pagination artifact so assistive
technology skips it, as it skips running heads. Offprints get the same folios: an article's
offprint keeps the page numbers it has in the issue.

Edits PDFs in memory only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pikepdf import Name, Pdf

ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"


def stamp(target: Pdf, sheet: Pdf, pages: Sequence[int], first_sheet_page: int = 0) -> None:
    """Draw sheet page ``first_sheet_page + i`` over ``target`` page ``i`` for each ``i`` in
    ``pages`` (0-based indexes into ``target``)."""
    for index in pages:
        page = target.pages[index]
        form = target.copy_foreign(sheet.pages[first_sheet_page + index].as_form_xobject())
        name = page.add_resource(form, Name.XObject, Name(f"/ZineFolio{index}"))
        page.contents_add(target.make_stream(b"q\n"), prepend=True)
        page.contents_add(target.make_stream(
            b"\nQ\n" + ARTIFACT + b" q " + str(name).encode() + b" Do Q EMC\n"), prepend=False)
