"""Build orchestration: load -> check -> render -> editions, for the issues asked for.

This module decides *what* is built, in which order and in which process; it reads no content
files itself (the loader does) and writes nothing itself (editions write through
``zine.writer``, the cache under ``<out>/.cache/`` through ``zine.cache``). An issue with
errors (or, with ``--strict``, warnings) is not rendered at all, so its previous editions stay
in place. Problems in ``zine.yaml`` or ``coops.yaml`` stop every issue.

Speed: a build whose inputs and outputs did not change since the last successful one is
skipped whole (``zine.cache``); otherwise EPUB and PDF run in forked worker processes (the
slowest first; the PDF edition forks its own workers for its parts and keeps them in the cache
too), the booklet after the PDF in the same worker (it imposes the PDF just made), and HTML
follows once the editions it links to are written.
"""

from __future__ import annotations

import difflib
import logging
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from zine.diagnostics import Diagnostic, has_errors, make
from zine.errors import ContentError, UsageError
from zine.model import Issue, Position, Zine

if TYPE_CHECKING:
    from concurrent.futures import Future

    from zine.render import MediaCache, RenderedIssue

log = logging.getLogger(__name__)

# EPUB and PDF come before HTML: the issue page links them with their file sizes.
EDITION_ORDER = ("epub", "pdf", "booklet", "html")
LAST = ("html",)  # editions that need the others written first
SLOWEST_FIRST = ("pdf", "booklet", "epub")  # the order parallel work is handed out
MAX_WORKERS = 4

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
    progress: Progress | None = None,
    use_cache: bool = True,
    edition_options: Mapping[str, Mapping[str, object]] | None = None,
) -> BuildResult:
    """Build ``formats`` of the issues named (all when none) into ``out_dir``.

    ``progress(stage, detail)`` is called as work starts: ("issue", id), ("render", id),
    ("edition", "<id> <name>"), ("site", ""), so the CLI can show where a long build is.
    With ``use_cache`` (the default) a build whose inputs and outputs are unchanged since the
    last successful one is skipped (``zine.cache``), and processed images are reused.
    ``edition_options`` are keyword arguments for one edition's renderer, e.g.
    ``{"booklet": {"crop_marks": True}}``.
    """
    options_by_edition = {name: dict(values) for name, values in (edition_options or {}).items()}
    report = progress or (lambda stage, detail: None)
    from zine.project import find_root

    root_dir = find_root([], root)
    key = None
    if use_cache:
        from zine.cache import build_key, load_record

        options = {"issues": list(issue_ids), "formats": list(formats), "strict": strict_mode,
                   "editions": options_by_edition}
        key = build_key(root_dir, out_dir, options)
        record = load_record(out_dir, root_dir, key)
        if record is not None:
            log.debug("nothing changed since the last build: skipped")
            return BuildResult(diagnostics=record.diagnostics, outputs=record.outputs,
                               built=record.built)
    _OPTIONS.clear()
    _OPTIONS.update(options_by_edition)
    if use_cache:  # laid-out PDF parts are kept under <out>/.cache/ as well
        for name in ("pdf", "booklet"):
            _OPTIONS[name] = {**_OPTIONS.get(name, {}), "use_cache": True}
    try:
        result = _build(root_dir, issue_ids, formats, out_dir, strict_mode, report, use_cache)
    finally:
        _OPTIONS.clear()
    if key is not None and not result.failed:
        from zine.cache import Record, save_record

        save_record(out_dir, root_dir, Record(key, result.outputs, result.diagnostics,
                                              result.built))
    return result


def _build(root_dir: Path, issue_ids: Sequence[str], formats: Sequence[str], out_dir: Path,
           strict_mode: bool, report: Progress, use_cache: bool) -> BuildResult:
    """Load, check, render every issue asked for, then write their editions."""
    from zine.cache import MediaStore
    from zine.checks import check_zine
    from zine.loader import load_project

    zine, diags = load_project(root_dir)
    media_cache = MediaStore(out_dir) if use_cache else None
    # an image whose processed copy is in the cache was decoded whole by this same code
    diags = diags + check_zine(zine, media_cache.has if media_cache is not None else None)
    result = BuildResult(diagnostics=list(diags))
    issues = select_issues(zine, issue_ids)
    issue_dirs = [os.path.abspath(i.path) + os.sep for i in zine.issues]
    global_diags = [d for d in diags
                    if not any(os.path.abspath(d.pos.path).startswith(p) for p in issue_dirs)]
    if _blocking(global_diags, strict_mode):
        result.failed = [issue.id for issue in issues]
        return result
    _available(formats)
    ready: list[RenderedIssue] = []
    for issue in issues:
        report("issue", issue.id)
        rendered = prepare_issue(zine, issue, strict_mode, diags, result, report, media_cache)
        if rendered is not None:
            ready.append(rendered)
    rendered_issues = write_editions(ready, formats, out_dir, result, report)
    if "html" in formats and rendered_issues:
        from zine.editions.html import render_site

        report("site", "")
        result.outputs += render_site(zine, rendered_issues, out_dir)
    if media_cache is not None and not result.failed:
        media_cache.prune()
    return result


def _available(formats: Sequence[str]) -> None:
    from zine.editions import registry

    renderers = registry()
    for name in EDITION_ORDER:
        if name in formats and name not in renderers:
            raise UsageError(f"the {name} edition is not available yet")


