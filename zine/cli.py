"""Command line: parses arguments and calls the stages, and prints what they return.

Besides this module only ``zine.commands.serve`` prints (its address and each rebuild's problems, as
a command that runs until stopped), and ``zine.commands.progress`` writes the build's progress to
the stream this module hands it; every other module logs.

``main(argv=None) -> int`` so tests run it in-process. Exit status: 0 success, 1 content
errors, 2 usage errors; a build stopped by Ctrl-C exits 130, by SIGTERM 143 (128 + the
signal), after one line saying so. Content problems reach the user as ``path:line:col``
lines, every "cannot go on" as one line: never a Python traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import shutil
import signal
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO, TypeAlias

from zine import __version__
from zine.commands.progress import ProgressLogHandler, ProgressReport
from zine.diagnostics import Diagnostic, display_path, has_errors, sort_diagnostics, strict
from zine.editions import DEFAULT_NAMES as DEFAULT_FORMATS
from zine.editions import EDITIONS
from zine.editions import NAMES as FORMATS
from zine.errors import UsageError, ZineError

if TYPE_CHECKING:
    from zine.runtime.lastbuild import BuildResult, LastBuildCheck

log = logging.getLogger("zine")


Subparsers: TypeAlias = "argparse._SubParsersAction[_Parser]"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zine", description="Publishing pipeline of the tech-coops zine: "
                     "Markdown articles to EPUB, print PDF and a website.",
                     epilog="Run 'zine COMMAND --help' for the options of a command. Exit "
                     "status: 0 success, 1 content errors, 2 usage errors.")
    parser.add_argument("--version", action="version", version=f"zine {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="the zine repository (default: found from the paths or the "
                             "working directory: the folder holding zine.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser,
                                metavar="COMMAND", title="commands")
    _add_check(sub)
    _add_build(sub)
    _add_new(sub)
    _add_init(sub)
    _add_serve(sub)
    _add_stats(sub)
    _add_import(sub)
    _add_translation(sub)
    return parser


def _add_check(sub: Subparsers) -> None:
    check = sub.add_parser(
        "check", help="validate issues or single articles",
        description="Check articles and issues without building anything: every problem is "
                    "one line 'path:line:col: error|warning: message [code]'. Exits 1 if "
                    "there is an error (with --strict, also a warning).")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help="issue folders or .md files (default: every issue)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       dest="output_format",
                       help="text (default), or github: GitHub Actions annotations on "
                            "stdout, shown on the lines of a pull request")


def _add_build(sub: Subparsers) -> None:
    build = sub.add_parser(
        "build", help="build editions of issues",
        description="Check, then build the editions of issues into --out. An issue with "
                    "errors is not built and its previous editions stay in place. Shows "
                    "progress on stderr: one line redrawn in place on a terminal, one line "
                    "per step otherwise.")
    build.add_argument("issues", nargs="*", metavar="ISSUE",
                       help="issue ids, e.g. 01-no-masters-no-slaves (default: every issue)")
    build.add_argument("--format", default=",".join(DEFAULT_FORMATS), dest="formats",
                       metavar="FORMATS",
                       help=f"comma-separated subset of {','.join(FORMATS)} "
                            f"(default: {','.join(DEFAULT_FORMATS)})")
    build.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                       help="output folder (default: build)")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--no-cache", action="store_true",
                       help="rebuild everything: do not use or update the build cache")
    for edition in EDITIONS:
        for option in edition.options:
            build.add_argument(option.flag, action="store_true", help=option.help)
    loudness = build.add_mutually_exclusive_group()
    loudness.add_argument("--quiet", "-q", action="store_true",
                          help="only report problems: no progress, no counts of files written")
    loudness.add_argument("--verbose", "-v", action="store_true",
                          help="also list the files written, show when each step started and "
                               "how long the build took, and log what happens")


def _add_init(sub: Subparsers) -> None:
    init = sub.add_parser("init", help="start a new zine root in a new or empty folder",
                          description="Create a zine root in DIR (new or empty): zine.yaml, "
                          "coops.yaml, a first issue with one article, a README with the "
                          "commands and a GitHub Actions workflow. It passes 'zine check "
                          "--strict' and 'zine build' as it is; styles come from the package "
                          "until DIR/styles/ holds a file of the same name.")
    init.add_argument("dir", type=Path, metavar="DIR", help="the folder to create")
    init.add_argument("--title", default=None,
                      help="the zine's title (default: from the folder name)")
    init.add_argument("--publisher", default=None,
                      help="who publishes it (default: '<title> editors')")
    init.add_argument("--url", default="https://zine.example.org/",
                      help="the web address the website will have (feeds, link previews)")
    init.add_argument("--language", default="en",
                      help="BCP 47 language of the zine and its first issue (default: en)")


def _add_new(sub: Subparsers) -> None:
    new = sub.add_parser("new", help="scaffold an issue or an article",
                         description="Create a new issue folder or article file with its "
                                     "front matter filled in, and print its path.")
    kinds = new.add_subparsers(dest="kind", required=True, parser_class=_Parser,
                               metavar="KIND", title="kinds")
    new_issue = kinds.add_parser("issue", help="a new issue folder with issue.yaml",
                                 description="Create issues/<id>/issue.yaml and articles/.")
    new_issue.add_argument("id", nargs="?",
                           help="issue id, e.g. 02-solidarity (default: from the number and "
                                "the title)")
    new_issue.add_argument("--title", required=True, help="the issue's title")
    new_issue.add_argument("--number", type=int, default=None,
                           help="default: one more than the highest")
    new_issue.add_argument("--date", default=None, help="ISO date, default: today")
    new_issue.add_argument("--language", default=None,
                           help="BCP 47 code, e.g. en (default: zine.yaml's)")
    new_article = kinds.add_parser("article", help="a new article in an issue",
                                   description="Create issues/<issue>/articles/<slug>.md "
                                               "from the article template.")
    new_article.add_argument("issue", help="issue id, e.g. 02-solidarity")
    new_article.add_argument("--title", required=True, help="the article's title")
    new_article.add_argument("--author", action="append", required=True,
                             help="author name (repeatable)")
    new_article.add_argument("--coop", action="append", default=[],
                             help="coop id from coops.yaml of the author at the same place "
                                  "(repeatable)")
    new_article.add_argument("--slug", default=None,
                             help="file name without .md (default: from the title)")
    new_article.add_argument("--language", default=None,
                             help="BCP 47 code, e.g. de (default: the issue's)")
    new_translation = kinds.add_parser(
        "translation", help="a translation of an article, to fill in",
        description="Create issues/<issue>/articles/<slug>-<language>.md: the original's "
                    "front matter (title to translate, translation_of and translated_from "
                    "filled in) and the original's body for the translator to replace.")
    new_translation.add_argument("issue", help="issue id, e.g. 01-no-masters-no-slaves")
    new_translation.add_argument("slug", help="the original article's slug")
    new_translation.add_argument("--language", required=True,
                                 help="the language translated into (BCP 47), e.g. de")
    new_translation.add_argument("--translator", action="append", default=[],
                                 help="translator name (repeatable)")
    new_translation.add_argument("--slug", dest="new_slug", default=None,
                                 help="file name without .md (default: <slug>-<language>)")


def _add_translation(sub: Subparsers) -> None:
    translation = sub.add_parser(
        "translation", help="which translations are behind their originals",
        description="A translation records the digest of the original it was made from "
                    "(translated_from); 'zine check' warns when the original changed since.")
    actions = translation.add_subparsers(dest="action", required=True, parser_class=_Parser,
                                         metavar="ACTION", title="actions")
    actions.add_parser("status", help="each translation, and the words its original changed "
                                      "since (from git history)",
                       description="List every translation: up to date, or the words its "
                                   "original changed since it was translated.")
    mark = actions.add_parser("mark-current", help="record that a translation is up to date",
                              description="Set translated_from of translation SLUG to the "
                                          "digest of its original as it is now.")
    mark.add_argument("slug", help="the translation's slug")
    mark.add_argument("--issue", default=None, help="its issue, if the slug is in several")


def _add_serve(sub: Subparsers) -> None:
    serve = sub.add_parser(
        "serve", help="local preview of the HTML edition",
        description="Build the HTML edition into a private folder, serve it, and rebuild and "
                    "reload the page when a file changes. Stop with Ctrl-C.")
    serve.add_argument("--port", type=int, default=8000, help="default: 8000")
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (loopback)")
    serve.add_argument("--public", action="store_true",
                       help="allow a --host that is not loopback")


def _add_stats(sub: Subparsers) -> None:
    stats = sub.add_parser(
        "stats", help="words, reading time, coops, countries and languages per issue",
        description="Count the published articles of issues: words, reading time (200 words "
                    "a minute; in Chinese and Japanese two characters make a word), and "
                    "articles per coop, per country (from coops.yaml) and per language.")
    stats.add_argument("issues", nargs="*", metavar="ISSUE",
                       help="issue ids (default: every issue)")
    stats.add_argument("--format", choices=("text", "json"), default="text",
                       dest="output_format", help="text (default) or json")


def _add_import(sub: Subparsers) -> None:
    imp = sub.add_parser(
        "import", help="an article from a Word or LibreOffice document",
        description="Convert FILE.docx or FILE.odt into issues/ISSUE/articles/<slug>/index.md "
                    "with its images, check it, and report what the editor must fix and what "
                    "the conversion could not keep. Never overwrites. Needs zine[import].")
    imp.add_argument("document", type=Path, metavar="FILE", help="a .docx or .odt file")
    imp.add_argument("issue", metavar="ISSUE", help="issue id, e.g. 02-solidarity")
    imp.add_argument("--slug", default=None, help="default: from the title")
    imp.add_argument("--title", default=None, help="default: the document's title")
    imp.add_argument("--author", action="append", default=[],
                     help="author name (repeatable; default: the document's author)")
    imp.add_argument("--coop", action="append", default=[],
                     help="coop id of the author at the same place (repeatable)")
    imp.add_argument("--language", default=None, help="default: the document's, else the "
                     "issue's")


def run_import(args: argparse.Namespace) -> int:
    from zine.commands.importdoc import import_document
    from zine.docimport.archive import ImportFailure
    from zine.docimport.convert import ImportOptions

    options = ImportOptions(slug=args.slug, title=args.title, authors=tuple(args.author),
                            coops=tuple(args.coop), language=args.language)
    try:
        path, diags = import_document(args.document, args.issue, options, args.root)
    except ImportFailure as failure:
        print(failure.diagnostic.format(), file=sys.stderr)
        return 1
    print_diagnostics(diags)
    summarise(diags)
    if path is not None:
        print(f"created {display_path(path)}")
    return 1 if has_errors(diags) else 0


def github_property(value: str) -> str:
    """A workflow-command property value: %, CR, LF, ':' and ',' percent-encoded."""
    return github_data(value).replace(":", "%3A").replace(",", "%2C")


def github_data(value: str) -> str:
    """A workflow-command message: %, CR and LF percent-encoded (GitHub decodes them)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_annotation(diag: Diagnostic) -> str:
    """``::error file=...,line=...,col=...,title=...::message`` for GitHub Actions."""
    kind = "error" if diag.is_error else "warning"
    props = ",".join(f"{key}={github_property(str(value))}" for key, value in (
        ("file", display_path(diag.pos.path)), ("line", diag.pos.line),
        ("col", diag.pos.col), ("title", diag.code)))
    return f"::{kind} {props}::{github_data(diag.message)}"


