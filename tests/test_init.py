"""``zine init DIR``: a new zine root that passes ``zine check --strict`` and builds at once.

The root it writes has no styles/: every edition is built from the packaged defaults. The
wheel installed in a fresh virtual environment does the same in tests/test_wheel.py.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
import yaml

from tests.epub_helpers import epubcheck
from zine.cli import main
from zine.load.loader import load_project

ISSUE = "01-the-first-issue"


@pytest.fixture
def made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert main(["init", "coop-news"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "created coop-news/zine.yaml"
    assert out[-1].startswith("zine: a new zine root in coop-news; next: cd coop-news")
    return tmp_path / "coop-news"


def test_init_writes_a_whole_root_and_no_styles(made: Path) -> None:
    files = sorted(str(p.relative_to(made)) for p in made.rglob("*") if p.is_file())
    assert files == [".github/workflows/zine.yml", ".gitignore", "README.md", "coops.yaml",
                     f"issues/{ISSUE}/articles/welcome.md", f"issues/{ISSUE}/issue.yaml",
                     "zine.yaml"]
    zine, diags = load_project(made)
    assert diags == []
    assert (zine.title, zine.language, zine.url) == ("Coop News", "en",
                                                     "https://zine.example.org/")
    issue = zine.issues[0]
    assert (issue.id, issue.number, str(issue.date)) == (ISSUE, 1, "2023-11-14")
    assert [a.slug for a in issue.articles] == ["welcome"]
    assert [a.coop for a in issue.articles[0].authors] == ["our-coop"] and "our-coop" in zine.coops


def test_the_new_root_passes_a_strict_check_from_inside_and_outside(
        made: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(made), "check", "--strict"]) == 0
    assert main(["check", "--strict", str(made / "issues" / ISSUE)]) == 0
    monkeypatch.chdir(made / "issues" / ISSUE)
    assert main(["check", "--strict"]) == 0
    assert "warning" not in capsys.readouterr().err


def test_the_workflow_checks_strictly_and_builds(made: Path) -> None:
    workflow = yaml.safe_load((made / ".github/workflows/zine.yml").read_text("utf-8"))
    steps = workflow["jobs"]["zine"]["steps"]
    commands = [step.get("run", "") for step in steps]
    assert any(c.startswith("zine check --strict") for c in commands)
    assert any(c.startswith("zine build") for c in commands)
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["env"]["ZINE_PACKAGE"].startswith("zine")


def test_the_readme_names_the_commands_for_this_root(made: Path) -> None:
    readme = (made / "README.md").read_text("utf-8")
    assert readme.startswith("# Coop News\n")
    for command in ("zine check --strict", "zine build", "zine serve",
                    f"zine new article {ISSUE} --title", "--coop our-coop"):
        assert command in readme
    assert "@" not in readme.replace("git+", "")  # every placeholder filled


@pytest.mark.parametrize("entry", ["notes.txt", ".git"])
def test_init_refuses_a_folder_that_is_not_empty(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / entry).write_text("mine", encoding="utf-8")
    assert main(["init", str(target)]) == 2
    assert capsys.readouterr().err == (f"zine: error: zine init: {target} is not empty (it "
                                       f"holds {entry}); give a new or empty folder\n")
    assert sorted(p.name for p in target.iterdir()) == [entry]


def test_init_fills_an_empty_folder_and_takes_the_options(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "empty"
    target.mkdir()
    assert main(["init", str(target), "--title", "Kooperativ", "--language", "de",
                 "--publisher", "Das Kollektiv", "--url", "https://zine.example.de"]) == 0
    zine, diags = load_project(target)
    assert diags == []
    assert (zine.title, zine.publisher, zine.language, zine.url) == (
        "Kooperativ", "Das Kollektiv", "de", "https://zine.example.de/")
    assert zine.issues[0].language == "de"


@pytest.mark.parametrize("options, message", [
    (["--language", "not a tag"], "--language 'not a tag' is not a BCP 47 language tag"),
    (["--url", "zine.example.org"], "--url 'zine.example.org': expected an http(s) address"),
    (["--title", " "], "--title must not be empty"),
])
def test_bad_options_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   options: list[str], message: str) -> None:
    assert main(["init", str(tmp_path / "z"), *options]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "z").exists()


def test_init_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["init", str(tmp_path / "file")]) == 2
    assert "is not a folder" in capsys.readouterr().err


@pytest.mark.slow
def test_the_new_root_builds_every_edition_from_the_packaged_styles(
        made: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(made)
    assert main(["build", "--strict", "--format", "epub,pdf,html,booklet"]) == 0
    out = made / "build" / ISSUE
    for name in (f"{ISSUE}.epub", f"{ISSUE}.pdf", f"{ISSUE}-booklet.pdf", "welcome.html",
                 "index.html", "styles/html.css", "offprints/welcome.pdf"):
        assert (out / name).is_file(), name
    assert (made / "build" / "index.html").is_file()
    assert not (made / "styles").exists()
    with zipfile.ZipFile(out / f"{ISSUE}.epub") as book:
        assert "EPUB/styles/fonts/NotoSerif-Regular.ttf" in book.namelist()
    assert epubcheck(out / f"{ISSUE}.epub") == []
