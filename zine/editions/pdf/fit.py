"""PDF edition, layout check: tables that still do not fit the A5 type area once laid out.

Called by ``zine.editions.pdf.Typesetter`` on each rendered WeasyPrint document, in the worker
that laid it out; reads the laid-out boxes only. styles/pdf.css fits wide tables (smaller type,
wrapping cells, a quarter turn from 16 columns: ``zine.editions.pdf.markup.table_fit``), but a
cell can still hold something that does not break (a long code span, an image), and then the
table's right part runs off the page. That is reported as a warning (Z508) naming the article
and the page, never silently.
"""

from __future__ import annotations

from typing import Any

from zine.diagnostics import Diagnostic, codes, make
from zine.model import Position

PT_PER_MM = 72 / 25.4
SLACK_PT = 1.0  # rounding in the layout


def overflowing_tables(document: Any) -> list[tuple[int, float]]:
    """(1-based page, millimetres too wide) for each table box of ``document`` (a rendered
    WeasyPrint ``Document``) that is wider than its page's type area; for a table turned a
    quarter (a ``transform``), its height is what must fit the type area's width."""
    from weasyprint.formatting_structure.boxes import TableBox

    found = []
    for number, page in enumerate(document.pages, start=1):
        box = page._page_box
        right = box.content_box_x() + box.width
        for wrapper in box.descendants():  # the table wrapper box holds the transform
            for table in getattr(wrapper, "children", ()):
                if not isinstance(table, TableBox):
                    continue
                if wrapper.style["transform"] or table.style["transform"]:  # turned
                    excess = table.border_height() - box.width
                else:
                    excess = table.border_box_x() + table.border_width() - right
                if excess > SLACK_PT:
                    found.append((number, round(excess / PT_PER_MM, 1)))
    return found


def table_warnings(document: Any, where: Position) -> list[Diagnostic]:
    """Z508 for each table of ``document`` that runs off its page."""
    return [make(codes.TABLE_RUNS_OFF_PAGE, where, page=page, excess=excess)
            for page, excess in overflowing_tables(document)]
