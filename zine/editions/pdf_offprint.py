"""PDF edition, offprints: one article of a ``RenderedIssue`` -> its own A5 PDF.

Editions stage. Builds the offprint's HTML document (``templates/pdf/offprint.html.j2``: the
article page of the issue PDF, same stylesheet, plus a short colophon) and lays it out with the
issue's ``Typesetter`` (stylesheets and fonts parsed once per issue). Its metadata is the
article's own: title, authors, summary, tags, language, and as custom PDF info entries its
cooperatives, licence and the issue it comes from. Reads the ``RenderedIssue`` only; writes
nothing (``zine.editions.pdf.render`` writes the files).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zine import i18n
from zine.diagnostics import make
from zine.editions.pdf_html import (
    FragmentError,
    _environment,
    make_entry,
    ui_strings,
)
from zine.model import Article, Position
from zine.render import RenderedIssue
from zine.timestamps import build_timestamp

if TYPE_CHECKING:
    from zine.editions.pdf import Typesetter


def render_offprint_bytes(rendered: RenderedIssue, article: Article,
                          setter: Typesetter | None = None) -> bytes:
    """The offprint PDF of ``article`` as bytes, or ``PdfBuildError``; writes nothing."""
    from zine.editions.pdf import PdfBuildError, Typesetter, pdf_identifier

    try:
        html = build_offprint_document(rendered, article)
    except FragmentError as error:
        raise PdfBuildError([make("Z501", Position(article.path, max(article.body_line, 1), 1),
                                  reason=error.reason)]) from None
    setter = setter or Typesetter(rendered)
    return setter.typeset(html, pdf_identifier(rendered, article.slug))


def source_line(rendered: RenderedIssue) -> str:
    """``from issue 1 of Tech-Coops Zine: No masters, no slaves`` (PDF metadata, English)."""
    issue, zine = rendered.issue, rendered.zine
    where = f"issue {issue.number}" if issue.number is not None else f"the issue {issue.id}"
    return f"from {where} of {zine.title}: {issue.title}"


def coop_names(rendered: RenderedIssue, article: Article) -> list[str]:
    names = []
    for author in article.authors:
        coop = rendered.zine.coops.get(author.coop) if author.coop else None
        name = coop.name if coop is not None and coop.name else author.coop
        if name and name not in names:
            names.append(name)
    return names


def build_offprint_document(rendered: RenderedIssue, article: Article) -> str:
    """The offprint of ``article`` as one HTML document (raises ``FragmentError``)."""
    issue, zine = rendered.issue, rendered.zine
    entry = make_entry(article, rendered.fragments[article.slug].html, zine)
    ui = ui_strings(issue.number, article.language)
    stamp = build_timestamp(issue.date)
    return _environment().get_template("pdf/offprint.html.j2").render(
        zine=zine,
        issue=issue,
        entry=entry,
        ui=ui,
        authors=[a.name for a in article.authors if a.name],
        summary=article.summary,
        keywords=sorted(set(article.tags)),
        coops=coop_names(rendered, article),
        source=source_line(rendered),
        timestamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        masthead=" · ".join(p for p in (zine.title, ui["issue"] if issue.number is not None
                                        else "", issue.title) if p),
        date_iso=issue.date.isoformat() if issue.date else "",
        date_text=i18n.format_date(issue.date, article.language) if issue.date else "",
    )
