"""PDF edition, document stage: one issue -> the HTML documents of its *parts*.

The issue PDF is laid out in parts that do not depend on each other: the front matter (cover,
title page, contents), one part per article and the back matter (cooperatives, colophon).
Every part starts on a right-hand page, so a part looks the same wherever it lands in the issue;
only the folios (page numbers) depend on the parts before it, and ``zine.editions.pdf.folio``
prints those once the page count of every part is known. An article's part is also its
offprint: its ``<head>`` carries the article's own metadata.

Reads the ``RenderedIssue`` only and returns strings; it fetches and writes nothing. The
article markup comes from ``zine.editions.pdf.markup`` (ids namespaced, footnotes at their calls).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from markupsafe import Markup

from zine.editions.pdf.markup import (
    Entry,
    Group,
    _environment,
    anchor_for,
    group_articles,
    make_entry,
    ui_strings,
    web_resolver,
)
from zine.model import Article
from zine.model.rendered import BlobCache, RenderedIssue, Xref
from zine.render import credits, i18n
from zine.render.translations import origin_line
from zine.runtime.timestamps import build_timestamp

BACK_ANCHORS = ("coops", "colophon")


@dataclass(frozen=True)
class Part:
    """One document laid out on its own. ``stubs``: anchors it links to that another part
    holds (they are left out of its named destinations when the parts are merged)."""

    name: str  # "front", "back", "folios" or the article's slug
    html: str
    article: Article | None = None
    entry: Entry | None = None
    stubs: frozenset[str] = field(default_factory=frozenset)
    tagged: bool = True  # PDF/UA-1 with a structure tree (the folio sheet is not)
    kicker: str | None = None  # an article's section title, printed above its first article
    in_section: bool = False
    # links to other articles of this PDF: the part is laid out again with their page numbers
    # once those are known (``linked_part``); as first laid out, it is the offprint
    xrefs: tuple[Xref, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The issue's parts in reading order (front matter first, back matter last)."""

    groups: tuple[Group, ...]
    articles: tuple[Part, ...]
    back: Part
    back_anchors: tuple[str, ...] = BACK_ANCHORS  # no "coops" when no article names a coop

    @property
    def anchors(self) -> list[str]:
        """Every anchor the contents page links to, in reading order."""
        return [p.entry.anchor for p in self.articles if p.entry] + list(self.back_anchors)


def masthead(rendered: RenderedIssue) -> str:
    """``Tech-Coops Zine · Issue 1 · No masters, no slaves``: the running head of versos."""
    issue, zine = rendered.issue, rendered.zine
    ui = ui_strings(issue.number, issue.language)
    return " · ".join(p for p in (zine.title, ui["issue"] if issue.number is not None else "",
                                  issue.title) if p)


def source_line(rendered: RenderedIssue) -> str:
    """``from issue 1 of Tech-Coops Zine: No masters, no slaves`` (offprint metadata)."""
    issue, zine = rendered.issue, rendered.zine
    where = f"issue {issue.number}" if issue.number is not None else f"the issue {issue.id}"
    return f"from {where} of {zine.title}: {issue.title}"


