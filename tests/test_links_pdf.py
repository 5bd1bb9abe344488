"""PDF page numbers of links between articles when printing them changes the page count.

The first article links to the second four hundred times: as first laid out (its offprint,
with web addresses) it is shorter than with "(p. N)" after every link, so the second article
starts later than the first layout said. The numbering must be redone: every "(p. N)", the
contents and the folios give the pages the articles really start on, and the offprint keeps
folios for its own page count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from tests.pdf_helpers import contents_numbers, opening_pages, page_texts
from tests.pipeline_helpers import render_project
from zine.editions import pdf
from zine.model.rendered import RenderedIssue

pytestmark = pytest.mark.slow

LINKS = " ".join(["[a](b-second.md)"] * 400)


@dataclass(frozen=True)
class Built:
    rendered: RenderedIssue
    issue: Path
    offprint: Path
    texts: list[str]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = write_tree(tmp_path_factory.mktemp("tree"), {
        "issues/01-base/articles/a-first.md": article(
            front='title: "First"\nauthors:\n  - name: "Zine collective"\n',
            body=f"Links: {LINKS}.\n\nAnd [one in Hindi](b-second.md#योगदान-देने-से-पहले).\n"),
        "issues/01-base/articles/b-second.md": article(
            front='title: "Second"\nauthors:\n  - name: "Zine collective"\n',
            body="The second article.\n\n## योगदान देने से पहले\n\nText.\n"),
    })
    [rendered] = render_project(root)
    out = tmp_path_factory.mktemp("out")
    issue, *offprints = pdf.render(rendered, out)
    first = next(p for p in offprints if p.name == "a-first.pdf")
    return Built(rendered, issue, first, page_texts(issue))


def test_every_printed_page_number_is_where_the_target_starts(built: Built) -> None:
    texts = built.texts
    printed = {int(n) for t in texts for n in re.findall(r"\(p\. (\d+)\)", " ".join(t.split()))}
    assert printed == {opening_pages(built.rendered, texts)["Second"][0]}
    # the case is real: with the numbers printed, the first article takes more pages than
    # its offprint (web links, no numbers), so the first layout's numbers were wrong
    linked_pages = [i for i, t in enumerate(texts) if "(p. " in t]
    assert len(page_texts(built.offprint)) < len(linked_pages)


def test_the_contents_gives_the_real_first_pages(built: Built) -> None:
    numbers = contents_numbers(built.rendered, built.texts)
    openings = opening_pages(built.rendered, built.texts)
    assert numbers == {title: pages[0] for title, pages in openings.items()}


def test_the_offprint_keeps_folios_for_its_own_pages(built: Built) -> None:
    start = next(i + 1 for i, t in enumerate(built.texts) if "(p. " in t)
    offprint = page_texts(built.offprint)
    assert "(p. " not in " ".join(offprint)
    assert [t.split()[-1] for t in offprint] == [str(n) for n in
                                                 range(start, start + len(offprint))]


def test_a_link_to_a_non_ascii_heading_is_a_real_link_to_its_page(built: Built) -> None:
    from pypdf import PdfReader

    reader = PdfReader(built.issue)
    named = reader.named_destinations
    second = opening_pages(built.rendered, built.texts)["Second"][0]
    landings = set()
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            dest = ref.get_object().get("/Dest")
            if dest is not None and str(dest) == "b-second--योगदान-देने-से-पहले":
                landings.add(reader.get_destination_page_number(named[str(dest)]) + 1)
    assert landings == {second}
