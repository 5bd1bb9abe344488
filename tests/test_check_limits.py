"""Check-stage limits: metadata texts are clean wherever they come from, and bodies too big to
parse or lay out (tables, markup) are refused before parsing, at the line that says why."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from tests.check_helpers import COOPS_YAML, ISSUE_YAML, ZINE_YAML, article, write_tree
from zine.check.run import NOT_METADATA, check_project, metadata_texts
from zine.load.loader import load_project
from zine.load.markdown import MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, table_sizes
from zine.model import Article, Author, Coop, Issue, Section, Zine

RLO = "\u202e"
HELLO = "issues/01-base/articles/hello.md"


def diagnostics(tree: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(tree)
    return sorted(f"{d.pos.path.relative_to(tree)}:{d.pos.line} {d.code}"
                  for d in check_project([], None))


def hostile_metadata_tree(root: Path) -> Path:
    """A zine with U+202E in every metadata text a contributor can write."""
    front = (f'title: "Hello"\nsubtitle: "Sub{RLO}"\nsummary: "Sum{RLO}"\n'
             f'tags: [ok, "t{RLO}"]\nauthors:\n  - name: "Jo{RLO}"\n    coop: it-kollektiv\n')
    issue = (f'{ISSUE_YAML}description: "D{RLO}"\neditors: ["Ed{RLO}"]\n'
             f'contents:\n  - section: "Rep{RLO}orts"\n    articles: [hello]\n')
    return write_tree(root, {
        "zine.yaml": f'{ZINE_YAML}description: "Z{RLO}"\n',
        "coops.yaml": f'{COOPS_YAML}  description: "C{RLO}"\n',
        "issues/01-base/issue.yaml": issue,
        HELLO: article(front),
    })


def test_a_bidi_override_is_refused_in_every_metadata_text(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    tree = hostile_metadata_tree(tmp_path)
    assert diagnostics(tree, monkeypatch) == sorted([
        "zine.yaml:6 Z114",  # publication description
        "coops.yaml:4 Z114",  # coop description
        "issues/01-base/issue.yaml:5 Z114",  # issue description
        "issues/01-base/issue.yaml:6 Z114",  # editor
        "issues/01-base/issue.yaml:8 Z114",  # section title
        f"{HELLO}:3 Z114",  # subtitle
        f"{HELLO}:4 Z114",  # summary
        f"{HELLO}:5 Z114",  # tags
        f"{HELLO}:7 Z114",  # author name
    ])


MODEL = (Zine, Coop, Issue, Article, Author, Section)


def test_every_text_field_of_the_model_is_metadata_unless_named_otherwise(
        tmp_path: Path) -> None:
    """A text field added to the model is checked unless someone decides it is not metadata."""
    zine, _ = load_project(hostile_metadata_tree(tmp_path))
    issue = zine.issues[0]
    parts: list[object] = [zine, *zine.coops.values(), issue, *issue.articles]
    checked = {(type(part).__name__, key) for part in parts
               for _, key, _ in metadata_texts(part, issue.where.pos)}
    text_fields = {(cls.__name__, f.name) for cls in MODEL for f in dataclasses.fields(cls)
                   if f.type in ("str", "str | None", "tuple[str, ...]")}
    unchecked = {(cls, name) for cls, name in text_fields if name not in NOT_METADATA}
    reached = {name for _, name in checked} | {"title"}  # Section.title is reported as "section"
    assert {name for _, name in unchecked} <= reached
    assert "source" in NOT_METADATA  # the body is checked by zine.check.body


def test_table_sizes_counts_columns_and_rows_and_skips_code() -> None:
    text = ("intro\n\n| a | b |\n|---|:-:|\n|1|2|\n|3|4|\n\ntext\n\n```\n|a|b|\n|-|-|\n```\n"
            "> | x |\n> |---|\n> | 1 |\n\na\n---\n")
    assert table_sizes(text) == [(2, 2, 2), (13, 1, 1)]


def body_with(table: str) -> str:
    return article(body=f"Some text.\n\n{table}\n")


def table(columns: int, rows: int) -> str:
    return ("|" + "c|" * columns + "\n|" + "-|" * columns + "\n"
            + ("|" + "1|" * columns + "\n") * rows)


@pytest.mark.parametrize(("columns", "rows", "code"), [
    (MAX_TABLE_COLUMNS + 1, 1, "Z309"),
    (1, MAX_TABLE_ROWS + 1, "Z310"),
    (100, 50, "Z311"),
])
def test_an_oversized_table_is_refused_at_its_line(columns: int, rows: int, code: str,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {HELLO: body_with(table(columns, rows))})
    assert diagnostics(tmp_path, monkeypatch) == [f"{HELLO}:10 {code}"]


def test_a_table_within_the_limits_is_accepted(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {HELLO: body_with(table(MAX_TABLE_COLUMNS, 49))})  # 5,000 cells
    # no error; only the warning that the A5 print edition cannot show 100 columns readably
    assert diagnostics(tmp_path, monkeypatch) == [f"{HELLO}:10 Z507"]


@pytest.mark.parametrize("body", [
    "| a | b |\n|---|---|\n" + "|1|2|\n" * 250_000,  # 1.5 MB: 24 s and 1.7 GB before the cap
    "- a\n" * 400_000,  # 43 s and 2.1 GB to parse before the cap
    "*a* " * 400_000,
])
def test_a_body_too_big_to_parse_is_refused_quickly(body: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {HELLO: article(body=body)})
    started = time.monotonic()
    found = diagnostics(tmp_path, monkeypatch)
    assert time.monotonic() - started < 10
    assert found
    assert {line.split()[1] for line in found} <= {"Z310", "Z312"}
