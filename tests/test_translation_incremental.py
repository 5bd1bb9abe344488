"""Incremental builds with language editions: an edition is made again only when one of the
versions it holds (or what it prints around them) changed; the others are handed back from the
last build, files untouched (``zine.runtime.editioncache``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zine.build import BuildResult, build_project

pytestmark = pytest.mark.slow

FIXTURE = Path(__file__).parent / "roots" / "translations"
ISSUE = "07-languages"
ARTICLES = Path("issues") / ISSUE / "articles"
FORMATS = ("epub", "pdf")
STEMS = {"en": ISSUE, "de": f"{ISSUE}.de", "ar": f"{ISSUE}.ar", "ja": f"{ISSUE}.ja"}


def build(root: Path, out: Path, warnings: tuple[str, ...] = ()) -> BuildResult:
    result = build_project([], formats=FORMATS, out_dir=out, root=root)
    assert result.failed == [] and [d.code for d in result.diagnostics] == list(warnings)
    return result


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new), "utf-8")


def made(result: BuildResult) -> set[str]:
    """The language editions made (not handed back) by a build."""
    every = {f"{stem} {name}" for stem in STEMS.values() for name in FORMATS}
    return {e.split()[0] for e in every - set(result.reused)}


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "zine"
    shutil.copytree(FIXTURE, root)
    out = tmp_path / "out"
    first = build(root, out)
    assert first.reused == []
    return root, out


def test_a_changed_translation_remakes_only_its_languages_edition(
        tree: tuple[Path, Path]) -> None:
    root, out = tree
    untouched = {lang: (out / ISSUE / f"{stem}.pdf").stat().st_ino
                 for lang, stem in STEMS.items()}
    edit(root / ARTICLES / "meeting-ja.md", "国境を越えて", "国境を越えて、共に")
    result = build(root, out)
    assert made(result) == {STEMS["ja"]}
    assert {p.name for p in result.changed} >= {f"{STEMS['ja']}.epub", f"{STEMS['ja']}.pdf",
                                                "meeting-ja.epub", "meeting-ja.pdf"}
    for lang in ("en", "de", "ar"):
        assert (out / ISSUE / f"{STEMS[lang]}.pdf").stat().st_ino == untouched[lang]
    assert sorted(result.outputs) == sorted(build(root, out).outputs)  # all listed either way


def test_an_article_every_edition_holds_remakes_every_edition(tree: tuple[Path, Path]) -> None:
    root, out = tree
    edit(root / ARTICLES / "solo.md", "Only in English.", "Only in English, still.")
    assert made(build(root, out)) == set(STEMS.values())


def test_an_original_with_a_translation_everywhere_else_remakes_the_main_edition_only(
        tree: tuple[Path, Path]) -> None:
    root, out = tree
    edit(root / ARTICLES / "meeting.md", "Share work across borders.", "Share the work.")
    result = build(root, out, warnings=("Z220",))  # meeting-de.md now lags behind
    assert made(result) == {STEMS["en"]}
