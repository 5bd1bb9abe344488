"""Render stage: an issue's parsed articles -> HTML fragments and processed media.

Runs once per issue, after checks passed. Every edition (EPUB, PDF, HTML) wraps the *same*
``Fragment.html`` with its own template and CSS; images are referenced in fragments as
``media/<content-hash>.<ext>``, and the processed bytes (EXIF stripped, core media type) are in
``RenderedIssue.media`` under that same name, so each edition only has to place them.
This module reads the model and image files through ``zine.media.images`` (which reads them under
``zine.safety.fetcher``'s rules); the HTML itself comes from ``zine.render.fragment``. It writes
nothing. """

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from zine.check.links import LinkIndex, article_targets
from zine.diagnostics import Diagnostic, make
from zine.diagnostics.codes import IMAGE_PROCESSING, NOTE_DROPPED, RENDER_FAILED
from zine.load.markdown import make_parser
from zine.media.images import MediaError, looks_like_svg, process_bytes, process_image
from zine.model import Article, Issue, Position, Zine
from zine.model.rendered import BlobCache, Fragment, MediaCache, MediaItem, RenderedIssue, Xref
from zine.render.cover import generated_cover
from zine.render.fragment import FragmentRenderer
from zine.render.translations import version_links
from zine.safety import fetcher
from zine.safety.fetcher import read_regular_file

if TYPE_CHECKING:
    from zine.check.links import LinkIndex

LOG = logging.getLogger(__name__)
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Characters XML 1.0 forbids (C0 controls but tab/newline/CR, surrogates, U+FFFE/FFFF).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_issue(zine: Zine, issue: Issue, media_cache: MediaCache | None = None,
                 code_cache: BlobCache | None = None
                 ) -> tuple[RenderedIssue, list[Diagnostic]]:
    """Render every published article of ``issue`` once: fragments, processed media, cover.

    Problems become diagnostics (Z501 naming the article, Z504 naming the image); an article
    that could not be rendered is left out of ``fragments``. ``media_cache`` and ``code_cache``
    (optional) keep processed images and highlighted code blocks between builds.
    """
    diags: list[Diagnostic] = []
    media: dict[str, MediaItem] = {}
    fragments: dict[str, Fragment] = {}
    links = LinkIndex.of(zine)
    # A generated cover (no contributor file involved) is drawn in a thread meanwhile: zlib,
    # which takes most of its time, does not hold the GIL.
    with ThreadPoolExecutor(1) as pool:
        generated = pool.submit(_generated_cover, zine, issue) if issue.cover is None else None
        for article in issue.published:
            done = render_article(links, issue, article, diags, media_cache, code_cache)
            if done is not None:
                fragments[article.slug], images = done
                media.update((item.name, item) for item in images.values())
        cover = generated.result() if generated else _issue_cover(zine, issue, diags,
                                                                   media_cache)
    rendered = RenderedIssue(zine, issue, fragments, dict(sorted(media.items())), cover)
    return rendered, diags


def render_article(links: LinkIndex, issue: Issue, article: Article, diags: list[Diagnostic],
                   media_cache: MediaCache | None = None, code_cache: BlobCache | None = None
                   ) -> tuple[Fragment, dict[str, MediaItem]] | None:
    """One article of ``issue`` rendered (``render_issue`` does it for each; ``zine serve``
    for the one just edited): its fragment and processed images, or None with Z501 in
    ``diags``. ``links``: ``LinkIndex.of`` the zine."""
    try:
        images = _article_media(article, diags, media_cache)
        html = render_fragment(article, images, article_xrefs(links, article), issue.id,
                               code_cache)
        check_fragment(html)
    except Exception as error:  # any failure names the article, never a traceback
        LOG.debug("rendering %s failed", article.path, exc_info=True)
        reason = f"{type(error).__name__}: {error}"[:300]
        diags.append(make(RENDER_FAILED, Position(article.path, article.body_line, 1),
                          reason=reason))
        return None
    diags += [make(NOTE_DROPPED, pos, label=label, why=why)
              for pos, label, why in article.body.dropped_notes]
    # on the website a link leads to the version in the article's own language
    return Fragment(article, version_links(html, issue, article.language)), images


