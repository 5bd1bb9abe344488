"""The command line's own surface: ``--help`` of every command, and usage errors.

Every command and sub-command has a description and every option a help text; ``--help``
exits 0 on stdout. A wrong command line exits 2 with exactly one line on stderr, never a
traceback, and touches nothing.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from zine.cli import build_parser, main

COMMANDS = [["check"], ["build"], ["new"], ["new", "issue"], ["new", "article"], ["init"],
            ["serve"], ["stats"], ["import"], ["new", "translation"], ["translation"],
            ["translation", "status"], ["translation", "mark-current"]]


def subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def every_parser() -> dict[str, argparse.ArgumentParser]:
    parsers = {"zine": build_parser()}
    queue = list(parsers.items())
    while queue:
        name, parser = queue.pop()
        for sub_name, sub in subparsers(parser).items():
            full = f"{name} {sub_name}"
            parsers[full] = sub
            queue.append((full, sub))
    return parsers


def test_the_documented_commands_are_all_there() -> None:
    assert sorted(every_parser()) == ["zine", "zine build", "zine check", "zine import",
                                      "zine init", "zine new",
                                      "zine new article", "zine new issue",
                                      "zine new translation", "zine serve", "zine stats",
                                      "zine translation", "zine translation mark-current",
                                      "zine translation status"]


@pytest.mark.parametrize("name", sorted(every_parser()))
def test_every_command_has_a_description_and_every_option_a_help_text(name: str) -> None:
    parser = every_parser()[name]
    assert parser.description and parser.description.strip().endswith(".")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            assert all(choice.help for choice in action._choices_actions), name
            continue
        assert action.help and action.help != argparse.SUPPRESS, (name, action.dest)


@pytest.mark.parametrize("argv", [[], *COMMANDS], ids=lambda a: " ".join(a) or "zine")
def test_help_exits_0_and_prints_usage_on_stdout(argv: list[str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--help"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith(f"usage: {' '.join(['zine', *argv])} ")
    assert captured.err == ""


def test_the_top_level_help_lists_every_command_with_a_line_each(
        capsys: pytest.CaptureFixture[str]) -> None:
    main(["--help"])
    out = capsys.readouterr().out
    for command in ("check", "build", "new", "serve", "stats"):
        assert any(line.split()[:1] == [command] and len(line.split()) > 2
                   for line in out.splitlines()), command
    assert "Exit status: 0 success, 1 content errors, 2 usage errors." in " ".join(out.split())


USAGE_ERRORS = [
    ([], "the following arguments are required: COMMAND"),
    (["publish"], "invalid choice: 'publish'"),
    (["build", "--format", "mobi"], "unknown format mobi"),
    (["build", "--format", ","], "unknown format (none)"),
    (["build", "--quiet", "--verbose"], "not allowed with argument --quiet/-q"),
    (["build", "--frmat", "pdf"], "unrecognized arguments: --frmat"),
    (["build", "02-nope"], "unknown issue '02-nope'"),
    (["check", "--format", "xml"], "invalid choice: 'xml'"),
    (["check", "issues/02-nope"], "no such file"),
    (["new"], "the following arguments are required: KIND"),
    (["new", "article", "01-base"], "the following arguments are required: --title, --author"),
    (["new", "issue", "--title", "T", "--number", "two"], "invalid int value: 'two'"),
    (["serve", "--port", "http"], "invalid int value: 'http'"),
    (["stats", "--format", "csv"], "invalid choice: 'csv'"),
    (["stats", "02-nope"], "unknown issue '02-nope'"),
    (["--root", "/nonexistent", "check"], "no zine.yaml there"),
]


@pytest.mark.parametrize(("argv", "says"), USAGE_ERRORS, ids=lambda v: " ".join(v)
                         if isinstance(v, list) else "")
def test_a_usage_error_exits_2_with_one_line(argv: list[str], says: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"issues/01-base/articles/hello.md": article()})
    monkeypatch.chdir(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("zine: error: "), captured.err
    assert says in lines[0]
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


@pytest.mark.slow
def test_the_installed_command_reports_a_usage_error_without_a_traceback(
        tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "zine", "stats", "--format", "csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
