"""Editions stage: the HTML website edition of one issue (and, via ``zine.editions.html.site``, the
site-wide index and Atom feed).

``render(rendered, out_dir)`` writes ``out_dir/<issue-id>/index.html`` (the table of contents),
one ``<slug>.html`` per published article, the media and cover, the stylesheets and fonts under
``<issue-id>/styles/`` and a small ``issue.json`` manifest that the site index reads later.
It reads only the ``RenderedIssue`` (plus the sizes of the EPUB/PDF files already built next to
it), loads CSS and fonts only through ``zine.safety.fetcher``, and writes only through
``zine.safety.writer``. No JavaScript; no timestamps other than the issue date /
``SOURCE_DATE_EPOCH``.

``prepare(rendered, out_dir, coming=...)`` makes every page while the build's other editions
are still being written (the pages show their sizes): a marker stands for each size
(``ForeseenSizes``), and the ``finish`` it returns puts the real sizes in and writes the files,
or makes the pages anew if a download came or went otherwise than foreseen. Either way the
bytes are those ``render`` writes. """

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from jinja2 import Environment
from markupsafe import Markup

from zine.editions.html.archive import tag_file
from zine.editions.html.assets import (
    copy_styles,
    fill,
    format_size,
    style_files,
    template_env,
    web_url,
)
from zine.editions.html.cards import CardText, card_pngs
from zine.editions.html.listing import article_coop_ids, issue_manifest
from zine.editions.html.site import render_site
from zine.errors import ContentError
from zine.model import Article, Coop, Issue, edition_issue, text_direction
from zine.model.rendered import RenderedIssue, reading_order
from zine.render import credits
from zine.render.i18n import autonym, format_date, strings
from zine.render.translations import translation_line
from zine.runtime.cache import BlobStore
from zine.safety.fetcher import Styles
from zine.safety.writer import write_all
from zine.text.words import reading_minutes

__all__ = ["render", "render_site"]

MEDIA_NAME = re.compile(r"^media/[A-Za-z0-9][A-Za-z0-9._-]*$")
DOWNLOADS = (("epub", "EPUB", "application/epub+zip"), ("pdf", "PDF", "application/pdf"))
MANIFEST = "issue.json"


@dataclass(frozen=True)
class Download:
    ext: str
    href: str
    label: str
    media_type: str
    size: str
    language: str = ""  # the edition's language ("" for an offprint)
    language_name: str = ""  # that language named in itself, for editions in other languages
    direction: str = "ltr"  # of that name


@dataclass(frozen=True)
class Alternate:
    """One version of an article's translation group, as its pages link it (hreflang)."""

    language: str
    name: str  # the language named in itself: "Deutsch", "العربية"
    href: str  # the page, relative to the issue folder
    title: str
    original: bool
    direction: str = "ltr"


@dataclass(frozen=True)
class Entry:
    """One published article as the templates see it."""

    article: Article
    href: str
    html: Markup
    minutes: int
    offprints: tuple[Download, ...] = ()
    versions: tuple[Alternate, ...] = ()  # every version of its group, itself included

    @property
    def others(self) -> tuple[Alternate, ...]:
        """The other versions, for the "Also in" switcher."""
        return tuple(v for v in self.versions if v.href != self.href)


# the size shown for a download file (``format_size``), None when there is no such file
SizeOf = Callable[[Path], "str | None"]


def size_on_disk(path: Path) -> str | None:
    """The size of the download file ``path`` as it is now; None if there is none."""
    return format_size(path.stat().st_size) if path.is_file() else None


class ForeseenSizes:
    """Download sizes of files the build's other editions are still writing (``SizeOf``): a
    file that is there now, or whose edition is ``coming`` (by its suffix: ``epub``, ``pdf``),
    gets a marker in its place, one that no text holds (a random nonce); ``settle`` replaces
    the markers by the sizes once the files are written."""

    def __init__(self, coming: Collection[str]) -> None:
        self.coming = frozenset(coming)
        self.nonce = secrets.token_hex(12)
        self.marked: dict[Path, str] = {}
        self.absent: set[Path] = set()

    def __call__(self, path: Path) -> str | None:
        if path.suffix.lstrip(".") in self.coming or path.is_file():
            if path not in self.marked:
                # closed by a dot, so the marker of file 1 is not the start of file 14's
                self.marked[path] = f"zine-size-{self.nonce}-{len(self.marked)}."
            return self.marked[path]
        self.absent.add(path)
        return None

    def settle(self, files: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]] | None:
        """``files`` with the real sizes in; None if a file foreseen is missing or one that
        was not foreseen is there (the pages must be made again)."""
        if any(path.is_file() for path in self.absent):
            return None
        sizes: dict[bytes, bytes] = {}
        for path, mark in self.marked.items():
            size = size_on_disk(path)
            if size is None:
                return None
            sizes[mark.encode()] = size.encode()
        if not sizes:
            return list(files)
        marks = re.compile(b"|".join(re.escape(mark) for mark in sizes))
        return [(name, marks.sub(lambda found: sizes[found.group(0)], data)
                 if name.endswith(".html") else data) for name, data in files]


