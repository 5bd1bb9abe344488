"""Editions stage helper: the one Jinja2 set-up every edition's templates are rendered with.

Autoescaping is on and undefined names fail loudly, for every edition alike: contributor
text reaches templates only as data, never as markup (fragments are passed in already
rendered and marked safe by the edition). Bylines and licences are named by the same
functions in every edition (``zine.render.credits``). Templates live in
``zine/templates/<edition>/``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from zine.render import credits
from zine.text import typography

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


@functools.cache
def environment(folder: str = "", *, trim_blocks: bool = True) -> Environment:
    """The environment for ``zine/templates/<folder>`` (shared per folder; add filters once)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / folder)),
        autoescape=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=trim_blocks,
        lstrip_blocks=trim_blocks,
    )
    # bidi isolation and break points of URLs and LTR tokens; labels in their own language
    env.filters["url_text"] = typography.url
    env.filters["ltr"] = typography.ltr
    env.filters["keep_words"] = typography.join_hangul  # Korean: PDF lines break at spaces
    env.globals["label_attrs"] = typography.label_attrs
    # one byline and one licence table for every edition (zine.render.credits)
    env.globals.update(byline_text=credits.byline, byline_parts=credits.byline_parts,
                       license_of=credits.license_of)
    return env
