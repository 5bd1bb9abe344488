"""Command support for ``zine new issue|article``: write a new issue.yaml or article file.

Called by ``zine.cli`` only. Reads the repository through ``zine.load.loader`` (to know the issues,
their numbers and the coops) and writes one new file (plus its folder), never overwriting
one; a new article is also appended to the issue's ``contents`` when issue.yaml has one.
What it writes passes ``zine check`` as it is; a refusal is a ``UsageError`` saying why.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import time
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

from zine.check.run import ID_PATTERN, valid_language
from zine.diagnostics import Diagnostic
from zine.errors import UsageError
from zine.load.loader import MAX_YAML_FILE, load_project, load_zine, read_text
from zine.load.project import find_root
from zine.load.schema import did_you_mean
from zine.load.yamlstrict import YList, YMap, parse_yaml
from zine.model import Zine
from zine.safety.writer import write_text

log = logging.getLogger(__name__)

ARTICLE_BODY = "Write your article here, in Markdown.\n"


def new_issue(args: argparse.Namespace, root: Path | None) -> Path:
    """``issues/<id>/issue.yaml`` with number, title, date and language filled in."""
    repo = find_root([], root)
    zine, _ = load_project(repo)  # problems in other issues are zine check's business
    title = clean_text(args.title, "--title")
    numbers = {issue.number for issue in zine.issues if issue.number is not None}
    number = args.number if args.number is not None else max(numbers, default=0) + 1
    if number < 1 or number in numbers:
        raise UsageError(f"zine new issue: number {number} is "
                         f"{'already used' if number in numbers else 'not a positive number'}")
    issue_id = args.id or f"{number:02d}-{make_slug(title)}"
    _check_id(issue_id, "issue id")
    folder = repo / "issues" / issue_id
    if folder.exists() or casefold_clash(repo / "issues", issue_id):
        raise UsageError(f"zine new issue: issues/{issue_id} already exists")
    language = checked_language(args.language or zine.language or "en")
    lines = [
        f"number: {number}",
        f"title: {yaml_string(title)}",
        f"date: {issue_date_option(args.date).isoformat()}",
        f"language: {language}",
        "# An article written in Word or LibreOffice: zine import FILE.docx "
        f"{issue_id} (see CONTRIBUTING.md)",
    ]
    path = write_text(repo, Path("issues", issue_id, "issue.yaml"), "\n".join(lines) + "\n")
    (folder / "articles").mkdir(exist_ok=True)
    return path


def new_article(args: argparse.Namespace, root: Path | None) -> Path:
    """``issues/<issue>/articles/<slug>.md`` with its front matter filled in."""
    repo = find_root([], root)
    zine = load_zine(repo, [])
    issue_dir = repo / "issues" / str(args.issue)
    if not ID_PATTERN.fullmatch(str(args.issue)) or not (issue_dir / "issue.yaml").is_file():
        known = sorted(p.parent.name for p in (repo / "issues").glob("*/issue.yaml"))
        raise UsageError(f"zine new article: no issue {args.issue!r}"
                         f"{did_you_mean(str(args.issue), known)}")
    title = clean_text(args.title, "--title")
    slug = args.slug or make_slug(title)
    _check_id(slug, "slug")
    articles = issue_dir / "articles"
    if (articles / f"{slug}.md").exists() or (articles / slug).exists() \
            or casefold_clash(articles, slug):
        raise UsageError(f"zine new article: an article {slug!r} already exists in "
                         f"{args.issue}")
    lines = ["---", f"title: {yaml_string(title)}", "authors:"]
    lines += author_lines(args.author, args.coop, zine)
    if args.language:
        lines.append(f"language: {checked_language(args.language)}")
    lines += ["---", "", ARTICLE_BODY]
    path = write_text(repo, Path("issues", str(args.issue), "articles", f"{slug}.md"),
                      "\n".join(lines))
    _add_to_contents(repo, issue_dir / "issue.yaml", slug)
    return path


def _add_to_contents(repo: Path, issue_yaml: Path, slug: str) -> None:
    """Append ``slug`` to a ``contents`` list that ends issue.yaml, so the issue stays clean.

    The edit is textual (comments and layout are kept) and verified by parsing the result;
    when ``contents`` is written some other way, the editor is told to add the article.
    """
    diags: list[Diagnostic] = []
    text = read_text(issue_yaml, MAX_YAML_FILE, "issue.yaml", diags)
    before, problems = parse_yaml(text or "", issue_yaml)
    if text is None or problems or not isinstance(before, YMap) \
            or "contents" not in before.items:
        return
    contents = before.items["contents"]
    if isinstance(contents, YList) and contents.positions:
        indent = " " * max(contents.positions[-1].col - 3, 0)
        changed = text.rstrip("\n") + f"\n{indent}- {slug}\n"
        after, problems = parse_yaml(changed, issue_yaml)
        if not problems and isinstance(after, YMap) and _appended(before, after, slug):
            write_text(repo, issue_yaml.relative_to(repo), changed)
            return
    log.warning("%s: add %r to contents by hand", issue_yaml, slug)


def _appended(before: YMap, after: YMap, slug: str) -> bool:
    old, new = before.items["contents"], after.items.get("contents")
    if not isinstance(old, YList) or not isinstance(new, YList):
        return False
    same_rest = {k: v for k, v in before.items.items() if k != "contents"} == \
        {k: v for k, v in after.items.items() if k != "contents"}
    return same_rest and new.items == [*old.items, slug]


def author_lines(names: list[str], coops: list[str], zine: Zine,
                  command: str = "zine new article") -> list[str]:
    if len(coops) > len(names):
        raise UsageError(f"{command}: more --coop than --author options; give each "
                         "coop after its author")
    lines = []
    for index, name in enumerate(names):
        lines.append(f"  - name: {yaml_string(clean_text(name, '--author'))}")
        if index < len(coops) and coops[index]:
            coop = coops[index]
            if coop not in zine.coops:
                raise UsageError(f"{command}: unknown coop {coop!r}"
                                 f"{did_you_mean(coop, zine.coops)} (see coops.yaml)")
            lines.append(f"    coop: {coop}")
    return lines


def make_slug(title: str) -> str:
    """An ASCII slug from a title: 'Coopérer sans frontières' -> 'cooperer-sans-frontieres'."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise UsageError(f"cannot make a slug from {title!r}: pass --slug (lowercase letters, "
                         "digits and hyphens)")
    return slug[:60].rstrip("-")


def clean_text(value: str, option: str) -> str:
    text = unicodedata.normalize("NFC", value).strip()
    if not text:
        raise UsageError(f"{option} must not be empty")
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf")
           and c not in ("\u200c", "\u200d")]
    if bad:
        raise UsageError(f"{option} contains the control or format character "
                         f"U+{ord(bad[0]):04X}")
    return text


def _check_id(value: str, what: str) -> None:
    if not ID_PATTERN.fullmatch(value):
        raise UsageError(f"{what} {value!r}: use lowercase letters, digits and hyphens, "
                         "starting with a letter or digit")


def checked_language(tag: str) -> str:
    if not valid_language(tag):
        raise UsageError(f"--language {tag!r} is not a BCP 47 language tag (e.g. en, pt-BR)")
    return tag


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def issue_date_option(given: str | None) -> date:
    if given:
        try:
            return date.fromisoformat(given)
        except ValueError:
            raise UsageError(f"--date {given!r}: expected YYYY-MM-DD") from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return datetime.fromtimestamp(seconds, UTC).date()


def casefold_clash(folder: Path, name: str) -> bool:
    if not folder.is_dir():
        return False
    return any(p.name.removesuffix(".md").casefold() == name.casefold()
               for p in folder.iterdir())