def render(rendered: RenderedIssue, out_dir: Path, use_cache: bool = False) -> list[Path]:
    """Write the HTML edition of ``rendered`` into ``out_dir/<issue-id>/``; ``use_cache``:
    link-preview cards come from (and go to) the build cache."""
    return write_all(out_dir, issue_files(rendered, out_dir, use_cache, size_on_disk))


@dataclass(frozen=True)
class Prepared:
    """The edition's files made ahead (``prepare``), with the download sizes still to come.
    Calling it writes them once the editions they link to are written: the same files
    ``render`` would write then. ``as_now()`` is what they would be if those downloads kept
    the sizes they have now (None when one is not there yet): what the site's search can
    index ahead (``zine.editions.html.search.index_ahead``)."""

    rendered: RenderedIssue
    out_dir: Path
    use_cache: bool
    sizes: ForeseenSizes
    files: list[tuple[str, bytes]]

    def __call__(self) -> list[Path]:
        settled = self.sizes.settle(self.files)
        if settled is None:
            return render(self.rendered, self.out_dir, self.use_cache)
        return write_all(self.out_dir, settled)

    def as_now(self) -> list[tuple[str, bytes]] | None:
        return self.sizes.settle(self.files)


def prepare(rendered: RenderedIssue, out_dir: Path, *, coming: Collection[str],
            use_cache: bool = False) -> Prepared:
    """Make the edition's files now, while the editions ``coming`` (their names: ``epub``,
    ``pdf``) are being written, and return what writes them once those are (``Prepared``).
    Nothing is written before it is called."""
    sizes = ForeseenSizes(coming)
    return Prepared(rendered, out_dir, use_cache, sizes,
                    issue_files(rendered, out_dir, use_cache, sizes))


def issue_files(rendered: RenderedIssue, out_dir: Path, use_cache: bool,
                sizes: SizeOf) -> list[tuple[str, bytes]]:
    """Every file of the issue's HTML edition, as ``(path under out_dir, bytes)``: styles,
    media, link-preview cards, the article pages, the index and the manifest."""
    issue = rendered.issue
    base = PurePosixPath(issue.id)
    styles = Styles.of_root(rendered.zine.root)
    files, stylesheets = style_files(base / "styles", styles)
    files += media_files(rendered, base)
    entries = article_entries(rendered, out_dir, sizes)
    context = issue_context(rendered, out_dir, entries, stylesheets, sizes)
    files += card_files(rendered, out_dir, entries, str(context["issue_label"]), use_cache,
                        styles)
    env = template_env()
    files += [_article_page(env, context, entries, index, base) for index in range(len(entries))]
    index_page = env.get_template("issue.html").render(**context)
    files.append((str(base / "index.html"), index_page.encode("utf-8")))
    files.append((str(base / MANIFEST), issue_manifest(rendered).encode("utf-8")))
    return files


def render_article(rendered: RenderedIssue, out_dir: Path, slug: str) -> list[Path]:
    """Write only the page of article ``slug`` (and its images) as ``render`` writes it, for
    ``zine serve`` after an edit to that article's body: the other pages, the index and the
    cards do not show the body, so they stay as they are."""
    base = PurePosixPath(rendered.issue.id)
    entries = article_entries(rendered, out_dir)
    index = next(i for i, entry in enumerate(entries) if entry.article.slug == slug)
    written, stylesheets = copy_styles(out_dir, base / "styles",
                                       Styles.of_root(rendered.zine.root))
    written += write_media(rendered, out_dir, base)
    context = issue_context(rendered, out_dir, entries, stylesheets)
    return written + write_all(out_dir, [_article_page(template_env(), context, entries,
                                                       index, base)])


def _article_page(env: Environment, context: Mapping[str, object], entries: Sequence[Entry],
                  index: int, base: PurePosixPath) -> tuple[str, bytes]:
    entry = entries[index]
    issue = context["issue"]
    assert isinstance(issue, Issue)
    previous, following = neighbours(issue, entries, entry)  # in the edition of its language
    page = env.get_template("article.html").render(**page_chrome(context, issue, entry),
                                                   entry=entry, previous=previous,
                                                   next=following)
    return str(base / entry.href), page.encode("utf-8")