def coop_names(rendered: RenderedIssue, article: Article) -> list[str]:
    names = []
    for author in article.authors:
        coop = rendered.zine.coops.get(author.coop) if author.coop else None
        name = coop.name if coop is not None else ""  # an unknown id is never printed
        if name and name not in names:
            names.append(name)
    return names


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string that is also safe inside an HTML ``<style>``: every
    character but ASCII letters and digits is written as a six-digit hex escape (a space too:
    CSS would take a space after an escape as the escape's end)."""
    out = []
    for char in text:
        if char.isascii() and char.isalnum():
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return Markup('"' + "".join(out) + '"')


def part_css(rendered: RenderedIssue) -> Markup:
    """Page rules of the article and back-matter parts: the masthead as the verso running
    head, and no folios (they are printed on the assembled issue)."""
    head = css_string(masthead(rendered))
    return Markup(
        f"@page :left {{ @top-left {{ content: {head}; }} @bottom-left {{ content: none; }} }}"
        " @page :right { @bottom-right { content: none; } }"
        " @page :blank { @top-left { content: none; } }"
        " @page :nth(1 of opening) { @top-left { content: none; } }")


def _issue_meta(rendered: RenderedIssue) -> dict[str, object]:
    issue, zine = rendered.issue, rendered.zine
    return {
        "title": f"{zine.title}: {issue.title}" if zine.title else issue.title,
        "authors": sorted({a.name for art in issue.published for a in art.authors if a.name}),
        "description": issue.description,
        "keywords": sorted({t for art in issue.published for t in art.tags}),
        "timestamp": build_timestamp(issue.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": zine.publisher,
        "custom": [],
    }


def _article_meta(rendered: RenderedIssue, article: Article) -> dict[str, object]:
    coops = coop_names(rendered, article)
    custom = ([("Coop", ", ".join(coops))] if coops else []) + [
        ("License", article.license), ("Source", source_line(rendered))]
    return {
        "title": article.title,
        "authors": [a.name for a in article.authors if a.name],
        "description": article.summary,
        "keywords": sorted(set(article.tags)),
        "timestamp": build_timestamp(rendered.issue.date).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "publisher": rendered.zine.publisher,
        "custom": custom,
    }


def _dates(rendered: RenderedIssue, language: str) -> dict[str, str]:
    date = rendered.issue.date
    return {"date_iso": date.isoformat() if date else "",
            "date_text": i18n.format_date(date, language) if date else ""}


def plan_parts(rendered: RenderedIssue, store: BlobCache | None = None) -> Plan:
    """Every part but the front matter (which needs the page numbers: ``front_part``).
    Raises ``zine.editions.pdf.markup.FragmentError`` for a fragment the PDF cannot carry.
    ``store``: the articles' bodies as earlier builds prepared them (``markup.make_entry``)."""
    groups = tuple(group_articles(rendered, store))
    by_slug = {a.slug: a for a in rendered.issue.published}
    parts = []
    for group in groups:
        for index, entry in enumerate(group.entries):
            kicker = group.title if group.title and index == 0 else None
            article = by_slug[entry.slug]
            html = article_document(rendered, article, entry, kicker, bool(group.title))
            parts.append(Part(entry.slug, html, article, entry, kicker=kicker,
                              in_section=bool(group.title),
                              xrefs=same_pdf_xrefs(rendered, article)))
    back = tuple(a for a in BACK_ANCHORS if a != "coops" or rendered.zine.coops_of(rendered.issue))
    return Plan(groups, tuple(parts), Part("back", back_document(rendered, groups)), back)


_XREF = re.compile(r'data-xref="([^"]*)"')


def same_pdf_xrefs(rendered: RenderedIssue, article: Article) -> tuple[Xref, ...]:
    """The links of ``article`` to the other articles of this PDF, in order, once each."""
    found: dict[Xref, None] = {}
    for value in _XREF.findall(rendered.fragments[article.slug].html):
        xref = Xref.parse(html.unescape(value))
        if xref.issue == rendered.issue.id and xref.slug != article.slug \
                and xref.slug in rendered.fragments:
            found[xref] = None
    return tuple(found)


def xref_anchor(xref: Xref) -> str:
    """The id a link to ``xref`` lands on in the PDF: the heading, else the article."""
    return xref.anchor or anchor_for(xref.slug)


def linked_part(rendered: RenderedIssue, part: Part, pages: Mapping[str, int]) -> Part:
    """``part`` (an article's, as first laid out) with its links to other articles of this PDF
    made internal links, each followed by the page it leads to, e.g. "(p. 23)"; ``pages``:
    1-based page of each anchor. Their targets are stubs here (dropped at the merge)."""
    article, entry = part.article, part.entry
    assert article is not None and entry is not None
    label = i18n.strings(entry.lang)["page_ref"]
    offprint = web_resolver(article, rendered.zine)

    def resolve(xref: Xref) -> tuple[str, str]:
        anchor = xref_anchor(xref)
        if xref in part.xrefs and anchor in pages:
            return f"#{anchor}", " (" + label.format(page=pages[anchor]) + ")"
        return offprint(xref)

    linked = make_entry(article, rendered.fragments[article.slug].html, rendered.zine, resolve)
    stubs = sorted({xref_anchor(x) for x in part.xrefs})
    html = article_document(rendered, article, linked, part.kicker, part.in_section, stubs)
    return replace(part, html=html, entry=linked, stubs=frozenset(stubs))


def article_document(rendered: RenderedIssue, article: Article, entry: Entry,
                     kicker: str | None, in_section: bool, stubs: Sequence[str] = ()) -> str:
    """One article as its own document: the article pages of the issue, and its offprint."""
    issue, zine = rendered.issue, rendered.zine
    return _environment().get_template("pdf/article.html.j2").render(
        zine=zine, issue=issue, entry=entry, kicker=kicker, in_section=in_section, stubs=stubs,
        ui=ui_strings(issue.number, entry.lang), meta=_article_meta(rendered, article),
        part_css=part_css(rendered), masthead=masthead(rendered),
        **_dates(rendered, entry.lang))


def back_document(rendered: RenderedIssue, groups: Sequence[Group]) -> str:
    issue, zine = rendered.issue, rendered.zine
    coops = rendered.zine.coops_of(rendered.issue)
    return _environment().get_template("pdf/back.html.j2").render(
        zine=zine, issue=issue, ui=ui_strings(issue.number, issue.language),
        meta=_issue_meta(rendered), part_css=part_css(rendered), masthead=masthead(rendered),
        coops=coops, all_entries=[e for g in groups for e in g.entries],
        origins={a.slug: origin_line(issue, a, issue.language) for a in issue.articles},
        **_dates(rendered, issue.language))


def front_part(rendered: RenderedIssue, plan: Plan, pages: Mapping[str, int] | None) -> Part:
    """Cover, title page and contents; ``pages`` maps each anchor of ``plan.anchors`` to the
    page it starts on (None: placeholders of the same width, to count the front's pages)."""
    issue, zine = rendered.issue, rendered.zine
    anchors = plan.anchors
    numbers = {a: str(pages[a]) if pages else "000" for a in anchors}
    html = _environment().get_template("pdf/front.html.j2").render(
        zine=zine, issue=issue, ui=ui_strings(issue.number, issue.language),
        meta=_issue_meta(rendered), part_css="", cover_src=rendered.cover.name,
        editors=credits.byline(issue.editors, zine.coops, issue.language),
        sections=plan.groups, pages=numbers,
        stubs=anchors, **_dates(rendered, issue.language))
    return Part("front", html, stubs=frozenset(anchors))


def folio_part(rendered: RenderedIssue, first: int, count: int) -> Part:
    """The folio sheet of a part that starts on page ``first`` (1-based) and has ``count``
    pages: as many empty pages, each printing its number, untagged
    (``zine.editions.pdf.folio`` draws them over the part's pages)."""
    issue = rendered.issue
    html = _environment().get_template("pdf/folios.html.j2").render(
        lang=issue.language, direction=issue.direction, pages=range(first, first + count))
    return Part(f"folios-{first}", html, tagged=False)