def print_diagnostics(diags: Sequence[Diagnostic], output_format: str = "text") -> None:
    """Text lines on stderr; GitHub annotations on stdout, where the runner reads them."""
    for diag in sort_diagnostics(diags):
        if output_format == "github":
            print(github_annotation(diag))
        else:
            print(diag.format(), file=sys.stderr)


def summarise(diags: Sequence[Diagnostic]) -> None:
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    if diags:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    from zine.check.run import check_project

    diags = check_project(args.paths, root=args.root)
    if args.strict:
        diags = strict(diags)
    print_diagnostics(diags, args.output_format)
    summarise(diags)
    return 1 if has_errors(diags) else 0


def run_build(args: argparse.Namespace) -> int:
    from zine.runtime.workers import Interrupted, interruptible

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"zine build: unknown format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    report = ProgressReport(sys.stderr, live=_is_terminal(sys.stderr), quiet=args.quiet,
                            verbose=args.verbose, width=shutil.get_terminal_size().columns)
    try:
        with _logs_through(report), interruptible():
            try:
                checked = None if args.no_cache else _check_last_build(args, formats)
                if checked is not None and checked.unchanged is not None:
                    result = checked.unchanged
                else:
                    result = _build(args, formats, report, checked)
            finally:
                report.finish()
    except (KeyboardInterrupt, Interrupted) as stop:
        # the workers were stopped and their temporary files removed on the way here
        print("zine: build interrupted; the previous editions are untouched", file=sys.stderr)
        return 128 + (stop.signum if isinstance(stop, Interrupted) else signal.SIGINT)
    if args.strict:
        result.diagnostics[:] = strict(result.diagnostics)
    if not report.steps and result.outputs and not result.failed and not args.quiet:
        print("zine: nothing changed since the last build", file=sys.stderr)
    print_diagnostics(result.diagnostics)
    summarise(result.diagnostics)
    if not args.quiet:
        print_written(result, args.out, verbose=args.verbose)
    for issue_id in result.failed:
        print(f"zine: {issue_id}: not built; its previous editions are left in place",
              file=sys.stderr)
    return 1 if has_errors(result.diagnostics) or result.failed else 0


