"""``zine new translation``, ``zine translation status`` and ``zine translation mark-current``:
a translation records the digest of the original it was made from (``translated_from``),
``zine check`` warns once the original changed (Z220), ``status`` shows the words that changed
(the recorded version is found in git history) and ``mark-current`` records the new digest."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from zine.check.run import check_project
from zine.cli import main

FIXTURE = Path(__file__).parent / "roots" / "translations"
ARTICLES = Path("issues/07-languages/articles")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "zine"
    shutil.copytree(FIXTURE, root)
    monkeypatch.chdir(root)
    return root


def commit(root: Path) -> None:
    git = ["git", "-C", str(root), "-c", "user.email=t@example.org", "-c", "user.name=t"]
    if not (root / ".git").exists():
        subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "step"], check=True)


def codes(root: Path) -> list[str]:
    return [d.code for d in check_project([], root)]


def test_new_translation_starts_from_the_original_and_checks_clean(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "translation", "07-languages", "solo", "--language", "de",
                 "--translator", "Zine editorial collective"]) == 0
    created = repo / ARTICLES / "solo-de.md"
    assert capsys.readouterr().out == f"created {created}\n"
    text = created.read_text("utf-8")
    front, body = text.split("\n---\n", 1)
    assert 'title: "Solo"' in front and "language: de" in front
    assert "translation_of: solo" in front and 'translated_from: "sha256:' in front
    assert '  - name: "Zine editorial collective"' in front
    assert body.lstrip("\n") == (repo / ARTICLES / "solo.md").read_text("utf-8").split(
        "\n---\n", 1)[1].lstrip("\n")
    assert codes(repo) == []


@pytest.mark.parametrize(("args", "message"), [
    (["solo", "--language", "en"], "'solo' is already in 'en'"),
    (["meeting", "--language", "de"], "already has a translation into 'de': meeting-de"),
    (["meetnig", "--language", "fr"], "no article 'meetnig' in 07-languages; did you mean "
                                      "'meeting'?"),
    (["meeting-de", "--language", "fr"], "'meeting-de' is a translation of 'meeting'"),
    (["solo", "--language", "de_DE"], "is not a BCP 47 language tag"),
])
def test_new_translation_refuses_what_would_not_check(
        repo: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(["new", "translation", "07-languages", *args]) == 2
    assert message in capsys.readouterr().err


def test_a_changed_original_is_reported_with_its_changed_words_until_marked_current(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    commit(repo)  # the version meeting-de.md was translated from is in git
    original = repo / ARTICLES / "meeting.md"
    original.write_text(original.read_text("utf-8").replace(
        "Share work across borders.", "Share work and tools across borders."), "utf-8")
    commit(repo)
    assert codes(repo) == ["Z220"]
    capsys.readouterr()
    assert main(["translation", "status"]) == 0
    report = capsys.readouterr().out.splitlines()
    at = report.index("issues/07-languages/articles/meeting-de.md (de, of meeting): the "
                      "original changed since this translation")
    assert report[at + 1] == "  ... ## Decisions Share work {+and tools+} across borders. ..."
    assert report[at + 2] == "  then run: zine translation mark-current meeting-de"
    assert main(["translation", "mark-current", "meeting-de"]) == 0
    assert codes(repo) == []
    capsys.readouterr()
    main(["translation", "status"])
    assert "meeting-de.md (de, of meeting): up to date" in capsys.readouterr().out


def test_mark_current_adds_the_record_to_a_translation_without_one(repo: Path) -> None:
    path = repo / ARTICLES / "meeting-ja.md"
    before = path.read_text("utf-8")
    assert main(["translation", "mark-current", "meeting-ja"]) == 0
    after = path.read_text("utf-8")
    assert after.split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # the body as it was
    assert 'translated_from: "sha256:' in after.split("\n---\n", 1)[0]
    assert codes(repo) == []


def test_status_without_git_history_says_to_compare_by_hand(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    original = repo / ARTICLES / "meeting.md"
    original.write_text(original.read_text("utf-8") + "\nOne more line.\n", "utf-8")
    main(["translation", "status"])
    assert "is not in git history; compare issues/07-languages/articles/meeting.md by hand" \
        in capsys.readouterr().out


def test_mark_current_of_an_unknown_translation_suggests_one(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["translation", "mark-current", "meeting-dee"]) == 2
    assert "no translation 'meeting-dee'; did you mean 'meeting-de'?" in capsys.readouterr().err
