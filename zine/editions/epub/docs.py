"""Editions stage (EPUB): the XHTML content documents of the EPUB edition.

Renders the Jinja2 templates in ``zine/templates/epub/`` (autoescape on) and places each
article's shared HTML fragment into its document, adding the ``epub:type`` semantics EPUB
readers use for pop-up footnotes. Reads only the ``RenderedIssue`` and the templates; every
document is parsed back as XML before it is returned, so a malformed one fails the build here
rather than in a reader. Writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment
from lxml import etree

from zine.editions import templating
from zine.errors import ContentError
from zine.model import Article
from zine.model.rendered import MediaItem, Xref

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
_EPUB_TYPE = f"{{{OPS_NS}}}type"
_MEDIA_NAME = re.compile(r"^media/[0-9a-f]{8,64}\.(?:png|jpg|jpeg|gif|webp|svg)$")

# DPUB-ARIA role in the shared fragment -> EPUB structural semantics (pop-up footnotes).
ROLE_TO_EPUB_TYPE = {
    "doc-noteref": "noteref",
    "doc-footnote": "footnote",
    "doc-endnotes": "endnotes",
    "doc-backlink": "backlink",
}


class EpubBuildError(ContentError):
    """An EPUB document could not be assembled (a broken fragment or media reference)."""


@dataclass(frozen=True)
class Doc:
    """One XHTML content document: its generated file name and serialized bytes."""

    name: str
    title: str
    data: bytes


def environment() -> Environment:
    return templating.environment("epub")


def render_document(template: str, name: str, **context: Any) -> Doc:
    """Render ``template`` into a well-formed XHTML document named ``name``."""
    fragment = context.pop("fragment", None)
    text = environment().get_template(template).render(**context)
    try:
        root = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as error:
        raise EpubBuildError(f"EPUB template {template} produced invalid XHTML: {error}") from None
    if fragment is not None:
        _insert_fragment(root, fragment, name)
    data = etree.tostring(root.getroottree(), encoding="utf-8", xml_declaration=True,
                          doctype="<!DOCTYPE html>")
    return Doc(name, str(context.get("title", "")), data + b"\n")


def _insert_fragment(root: etree._Element, fragment: etree._Element, name: str) -> None:
    slot = root.find(f".//{{{XHTML_NS}}}div[@data-fragment]")
    if slot is None:
        raise EpubBuildError(f"EPUB template for {name} has no fragment slot")
    del slot.attrib["data-fragment"]
    slot.text = fragment.text
    for child in list(fragment):
        slot.append(child)


def parse_fragment(article: Article, html: str) -> etree._Element:
    """The article's shared fragment as XHTML elements inside a ``div``, with EPUB semantics."""
    wrapped = f'<div xmlns="{XHTML_NS}" xmlns:epub="{OPS_NS}">{html}</div>'
    try:
        root = etree.fromstring(wrapped.encode("utf-8"))
    except etree.XMLSyntaxError as error:
        raise EpubBuildError(f"{article.path}: the article's HTML is not well-formed XHTML "
                             f"({error})") from None
    for pre in root.iter(f"{{{XHTML_NS}}}pre"):
        pre.set("dir", pre.get("dir") or "ltr")  # code reads left to right (no CSS direction)
    for element in root.iter(f"{{{XHTML_NS}}}*"):
        roles = (element.get("role") or "").split()
        types = [ROLE_TO_EPUB_TYPE[r] for r in roles if r in ROLE_TO_EPUB_TYPE]
        if types:
            existing = (element.get(_EPUB_TYPE) or "").split()
            element.set(_EPUB_TYPE, " ".join(dict.fromkeys([*existing, *types])))
    return root


def resolve_xrefs(fragment: etree._Element, issue_id: str, documents: Mapping[str, str],
                  web: str) -> None:
    """Point each link to another article (``data-xref``) at its content document in this
    book (``documents``: slug -> file name), else at its page on the web site under ``web``
    (an offprint, another issue); without either it keeps only its text."""
    for link in fragment.iter(f"{{{XHTML_NS}}}a"):
        value = link.attrib.pop("data-xref", None)
        if value is None:
            continue
        xref = Xref.parse(value)
        name = documents.get(xref.slug) if xref.issue == issue_id else None
        href = (name + (f"#{xref.anchor}" if xref.anchor else "")) if name \
            else xref.web_url(web)
        if href:
            link.set("href", href)
        else:
            link.attrib.pop("href", None)


def image_sources(fragment: etree._Element) -> list[str]:
    """Every ``img src`` of a parsed fragment, checked to be a generated media name."""
    sources = []
    for img in fragment.iter(f"{{{XHTML_NS}}}img"):
        src = img.get("src") or ""
        if not _MEDIA_NAME.match(src):
            raise EpubBuildError(f"image source {src!r} is not a generated media name")
        sources.append(src)
    return sources


_CORE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp",
                               "image/svg+xml"})
_SVG_SCRIPT = re.compile(rb"<script|<foreignObject|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def check_media(where: Path, item: MediaItem) -> None:
    """Refuse media an EPUB must not carry: non-core types, scripted SVG (EPUBCheck would ask
    for the ``scripted`` property, and a reader might run it)."""
    if item.media_type not in _CORE_IMAGE_TYPES:
        raise EpubBuildError(f"{where}: image {item.name} has the media type "
                             f"{item.media_type}, not an EPUB core image type")
    if item.media_type == "image/svg+xml" and _SVG_SCRIPT.search(item.data):
        raise EpubBuildError(f"{where}: SVG image {item.name} contains script")
