"""Check stage: links between articles, resolved once for every edition.

A contributor links to another article as on GitHub: the relative path of its Markdown file,
optionally with a heading id (``../other.md#a-heading``, ``starting-a-tech-coop/index.md``,
``../../02-x/articles/y.md``). ``LinkIndex.resolve`` maps such an href to a ``LinkTarget``
(issue id, article slug, anchor) or to the diagnostic that says what to write instead; checks
report the diagnostics (``link_diagnostics``), and the renderer asks the same index for the
targets (``article_targets``), so each edition only turns a target into its own href.

Pure: reads the model only (the paths it compares are the model's), no files.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from zine.diagnostics import Diagnostic, codes, make
from zine.load.schema import did_you_mean
from zine.model import Article, Issue, LinkRef, LinkTarget, Zine


@dataclass(frozen=True)
class Resolved:
    """What a link is: a target (None for external links and problems) and its problem."""

    target: LinkTarget | None = None
    problem: tuple[str, dict[str, object]] | None = None  # (code, message values)


EXTERNAL = Resolved()


def _real(path: Path) -> str:
    try:
        return os.path.normcase(os.path.realpath(path))
    except (ValueError, OSError):  # a NUL byte (written %00), a path the system refuses
        return ""


def anchor_ids(article: Article) -> set[str]:
    """The ids a link may name in ``article``: its headings and footnotes."""
    ids = {h.id for h in article.body.headings}
    ids |= {f"{prefix}{n}" for n in range(1, article.body.footnotes + 1)
            for prefix in ("fn", "fnref", "fn-", "fnref-")}
    return ids


class LinkIndex:
    """Every article of the repository by its file, for resolving links between them."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.articles: dict[str, tuple[Issue, Article]] = {}
        for issue in issues:
            for article in issue.articles:
                self.articles.setdefault(_real(article.path), (issue, article))

    def find(self, target: LinkTarget) -> Article | None:
        """The article a target names."""
        for issue, article in self.articles.values():
            if issue.id == target.issue and article.slug == target.slug:
                return article
        return None

    @classmethod
    def of(cls, zine: Zine) -> LinkIndex:
        return cls([*zine.issues, *zine.link_scope])

    def resolve(self, article: Article, href: str) -> Resolved:
        """What ``href``, written in ``article``, leads to (messages show it decoded)."""
        resolved = self._resolve(article, href)
        if resolved.problem is not None and "href" in resolved.problem[1]:
            resolved.problem[1]["href"] = unquote(href)
        return resolved

    def _resolve(self, article: Article, href: str) -> Resolved:
        if not href.strip():
            return Resolved(problem=(codes.EMPTY_LINK, {}))
        if href == "#":
            return Resolved(problem=(codes.LINK_TO_HASH, {}))
        if href.startswith("#"):
            return EXTERNAL  # an anchor of the same article: zine.check.body.check_anchors
        try:
            parts = urlsplit(href)
        except ValueError:
            return _not_article(href, "it is not a valid URL")
        if parts.scheme:
            return EXTERNAL  # http(s), mailto, ...; unsafe schemes are zine.check.body's
        if parts.netloc or href.startswith("//"):
            return _not_article(href, "it names a server but no scheme")
        path = unquote(parts.path)
        if path.startswith(("/", "\\")):
            return _not_article(href, "a path from the root of a web site")
        found = self.articles.get(_real(article.path.parent / path))
        if found is None:
            return self._missing(article, href, path)
        issue, target = found
        if target.draft:
            return Resolved(problem=(codes.LINK_TO_DRAFT, {"href": href, "slug": target.slug}))
        anchor = unquote(parts.fragment)
        if anchor and anchor not in anchor_ids(target):
            ids = sorted(h.id for h in target.body.headings)
            return Resolved(problem=(codes.LINK_NO_ANCHOR, {
                "href": href, "slug": target.slug, "anchor": anchor,
                "hint": did_you_mean(anchor, ids)}))
        return Resolved(LinkTarget(issue.id, target.slug, anchor))

    def _missing(self, article: Article, href: str, path: str) -> Resolved:
        base = article.path.parent
        if path.endswith(".md"):
            return Resolved(problem=(codes.LINK_NO_ARTICLE, {
                "href": href, "path": _printable(posixpath.normpath(path)),
                "hint": self._hint(article, path)}))
        folder = _real(base / path / "index.md")
        if folder in self.articles:
            shown = posixpath.join(path.rstrip("/"), "index.md")
            return _not_article(href, "a folder", f"; did you mean {shown!r}?")
        return _not_article(href, "not an article's .md file", self._hint(article, path))

    def _hint(self, article: Article, path: str) -> str:
        """The closest other article's path (as written from ``article``), by path, else by
        slug."""
        base = article.path.parent
        paths = {self._relative(other, base): other for _, other in self.articles.values()
                 if other is not article}
        hint = did_you_mean(posixpath.normpath(path), sorted(paths))
        if hint:
            return hint
        stem = posixpath.basename(posixpath.dirname(path)) if path.endswith("index.md") \
            else posixpath.splitext(posixpath.basename(path))[0]
        by_slug = {a.slug: shown for shown, a in paths.items()}
        close = did_you_mean(stem, sorted(by_slug))
        if not close:
            return ""
        slug = close.split("'")[1]
        return f"; did you mean {by_slug[slug]!r}?"

    @staticmethod
    def _relative(article: Article, base: Path) -> str:
        return Path(os.path.relpath(article.path, base)).as_posix()


def _printable(text: str) -> str:
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)


def _not_article(href: str, why: str, hint: str = "") -> Resolved:
    return Resolved(problem=(codes.LINK_NOT_ARTICLE, {"href": href, "why": why, "hint": hint}))


def link_diagnostics(index: LinkIndex, article: Article) -> list[Diagnostic]:
    """Every problem of ``article``'s links to other articles, where each link is written."""
    diags = []
    for link in article.body.links:
        problem = index.resolve(article, link.href).problem
        if problem is not None:
            code, values = problem
            diags.append(make(code, link.pos, **values))
    return diags


def article_targets(index: LinkIndex, article: Article,
                    links: Sequence[LinkRef] | None = None) -> Mapping[str, LinkTarget]:
    """href as written -> target, for each of ``article``'s links to another article."""
    found = {}
    for link in article.body.links if links is None else links:
        target = index.resolve(article, link.href).target
        if target is not None:
            found[link.href] = target
    return found
