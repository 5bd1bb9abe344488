"""Every CommonMark 0.31.2 and GFM extension spec example renders as the spec says, or its
article gets a diagnostic: nothing a contributor writes is silently different.

In-process and fast (one load and check of a zine holding every example as an article, then one
fragment render per article; no edition is built). See ``tests/spec_harness.py`` for what is
compared and what is normalised as the pipeline's design.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.check_helpers import write_tree
from tests.render_helpers import png_bytes
from tests.spec_harness import IMAGE_FILES, Example, category, examples, outline, same
from zine.check.run import check_project
from zine.load.loader import load_project
from zine.model.rendered import MediaItem
from zine.render.issue import render_fragment

# Reviewed silent differences: example -> (category, why). Empty since the links between
# articles landed (issue 10 item 2); it may only shrink: a new silent difference fails the
# test, and so does an entry that is no longer silent or whose category changed.
KNOWN_SILENT: dict[str, tuple[str, str]] = {}

ALL = examples()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, ...]]:
    """example name -> (verdict, detail): "same", "reported" or "silent" (with a category),
    or "crash" (with the exception)."""
    root = tmp_path_factory.mktemp("spec")
    files = {f"issues/01-base/articles/{example.name}.md": _article(example)
             for example in ALL}
    files.update({f"issues/01-base/articles/{name}": png_bytes() for name in IMAGE_FILES})
    write_tree(root, files)
    diags = check_project([], root)
    reported = {Path(d.pos.path).stem for d in diags}
    crashed = {Path(d.pos.path).stem: d.message for d in diags if d.code in ("Z307", "Z501")}
    zine, _ = load_project(root)
    articles = {a.slug: a for issue in zine.issues for a in issue.articles}
    results: dict[str, tuple[str, ...]] = {}
    for example in ALL:
        if example.name in crashed:  # the parser raised: caught, but a crash all the same
            results[example.name] = ("crash", crashed[example.name])
            continue
        try:
            article = articles[example.name]
            images = {image.src: MediaItem(image.src, "image/png", b"", 40, 30)
                      for image in article.body.images if image.path is not None}
            html = render_fragment(article, images)
            expected, found = outline(example.html), outline(html)
        except Exception as error:  # the verdict names it; the test below fails on it
            results[example.name] = ("crash", f"{type(error).__name__}: {error}")
            continue
        if same(example, expected, found):
            results[example.name] = ("same",)
        elif example.name in reported:
            results[example.name] = ("reported", category(expected, found))
        else:
            results[example.name] = ("silent", category(expected, found))
    return results


def _article(example: Example) -> str:
    return (f'---\ntitle: "Spec example {example.number}"\nauthors:\n'
            f'  - name: "Spec editors"\n---\n{example.markdown}')


def test_the_spec_examples_are_all_there() -> None:
    counts = Counter(example.source for example in ALL)
    assert counts == {"cm": 652, "gfm": 28}


def test_no_example_crashes(outcomes: dict[str, tuple[str, ...]]) -> None:
    crashes = {name: verdict[1] for name, verdict in outcomes.items() if verdict[0] == "crash"}
    assert crashes == {}


def test_no_silent_difference(outcomes: dict[str, tuple[str, ...]]) -> None:
    silent = {name: verdict[1] for name, verdict in outcomes.items() if verdict[0] == "silent"}
    assert {name: kind for name, kind in silent.items()
            if KNOWN_SILENT.get(name, ("",))[0] != kind} == {}
    assert sorted(set(KNOWN_SILENT) - set(silent)) == [], "no longer silent: drop from the list"


def test_most_examples_render_as_the_spec_says(outcomes: dict[str, tuple[str, ...]]) -> None:
    """A floor, so that "reported" cannot quietly become the answer to everything."""
    same = sum(1 for verdict in outcomes.values() if verdict[0] == "same")
    assert same >= 0.72 * len(ALL)
