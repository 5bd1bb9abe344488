"""Editions stage (HTML website): the built issues as the site-wide pages list them.

The HTML edition writes ``<issue-id>/issue.json`` (``issue_manifest``) beside each issue it
builds; the site index, the feeds, OPDS, the coop and tag pages and the sitemap read back every
manifest of the output folder (``collect_issues``), so they list issues built earlier too.
``SiteIssue`` is one such issue, ``ArchiveArticle`` one of its articles. Reads only manifests
and the model; writes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from zine.editions.html.assets import fill, rfc3339
from zine.model import Article, Issue, edition_issue, text_direction
from zine.model.rendered import MediaItem, RenderedIssue
from zine.render.credits import Signature
from zine.render.i18n import format_date, strings
from zine.runtime.timestamps import build_timestamp

SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


ISSUE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


MEDIA_NAME = re.compile(r"^media/[A-Za-z0-9][A-Za-z0-9._-]*$")


MANIFEST = "issue.json"


@dataclass(frozen=True)
class SiteEdition:
    """One language edition of an issue: its EPUB and PDF are ``<id>/<stem>.epub|.pdf``."""

    language: str
    stem: str
    title: str
    description: str = ""

    @property
    def direction(self) -> str:
        return text_direction(self.language)


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
    editions: tuple[SiteEdition, ...] = ()  # with languages: the main edition, then the others

    @property
    def sort_key(self) -> tuple[str, int, str]:
        return (self.date.isoformat() if self.date else "", self.number or 0, self.id)


def card(item: SiteIssue) -> dict[str, object]:
    ui = strings(item.language)
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
        articles=parse_articles([article_record(a, original_of(issue, a))
                                 for a in issue.published if a.slug in rendered.fragments]),
        editions=parse_editions(edition_records(issue)),
    )


def original_of(issue: Issue, article: Article) -> str:
    """The slug of the original of ``article``'s translation group, "" if it has none."""
    group = issue.group_of(article.slug)
    return group.original.slug if group is not None and group.translations else ""


def edition_records(issue: Issue) -> list[dict[str, str]]:
    """The issue's editions as the manifest keeps them (the feed and OPDS list them); none
    for an issue with only its main edition."""
    records: list[dict[str, str]] = []
    if len(issue.edition_languages()) < 2:
        return records
    for language in issue.edition_languages():
        edition = edition_issue(issue, language)
        records.append({"language": language, "stem": edition.stem, "title": edition.title,
                        "description": edition.description})
    return records


def parse_editions(data: object) -> tuple[SiteEdition, ...]:
    """The ``editions`` of a manifest (older manifests have none: the main edition only)."""
    if not isinstance(data, list):
        return ()
    found = []
    for item in data:
        try:
            stem = str(item["stem"])
            if ISSUE_ID.match(stem.replace(".", "-")):
                found.append(SiteEdition(str(item["language"]), stem, str(item["title"]),
                                         str(item.get("description") or "")))
        except (KeyError, TypeError, AttributeError):
            continue
    return tuple(found)


def built_epubs(item: SiteIssue, out_dir: Path) -> list[SiteEdition]:
    """The language editions of an issue with several whose EPUB is built in ``out_dir``:
    the feed links each with its ``hreflang``."""
    return [edition for edition in item.editions
            if (out_dir / item.id / f"{edition.stem}.epub").is_file()]


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
            editions=parse_editions(data.get("editions")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class ArchiveArticle:
    """One published article as a manifest records it."""

    slug: str
    title: str
    language: str
    authors: tuple[Signature, ...]  # (name, coop id or None)
    tags: tuple[str, ...]
    summary: str = ""
    group: str = ""  # the original's slug when the article has translations (or is one)

    @property
    def direction(self) -> str:
        return text_direction(self.language)

    @property
    def coop_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for _, c in self.authors if c))


def article_record(article: Article, group: str = "") -> dict[str, object]:
    """What a manifest keeps of a published article for the pages across issues; ``group``:
    the slug of its translation group's original, if it has one."""
    record: dict[str, object] = {
        "slug": article.slug,
        "title": article.title,
        "language": article.language,
        "authors": [{"name": a.name, "coop": a.coop} for a in article.authors],
        "tags": list(article.tags),
        "summary": article.summary,
    }
    if group:
        record["group"] = group
    return record


def parse_articles(data: object) -> tuple[ArchiveArticle, ...]:
    """The ``articles`` of a manifest; odd entries are skipped (the manifest is build output,
    but a folder can hold anything)."""
    found: list[ArchiveArticle] = []
    if not isinstance(data, list):
        return ()
    for item in data:
        try:
            slug = str(item["slug"])
            if not SLUG.match(slug):
                continue
            authors = tuple(Signature(str(a["name"]), str(a["coop"]) if a.get("coop") else None)
                            for a in item.get("authors") or ())
            found.append(ArchiveArticle(
                slug=slug, title=str(item["title"]), language=str(item.get("language") or "en"),
                authors=authors, tags=tuple(str(t) for t in item.get("tags") or ()),
                summary=str(item.get("summary") or ""), group=str(item.get("group") or ""),
            ))
        except (KeyError, TypeError, AttributeError):
            continue
    return tuple(found)


def article_coop_ids(article: Article) -> tuple[str, ...]:
    """Coops that sign ``article``, in byline order, once each."""
    return tuple(dict.fromkeys(a.coop for a in article.authors if a.coop))


def issue_manifest(rendered: RenderedIssue) -> str:
    """What the site index needs to list this issue in later builds that do not rebuild it."""
    issue = rendered.issue
    cover: MediaItem = rendered.cover
    data: dict[str, object] = {
        "id": issue.id,
        "number": issue.number,
        "title": issue.title,
        "date": issue.date.isoformat() if issue.date else None,
        "language": issue.language,
        "direction": issue.direction,
        "description": issue.description,
        "cover": {"src": cover.name, "width": cover.width, "height": cover.height},
        "authors": list(issue_authors(rendered)),
        "articles": [article_record(a, original_of(issue, a)) for a in issue.published
                     if a.slug in rendered.fragments],
    }
    if editions := edition_records(issue):
        data["editions"] = editions
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n"
