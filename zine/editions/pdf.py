"""PDF edition: a ``RenderedIssue`` -> ``<out>/<issue-id>/<issue-id>.pdf`` (A5, tagged, outline)
and one offprint per published article, ``<out>/<issue-id>/offprints/<slug>.pdf``.

Editions stage. Builds the HTML document with ``zine.editions.pdf_html`` and lays it out with
WeasyPrint; every resource (stylesheets, fonts, images, the cover) is loaded through
``zine.fetcher.RestrictedFetcher`` under the virtual base URL ``zine.fetcher.BASE_URL``, so the
PDF does not depend on the checkout folder. It writes only through ``zine.writer``, and only
after the whole document rendered cleanly.

One ``Typesetter`` per issue holds the fetcher, the ``FontConfiguration`` and the stylesheets
parsed once (as WeasyPrint user stylesheets; fonts load while parsing), so each offprint
(``zine.editions.pdf_offprint``) costs its own layout only. The issue PDF made last is kept in
memory for the booklet edition of the same run (``issue_pdf_bytes``).

API: ``render(rendered, out_dir) -> list[Path]``. On failure it writes nothing and raises
``PdfBuildError`` (a ``zine.errors.ContentError``) whose ``diagnostics`` say what went wrong:
Z502 for a resource the fetcher refused, Z503 for an error WeasyPrint logged, Z501 for an
exception during layout (RecursionError on deeply nested input, for instance); each names the
article it comes from when that can be told, else the issue's ``issue.yaml``.

Verified on WeasyPrint 70 with ``pdf_variant="pdf/ua-1"`` (tests/test_pdf_*.py read it back):
the catalog has ``/StructTreeRoot``, ``/MarkInfo << /Marked true >>`` and ``/Lang``; headings are
tagged ``H1``..``H6``, paragraphs ``P``, figures ``Figure`` with ``/Alt``; the XMP packet says
``pdfuaid:part 1``. WeasyPrint puts ``/Lang`` on the catalog only; ``zine.editions.pdf_lang``
adds it to the ``/Art`` elements of articles in another language. Images without alt text
make WeasyPrint log an error (so Z503). Not verified: full PDF/UA-1 conformance (no veraPDF
here). Dates: WeasyPrint writes ``/CreationDate`` and ``/ModDate`` only from
``<meta name=dcterms.created|modified>``, which we fill from ``SOURCE_DATE_EPOCH`` or the issue
date; ``pdf_identifier`` is derived from the zine URL and issue id, so two builds of the same
input are byte-identical.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from zine import writer
from zine.diagnostics import Diagnostic, make
from zine.editions.pdf_html import FragmentError, anchor_for, build_document
from zine.editions.pdf_lang import Finisher, language_finisher
from zine.errors import ContentError
from zine.fetcher import BASE_URL, RestrictedFetcher
from zine.model import Article, Position
from zine.render import RenderedIssue

log = logging.getLogger(__name__)

#: Stylesheets in cascade order, relative to ``styles/``.
STYLESHEETS = ("pdf.css",)  # it imports base.css, which imports fonts.css and code.css
PDF_VARIANT = "pdf/ua-1"


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


def pdf_identifier(rendered: RenderedIssue, offprint: str = "") -> bytes:
    """Stable file identifier: the same zine and issue (and offprint slug) give the same /ID."""
    seed = f"{rendered.zine.url}\n{rendered.issue.id}".encode()
    if offprint:
        seed += f"\n{offprint}".encode()
    return hashlib.sha256(seed).hexdigest()[:32].encode("ascii")


def render(rendered: RenderedIssue, out_dir: Path) -> list[Path]:
    """Write ``<out_dir>/<issue-id>/<issue-id>.pdf`` and one ``offprints/<slug>.pdf`` per
    published article; raise ``PdfBuildError`` on any problem (then nothing is written)."""
    from zine.editions.pdf_offprint import render_offprint_bytes

    setter = Typesetter(rendered)
    issue_id = rendered.issue.id
    files = [(f"{issue_id}/{issue_id}.pdf", render_pdf_bytes(rendered, setter))]
    for article in rendered.issue.published:
        if article.slug in rendered.fragments:
            files.append((f"{issue_id}/offprints/{article.slug}.pdf",
                          render_offprint_bytes(rendered, article, setter)))
    return [writer.write_bytes(out_dir, name, data) for name, data in files]


class Typesetter:
    """WeasyPrint set up once per issue: one restricted fetcher, one ``FontConfiguration`` and
    the stylesheets parsed once (fonts load while parsing), shared by the issue PDF and every
    offprint, so an offprint costs its own layout only."""

    def __init__(self, rendered: RenderedIssue) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.rendered = rendered
        self.fetcher = RestrictedFetcher.for_issue(rendered, base_url=BASE_URL)
        self.font_config = FontConfiguration()
        self._stylesheets: list[Any] | None = None

    def stylesheets(self) -> list[Any]:
        from weasyprint import CSS

        if self._stylesheets is None:
            self._stylesheets = [CSS(url=BASE_URL + url, url_fetcher=self.fetcher,
                                     font_config=self.font_config)
                                 for url in stylesheet_urls()]
        return self._stylesheets

    def typeset(self, html: str, identifier: bytes, finisher: Finisher | None = None) -> bytes:
        """``html`` laid out as PDF bytes, or ``PdfBuildError`` with Z501/Z502/Z503."""
        from weasyprint import HTML

        self.fetcher.denied.clear()
        data: bytes | None = None
        failure: BaseException | None = None
        with capture_weasyprint_log() as collector:
            try:
                document = HTML(string=html, base_url=BASE_URL, url_fetcher=self.fetcher).render(
                    stylesheets=self.stylesheets(), font_config=self.font_config,
                    pdf_variant=PDF_VARIANT, custom_metadata=True)
                data = document.write_pdf(pdf_variant=PDF_VARIANT, custom_metadata=True,
                                          pdf_identifier=identifier, finisher=finisher)
            except (RecursionError, MemoryError, Exception) as error:
                failure = error
        diags = collect_diagnostics(self.rendered, self.fetcher.denied, collector.records,
                                    failure)
        if diags or data is None:
            raise PdfBuildError(diags or [make("Z501", _issue_pos(self.rendered),
                                               reason="WeasyPrint returned no PDF")])
        return data


#: The issue PDF made last, kept so the booklet edition of the same build can impose it
#: without laying the issue out a second time: (the RenderedIssue it came from, bytes).
_LAST_ISSUE_PDF: dict[str, tuple[RenderedIssue, bytes]] = {}


def issue_pdf_bytes(rendered: RenderedIssue) -> bytes:
    """The issue PDF of ``rendered``: the one this run already made, else a new one (not
    written anywhere)."""
    cached = _LAST_ISSUE_PDF.get(rendered.issue.id)
    if cached is not None and cached[0] is rendered:
        return cached[1]
    return render_pdf_bytes(rendered)


def render_pdf_bytes(rendered: RenderedIssue, setter: Typesetter | None = None) -> bytes:
    """The PDF of one issue as bytes, or ``PdfBuildError``; writes nothing."""
    try:
        html = build_document(rendered, [], rendered.cover.name)
    except FragmentError as error:
        raise PdfBuildError([make("Z501", _article_pos(error.article),
                                  reason=error.reason)]) from None
    setter = setter or Typesetter(rendered)
    data = setter.typeset(html, pdf_identifier(rendered), _finisher(rendered))
    _LAST_ISSUE_PDF.clear()
    _LAST_ISSUE_PDF[rendered.issue.id] = (rendered, data)
    return data


def _finisher(rendered: RenderedIssue) -> Finisher:
    langs: dict[str, str | None] = {anchor_for(a.slug): a.language
                                    for a in rendered.issue.published}
    langs.update({"coops": None, "colophon": None})
    return language_finisher(langs, rendered.issue.language)


def collect_diagnostics(rendered: RenderedIssue, denied: list[tuple[str, str]],
                        records: list[logging.LogRecord],
                        failure: BaseException | None) -> list[Diagnostic]:
    """Z502 per refused resource, Z503 per logged error, Z501 for an exception."""
    diags = []
    for url, reason in denied:
        diags.append(make("Z502", _position_of(rendered, url),
                          url=url.removeprefix(BASE_URL), reason=reason))
    for record in records:
        if record.levelno < logging.ERROR:
            log.debug("weasyprint: %s", record.getMessage())
            continue
        message = record_message(record)
        if any(url in record.getMessage() for url, _ in denied):
            continue  # already reported as Z502
        diags.append(make("Z503", _position_of(rendered, message), edition="PDF",
                          message=message))
    if failure is not None:
        reason = _describe(failure)
        diags.append(make("Z501", _failing_article_pos(rendered), reason=reason))
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


def _position_of(rendered: RenderedIssue, text: str) -> Position:
    """The article whose fragment holds a media name or URL found in ``text``, else the issue."""
    names = [n for n in sorted(rendered.media) if n in text] + _urls_in(text)
    for article in rendered.issue.published:
        fragment = rendered.fragments.get(article.slug)
        if fragment is not None and any(name in fragment.html for name in names):
            return _article_pos(article)
    return _issue_pos(rendered)


def _urls_in(text: str) -> list[str]:
    cut = text.removeprefix(BASE_URL)
    words = [w.strip("'\"<>(),") for w in cut.split()]
    return [w.removeprefix(BASE_URL) for w in words if len(w) > 8 and ("/" in w or ":" in w)]


def _failing_article_pos(rendered: RenderedIssue) -> Position:
    """The article that fails when laid out on its own; else the issue."""
    from zine.editions.pdf_probe import find_failing_article

    article = find_failing_article(rendered)
    return _article_pos(article) if article is not None else _issue_pos(rendered)
