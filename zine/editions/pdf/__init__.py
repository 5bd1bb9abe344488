"""PDF edition: a ``RenderedIssue`` -> ``<out>/<issue-id>/<issue-id>.pdf`` (A5, tagged, outline)
and one offprint per published article, ``<out>/<issue-id>/offprints/<slug>.pdf``.

Editions stage, the orchestrator of three steps:

1. *parts* (``zine.editions.pdf.parts``): the front matter, each article and the back matter are
   separate HTML documents, laid out by WeasyPrint independently -- in parallel worker
   processes (``zine.editions.pdf.pool``: forked after the stylesheets, fonts and hyphenation
   dictionaries are loaded once, so a worker costs its own layout only), and each looked up
   first in the build cache (``cache_home(out)/pdf/``) by the digest of its HTML and the code, so
   a rebuild after one edit lays out one article;
2. *assembly*: the page count of each part places the parts (each on a right-hand page); the
   front matter is laid out with the real page numbers in its contents (again if that changed
   its own length) beside each part's folio sheet; ``zine.editions.pdf.merge`` joins the parts
   into one tagged PDF with its outline and links; ``zine.editions.pdf.folio`` prints the
   folios;
3. *offprints*: an article's part with its folio sheet is its offprint, with the article's own
   metadata (title, authors, summary, tags, language, cooperatives, licence, source); kept in
   the cache too.

Every resource (stylesheets, fonts, images, the cover) is loaded through
``zine.safety.fetcher.RestrictedFetcher`` under the virtual base URL
``zine.safety.fetcher.BASE_URL``, so the PDF does not depend on the checkout folder. Files are
written only through ``zine.safety.writer``, and only after every part laid out cleanly.

API: ``render(rendered, out_dir, use_cache=False) -> list[Path]``. On failure it writes nothing
and raises ``PdfBuildError`` (a ``zine.errors.ContentError``) whose ``diagnostics`` say what
went wrong, for every part at once: Z502 for a resource the fetcher refused, Z503 for an error
WeasyPrint logged, Z501 for an exception during layout (RecursionError on deeply nested input,
for instance); each names the article whose part failed, else the issue's ``issue.yaml``.
On success it returns ``Written`` (the paths, with ``warnings``: Z508 for a table that still
runs off its page, ``zine.editions.pdf.fit``).

Verified on WeasyPrint 70 with ``pdf_variant="pdf/ua-1"`` (tests/test_pdf_*.py read it back):
the catalog has ``/StructTreeRoot``, ``/MarkInfo << /Marked true >>`` and ``/Lang``; headings are
tagged ``H1``..``H6``, paragraphs ``P``, figures ``Figure`` with ``/Alt``; the XMP packet says
``pdfuaid:part 1``; elements of an article in another language carry its ``/Lang``.
``zine.editions.pdf.tags`` adds what WeasyPrint leaves out: footnotes as ``/Note``, ``/Lang``
wherever a ``lang`` attribute changes the language, ``/Scope`` on table headers, link
annotations inside ``/Link`` elements, running heads as artifacts. Images without alt text
make WeasyPrint log an error (so Z503). Not verified: full PDF/UA-1 conformance (no veraPDF
here; the PyPI ``pdfua`` subset checker runs in the tests). Dates come from
``<meta name=dcterms.created|modified>``, which we fill from ``SOURCE_DATE_EPOCH`` or the
issue date, and qpdf writes a deterministic ``/ID``, so two builds of the same input are
byte-identical.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from zine.diagnostics import Diagnostic, codes, make
from zine.editions.pdf import folio as pdf_folio
from zine.editions.pdf import merge as pdf_merge
from zine.editions.pdf.markup import FragmentError, ui_strings
from zine.editions.pdf.merge import Bookmark, anchor_pages
from zine.editions.pdf.parts import folio_part, front_part, linked_part, plan_parts
from zine.editions.pdf.pool import typeset_parts
from zine.editions.pdf.typeset import PdfBuildError, Typesetter, article_position
from zine.model.rendered import RenderedIssue
from zine.runtime.cache import BlobStore
from zine.safety import writer

if TYPE_CHECKING:
    import pikepdf

    from zine.editions.pdf.merge import Bookmark
    from zine.editions.pdf.parts import Part, Plan
    from zine.runtime.cache import BlobStore

log = logging.getLogger(__name__)

FRONT_ROUNDS = 3  # lay the front matter out again while its page count keeps changing
FOLIO_BLOCK = 32  # folio pages per folio sheet (``_Folios``)


@dataclass(frozen=True)
class IssuePdf:
    """What the edition makes of one issue: the issue PDF and each article's offprint."""

    issue: bytes
    offprints: dict[str, bytes]
    warnings: tuple[Diagnostic, ...] = ()  # Z508: tables that run off the page


