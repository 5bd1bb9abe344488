"""Strict YAML: every scalar stays a string, unsafe or ambiguous YAML is an error with a place."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from zine.load.yamlstrict import YList, YMap, parse_yaml

PATH = Path("f.yaml")


def parse(text: str, first_line: int = 1) -> tuple[object, list[str]]:
    value, diags = parse_yaml(text, PATH, first_line)
    return value, [d.format(cwd=Path.cwd()) for d in diags]


def test_scalars_stay_strings_until_the_schema_converts_them() -> None:
    value, problems = parse("language: no\nversion: 1.10\ncode: 010\nday: 2024-02-30\n"
                            "yes: on\nempty:\ntilde: ~\nquoted: ''\n")
    assert problems == []
    assert isinstance(value, YMap)
    assert value.items == {"language": "no", "version": "1.10", "code": "010",
                           "day": "2024-02-30", "yes": "on", "empty": None, "tilde": None,
                           "quoted": ""}


def test_positions_of_keys_and_values_are_kept_with_the_line_offset() -> None:
    value, _ = parse("title: Hello\nauthors:\n  - name: Jo\n", first_line=2)
    assert isinstance(value, YMap)
    assert (value.keys["title"].line, value.keys["title"].col) == (2, 1)
    assert (value.values["title"].line, value.values["title"].col) == (2, 8)
    authors = value.items["authors"]
    assert isinstance(authors, YList)
    assert (authors.positions[0].line, authors.positions[0].col) == (4, 5)


@pytest.mark.parametrize(("text", "expected"), [
    ("a: &x 1\nb: *x\n", "f.yaml:1:4: error: YAML anchors and aliases are not allowed "
                         "(found &x); write the value out [Z005]"),
    ("a: !!python/object/apply:os.system [ls]\n",
     "f.yaml:1:4: error: YAML tags are not allowed (found !!python/object/apply:os.system); "
     "write a plain value [Z006]"),
    ("a: !!str 1\n", "f.yaml:1:4: error: YAML tags are not allowed (found !!str); write a "
                     "plain value [Z006]"),
    ("a: 1\nb: 2\na: 3\n", "f.yaml:3:1: error: duplicate key 'a' (first written on line 1); "
                           "keep one [Z007]"),
    ("base: {a: 1}\nother:\n  <<: {a: 2}\n", "f.yaml:3:3: error: YAML merge keys ('<<') are "
                                             "not allowed; write the keys out [Z008]"),
])
def test_unsafe_or_ambiguous_yaml_is_refused_with_its_place(text: str, expected: str) -> None:
    assert parse(text)[1] == [expected]


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    bomb = "a: &a [x, x]\n" + "".join(f"{c}: &{c} [*{p}, *{p}]\n"
                                      for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    value, problems = parse(bomb)
    assert value is None
    assert problems == ["f.yaml:1:4: error: YAML anchors and aliases are not allowed "
                        "(found &a); write the value out [Z005]"]


def test_a_syntax_error_is_reported_at_the_file_line_of_the_problem() -> None:
    value, problems = parse('title: "Hello\nauthors: [Jo]\n', first_line=2)
    assert value is None
    assert problems == ["f.yaml:4:1: error: YAML syntax error: while scanning a quoted scalar "
                        "(started on line 2) found unexpected end of stream [Z004]"]


@pytest.mark.parametrize("text", ["[" * 5000, "a:\n" + "".join(
    "  " * i + f"k{i}:\n" for i in range(1, 40))])
def test_deep_nesting_is_an_error_not_a_crash(text: str) -> None:
    _, problems = parse(text)
    assert len(problems) == 1
    assert "[Z004]" in problems[0]


@pytest.mark.parametrize(("text", "where"), [
    ("title: x\ntags: " + "[" * 5000 + "]" * 5000 + "\n", "f.yaml:3:23:"),
    ("title: x\ndescription: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "f.yaml:3:78:"),
    ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 200)), "f.yaml:19:35:"),
])
def test_deep_nesting_is_reported_where_it_goes_too_deep_and_quickly(text: str,
                                                                    where: str) -> None:
    started = time.monotonic()
    _, problems = parse(text, first_line=2)
    assert time.monotonic() - started < 5
    assert problems == [f"{where} error: YAML syntax error: nested more than 16 levels deep "
                        "[Z004]"]


def test_nesting_at_the_limit_is_accepted() -> None:
    value, problems = parse("a: " + "[" * 15 + "x" + "]" * 15 + "\n")
    assert problems == []
    assert isinstance(value, YMap)


def test_control_characters_in_the_stream_are_a_syntax_error_with_a_column() -> None:
    assert parse("title: a\x01b\n")[1] == [
        "f.yaml:1:9: error: YAML syntax error: character U+0001 is not allowed in YAML [Z004]"]


def test_keys_must_be_text() -> None:
    _, problems = parse("? [a, b]\n: c\n")
    assert problems == ["f.yaml:1:3: error: keys must be plain text, found a list [Z011]"]


def test_an_empty_document_is_nothing() -> None:
    assert parse("") == (None, [])
    assert parse("# only a comment\n") == (None, [])
