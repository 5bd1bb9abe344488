"""``zine check --format github``: diagnostics as GitHub Actions annotations.

One ``::error|warning file=...,line=...,col=...,title=Z...::message`` line per problem on
stdout (where the runner reads workflow commands), values escaped by GitHub's rules (the
actions/toolkit ``escapeData``/``escapeProperty``): ``%`` ``\\r`` ``\\n`` everywhere, and ``:``
``,`` in properties. A parser written like the runner's reads every field back unchanged,
however hostile the file name or message, and no second command can be smuggled in.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.check_helpers import article, write_tree
from zine.cli import github_annotation, github_data, github_property, main
from zine.diagnostics import Diagnostic, Severity
from zine.model import Position

COMMAND = re.compile(r"^::(?P<kind>[a-z]+) (?P<props>[^:]*)::(?P<message>.*)$")


def read_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """(kind, properties, message) as the runner parses a workflow command."""
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for pair in match["props"].split(","):
        key, _, value = pair.partition("=")
        props[key] = unquote(value)
    return match["kind"], props, unquote(match["message"])


def test_percent_and_line_breaks_are_escaped_in_messages() -> None:
    assert github_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github_data("a::b, c: d") == "a::b, c: d"  # after the second :: it is all message


def test_colons_and_commas_are_escaped_in_properties() -> None:
    assert github_property("a,b:c::d%e\nf") == "a%2Cb%3Ac%3A%3Ad%25e%0Af"


@given(path=st.text(min_size=1).filter(lambda p: "\x00" not in p
                                        and p.replace("/", "_") not in (".", "..")),
       message=st.text())
def test_every_field_reads_back_unchanged(path: str, message: str) -> None:
    name = path.replace("/", "_")
    diag = Diagnostic(Position(Path("/nowhere") / name, 12, 3), Severity.WARNING, message,
                      "Z302")
    line = github_annotation(diag)
    assert "\n" not in line and "\r" not in line  # one line, so one command
    kind, props, back = read_annotation(line)
    assert kind == "warning"
    assert props == {"file": str(Path("/nowhere") / name), "line": "12", "col": "3",
                     "title": "Z302"}
    assert back == message


def test_check_prints_annotations_on_stdout_and_the_summary_on_stderr(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = "issues/01-base/articles/100%, really: yes.md"
    write_tree(tmp_path, {
        "issues/01-base/articles/hello.md": article(body="Some <br> HTML.\n"),
        bad: "no front matter\n"})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "github"]) == 1
    captured = capsys.readouterr()
    annotations = [read_annotation(line) for line in captured.out.splitlines()]
    assert [(kind, props["file"], props["line"], props["col"], props["title"])
            for kind, props, _ in annotations] == [
        ("error", bad, "1", "1", "Z002"),
        ("error", bad, "1", "1", "Z115"),  # the file name is not a valid slug either
        ("warning", "issues/01-base/articles/hello.md", "8", "6", "Z302")]
    assert annotations[2][2].startswith("raw HTML is escaped")
    assert "100%, really: yes" in annotations[1][2]
    assert captured.err == "2 error(s), 1 warning(s)\n"


def test_check_github_with_strict_turns_warnings_into_error_annotations(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"issues/01-base/articles/hello.md": article(body="A <b>b</b>.\n")})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "github"]) == 0
    assert capsys.readouterr().out.startswith("::warning file=issues/01-base/")
    assert main(["check", "--strict", "--format", "github"]) == 1
    assert capsys.readouterr().out.startswith("::error file=issues/01-base/")


def test_a_clean_tree_prints_no_annotation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {"issues/01-base/articles/hello.md": article()})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--format", "github"]) == 0
    assert capsys.readouterr() == ("", "")


def test_the_example_workflow_runs_the_github_check_on_pull_requests() -> None:
    yaml = pytest.importorskip("yaml")
    path = Path(__file__).resolve().parents[1] / "examples" / "github-workflow.yml"
    workflow = yaml.safe_load(path.read_text("utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1: on is true
    assert "pull_request" in triggers
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert uses[:2] == ["actions/checkout", "actions/setup-python"]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "pip install" in runs
    assert "zine check --format github" in runs
