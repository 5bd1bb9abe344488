"""Editions stage (HTML website): the pages across issues, ``coops/<coop-id>.html`` and
``tags/<tag>.html`` with an index of each.

``render_archive(zine, listed, out_dir)`` runs from ``zine.editions.html.site.render_site`` after
every issue of a build was written. It reads the published articles of every listed issue from
the ``<issue-id>/issue.json`` manifests (``SiteIssue.articles``), so issues built earlier into
the same folder are included, like the site index and the OPDS catalog. Reads only those
manifests and the coops of the model (``Zine.coops``); writes only through ``zine.safety.writer``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from zine.editions.html.assets import fill, template_env, web_url
from zine.editions.html.listing import ArchiveArticle, SiteIssue, card
from zine.model import Zine, text_direction
from zine.render.i18n import format_date, strings
from zine.safety.writer import write_all

COOP_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def tag_slug(tag: str) -> str:
    """The file name stem of a tag's page: ASCII letters, digits and hyphens; a tag with none
    of those (e.g. written in Japanese) gets a stable hash of its text."""
    folded = unicodedata.normalize("NFKD", tag.casefold()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if slug and slug == re.sub(r"[^a-z0-9]+", "-", tag.casefold()).strip("-"):
        return slug
    digest = hashlib.sha256(tag.encode("utf-8")).hexdigest()[:10]
    return f"{slug}-{digest}" if slug else f"tag-{digest}"


def tag_file(tag: str) -> str:
    return f"{tag_slug(tag)}.html"


@dataclass(frozen=True)
class Listing:
    """An article as the coop and tag pages list it."""

    issue: SiteIssue
    article: ArchiveArticle
    issue_label: str
    date_text: str

    @property
    def href(self) -> str:
        return f"../{self.issue.id}/{self.article.slug}.html"


def listings(listed: Sequence[SiteIssue]) -> list[Listing]:
    """Every published article of every listed issue, newest issue first, in reading order."""
    found = []
    for item in listed:
        label = str(card(item)["label"]) or item.title
        for article in item.articles:
            found.append(Listing(item, article, label, format_date(item.date, item.language)))
    return found


def group_by_coop(items: Iterable[Listing]) -> dict[str, list[Listing]]:
    groups: dict[str, list[Listing]] = {}
    for entry in items:
        for cid in entry.article.coop_ids:
            if COOP_ID.match(cid):
                groups.setdefault(cid, []).append(entry)
    return groups


def group_by_tag(items: Iterable[Listing]) -> dict[str, tuple[str, list[Listing]]]:
    """Tag slug -> (the tag as first written, its articles)."""
    groups: dict[str, tuple[str, list[Listing]]] = {}
    for entry in items:
        for tag in dict.fromkeys(entry.article.tags):
            slug = tag_slug(tag)
            groups.setdefault(slug, (tag, []))[1].append(entry)
    return groups


def render_archive(zine: Zine, listed: Sequence[SiteIssue], out_dir: Path,
                   stylesheets: Sequence[str]) -> list[Path]:
    """Write ``coops/index.html``, ``coops/<id>.html``, ``tags/index.html``, ``tags/<tag>.html``."""
    items = listings(listed)
    by_coop = group_by_coop(items)
    by_tag = group_by_tag(items)
    coops: Mapping[str, object] = zine.coops
    env = template_env()
    common = {
        "zine": zine, "ui": strings(zine.language),
        "stylesheets": [f"../styles/{s}" for s in stylesheets],
        "page_lang": zine.language, "page_dir": text_direction(zine.language),
        "root": "../", "tag_file": tag_file, "web_url": web_url, "fill": fill,
    }
    pages: list[tuple[str, bytes]] = []
    page = env.get_template("archive.html")
    known = sorted(cid for cid in by_coop if cid in coops)
    for cid in known:
        html = page.render(**common, kind="coop", coop=zine.coops[cid], entries=by_coop[cid])
        pages.append((f"coops/{cid}.html", html.encode("utf-8")))
    html = page.render(**common, kind="coops", coops=[zine.coops[c] for c in known],
                       counts={c: len(by_coop[c]) for c in known})
    pages.append(("coops/index.html", html.encode("utf-8")))
    tags = sorted(by_tag.items(), key=lambda kv: (kv[1][0].casefold(), kv[0]))
    for slug, (tag, entries) in tags:
        html = page.render(**common, kind="tag", tag=tag, entries=entries)
        pages.append((f"tags/{slug}.html", html.encode("utf-8")))
    html = page.render(**common, kind="tags",
                       tags=[(slug, tag, len(entries)) for slug, (tag, entries) in tags])
    pages.append(("tags/index.html", html.encode("utf-8")))
    return write_all(out_dir, pages)
