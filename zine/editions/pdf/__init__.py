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

import contextlib
import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zine.diagnostics import Diagnostic, make
from zine.editions.pdf.markup import FragmentError
from zine.errors import ContentError
from zine.model import Article, Position
from zine.render.issue import RenderedIssue
from zine.safety import writer
from zine.safety.fetcher import BASE_URL, RestrictedFetcher

if TYPE_CHECKING:
    import pikepdf

    from zine.editions.pdf.merge import Bookmark
    from zine.editions.pdf.parts import Part, Plan
    from zine.runtime.cache import BlobStore

log = logging.getLogger(__name__)

#: Stylesheets in cascade order, relative to ``styles/``.
STYLESHEETS = ("pdf.css",)  # it imports base.css, which imports fonts.css and code.css
PDF_VARIANT = "pdf/ua-1"
FRONT_ROUNDS = 3  # lay the front matter out again while its page count keeps changing


class PdfBuildError(ContentError):
    """The PDF could not be built; ``diagnostics`` say why (already formatted as Z5xx)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"the PDF edition failed with {len(diagnostics)} problem(s)")
        self.diagnostics = diagnostics


class _Collector(logging.Handler):
    """Keeps every WARNING-or-worse record WeasyPrint logs during one render."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def capture_weasyprint_log() -> Iterator[_Collector]:
    """Collect the ``weasyprint`` logger's records instead of letting them reach the user."""
    logger = logging.getLogger("weasyprint")
    collector = _Collector()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(collector)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(old_level)
        logger.propagate = old_propagate


def stylesheet_urls() -> list[str]:
    """The edition's stylesheets as URLs under the virtual base (served from ``styles/``)."""
    return [f"styles/{name}" for name in STYLESHEETS]


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
    ``use_cache``: look laid-out parts up in (and add them to) ``cache_home(out_dir)/pdf/``."""
    store = None
    if use_cache:
        from zine.runtime.cache import BlobStore

        store = BlobStore(out_dir, "pdf")
    made = make_issue_pdf(rendered, store)
    issue_id = rendered.issue.id
    files = [(f"{issue_id}/{issue_id}.pdf", made.issue)]
    files += [(f"{issue_id}/offprints/{slug}.pdf", data) for slug, data in made.offprints.items()]
    written = writer.write_all(out_dir, files)
    if store is not None:
        store.prune()
    return Written(written, made.warnings)


def issue_pdf_bytes(rendered: RenderedIssue, store: BlobStore | None = None) -> bytes:
    """The issue PDF of ``rendered``, laid out anew (from ``store`` where it may) and not
    written anywhere."""
    return make_issue_pdf(rendered, store).issue


def make_issue_pdf(rendered: RenderedIssue, store: BlobStore | None = None) -> IssuePdf:
    """Lay out, assemble and number the issue and its offprints; writes nothing."""
    from zine.editions.pdf import folio as pdf_folio
    from zine.editions.pdf import merge as pdf_merge
    from zine.editions.pdf.parts import front_part, plan_parts

    try:
        plan = plan_parts(rendered)
    except FragmentError as error:
        raise PdfBuildError([make("Z501", _article_pos(error.article),
                                  reason=error.reason)]) from None
    setter = Typesetter(rendered)
    parts = [front_part(rendered, plan, None), *plan.articles, plan.back]
    # the back matter (the smallest part) here first: it warms this process up (fonts, Pango,
    # cffi types) before the workers that lay out the other parts are forked from it
    laid = setter.typeset_parts(parts[:-1], store, warm_up=parts[-1])
    docs = [pdf_merge.open_pdf(data) for data in laid]
    sheets, own_sheets = _number(rendered, setter, plan, parts, docs, store)
    counts = [len(doc.pages) for doc in docs]
    starts = pdf_merge.placement(counts)
    language = rendered.issue.language
    outline = _outline(rendered, plan, docs, starts)
    merged = pdf_merge.merge(
        [pdf_merge.PartPdf(doc, part.stubs,
                           part.entry.lang if part.entry and part.entry.lang != language
                           else None) for part, doc in zip(parts, docs, strict=True)],
        outline)
    for index, sheet in sheets.items():
        pdf_folio.stamp(merged, sheet.pdf, first_page=starts[index])
    issue = pdf_merge.save(merged)
    # an offprint is the part as first laid out (links to other articles as web addresses)
    offprints = {part.name: _offprint(laid[index], own_sheets.get(index, sheets[index]), store)
                 for index, part in enumerate(parts[1:-1], start=1)}
    return IssuePdf(issue, offprints, tuple(sorted(set(setter.warnings))))


@dataclass(frozen=True)
class _Sheet:
    """A part's folio sheet, opened, and the digest of its bytes (for the offprint cache)."""

    pdf: pikepdf.Pdf
    digest: str


