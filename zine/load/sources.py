"""Load stage: which article files an issue has, and their reading order from ``contents``.

Called by ``zine.load.loader`` only. It lists ``issues/<id>/articles/`` (never reading a file's
content) and orders the loaded articles by the ``contents`` of issue.yaml, with its optional
``section:`` groups, else by file name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zine.diagnostics import Diagnostic, codes, make
from zine.load.schema import SECTION_KEYS, Fields, did_you_mean
from zine.load.yamlstrict import YList, YMap, describe
from zine.model import Article, Position, Section


@dataclass(frozen=True)
class ArticleFile:
    slug: str
    path: Path  # the Markdown file
    folder: Path  # what its images may come from


@dataclass(frozen=True)
class Group:
    """One entry of ``contents``: a titled section, or loose articles (title None)."""

    title: str | None
    pos: Position | None
    slugs: tuple[tuple[str, Position], ...]
    titles: dict[str, str] = field(default_factory=dict)  # a title per language, if given


def find_articles(articles_dir: Path, diags: list[Diagnostic]) -> list[ArticleFile]:
    """``<slug>.md`` and ``<slug>/index.md`` in file-name order; symlinks are refused."""
    if not articles_dir.is_dir():
        return []
    found: dict[str, ArticleFile] = {}
    try:
        entries = sorted(articles_dir.iterdir(), key=lambda p: p.name)
    except OSError as error:
        diags.append(make(codes.UNREADABLE, Position(articles_dir, 1, 1),
                          reason=error.strerror or str(error)))
        return []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and (entry / "index.md").exists():
            source = ArticleFile(entry.name, entry / "index.md", entry)
        elif entry.suffix == ".md":
            source = ArticleFile(entry.stem, entry, articles_dir)
        else:
            continue  # images of single-file articles, notes, ...
        if entry.is_symlink() or source.path.is_symlink():
            diags.append(make(codes.UNREADABLE, Position(entry, 1, 1),
                              reason="it is a symbolic link; articles must be real files"))
            continue
        if source.slug in found:
            diags.append(make(codes.DUPLICATE_ARTICLE, Position(source.path, 1, 1),
                              slug=source.slug,
                              first=found[source.slug].path.relative_to(articles_dir).as_posix(),
                              second=source.path.relative_to(articles_dir).as_posix()))
            continue
        found[source.slug] = source
    return sorted(found.values(), key=lambda a: a.path.relative_to(articles_dir).as_posix())


def read_contents(fields: Fields, language: str,
                  diags: list[Diagnostic]) -> list[Group] | None:
    """The groups of ``contents``, or None when issue.yaml has no ``contents``; ``language``
    is the issue's (a section title given per language must have it)."""
    value = fields.map.items.get("contents")
    if "contents" not in fields.map.items:
        return None
    if not isinstance(value, YList):
        fields.report(codes.WRONG_TYPE, fields.at("contents"), key="contents",
                      expected="a list of article slugs and sections", found=describe(value))
        return []
    groups: list[Group] = []
    loose: list[tuple[str, Position]] = []
    for item, pos in zip(value.items, value.positions, strict=True):
        if isinstance(item, str):
            loose.append((item, pos))
            continue
        if loose:
            groups.append(Group(None, None, tuple(loose)))
            loose = []
        section = Fields(item, pos, "a section of contents", diags, quiet=fields.quiet)
        section.check_keys(SECTION_KEYS, SECTION_KEYS)
        if isinstance(section.map.items.get("section"), YMap):
            titles = _titles(section, language)
            groups.append(Group(titles.get(language, ""), pos, _slugs(section), titles))
        else:
            groups.append(Group(section.required_text("section"), pos, _slugs(section)))
    if loose:
        groups.append(Group(None, None, tuple(loose)))
    return groups


def _titles(section: Fields, language: str) -> dict[str, str]:
    """``section: {en: "Reports", de: "Berichte"}``: language -> title (keys are checked by
    ``zine.check.run``); the issue's language must be there."""
    table = section.sub("section", "a section title")
    titles = {key: table.required_text(key) for key in table.map.items}
    if language and language not in titles:
        section.report(codes.SECTION_NO_MAIN, section.at("section"),
                       found=", ".join(repr(k) for k in titles) or "no language",
                       language=language)
    return titles


def _slugs(section: Fields) -> tuple[tuple[str, Position], ...]:
    value = section.map.items.get("articles")
    if value is None:
        return ()
    if isinstance(value, (YMap, str)):
        section.report(codes.WRONG_TYPE, section.at("articles"), key="articles",
                       expected="a list of article slugs", found=describe(value))
        return ()
    slugs = []
    for item, pos in zip(value.items, value.positions, strict=True):
        if isinstance(item, str):
            slugs.append((item, pos))
        else:
            section.report(codes.WRONG_TYPE, pos, key="articles", expected="an article slug",
                           found=describe(item))
    return tuple(slugs)


def order_articles(articles: list[Article], groups: list[Group] | None, fields: Fields,
                   diags: list[Diagnostic], *, check_contents: bool,
                   ) -> tuple[tuple[Article, ...], tuple[Section, ...]]:
    """Reading order and sections; unknown or repeated names in ``contents`` are reported
    (when ``check_contents``), articles it does not name are appended with a warning."""
    if groups is None:
        originals = tuple(a for a in articles if not a.translation_of)
        return tuple(articles), ((Section(None, originals),) if originals else ())
    by_slug = {a.slug: a for a in articles}
    translated = {a.slug: a.translation_of for a in articles if a.translation_of}
    seen: dict[str, Position] = {}
    sections: list[Section] = []
    for group in groups:
        members = []
        for slug, pos in group.slugs:
            if slug in seen:
                if check_contents:
                    diags.append(make(codes.CONTENTS_TWICE, pos, slug=slug,
                                      line=seen[slug].line))
                continue
            seen[slug] = pos
            if slug in translated:  # each edition puts the version in its language there
                if check_contents:
                    diags.append(make(codes.CONTENTS_TRANSLATION, pos, slug=slug,
                                      original=translated[slug]))
            elif slug in by_slug:
                members.append(by_slug[slug])
            elif check_contents:
                diags.append(make(codes.CONTENTS_UNKNOWN, pos, slug=slug,
                                  hint=did_you_mean(slug, by_slug)))
        if members or (check_contents and group.title is not None):
            sections.append(Section(group.title, tuple(members), group.pos, group.titles))
    # translations are placed with their originals (``zine.model.group_articles``)
    rest = tuple(a for a in articles if a.slug not in seen and a.slug not in translated)
    for article in rest:
        diags.append(make(codes.NOT_IN_CONTENTS, fields.at("contents"), slug=article.slug))
    if rest:
        sections.append(Section(None, rest))
    ordered = tuple(a for section in sections for a in section.articles)
    ordered += tuple(a for a in articles if a.slug in translated)
    return ordered, tuple(sections)
