"""PDF edition, layout stage: one part's HTML -> PDF bytes with WeasyPrint, and what went wrong.

``Typesetter`` sets WeasyPrint up once per issue (one restricted fetcher, one font
configuration, the stylesheets parsed once) and lays out one part at a time; worker processes
forked from it (``zine.editions.pdf.pool``) inherit all of it. ``get_ready(root)`` does the part
of that which needs no issue ahead, in the build's standby process (``Edition.standby``: forked
when a build starts, it makes the PDF once the issue is rendered): WeasyPrint imported, the
font configuration made and the root's stylesheets parsed, kept for the ``Typesetter`` of an
issue of that root; ``get_ready_for(languages)`` loads hyphenation dictionaries as soon as the
build knows the languages. WeasyPrint's log records, refused
resources and exceptions become Z501/Z502/Z503 diagnostics at the article they concern, raised
as ``PdfBuildError``.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zine.diagnostics import Diagnostic, codes, make
from zine.editions.pdf.fit import table_warnings
from zine.editions.pdf.merge import open_pdf, save
from zine.editions.pdf.tags import finish_tags, tag_structure
from zine.errors import ContentError
from zine.model import Article, Position
from zine.model.rendered import RenderedIssue
from zine.safety.fetcher import BASE_URL, RestrictedFetcher, Styles

if TYPE_CHECKING:
    from zine.editions.pdf.parts import Part

log = logging.getLogger(__name__)

#: Stylesheets in cascade order, names of style files (``zine.safety.fetcher.Styles``).
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
    """The edition's stylesheets as URLs under the virtual base (served from the zine root's
    styles)."""
    return [f"styles/{name}" for name in STYLESHEETS]


@dataclass(frozen=True)
class _Ready:
    """What ``get_ready`` made for one root's styles."""

    styles: Styles  # its digest computed
    font_config: Any
    stylesheets: list[Any]


_ready: dict[Styles, _Ready] = {}  # in this process (the build's standby), by styles


def get_ready(root: Path | None) -> None:
    """Make, in this process, what every ``Typesetter`` of an issue of the zine at ``root``
    starts with: WeasyPrint imported, the font configuration and the parsed stylesheets (the
    fonts load while they are parsed), the styles' digest (the parts' cache keys). They hold
    no issue content: the stylesheets are read from the root's styles only."""
    from weasyprint.text.fonts import FontConfiguration

    styles = Styles.of_root(root)
    fetcher = RestrictedFetcher({}, base_url=BASE_URL, styles=styles)
    font_config = FontConfiguration()
    sheets = _parse_stylesheets(fetcher, font_config)
    if not fetcher.denied:  # else the Typesetter parses them again and reports why
        styles.digest  # noqa: B018 -- computed now, kept with the styles
        _ready[styles] = _Ready(styles, font_config, sheets)


def get_ready_for(languages: Iterable[str]) -> None:
    """Load the hyphenation dictionaries of ``languages`` in this process, once."""
    load_hyphenation(languages)


def load_hyphenation(languages: Iterable[str]) -> None:
    """Load the hyphenation dictionaries of ``languages`` (pyphen keeps them for the life of
    the process; the German one takes about 0.5 s)."""
    import pyphen

    for language in sorted(set(languages)):
        found = pyphen.language_fallback(language.replace("-", "_"))
        if found:
            pyphen.Pyphen(lang=found)


def _parse_stylesheets(fetcher: RestrictedFetcher, font_config: Any) -> list[Any]:
    from weasyprint import CSS

    return [CSS(url=BASE_URL + url, url_fetcher=fetcher, font_config=font_config)
            for url in stylesheet_urls()]