def _offprint(part: bytes, sheet: _Sheet, store: BlobStore | None) -> bytes:
    """An article's part with the folios of the pages it has in the issue."""
    from zine.editions.pdf import folio as pdf_folio
    from zine.editions.pdf import merge as pdf_merge
    from zine.editions.pdf import tags as pdf_tags

    key = store.key("offprint", hashlib.sha256(part).hexdigest(),
                    sheet.digest) if store is not None else ""
    cached = store.get(key) if store is not None else None
    if cached is not None:
        return cached
    offprint = pdf_merge.open_pdf(part)
    pdf_tags.finish_tags(offprint)
    pdf_folio.stamp(offprint, sheet.pdf)
    data = pdf_merge.save(offprint)
    if store is not None:
        store.put(key, data)
    return data


def _number(rendered: RenderedIssue, setter: Typesetter, plan: Plan, parts: list[Part],
            docs: list[pikepdf.Pdf], store: BlobStore | None
            ) -> tuple[dict[int, _Sheet], dict[int, _Sheet]]:
    """Lay out what needs the page numbers, again while a page count changes: the front
    matter with the real numbers in its contents, each part that links to another article of
    the PDF with the page it leads to ("(p. 23)", ``pdf_parts.linked_part``), and the folio
    sheet of every other part, side by side. ``parts`` and ``docs`` (opened) are updated in
    place. Returns the folio sheets by part index, and those of the offprints whose part as
    first laid out has another page count than the linked one."""
    from zine.editions.pdf import merge as pdf_merge
    from zine.editions.pdf.parts import folio_part, front_part, linked_part

    counts = [len(doc.pages) for doc in docs]
    first_counts = list(counts)  # the offprints' (the parts as first laid out)
    linked = [i for i, part in enumerate(parts) if part.xrefs]
    originals = {i: parts[i] for i in linked}
    memo: dict[tuple[str, bool], bytes] = {}
    for _round in range(FRONT_ROUNDS):
        starts = pdf_merge.placement(counts)
        pages = _xref_pages(parts, docs, starts) if linked else {}
        front = front_part(rendered, plan, _anchor_pages(plan, docs, starts))
        relaid = [linked_part(rendered, originals[i], pages) for i in linked]
        folios = [folio_part(rendered, starts[i] + 1, counts[i]) for i in range(1, len(counts))]
        front_pdf, *rest = _typeset_once(setter, [front, *relaid, *folios], store, memo)
        sheet_pdfs = rest[len(relaid):]
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
    sheets = {i: _Sheet(pdf_merge.open_pdf(data), hashlib.sha256(data).hexdigest())
              for i, data in enumerate(sheet_pdfs, start=1)}
    starts = pdf_merge.placement(counts)
    own = [i for i in linked if first_counts[i] != counts[i]]
    own_pdfs = _typeset_once(setter, [folio_part(rendered, starts[i] + 1, first_counts[i])
                                      for i in own], store, memo) if own else []
    own_sheets = {i: _Sheet(pdf_merge.open_pdf(data), hashlib.sha256(data).hexdigest())
                  for i, data in zip(own, own_pdfs, strict=True)}
    return sheets, own_sheets


