"""Build orchestration: load -> check -> render -> editions, for the issues asked for.

This module decides *what* is built, in which order and in which process; it reads no content
files itself (the loader does) and writes nothing itself (editions write through
``zine.writer``, the cache under ``<out>/.cache/`` through ``zine.cache``). An issue with
errors (or, with ``--strict``, warnings) is not rendered at all, so its previous editions stay
in place. Problems in ``zine.yaml`` or ``coops.yaml`` stop every issue.

Speed: a build whose inputs and outputs did not change since the last successful one is
skipped whole (``zine.cache``); otherwise EPUB and PDF run in forked worker processes
(``zine.workers``, the slowest first; the PDF edition forks its own workers for its parts and
keeps them in the cache too), the booklet after the PDF in the same worker (it imposes the PDF
just made), and HTML follows once the editions it links to are written. The editions' options
travel with the work (``Editions``), never through module state.
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
    from zine.writer import remove_stale_temporaries

    root_dir = find_root([], root)
    for path in remove_stale_temporaries(out_dir):  # left by a build killed before it ended
        log.info("removed %s, left by a build that was killed", path)
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
    if use_cache:  # laid-out PDF parts are kept under <out>/.cache/ as well
        for name in ("pdf", "booklet"):
            options_by_edition[name] = {**options_by_edition.get(name, {}), "use_cache": True}
    editions = Editions(tuple(formats), out_dir, options_by_edition)
    result = _build(root_dir, issue_ids, editions, strict_mode, report, use_cache)
    if key is not None and not result.failed:
        from zine.cache import Record, save_record

        save_record(out_dir, root_dir, Record(key, result.outputs, result.diagnostics,
                                              result.built))
    return result


def _build(root_dir: Path, issue_ids: Sequence[str], editions: Editions, strict_mode: bool,
           report: Progress, use_cache: bool) -> BuildResult:
    """Load, check, render every issue asked for, then write their editions."""
    from zine.cache import MediaStore
    from zine.checks import check_zine
    from zine.loader import load_project

    formats, out_dir = editions.formats, editions.out_dir
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
    rendered_issues = write_editions(ready, editions, result, report)
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


@dataclass(frozen=True)
class Editions:
    """What every edition of a build is given: which to write, where, and their options."""

    formats: tuple[str, ...]
    out_dir: Path
    options: Mapping[str, Mapping[str, object]]  # edition -> renderer keyword arguments


def run_edition(rendered: RenderedIssue, name: str, editions: Editions) -> Outcome:
    """Write one edition; a content problem comes back as diagnostics, never raised."""
    from zine.editions import registry
    from zine.workers import WorkerDied

    try:
        renderer = registry()[name]
        return renderer(rendered, editions.out_dir, **editions.options.get(name, {})), [], True
    except ContentError as error:
        diags = list(getattr(error, "diagnostics", []))
        if not diags:
            diags = [make("Z503", Position(rendered.issue.path / "issue.yaml"),
                          edition=name, message=str(error))]
        return [], diags, False
    except WorkerDied:  # one of the edition's own workers (a PDF part's) died
        return [], [_died(rendered, name)], False


def _died(rendered: RenderedIssue, name: str) -> Diagnostic:
    return make("Z503", Position(rendered.issue.path / "issue.yaml"), edition=name,
                message="the process writing it stopped unexpectedly")


def _editions_in_turn(rendered: RenderedIssue, names: tuple[str, ...],
                      editions: Editions) -> list[Outcome]:
    """Editions of one issue in order, in one worker; stop at the first that fails."""
    outcomes = []
    for name in names:
        outcomes.append(run_edition(rendered, name, editions))
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


def write_editions(ready: Sequence[RenderedIssue], editions: Editions, result: BuildResult,
                   report: Progress) -> list[RenderedIssue]:
    """Every edition of every rendered issue; the issues whose editions were all written.

    EPUB, PDF and booklet of every issue run at once in worker processes (forked, so nothing
    is pickled but the outcome), the slowest first; HTML runs here once an issue's others are
    written, while other issues' PDFs may still be running.
    """
    from zine.workers import Workers

    groups = _task_groups(editions.formats)
    tasks = [(index, names) for names in groups for index in range(len(ready))]
    count = min(len(tasks), os.cpu_count() or 1, MAX_WORKERS)
    if count < 2:
        return [r for r in ready if _serial_issue(r, editions, result, report)]

    def work(task: tuple[int, tuple[str, ...]]) -> list[Outcome]:
        return _editions_in_turn(ready[task[0]], task[1], editions)

    def died(task: tuple[int, tuple[str, ...]]) -> list[Outcome]:
        return [([], [_died(ready[task[0]], task[1][0])], False)]

    for index, names in tasks:
        report("edition", f"{ready[index].issue.id} {' '.join(names)}")
    finished: dict[tuple[int, tuple[str, ...]], list[Outcome]] = {}
    done: list[RenderedIssue] = []
    next_issue = 0
    with Workers(work, tasks, count, died) as pool:
        for task, outcomes in pool.results():
            finished[tasks[task]] = outcomes
            # issues are finished in their order, each as soon as its editions are written
            while next_issue < len(ready) and all((next_issue, names) in finished
                                                  for names in groups):
                rendered = ready[next_issue]
                pairs = [pair for names in groups
                         for pair in zip(names, finished[next_issue, names], strict=False)]
                pairs.sort(key=lambda pair: EDITION_ORDER.index(pair[0]))
                if _finish_issue(rendered, pairs, editions, result, report):
                    done.append(rendered)
                next_issue += 1
    return done


def _serial_issue(rendered: RenderedIssue, editions: Editions, result: BuildResult,
                  report: Progress) -> bool:
    """One issue's editions in this process, in EDITION_ORDER, stopping at the first failure."""
    outcomes: list[tuple[str, Outcome]] = []
    for name in EDITION_ORDER:
        if name in editions.formats and name not in LAST:
            report("edition", f"{rendered.issue.id} {name}")
            outcomes.append((name, run_edition(rendered, name, editions)))
            if not outcomes[-1][1][2]:
                break
    return _finish_issue(rendered, outcomes, editions, result, report)


def _finish_issue(rendered: RenderedIssue, outcomes: Sequence[tuple[str, Outcome]],
                  editions: Editions, result: BuildResult, report: Progress) -> bool:
    """Record the early editions' outcomes, then write the last ones if they all succeeded."""
    issue_id = rendered.issue.id
    for _name, (written, diags, _ok) in outcomes:
        result.outputs += written
        result.diagnostics += diags
    if not all(ok for _name, (_w, _d, ok) in outcomes):
        result.failed.append(issue_id)
        return False
    for name in LAST:
        if name in editions.formats:
            report("edition", f"{issue_id} {name}")
            written, diags, ok = run_edition(rendered, name, editions)
            result.outputs += written
            result.diagnostics += diags
            if not ok:
                result.failed.append(issue_id)
                return False
    result.built.append(issue_id)
    return True
