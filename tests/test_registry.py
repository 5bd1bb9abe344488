"""The edition registry: one record per edition, read by the CLI, the build and the README.

The CLI's ``--format`` choices and help, the order and grouping of the build's work and the
README's table of editions all come from ``zine.editions.EDITIONS``; the booklet is handed the
PDF the build just wrote (``made``), never through module state.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from tests.cache_helpers import copy_content, fake_edition, use_editions
from zine import build
from zine.build import build_project
from zine.cli import build_parser, main
from zine.editions import (
    BY_NAME,
    DEFAULT_NAMES,
    EDITIONS,
    NAMES,
    Renderer,
    markdown_table,
    registry,
)
from zine.errors import UsageError
from zine.model.rendered import RenderedIssue
from zine.safety.writer import write_text

README = Path(__file__).resolve().parents[1] / "README.md"


def help_of_build() -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        build_parser().parse_args(["build", "--help"])
    return out.getvalue()


def test_every_record_is_consistent() -> None:
    assert len(set(NAMES)) == len(NAMES) and set(registry()) == set(NAMES)
    for index, edition in enumerate(EDITIONS):
        for need in edition.needs:  # made first, in the same worker
            assert need in NAMES[:index] and not BY_NAME[need].last
    assert DEFAULT_NAMES and set(DEFAULT_NAMES) <= set(NAMES)


def test_the_cli_format_choices_and_help_come_from_the_registry(
        capsys: pytest.CaptureFixture[str]) -> None:
    text = " ".join(help_of_build().split())
    assert f"comma-separated subset of {','.join(NAMES)} (default: {','.join(DEFAULT_NAMES)})" \
        in text
    for edition in EDITIONS:
        for option in edition.options:
            assert f"{option.flag} {option.help}" in text
    assert main(["build", "--format", "epub,zine"]) == 2
    assert capsys.readouterr().err == (f"zine: error: zine build: unknown format zine; choose "
                                       f"from {', '.join(NAMES)}\n")


def test_the_readme_lists_the_editions_of_the_registry() -> None:
    found = re.search(r"<!-- editions:[^\n]*-->\n(.*?)<!-- /editions -->", README.read_text(),
                      re.DOTALL)
    assert found, "README.md has no editions table"
    assert found[1] == markdown_table(), f"README.md's table should read:\n{markdown_table()}"
    assert [row.split("`")[1] for row in found[1].splitlines()[2:]] == list(NAMES)


def test_work_is_grouped_by_cost_and_needs() -> None:
    groups = build._task_groups(NAMES)
    flat = [name for group in groups for name in group]
    assert sorted(flat) == sorted(e.name for e in EDITIONS if not e.last)
    costs = [BY_NAME[group[0]].cost for group in groups]
    assert costs == sorted(costs, reverse=True)
    for group in groups:
        for position, name in enumerate(group):
            assert all(need in group[:position] for need in BY_NAME[name].needs)
    assert build._task_groups(("booklet",)) == [("booklet",)]


def recording(name: str) -> Renderer:
    """A fake edition that also writes down the options it was given (workers are forked)."""
    plain = fake_edition(name)

    def render(rendered: RenderedIssue, out_dir: Path, **options: object) -> list[Path]:
        made: Mapping[str, Sequence[Path]] = options.pop("made", {})  # type: ignore[assignment]
        given = {"options": sorted(options.items()),
                 "made": sorted((key, sorted(p.name for p in paths))
                                for key, paths in made.items())}
        issue = rendered.issue  # an edition in another language: <stem>.<name>.options
        prefix = "" if issue.stem == issue.id else f"{issue.stem}."
        log = write_text(out_dir, f"{issue.id}/{prefix}{name}.options", repr(given))
        return [*plain(rendered, out_dir), log]

    return render


@pytest.mark.parametrize("cpus", [1, 2])
def test_the_booklet_is_handed_the_paths_the_pdf_wrote(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cpus: int) -> None:
    use_editions(monkeypatch, **{name: recording(name) for name in NAMES})
    monkeypatch.setattr("os.cpu_count", lambda: cpus)
    content = copy_content(tmp_path / "c")
    result = build_project([], formats=NAMES, out_dir=tmp_path / "out", root=content,
                           use_cache=False, edition_options={"booklet": {"crop_marks": True}})
    assert not result.failed and result.built
    for issue in result.built:
        given = {name: (tmp_path / "out" / issue / f"{name}.options").read_text()
                 for name in NAMES}
        pdf_wrote = sorted([f"{issue}.pdf", "pdf.pid", "pdf.options"])
        assert given == {
            "epub": repr({"options": [], "made": []}),
            "pdf": repr({"options": [], "made": []}),
            "html": repr({"options": [], "made": []}),
            "booklet": repr({"options": [("crop_marks", True)], "made": [("pdf", pdf_wrote)]})}
        german = (tmp_path / "out" / issue / f"{issue}.de.booklet.options").read_text()
        de_wrote = sorted(f"{issue}.de.{name}" for name in ("pdf", "pdf.pid", "pdf.options"))
        assert german == repr({"options": [("crop_marks", True)], "made": [("pdf", de_wrote)]})


def test_options_an_edition_does_not_take_are_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="the epub edition takes no option crop_marks"):
        build_project([], formats=("epub",), out_dir=tmp_path / "out",
                      root=copy_content(tmp_path / "c"),
                      edition_options={"epub": {"crop_marks": True}})