def _typeset_once(setter: Typesetter, parts: Sequence[Part], store: BlobStore | None,
                  memo: dict[tuple[str, bool], bytes]) -> list[bytes]:
    """``setter.typeset_parts``, laying out only the parts this build has not laid out yet
    (without a cache, a second numbering round would lay out everything again)."""
    keys = [(part.html, part.tagged) for part in parts]
    todo = [part for part, key in zip(parts, keys, strict=True) if key not in memo]
    for part, data in zip(todo, setter.typeset_parts(todo, store) if todo else [],
                          strict=True):
        memo[(part.html, part.tagged)] = data
    return [memo[key] for key in keys]


def _xref_pages(parts: Sequence[Part], docs: Sequence[pikepdf.Pdf],
                starts: Sequence[int]) -> dict[str, int]:
    """The 1-based page of every anchor of the article parts (not their stubs)."""
    from zine.editions.pdf.merge import anchor_pages

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
    from zine.editions.pdf.merge import anchor_pages

    pages = {part.entry.anchor: starts[i] + 1
             for i, part in enumerate(plan.articles, start=1) if part.entry}
    inside = anchor_pages(docs[-1])
    for anchor in plan.back_anchors:
        pages[anchor] = starts[-1] + inside.get(anchor, 0) + 1
    return pages


def _outline(rendered: RenderedIssue, plan: Plan, docs: Sequence[pikepdf.Pdf],
             starts: Sequence[int]) -> list[Bookmark]:
    """Sections with their articles, articles outside sections, then the back matter."""
    from zine.editions.pdf.markup import ui_strings
    from zine.editions.pdf.merge import Bookmark

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


class Typesetter:
    """WeasyPrint set up once per issue: one restricted fetcher, one ``FontConfiguration`` and
    the stylesheets parsed once (fonts load while parsing), shared by every part; worker
    processes forked from here inherit them."""

    def __init__(self, rendered: RenderedIssue) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.rendered = rendered
        self.fetcher = RestrictedFetcher.for_issue(rendered, base_url=BASE_URL)
        self.font_config = FontConfiguration()
        self._stylesheets: list[Any] | None = None
        self.warnings: list[Diagnostic] = []  # of every part laid out or found in the cache

    def stylesheets(self) -> list[Any]:
        from weasyprint import CSS

        if self._stylesheets is None:
            self._stylesheets = [CSS(url=BASE_URL + url, url_fetcher=self.fetcher,
                                     font_config=self.font_config)
                                 for url in stylesheet_urls()]
        return self._stylesheets

    def typeset_parts(self, parts: Sequence[Part], store: BlobStore | None = None,
                      warm_up: Part | None = None) -> list[bytes]:
        """Each part laid out (from the cache when it has it), or ``PdfBuildError`` with the
        problems of every part that failed. ``warm_up``: a part laid out in this process
        before any worker is forked, appended to the result."""
        from zine.editions.pdf.pool import typeset_all

        if warm_up is None:
            return typeset_all(self, parts, store)
        first = typeset_all(self, [warm_up], store)
        return typeset_all(self, parts, store) + first

    def position(self, part: Part) -> Position:
        """Where a problem of ``part`` is reported: its article, else the issue."""
        return _article_pos(part.article) if part.article else _issue_pos(self.rendered)

    def typeset(self, part: Part) -> tuple[bytes, list[Diagnostic]]:
        """One part's HTML laid out as PDF bytes with its warnings (Z508), or
        ``PdfBuildError`` with Z501/Z502/Z503."""
        from weasyprint import HTML

        from zine.editions.pdf.fit import table_warnings
        from zine.editions.pdf.tags import tag_structure

        tag_structure()
        variant = PDF_VARIANT if part.tagged else None
        self.fetcher.denied.clear()
        data: bytes | None = None
        failure: BaseException | None = None
        where = self.position(part)
        warnings: list[Diagnostic] = []
        with capture_weasyprint_log() as collector:
            try:
                document = HTML(string=part.html, base_url=BASE_URL,
                                url_fetcher=self.fetcher).render(
                    stylesheets=self.stylesheets(), font_config=self.font_config,
                    pdf_variant=variant, custom_metadata=True)
                warnings = table_warnings(document, where) if part.article else []
                data = document.write_pdf(pdf_variant=variant, custom_metadata=True)
                del document
            except (RecursionError, MemoryError, Exception) as error:
                failure = error
        diags = collect_diagnostics(self.rendered, self.fetcher.denied, collector.records,
                                    failure, where)
        if diags or data is None:
            raise PdfBuildError(diags or [make("Z501", where,
                                               reason="WeasyPrint returned no PDF")])
        return data, warnings


