"""Command support for translations: ``zine new translation``, ``zine translation status`` and
``zine translation mark-current``.

Called by ``zine.cli`` only. Reads the repository through ``zine.load.loader`` and, to show what an
original changed since its translation, the original's earlier versions through ``git`` (the
digest a translation records, ``translated_from``, names the text it was made from; git keeps
that text). Writes one article file per command, through ``zine.safety.writer``, never overwriting a
file ``zine new translation`` did not make; a refusal is a ``UsageError`` saying why.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from zine.check.run import valid_language
from zine.commands.new import author_lines, casefold_clash, yaml_string
from zine.diagnostics import Diagnostic
from zine.errors import UsageError
from zine.load.loader import load_article, load_project, split_front_matter
from zine.load.project import find_root
from zine.load.schema import did_you_mean
from zine.load.sources import ArticleFile
from zine.load.yamlstrict import parse_yaml
from zine.model import Article, Issue, Zine, content_digest
from zine.safety.writer import write_text

CONTEXT_WORDS = 4  # words shown around each change by ``status``


@dataclass(frozen=True)
class Status:
    """One translation and whether its original changed since it was made."""

    issue: Issue
    translation: Article
    original: Article
    current: str  # the original's digest now

    @property
    def state(self) -> str:
        if not self.translation.translated_from:
            return "unrecorded"
        return "current" if self.translation.translated_from == self.current else "stale"


def new_translation(repo: Path, issue_id: str, slug: str, language: str,
                    translators: Sequence[str], new_slug: str | None = None) -> Path:
    """``issues/<issue>/articles/<slug>-<language>.md``: the original's front matter (title,
    subtitle and summary to translate) with ``language``, ``translation_of``, the translators
    and ``translated_from`` filled in, and the original's body for the translator to replace."""
    zine, _ = load_project(repo)
    issue = _issue(zine, issue_id, "zine new translation")
    original = _article(issue, slug, "zine new translation")
    if original.translation_of:
        raise UsageError(f"zine new translation: {slug!r} is a translation of "
                         f"{original.translation_of!r}; translate the original")
    if not valid_language(language):
        raise UsageError(f"zine new translation: --language {language!r} is not a BCP 47 "
                         "language tag (e.g. de, pt-BR)")
    if language == original.language:
        raise UsageError(f"zine new translation: {slug!r} is already in {language!r}")
    group = issue.group_of(slug)
    if group is not None and any(a.language == language for a in group.translations):
        other = next(a for a in group.translations if a.language == language)
        raise UsageError(f"zine new translation: {slug!r} already has a translation into "
                         f"{language!r}: {other.slug}")
    target = new_slug or f"{slug}-{language.lower()}"
    articles = issue.path / "articles"
    if (articles / f"{target}.md").exists() or (articles / target).exists() \
            or casefold_clash(articles, target):
        raise UsageError(f"zine new translation: an article {target!r} already exists in "
                         f"{issue.id}; pass --slug")
    text = _translation_text(zine, original, language, translators)
    return write_text(repo, Path("issues", issue.id, "articles", f"{target}.md"), text)


def _translation_text(zine: Zine, original: Article, language: str,
                      translators: Sequence[str]) -> str:
    lines = ["---", "# Translate the title, subtitle and summary, and replace the body below.",
             f"title: {yaml_string(_as_written(original, 'title'))}"]
    if original.subtitle:
        lines.append(f"subtitle: {yaml_string(_as_written(original, 'subtitle'))}")
    lines.append("authors:")
    for author in original.authors:
        lines.append(f"  - name: {yaml_string(author.name)}")
        if author.coop:
            lines.append(f"    coop: {author.coop}")
    lines.append(f"language: {language}")
    if "license" in original.where.fields:
        lines.append(f"license: {original.license}")
    if original.summary:
        lines.append(f"summary: {yaml_string(_as_written(original, 'summary'))}")
    if original.tags:
        lines.append("tags: [" + ", ".join(yaml_string(t) for t in original.tags) + "]")
    lines.append(f"translation_of: {original.slug}")
    if translators:
        lines.append("translators:")
        lines += author_lines(list(translators), [], zine, "zine new translation")
    lines.append(f'translated_from: "{content_digest(original)}"')
    lines.append("---")
    return "\n".join(lines) + "\n\n" + original.source.lstrip("\n")


def _as_written(article: Article, key: str) -> str:
    """A front-matter text as the file has it (the model's has smart quotes applied)."""
    text = article.path.read_text("utf-8")
    front, _, _ = split_front_matter(text, article.path, [])
    value, _ = parse_yaml(front or "", article.path)
    written = getattr(value, "items", {}).get(key)
    return written if isinstance(written, str) else str(getattr(article, key))


def translation_statuses(repo: Path) -> list[Status]:
    """Every translation of the repository, in issue and reading order."""
    zine, _ = load_project(repo)
    found = []
    for issue in zine.issues:
        by_slug = {a.slug: a for a in issue.articles}
        for article in issue.articles:
            original = by_slug.get(article.translation_of)
            if original is not None and not original.translation_of:
                found.append(Status(issue, article, original, content_digest(original)))
    return found