class Written(list[Path]):
    """The files an edition wrote, with the warnings it found while making them (the build
    reports them; a plain list of paths means none)."""

    def __init__(self, paths: Sequence[Path], warnings: Sequence[Diagnostic] = ()) -> None:
        super().__init__(paths)
        self.warnings = list(warnings)


def render(rendered: RenderedIssue, out_dir: Path, *, use_cache: bool = False) -> list[Path]:
    """Write ``<out_dir>/<issue-id>/<issue-id>.pdf`` and one ``offprints/<slug>.pdf`` per
    published article; raise ``PdfBuildError`` on any problem (then nothing is written).
    ``use_cache``: look laid-out parts up in (and add them to) ``cache_home(out_dir)/pdf/``
    (``part_store``)."""
    store = part_store(out_dir, rendered.issue.id) if use_cache else None
    made = make_issue_pdf(rendered, store)
    issue_id = rendered.issue.id
    files = [(f"{issue_id}/{rendered.issue.stem}.pdf", made.issue)]
    offprints = rendered.offprint_slugs()
    files += [(f"{issue_id}/offprints/{slug}.pdf", data) for slug, data in made.offprints.items()
              if slug in offprints]
    written = writer.write_all(out_dir, files)
    if store is not None:
        store.prune()
    return Written(written, made.warnings)


def part_store(out_dir: Path, issue_id: str) -> BlobStore:
    """The build cache of one issue's laid-out parts, folio blocks and offprints:
    ``cache_home(out_dir)/pdf/<issue-id>/``, one folder per issue, so that the prune after one
    issue's PDF keeps every other issue's entries (a rebuild of a zine of several issues lays
    out the edited article only)."""
    return BlobStore(out_dir, f"pdf/{issue_id}")


def issue_pdf_bytes(rendered: RenderedIssue, store: BlobStore | None = None) -> bytes:
    """The issue PDF of ``rendered``, laid out anew (from ``store`` where it may) and not
    written anywhere."""
    return make_issue_pdf(rendered, store).issue


def make_issue_pdf(rendered: RenderedIssue, store: BlobStore | None = None) -> IssuePdf:
    """Lay out, assemble and number the issue and its offprints; writes nothing."""
    try:
        plan = plan_parts(rendered, store)
    except FragmentError as error:
        raise PdfBuildError([make(codes.RENDER_FAILED, article_position(error.article),
                                  reason=error.reason)]) from None
    setter = Typesetter(rendered)
    parts = [front_part(rendered, plan, None), *plan.articles, plan.back]
    # the back matter (the smallest part) here first: it warms this process up (fonts, Pango,
    # cffi types) before the workers that lay out the other parts are forked from it
    laid = typeset_parts(setter, parts[:-1], store, warm_up=parts[-1])
    docs = [pdf_merge.open_pdf(data) for data in laid]
    first_counts, folios = _number(rendered, setter, plan, parts, docs, store)
    counts = [len(doc.pages) for doc in docs]
    starts = pdf_merge.placement(counts)
    language = rendered.issue.language
    outline = _outline(rendered, plan, docs, starts)
    merged = pdf_merge.merge(
        [pdf_merge.PartPdf(doc, part.stubs,
                           part.entry.lang if part.entry and part.entry.lang != language
                           else None) for part, doc in zip(parts, docs, strict=True)],
        outline)
    for index in range(1, len(parts)):
        pdf_folio.stamp(merged, folios.pages(starts[index] + 1, counts[index]),
                        first_page=starts[index])
    issue = pdf_merge.save(merged)
    # an offprint is the part as first laid out (links to other articles as web addresses),
    # with the folios of the pages it has in the issue
    wanted = rendered.offprint_slugs()  # an edition in another language: its own versions'
    offprints = {part.name: _offprint(laid[index], folios, starts[index] + 1,
                                      first_counts[index], store)
                 for index, part in enumerate(parts[1:-1], start=1) if part.name in wanted}
    return IssuePdf(issue, offprints, tuple(sorted(set(setter.warnings))))


