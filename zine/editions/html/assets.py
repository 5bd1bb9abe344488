"""Editions stage (HTML website): shared helpers for the issue pages and the site index.

Reads CSS and fonts only through ``zine.safety.fetcher`` and writes only through
``zine.safety.writer``; knows nothing about articles. Holds the Jinja2 environment (autoescape on),
size formatting, and the copying of stylesheets and fonts; UI strings and dates come from
``zine.render.i18n`` as in every edition."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from jinja2 import Environment

from zine.editions import templating
from zine.errors import ContentError
from zine.safety.fetcher import ResourceDenied, Styles
from zine.safety.writer import write_all

# Linked in this order on every page (base.css imports fonts.css, code.css and its screen
# sheets); base.css is skipped if the render core does not ship it.
STYLESHEETS = ("base.css", "html.css")
REQUIRED_STYLESHEETS = frozenset({"html.css"})


def fill(template: str, **values: object) -> str:
    """``template.format(**values)``, or the template itself if its fields do not match."""
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def format_size(size: int) -> str:
    """Bytes as a short human size (``1.4 MB``), the same in every language."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"



def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=1)
def template_env() -> Environment:
    env = templating.environment("html")
    env.filters["fill"] = lambda template, **values: fill(template, **values)
    return env


def copy_styles(out_dir: Path, target: PurePosixPath,
                styles: Styles) -> tuple[list[Path], list[str]]:
    """Copy the HTML stylesheets, what they ``@import`` and the fonts they use from ``styles``
    (a zine root's effective styles) to ``out_dir/target``.

    Returns the files written and the stylesheet names to link (relative to ``target``).
    Every file is read through ``zine.safety.fetcher.Styles.collect``.
    """
    files, linked = style_files(target, styles)
    return write_all(out_dir, files), linked


def style_files(target: PurePosixPath, styles: Styles
                ) -> tuple[list[tuple[str, bytes]], list[str]]:
    """What ``copy_styles`` writes, as ``(path under the output folder, bytes)``, and the
    stylesheet names to link."""
    linked = [name for name in STYLESHEETS
              if name in REQUIRED_STYLESHEETS or styles.has(name)]
    try:
        contents = styles.collect(sorted(linked))
    except ResourceDenied as denied:
        raise ContentError(f"html edition: cannot load {denied.url}: {denied}") from None
    return [(str(target / name), contents[name]) for name in sorted(contents)], linked


def web_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) link, else None (coops.yaml is input too)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None