def card_files(rendered: RenderedIssue, out_dir: Path, entries: Sequence[Entry],
               label: str, use_cache: bool, styles: Styles) -> list[tuple[str, bytes]]:
    """``<issue-id>/cards/<slug>.png`` per article and ``cards/index.png`` for the issue
    (``use_cache``: drawn before, kept in the build cache beside ``out_dir``)."""
    issue, zine = rendered.issue, rendered.zine
    store = BlobStore(out_dir, "cards") if use_cache else None
    heading = label if issue.number is None else f"{label} · {issue.title}"
    texts = {"index": CardText(issue.title, zine.publisher, label if issue.number else "",
                               zine.title, issue.language, issue.direction, zine.language)}
    for entry in entries:
        article = entry.article
        names = credits.names(article.authors, article.language)
        texts[article.slug] = CardText(article.title, names, heading, zine.title,
                                       article.language, article.direction, zine.language)
    pngs = card_pngs(list(texts.values()), store, styles)
    return [(f"{issue.id}/cards/{name}.png", png)
            for name, png in zip(texts, pngs, strict=True)]


def write_media(rendered: RenderedIssue, out_dir: Path, base: PurePosixPath) -> list[Path]:
    """Write ``media_files``."""
    return write_all(out_dir, media_files(rendered, base))


def media_files(rendered: RenderedIssue, base: PurePosixPath) -> list[tuple[str, bytes]]:
    """Every media item and the cover, at their generated names (never contributor strings)."""
    items = {**rendered.media, rendered.cover.name: rendered.cover}
    for name in items:
        if not MEDIA_NAME.match(name):
            raise ContentError(f"html edition: unexpected media name {name!r}")
    return [(str(base / name), items[name].data) for name in sorted(items)]


def article_entries(rendered: RenderedIssue, out_dir: Path | None = None,
                    sizes: SizeOf = size_on_disk) -> list[Entry]:
    """Published articles in reading order, with their fragment, reading time and the
    offprints already built for them under ``out_dir`` (with ``sizes``)."""
    entries = []
    published = {a.slug for a in rendered.issue.published if a.slug in rendered.fragments}
    for _, articles in reading_order(rendered):
        for article in articles:
            # the article its fragment was rendered from (after ``zine serve`` applied an edit)
            fragment = rendered.fragments[article.slug]
            minutes = max(1, reading_minutes(fragment.article.body.words))
            offprints = offprint_downloads(out_dir, rendered.issue.id, article.slug, sizes) \
                if out_dir is not None else []
            entries.append(Entry(fragment.article, f"{article.slug}.html",
                                 Markup(fragment.html), minutes, tuple(offprints),
                                 group_versions(rendered.issue, article, published)))
    return entries


def section_groups(rendered: RenderedIssue,
                   entries: Sequence[Entry]) -> list[tuple[str | None, list[Entry]]]:
    """The issue's groups in reading order (``zine.model.rendered.reading_order``), each with
    the entries of its articles: each translation group once, as its version in the issue's
    language (its other languages are the entry's ``versions``)."""
    by_slug = {entry.article.slug: entry for entry in entries}
    main = replace(rendered, issue=edition_issue(rendered.issue, rendered.issue.language))
    return [(title, [by_slug[a.slug] for a in articles if a.slug in by_slug])
            for title, articles in reading_order(main)]


def page_chrome(context: Mapping[str, object], issue: Issue, entry: Entry
                ) -> dict[str, object]:
    """The page's words around the article in the language of its edition: a version in one of
    the issue's ``languages`` gets that edition's UI strings, issue title and date (the
    German page of a translation says "Ausgabe 1", not "Issue 1"); any other page the issue's."""
    language = entry.article.language
    if language == issue.language or language not in issue.edition_languages():
        return dict(context)
    edition = edition_issue(issue, language)
    ui = strings(language)
    return {**context, "issue": edition, "ui": ui, "issue_label": issue_label(edition, ui),
            "issue_date": format_date(issue.date, language)}


def neighbours(issue: Issue, entries: Sequence[Entry], entry: Entry
               ) -> tuple[Entry | None, Entry | None]:
    """The previous and next page of ``entry`` in the edition of its language (a German
    page leads on to the German version of the next article where there is one)."""
    order = [a.slug for a in edition_issue(issue, entry.article.language).published]
    by_slug = {e.article.slug: e for e in entries}
    order = [slug for slug in order if slug in by_slug]
    if entry.article.slug not in order:
        return None, None
    index = order.index(entry.article.slug)
    return (by_slug[order[index - 1]] if index > 0 else None,
            by_slug[order[index + 1]] if index + 1 < len(order) else None)