def _build(args: argparse.Namespace, formats: Sequence[str], report: ProgressReport,
           checked: LastBuildCheck | None) -> BuildResult:
    """The build that runs: the PDF's standby forked first
    (``zine.editions.standby.start_standby``), so that it imports WeasyPrint while this
    process imports the build's modules too."""
    from zine.editions.standby import start_standby
    from zine.load.project import find_root

    with start_standby(formats, find_root([], args.root)) as standby:
        from zine.build import build_project

        return build_project(args.issues, formats=formats, out_dir=args.out, root=args.root,
                             strict_mode=args.strict, progress=report,
                             use_cache=not args.no_cache,
                             edition_options=_edition_options(args), checked=checked,
                             standby=standby)


def _check_last_build(args: argparse.Namespace, formats: Sequence[str]) -> LastBuildCheck:
    """The start of the build (``zine.runtime.lastbuild.check_last_build``), made before the
    build's modules are imported, so a build with nothing to do imports none of them; a build
    that runs is handed it and does not make it again."""
    from zine.load.project import find_root
    from zine.runtime.lastbuild import check_last_build, key_options

    options = key_options(args.issues, formats, args.strict, _edition_options(args))
    return check_last_build(find_root([], args.root), args.out, options)


def _edition_options(args: argparse.Namespace) -> dict[str, dict[str, object]]:
    return {edition.name: {option.name: getattr(args, option.name)
                           for option in edition.options}
            for edition in EDITIONS if edition.options}


