"""``zine new issue|article`` writes files that pass ``zine check --strict`` at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.check_helpers import article, write_tree
from zine.cli import main
from zine.load.loader import load_project

ISSUE_WITH_CONTENTS = ('number: 1\ntitle: "Base"\ndate: 2020-01-01\nlanguage: en\n'
                       "contents:\n  - hello\n  - section: Reports\n    articles: [report]\n")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write_tree(tmp_path, {"issues/01-base/articles/hello.md": article()})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


def test_a_new_issue_gets_the_next_number_and_passes_check(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "issue", "--title", 'Solidarity: "across" borders']) == 0
    created = tree / "issues/02-solidarity-across-borders/issue.yaml"
    assert capsys.readouterr().out == f"created {created}\n"
    assert main(["check", "--strict"]) == 0
    zine, _ = load_project(tree)
    issue = zine.issues[1]
    assert (issue.number, issue.title, issue.language) == (2, 'Solidarity: "across" borders',
                                                           "en")
    assert issue.date is not None and issue.date.isoformat() == "2023-11-14"


def test_a_new_issue_takes_the_given_id_number_date_and_language(tree: Path) -> None:
    assert main(["new", "issue", "07-seven", "--title", "Sete", "--number", "7",
                 "--date", "2021-05-01", "--language", "pt-BR"]) == 0
    assert (tree / "issues/07-seven/issue.yaml").read_text("utf-8") == (
        'number: 7\ntitle: "Sete"\ndate: 2021-05-01\nlanguage: pt-BR\n'
        "# An article written in Word or LibreOffice: zine import FILE.docx 07-seven (see "
        "CONTRIBUTING.md)\n")
    assert main(["check", "--strict", "issues/07-seven"]) == 0


def test_a_new_article_passes_check_with_its_authors_and_coops(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "article", "01-base", "--title", "Coopérer sans frontières",
                 "--author", "Jo Example", "--coop", "it-kollektiv", "--author", "Ana",
                 "--language", "fr"]) == 0
    path = tree / "issues/01-base/articles/cooperer-sans-frontieres.md"
    assert capsys.readouterr().out == f"created {path}\n"
    assert main(["check", "--strict", str(path)]) == 0
    zine, _ = load_project(tree)
    (new,) = [a for a in zine.issues[0].articles if a.slug == "cooperer-sans-frontieres"]
    assert new.title == "Coopérer sans frontières"
    assert [(a.name, a.coop) for a in new.authors] == [("Jo Example", "it-kollektiv"),
                                                       ("Ana", None)]
    assert new.language == "fr"


def test_a_new_article_is_appended_to_the_contents_of_its_issue(tree: Path) -> None:
    write_tree(tree, {"issues/01-base/issue.yaml": ISSUE_WITH_CONTENTS,
                      "issues/01-base/articles/report.md": article()})
    assert main(["new", "article", "01-base", "--title", "Late news", "--author", "Jo"]) == 0
    assert (tree / "issues/01-base/issue.yaml").read_text("utf-8") == (
        ISSUE_WITH_CONTENTS + "  - late-news\n")
    assert main(["check", "--strict"]) == 0


@pytest.mark.parametrize(("argv", "message"), [
    (["new", "article", "01-base", "--title", "Hello", "--author", "Jo"],
     "zine: error: zine new article: an article 'hello' already exists in 01-base\n"),
    (["new", "article", "01-bsae", "--title", "X", "--author", "Jo"],
     "zine: error: zine new article: no issue '01-bsae'; did you mean '01-base'?\n"),
    (["new", "article", "01-base", "--title", "X", "--author", "Jo", "--coop", "it-kolektiv"],
     "zine: error: zine new article: unknown coop 'it-kolektiv'; did you mean 'it-kollektiv'? "
     "(see coops.yaml)\n"),
    (["new", "article", "01-base", "--title", "X", "--author", "Jo", "--slug", "../../x"],
     "zine: error: slug '../../x': use lowercase letters, digits and hyphens, starting with a "
     "letter or digit\n"),
    (["new", "article", "01-base", "--title", "\u202eevil", "--author", "Jo"],
     "zine: error: --title contains the control or format character U+202E\n"),
    (["new", "issue", "--title", "Again", "--number", "1"],
     "zine: error: zine new issue: number 1 is already used\n"),
    (["new", "issue", "01-base", "--title", "Again"],
     "zine: error: zine new issue: issues/01-base already exists\n"),
    (["new", "issue", "--title", "X", "--date", "2024-02-30"],
     "zine: error: --date '2024-02-30': expected YYYY-MM-DD\n"),
    (["new", "issue", "--title", "X", "--language", "english"],
     "zine: error: --language 'english' is not a BCP 47 language tag (e.g. en, pt-BR)\n"),
])
def test_refusals_are_one_line_usage_errors_and_write_nothing(
        tree: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str) -> None:
    before = sorted(p for p in tree.rglob("*"))
    assert main(argv) == 2
    assert capsys.readouterr().err == message
    assert sorted(p for p in tree.rglob("*")) == before