def group_versions(issue: Issue, article: Article, published: set[str]) -> tuple[Alternate, ...]:
    """Every published version of ``article``'s translation group, the original first."""
    group = issue.group_of(article.slug)
    if group is None or not group.translations:
        return ()
    return tuple(Alternate(a.language, autonym(a.language), f"{a.slug}.html", a.title,
                           a is group.original, a.direction)
                 for a in group.versions if a.slug in published)




def downloads(out_dir: Path, issue: Issue, sizes: SizeOf = size_on_disk) -> list[Download]:
    """The EPUB and PDF editions already built next to this one, with their sizes: the main
    edition's, then those of each other language of ``languages``."""
    found = []
    for language in issue.edition_languages():
        stem = edition_issue(issue, language).stem
        name = "" if language == issue.language else autonym(language)
        for ext, label, media_type in DOWNLOADS:
            path = out_dir / issue.id / f"{stem}.{ext}"
            if (size := sizes(path)) is not None:
                found.append(Download(ext, path.name, label, media_type, size, language,
                                      name, text_direction(language)))
    return found


def offprint_downloads(out_dir: Path, issue_id: str, slug: str,
                       sizes: SizeOf = size_on_disk) -> list[Download]:
    """The EPUB and PDF offprints of one article already built, with their sizes, as links
    relative to the issue folder."""
    found = []
    for ext, label, media_type in DOWNLOADS:
        path = out_dir / issue_id / "offprints" / f"{slug}.{ext}"
        if (size := sizes(path)) is not None:
            found.append(Download(ext, f"offprints/{path.name}", label, media_type, size))
    return found


def issue_context(rendered: RenderedIssue, out_dir: Path, entries: Sequence[Entry],
                  stylesheets: Sequence[str], sizes: SizeOf = size_on_disk
                  ) -> dict[str, object]:
    """Everything the issue index and the article pages share."""
    issue, zine = rendered.issue, rendered.zine
    ui = strings(issue.language)
    return {
        "zine": zine,
        "issue": issue,
        "ui": ui,
        "issue_label": issue_label(issue, ui),
        "issue_date": format_date(issue.date, issue.language),
        "entries": entries,
        "groups": section_groups(rendered, entries),
        "cover": rendered.cover,
        "downloads": downloads(out_dir, issue, sizes),
        "also_in": lambda language: strings(language)["also_in"],
        "translation_line": translation_line,
        "coops": zine.coops_of(issue),
        "stylesheets": [f"styles/{name}" for name in stylesheets],
        "licenses": sorted({e.article.license for e in entries if e.article.license}),
        "web_url": web_url,
        "fill": fill,
        "site_url": site_url(zine.url),
        "og_locale": og_locale,
        "fediverse_creators": lambda a: fediverse_creators(a, zine.coops),
        "article_coop_ids": lambda a: [c for c in article_coop_ids(a) if c in zine.coops],
        "tag_file": tag_file,
    }


def fediverse_creators(article: Article, coops: Mapping[str, Coop]) -> list[str]:
    """The fediverse handles (coops.yaml ``fediverse``) of the coops signing ``article``."""
    handles = [coops[cid].fediverse for cid in article_coop_ids(article) if cid in coops]
    return list(dict.fromkeys(h for h in handles if h))


def site_url(url: str) -> str:
    """zine.yaml's ``url`` ending in ``/``, for absolute links (canonical, Open Graph)."""
    return url if url.endswith("/") else url + "/"


def og_locale(language: str) -> str:
    """A BCP 47 tag as Open Graph writes locales, language_TERRITORY: ``pt-BR`` -> ``pt_BR``;
    a tag without a region takes its likeliest one (CLDR likely subtags, through langcodes):
    ``ja`` -> ``ja_JP``, ``en`` -> ``en_US``."""
    import langcodes

    try:
        tag = langcodes.Language.get(language).maximize()
    except (ValueError, LookupError):
        return language.split("-")[0].lower()
    if tag.language and tag.territory and len(tag.territory) == 2:
        return f"{tag.language}_{tag.territory}"
    return (tag.language or language.split("-")[0]).lower()


def issue_label(issue: Issue, ui: Mapping[str, str]) -> str:
    if issue.number is None:
        return issue.title
    return fill(ui["issue_n"], number=issue.number, n=issue.number)
