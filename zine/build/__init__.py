"""Build orchestration: load -> check -> render -> editions, for the issues asked for.

This module decides *what* is built, in which order and in which process; it reads no content
files itself (the loader does) and writes nothing itself (editions write through
``zine.safety.writer``, the cache beside ``<out>`` through ``zine.runtime.cache``). An issue with
errors (or, with ``--strict``, warnings) is not rendered at all, so its previous editions stay
in place. Problems in ``zine.yaml`` or ``coops.yaml`` stop every issue.

Speed: a build whose inputs and outputs did not change since the last successful one is
skipped whole (``zine.runtime.lastbuild``, which the CLI asks before importing this
module); otherwise the loader is handed the bodies of the articles whose text did not change
(``zine.runtime.bodycache``), and EPUB and PDF run in forked worker processes
(``zine.runtime.workers``, the slowest first; the PDF edition forks its own workers for its
parts and keeps them in the cache too), the booklet after the PDF in the same worker (it
imposes the PDF just made: it is given the PDF's paths), and HTML is written once the editions
it links to are (its pages are made meanwhile, in this process, with the sizes to come:
``Edition.prepare``; then the search index of the site as it will be is started:
``Edition.site_ahead``). One PDF is made by a process forked when the build starts (a
standby, ``zine.editions.standby``), which imports WeasyPrint, parses the stylesheets
and loads the hyphenation dictionaries of the articles that changed while this one loads,
checks and renders, and is then sent the rendered issue (``_HandedOver``). While a build
runs, the garbage collector runs less often (``_fewer_collections``). Which editions exist,
what each needs first and which options it takes is read from the registry
(``zine.editions.EDITIONS``). What a build is asked to do travels as one ``BuildContext``, the
editions' options with the work (``Editions``), never through module state.
``BuildResult.changed`` lists the outputs whose bytes were replaced (``zine.safety.writer``
leaves a file holding the same bytes alone), so the CLI can say what changed.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import pickle
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zine import editions as edition_registry
from zine.check.images import ImageChecks
from zine.check.run import check_zine
from zine.diagnostics import Diagnostic, codes, has_errors, make
from zine.editions import BY_NAME, EDITIONS, NAMES
from zine.editions.standby import get_ready_for_languages, standby_modules, start_standby
from zine.errors import ContentError, UsageError, ZineError
from zine.load.loader import load_project
from zine.load.project import find_root, select_issues
from zine.model import Issue, Position, Zine
from zine.model.rendered import handed_over
from zine.render.issue import render_issue
from zine.render.translations import edition_views
from zine.runtime import editioncache
from zine.runtime.bodycache import BodyCache
from zine.runtime.cache import BlobStore, MediaStore, Record, save_record
from zine.runtime.lastbuild import (
    BuildResult,
    LastBuildCheck,
    check_last_build,
    key_options,
    remove_orphans,
)
from zine.runtime.workers import Standby, WorkerDied, Workers
from zine.safety import paths

if TYPE_CHECKING:
    from zine.model.rendered import RenderedIssue

log = logging.getLogger(__name__)

MAX_WORKERS = 4

Progress = Callable[[str, str], None]


def _silent(stage: str, detail: str) -> None:
    pass


@dataclass(frozen=True)
class BuildContext:
    """What one build is asked to do and with what: passed down instead of loose parameters."""

    root_dir: Path
    issue_ids: tuple[str, ...]
    editions: Editions
    strict_mode: bool = False
    report: Progress = _silent
    media_cache: MediaStore | None = None  # processed images (kept in the build cache)
    code_cache: BlobStore | None = None  # highlighted code blocks (kept there too)
    body_cache: BodyCache | None = None  # parsed article bodies (kept there too)
    standby: Standby | None = None  # forked by the caller (``zine.editions.standby``)

    @property
    def out_dir(self) -> Path:
        return self.editions.out_dir


def _belongs_to(diag: Diagnostic, issue: Issue) -> bool:
    return paths.is_inside(diag.pos.path, issue.path)


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
    checked: LastBuildCheck | None = None,
    standby: Standby | None = None,
) -> BuildResult:
    """Build ``formats`` of the issues named (all when none) into ``out_dir``.

    ``progress(stage, detail)`` is called as work starts: ("issue", id), ("render", id),
    ("edition", "<id> <name>"), ("site", ""), so the CLI can show where a long build is.
    With ``use_cache`` (the default) a build whose inputs and outputs are unchanged since the
    last successful one is skipped (``zine.runtime.lastbuild``), and processed images are reused.
    ``edition_options`` are keyword arguments for one edition's renderer, e.g.
    ``{"booklet": {"crop_marks": True}}``. ``checked`` is the start of this same build when the
    caller has made it already (``zine.runtime.lastbuild.check_last_build``: the CLI does, before
    it imports this module), so it is not made twice. ``standby``: the process the caller
    forked for the editions that have one (``zine.editions.standby``: the CLI forks it
    before it imports this module, 0.2-0.3 s earlier); without it, the build forks its own.
    """
    options_by_edition = _edition_options(formats, edition_options or {})
    root_dir = find_root([], root)
    key = None
    if not use_cache:
        remove_orphans(out_dir)
    else:
        if checked is None:
            checked = check_last_build(root_dir, out_dir, key_options(
                issue_ids, formats, strict_mode, options_by_edition))
        if checked.unchanged is not None:
            return checked.unchanged
        key = checked.key
        use_cache = key is not None

    before = _file_identities(out_dir)  # to tell, afterwards, which outputs were rewritten
    # processed images: in the build cache (zine.runtime.cache.cache_home), else for this build only
    media_cache = MediaStore(out_dir, persist=use_cache)
    if use_cache:  # laid-out PDF parts and link-preview cards are kept in the cache as well

        for name in formats:
            if BY_NAME[name].cached:
                options_by_edition[name] = {**options_by_edition.get(name, {}),
                                            "use_cache": True}
    context = BuildContext(root_dir, tuple(issue_ids),
                           Editions(tuple(formats), out_dir, options_by_edition, use_cache),
                           strict_mode,
                           progress or _silent, media_cache,
                           BlobStore(out_dir, "code") if use_cache else None,
                           BodyCache(out_dir) if use_cache else None, standby)
    with _fewer_collections():
        result = _build(context)
    result.changed = _changed(result.outputs, before)
    if key is not None and not result.failed:
        save_record(out_dir, root_dir, Record(key, result.outputs, result.diagnostics,
                                              result.built))
    return result


BUILD_GC_THRESHOLDS = (200_000, 30, 30)  # mypy's, for the same reason (mypy/build.py)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Python's cyclic garbage collector runs less often while a build runs: its youngest
    generation every 200,000 allocations instead of 700. A build makes millions of objects
    (tokens, fragments, WeasyPrint's boxes) that live until its stages end, and each
    collection walks them again: on the bench issue, 490 collections took 0.16-0.20 s of a
    one-word edit's PDF. Measured alternately on the bench corpus: an edit 3.57 -> 3.37 s, a
    cold build 20.8 -> 19.8 s (medians), the same peak RSS. Forked workers inherit it; the
    old thresholds are back when the build ends (``zine serve`` goes on running)."""
    before = gc.get_threshold()
    gc.set_threshold(*BUILD_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _edition_options(formats: Sequence[str], given: Mapping[str, Mapping[str, object]]
                     ) -> dict[str, dict[str, object]]:
    """``given`` checked against the registry: known editions and the options they take."""
    for name in formats:
        if name not in BY_NAME:
            raise UsageError(f"unknown edition {name!r}; editions: {', '.join(BY_NAME)}")
    for name, values in given.items():
        unknown = [key for key in values if name not in BY_NAME
                   or key not in {option.name for option in BY_NAME[name].options}]
        if unknown:
            raise UsageError(f"the {name} edition takes no option {', '.join(unknown)}")
    return {name: dict(values) for name, values in given.items()}


FileIdentity = tuple[int, int, int]  # inode, size, modification time (ns)


def _file_identities(out_dir: Path) -> dict[str, FileIdentity]:
    """Every file under ``out_dir`` as it is now. ``zine.safety.writer`` replaces a file by a
    new one (a new inode) only when its bytes change, so comparing identities tells what was
    written."""
    found = {}
    # real paths, as zine.safety.writer names them
    for folder, dirs, names in os.walk(os.path.realpath(out_dir)):
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # the build cache
        for name in names:
            path = os.path.join(folder, name)
            with contextlib.suppress(OSError):
                info = os.lstat(path)
                found[path] = (info.st_ino, info.st_size, info.st_mtime_ns)
    return found


def _changed(outputs: Sequence[Path], before: Mapping[str, FileIdentity]) -> list[Path]:
    changed = []
    for path in outputs:
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if before.get(os.path.realpath(path)) != (info.st_ino, info.st_size, info.st_mtime_ns):
            changed.append(path)
    return changed


def _build(context: BuildContext) -> BuildResult:
    """``_stages``; then the bodies parsed anew are kept for the next build, whether this one
    wrote its editions or found problems in the content, but not after a usage error (an
    unknown issue: nothing is written then)."""
    result = _stages(context)
    if context.body_cache is not None:
        context.body_cache.save()
        if not result.failed:
            context.body_cache.prune()
    return result


def _stages(context: BuildContext) -> BuildResult:
    """Load, check, render every issue asked for, then write their editions; the editions
    that have a standby get it ready meanwhile (``zine.editions.standby``: the CLI's,
    forked before this module was imported, or one forked now)."""
    if context.standby is not None:
        return _stages_with(context, context.standby)
    with start_standby(context.editions.formats, context.root_dir) as standby:
        return _stages_with(context, standby)


def _stages_with(context: BuildContext, standby: Standby | None) -> BuildResult:
    """``_stages`` with ``standby`` (None: no standby, one CPU)."""
    formats, out_dir, media_cache = context.editions.formats, context.out_dir, \
        context.media_cache
    warming = _warm_up(formats) if standby is None else None
    body_cache = context.body_cache
    zine, diags = load_project(context.root_dir,
                               parse=body_cache.parse if body_cache is not None else None)
    if standby is not None:  # the languages of the articles that changed, likely laid out
        languages = sorted(body_cache.languages_parsed) if body_cache is not None \
            else _languages(zine)
        standby.prepare(get_ready_for_languages, (standby_modules(formats), languages))
    # an image whose processed copy is in the cache was decoded whole by this same code; the
    # check stage hands the copies it made on the way to the render stage through the store
    images = ImageChecks(media_cache.has, media_cache.remember) if media_cache is not None \
        else ImageChecks()
    diags = diags + check_zine(zine, images)
    result = BuildResult(diagnostics=list(diags))
    issues = select_issues(zine, context.issue_ids)
    global_diags = [d for d in diags if not any(_belongs_to(d, i) for i in zine.issues)]
    if _blocking(global_diags, context.strict_mode):
        result.failed = [issue.id for issue in issues]
        return result
    _available(formats)
    ready: list[RenderedIssue] = []
    sites: dict[str, RenderedIssue] = {}  # issue id -> every version (the HTML edition's)
    for issue in issues:
        context.report("issue", issue.id)
        rendered = prepare_issue(context, zine, issue, diags, result)
        if rendered is not None:
            sites[issue.id] = rendered
            ready += edition_views(rendered)  # other languages first, then the main edition
    if warming is not None:
        warming.join()  # never fork while a thread is importing
    with SiteAhead(out_dir) as ahead:
        rendered_issues = write_editions(ready, context.editions, result, context.report,
                                         sites, ahead, standby)
        result.rendered = list(rendered_issues)
        steps = edition_registry.site_steps(formats) if rendered_issues else []
        if steps:
            context.report("site", "")
        for name, step in steps:
            result.outputs += step(zine, rendered_issues, out_dir, **ahead.arguments(name))
    if media_cache is not None and not result.failed:
        media_cache.prune()
    if context.code_cache is not None and not result.failed:
        context.code_cache.prune()
    return result


def _languages(zine: Zine) -> list[str]:
    """Every language the content is written in (the issues', the articles')."""
    found = {zine.language}
    for issue in zine.issues:
        found.add(issue.language)
        found.update(article.language for article in issue.articles)
    return sorted(found)


def _warm_up(formats: Sequence[str]) -> threading.Thread | None:
    """Import the libraries the editions asked for name as slow to import (``Edition.warm``:
    WeasyPrint for the PDF) in a thread, while this one loads, checks and renders: much of an
    import is reading files and loading shared libraries, which do not hold the GIL (measured
    on the bench issue: WeasyPrint ready 0.5 s earlier). Joined before any worker is forked."""
    modules = [m for name in formats if name in BY_NAME for m in BY_NAME[name].warm]
    if not modules:
        return None

    def warm() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except ImportError:  # the edition reports it when it runs
                return

    thread = threading.Thread(target=warm, name="zine-warm-up", daemon=True)
    thread.start()
    return thread


def _available(formats: Sequence[str]) -> None:
    """Every edition asked for exists, and the programs it runs are installed (all that are
    missing named at once, before any edition is written)."""
    renderers = edition_registry.registry()
    for name in formats:
        if name not in renderers:
            raise UsageError(f"the {name} edition is not available yet")
    missing = [f"the {name} edition needs {program} (Debian: {package})"
               for name in formats for program, package in BY_NAME[name].programs
               if shutil.which(program) is None]
    if missing:
        raise ZineError("; ".join(missing) + "; no edition was written")


def prepare_issue(context: BuildContext, zine: Zine, issue: Issue, diags: Sequence[Diagnostic],
                  result: BuildResult) -> RenderedIssue | None:
    """Check and render one issue; None (and the issue in ``result.failed``) if it cannot be."""
    strict_mode = context.strict_mode

    own = [d for d in diags if _belongs_to(d, issue)]
    if _blocking(own, strict_mode):
        result.failed.append(issue.id)
        return None
    if not issue.published:
        result.diagnostics.append(make(codes.NOTHING_PUBLISHED, issue.where.pos, issue=issue.id))
        result.failed.append(issue.id)
        return None
    context.report("render", issue.id)
    rendered, render_diags = render_issue(zine, issue, context.media_cache, context.code_cache)
    result.diagnostics += render_diags
    if _blocking(render_diags, strict_mode):
        result.failed.append(issue.id)
        return None
    return rendered


# -- editions, in parallel processes ------------------------------------------------------------

Outcome = tuple[list[Path], list[Diagnostic], bool]  # written, diagnostics, succeeded
Prepared = Callable[[], list[Path]]  # writes the files an edition made ahead (Edition.prepare)


@dataclass(frozen=True)
class Editions:
    """What every edition of a build is given: which to write, where, and their options."""

    formats: tuple[str, ...]
    out_dir: Path
    options: Mapping[str, Mapping[str, object]]  # edition -> renderer keyword arguments
    # hand back an edition's files from the last build when nothing it shows changed
    # (``zine.runtime.editioncache``); off with --no-cache
    reuse: bool = False


def run_edition(rendered: RenderedIssue, name: str, editions: Editions,
                made: Mapping[str, Sequence[Path]] | None = None,
                prepared: Prepared | None = None) -> Outcome:
    """Write one edition; a content problem comes back as diagnostics, never raised.
    ``made``: what the editions written before it in this process wrote, by edition; an
    edition that ``needs`` one of them is given those paths (the booklet the PDF's).
    ``prepared``: what writes the files the edition made already (``Edition.prepare``)."""
    options = dict(editions.options.get(name, {}))
    needed = {need: list(made[need]) for need in BY_NAME[name].needs
              if made is not None and need in made}
    if needed:
        options["made"] = needed
    key = editioncache.edition_key(rendered, name, options) \
        if editions.reuse and not BY_NAME[name].last else ""
    if key and (reused := editioncache.reuse(rendered, name, key, editions.out_dir)):
        return reused, reused.warnings, True
    try:
        if prepared is not None:
            written = prepared()
        else:
            renderer = edition_registry.registry()[name]
            written = renderer(rendered, editions.out_dir, **options)
        # an edition may return its warnings with its files (zine.editions.pdf.Written)
        warnings = list(getattr(written, "warnings", []))
        if key:
            editioncache.remember(rendered, name, key, editions.out_dir, written, warnings)
        return list(written), warnings, True
    except ContentError as error:
        diags = list(getattr(error, "diagnostics", []))
        if not diags:
            diags = [make(codes.RENDERER_LOGGED, Position(rendered.issue.path / "issue.yaml"),
                          edition=name, message=str(error))]
        return [], diags, False
    except WorkerDied:  # one of the edition's own workers (a PDF part's) died
        return [], [_died(rendered, name)], False


def _died(rendered: RenderedIssue, name: str) -> Diagnostic:
    return make(codes.RENDERER_LOGGED, Position(rendered.issue.path / "issue.yaml"), edition=name,
                message="the process writing it stopped unexpectedly")


def _editions_in_turn(rendered: RenderedIssue, names: tuple[str, ...],
                      editions: Editions) -> list[Outcome]:
    """Editions of one issue in order, in one worker; stop at the first that fails."""
    outcomes: list[Outcome] = []
    made: dict[str, list[Path]] = {}
    for name in names:
        outcomes.append(run_edition(rendered, name, editions, made))
        made[name] = outcomes[-1][0]
        if not outcomes[-1][2]:
            break
    return outcomes


def _task_groups(formats: Sequence[str]) -> list[tuple[str, ...]]:
    """Editions handed to workers, slowest first (``Edition.cost``); an edition goes in the
    same worker after the one it ``needs`` (the booklet after the PDF it imposes)."""
    early = sorted((e for e in EDITIONS if e.name in formats and not e.last),
                   key=lambda e: -e.cost)
    groups: list[list[str]] = []
    for edition in early:
        home = next((group for group in groups for need in edition.needs if need in group),
                    None)
        if home is not None:
            home.append(edition.name)
        else:
            groups.append([edition.name])
    return [tuple(group) for group in groups]


def _edition_order(name: str) -> int:
    return NAMES.index(name)


class SiteAhead:
    """The site steps started early (``Edition.site_ahead``: the search index, while the PDF is
    laid out), by edition: started once every issue's last editions are prepared, handed to
    the site steps (``arguments``), and closed when the build ends, whatever happened."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.started: dict[str, Any] = {}

    def start(self, formats: Sequence[str],
              prepared: Mapping[tuple[str, str], Prepared]) -> None:
        """Start each edition's ``site_ahead`` with the prepared files of every issue as
        they would be now (``as_now()``); not when one of them cannot say."""
        for edition in EDITIONS:
            ahead = edition_registry.site_ahead(edition.name) \
                if edition.name in formats else None
            made = [p for (_issue, name), p in prepared.items() if name == edition.name]
            if ahead is None or not made:
                continue
            now = [getattr(p, "as_now", lambda: None)() for p in made]
            if any(files is None for files in now):
                continue
            try:
                handle = ahead(self.out_dir, [f for files in now if files for f in files])
            except Exception:  # the site step does the work itself, and reports
                log.debug("starting the %s site step early failed", edition.name,
                          exc_info=True)
                continue
            if handle is not None:
                self.started[edition.name] = handle

    def arguments(self, name: str) -> dict[str, Any]:
        return {"ahead": self.started[name]} if name in self.started else {}

    def __enter__(self) -> SiteAhead:
        return self

    def __exit__(self, *_exc: object) -> None:
        for name, handle in self.started.items():
            try:
                handle.close()
            except Exception:
                log.debug("closing the %s site step's early start failed", name,
                          exc_info=True)


def write_editions(ready: Sequence[RenderedIssue], editions: Editions, result: BuildResult,
                   report: Progress, sites: Mapping[str, RenderedIssue] | None = None,
                   ahead: SiteAhead | None = None, standby: Standby | None = None
                   ) -> list[RenderedIssue]:
    """Every edition of every rendered issue; the issues whose editions were all written.

    ``ready`` holds each issue's editions in other languages before its main edition
    (``zine.render.translations.edition_views``); the last editions (HTML) are written once the
    main one is, from ``sites[issue id]``, the issue with every version, and return those.

    EPUB, PDF and booklet of every issue run at once in worker processes (forked, so nothing
    is pickled but the outcome), the slowest first; HTML runs here once an issue's others are
    written, while other issues' PDFs may still be running. Its pages are made meanwhile
    (``_prepare_last``), and then ``ahead`` starts the site steps that can start early.
    ``standby`` (``_standby``) is one of the workers: it makes the first editions with a
    standby that are still to do, handed the rendered issue (``_HandedOver``).
    """
    sites = sites or {}
    groups = _task_groups(editions.formats)
    tasks = [(index, names) for names in groups for index in range(len(ready))]
    count = min(len(tasks), os.cpu_count() or 1, MAX_WORKERS)
    if count < 2 and standby is None:
        return [sites.get(r.issue.id, r) for r in ready
                if _serial_issue(r, editions, result, report, sites)]

    def work(task: tuple[int, tuple[str, ...]]) -> list[Outcome]:
        return _editions_in_turn(ready[task[0]], task[1], editions)

    def died(task: tuple[int, tuple[str, ...]]) -> list[Outcome]:
        return [([], [_died(ready[task[0]], task[1][0])], False)]

    def send(task: tuple[int, tuple[str, ...]]
             ) -> tuple[Callable[[_HandedOver], list[Outcome]], _HandedOver] | None:
        index, names = task
        if not any(BY_NAME[name].standby for name in names):
            return None
        return _editions_handed_over, _HandedOver(ready[index], names, editions)

    for index, names in tasks:
        report("edition", f"{ready[index].issue.stem} {' '.join(names)}")
    finished: dict[tuple[int, tuple[str, ...]], list[Outcome]] = {}
    done: list[RenderedIssue] = []
    next_issue = 0
    with Workers(work, tasks, count, died, standby=standby, send=send) as pool:
        # while the workers write the other editions, the last ones make their files here
        prepared = _prepare_last(ready, editions, sites)
        if ahead is not None:
            ahead.start(editions.formats, prepared)
        for task, outcomes in pool.results():
            finished[tasks[task]] = outcomes
            # issues are finished in their order, each as soon as its editions are written
            while next_issue < len(ready) and all((next_issue, names) in finished
                                                  for names in groups):
                rendered = ready[next_issue]
                pairs = [pair for names in groups
                         for pair in zip(names, finished[next_issue, names], strict=False)]
                pairs.sort(key=lambda pair: _edition_order(pair[0]))
                if _finish_issue(rendered, pairs, editions, result, report, sites, prepared):
                    done.append(sites.get(rendered.issue.id, rendered))
                next_issue += 1
    return done


class _HandedOver:
    """One task of the standby: a rendered issue, the editions to make of it and how. Pickled
    as it is sent, without the articles' parse tokens (``zine.model.rendered.handed_over``)."""

    def __init__(self, rendered: RenderedIssue, names: tuple[str, ...],
                 editions: Editions) -> None:
        self.task = (rendered, names, editions)

    def __reduce__(self) -> tuple[Callable[[bytes], _HandedOver], tuple[bytes]]:
        return _HandedOver.received, (handed_over(self.task),)

    @staticmethod
    def received(data: bytes) -> _HandedOver:
        handed = _HandedOver.__new__(_HandedOver)
        handed.task = pickle.loads(data)
        return handed


def _editions_handed_over(handed: _HandedOver) -> list[Outcome]:
    """The standby's task (``_editions_in_turn`` on the issue it was handed), with the
    build's collector thresholds (the CLI forks the standby before the build sets them)."""
    with _fewer_collections():
        return _editions_in_turn(*handed.task)


def _prepare_last(ready: Sequence[RenderedIssue], editions: Editions,
                  sites: Mapping[str, RenderedIssue]) -> dict[tuple[str, str], Prepared]:
    """The files of each issue's ``last`` editions made now, while the early ones are being
    written in the workers (``Edition.prepare``: the HTML pages, which show the sizes of the
    EPUB and PDF files, are made with the sizes to come and written once they are known; on
    the bench issue this takes the site off the end of a rebuild). By (issue id, edition); an
    edition that cannot prepare (it raised) is simply made afterwards as before, and says why
    then."""
    coming = [name for name in editions.formats if not BY_NAME[name].last]
    prepared: dict[tuple[str, str], Prepared] = {}
    renderers = edition_registry.registry()
    for rendered in ready:
        if rendered.issue.edition:  # an edition in another language: its site is the main one's
            continue
        site = sites.get(rendered.issue.id, rendered)
        for edition in EDITIONS:
            prepare = edition_registry.preparer(renderers.get(edition.name)) \
                if edition.last and edition.name in editions.formats else None
            if prepare is None:
                continue
            options = dict(editions.options.get(edition.name, {}))
            try:
                prepared[rendered.issue.id, edition.name] = prepare(
                    site, editions.out_dir, coming=coming, **options)
            except Exception:  # made again afterwards, which reports the problem
                log.debug("preparing %s of %s failed", edition.name, rendered.issue.id,
                          exc_info=True)
    return prepared


def _serial_issue(rendered: RenderedIssue, editions: Editions, result: BuildResult,
                  report: Progress, sites: Mapping[str, RenderedIssue]) -> bool:
    """One issue's editions in this process, in the registry's order, stopping at the first
    failure."""
    outcomes: list[tuple[str, Outcome]] = []
    made: dict[str, list[Path]] = {}
    for edition in EDITIONS:
        if edition.name in editions.formats and not edition.last:
            report("edition", f"{rendered.issue.stem} {edition.name}")
            outcomes.append((edition.name, run_edition(rendered, edition.name, editions, made)))
            made[edition.name] = outcomes[-1][1][0]
            if not outcomes[-1][1][2]:
                break
    return _finish_issue(rendered, outcomes, editions, result, report, sites)


def _finish_issue(rendered: RenderedIssue, outcomes: Sequence[tuple[str, Outcome]],
                  editions: Editions, result: BuildResult, report: Progress,
                  sites: Mapping[str, RenderedIssue],
                  prepared: Mapping[tuple[str, str], Prepared] | None = None) -> bool:
    """Record the early editions' outcomes; once the main edition's are in (an issue's
    editions in other languages come before it), write the last ones if every edition of
    the issue succeeded."""
    issue_id = rendered.issue.id
    for name, (written, diags, _ok) in outcomes:
        result.outputs += written
        result.diagnostics += diags
        if getattr(written, "reused", False):
            result.reused.append(f"{rendered.issue.stem} {name}")
    if not all(ok for _name, (_w, _d, ok) in outcomes):
        if issue_id not in result.failed:
            result.failed.append(issue_id)
        return False
    if rendered.issue.edition or issue_id in result.failed:
        return False  # an edition in another language, or one of them failed

    site = sites.get(issue_id, rendered)
    for name in (e.name for e in EDITIONS if e.last):
        if name in editions.formats:
            report("edition", f"{issue_id} {name}")
            written, diags, ok = run_edition(site, name, editions,
                                             prepared=(prepared or {}).get((issue_id, name)))
            result.outputs += written
            result.diagnostics += diags
            if not ok:
                result.failed.append(issue_id)
                return False
    result.built.append(issue_id)
    return True
