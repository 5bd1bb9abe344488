"""Editions stage (HTML website): the OPDS 1.2 catalog, ``out_dir/opds.xml``.

An Atom acquisition feed for e-reader apps (KOReader, Thorium...): one entry per built issue
(the same list as the site index, so issues built earlier are listed too) that has an EPUB or
a PDF to download (OPDS 1.2 requires an acquisition link in every entry), each with
acquisition links to the EPUB and PDF editions that exist in ``out_dir``, the cover as image and
thumbnail, summary, authors, ``dc:language``, ``dc:issued`` and ``updated``. Entry ids are the
EPUB's ``urn:uuid`` identifier (``zine.model.issue_urn``). Links are relative to the
catalog, so the same folder works wherever it is published.

An issue with editions in several languages (``languages:``) gets one entry per language
edition, each with its own title, ``xml:lang``, ``dc:language``, id (its EPUB's identifier)
and acquisition links carrying ``hreflang``. One entry per edition rather than one entry with
an acquisition link per language: KOReader's and Thorium's OPDS views show an entry's title
and offer its acquisition links by format only (no ``hreflang`` is shown), so two EPUB links
in one entry would be two identical "EPUB" buttons, and an app that keeps a downloaded book by
the entry id would take the German EPUB for the English one. A reader of German sees the
German title in the list and gets the German book.

Called by ``zine.editions.html.site.render_site``; built with lxml from the model and the site's
issue list; reads only the sizes of the built files; writes only through ``zine.safety.writer``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from zine.editions.html.listing import SiteEdition, SiteIssue
from zine.model import Zine, issue_urn, urn_of
from zine.safety.fetcher import media_type_of
from zine.safety.writer import write_bytes

ATOM = "http://www.w3.org/2005/Atom"
DC = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP = {None: ATOM, "dc": DC, "opds": OPDS}
CATALOG = "opds.xml"
CATALOG_TYPE = "application/atom+xml;profile=opds-catalog;kind=acquisition"
ACQUISITION = "http://opds-spec.org/acquisition"
IMAGE = "http://opds-spec.org/image"
THUMBNAIL = "http://opds-spec.org/image/thumbnail"
# characters XML 1.0 cannot carry (lxml refuses them): never let a title break the catalog
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EDITIONS = (("epub", "application/epub+zip"), ("pdf", "application/pdf"))


def catalog_urn(zine_url: str) -> str:
    return urn_of(zine_url, CATALOG)


def write_catalog(zine: Zine, listed: Sequence[SiteIssue], out_dir: Path,
                  updated: str, entry_times: Sequence[str]) -> Path:
    """Write ``out_dir/opds.xml``; ``entry_times`` are the RFC 3339 ``updated`` of ``listed``."""
    data = catalog_bytes(zine, listed, out_dir, updated, entry_times)
    return write_bytes(out_dir, CATALOG, data)


def catalog_bytes(zine: Zine, listed: Sequence[SiteIssue], out_dir: Path,
                  updated: str, entry_times: Sequence[str]) -> bytes:
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
    feed.set("{http://www.w3.org/XML/1998/namespace}lang", zine.language)
    _text(feed, "id", catalog_urn(zine.url))
    _text(feed, "title", zine.title)
    _text(feed, "updated", updated)
    author = etree.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", zine.publisher or zine.title)
    _link(feed, "self", CATALOG, CATALOG_TYPE)
    _link(feed, "start", CATALOG, CATALOG_TYPE)
    _link(feed, "alternate", "index.html", "text/html")
    for item, when in zip(listed, entry_times, strict=True):
        for edition in item_editions(item):
            # OPDS 1.2: every entry MUST have an acquisition link
            if acquisitions(item, out_dir, edition.stem):
                feed.append(issue_entry(zine, item, out_dir, when, edition))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def item_editions(item: SiteIssue) -> list[SiteEdition]:
    """The issue's language editions, the main one first (an issue built without other
    languages, or listed from an older manifest: the main edition only)."""
    return list(item.editions) or [SiteEdition(item.language, item.id, item.title,
                                               item.description)]


def edition_urn(zine_url: str, issue_id: str, edition: SiteEdition) -> str:
    """The ``urn:uuid`` of one language edition: its EPUB's ``dc:identifier``."""
    if edition.stem == issue_id:
        return issue_urn(zine_url, issue_id)
    return issue_urn(zine_url, issue_id, language=edition.language)


def issue_entry(zine: Zine, item: SiteIssue, out_dir: Path, updated: str,
                edition: SiteEdition | None = None) -> etree._Element:
    edition = edition or item_editions(item)[0]
    main = edition.stem == item.id
    entry = etree.Element(f"{{{ATOM}}}entry")
    entry.set("{http://www.w3.org/XML/1998/namespace}lang", edition.language)
    _text(entry, "title", edition.title)
    urn = edition_urn(zine.url, item.id, edition)
    _text(entry, "id", urn)
    _text(entry, "updated", updated)
    for name in item.authors or (zine.publisher or zine.title,):
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", name)
    _text(entry, "language", edition.language, DC)
    if item.date is not None:
        _text(entry, "issued", item.date.isoformat(), DC)
    if zine.publisher:
        _text(entry, "publisher", zine.publisher, DC)
    _text(entry, "identifier", urn, DC)
    summary = _text(entry, "summary", edition.description or edition.title)
    summary.set("type", "text")
    cover_type = media_type_of(item.cover)
    _link(entry, IMAGE, item.cover, cover_type)
    _link(entry, THUMBNAIL, item.cover, cover_type)
    page = _link(entry, "alternate", f"{item.id}/index.html", "text/html")
    if not main or item.editions:
        page.set("hreflang", item.language)
    for path, media_type in acquisitions(item, out_dir, edition.stem):
        link = _link(entry, ACQUISITION, f"{item.id}/{path.name}", media_type)
        link.set("length", str(path.stat().st_size))
        if item.editions:
            link.set("hreflang", edition.language)
    return entry


def acquisitions(item: SiteIssue, out_dir: Path, stem: str = "") -> list[tuple[Path, str]]:
    """The EPUB and PDF of one edition of ``item`` (``stem``: ``<id>.<lang>``, default the
    main one) built in ``out_dir``, with their media types."""
    found = []
    for ext, media_type in EDITIONS:
        path = out_dir / item.id / f"{stem or item.id}.{ext}"
        if path.is_file():
            found.append((path, media_type))
    return found


def _text(parent: etree._Element, tag: str, text: str, ns: str = ATOM) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    element.text = _XML_UNSAFE.sub("", text)
    return element


def _link(parent: etree._Element, rel: str, href: str, media_type: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=media_type)
