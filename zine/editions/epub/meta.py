"""Editions stage (EPUB): the package metadata (OPF ``<metadata>``) of the EPUB edition.

Fills an ebooklib ``EpubBook`` from the model: title, series position, creators and
contributors with MARC relator roles, languages, publisher, rights, a stable identifier,
dates and the schema.org accessibility metadata. Reads the ``RenderedIssue`` only.
"""

from __future__ import annotations

import unicodedata

from ebooklib import epub as ebook

from zine.model import Author, issue_urn
from zine.model.rendered import RenderedIssue
from zine.render import credits

# alternativeText: the cover always is an image with alt text, and so is every figure
ACCESS_FEATURES = ("alternativeText", "displayTransformability", "readingOrder",
                   "structuralNavigation", "tableOfContents")
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


KEPT_FORMAT_CHARS = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: Persian, Indic scripts


def clean(text: str) -> str:
    """NFC, with control and format characters (bidi overrides, zero-width spaces) removed,
    except ZWNJ and ZWJ, which are part of the spelling of Persian, Indic and emoji text."""
    text = unicodedata.normalize("NFC", text)
    return "".join(ch for ch in text if ch in KEPT_FORMAT_CHARS
                   or unicodedata.category(ch) not in ("Cc", "Cf")).strip()


def book_identifier(rendered: RenderedIssue, offprint: str = "") -> str:
    """The book's ``dc:identifier`` (``zine.model.issue_urn``): the same for every
    build, different per language edition."""
    return issue_urn(rendered.zine.url, rendered.issue.id, offprint,
                     "" if offprint else rendered.issue.edition)


def add_metadata(book: ebook.EpubBook, rendered: RenderedIssue, offprint: str = "") -> None:
    """Every OPF metadata entry of the edition (``dcterms:modified`` is written by ebooklib).

    ``offprint`` is the slug of the one article of an offprint: it is the book's title.
    """
    zine, issue = rendered.zine, rendered.issue
    book.set_identifier(book_identifier(rendered, offprint))
    title = rendered.fragments[offprint].article.title if offprint else issue.title
    book.title = clean(title)
    book.add_metadata("DC", "title", book.title, {"id": "title"})
    _meta(book, "main", refines="#title", property="title-type")
    for language in _languages(rendered):
        book.set_language(language)
    book.language = issue.language
    book.set_direction(issue.direction)
    if issue.number is not None:
        _meta(book, clean(zine.title), property="belongs-to-collection", id="series")
        _meta(book, "series", refines="#series", property="collection-type")
        _meta(book, str(issue.number), refines="#series", property="group-position")
    for index, author in enumerate(_authors(rendered), start=1):
        _person(book, "creator", f"creator-{index:02d}", author, "aut")
    for index, editor in enumerate(issue.editors, start=1):
        _person(book, "contributor", f"editor-{index:02d}", editor, "edt")
    if zine.publisher:
        book.add_metadata("DC", "publisher", clean(zine.publisher))
    if issue.date is not None:
        book.add_metadata("DC", "date", issue.date.isoformat())
    book.add_metadata("DC", "rights", _rights(rendered))
    book.add_metadata("DC", "description", clean(issue.description) or _fallback_description(
        rendered))
    _accessibility(book, rendered)


def _meta(book: ebook.EpubBook, value: str, **attributes: str) -> None:
    book.add_metadata(None, "meta", value, dict(attributes))


def _person(book: ebook.EpubBook, element: str, uid: str, person: Author, role: str) -> None:
    book.add_metadata("DC", element, clean(person.name), {"id": uid})
    _meta(book, role, refines=f"#{uid}", property="role", scheme="marc:relators")


def _languages(rendered: RenderedIssue) -> list[str]:
    """The issue's language first, then every other article language in sorted order."""
    issue = rendered.issue
    others = sorted({f.article.language for f in rendered.fragments.values()} - {issue.language})
    return [issue.language, *others]


def _authors(rendered: RenderedIssue) -> list[Author]:
    """Each author once (by name), in reading order of the published articles."""
    seen: dict[str, Author] = {}
    for article in rendered.issue.published:
        if article.slug not in rendered.fragments:
            continue
        for author in article.authors:
            seen.setdefault(clean(author.name), author)
    return list(seen.values())


def _rights(rendered: RenderedIssue) -> str:
    issue = rendered.issue
    licenses = sorted({f.article.license for f in rendered.fragments.values()} - {issue.license})
    text = f"Licensed under {credits.license_of(issue.license).reference}"
    if licenses:
        text += f"; some articles under {', '.join(licenses)} (see the colophon)"
    return text + "."


def _fallback_description(rendered: RenderedIssue) -> str:
    titles = [clean(a.title) for a in rendered.issue.published if a.slug in rendered.fragments]
    return f"{clean(rendered.zine.title)}: {'; '.join(titles)}"


def _accessibility(book: ebook.EpubBook, rendered: RenderedIssue) -> None:
    """schema.org accessibility metadata and the EPUB Accessibility 1.1 conformance claim.

    Every statement follows from what the book contains: the cover is always an image with
    a text alternative; figures, footnotes and tables are mentioned only when there are
    some; there is no MathML, audio, video or animation (GIFs keep their first frame), so
    no hazard. Ace by DAISY verifies the book in the tests (tests/test_a11y_epub.py).
    """
    html = [f.html for f in rendered.fragments.values()]  # what the book shows, as rendered
    figures = any("<img " in text for text in html)
    footnotes = any('role="doc-noteref"' in text for text in html)
    _meta(book, "textual", property="schema:accessMode")
    _meta(book, "visual", property="schema:accessMode")  # the cover, and figures if any
    _meta(book, "textual", property="schema:accessModeSufficient")
    for feature in sorted(ACCESS_FEATURES):
        _meta(book, feature, property="schema:accessibilityFeature")
    _meta(book, "none", property="schema:accessibilityHazard")
    _meta(book, accessibility_summary(figures, footnotes),
          property="schema:accessibilitySummary")
    _meta(book, CONFORMANCE, property="dcterms:conformsTo")
    _meta(book, clean(rendered.zine.publisher or rendered.zine.title),
          property="a11y:certifiedBy")


def accessibility_summary(figures: bool, footnotes: bool) -> str:
    """The ``schema:accessibilitySummary`` of a book with or without figures and notes."""
    parts = ["A reflowable text with a navigable table of contents, headings and landmarks "
             "in reading order."]
    if figures:
        parts.append("Every image has a text alternative; the cover image repeats the title "
                     "page.")
    else:
        parts.append("The only image is the cover, which has a text alternative and repeats "
                     "the title page.")
    if footnotes:
        parts.append("Footnotes are linked both ways.")
    parts.append("Text and code colours meet WCAG 2.1 AA contrast; no flashing, motion or "
                 "sound.")
    return " ".join(parts)
