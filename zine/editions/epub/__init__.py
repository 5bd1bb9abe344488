"""Editions stage: the EPUB 3 edition, ``build/<issue-id>/<issue-id>.epub``, and one
offprint per article, ``build/<issue-id>/offprints/<slug>.epub``.

Reads one ``RenderedIssue``; loads CSS and fonts only through ``zine.safety.fetcher``; writes only
through ``zine.safety.writer``. Content documents come from ``epub_docs`` (Jinja2 templates), the
package document and NCX from ebooklib (kept in memory), and ``epub_zip`` zips them once so
the same input gives the same bytes. Every internal file name is generated (ordinal or content
hash), never taken from a contributor.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from ebooklib import epub as ebook

from zine.editions.epub import docs
from zine.editions.epub.container import (
    Deflater,
    book_entries,
    build_time,
    is_stored,
    load_members,
    pack,
)
from zine.editions.epub.meta import add_metadata, book_identifier
from zine.model import Article, Section
from zine.model.rendered import RenderedIssue, reading_order
from zine.render import credits, i18n
from zine.render.translations import origin_line, translation_line
from zine.runtime.cache import BlobStore
from zine.safety import writer
from zine.safety.fetcher import ResourceDenied, Styles, media_type_of

BOOK_THREADS = 2
STYLESHEETS = ("base.css", "epub.css")  # style files, linked in this order (base imports fonts)
# EPUB 3.3 forbids these CSS properties; the EPUB sets ``dir`` attributes instead.
_FORBIDDEN_CSS = re.compile(r"(?<![-\w])(?:direction|unicode-bidi)\s*:[^;}]*;?\s*")
_COVER_EXT = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif",
              "image/webp": "webp", "image/svg+xml": "svg"}


@dataclass
class Plan:
    """What goes into the book: documents in reading order, plus the navigation tree."""

    documents: list[docs.Doc] = field(default_factory=list)
    toc: list[object] = field(default_factory=list)  # ebooklib Link / (Section, [Link]) items
    media: set[str] = field(default_factory=set)


def render(rendered: RenderedIssue, out_dir: Path, *, use_cache: bool = False) -> list[Path]:
    """Build ``<issue-id>/<issue-id>.epub`` and one ``<issue-id>/offprints/<slug>.epub`` per
    published article under ``out_dir``; returns their paths, the issue first.
    ``use_cache``: the compressed members of the last build are kept in the build cache
    (``cache_home(out_dir)/epub/<issue-id>/``), so only those that changed are deflated
    again."""
    issue_id = rendered.issue.id
    styles = Styles.of_root(rendered.zine.root)
    store, key = None, ""
    if use_cache:
        store = BlobStore(out_dir, f"epub/{issue_id}")  # pruned per issue
        key = store.key("epub-members", f"zlib {zlib.ZLIB_RUNTIME_VERSION}")
    # every member deflated once per build (the fonts go into every book), and not at all
    # when the last build had it
    resources = load_style_resources(styles)
    deflater = Deflater(load_members(store.get(key)) if store is not None else None)
    jobs: list[tuple[str, RenderedIssue, str]] = [
        (f"{issue_id}/{rendered.issue.stem}.epub", rendered, "")]
    offprints = rendered.offprint_slugs()
    for _, articles in reading_order(rendered):
        for article in articles:
            if article.slug not in offprints:
                continue
            jobs.append((f"{issue_id}/offprints/{article.slug}.epub",
                         offprint_of(rendered, article), article.slug))

    def build(job: tuple[str, RenderedIssue, str]) -> tuple[str, bytes]:
        name, issue, offprint = job
        return name, build_epub(issue, resources, offprint, deflater, styles)

    # Two threads: zlib and the writer's fsync release the GIL, so one book is compressed
    # while another is laid out, and two files are written at once. The bytes do not depend on
    # it. Files are written only once every book is built (a failed book writes nothing).
    with ThreadPoolExecutor(BOOK_THREADS) as pool:
        # Every book carries the fonts: compress them once, side by side, before the books
        # would both start on them.
        list(pool.map(deflater.prepare, [data for name, data in resources.items()
                                          if not is_stored(name)]))
        books = list(pool.map(build, jobs))
        written = list(pool.map(lambda book: writer.write_bytes(out_dir, *book), books))
    if store is not None:
        store.put(key, deflater.members())
        store.prune()
    return written


def offprint_of(rendered: RenderedIssue, article: Article) -> RenderedIssue:
    """The issue reduced to ``article``, in the article's language."""
    issue = replace(rendered.issue, articles=(article,), sections=(Section(None, (article,)),),
                    language=article.language, description=article.summary, edition="")
    return replace(rendered, issue=issue, fragments={article.slug: rendered.fragments[
        article.slug]})


