"""Build orchestration: load -> check -> render -> editions, for the issues asked for.

This module decides *what* is built and in which order; it reads no content files itself (the
loader does) and writes nothing itself (editions write through ``zine.writer``). An issue with
errors (or, with ``--strict``, warnings) is not rendered at all, so its previous editions stay
in place. Problems in ``zine.yaml`` or ``coops.yaml`` stop every issue.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zine.diagnostics import Diagnostic, has_errors, make
from zine.errors import ContentError, UsageError
from zine.model import Issue, Position, Zine

if TYPE_CHECKING:
    from zine.render import RenderedIssue

log = logging.getLogger(__name__)

# EPUB and PDF come before HTML: the issue page links them with their file sizes.
EDITION_ORDER = ("epub", "pdf", "booklet", "html")

Progress = Callable[[str, str], None]


@dataclass
class BuildResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    built: list[str] = field(default_factory=list)  # issue ids whose editions were all written
    failed: list[str] = field(default_factory=list)


def select_issues(zine: Zine, wanted: Sequence[str]) -> list[Issue]:
    """The issues named on the command line (all when none), or a usage error."""
    by_id = {issue.id: issue for issue in zine.issues}
    unknown = [name for name in wanted if name not in by_id]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(by_id), n=1)
            hints.append(f"{name!r}" + (f" (did you mean {close[0]!r}?)" if close else ""))
        known = ", ".join(sorted(by_id)) or "none"
        raise UsageError(f"unknown issue {', '.join(hints)}; issues: {known}")
    if not wanted:
        return list(zine.issues)
    return [by_id[name] for name in dict.fromkeys(wanted)]


def _belongs_to(diag: Diagnostic, issue: Issue) -> bool:
    issue_dir = os.path.abspath(issue.path)
    return os.path.abspath(diag.pos.path).startswith(issue_dir + os.sep)


def _blocking(diags: Sequence[Diagnostic], strict_mode: bool) -> bool:
    return has_errors(diags) or (strict_mode and bool(diags))


def build_project(
    issue_ids: Sequence[str],
    *,
    formats: Sequence[str],
    out_dir: Path,
    root: Path | None = None,
    strict_mode: bool = False,
    quiet: bool = False,
    progress: Progress | None = None,
) -> BuildResult:
    """Build ``formats`` of the issues named (all when none) into ``out_dir``.

    ``progress(stage, detail)`` is called as work starts: ("issue", id), ("render", id),
    ("edition", "<id> <name>"), ("site", ""), so the CLI can show where a long build is.
    """
    report = progress or (lambda stage, detail: None)
    from zine.checks import check_zine
    from zine.loader import load_project
    from zine.project import find_root

    root_dir = find_root([], root)
    zine, diags = load_project(root_dir)
    diags = diags + check_zine(zine)
    result = BuildResult(diagnostics=list(diags))
    issues = select_issues(zine, issue_ids)
    issue_dirs = [os.path.abspath(i.path) + os.sep for i in zine.issues]
    global_diags = [d for d in diags
                    if not any(os.path.abspath(d.pos.path).startswith(p) for p in issue_dirs)]
    if _blocking(global_diags, strict_mode):
        result.failed = [issue.id for issue in issues]
        return result
    rendered_issues = []
    for issue in issues:
        report("issue", issue.id)
        rendered = build_issue(zine, issue, formats, out_dir, strict_mode, diags, result,
                               report)
        if rendered is not None:
            rendered_issues.append(rendered)
    if "html" in formats and rendered_issues:
        from zine.editions.html import render_site

        report("site", "")
        result.outputs += render_site(zine, rendered_issues, out_dir)
    return result


def build_issue(zine: Zine, issue: Issue, formats: Sequence[str], out_dir: Path,
                strict_mode: bool, diags: Sequence[Diagnostic],
                result: BuildResult, report: Progress) -> RenderedIssue | None:
    """Render one issue and write its editions; returns the RenderedIssue, or None on failure."""
    from zine.editions import registry
    from zine.render import render_issue

    own = [d for d in diags if _belongs_to(d, issue)]
    if _blocking(own, strict_mode):
        result.failed.append(issue.id)
        return None
    if not issue.published:
        result.diagnostics.append(make("Z505", issue.where.pos, issue=issue.id))
        result.failed.append(issue.id)
        return None
    report("render", issue.id)
    rendered, render_diags = render_issue(zine, issue)
    result.diagnostics += render_diags
    if _blocking(render_diags, strict_mode):
        result.failed.append(issue.id)
        return None
    renderers = registry()
    for name in EDITION_ORDER:
        if name not in formats:
            continue
        if name not in renderers:
            raise UsageError(f"the {name} edition is not available yet")
        report("edition", f"{issue.id} {name}")
        try:
            result.outputs += renderers[name](rendered, out_dir)
        except ContentError as error:
            result.diagnostics += list(getattr(error, "diagnostics", []))
            if not getattr(error, "diagnostics", None):
                result.diagnostics.append(make("Z503", Position(issue.path / "issue.yaml"),
                                               edition=name, message=str(error)))
            result.failed.append(issue.id)
            return None
    result.built.append(issue.id)
    return rendered
