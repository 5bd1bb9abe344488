"""PDF edition, document stage: the article markup and entries the PDF's parts are made of
(``zine.editions.pdf.parts`` puts them into documents).

Reads the ``RenderedIssue`` only and returns strings; it fetches and writes nothing. The shared
fragments are never modified: each one is parsed into the PDF's own copy (lxml), where its ids
are the shared fragment's (they carry the article's slug already, so two articles may both have
an ``#introduction``) and every footnote body is moved to its call site, as a
``span.pdf-footnote`` that styles/pdf.css floats to the foot of the page (``float: footnote``);
its number comes from the PDF's own footnote counter, reset per article. Text that lxml would
drop (nesting deeper than libxml2's limit) is detected and reported instead of silently lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape

import jinja2
import lxml.html
from lxml.html import HtmlElement
from markupsafe import Markup

from zine.editions import templating
from zine.model import Article, Zine
from zine.model.rendered import BlobCache, RenderedIssue, Xref, reading_order
from zine.render import credits, i18n
from zine.render.translations import translation_line
from zine.text import typography

_NEWLINES = re.compile(r"\s*\n\s*")
_TAG = re.compile(r"<[^>]*>")
_FOOTNOTE_BLOCKS = {"p", "div", "blockquote", "ul", "ol", "li", "pre", "figure", "figcaption"}


class FragmentError(ValueError):
    """A fragment the PDF cannot carry over faithfully (e.g. nested beyond lxml's limit)."""

    def __init__(self, article: Article, reason: str) -> None:
        super().__init__(reason)
        self.article = article
        self.reason = reason


@dataclass(frozen=True)
class Entry:
    """One article as the contents, the article page and the colophon show it."""

    slug: str
    anchor: str
    title: str
    subtitle: str
    byline: str
    lang: str
    dir: str
    license: str  # the SPDX id, as printed
    license_url: str  # its page (``zine.render.credits.license_of``), "" for none
    body: Markup
    credit: str = ""  # a translation's "translated from German by ..." in its language


@dataclass(frozen=True)
class Group:
    title: str | None
    entries: tuple[Entry, ...]


def ui_strings(issue_number: int | None, language: str) -> dict[str, str]:
    """The UI strings the PDF prints, in the issue's language (``zine.render.i18n``)."""
    found = i18n.strings(language)
    number = "" if issue_number is None else str(issue_number)
    return {
        "contents": found["contents"],
        "coops": found["coop_directory"],
        "colophon": found["colophon"],
        "license": found["license"],
        "issue": found["issue_n"].format(number=number),
        "edited_by": found["editors"],
        "cover": found["cover"],
    }



def anchor_for(slug: str) -> str:
    return f"article-{slug}"


#: What the PDF makes of a link to another article: (href, text printed after the link).
XrefResolver = Callable[[Xref], tuple[str, str]]


def prepare_fragment(html: str, slug: str, resolve: XrefResolver | None = None) -> Markup:
    """The PDF's copy of a fragment: footnotes at their call sites. Its ids are the shared
    fragment's, which carry the article slug already (``zine.text.ids.heading_anchor``), so
    they are unique in the issue and are not prefixed again."""
    root = lxml.html.fragment_fromstring(html or "", create_parent="div")
    if _visible_text(root) != _source_text(html or ""):
        # libxml2 silently drops what lies below its nesting limit (256): never lose text.
        raise ValueError("the article is nested too deeply for the PDF edition")
    ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag == "a":
            if el.get("data-xref") is not None:
                _resolve_xref(el, resolve or (lambda xref: ("", "")))
            else:
                _fix_link(el, ids)
    move_footnotes(root)
    print_typography(root)
    return Markup("".join(lxml.html.tostring(child, encoding="unicode", method="html")
                          for child in root)
                  if len(root) else lxml.html.tostring(root, encoding="unicode"))


def print_typography(root: HtmlElement) -> None:
    """What CSS cannot do in WeasyPrint 70 (``zine.text.typography``): a link whose text is a URL
    gets break points (U+200B, what ``<wbr>`` is in WeasyPrint), class ``url`` and
    ``dir=ltr`` (no ``unicode-bidi``); Hangul syllables are joined (no ``word-break:
    keep-all``); a wide table gets the class that fits it to the page."""
    for link in root.iter("a"):
        text = link.text or ""
        if len(link) == 0 and typography.LOOKS_LIKE_URL.match(text):
            link.text = typography.ZERO_WIDTH_SPACE.join(typography.url_pieces(text))
            link.set("class", f"{link.get('class') or ''} url".strip())
            link.set("dir", "ltr")
    for el in root.iter():
        if isinstance(el.tag, str):
            el.text = typography.join_hangul(el.text) if el.text else el.text
        el.tail = typography.join_hangul(el.tail) if el.tail else el.tail
    for wrap in root.xpath(".//div[contains(concat(' ', @class, ' '), ' table-wrap ')]"):
        size = table_fit(wrap)
        if size:
            wrap.set("class", f"{wrap.get('class')} {size}")


def table_fit(wrap: HtmlElement) -> str:
    """The class that fits a ``div.table-wrap`` to the A5 type area (``zine.text.typography``)."""
    rows = wrap.xpath(".//tr")
    columns = max((len(row.xpath("./th|./td")) for row in rows), default=0)
    return typography.table_fit(columns, len(rows))


def _visible_text(root: HtmlElement) -> str:
    return "".join(root.text_content().split())


def _source_text(html: str) -> str:
    return "".join(unescape(_TAG.sub("", html)).split())


def _resolve_xref(link: HtmlElement, resolve: XrefResolver) -> None:
    """A link to another article: the href ``resolve`` gives (none: only its text stays),
    and the text it prints after the link text, e.g. `` (p. 23)``."""
    href, after = resolve(Xref.parse(link.attrib.pop("data-xref")))
    if href:
        link.set("href", href)
    else:
        link.attrib.pop("href", None)
    if after:
        span = lxml.html.Element("span", {"class": "xref-page"})
        span.text = after
        link.append(span)


def _fix_link(link: HtmlElement, ids: set[str | None]) -> None:
    """Dangling internal links and attachments lose their href (the text stays)."""
    link.attrib.pop("rel", None)
    href = link.get("href", "")
    if href.startswith("#") and href[1:] not in ids:
        link.attrib.pop("href", None)


def move_footnotes(root: HtmlElement) -> None:
    """Move each ``aside[role=doc-footnote]`` body to its first call site as ``span.footnote``."""
    for note in root.xpath(".//aside[@role='doc-footnote']"):
        note_id = note.get("id", "")
        calls = root.xpath(".//a[@href=$href]", href="#" + note_id) if note_id else []
        calls = [c for c in calls if not _inside(c, note)]
        if not calls:
            continue
        span = _footnote_span(note)
        first = calls[0]
        site = first.getparent() if _is_lone_sup(first) else first
        _replace(site, span)
        for extra in calls[1:]:  # the note is printed once; later calls repeat its number
            again = lxml.html.Element("span", {"class": "pdf-footnote-again"})
            again.text = extra.text_content().strip()
            _replace(extra.getparent() if _is_lone_sup(extra) else extra, again)
        note.getparent().remove(note)
    for section in root.xpath(".//section[contains(concat(' ', @class, ' '), ' footnotes ')]"):
        if not section.xpath(".//aside|.//li|.//p"):
            _drop_with_separator(section)


def _inside(el: HtmlElement, ancestor: HtmlElement) -> bool:
    return any(parent is ancestor for parent in el.iterancestors())


def _is_lone_sup(call: HtmlElement) -> bool:
    parent = call.getparent()
    return parent is not None and parent.tag == "sup" and len(parent) == 1 and \
        not (parent.text or "").strip()


def _footnote_span(note: HtmlElement) -> HtmlElement:
    """The note's content as inline markup: block children become spans, backlinks go."""
    for back in note.xpath(".//a[@role='doc-backlink' or contains(@class, 'backref')]"):
        _remove_keep_tail(back)
    for number in note.xpath(".//*[contains(@class, 'footnote-number')]"):
        _remove_keep_tail(number)  # the PDF numbers notes with its footnote counter
    span = lxml.html.Element("span", {"class": "pdf-footnote"})
    span.text = (note.text or "").lstrip() or None
    for child in list(note):
        span.append(child)
    for el in span.iter():
        # WeasyPrint 70 breaks lines at source newlines in a footnote called from a list item
        el.text = _one_line(el.text)
        el.tail = _one_line(el.tail) if el is not span else el.tail
        if el is not span and isinstance(el.tag, str) and el.tag in _FOOTNOTE_BLOCKS:
            el.set("class", f"fn-{el.tag} {el.get('class') or ''}".strip())
            el.tag = "span"
    return span


def _one_line(text: str | None) -> str | None:
    return None if text is None else _NEWLINES.sub(" ", text)


def _replace(old: HtmlElement, new: HtmlElement) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def _remove_keep_tail(el: HtmlElement) -> None:
    """Remove ``el`` and the whitespace around it, keeping the text that follows it."""
    parent = el.getparent()
    previous = el.getprevious()
    tail = (el.tail or "").strip()
    if previous is not None:
        previous.tail = ((previous.tail or "").rstrip() + " " + tail).rstrip()
    else:
        parent.text = ((parent.text or "").rstrip() + " " + tail).strip() or None
    parent.remove(el)


def _drop_with_separator(section: HtmlElement) -> None:
    previous = section.getprevious()
    if previous is not None and previous.tag == "hr":
        previous.getparent().remove(previous)
    section.getparent().remove(section)


def web_resolver(article: Article, zine: Zine) -> XrefResolver:
    """Links to other articles as web addresses (under zine.yaml's ``url``), as an offprint and
    the issue print them first; a link into the article itself stays inside it."""

    def resolve(xref: Xref) -> tuple[str, str]:
        if xref.slug == article.slug:
            return f"#{xref.anchor or anchor_for(article.slug)}", ""
        return xref.web_url(zine.url), ""

    return resolve


def make_entry(article: Article, html: str, zine: Zine,
               resolve: XrefResolver | None = None, store: BlobCache | None = None) -> Entry:
    """Raises ``FragmentError`` naming ``article`` if its fragment cannot be carried over.
    ``resolve``: what links to other articles become (default: ``web_resolver``). ``store``:
    bodies prepared by earlier builds (with the web resolver, the body depends on the fragment,
    the slug and zine.yaml's ``url`` only), so a rebuild prepares only the edited article's."""
    key = store.key("pdf-body", html, article.slug, zine.url) \
        if store is not None and resolve is None else ""
    cached = store.get(key) if store is not None and key else None
    if cached is not None:
        body = Markup(cached.decode("utf-8"))
    else:
        try:
            body = prepare_fragment(html, article.slug, resolve or web_resolver(article, zine))
        except (ValueError, RecursionError) as error:
            raise FragmentError(article, str(error) or type(error).__name__) from None
        if store is not None and key:
            store.put(key, str(body).encode("utf-8"))
    return Entry(
        slug=article.slug,
        anchor=anchor_for(article.slug),
        title=article.title,
        subtitle=article.subtitle,
        byline=credits.byline(article.authors, zine.coops, article.language),
        lang=article.language,
        dir=article.direction,
        license=article.license,
        license_url=credits.license_of(article.license).url,
        body=body,
        credit=translation_line(article),
    )


def group_articles(rendered: RenderedIssue, store: BlobCache | None = None) -> list[Group]:
    """The issue's sections with their published articles, in reading order (``store``: as
    ``make_entry``)."""
    return [Group(title, tuple(make_entry(a, rendered.fragments[a.slug].html, rendered.zine,
                                          store=store)
                               for a in articles))
            for title, articles in reading_order(rendered)]


def _environment() -> jinja2.Environment:
    return templating.environment(trim_blocks=False)