def build_epub(rendered: RenderedIssue, resources: dict[str, bytes] | None = None,
               offprint: str = "", deflater: Deflater | None = None,
               styles: Styles | None = None) -> bytes:
    """The EPUB file of ``rendered`` (of its article ``offprint``) as bytes, deterministic;
    ``styles`` defaults to those of its zine root."""
    when = build_time(rendered.issue.date)
    book = ebook.EpubBook()
    add_metadata(book, rendered, offprint)
    styles = styles or Styles.of_root(rendered.zine.root)
    resources = resources if resources is not None else load_style_resources(styles)
    plan = plan_documents(rendered, [f"styles/{name}" for name in STYLESHEETS],
                          typefaces(resources, styles), book_identifier(rendered, offprint))
    _add_resources(book, rendered, plan, resources)
    _add_documents(book, plan)
    options = {"mtime": when.replace(tzinfo=None), "epub2_guide": False, "epub3_landmark": False,
               "epub3_pages": False, "raise_exceptions": True, "spine_direction": True}
    return pack(book_entries(book, options), when, deflater)  # zipped (and deflated) once


def load_style_resources(styles: Styles) -> dict[str, bytes]:
    """Style file name -> bytes: the linked stylesheets (without what EPUB forbids) and every
    style file they name (``Styles.collect``)."""
    try:
        return styles.collect(STYLESHEETS, rewrite=epub_css)
    except ResourceDenied as denied:
        raise docs.EpubBuildError(f"EPUB stylesheet resource refused: {denied.url} "
                                  f"({denied.reason})") from None


def typefaces(resources: dict[str, bytes], styles: Styles) -> str:
    """``Noto Sans, Noto Serif``: the embedded font families, named after their files, plus
    the Open Font License when ``styles/fonts/OFL.txt`` is there (the colophon credits them)."""
    names = sorted({_family(PurePosixPath(name).stem) for name in resources
                    if media_type_of(name).startswith("font/")})
    if not names:
        return ""
    try:
        styles.read("fonts/OFL.txt")
    except ResourceDenied:
        return ", ".join(names)
    return f"{', '.join(names)} (SIL Open Font License 1.1)"


