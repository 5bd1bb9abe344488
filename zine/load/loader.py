"""Load stage: the only code that reads the zine's content files and builds the frozen model.

Reads zine.yaml, coops.yaml, ``issues/<id>/issue.yaml`` and the articles (decoding, front matter,
strict YAML via ``zine.load.yamlstrict``, the schema via ``zine.load.schema``, the body via
``zine.load.markdown.parse_body`` or the parser a caller hands in: the build's hands back the
bodies parsed by an earlier build, ``zine.runtime.bodycache``). It never writes, renders or
judges values beyond their type: ``zine.check.run`` does that. Problems are returned as
diagnostics next to a model that is built anyway, so one run reports everything.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from zine.diagnostics import Diagnostic, codes, make
from zine.errors import UsageError
from zine.load.markdown import (
    MAX_MARKUP,
    MAX_TABLE_CELLS,
    MAX_TABLE_COLUMNS,
    MAX_TABLE_ROWS,
    markup_count,
    parse_body,
    smarten,
    table_sizes,
)
from zine.load.schema import (
    ARTICLE_KEYS,
    ARTICLE_REQUIRED,
    COOP_KEYS,
    COOP_REQUIRED,
    ISSUE_KEYS,
    ISSUE_REQUIRED,
    ISSUE_TEXT_KEYS,
    ZINE_KEYS,
    ZINE_REQUIRED,
    Fields,
    empty_fields,
)
from zine.load.sources import ArticleFile, find_articles, order_articles, read_contents
from zine.load.yamlstrict import parse_yaml
from zine.model import (
    Article,
    Body,
    Coop,
    Issue,
    IssueText,
    Located,
    Position,
    Section,
    Zine,
    group_articles,
)
from zine.text import typography

log = logging.getLogger(__name__)

MAX_FRONT_MATTER = 64 * 1024
MAX_ARTICLE = 2 * 1024 * 1024
MAX_YAML_FILE = 1024 * 1024
MAX_BRACKETS = 10_000
COVER_NAMES = ("cover.jpg", "cover.png", "cover.svg")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Scope:
    """What ``load_project`` loads: every issue, or only some issues and article files."""

    issues: frozenset[str] | None = None  # issues loaded whole; None: every issue
    articles: Mapping[str, frozenset[Path]] = field(default_factory=dict)  # issue -> files
    lone: tuple[Path, ...] = ()  # .md files outside issues/<id>/articles/


def read_text(path: Path, limit: int, what: str, diags: list[Diagnostic]) -> str | None:
    """The file as text (BOM dropped, line ends made LF), or None with a diagnostic."""
    start = Position(path, 1, 1)
    try:
        if not path.is_file():
            diags.append(make(codes.UNREADABLE, start, reason="not a regular file"))
            return None
        size = path.stat().st_size
        if size > limit:
            diags.append(make(codes.TOO_LARGE, start, what=what, size=size, limit=limit))
            return None
        data = path.read_bytes()
    except OSError as error:
        diags.append(make(codes.UNREADABLE, start, reason=error.strerror or str(error)))
        return None
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        diags.append(make(codes.NOT_UTF8, _byte_position(path, data, error.start),
                          byte=data[error.start]))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _byte_position(path: Path, data: bytes, offset: int) -> Position:
    line_start = data.rfind(b"\n", 0, offset) + 1
    col = len(data[line_start:offset].decode("utf-8", errors="replace")) + 1
    return Position(path, data.count(b"\n", 0, offset) + 1, col)


def load_yaml_file(path: Path, where: str, diags: list[Diagnostic]) -> Fields:
    text = read_text(path, MAX_YAML_FILE, path.name, diags)
    if text is None:
        return empty_fields(path, where, diags)
    value, problems = parse_yaml(text, path)
    diags.extend(problems)
    if value is None and problems:
        return empty_fields(path, where, diags)
    return Fields(value, Position(path, 1, 1), where, diags)


def split_front_matter(text: str, path: Path,
                       diags: list[Diagnostic]) -> tuple[str | None, str, int]:
    """(front matter or None, body, file line of the body's first line)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        diags.append(make(codes.FM_NOT_OPENED, Position(path, 1, 1), found=lines[0][:40]))
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            front = "\n".join(lines[1:index])
            if len(front.encode("utf-8")) > MAX_FRONT_MATTER:
                diags.append(make(codes.TOO_LARGE, Position(path, 2, 1), what="front matter",
                                  size=len(front.encode("utf-8")), limit=MAX_FRONT_MATTER))
                return None, "\n".join(lines[index + 1:]), index + 2
            return front, "\n".join(lines[index + 1:]), index + 2
    diags.append(make(codes.FM_NOT_CLOSED, Position(path, 1, 1)))
    return None, "", len(lines) + 1


# What parses an article body when not ``parse_body`` (None): one with its signature that may
# hand back a body parsed by an earlier build (``zine.runtime.bodycache``: the build's, via
# ``load_project``).
BodyParser = Callable[..., Body]


def load_article(source: ArticleFile, language: str, license_id: str,
                 diags: list[Diagnostic], parse: BodyParser | None = None) -> Article:
    """One article; ``language`` and ``license_id`` are the issue's defaults; ``parse``
    parses its body when not ``parse_body`` (``BodyParser``)."""
    path = source.path
    text = read_text(path, MAX_ARTICLE, "the article", diags)
    front, body_text, body_line = (None, "", 1) if text is None else \
        split_front_matter(text, path, diags)
    fields = empty_fields(path, "front matter", diags)
    if front is not None:
        value, problems = parse_yaml(front, path, first_line=2)
        diags.extend(problems)
        if not (value is None and problems):
            fields = Fields(value, Position(path, 2, 1), "front matter", diags)
            fields.check_keys(ARTICLE_KEYS, ARTICLE_REQUIRED)
    if front is not None and not body_text.strip():
        diags.append(make(codes.EMPTY_BODY, Position(path, body_line, 1)))
    article_language = fields.text("language") or language
    return Article(
        slug=source.slug, path=path, folder=source.folder,
        # the body's smart typography (quotes of the article's language) in every edition
        title=smarten(fields.required_text("title"), article_language),
        subtitle=smarten(fields.text("subtitle"), article_language),
        authors=fields.authors("authors", required=True),
        language=article_language, license=fields.text("license") or license_id,
        summary=smarten(fields.text("summary"), article_language), tags=fields.texts("tags"),
        draft=fields.boolean("draft"), source=body_text, body_line=body_line,
        body=_parse(body_text, article_language, source, body_line, diags, parse),
        where=fields.located(), translation_of=fields.text("translation_of"),
        translators=fields.authors("translators", False),
        translated_from=fields.text("translated_from"),
    )


def _parse(text: str, language: str, source: ArticleFile, first_line: int,
           diags: list[Diagnostic], parse: BodyParser | None = None) -> Body:
    brackets = text.count("[")
    if brackets > MAX_BRACKETS:  # markdown-it spends ~0.15 ms on each unmatched '['
        diags.append(make(codes.TOO_MANY_BRACKETS, Position(source.path, first_line, 1),
                          count=brackets, limit=MAX_BRACKETS))
        return Body(tokens=())
    start = Position(source.path, first_line, 1)
    too_big = _tables_too_big(text, start, diags)
    markup = markup_count(text)
    if markup > MAX_MARKUP:  # bounds the parser's memory and the PDF layout time
        diags.append(make(codes.TOO_MUCH_MARKUP, start, count=markup, limit=MAX_MARKUP))
    if too_big or markup > MAX_MARKUP:
        return Body(tokens=())
    try:
        parser = parse or parse_body
        return parser(text, language=language or "en", path=source.path,
                      first_line=first_line, folder=source.folder)
    except Exception as error:  # a parser bug must not become a traceback for a contributor
        log.debug("parse_body failed on %s", source.path, exc_info=True)
        diags.append(make(codes.MARKDOWN_FAILED, Position(source.path, first_line, 1),
                          reason=f"{type(error).__name__}: {error}"))
        return Body(tokens=())


def _tables_too_big(text: str, start: Position, diags: list[Diagnostic]) -> bool:
    """Report tables above the size caps (before parsing: the parser and the PDF layout take
    time and memory for every cell); True if there was one. The cell total is reported at the
    table that goes over it. Without such errors, a table too wide for the A5 page even as the
    PDF fits it (``zine.text.typography.table_limit``) gets a warning."""
    found = []
    unprintable = []  # Z507 warnings, reported only when no cap is exceeded
    cells = 0
    for line, columns, rows in table_sizes(text):
        pos = Position(start.path, start.line + line, 1)
        if columns > MAX_TABLE_COLUMNS:
            found.append(make(codes.TABLE_TOO_WIDE, pos, count=columns, limit=MAX_TABLE_COLUMNS))
        if rows > MAX_TABLE_ROWS:
            found.append(make(codes.TABLE_TOO_LONG, pos, count=rows, limit=MAX_TABLE_ROWS))
        cells += columns * (rows + 1)
        if cells > MAX_TABLE_CELLS and not found:
            found.append(make(codes.TOO_MANY_CELLS, pos, count=cells, limit=MAX_TABLE_CELLS))
        limit = typography.table_limit(columns, rows + 1)
        if limit is not None:
            turned = typography.table_fit(columns, rows + 1) == "table-landscape"
            unprintable.append(make(
                codes.TABLE_TOO_WIDE_TO_PRINT, pos, count=columns, rows=rows + 1, limit=limit,
                how="even turned sideways on a page of its own" if turned
                else "too many rows to turn it sideways"))
    diags += found or unprintable
    return bool(found)


def load_issue(folder: Path, zine: Zine, only: frozenset[Path] | None,
               diags: list[Diagnostic], parse: BodyParser | None = None) -> Issue:
    """The issue in ``folder``; with ``only``, just those article files (contents unchecked);
    ``parse`` parses the article bodies when not ``parse_body`` (``BodyParser``)."""
    yaml_path = folder / "issue.yaml"
    if yaml_path.is_file():
        fields = load_yaml_file(yaml_path, "issue.yaml", diags)
        fields.check_keys(ISSUE_KEYS, ISSUE_REQUIRED)
    else:
        diags.append(make(codes.MISSING_FILE, Position(yaml_path, 1, 1), name="issue.yaml",
                          expected="every folder in issues/ is an issue and needs one"))
        fields = empty_fields(yaml_path, "issue.yaml", diags)
    language = fields.required_text("language") or zine.language
    license_id = fields.text("license") or zine.license
    found = find_articles(folder / "articles", diags)
    if only is not None:
        found = [a for a in found if a.path.resolve() in only]
    articles = [load_article(a, language, license_id, diags, parse) for a in found]
    groups = read_contents(fields, language, diags)
    ordered, sections = order_articles(articles, groups, fields, diags,
                                       check_contents=only is None)
    languages = {a.slug: a.language for a in ordered}
    ordered = tuple(replace(a, original_language=languages[a.translation_of])
                    if a.translation_of in languages else a for a in ordered)
    translation_groups = group_articles(ordered)
    return Issue(
        id=folder.name, path=folder, number=fields.number("number"),
        title=fields.required_text("title"), date=fields.date("date"), language=language,
        description=fields.text("description"), editors=fields.authors("editors", False),
        license=license_id, cover=_cover(folder, diags),
        articles=tuple(a for g in translation_groups for a in g.versions), sections=sections,
        where=fields.located(), languages=fields.texts("languages"),
        translations=_issue_texts(fields, diags), groups=translation_groups,
    )


def _issue_texts(fields: Fields, diags: list[Diagnostic]) -> dict[str, IssueText]:
    """``translations:``: language -> the issue's title and description in it."""
    found: dict[str, IssueText] = {}
    if "translations" not in fields.map.items:
        return found
    table = fields.sub("translations", "translations")
    for language in table.map.items:
        text = table.sub(language, f"translations of {language!r}")
        text.check_keys(ISSUE_TEXT_KEYS, ())
        found[language] = IssueText(text.text("title"), text.text("description"),
                                    Located(table.map.keys[language], dict(text.map.values)))
    return found


def _cover(folder: Path, diags: list[Diagnostic]) -> Path | None:
    """The cover image, if there is one; a symlink is refused (it could lead anywhere)."""
    for name in COVER_NAMES:
        path = folder / name
        if path.is_symlink():
            diags.append(make(codes.UNREADABLE, Position(path, 1, 1), reason="it is a symbolic "
                              "link; the cover must be a real file in the issue folder"))
            return None
        if path.is_file():
            return path
    return None


def load_zine(root: Path, diags: list[Diagnostic]) -> Zine:
    """zine.yaml and coops.yaml, no issues yet."""
    fields = load_yaml_file(root / "zine.yaml", "zine.yaml", diags)
    fields.check_keys((*ZINE_KEYS, "description"), ZINE_REQUIRED)
    coops_path = root / "coops.yaml"
    coops: dict[str, Coop] = {}
    if coops_path.is_file():
        coops = load_coops(coops_path, diags)
    else:
        diags.append(make(codes.MISSING_FILE, Position(coops_path, 1, 1), name="coops.yaml",
                          expected="the directory of cooperatives, next to zine.yaml"))
    description = fields.text("description")
    return Zine(
        root=root, title=fields.required_text("title"),
        publisher=fields.required_text("publisher"), url=fields.required_text("url"),
        language=fields.required_text("language"), license=fields.required_text("license"),
        coops=coops, issues=(), where=fields.located(),
        extra={"description": description} if description else {},
    )


def load_coops(path: Path, diags: list[Diagnostic]) -> dict[str, Coop]:
    directory = load_yaml_file(path, "coops.yaml", diags)
    coops: dict[str, Coop] = {}
    for coop_id in directory.map.items:
        fields = directory.sub(coop_id, f"coop {coop_id!r}")
        fields.check_keys(COOP_KEYS, COOP_REQUIRED)
        coops[coop_id] = Coop(
            id=coop_id, name=fields.required_text("name"), country=fields.text("country"),
            url=fields.text("url"), description=fields.text("description"),
            where=Located(directory.map.keys[coop_id], dict(fields.map.values)),
            fediverse=fields.text("fediverse"),
        )
    return coops


def empty_zine(root: Path) -> Zine:
    """The stand-in publication for a lone article outside any zine repository."""
    return Zine(root=root, title="", publisher="", url="", language="", license="", coops={},
                issues=(), where=Located(Position(root, 1, 1)))


def load_lone_articles(paths: Sequence[Path], zine: Zine,
                       diags: list[Diagnostic]) -> Issue:
    """Articles outside ``issues/<id>/articles/``, in a stand-in issue with id ``""``."""
    articles = []
    for path in paths:
        slug = path.parent.name if path.name == "index.md" else path.stem
        source = ArticleFile(slug, path, path.parent)
        articles.append(load_article(source, zine.language, zine.license, diags))
    folder = paths[0].parent if paths else zine.root
    return Issue(id="", path=folder, number=None, title="", date=None, language=zine.language,
                 description="", editors=(), license=zine.license, cover=None,
                 articles=tuple(articles), sections=(Section(None, tuple(articles)),),
                 where=Located(Position(folder, 1, 1)))


def load_project(root: Path, only: Sequence[Path] | None = None, *,
                 parse: BodyParser | None = None) -> tuple[Zine, list[Diagnostic]]:
    """The whole zine (or the issue folders and article files in ``only``) and its problems;
    ``parse`` parses the article bodies when not ``parse_body`` (``BodyParser``: the build
    hands in its cache's).

    zine.yaml and coops.yaml are always loaded. ``only`` may name issue folders, article files
    (their issue's defaults apply) and .md files elsewhere in the repository (zine defaults).
    """
    root = Path(os.path.abspath(root))
    diags: list[Diagnostic] = []
    zine = load_zine(root, diags)
    scope = plan_scope(root, only)
    issues = []
    for folder in _issue_folders(root / "issues", diags):
        if scope.issues is None or folder.name in scope.issues:
            issues.append(load_issue(folder, zine, None, diags, parse))
        elif folder.name in scope.articles:
            issues.append(load_issue(folder, zine, scope.articles[folder.name], diags, parse))
    if scope.lone:
        issues.append(load_lone_articles(scope.lone, zine, diags))
    link_scope: tuple[Issue, ...] = ()
    if scope.issues is not None:  # part of the repository: the rest only to resolve links
        quiet: list[Diagnostic] = []
        link_scope = tuple(load_issue(folder, zine, None, quiet, parse)
                           for folder in _issue_folders(root / "issues", quiet))
    return replace(zine, issues=tuple(issues), link_scope=link_scope), diags


def _issue_folders(issues_dir: Path, diags: list[Diagnostic]) -> list[Path]:
    if not issues_dir.is_dir():
        return []
    try:
        return sorted(p for p in issues_dir.iterdir()
                      if p.is_dir() and not p.name.startswith("."))
    except OSError as error:
        diags.append(make(codes.UNREADABLE, Position(issues_dir, 1, 1),
                          reason=error.strerror or str(error)))
        return []


def plan_scope(root: Path, only: Sequence[Path] | None) -> Scope:
    """Sort the paths named on the command line into whole issues, articles and lone files."""
    if not only:
        return Scope()
    issues_dir = (root / "issues").resolve()
    whole: set[str] | None = set()
    articles: dict[str, set[Path]] = {}
    lone: list[Path] = []
    for given in only:
        path = given.resolve()
        if path.is_dir() and path.name != "articles" and (path / "index.md").is_file():
            path = path / "index.md"
        parts = path.relative_to(issues_dir).parts if issues_dir in path.parents else ()
        if path in (root.resolve(), issues_dir):
            whole = None
        elif path.suffix == ".md" and path.is_file():
            if _is_article_path(parts):
                articles.setdefault(parts[0], set()).add(path)
            else:
                lone.append(path)
        elif parts and (path.is_dir() or path.name == "issue.yaml"):
            if whole is not None:
                whole.add(parts[0])
        else:
            raise UsageError(f"zine check: {given} is not an issue folder or a .md file")
    return Scope(None if whole is None else frozenset(whole),
                 {k: frozenset(v) for k, v in articles.items()}, tuple(lone))


def _is_article_path(parts: tuple[str, ...]) -> bool:
    """issues/<id>/articles/<slug>.md or issues/<id>/articles/<slug>/index.md"""
    if len(parts) == 3 and parts[1] == "articles":
        return True
    return len(parts) == 4 and parts[1] == "articles" and parts[3] == "index.md"