def status_report(repo: Path) -> Iterator[str]:
    """``zine translation status``: each translation's state and, for a stale one, the
    words its original changed since (from the original's version in git that has the
    recorded digest)."""
    statuses = translation_statuses(repo)
    if not statuses:
        yield "no translations"
    for status in statuses:
        where = status.translation.path.relative_to(repo).as_posix()
        name = f"{where} ({status.translation.language}, of {status.original.slug})"
        if status.state == "current":
            yield f"{name}: up to date"
            continue
        if status.state == "unrecorded":
            yield (f"{name}: no translated_from record; once it matches {status.original.slug},"
                   f" run: zine translation mark-current {status.translation.slug}")
            continue
        yield f"{name}: the original changed since this translation"
        earlier = earlier_version(repo, status.original, status.translation.translated_from)
        if earlier is None:
            yield ("  the text it was translated from is not in git history; compare "
                   f"{status.original.path.relative_to(repo).as_posix()} by hand")
        else:
            yield from (f"  {line}" for line in word_changes(_words(earlier),
                                                             _words(status.original)))
        yield f"  then run: zine translation mark-current {status.translation.slug}"


def _words(article: Article) -> list[str]:
    return " ".join((article.title, article.subtitle, article.summary, article.source)).split()


def word_changes(before: Sequence[str], after: Sequence[str]) -> list[str]:
    """One line per changed stretch: ``... context [-removed-] {+added+} context ...``."""
    lines = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        left = " ".join(before[max(0, i1 - CONTEXT_WORDS):i1])
        right = " ".join(after[j2:j2 + CONTEXT_WORDS])
        change = []
        if i2 > i1:
            change.append(f"[-{' '.join(before[i1:i2])}-]")
        if j2 > j1:
            change.append(f"{{+{' '.join(after[j1:j2])}+}}")
        lines.append(" ".join(part for part in ("..." if left else "", left, *change, right,
                                                "..." if right else "") if part))
    return lines or ["(only spacing or line breaks changed)"]


def earlier_version(repo: Path, original: Article, digest: str) -> Article | None:
    """The original as committed in a version whose digest is ``digest``, from git history
    (newest first); None without git, outside a repository or when no version matches."""
    try:
        top = subprocess.run(["git", "-C", str(repo), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=True).stdout.strip()
        relative = original.path.resolve().relative_to(Path(top).resolve()).as_posix()
        commits = subprocess.run(["git", "-C", top, "log", "--format=%H", "--", relative],
                                 capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError, ValueError):
        return None
    for commit in commits:
        shown = subprocess.run(["git", "-C", top, "show", f"{commit}:{relative}"],
                               capture_output=True, check=False)
        if shown.returncode != 0:
            continue
        version = _load_version(original, shown.stdout)
        if version is not None and content_digest(version) == digest:
            return version
    return None


def _load_version(original: Article, data: bytes) -> Article | None:
    """``data`` read as the article file of ``original`` (the same loader, so the digest is
    computed the same way)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / original.path.name
        path.write_bytes(data)
        diags: list[Diagnostic] = []
        return load_article(ArticleFile(original.slug, path, Path(folder)), original.language,
                            original.license, diags)


_TRANSLATED_FROM = re.compile(r"^translated_from:.*$", re.MULTILINE)


def mark_current(repo: Path, slug: str, issue_id: str | None = None) -> Path:
    """Record the original's digest now as ``translated_from`` of translation ``slug``: the
    front matter is edited as text (comments and layout kept) and the result verified by
    loading it again."""
    statuses = [s for s in translation_statuses(repo)
                if s.translation.slug == slug and issue_id in (None, s.issue.id)]
    if not statuses:
        known = sorted({s.translation.slug for s in translation_statuses(repo)})
        raise UsageError(f"zine translation mark-current: no translation {slug!r}"
                         f"{did_you_mean(slug, known)}")
    if len(statuses) > 1:
        raise UsageError(f"zine translation mark-current: {slug!r} is in several issues "
                         f"({', '.join(s.issue.id for s in statuses)}); pass --issue")
    status = statuses[0]
    path = status.translation.path
    text = path.read_text("utf-8")
    line = f'translated_from: "{status.current}"'
    front_end = _front_matter_end(text)
    if front_end < 0:
        raise UsageError(f"zine translation mark-current: {path} has no front matter")
    front, rest = text[:front_end], text[front_end:]
    front = _TRANSLATED_FROM.sub(line, front, count=1) if _TRANSLATED_FROM.search(front) \
        else front + line + "\n"
    changed = front + rest
    _verify(status, path, changed.encode("utf-8"))
    return write_text(repo, path.relative_to(repo), changed)


def _front_matter_end(text: str) -> int:
    """The offset of the line that closes the front matter, or -1."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return -1
    offset = len(lines[0]) + 1
    for line in lines[1:]:
        if line.rstrip() in ("---", "..."):
            return offset
        offset += len(line) + 1
    return -1


def _verify(status: Status, path: Path, data: bytes) -> None:
    edited = _load_version(status.translation, data)
    if edited is None or edited.translated_from != status.current \
            or edited.source != status.translation.source:
        raise UsageError(f"zine translation mark-current: could not edit {path} safely; set "
                         f'translated_from: "{status.current}" by hand')


def _issue(zine: Zine, issue_id: str, command: str) -> Issue:
    by_id = {issue.id: issue for issue in zine.issues}
    if issue_id not in by_id:
        raise UsageError(f"{command}: no issue {issue_id!r}{did_you_mean(issue_id, by_id)}")
    return by_id[issue_id]


def _article(issue: Issue, slug: str, command: str) -> Article:
    by_slug = {a.slug: a for a in issue.articles}
    if slug not in by_slug:
        raise UsageError(f"{command}: no article {slug!r} in {issue.id}"
                         f"{did_you_mean(slug, by_slug)}")
    return by_slug[slug]


def find_repo(root: Path | None) -> Path:
    return find_root([], root)
