"""Check stage: an article's Markdown body (text, links, anchors, images).

Called by ``zine.check.run`` only. Reads the facts ``zine.load.markdown.parse_body`` extracted into
``Body`` and, for images, the image files (through ``zine.check.images``); writes nothing.
"""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from zine.check.images import ImageChecks
from zine.diagnostics import Diagnostic, codes, make
from zine.load.filenames import case_variant
from zine.load.markdown import MAX_NESTING
from zine.load.schema import did_you_mean
from zine.model import Article, ImageRef, Position
from zine.safety import paths
from zine.safety.schemes import SAFE_SCHEMES, UNSAFE_SCHEMES

# markdown-it drops links with these schemes (it prints them as text), so the source is read:
# the scheme-like start of every link destination (inline links and images, autolinks and
# reference definitions), with entities decoded and the blanks browsers ignore removed.
_DESTINATION_SCHEME = re.compile(
    r"(?:\]\(\s*<?|<|^ {0,3}\[[^\]\n]+\]:\s*<?)([^()<>:\n]{1,60}):", re.MULTILINE)
_CODE_SPAN = re.compile(r"(`+)[^`\n]+?\1")
_IGNORED_IN_SCHEME = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\ufeff]+")


def check_body(article: Article, images: ImageChecks | None = None) -> list[Diagnostic]:
    body = article.body
    diags: list[Diagnostic] = []
    diags += [make(codes.RAW_HTML, pos) for pos in body.raw_html]
    diags += [make(codes.DEMOTED_H1, pos) for pos in body.demoted_h1]
    diags += [make(codes.TOO_DEEP, pos, limit=MAX_NESTING) for pos in body.too_deep]
    diags += check_anchors(article)
    diags += check_schemes(article)
    diags += check_link_schemes(article)
    diags += check_notes(article)
    diags += [make(codes.ROW_TOO_LONG, pos, cells=cells, columns=columns)
              for pos, cells, columns in body.long_rows]
    for image in body.images:
        diags += check_image(article, image, images)
    diags += [make(codes.IMAGE_SPACE, pos, src=src, encoded=quote(src, safe="/"))
              for pos, src in body.spaced_images]
    diags += [make(codes.LINK_SPACE, pos, href=href, encoded=quote(href, safe="/#"))
              for pos, href in body.spaced_links]
    return diags


def check_anchors(article: Article) -> list[Diagnostic]:
    """``#anchor`` links name a heading id or a footnote of the same article."""
    ids = {h.id for h in article.body.headings}
    notes = {f"{prefix}{n}" for n in range(1, article.body.footnotes + 1)
             for prefix in ("fn", "fnref", "fn-", "fnref-")}
    diags = []
    for link in article.body.links:
        if not link.href.startswith("#") or len(link.href) == 1:
            continue
        anchor = unquote(link.href[1:])
        if anchor not in ids and anchor not in notes:
            diags.append(make(codes.BAD_ANCHOR, link.pos, anchor=anchor,
                              hint=did_you_mean(anchor, sorted(ids))))
    return diags


def check_schemes(article: Article) -> list[Diagnostic]:
    diags = []
    for match in _DESTINATION_SCHEME.finditer(_outside_code(article)):
        scheme = _IGNORED_IN_SCHEME.sub("", html.unescape(match[1])).lower()
        if scheme not in UNSAFE_SCHEMES:
            continue
        line = article.source.count("\n", 0, match.start(1))
        col = match.start(1) - (article.source.rfind("\n", 0, match.start(1)) + 1) + 1
        diags.append(make(codes.BAD_SCHEME, Position(article.path, article.body_line + line,
                                                     col), scheme=scheme))
    return diags


def check_notes(article: Article) -> list[Diagnostic]:
    """Footnote references with no definition (printed as written) and definitions that are
    left out (never cited, or defined again; also reported when the editions are built)."""
    body = article.body
    diags = [make(codes.NOTE_UNDEFINED, pos, label=label, hint=_note_hint(label, body.note_labels))
             for pos, label in body.undefined_notes]
    diags += [make(codes.NOTE_DROPPED, pos, label=label, why=why)
              for pos, label, why in body.dropped_notes]
    return diags