class Typesetter:
    """WeasyPrint set up once per issue: one restricted fetcher, one ``FontConfiguration`` and
    the stylesheets parsed once (fonts load while parsing), shared by every part; worker
    processes forked from here inherit them. What ``get_ready`` made for the issue's root in
    this process is used instead of making it again."""

    def __init__(self, rendered: RenderedIssue) -> None:
        from weasyprint.text.fonts import FontConfiguration

        self.rendered = rendered
        ready = _ready.get(Styles.of_root(rendered.zine.root))
        self.fetcher = RestrictedFetcher.for_issue(
            rendered, base_url=BASE_URL, **({"styles": ready.styles} if ready else {}))
        self.font_config = ready.font_config if ready else FontConfiguration()
        self._stylesheets: list[Any] | None = ready.stylesheets if ready else None
        self.warnings: list[Diagnostic] = []  # of every part laid out or found in the cache

    def stylesheets(self) -> list[Any]:
        if self._stylesheets is None:
            self._stylesheets = _parse_stylesheets(self.fetcher, self.font_config)
        return self._stylesheets

    def position(self, part: Part) -> Position:
        """Where a problem of ``part`` is reported: its article, else the issue."""
        return article_position(part.article) if part.article else issue_position(self.rendered)

    def typeset(self, part: Part) -> tuple[bytes, list[Diagnostic]]:
        """One part's HTML laid out as PDF bytes with its warnings (Z508), or
        ``PdfBuildError`` with Z501/Z502/Z503."""
        from weasyprint import HTML

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
                if part.tagged:
                    data = finish_part(data, id_prefix(part))
            except (RecursionError, MemoryError, Exception) as error:
                failure = error
        diags = collect_diagnostics(self.rendered, self.fetcher.denied, collector.records,
                                    failure, where)
        if diags or data is None:
            raise PdfBuildError(diags or [make(codes.RENDER_FAILED, where,
                                               reason="WeasyPrint returned no PDF")])
        return data, warnings


def id_prefix(part: Part) -> str:
    """What the structure element ids of ``part`` start with, unique among the parts of an
    issue (an article's slug cannot clash with the front or back matter's)."""
    return f"a-{part.name}-" if part.article is not None else f"{part.name}-"


def finish_part(data: bytes, prefix: str) -> bytes:
    """A tagged part as WeasyPrint wrote it, with ``tags.finish_tags`` applied (running
    heads as artifacts, scoped table headers, link annotations in ``/Link``, element ids
    given ``prefix``): done once, in the worker that laid the part out, and kept in the cache,
    so the merge only joins finished parts."""
    pdf = open_pdf(data)
    finish_tags(pdf, prefix)
    return save(pdf)


def collect_diagnostics(rendered: RenderedIssue, denied: list[tuple[str, str]],
                        records: list[logging.LogRecord],
                        failure: BaseException | None, where: Position) -> list[Diagnostic]:
    """Z502 per refused resource, Z503 per logged error, Z501 for an exception."""
    diags = []
    for url, reason in denied:
        diags.append(make(codes.RESOURCE_DENIED, _position_of(rendered, url, where),
                          url=url.removeprefix(BASE_URL), reason=reason))
    for record in records:
        if record.levelno < logging.ERROR:
            log.debug("weasyprint: %s", record.getMessage())
            continue
        message = record_message(record)
        if any(url in record.getMessage() for url, _ in denied):
            continue  # already reported as Z502
        diags.append(make(codes.RENDERER_LOGGED, _position_of(rendered, message, where),
                          edition="PDF", message=message))
    if failure is not None:
        reason = _describe(failure)
        diags.append(make(codes.RENDER_FAILED, where, reason=reason))
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


def issue_position(rendered: RenderedIssue) -> Position:
    return rendered.issue.where.pos


def article_position(article: Article) -> Position:
    return Position(article.path, max(article.body_line, 1), 1)


def _position_of(rendered: RenderedIssue, text: str, where: Position) -> Position:
    """The article whose fragment holds a media name or URL found in ``text``, else ``where``
    (the part's article, or the issue)."""
    if where != issue_position(rendered):
        return where  # the part of one article: the problem is in that article
    names = [n for n in sorted(rendered.media) if n in text] + _urls_in(text)
    for article in rendered.issue.published:
        fragment = rendered.fragments.get(article.slug)
        if fragment is not None and any(name in fragment.html for name in names):
            return article_position(article)
    return where


def _urls_in(text: str) -> list[str]:
    cut = text.removeprefix(BASE_URL)
    words = [w.strip("'\"<>(),") for w in cut.split()]
    return [w.removeprefix(BASE_URL) for w in words if len(w) > 8 and ("/" in w or ":" in w)]
