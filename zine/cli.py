"""Command line: parses arguments and calls the stages; the only place that prints.

``main(argv=None) -> int`` so tests run it in-process. Exit status: 0 success, 1 content
errors, 2 usage errors. Content problems reach the user as ``path:line:col`` lines, every
"cannot go on" as one line: never a Python traceback.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from zine import __version__
from zine.diagnostics import Diagnostic, has_errors, sort_diagnostics, strict
from zine.errors import UsageError, ZineError

FORMATS = ("epub", "pdf", "html", "booklet")
DEFAULT_FORMATS = ("epub", "pdf", "html")

log = logging.getLogger("zine")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="zine", description="Publishing pipeline of the tech-coops zine.")
    parser.add_argument("--version", action="version", version=f"zine {__version__}")
    parser.add_argument("--root", type=Path, default=None,
                        help="the zine repository (default: found from the paths or the "
                             "working directory: the folder holding zine.yaml)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    check = sub.add_parser("check", help="validate issues or single articles")
    check.add_argument("paths", nargs="*", type=Path,
                       help="issue folders or .md files (default: every issue)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--format", choices=("text", "github"), default="text",
                       dest="output_format", help="diagnostic output format")

    build = sub.add_parser("build", help="build editions of issues")
    build.add_argument("issues", nargs="*", help="issue ids (default: every issue)")
    build.add_argument("--format", default=",".join(DEFAULT_FORMATS), dest="formats",
                       help=f"comma-separated subset of {','.join(FORMATS)}")
    build.add_argument("--out", type=Path, default=Path("build"), help="output folder")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--quiet", "-q", action="store_true", help="only report problems")

    new = sub.add_parser("new", help="scaffold an issue or an article")
    kinds = new.add_subparsers(dest="kind", required=True, parser_class=_Parser)
    new_issue = kinds.add_parser("issue", help="a new issue folder with issue.yaml")
    new_issue.add_argument("id", nargs="?", help="issue id, e.g. 02-solidarity")
    new_issue.add_argument("--title", required=True)
    new_issue.add_argument("--number", type=int, default=None,
                           help="default: one more than the highest")
    new_issue.add_argument("--date", default=None, help="ISO date, default: today")
    new_issue.add_argument("--language", default=None)
    new_article = kinds.add_parser("article", help="a new article in an issue")
    new_article.add_argument("issue", help="issue id")
    new_article.add_argument("--title", required=True)
    new_article.add_argument("--author", action="append", required=True,
                             help="author name (repeatable)")
    new_article.add_argument("--coop", action="append", default=[],
                             help="coop id of the author at the same place (repeatable)")
    new_article.add_argument("--slug", default=None)
    new_article.add_argument("--language", default=None)

    serve = sub.add_parser("serve", help="local preview of the HTML edition")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1 (loopback)")
    serve.add_argument("--public", action="store_true",
                       help="allow a --host that is not loopback")
    return parser


def print_diagnostics(diags: Sequence[Diagnostic], output_format: str = "text") -> None:
    for diag in sort_diagnostics(diags):
        if output_format == "github":
            from zine.diagnostics import display_path

            kind = "error" if diag.is_error else "warning"
            print(f"::{kind} file={display_path(diag.pos.path)},line={diag.pos.line},"
                  f"col={diag.pos.col},title={diag.code}::{diag.message}", file=sys.stderr)
        else:
            print(diag.format(), file=sys.stderr)


def summarise(diags: Sequence[Diagnostic]) -> None:
    errors = sum(1 for d in diags if d.is_error)
    warnings = len(diags) - errors
    if diags:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def run_check(args: argparse.Namespace) -> int:
    from zine.checks import check_project

    diags = check_project(args.paths, root=args.root)
    if args.strict:
        diags = strict(diags)
    print_diagnostics(diags, args.output_format)
    summarise(diags)
    return 1 if has_errors(diags) else 0


def run_build(args: argparse.Namespace) -> int:
    from zine.build import build_project

    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise UsageError(f"zine build: unknown format {', '.join(unknown) or '(none)'}; "
                         f"choose from {', '.join(FORMATS)}")
    result = build_project(args.issues, formats=formats, out_dir=args.out, root=args.root,
                           strict_mode=args.strict, quiet=args.quiet)
    if args.strict:
        result.diagnostics[:] = strict(result.diagnostics)
    print_diagnostics(result.diagnostics)
    summarise(result.diagnostics)
    if not args.quiet:
        for path in result.outputs:
            print(f"wrote {path}")
    for issue_id in result.failed:
        print(f"zine: {issue_id}: not built; its previous editions are left in place",
              file=sys.stderr)
    return 1 if has_errors(result.diagnostics) or result.failed else 0


def run_new(args: argparse.Namespace) -> int:
    from zine import scaffold

    if args.kind == "issue":
        path = scaffold.new_issue(args, root=args.root)
    else:
        path = scaffold.new_article(args, root=args.root)
    print(f"created {path}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from zine.serve import serve

    return serve(host=args.host, port=args.port, root=args.root, public=args.public)


COMMANDS = {"check": run_check, "build": run_build, "new": run_new, "serve": run_serve}


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="zine: %(message)s")
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args)
    except ZineError as error:
        print(f"zine: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("zine: interrupted", file=sys.stderr)
        return 130
    except SystemExit as done:  # argparse --help / --version
        return int(done.code or 0)
