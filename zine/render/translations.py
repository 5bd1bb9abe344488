"""Render stage: one rendered issue as each of its language editions, and the words the
editions print about translations.

``edition_views`` turns the issue rendered once (every published version's fragment) into one
``RenderedIssue`` per language of ``languages`` (``zine.model.edition_issue`` picks the
versions); ``version_links`` leads links between articles to the version in a language;
``translation_line`` and ``origin_line`` are the credits bylines and colophons print. Reads the
model and fragments only; writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape, unescape

from zine.model import Article, Issue, edition_issue
from zine.model.rendered import Fragment, RenderedIssue, Xref
from zine.render.i18n import language_name, strings, translation_credit
from zine.text.ids import heading_anchor


def edition_views(rendered: RenderedIssue) -> list[RenderedIssue]:
    """The issue rendered once (every published version) seen as each of its editions:
    the one per other language of ``languages`` first, then the main edition. Each holds
    its own articles' fragments only; the media are shared."""
    issue = rendered.issue
    views: list[RenderedIssue] = []
    for language in issue.edition_languages():
        edition = edition_issue(issue, language)
        held = {a.slug: Fragment(a, version_links(rendered.fragments[a.slug].html, issue,
                                                  language))
                for a in edition.published if a.slug in rendered.fragments}
        views.append(replace(rendered, issue=edition, fragments=held))
    offprinted = set(views[0].fragments)  # each offprint is made once, by the first edition
    others = []  # holding it: the main one, else the first other language in ``languages``
    for view in views[1:]:
        own = frozenset(view.fragments) - offprinted
        offprinted |= own
        others.append(replace(view, offprints=own))
    return [*others, views[0]]


def translation_line(article: Article, language: str = "") -> str:
    """"translated from German by Zine editorial collective" in ``language`` (default: the
    article's own), or "" for an original."""
    if not article.translation_of:
        return ""
    return translation_credit([t.name for t in article.translators if t.name],
                              article.original_language, language or article.language)


def origin_line(issue: Issue, article: Article, language: str) -> str:
    """What a colophon says of an article's language in an issue with translations:
    "translated from German by ..." or "original in English"; "" in an issue without."""
    if not any(group.translations for group in issue.groups):
        return ""
    if article.translation_of:
        return translation_line(article, language)
    return strings(language)["original_language"].format(
        language=language_name(article.language, language))


_XREF_LINK = re.compile(r'<a href="[^"]*" class="xref" data-xref="([^"]*)"')


def version_links(html: str, issue: Issue, language: str) -> str:
    """``html`` with each link to an article of ``issue`` that has a version in ``language``
    led to that version: a reader of the German edition (or of a German page) follows a link
    to the German translation where there is one. A heading the version also has (same id)
    is kept; else the link leads to the version's start."""
    if not issue.groups or all(not g.translations for g in issue.groups):
        return html

    def lead(match: re.Match[str]) -> str:
        xref = Xref.parse(unescape(match[1]))
        group = issue.group_of(xref.slug) if xref.issue == issue.id else None
        version = group.version(language) if group is not None else None
        if version is None or version.slug == xref.slug:
            return match[0]
        heading = xref.anchor.removeprefix(f"{xref.slug}--")
        keep = heading != xref.anchor and heading in {h.id for h in version.body.headings}
        moved = Xref(xref.issue, version.slug, heading_anchor(version.slug, heading)
                     if keep else "")
        return (f'<a href="{escape(moved.page(issue.id))}" class="xref" '
                f'data-xref="{escape(str(moved))}"')

    return _XREF_LINK.sub(lead, html)

