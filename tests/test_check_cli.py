"""``zine check`` in-process: exit status, one ``path:line:col`` line per problem, no traceback.

Hypothesis throws random bytes, random front matter and random Markdown at it: the only
acceptable outcomes are exit 0 or 1 with diagnostics, never an exception.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.check_helpers import FRONT, article, write_tree
from zine.cli import main

HELLO = "issues/01-base/articles/hello.md"
DIAGNOSTIC = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (error|warning): .+ "
                        r"\[Z\d{3}\]$")


def run_check(tree: Path, *args: str, monkeypatch: pytest.MonkeyPatch | None = None,
              capsys: pytest.CaptureFixture[str] | None = None) -> tuple[int, list[str]]:
    if monkeypatch is not None:
        monkeypatch.chdir(tree)
    status = main(["--root", str(tree), "check", *args])
    lines = capsys.readouterr().err.splitlines() if capsys is not None else []
    return status, lines


def test_a_clean_tree_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {HELLO: article()})
    assert run_check(tmp_path, monkeypatch=monkeypatch, capsys=capsys) == (0, [])


def test_malformed_input_exits_1_with_a_line_naming_the_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {HELLO: "---\ntitle: [unclosed\nauthors: x\n---\n\nText.\n"})
    status, lines = run_check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1
    assert lines[0].startswith(f"{HELLO}:3:")
    assert DIAGNOSTIC.match(lines[0])
    assert lines[-1] == "1 error(s), 0 warning(s)"
    assert "Traceback" not in "\n".join(lines)


def test_every_problem_of_a_run_is_reported_together(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {
        HELLO: article('titel: "Hi"\nauthors: [{name: Jo, coop: nowhere}]\nlanguage: xx-!\n',
                       "# Top\n\n![](https://example.org/x.png)\n"),
        "issues/01-base/articles/second.md": "no front matter\n",
        "coops.yaml": "a-coop:\n  name: A\n  country: XX\n"})
    status, lines = run_check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1
    codes = [line.rsplit("[", 1)[1].rstrip("]") for line in lines[:-1]]
    assert codes == ["Z112", "Z101", "Z102", "Z201", "Z110", "Z303", "Z401", "Z404", "Z002"]
    assert all(DIAGNOSTIC.match(line) for line in lines[:-1])


def test_strict_turns_warnings_into_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {HELLO: article(body="Some <b>HTML</b>.\n")})
    assert run_check(tmp_path, monkeypatch=monkeypatch, capsys=capsys)[0] == 0
    status, lines = run_check(tmp_path, "--strict", monkeypatch=monkeypatch, capsys=capsys)
    assert status == 1
    assert lines[0].startswith(f"{HELLO}:8:6: error: raw HTML is escaped")


def test_a_single_article_is_checkable_from_anywhere(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {HELLO: article(), "issues/01-base/articles/bad.md": "broken"})
    monkeypatch.chdir("/")
    assert main(["check", str(tmp_path / HELLO)]) == 0
    assert main(["check", str(tmp_path / "issues/01-base/articles/bad.md")]) == 1
    assert "/issues/01-base/articles/bad.md:1:1: error:" in capsys.readouterr().err


def test_a_lone_article_outside_any_zine_is_checked_and_says_so(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mine.md").write_text(article('title: "Mine"\nauthors: [Jo]\nlanguage: fr\n'),
                                      "utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "mine.md"]) == 0
    assert capsys.readouterr().err.splitlines()[0] == (
        "mine.md:1:1: warning: not inside a zine repository (no zine.yaml above it): checked "
        "with an empty coop directory [Z207]")


def test_a_path_that_does_not_exist_is_a_usage_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(tmp_path, {HELLO: article()})
    monkeypatch.chdir(tmp_path)
    assert main(["check", "issues/02-nope"]) == 2
    assert capsys.readouterr().err == "zine: error: zine check: issues/02-nope: no such file " \
                                      "or folder\n"


def _check_article_bytes(content: bytes) -> int:
    with tempfile.TemporaryDirectory() as folder:
        tree = write_tree(Path(folder), {HELLO: content})
        return main(["--root", str(tree), "check"])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(content: bytes) -> None:
    assert _check_article_bytes(b"---\n" + content) in (0, 1)
    assert _check_article_bytes(content) in (0, 1)


YAMLISH = st.text(alphabet=st.sampled_from([*"ab:-[]{}&*!|>'\"#?,~<@%\n\t \\0x1.",
                                            "\u202e", "é", "\x85", "\ufeff", "\x00"]),
                  max_size=120)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH, YAMLISH)
def test_random_front_matter_and_yaml_files_never_crash(front: str, issue: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tree = write_tree(Path(folder), {HELLO: f"---\n{front}\n---\nText.\n",
                                         "issues/01-base/issue.yaml": issue})
        assert main(["--root", str(tree), "check"]) in (0, 1)


MARKDOWNISH = st.lists(st.sampled_from(
    [*"#>*-_[]()!`<>:/.\\|~^0123 \n\t", "javascript:", "../", "%2e", "http://", "[^1]",
     "![a](", "x.png", "<b>", "\u200d"]),
    max_size=150).map("".join)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_random_markdown_never_crashes(body: str) -> None:
    assert _check_article_bytes(article(FRONT, body).encode("utf-8")) in (0, 1)