def _note_hint(label: str, labels: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(label, labels, n=1, cutoff=0.6)
    return f"; did you mean [^{close[0]}]?" if close else ""


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def check_link_schemes(article: Article) -> list[Diagnostic]:
    """Links the editions print as text because of their scheme (``<a+b:c>``, ``<x:5001/y>``,
    ``http:page``); unsafe schemes are ``check_schemes``' (Z306)."""
    diags = []
    for link in article.body.links:
        match = _SCHEME.match(link.href)
        if match is None:
            continue  # relative links: checked with the links between articles
        scheme = match[1].lower()
        if scheme in UNSAFE_SCHEMES:
            continue
        if scheme not in SAFE_SCHEMES:
            reason = f"no edition can link to a '{scheme}:' address"
        elif scheme in ("http", "https") and not link.href[match.end():].startswith("//"):
            reason = f"a '{scheme}:' link needs a host ({scheme}://host/...)"
        else:
            continue
        diags.append(make(codes.LINK_SCHEME, link.pos, href=link.href, reason=reason))
    return diags


def _outside_code(article: Article) -> str:
    """The body with code blocks and code spans blanked (same lines and columns): code that
    shows a hostile link is just code."""
    lines = article.source.split("\n")
    for token in article.body.tokens:
        if token.type in ("fence", "code_block") and token.map:
            for number in range(token.map[0], min(token.map[1], len(lines))):
                lines[number] = ""
    return _CODE_SPAN.sub(lambda m: " " * len(m[0]), "\n".join(lines))


def check_image(article: Article, image: ImageRef,
                images: ImageChecks | None = None) -> list[Diagnostic]:
    diags = []
    if not image.alt.strip():
        diags.append(make(codes.IMAGE_NO_ALT, image.pos, src=image.src))
    parts = urlsplit(image.src)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https") or image.src.startswith("//"):
        return [*diags, make(codes.REMOTE_IMAGE, image.pos, src=image.src)]
    if scheme in UNSAFE_SCHEMES:
        return diags  # reported from the source by check_schemes
    if image.path is None:
        return [*diags, _unresolved(article, image)]
    problem = (images or ImageChecks()).inspect(image.path)
    if problem is not None:
        diags.append(make(problem.code, image.pos, src=image.src, **problem.values))
    return diags


def _unresolved(article: Article, image: ImageRef) -> Diagnostic:
    """Why ``image`` did not resolve: it leads outside the folder, or is missing."""
    folder = _shown(article.folder, article.path.parent)
    parts = urlsplit(image.src)
    if parts.scheme or parts.netloc or not parts.path or image.src.startswith(("/", "\\")):
        return make(codes.IMAGE_OUTSIDE, image.pos, src=image.src, folder=folder)
    written = article.path.parent / unquote(parts.path)
    if not paths.is_inside(written, article.folder):
        return make(codes.IMAGE_OUTSIDE, image.pos, src=image.src, folder=folder)
    target = paths.real(written)
    variant = case_variant(image.src, article.path.parent)
    if variant is not None:  # found by a laptop's disk, not by the build server's
        hint = (f"; the folder has {variant!r}, which differs in upper and lower case (names "
                f"are case-sensitive on the build server): write {variant!r}")
        return make(codes.IMAGE_MISSING, image.pos, src=image.src, folder=folder, hint=hint)
    if target.exists():  # a folder, a FIFO, a device: opening it could block or never end
        return make(codes.IMAGE_BROKEN, image.pos, src=image.src, reason="not a regular file")
    return make(codes.IMAGE_MISSING, image.pos, src=image.src, folder=folder, hint="")


def _shown(folder: Path, base: Path) -> str:
    """The folder as the article's author sees it: relative to the article file's folder."""
    if folder == base:
        return f"{folder.name}/"
    return f"{folder.parent.name}/{folder.name}/"