def collect_diagnostics(rendered: RenderedIssue, denied: list[tuple[str, str]],
                        records: list[logging.LogRecord],
                        failure: BaseException | None, where: Position) -> list[Diagnostic]:
    """Z502 per refused resource, Z503 per logged error, Z501 for an exception."""
    diags = []
    for url, reason in denied:
        diags.append(make("Z502", _position_of(rendered, url, where),
                          url=url.removeprefix(BASE_URL), reason=reason))
    for record in records:
        if record.levelno < logging.ERROR:
            log.debug("weasyprint: %s", record.getMessage())
            continue
        message = record_message(record)
        if any(url in record.getMessage() for url, _ in denied):
            continue  # already reported as Z502
        diags.append(make("Z503", _position_of(rendered, message, where), edition="PDF",
                          message=message))
    if failure is not None:
        reason = _describe(failure)
        diags.append(make("Z501", where, reason=reason))
    return diags


def record_message(record: logging.LogRecord) -> str:
    """A WeasyPrint log record as one short line: URLs relative to the virtual base, and an
    empty exception (``ImageLoadingError()``) replaced by what caused it."""
    args = record.args if isinstance(record.args, tuple) else ()
    try:
        text = str(record.msg) % tuple(_explain(a) if isinstance(a, BaseException) else a
                                       for a in args) if args else record.getMessage()
    except (TypeError, ValueError):
        text = record.getMessage()
    text = re.sub(r" ?<[^<>]* at 0x[0-9a-f]+>", "", text.replace(BASE_URL, ""))
    return " ".join(text.split())[:300]


def _explain(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    return str(error) or (str(cause) or type(cause).__name__ if cause else type(error).__name__)


def _describe(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "the document is nested too deeply to lay out"
    if isinstance(error, MemoryError):
        return "out of memory while laying out the document"
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _issue_pos(rendered: RenderedIssue) -> Position:
    return rendered.issue.where.pos


def _article_pos(article: Article) -> Position:
    return Position(article.path, max(article.body_line, 1), 1)


def _position_of(rendered: RenderedIssue, text: str, where: Position) -> Position:
    """The article whose fragment holds a media name or URL found in ``text``, else ``where``
    (the part's article, or the issue)."""
    if where != _issue_pos(rendered):
        return where  # the part of one article: the problem is in that article
    names = [n for n in sorted(rendered.media) if n in text] + _urls_in(text)
    for article in rendered.issue.published:
        fragment = rendered.fragments.get(article.slug)
        if fragment is not None and any(name in fragment.html for name in names):
            return _article_pos(article)
    return where


def _urls_in(text: str) -> list[str]:
    cut = text.removeprefix(BASE_URL)
    words = [w.strip("'\"<>(),") for w in cut.split()]
    return [w.removeprefix(BASE_URL) for w in words if len(w) > 8 and ("/" in w or ":" in w)]
