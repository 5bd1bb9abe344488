"""Editions stage (HTML website): the site-wide pages, ``out_dir/index.html`` and ``feed.xml``.

``render_site(zine, issues, out_dir)`` runs after every issue of a build was written. It lists
the issues of this build plus any issue built earlier into the same folder (found through the
``<issue-id>/issue.json`` manifest the HTML edition writes), newest first, and writes an Atom
feed of them. Reads only those manifests and the model; writes only through ``zine.safety.writer``;
stylesheets come through ``zine.safety.fetcher`` (via ``html_assets.copy_styles``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from zine.editions.html.archive import (
    ArchiveArticle,
    article_record,
    parse_articles,
    render_archive,
)
from zine.editions.html.assets import (
    copy_styles,
    fill,
    format_date,
    rfc3339,
    template_env,
    ui_strings,
)
from zine.editions.html.discovery import render_discovery
from zine.editions.html.opds import write_catalog
from zine.editions.html.search import index_site, indexed_languages, render_search_page
from zine.model import Zine, text_direction
from zine.render.issue import RenderedIssue
from zine.runtime.timestamps import build_timestamp
from zine.safety.writer import write_text

ISSUE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MEDIA_NAME = re.compile(r"^media/[A-Za-z0-9][A-Za-z0-9._-]*$")
MANIFEST = "issue.json"


@dataclass(frozen=True)
class SiteIssue:
    """One built issue as the site index and the feed see it."""

    id: str
    number: int | None
    title: str
    date: date | None
    language: str
    direction: str
    description: str
    cover: str  # relative to out_dir
    cover_width: int
    cover_height: int
    authors: tuple[str, ...] = ()  # every author of the issue's published articles, in order
    articles: tuple[ArchiveArticle, ...] = ()  # its published articles, in reading order

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.date.isoformat() if self.date else "", self.number or 0, self.id)


def render_site(zine: Zine, issues: Sequence[RenderedIssue], out_dir: Path) -> list[Path]:
    """Write ``out_dir/index.html``, ``out_dir/feed.xml``, the OPDS catalog
    ``out_dir/opds.xml`` listing every built issue, the coop and tag pages, the search page,
    and then the search index over the whole folder."""
    listed = collect_issues(issues, out_dir)
    written, stylesheets = copy_styles(out_dir, PurePosixPath("styles"))
    ui = ui_strings(zine.language)
    env = template_env()
    base_url = zine.url if zine.url.endswith("/") else zine.url + "/"
    cards = [card(item) for item in listed]
    page = env.get_template("site.html").render(
        zine=zine, ui=ui, cards=cards, stylesheets=[f"styles/{s}" for s in stylesheets],
        direction=text_direction(zine.language),
    )
    written.append(write_text(out_dir, "index.html", page))
    newest = max((i.date for i in listed if i.date), default=None)
    feed = env.get_template("feed.xml").render(
        zine=zine, ui=ui, cards=cards, base_url=base_url, urljoin=urljoin,
        updated=rfc3339(build_timestamp(newest)),
    )
    written.append(write_text(out_dir, "feed.xml", feed))
    written.append(write_catalog(zine, listed, out_dir, rfc3339(build_timestamp(newest)),
                                 [str(c["updated"]) for c in cards]))
    archive = render_archive(zine, listed, out_dir, stylesheets)
    written += archive
    site_pages = ["", "search.html"] + [
        p.resolve().relative_to(out_dir.resolve()).as_posix().removesuffix("index.html")
        for p in archive]
    written += render_discovery(zine, listed, out_dir, site_pages)
    written += index_site(out_dir)
    written += render_search_page(zine, out_dir, stylesheets, indexed_languages(out_dir))
    return written


def card(item: SiteIssue) -> dict[str, object]:
    ui = ui_strings(item.language)
    label = fill(ui["issue_n"], number=item.number, n=item.number) if item.number else ""
    return {
        "issue": item,
        "label": label,
        "date_text": format_date(item.date, item.language),
        # An entry's time is its issue's date; only undated issues fall back to the build time.
        "updated": rfc3339(issue_moment(item.date)),
        "published": rfc3339(issue_moment(item.date)) if item.date else "",
    }


def issue_moment(value: date | None) -> datetime:
    if value is None:
        return build_timestamp(None)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def collect_issues(issues: Sequence[RenderedIssue], out_dir: Path) -> list[SiteIssue]:
    """This build's issues plus those found in ``out_dir`` manifests, newest first."""
    found = {item.id: item for item in read_manifests(out_dir)}
    for rendered in issues:
        found[rendered.issue.id] = from_rendered(rendered)
    return sorted(found.values(), key=lambda item: item.sort_key, reverse=True)


def from_rendered(rendered: RenderedIssue) -> SiteIssue:
    issue = rendered.issue
    return SiteIssue(
        id=issue.id, number=issue.number, title=issue.title, date=issue.date,
        language=issue.language, direction=issue.direction, description=issue.description,
        cover=f"{issue.id}/{rendered.cover.name}", cover_width=rendered.cover.width,
        cover_height=rendered.cover.height,
        authors=issue_authors(rendered),
        articles=parse_articles([article_record(a) for a in issue.published
                                 if a.slug in rendered.fragments]),
    )


def issue_authors(rendered: RenderedIssue) -> tuple[str, ...]:
    """Every author named on a published article of the issue, once, in reading order."""
    names = [a.name for art in rendered.issue.published for a in art.authors if a.name]
    return tuple(dict.fromkeys(names))


def read_manifests(out_dir: Path) -> list[SiteIssue]:
    """Issues built earlier into ``out_dir``; unreadable or odd manifests are skipped."""
    items: list[SiteIssue] = []
    if not out_dir.is_dir():
        return items
    for folder in sorted(out_dir.iterdir()):
        manifest = folder / MANIFEST
        if ISSUE_ID.match(folder.name) and manifest.is_file() and (folder / "index.html").is_file():
            item = parse_manifest(folder.name, manifest)
            if item is not None:
                items.append(item)
    return items


def parse_manifest(issue_id: str, path: Path) -> SiteIssue | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        cover = data["cover"]
        src = str(cover["src"])
        if data["id"] != issue_id or not MEDIA_NAME.match(src):
            return None
        number = data.get("number")
        return SiteIssue(
            id=issue_id,
            number=int(number) if number is not None else None,
            title=str(data["title"]),
            date=date.fromisoformat(data["date"]) if data.get("date") else None,
            language=str(data.get("language") or "en"),
            direction="rtl" if data.get("direction") == "rtl" else "ltr",
            description=str(data.get("description") or ""),
            cover=f"{issue_id}/{src}",
            cover_width=int(cover["width"]),
            cover_height=int(cover["height"]),
            authors=tuple(str(name) for name in data.get("authors") or ()),
            articles=parse_articles(data.get("articles")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