def prepare_issue(zine: Zine, issue: Issue, strict_mode: bool, diags: Sequence[Diagnostic],
                  result: BuildResult, report: Progress,
                  media_cache: MediaCache | None = None) -> RenderedIssue | None:
    """Check and render one issue; None (and the issue in ``result.failed``) if it cannot be."""
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
    rendered, render_diags = render_issue(zine, issue, media_cache)
    result.diagnostics += render_diags
    if _blocking(render_diags, strict_mode):
        result.failed.append(issue.id)
        return None
    return rendered


# -- editions, in parallel processes ------------------------------------------------------------

Outcome = tuple[list[Path], list[Diagnostic], bool]  # written, diagnostics, succeeded
_FORKED: list[RenderedIssue] = []  # what forked workers find: set before the pool starts
_OPTIONS: dict[str, dict[str, object]] = {}  # edition -> renderer keyword arguments, likewise


def run_edition(rendered: RenderedIssue, name: str, out_dir: Path) -> Outcome:
    """Write one edition; a content problem comes back as diagnostics, never raised."""
    from zine.editions import registry

    try:
        return registry()[name](rendered, out_dir, **_OPTIONS.get(name, {})), [], True
    except ContentError as error:
        diags = list(getattr(error, "diagnostics", []))
        if not diags:
            diags = [make("Z503", Position(rendered.issue.path / "issue.yaml"),
                          edition=name, message=str(error))]
        return [], diags, False


def _forked_editions(index: int, names: tuple[str, ...], out_dir: Path) -> list[Outcome]:
    """Editions of one issue in order, in one worker; stop at the first that fails."""
    outcomes = []
    for name in names:
        outcomes.append(run_edition(_FORKED[index], name, out_dir))
        if not outcomes[-1][2]:
            break
    return outcomes


def _task_groups(formats: Sequence[str]) -> list[tuple[str, ...]]:
    """Editions handed to workers, slowest first; the booklet goes with the PDF it imposes."""
    early = [name for name in SLOWEST_FIRST if name in formats]
    if "pdf" in early and "booklet" in early:
        early.remove("booklet")
        return [("pdf", "booklet") if name == "pdf" else (name,) for name in early]
    return [(name,) for name in early]


def write_editions(ready: Sequence[RenderedIssue], formats: Sequence[str], out_dir: Path,
                   result: BuildResult, report: Progress) -> list[RenderedIssue]:
    """Every edition of every rendered issue; the issues whose editions were all written.

    EPUB, PDF and booklet of every issue run at once in worker processes (forked, so nothing
    is pickled but the outcome), the slowest first; HTML runs here once an issue's others are
    written, while other issues' PDFs may still be running.
    """
    groups = _task_groups(formats)
    tasks = [(index, names) for names in groups for index in range(len(ready))]
    workers = min(len(tasks), os.cpu_count() or 1, MAX_WORKERS)
    if workers < 2:
        return [r for r in ready if _serial_issue(r, formats, out_dir, result, report)]
    import concurrent.futures as cf
    import multiprocessing

    _FORKED[:] = ready
    pool = cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        futures = {}
        for index, names in tasks:
            report("edition", f"{ready[index].issue.id} {' '.join(names)}")
            futures[index, names] = pool.submit(_forked_editions, index, names, out_dir)
        done = []
        for index, rendered in enumerate(ready):
            outcomes = [pair for names in groups
                        for pair in zip(names, _outcomes(futures[index, names], rendered, names),
                                    strict=False)]
            outcomes.sort(key=lambda pair: EDITION_ORDER.index(pair[0]))
            if _finish_issue(rendered, outcomes, formats, out_dir, result, report):
                done.append(rendered)
        return done
    finally:
        pool.shutdown(cancel_futures=True)
        _FORKED.clear()


def _outcomes(future: Future[list[Outcome]], rendered: RenderedIssue,
              names: tuple[str, ...]) -> list[Outcome]:
    from concurrent.futures.process import BrokenProcessPool

    try:
        return future.result()
    except BrokenProcessPool:  # the worker died (killed, out of memory): name the edition
        diag = make("Z503", Position(rendered.issue.path / "issue.yaml"), edition=names[0],
                    message="the process writing it stopped unexpectedly")
        return [([], [diag], False)]


def _serial_issue(rendered: RenderedIssue, formats: Sequence[str], out_dir: Path,
                  result: BuildResult, report: Progress) -> bool:
    """One issue's editions in this process, in EDITION_ORDER, stopping at the first failure."""
    outcomes: list[tuple[str, Outcome]] = []
    for name in EDITION_ORDER:
        if name in formats and name not in LAST:
            report("edition", f"{rendered.issue.id} {name}")
            outcomes.append((name, run_edition(rendered, name, out_dir)))
            if not outcomes[-1][1][2]:
                break
    return _finish_issue(rendered, outcomes, formats, out_dir, result, report)


def _finish_issue(rendered: RenderedIssue, outcomes: Sequence[tuple[str, Outcome]],
                  formats: Sequence[str], out_dir: Path, result: BuildResult,
                  report: Progress) -> bool:
    """Record the early editions' outcomes, then write the last ones if they all succeeded."""
    issue_id = rendered.issue.id
    for _name, (written, diags, _ok) in outcomes:
        result.outputs += written
        result.diagnostics += diags
    if not all(ok for _name, (_w, _d, ok) in outcomes):
        result.failed.append(issue_id)
        return False
    for name in LAST:
        if name in formats:
            report("edition", f"{issue_id} {name}")
            written, diags, ok = run_edition(rendered, name, out_dir)
            result.outputs += written
            result.diagnostics += diags
            if not ok:
                result.failed.append(issue_id)
                return False
    result.built.append(issue_id)
    return True
