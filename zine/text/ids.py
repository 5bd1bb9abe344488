"""Heading ids, as GitHub makes them (github-slugger 2.0.0), and the one id rule of fragments.

Used by the Markdown parser (each heading's id), the link checks (did you mean) and every
edition through the fragments (``heading_anchor``). Pure functions of text; the strip list is
read from the package's data once.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

# Heading ids are made as GitHub makes them, by github-slugger's rule: lowercase, strip every
# character of its list (punctuation but "-" and "_", symbols and emoji, controls, format
# characters such as ZWNJ, separators but the space; letters, marks and digits stay), then each
# space becomes "-". The list is github-slugger's own (zine/data/github-slugger-strip.txt).
FALLBACK_ID = "section"  # for a heading with nothing left (emoji or punctuation only)


@functools.cache
def _slugger_strip() -> re.Pattern[str]:
    text = resources.files("zine").joinpath("data/github-slugger-strip.txt").read_text("utf-8")
    ranges = []
    for line in text.splitlines():
        if line and not line.startswith("#"):
            low, high = (chr(int(part, 16)) for part in line.split("-"))
            ranges.append(re.escape(low) if low == high else f"{re.escape(low)}-{re.escape(high)}")
    return re.compile("[" + "".join(ranges) + "]")


def github_slug(text: str) -> str:
    """github-slugger's ``slug(text)``: what GitHub makes of a heading (may be empty)."""
    return _slugger_strip().sub("", text.lower()).replace(" ", "-")


def slugify(text: str) -> str:
    """A heading id as GitHub makes it; ``section`` when nothing is left of the text."""
    return github_slug(text) or FALLBACK_ID


class HeadingIds:
    """github-slugger's ``GithubSlugger``: repeats of an id get ``-1``, ``-2``, ... ."""

    def __init__(self) -> None:
        self.occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        result = original = slugify(text)
        while result in self.occurrences:
            self.occurrences[original] += 1
            result = f"{original}-{self.occurrences[original]}"
        self.occurrences[result] = 0
        return result


def heading_anchor(slug: str, heading_id: str) -> str:
    """The id a heading gets in fragments: unique across a whole issue in one document."""
    return f"{slug}--{heading_id}"
