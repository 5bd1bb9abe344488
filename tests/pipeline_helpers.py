"""Helpers shared by the pipeline tests: the content in another folder, rendered issues."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import REPO
from zine.model.rendered import RenderedIssue


def copy_content(dest: Path) -> Path:
    """The zine's content (not its code) in another folder."""
    dest.mkdir(parents=True)
    for name in ("zine.yaml", "coops.yaml"):
        shutil.copy(REPO / name, dest / name)
    shutil.copytree(REPO / "issues", dest / "issues")
    return dest


def render_project(root: Path, whole: bool = False) -> list[RenderedIssue]:
    """Every issue of the repository at ``root`` through the real loader and render core, as
    its main edition (what the EPUB and PDF editions are given: translations left out), or
    ``whole``, with every version (what the HTML edition is given)."""
    from zine.diagnostics import has_errors
    from zine.load.loader import load_project
    from zine.render.issue import render_issue
    from zine.render.translations import edition_views

    zine, diags = load_project(root)
    assert not has_errors(diags), [d.format() for d in diags]
    rendered = []
    for issue in zine.issues:
        result, render_diags = render_issue(zine, issue)
        assert not has_errors(render_diags), [d.format() for d in render_diags]
        rendered.append(result if whole else edition_views(result)[-1])
    return rendered
