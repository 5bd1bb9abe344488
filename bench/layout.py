"""Benchmark: the engine floor, WeasyPrint's layout CPU for every part of the issue PDF.

``python -m bench.layout CORPUS ISSUE`` loads and renders the issue the way ``zine build`` does,
then lays out each part of its PDF (front matter, every article, back matter and the folio
blocks, the front matter once more with its page numbers, as a cold build does) one after the
other in this process, with the PDF edition's own ``Typesetter``, and
prints one JSON line: the CPU seconds spent in those layouts (``time.process_time``), the
number of parts, and this machine's CPU count. The layout CPU over the CPUs is the least wall
time the PDF edition could take on this machine with WeasyPrint as it is; ``bench.run`` shows
it beside the cold build. Writes nothing.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from zine.editions.pdf import FOLIO_BLOCK
from zine.editions.pdf.merge import open_pdf, placement
from zine.editions.pdf.parts import folio_part, front_part, plan_parts
from zine.editions.pdf.typeset import Typesetter
from zine.load.loader import load_project
from zine.render.issue import render_issue


def main(argv: list[str]) -> int:
    corpus, issue_id = Path(argv[0]), argv[1]
    zine, _diags = load_project(corpus)
    issue = next(i for i in zine.issues if i.id == issue_id)
    rendered, _ = render_issue(zine, issue)
    plan = plan_parts(rendered)
    setter = Typesetter(rendered)
    parts = [front_part(rendered, plan, None), *plan.articles, plan.back]
    cpu, laid = 0.0, []
    for part in parts:
        start = time.process_time()
        laid.append(setter.typeset(part)[0])
        cpu += time.process_time() - start
    docs = [open_pdf(data) for data in laid]
    starts = placement([len(doc.pages) for doc in docs])
    pages = {anchor: starts[i] + 1 for i, part in enumerate(parts) if part.entry
             for anchor in [part.entry.anchor]}
    pages.update({anchor: starts[-1] + 1 for anchor in plan.back_anchors})
    last = starts[-1] + len(docs[-1].pages)
    # what a cold build lays out once the page counts are known: the front matter with its
    # numbers, and the folio blocks
    again = [front_part(rendered, plan, pages)] + [
        folio_part(rendered, b * FOLIO_BLOCK + 1, FOLIO_BLOCK)
        for b in range((last + FOLIO_BLOCK - 1) // FOLIO_BLOCK)]
    for part in again:
        start = time.process_time()
        setter.typeset(part)
        cpu += time.process_time() - start
    print(json.dumps({"layout_cpu": cpu, "parts": len(parts) + len(again), "pages": last,
                      "cpus": os.cpu_count() or 1}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