def _article_media(article: Article, diags: list[Diagnostic],
                   media_cache: MediaCache | None = None) -> dict[str, MediaItem]:
    """src as written -> processed image, for every image that resolves and processes."""
    found: dict[str, MediaItem] = {}
    for ref in article.body.images:
        if ref.src in found:
            continue
        try:
            if ref.path is not None:
                found[ref.src] = _cached_image(ref.path, article.folder, media_cache)
            elif ref.src.lower().startswith("data:image/"):
                try:
                    data = fetcher.data_url_bytes(ref.src)
                except ValueError:
                    raise MediaError("malformed data: URL") from None
                found[ref.src] = process_bytes(data)
        except MediaError as error:
            shown = ref.src if len(ref.src) <= 80 else ref.src[:77] + "..."
            diags.append(make(IMAGE_PROCESSING, ref.pos, src=shown, reason=error.reason))
    return found


def _cached_image(path: Path, root: Path, media_cache: MediaCache | None) -> MediaItem:
    """``media.process_image(path, root=root)``, looked up in ``media_cache`` first."""
    import hashlib

    if media_cache is None:
        return process_image(path, root=root)
    try:
        data = read_regular_file(path, [root], path.name)
    except Exception:  # process_image reads it again and says what is wrong
        return process_image(path, root=root)
    key = hashlib.sha256(data).hexdigest()
    cached = media_cache.get(key)
    if cached is None:
        cached = process_bytes(data)
        media_cache.put(key, cached)
    return cached


def _generated_cover(zine: Zine, issue: Issue) -> MediaItem:
    return generated_cover(zine, issue)


def _issue_cover(zine: Zine, issue: Issue, diags: list[Diagnostic],
                 media_cache: MediaCache | None = None) -> MediaItem:
    """The issue's own cover, processed (a raster one through ``media_cache`` like article
    images; an SVG one is drawn anew), or a generated typographic one."""
    if issue.cover is not None:
        try:  # the fetcher's reader: a regular file inside the issue folder, never a FIFO
            svg = looks_like_svg(read_regular_file(issue.cover, [issue.path],
                                                   issue.cover.name)[:4096])
        except Exception:
            svg = True  # process_image reads it again and says what is wrong
        try:
            if media_cache is not None and not svg:
                return _cached_image(issue.cover, issue.path, media_cache)
            return process_image(issue.cover, root=issue.path, allow_svg=True)
        except MediaError as error:
            diags.append(make(IMAGE_PROCESSING, Position(issue.cover, 1, 1),
                              src=issue.cover.name, reason=error.reason))
    return generated_cover(zine, issue)


def article_xrefs(links: LinkIndex, article: Article) -> dict[str, Xref]:
    """href as written -> xref, for each of ``article``'s links to another article."""
    found = {}
    for href, target in article_targets(links, article).items():
        entry = links.find(target)
        found[href] = Xref.to(target, entry)
    return found


def render_fragment(article: Article, images: Mapping[str, MediaItem],
                    xrefs: Mapping[str, Xref] | None = None, issue_id: str = "",
                    code_cache: BlobCache | None = None) -> str:
    """One article's tokens as an XHTML-compatible HTML5 fragment; ``xrefs``: its links to
    other articles (``article_xrefs``); ``code_cache``: code blocks highlighted before."""
    renderer = FragmentRenderer(article, images, xrefs or {}, issue_id, code_cache)
    options = make_parser(article.language).options
    html = renderer.render(list(article.body.tokens), options, {})
    return _XML_INVALID.sub("", html)


def check_fragment(html: str) -> None:
    """Raise ``ValueError`` unless ``html`` parses as XML inside an XHTML ``<div>``."""
    try:
        etree.fromstring(f'<div xmlns="{XHTML_NS}">{html}</div>'.encode())
    except etree.XMLSyntaxError as error:
        raise ValueError(f"fragment is not well-formed XHTML ({error})") from None
