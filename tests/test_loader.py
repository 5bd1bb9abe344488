"""The loader reads files into the frozen model: encodings, front matter, order, defaults."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.check_helpers import FRONT, article, write_tree
from zine.errors import UsageError
from zine.load.loader import MAX_ARTICLE, load_project
from zine.load.project import find_root

ARTICLES = "issues/01-base/articles/"


def codes_of(diags: list) -> list[str]:
    return sorted(d.code for d in diags)


def test_a_bom_and_crlf_line_ends_are_accepted(tmp_path: Path) -> None:
    text = "\ufeff" + article(body="Line one.\n\n## Two\n").replace("\n", "\r\n")
    write_tree(tmp_path, {ARTICLES + "hello.md": text.encode("utf-8")})
    zine, diags = load_project(tmp_path)
    assert diags == []
    hello = zine.issues[0].articles[0]
    assert hello.title == "Hello"
    assert hello.body_line == 7
    assert hello.source == "\nLine one.\n\n## Two\n"
    assert hello.body.headings[0].pos.line == 10
    assert hello.where.at("title").line == 2


def test_values_are_typed_by_the_schema_not_by_yaml(tmp_path: Path) -> None:
    write_tree(tmp_path, {ARTICLES + "hello.md": article(FRONT + "language: no\ndraft: true\n"
                                                        "tags: [1.10, '010']\n")})
    zine, diags = load_project(tmp_path)
    assert diags == []
    issue = zine.issues[0]
    assert (issue.number, issue.date, issue.language) == (1, date(2020, 1, 1), "en")
    hello = issue.articles[0]
    assert (hello.language, hello.draft, hello.tags) == ("no", True, ("1.10", "010"))
    assert hello.license == "CC-BY-SA-4.0"  # the zine's default, through the issue
    assert issue.published == ()


def test_front_matter_must_open_on_line_one(tmp_path: Path) -> None:
    write_tree(tmp_path, {ARTICLES + "hello.md": "\n" + article()})
    _, diags = load_project(tmp_path)
    assert [d.format(cwd=tmp_path) for d in diags] == [
        "issues/01-base/articles/hello.md:1:1: error: expected front matter opening with '---' "
        "on line 1, found '' [Z002]"]


def test_a_model_is_built_even_from_wrong_values(tmp_path: Path) -> None:
    write_tree(tmp_path, {"issues/01-base/issue.yaml": "number: one\ndate: 2019-13-01\n",
                          ARTICLES + "hello.md": article("subtitle: [a]\n")})
    zine, diags = load_project(tmp_path)
    issue = zine.issues[0]
    assert (issue.number, issue.date, issue.title) == (None, None, "")
    assert issue.articles[0].title == ""
    assert codes_of(diags) == ["Z102", "Z102", "Z102", "Z102", "Z103", "Z103", "Z104"]


def test_an_article_over_the_size_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    write_tree(tmp_path, {ARTICLES + "big.md": article(body="x" * MAX_ARTICLE)})
    _, diags = load_project(tmp_path)
    assert [d.code for d in diags] == ["Z009"]
    assert "the article is" in diags[0].message


def test_without_contents_articles_come_in_file_name_order(tmp_path: Path) -> None:
    write_tree(tmp_path, {ARTICLES + "02-second.md": article(),
                          ARTICLES + "01-first/index.md": article(),
                          ARTICLES + "10-last.md": article(),
                          ARTICLES + "01-first/photo.md.txt": "not an article"})
    zine, diags = load_project(tmp_path)
    assert diags == []
    issue = zine.issues[0]
    assert [a.slug for a in issue.articles] == ["01-first", "02-second", "10-last"]
    first = issue.articles[0]
    assert first.folder == tmp_path / ARTICLES / "01-first"
    assert issue.articles[1].folder == tmp_path / ARTICLES.rstrip("/")
    assert [s.title for s in issue.sections] == [None]


def test_contents_orders_articles_into_sections(tmp_path: Path) -> None:
    issue_yaml = ('number: 1\ntitle: "Base"\ndate: 2020-01-01\nlanguage: en\ncontents:\n'
                  "  - editorial\n  - section: Reports\n    articles: [b-report, a-report]\n")
    write_tree(tmp_path, {"issues/01-base/issue.yaml": issue_yaml,
                          ARTICLES + "a-report.md": article(), ARTICLES + "b-report.md": article(),
                          ARTICLES + "editorial.md": article(), ARTICLES + "zz-late.md": article()})
    zine, diags = load_project(tmp_path)
    issue = zine.issues[0]
    assert [a.slug for a in issue.articles] == ["editorial", "b-report", "a-report", "zz-late"]
    assert [(s.title, [a.slug for a in s.articles]) for s in issue.sections] == [
        (None, ["editorial"]), ("Reports", ["b-report", "a-report"]), (None, ["zz-late"])]
    assert [(d.code, d.pos.line) for d in diags] == [("Z206", 6)]


def test_only_an_article_loads_its_issue_with_that_article(tmp_path: Path) -> None:
    issue_yaml = 'number: 1\ntitle: "Base"\ndate: 2020-01-01\nlanguage: de\ncontents: [a, b]\n'
    write_tree(tmp_path, {"issues/01-base/issue.yaml": issue_yaml,
                          ARTICLES + "a.md": article(), ARTICLES + "b.md": "broken",
                          "issues/02-other/issue.yaml": "broken: ["})
    zine, diags = load_project(tmp_path, [tmp_path / ARTICLES / "a.md"])
    assert diags == []
    assert [i.id for i in zine.issues] == ["01-base"]
    assert [a.slug for a in zine.issues[0].articles] == ["a"]
    assert zine.issues[0].articles[0].language == "de"


def test_a_markdown_file_outside_the_issues_uses_the_zine_defaults(tmp_path: Path) -> None:
    write_tree(tmp_path, {"drafts/my-idea.md": article()})
    zine, diags = load_project(tmp_path, [tmp_path / "drafts/my-idea.md"])
    assert diags == []
    (lone,) = zine.issues
    assert lone.id == ""
    assert [(a.slug, a.language, a.license) for a in lone.articles] == [
        ("my-idea", "en", "CC-BY-SA-4.0")]


def test_symlinked_articles_are_not_followed(tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(article(), "utf-8")
    write_tree(tmp_path / "zine", {})
    (tmp_path / "zine" / ARTICLES).mkdir(parents=True)
    (tmp_path / "zine" / ARTICLES / "leak.md").symlink_to(secret)
    zine, diags = load_project(tmp_path / "zine")
    assert zine.issues[0].articles == ()
    assert [d.code for d in diags] == ["Z010"]


def test_the_root_is_found_by_walking_up_from_the_first_path(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              ) -> None:
    write_tree(tmp_path, {ARTICLES + "hello.md": article()})
    monkeypatch.chdir("/")
    assert find_root([tmp_path / ARTICLES / "hello.md"], None) == tmp_path
    monkeypatch.chdir(tmp_path / ARTICLES)
    assert find_root([], None) == tmp_path
    monkeypatch.chdir(tmp_path.parent)
    with pytest.raises(UsageError, match=r"no zine\.yaml found"):
        find_root([tmp_path.parent], None)
    with pytest.raises(UsageError, match="--root"):
        find_root([], tmp_path / "issues")
