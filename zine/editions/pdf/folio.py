"""PDF edition, assembly stage: folios (page numbers) printed on the assembled issue.

The parts of the issue are laid out without folios, because a part does not know on which page
it will land. Once every part's page count is known, WeasyPrint lays out one *folio sheet* per
part (``zine.editions.pdf.parts.folio_part``): an empty page per page of the part, numbered
from the page the part starts on, with the same stylesheet, so each folio has the font,
colour and place of a folio drawn by the page's own layout (outer bottom corner). The sheets
of all parts are laid out side by side and cached like the parts (a part that does not move
keeps its sheet). Each sheet page is then drawn over its page as a form XObject, marked as a
pagination artifact so assistive technology skips it, as it skips running heads. An
article's offprint gets its sheet too: it keeps the page numbers it has in the issue.

Edits PDFs in memory only.
"""

from __future__ import annotations

from collections.abc import Sequence

from pikepdf import Name, Page, Pdf

ARTIFACT = b"/Artifact <</Type /Pagination /Subtype /Footer>> BDC"


def stamp(target: Pdf, folios: Sequence[Page], first_page: int = 0) -> None:
    """Draw each page ``folios[i]`` (of a folio sheet) over page ``first_page + i`` of
    ``target``."""
    for offset, folio in enumerate(folios):
        index = first_page + offset
        page = target.pages[index]
        form = target.copy_foreign(folio.as_form_xobject())
        name = page.add_resource(form, Name.XObject, Name(f"/ZineFolio{index}"))
        page.contents_add(target.make_stream(b"q\n"), prepend=True)
        page.contents_add(target.make_stream(
            b"\nQ\n" + ARTIFACT + b" q " + str(name).encode() + b" Do Q EMC\n"), prepend=False)