def print_written(result: BuildResult, out_dir: Path, *, verbose: bool = False) -> None:
    """What the build changed: with ``verbose`` every file written; then, per issue (and for
    the site's own pages), how many files were written and how many were already up to date;
    then one summary line. Files holding the same bytes as before are not rewritten."""
    changed = set(result.changed)
    if verbose:
        for path in result.changed:
            print(f"wrote {display_path(path)}")
    groups: dict[str, list[Path]] = {}
    for path in result.outputs:
        groups.setdefault(_output_group(path, out_dir, result.built), []).append(path)
    for name, paths in groups.items():
        written = sum(1 for path in paths if path in changed)
        print(f"{name}: {written} written, {len(paths) - written} unchanged")
    if result.outputs:
        written = sum(1 for path in result.outputs if path in changed)
        print(f"zine: {written} file(s) written, {len(result.outputs) - written} unchanged "
              f"in {display_path(out_dir)}")


def _output_group(path: Path, out_dir: Path, issues: Sequence[str]) -> str:
    """The issue an output belongs to (its folder under ``out_dir``), else "site"."""
    try:
        first = path.relative_to(out_dir.resolve()).parts[0]
    except (ValueError, IndexError):
        return "site"
    return first if first in issues else "site"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed streams
        return False


@contextlib.contextmanager
def _logs_through(report: ProgressReport) -> Iterator[None]:
    """While building on a terminal, log records go through ``report`` so they do not cut
    its live line; otherwise logging stays as ``main`` set it up."""
    if not report.live:
        yield
        return
    logger = logging.getLogger("zine")
    handler = ProgressLogHandler(report)
    handler.setFormatter(logging.Formatter("zine: %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def run_stats(args: argparse.Namespace) -> int:
    from zine.commands.stats import format_json, format_text, issue_stats
    from zine.load.loader import load_project
    from zine.load.project import find_root, select_issues

    zine, diags = load_project(find_root([], args.root))
    stats = [issue_stats(zine, issue) for issue in select_issues(zine, args.issues)]
    errors = sum(1 for d in diags if d.is_error)
    if errors:
        print(f"zine: warning: the content has {errors} error(s), so these counts may be "
              "off; 'zine check' lists them", file=sys.stderr)
    text = format_json(stats) if args.output_format == "json" else format_text(stats)
    sys.stdout.write(text)
    return 0


def run_new(args: argparse.Namespace) -> int:
    from zine.commands import new as scaffold

    if args.kind == "issue":
        path = scaffold.new_issue(args, root=args.root)
    elif args.kind == "translation":
        from zine.commands.translation import find_repo, new_translation

        path = new_translation(find_repo(args.root), args.issue, args.slug, args.language,
                               args.translator, args.new_slug)
    else:
        path = scaffold.new_article(args, root=args.root)
    print(f"created {path}")
    return 0


def run_init(args: argparse.Namespace) -> int:
    from zine.commands.init import init_root

    written = init_root(args.dir, title=args.title, language=args.language, url=args.url,
                        publisher=args.publisher)
    for path in written:
        print(f"created {display_path(path)}")
    print(f"zine: a new zine root in {display_path(args.dir)}; next: cd {args.dir} && zine "
          "check --strict && zine build")
    return 0


def run_translation(args: argparse.Namespace) -> int:
    from zine.commands.translation import find_repo, mark_current, status_report

    repo = find_repo(args.root)
    if args.action == "status":
        for line in status_report(repo):
            print(line)
        return 0
    path = mark_current(repo, args.slug, args.issue)
    print(f"updated {path}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from zine.commands.serve import serve

    return serve(host=args.host, port=args.port, root=args.root, public=args.public)


COMMANDS = {"check": run_check, "build": run_build, "new": run_new, "init": run_init,
            "serve": run_serve, "stats": run_stats, "import": run_import,
            "translation": run_translation}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="zine: %(message)s")
    try:
        args = build_parser().parse_args(argv)
        verbose = getattr(args, "verbose", False)
        logging.getLogger("zine").setLevel(logging.INFO if verbose else logging.WARNING)
        return COMMANDS[args.command](args)
    except ZineError as error:
        print(f"zine: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("zine: interrupted", file=sys.stderr)
        return 130
    except SystemExit as done:  # argparse --help / --version
        return int(done.code or 0)