def _family(stem: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", stem.split("-")[0])


def epub_css(data: bytes) -> bytes:
    """A shared stylesheet without the ``direction``/``unicode-bidi`` properties EPUB forbids."""
    return _FORBIDDEN_CSS.sub("", data.decode("utf-8")).encode("utf-8")


def plan_documents(rendered: RenderedIssue, css: list[str], faces: str = "",
                   uid: str = "") -> Plan:
    """Every content document in reading order, and the table of contents over them."""
    zine, issue = rendered.zine, rendered.issue
    ui = i18n.strings(issue.language)
    common = {"zine": zine, "issue": issue, "ui": ui, "css": css, "lang": issue.language,
              "dir": issue.direction, "issue_label": _issue_label(ui, issue.number),
              "date": i18n.format_date(issue.date, issue.language), "coops": zine.coops,
              "title_lang": _issue_language(rendered)}
    plan = Plan()
    cover_name = cover_file_name(rendered)
    plan.documents.append(docs.render_document(
        "cover.xhtml", "cover.xhtml", title=ui["cover"], cover=cover_name, **common))
    plan.documents.append(docs.render_document(
        "titlepage.xhtml", "titlepage.xhtml", title=issue.title, **common))
    entries: list[dict[str, object]] = []
    number = 0
    order = [a for _, group in reading_order(rendered) for a in group]
    documents = {a.slug: f"article-{n:02d}.xhtml" for n, a in enumerate(order, start=1)}
    for index, (title, articles) in enumerate(reading_order(rendered), start=1):
        children, at = [], len(plan.documents)
        for article in articles:
            number += 1
            children.append(_plan_article(plan, rendered, article, number, title, common,
                                          documents))
        if title is None:
            entries.extend(children)
            plan.toc.extend(ebook.Link(c["href"], c["title"], c["id"]) for c in children)
            continue
        name = f"section-{index:02d}.xhtml"
        plan.documents.insert(at, docs.render_document(
            "section.xhtml", name, title=title, section_title=title, articles=children,
            **common))
        entries.append({"href": name, "title": title, "children": children})
        plan.toc.append((ebook.Section(title, name),
                         [ebook.Link(c["href"], c["title"], c["id"]) for c in children]))
    _plan_back_matter(plan, rendered, {**common, "typefaces": faces, "identifier": uid}, ui)
    nav = docs.render_document("nav.xhtml", "nav.xhtml", title=ui["contents"], entries=entries,
                               first=_first_body(plan), **common,
                               has_coops=bool(zine.coops_of(issue)))
    plan.documents.insert(2, nav)
    return plan


def _plan_article(plan: Plan, rendered: RenderedIssue, article: Article, number: int,
                  section: str | None, common: dict[str, object],
                  documents: dict[str, str]) -> dict[str, object]:
    """One article's content document; ``documents``: the book's article documents by slug
    (where links to other articles lead)."""
    name = f"article-{number:02d}.xhtml"
    fragment = docs.parse_fragment(article, rendered.fragments[article.slug].html)
    docs.resolve_xrefs(fragment, rendered.issue.id, documents, rendered.zine.url)
    for src in docs.image_sources(fragment):
        if src not in rendered.media:
            raise docs.EpubBuildError(f"{article.path}: image {src} was not rendered")
        docs.check_media(article.path, rendered.media[src])
        plan.media.add(src)
    strings = i18n.strings(article.language)
    plan.documents.append(docs.render_document(
        "article.xhtml", name, fragment=fragment, title=article.title, article=article,
        section_title=section, article_ui=strings, credit=translation_line(article),
        license=credits.license_of(article.license), **common))
    return {"href": name, "title": article.title, "id": f"article-{number:02d}",
            "lang": article.language, "dir": article.direction,
            "byline": credits.byline(article.authors, rendered.zine.coops, article.language)}


def _plan_back_matter(plan: Plan, rendered: RenderedIssue, common: dict[str, object],
                      ui: Mapping[str, str]) -> None:
    zine, issue = rendered.zine, rendered.issue
    coops = zine.coops_of(issue)
    if coops:
        plan.documents.append(docs.render_document(
            "coops.xhtml", "coops.xhtml", title=ui["coop_directory"], coop_list=coops, **common))
        plan.toc.append(ebook.Link("coops.xhtml", ui["coop_directory"], "coops"))
    articles = [article for _, group in reading_order(rendered) for article in group]
    entries = [{"article": a, "license": credits.license_of(a.license),
                "byline": credits.byline(a.authors, zine.coops, a.language),
                "origin": origin_line(issue, a, issue.language)} for a in articles]
    plan.documents.append(docs.render_document(
        "colophon.xhtml", "colophon.xhtml", title=ui["colophon"], credits=entries,
        issue_license=credits.license_of(issue.license),
        **common))
    plan.toc.append(ebook.Link("colophon.xhtml", ui["colophon"], "colophon"))


def _issue_language(rendered: RenderedIssue) -> str:
    """The language the issue's title is written in (an offprint changes ``issue.language``)."""
    issue = rendered.issue
    if issue.title_language:  # an edition in a language its title is not translated into
        return issue.title_language
    if issue.edition:
        return issue.language
    return next((i.language for i in rendered.zine.issues if i.id == issue.id), issue.language)


def _first_body(plan: Plan) -> str:
    for doc in plan.documents:
        if doc.name.startswith(("section-", "article-")):
            return doc.name
    return "colophon.xhtml"


def _issue_label(ui: Mapping[str, str], number: int | None) -> str:
    return ui["issue_n"].format(number=number) if number is not None else ""


def cover_file_name(rendered: RenderedIssue) -> str:
    return f"images/cover.{_COVER_EXT.get(rendered.cover.media_type, 'png')}"


def _add_resources(book: ebook.EpubBook, rendered: RenderedIssue, plan: Plan,
                   resources: dict[str, bytes]) -> None:
    docs.check_media(rendered.issue.cover or rendered.issue.path, rendered.cover)
    cover = ebook.EpubCover(uid="cover-image", file_name=cover_file_name(rendered))
    cover.media_type = rendered.cover.media_type
    cover.content = rendered.cover.data
    book.add_item(cover)
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    for number, name in enumerate(sorted(plan.media), start=1):
        item = rendered.media[name]
        book.add_item(ebook.EpubItem(uid=f"img-{number:03d}", file_name=name,
                                     media_type=item.media_type, content=item.data))
    for number, (name, data) in enumerate(sorted(resources.items()), start=1):
        book.add_item(ebook.EpubItem(uid=f"style-{number:03d}", file_name=f"styles/{name}",
                                     media_type=media_type_of(name), content=data))


def _add_documents(book: ebook.EpubBook, plan: Plan) -> None:
    book.add_item(ebook.EpubNcx())
    for doc in plan.documents:
        uid = doc.name.removesuffix(".xhtml")
        item = ebook.EpubItem(uid=uid, file_name=doc.name, media_type="application/xhtml+xml",
                              content=doc.data)
        item.properties = ["nav"] if doc.name == "nav.xhtml" else []
        book.add_item(item)
        book.spine.append(item)
    book.toc = plan.toc