@dataclass(frozen=True)
class _Folios:
    """The folio sheets of an issue, opened: block ``b`` holds the numbers
    ``b * FOLIO_BLOCK + 1`` to ``(b + 1) * FOLIO_BLOCK``, whichever part they land in, so a
    part that gains a page changes no block but the last, and every other is kept (cached)."""

    blocks: dict[int, pikepdf.Pdf]
    digests: dict[int, str]  # of each block's bytes, for the offprint cache

    def pages(self, first: int, count: int) -> list[pikepdf.Page]:
        """The folio pages of the numbers ``first`` to ``first + count - 1``."""
        return [self.blocks[(n - 1) // FOLIO_BLOCK].pages[(n - 1) % FOLIO_BLOCK]
                for n in range(first, first + count)]

    def digest(self, first: int, count: int) -> str:
        used = sorted({(n - 1) // FOLIO_BLOCK for n in range(first, first + count)})
        return f"{first}+{count}:" + ",".join(self.digests[b] for b in used)


def _blocks_for(last: int) -> range:
    """The folio blocks that hold the numbers 1 to ``last``."""
    return range((last + FOLIO_BLOCK - 1) // FOLIO_BLOCK)


def _offprint(part: bytes, folios: _Folios, first: int, count: int,
              store: BlobStore | None) -> bytes:
    """An article's part with the folios ``first`` to ``first + count - 1``."""
    key = store.key("offprint", hashlib.sha256(part).hexdigest(),
                    folios.digest(first, count)) if store is not None else ""
    cached = store.get(key) if store is not None else None
    if cached is not None:
        return cached
    offprint = pdf_merge.open_pdf(part)  # its tags were finished when it was laid out
    pdf_folio.stamp(offprint, folios.pages(first, count))
    data = pdf_merge.save(offprint)
    if store is not None:
        store.put(key, data)
    return data


def _number(rendered: RenderedIssue, setter: Typesetter, plan: Plan, parts: list[Part],
            docs: list[pikepdf.Pdf], store: BlobStore | None) -> tuple[list[int], _Folios]:
    """Lay out what needs the page numbers, again while a page count changes: the front
    matter with the real numbers in its contents, each part that links to another article of
    the PDF with the page it leads to ("(p. 23)", ``pdf_parts.linked_part``), and the folio
    blocks, side by side. When no page count changed since the last build, every one of them
    is in the cache: nothing is laid out. ``parts`` and ``docs`` (opened) are updated in
    place. Returns the page count of each part as first laid out (its offprint's) and the
    folio blocks that number the issue and the offprints."""
    counts = [len(doc.pages) for doc in docs]
    first_counts = list(counts)  # the offprints' (the parts as first laid out)
    linked = [i for i, part in enumerate(parts) if part.xrefs]
    originals = {i: parts[i] for i in linked}
    memo: dict[tuple[str, bool], bytes] = {}

    def blocks(counts: Sequence[int]) -> list[Part]:
        starts = pdf_merge.placement(counts)
        last = max(max(s + c, s + f) for s, c, f in zip(starts, counts, first_counts,
                                                        strict=True))
        return [folio_part(rendered, b * FOLIO_BLOCK + 1, FOLIO_BLOCK)
                for b in _blocks_for(last)]

    for _round in range(FRONT_ROUNDS):
        starts = pdf_merge.placement(counts)
        pages = _xref_pages(parts, docs, starts) if linked else {}
        front = front_part(rendered, plan, _anchor_pages(plan, docs, starts))
        relaid = [linked_part(rendered, originals[i], pages) for i in linked]
        front_pdf, *rest = _typeset_once(setter, [front, *relaid, *blocks(counts)], store,
                                         memo)
        front_doc = pdf_merge.open_pdf(front_pdf)
        changed = len(front_doc.pages) != counts[0]
        parts[0], docs[0], counts[0] = front, front_doc, len(front_doc.pages)
        for i, part, data in zip(linked, relaid, rest, strict=False):
            docs[i], parts[i] = pdf_merge.open_pdf(data), part
            changed |= len(docs[i].pages) != counts[i]
            counts[i] = len(docs[i].pages)
        if linked and not changed:
            changed = _xref_pages(parts, docs, pdf_merge.placement(counts)) != pages
        if not changed:
            break
    sheets = _typeset_once(setter, blocks(counts), store, memo)  # laid out above, as a rule
    return first_counts, _Folios(
        {b: pdf_merge.open_pdf(data) for b, data in enumerate(sheets)},
        {b: hashlib.sha256(data).hexdigest() for b, data in enumerate(sheets)})


def _typeset_once(setter: Typesetter, parts: Sequence[Part], store: BlobStore | None,
                  memo: dict[tuple[str, bool], bytes]) -> list[bytes]:
    """``pool.typeset_parts``, laying out only the parts this build has not laid out yet
    (without a cache, a second numbering round would lay out everything again)."""
    keys = [(part.html, part.tagged) for part in parts]
    todo = [part for part, key in zip(parts, keys, strict=True) if key not in memo]
    for part, data in zip(todo, typeset_parts(setter, todo, store) if todo else [],
                          strict=True):
        memo[(part.html, part.tagged)] = data
    return [memo[key] for key in keys]


def _xref_pages(parts: Sequence[Part], docs: Sequence[pikepdf.Pdf],
                starts: Sequence[int]) -> dict[str, int]:
    """The 1-based page of every anchor of the article parts (not their stubs)."""
    pages = {}
    for i in range(1, len(parts) - 1):
        for name, index in anchor_pages(docs[i]).items():
            if name not in parts[i].stubs:
                pages[name] = starts[i] + index + 1
    return pages


def _anchor_pages(plan: Plan, docs: Sequence[pikepdf.Pdf],
                  starts: Sequence[int]) -> dict[str, int]:
    """The 1-based page each contents entry lands on: each article's first page, and the
    back matter's anchors where they are in its part."""
    pages = {part.entry.anchor: starts[i] + 1
             for i, part in enumerate(plan.articles, start=1) if part.entry}
    inside = anchor_pages(docs[-1])
    for anchor in plan.back_anchors:
        pages[anchor] = starts[-1] + inside.get(anchor, 0) + 1
    return pages


def _outline(rendered: RenderedIssue, plan: Plan, docs: Sequence[pikepdf.Pdf],
             starts: Sequence[int]) -> list[Bookmark]:
    """Sections with their articles, articles outside sections, then the back matter."""
    first = {part.name: starts[i] for i, part in enumerate(plan.articles, start=1)}
    marks: list[Bookmark] = []
    for group in plan.groups:
        items = tuple(Bookmark(e.title, first[e.slug]) for e in group.entries)
        if group.title:
            marks.append(Bookmark(group.title, items[0].page, items))
        else:
            marks.extend(items)
    ui = ui_strings(rendered.issue.number, rendered.issue.language)
    pages = _anchor_pages(plan, docs, starts)
    marks += [Bookmark(ui[anchor], pages[anchor] - 1) for anchor in plan.back_anchors]
    return marks


