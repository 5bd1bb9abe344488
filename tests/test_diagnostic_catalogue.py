"""One golden test per diagnostic code of loading and checking (Z0xx-Z4xx).

Each scenario under ``tests/roots/<code>-<name>/`` holds only the files that differ from
``tests/roots/base/`` (a clean one-issue zine); ``_setup.txt`` may remove files (``rm PATH``)
or name the paths to check (``args PATH ...``). ``zine check`` runs in a copy of the tree and
its diagnostics must equal ``tests/golden/diagnostics/<scenario>.txt`` line for line.
Regenerate after a reviewed change:
``ZINE_REGEN_GOLDEN=1 pytest tests/test_diagnostic_catalogue.py``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import zine.diagnostics.codes
import zine.load.loader
from zine.check.run import check_project
from zine.diagnostics import CATALOGUE, sort_diagnostics

ROOTS = Path(__file__).parent / "roots"
GOLDEN = Path(__file__).parent / "golden" / "diagnostics"
SCENARIOS = sorted(p.name for p in ROOTS.iterdir() if re.match(r"z\d{3}-", p.name))
# Codes that no input file can trigger; each has its own test below instead of a scenario.
WITHOUT_SCENARIO = {"Z307": "test_a_markdown_parser_crash_is_a_diagnostic"}


def make_tree(scenario: str, target: Path) -> tuple[Path, list[str]]:
    """The base tree with ``scenario`` laid over it, and the paths to check."""
    shutil.copytree(ROOTS / "base", target)
    args: list[str] = []
    for source in sorted((ROOTS / scenario).rglob("*")):
        relative = source.relative_to(ROOTS / scenario)
        if source.is_dir() or relative.as_posix() == "_setup.txt":
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / relative)
    setup = ROOTS / scenario / "_setup.txt"
    for line in setup.read_text("utf-8").splitlines() if setup.exists() else []:
        verb, *rest = line.split()
        if verb == "rm":
            (target / rest[0]).unlink()
        elif verb == "args":
            args += rest
    return target, args


def check_lines(tree: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tree)
    diags = check_project([Path(a) for a in args], None)
    return [d.format(cwd=tree) for d in sort_diagnostics(diags)]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden_diagnostics(scenario: str, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    tree, args = make_tree(scenario, tmp_path / "tree")
    lines = check_lines(tree, args, monkeypatch)
    golden = GOLDEN / f"{scenario}.txt"
    if os.environ.get("ZINE_REGEN_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text("".join(f"{line}\n" for line in lines), "utf-8")
    assert lines == golden.read_text("utf-8").splitlines()
    code = scenario.split("-")[0].upper()
    assert any(line.endswith(f"[{code}]") for line in lines), f"{scenario} never reports {code}"


def test_the_base_tree_is_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ROOTS / "base", tree)
    assert check_lines(tree, [], monkeypatch) == []


def test_every_loading_and_checking_code_has_one_golden_scenario() -> None:
    assert zine.diagnostics.codes.NOT_UTF8 in CATALOGUE
    ours = sorted(c for c in CATALOGUE if c[1] in "01234")
    covered = {s.split("-")[0].upper() for s in SCENARIOS}
    missing = [c for c in ours if c not in covered and c not in WITHOUT_SCENARIO]
    assert missing == []
    assert len(covered) == len(SCENARIOS), "one scenario per code"
    assert all((GOLDEN / f"{s}.txt").is_file() for s in SCENARIOS)


def test_every_message_says_what_was_expected_or_what_to_do() -> None:
    vague = [code for code, entry in CATALOGUE.items() if code[1] in "01234"
             and not re.search(r"expected|not allowed|limit|keep|must|instead|escaped|"
                               r"demoted|no |unknown|missing|cannot|again|collides|not|"
                               r"placed|syntax error|leads outside", entry.template)]
    assert vague == []


def test_a_markdown_parser_crash_is_a_diagnostic(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    tree = tmp_path / "tree"
    shutil.copytree(ROOTS / "base", tree)
    monkeypatch.setattr(zine.load.loader, "parse_body", crash)
    assert check_lines(tree, [], monkeypatch) == [
        "issues/01-base/articles/hello.md:7:1: error: the Markdown body could not be parsed: "
        "RecursionError: maximum recursion depth exceeded [Z307]",
    ]
