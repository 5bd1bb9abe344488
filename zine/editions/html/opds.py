"""Editions stage (HTML website): the OPDS 1.2 catalog, ``out_dir/opds.xml``.

An Atom acquisition feed for e-reader apps (KOReader, Thorium...): one entry per built issue
(the same list as the site index, so issues built earlier are listed too) that has an EPUB or
a PDF to download (OPDS 1.2 requires an acquisition link in every entry), each with
acquisition links to the EPUB and PDF editions that exist in ``out_dir``, the cover as image and
thumbnail, summary, authors, ``dc:language``, ``dc:issued`` and ``updated``. Entry ids are the
EPUB's ``urn:uuid`` identifier (``zine.model.issue_urn``). Links are relative to the
catalog, so the same folder works wherever it is published.

Called by ``zine.editions.html.site.render_site``; built with lxml from the model and the site's
issue list; reads only the sizes of the built files; writes only through ``zine.safety.writer``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from zine.editions.html.listing import SiteIssue
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
        if acquisitions(item, out_dir):  # OPDS 1.2: every entry MUST have an acquisition link
            feed.append(issue_entry(zine, item, out_dir, when))
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8", pretty_print=True)


def issue_entry(zine: Zine, item: SiteIssue, out_dir: Path, updated: str) -> etree._Element:
    entry = etree.Element(f"{{{ATOM}}}entry")
    entry.set("{http://www.w3.org/XML/1998/namespace}lang", item.language)
    _text(entry, "title", item.title)
    _text(entry, "id", issue_urn(zine.url, item.id))
    _text(entry, "updated", updated)
    for name in item.authors or (zine.publisher or zine.title,):
        author = etree.SubElement(entry, f"{{{ATOM}}}author")
        _text(author, "name", name)
    _text(entry, "language", item.language, DC)
    if item.date is not None:
        _text(entry, "issued", item.date.isoformat(), DC)
    if zine.publisher:
        _text(entry, "publisher", zine.publisher, DC)
    _text(entry, "identifier", issue_urn(zine.url, item.id), DC)
    summary = _text(entry, "summary", item.description or item.title)
    summary.set("type", "text")
    cover_type = media_type_of(item.cover)
    _link(entry, IMAGE, item.cover, cover_type)
    _link(entry, THUMBNAIL, item.cover, cover_type)
    _link(entry, "alternate", f"{item.id}/index.html", "text/html")
    for path, media_type in acquisitions(item, out_dir):
        link = _link(entry, ACQUISITION, f"{item.id}/{path.name}", media_type)
        link.set("length", str(path.stat().st_size))
    return entry


def acquisitions(item: SiteIssue, out_dir: Path) -> list[tuple[Path, str]]:
    """The EPUB and PDF editions of ``item`` built in ``out_dir``, with their media types."""
    found = []
    for ext, media_type in EDITIONS:
        path = out_dir / item.id / f"{item.id}.{ext}"
        if path.is_file():
            found.append((path, media_type))
    return found


def _text(parent: etree._Element, tag: str, text: str, ns: str = ATOM) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{tag}")
    element.text = _XML_UNSAFE.sub("", text)
    return element


def _link(parent: etree._Element, rel: str, href: str, media_type: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=href, type=media_type)
