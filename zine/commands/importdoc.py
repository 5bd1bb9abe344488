"""Command support for ``zine import FILE ISSUE``: convert, build the front matter, check, write.

Called by ``zine.cli`` only. The conversion is ``zine.docimport.convert``'s; this module resolves
the issue and the options (the command's options win over the document's own metadata), writes the
front matter as ``zine.commands.new`` does, checks the staged article with the loader and
``zine.check.run`` before it is put in place, and returns every diagnostic for the CLI to print.
The article is staged in a hidden folder beside its final place (every file fsynced) and
renamed into ``articles/<slug>/`` in one step: a front-matter problem, a crash or a name that
appeared meanwhile leaves no partial article, and nothing is ever overwritten.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from zine.check.run import check_article
from zine.commands.new import (
    _add_to_contents,
    _check_id,
    author_lines,
    checked_language,
    clean_text,
    make_slug,
    yaml_string,
)
from zine.diagnostics import Diagnostic, codes, display_path, has_errors
from zine.docimport.archive import ImportFailure, fail
from zine.docimport.convert import ImportOptions, convert_document
from zine.errors import UsageError
from zine.load.loader import load_article, load_issue, load_zine
from zine.load.project import find_root
from zine.load.schema import did_you_mean
from zine.load.sources import ArticleFile
from zine.safety.writer import write_all


def import_document(document: Path, issue_id: str, options: ImportOptions,
                    root: Path | None) -> tuple[Path | None, list[Diagnostic]]:
    """The article written (or None) and the diagnostics; ImportFailure when nothing is."""
    repo = find_root([], root)
    zine = load_zine(repo, [])
    issue_dir = repo / "issues" / issue_id
    if not (issue_dir / "issue.yaml").is_file():
        known = sorted(p.parent.name for p in (repo / "issues").glob("*/issue.yaml"))
        raise UsageError(f"zine import: no issue {issue_id!r}{did_you_mean(issue_id, known)}")
    if document.suffix.lower() not in (".docx", ".odt"):
        raise UsageError(f"zine import: {document} is not a .docx or .odt file")
    _archive, converted, meta = convert_document(document)
    if not (options.title or converted.title).strip():
        raise fail(codes.IMPORT_NO_TITLE, document)
    title = clean_text(options.title or converted.title, "--title")
    authors = list(options.authors) or ([meta["author"]] if meta.get("author") else [])
    if not authors:
        raise fail(codes.IMPORT_NO_AUTHOR, document)
    slug = options.slug or make_slug(title)
    _check_id(slug, "slug")
    articles = issue_dir / "articles"
    folder = articles / slug
    for taken in (folder, articles / f"{slug}.md"):
        if taken.exists():
            raise fail(codes.IMPORT_EXISTS, document, target=display_path(taken))
    lines = ["---", f"title: {yaml_string(title)}", "authors:"]
    lines += author_lines(authors, list(options.coops), zine, "zine import")
    language = options.language or meta.get("language")
    if language:
        lines.append(f"language: {checked_language(language)}")
    text = "\n".join([*lines, "---", "", converted.markdown.strip(), ""])
    staging = stage_article(folder, text, converted.images)
    try:
        found = _check_staged(staging, slug, issue_dir, zine)
        if has_errors(d for d in found if d.pos.line <= len(lines)):
            raise ImportFailure(relocate(found, staging, folder)[0])
        publish(staging, folder, document)
        _add_to_contents(repo, issue_dir / "issue.yaml", slug)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return folder / "index.md", converted.diags + relocate(found, staging, folder)


def _check_staged(staging: Path, slug: str, issue_dir: Path, zine: object) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    issue = load_issue(issue_dir, zine, frozenset(), diags)  # type: ignore[arg-type]
    found: list[Diagnostic] = []
    article = load_article(ArticleFile(slug, staging / "index.md", staging), issue.language,
                           issue.license, found)
    found += check_article(article, zine.coops)  # type: ignore[attr-defined]
    return found


def stage_article(folder: Path, text: str, images: dict[str, bytes]) -> Path:
    """A hidden staging folder beside ``folder`` holding the article; the caller renames it."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".{folder.name}.import-"))
    os.chmod(staging, 0o755)
    try:  # zine.safety.writer: each file written, fsynced and renamed in (0644); names are ours
        write_all(staging, sorted({"index.md": text.encode("utf-8"), **images}.items()))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def publish(staging: Path, folder: Path, document: Path) -> None:
    """Rename the staged folder into place; refuses when ``folder`` appeared meanwhile."""
    if not folder.exists():
        with contextlib.suppress(OSError):  # it appeared between the test and the rename
            os.rename(staging, folder)
    if staging.exists():
        shutil.rmtree(staging)
        raise fail(codes.IMPORT_EXISTS, document, target=display_path(folder))


def relocate(diags: list[Diagnostic], staging: Path, folder: Path) -> list[Diagnostic]:
    """Diagnostics about staged files, pointed at the files' final paths."""
    moved = []
    for diag in diags:
        try:
            rest = diag.pos.path.relative_to(staging)
        except ValueError:
            moved.append(diag)
            continue
        moved.append(replace(diag, pos=replace(diag.pos, path=folder / rest)))
    return moved
