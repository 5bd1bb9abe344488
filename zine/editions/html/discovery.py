"""Editions stage (HTML website): discovery files, ``sitemap.xml``, ``robots.txt`` and
``feed.json`` (JSON Feed 1.1, beside the Atom feed).

``render_discovery(zine, listed, out_dir, pages)`` runs from ``zine.editions.html.site.render_site``
after the site-wide pages are written. It lists the pages of every issue built into the folder
(from the ``issue.json`` manifests, like the site index) plus the site-wide pages it is given,
as absolute URLs under zine.yaml's ``url``. Reads nothing else; writes only through
``zine.safety.writer``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from zine.editions.html.listing import SiteIssue, card
from zine.model import Zine
from zine.safety.writer import write_all

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def base_url(zine: Zine) -> str:
    return zine.url if zine.url.endswith("/") else zine.url + "/"


def page_paths(listed: Sequence[SiteIssue], extra: Sequence[str]) -> list[tuple[str, str]]:
    """``(path, lastmod)`` of every page to list: the site pages, each issue and article."""
    newest = max((i.date.isoformat() for i in listed if i.date), default="")
    paths = [(path, newest) for path in extra]
    for item in listed:
        day = item.date.isoformat() if item.date else ""
        paths.append((f"{item.id}/", day))
        paths += [(f"{item.id}/{a.slug}.html", day) for a in item.articles]
    return paths


def alternates(listed: Sequence[SiteIssue]) -> dict[str, list[tuple[str, str]]]:
    """Article page path -> (hreflang, path) of every version of its translation group,
    itself included, and ``x-default`` for the original (Google's sitemap hreflang form:
    each listed version names them all, so the links are reciprocal)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for item in listed:
        groups: dict[str, list[tuple[str, str]]] = {}
        for article in item.articles:
            if article.group:
                groups.setdefault(article.group, []).append(
                    (article.language, f"{item.id}/{article.slug}.html"))
        for original, versions in groups.items():
            links = [*sorted(versions), ("x-default", f"{item.id}/{original}.html")]
            for _, path in versions:
                found[path] = links
    return found


def sitemap(zine: Zine, listed: Sequence[SiteIssue], extra: Sequence[str]) -> str:
    base = base_url(zine)
    links = alternates(listed)
    namespaces = f'xmlns="{SITEMAP_NS}"' + (f' xmlns:xhtml="{XHTML_NS}"' if links else "")
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f"<urlset {namespaces}>"]
    for path, day in page_paths(listed, extra):
        versions = "".join(f'<xhtml:link rel="alternate" hreflang="{lang}" '
                           f'href="{escape(base + other)}"/>'
                           for lang, other in links.get(path, ()))
        lines.append(f"<url><loc>{escape(base + path)}</loc>"
                     + (f"<lastmod>{day}</lastmod>" if day else "") + versions + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def robots(zine: Zine) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {base_url(zine)}sitemap.xml\n"


def json_feed(zine: Zine, listed: Sequence[SiteIssue]) -> str:
    """The issues as a JSON Feed 1.1, newest first, like ``feed.xml``."""
    base = base_url(zine)
    items = []
    for item in listed:
        label = str(card(item)["label"])
        entry: dict[str, object] = {
            "id": f"{base}{item.id}/",
            "url": f"{base}{item.id}/",
            "title": f"{label}: {item.title}" if label else item.title,
            "content_text": item.description or item.title,
            "image": base + item.cover,
            "language": item.language,
        }
        if item.date:
            entry["date_published"] = f"{item.date.isoformat()}T00:00:00Z"
        if item.authors:
            entry["authors"] = [{"name": name} for name in item.authors]
        items.append(entry)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": zine.title,
        "home_page_url": base,
        "feed_url": f"{base}feed.json",
        "language": zine.language,
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=1) + "\n"


def render_discovery(zine: Zine, listed: Sequence[SiteIssue], out_dir: Path,
                     extra: Sequence[str]) -> list[Path]:
    """Write ``sitemap.xml``, ``robots.txt`` and ``feed.json``."""
    return write_all(out_dir, [
        ("sitemap.xml", sitemap(zine, listed, extra).encode("utf-8")),
        ("robots.txt", robots(zine).encode("utf-8")),
        ("feed.json", json_feed(zine, listed).encode("utf-8")),
    ])

