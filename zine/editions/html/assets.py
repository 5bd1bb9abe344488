"""Editions stage (HTML website): shared helpers for the issue pages and the site index.

Reads CSS and fonts only through ``zine.safety.fetcher`` and writes only through
``zine.safety.writer``; knows nothing about articles. Holds the Jinja2 environment (autoescape on),
the UI strings with English fallbacks, date and size formatting, and the copying of stylesheets and
fonts. """

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from jinja2 import Environment

from zine.editions import templating
from zine.errors import ContentError
from zine.render import i18n
from zine.render.i18n import strings
from zine.safety.fetcher import ResourceDenied, Styles
from zine.safety.writer import write_all

# Linked in this order on every page (base.css imports fonts.css, code.css and its screen
# sheets); base.css is skipped if the render core does not ship it.
STYLESHEETS = ("base.css", "html.css")
REQUIRED_STYLESHEETS = frozenset({"html.css"})

_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")
_SAFE_RESOURCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*$")

_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


@functools.lru_cache(maxsize=32)
def ui_strings(language: str) -> Mapping[str, str]:
    """UI strings in ``language`` from ``zine.render.i18n`` (English for missing keys)."""
    return dict(strings(language))


def fill(template: str, **values: object) -> str:
    """``template.format(**values)``, or the template itself if its fields do not match."""
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def format_date(value: date | None, language: str) -> str:
    """A human date in ``language`` (``zine.render.i18n.format_date`` when it exists)."""
    if value is None:
        return ""
    try:
        formatter = getattr(i18n, "format_date", None)
    except ImportError:
        formatter = None
    if formatter is not None:
        try:
            return str(formatter(value, language))
        except (KeyError, ValueError, TypeError):
            pass
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


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
    Every file is read through ``zine.safety.fetcher.Styles.read``.
    """
    linked = [name for name in STYLESHEETS
              if name in REQUIRED_STYLESHEETS or styles.has(name)]
    pending = sorted(linked)
    seen: set[str] = set(pending)
    contents: dict[str, bytes] = {}
    while pending:
        name = pending.pop()
        try:
            data = styles.read(name)
        except ResourceDenied as denied:
            raise ContentError(f"html edition: cannot load styles/{name}: {denied}") from None
        contents[name] = data
        if name.endswith(".css"):
            base = PurePosixPath(name).parent
            for resource in sorted(_css_resources(data.decode("utf-8"))):
                relative = str(base / resource) if str(base) != "." else resource
                if relative not in seen:
                    seen.add(relative)
                    pending.append(relative)
    written = write_all(out_dir, [(str(target / name), contents[name])
                                  for name in sorted(contents)])
    return written, linked


def _css_resources(css: str) -> set[str]:
    """Relative resource paths (fonts, images) a stylesheet refers to with ``url()``."""
    found = set()
    for match in _CSS_URL.finditer(css):
        url = match.group(1).split("#")[0].split("?")[0]
        if _SAFE_RESOURCE.match(url) and ".." not in url.split("/"):
            found.add(url)
    return found


def web_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) link, else None (coops.yaml is input too)."""
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None
