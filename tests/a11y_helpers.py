"""Test helpers for accessibility: WCAG contrast, colours read from styles/*.css, and the
npm checkers in tools/checkers (Ace by DAISY for EPUBs, axe-core for web pages).

The checkers run on Debian's Chromium; ``make test-deps`` (tools/system-deps test) installs
them with ``npm ci``. Without them the tests that need them fail with a message that says so.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import tinycss2

ROOT = Path(__file__).resolve().parents[1]
STYLES = ROOT / "styles"
CHECKERS = ROOT / "tools" / "checkers"
CHROMIUM = os.environ.get("ZINE_CHROMIUM", "/usr/bin/chromium")
AA_NORMAL = 4.5  # WCAG 2.x 1.4.3, text under 18pt (14pt bold): code is always that small

_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\b")


# -- contrast ----------------------------------------------------------------------------

def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of ``#rgb`` or ``#rrggbb``."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio, 1 to 21."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# -- CSS ---------------------------------------------------------------------------------

def _rules(path: Path) -> list[Any]:
    return tinycss2.parse_stylesheet(path.read_text(encoding="utf-8"), skip_comments=True,
                                     skip_whitespace=True)


def _media(rule: Any) -> str:
    """'dark', 'print' or 'screen' for an @media rule (the contexts our sheets use)."""
    text = tinycss2.serialize(rule.prelude)
    if "prefers-color-scheme" in text and "dark" in text:
        return "dark"
    return "print" if "print" in text else text.strip()


def _declarations(rule: Any) -> dict[str, str]:
    found = {}
    for item in tinycss2.parse_declaration_list(rule.content, skip_comments=True,
                                                skip_whitespace=True):
        if item.type == "declaration":
            found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def style_rules(path: Path, context: str = "") -> list[tuple[str, str, dict[str, str]]]:
    """(context, selector, declarations) of every qualified rule of one sheet, in order;
    context is "" at top level, else the @media rule's ("dark", "print", ...)."""
    found = []
    for rule in _rules(path):
        if rule.type == "qualified-rule":
            selector = " ".join(tinycss2.serialize(rule.prelude).split())
            found.append((context, selector, _declarations(rule)))
        elif rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                             skip_whitespace=True)
            media = _media(rule)
            for sub in inner:
                if sub.type == "qualified-rule":
                    selector = " ".join(tinycss2.serialize(sub.prelude).split())
                    found.append((media, selector, _declarations(sub)))
    return found


def custom_properties(sheets: Sequence[str], context: str) -> dict[str, str]:
    """The ``:root`` custom properties in force in ``context`` ("" = light, "dark",
    "print") for sheets applied in this order; a context overrides the top level."""
    values: dict[str, str] = {}
    for wanted in ("", context) if context else ("",):
        for name in sheets:
            for where, selector, declarations in style_rules(STYLES / name):
                if where == wanted and selector == ":root":
                    values.update({k: v for k, v in declarations.items()
                                   if k.startswith("--")})
    return values


def resolve(value: str, properties: dict[str, str]) -> str:
    """``var(--x)`` resolved (one level is all our sheets use) to a hex colour."""
    match = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
    if match:
        value = properties[match.group(1)]
    colour = _HEX.search(value)
    assert colour, f"not a hex colour: {value!r}"
    return colour.group(0)


def token_colours(name: str) -> dict[str, dict[str, str]]:
    """Pygments class -> {"color", "background-color"} as set by one generated sheet."""
    found: dict[str, dict[str, str]] = {}
    for _context, selector, declarations in style_rules(STYLES / name):
        match = re.fullmatch(r"pre\.code \.([\w-]+)", selector)
        if match:
            found[match.group(1)] = {k: v for k, v in declarations.items()
                                     if k in ("color", "background-color")}
    return found


# -- the npm checkers --------------------------------------------------------------------

def checkers_missing() -> str:
    """Why the npm checkers cannot run here ("" when they can)."""
    if shutil.which("node") is None:
        return "node is not installed: run `make test-deps`"
    if not (CHECKERS / "node_modules" / "@daisy" / "ace-core").is_dir():
        return "tools/checkers/node_modules is missing: run `make test-deps`"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing: run `make test-deps`"
    return ""


def _run_node(script: str, args: Sequence[str], timeout: int) -> Any:
    missing = checkers_missing()
    assert not missing, missing
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    done = subprocess.run(["node", str(CHECKERS / script), *args], capture_output=True,
                          text=True, timeout=timeout, env=env, check=False)
    assert done.returncode == 0, f"{script} failed:\n{done.stderr[-4000:]}"
    return json.loads(done.stdout)


def run_ace(epubs: Iterable[Path]) -> dict[Path, dict[str, Any]]:
    """Ace's verdict on each EPUB (one Chromium for all): path -> {"violations", "metadata",
    "properties", "outcome"}; see tools/checkers/ace.js."""
    books = [Path(p) for p in epubs]
    with tempfile.TemporaryDirectory(prefix="zine-ace-") as reports:
        results = _run_node("ace.js", [reports, *map(str, books)], timeout=120 + 60 * len(books))
    return {Path(r["epub"]): r for r in results}


def run_axe(pages: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """axe-core's violations for each page at each width and colour scheme (one Chromium);
    ``pages`` are {"url": ..., "name": ...}; see tools/checkers/axe.js."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", prefix="zine-axe-",
                                     delete=False) as job:
        json.dump(pages, job)
    try:
        result: list[dict[str, Any]] = _run_node("axe.js", [job.name],
                                                 timeout=120 + 20 * len(pages))
    finally:
        Path(job.name).unlink()
    return result


def describe(violations: Iterable[dict[str, Any]]) -> str:
    """One line per violation, for assertion messages."""
    return "\n".join(f"  {v.get('where', '')} {v['rule']} ({v['impact']}): {v['location']} "
                     f"{v.get('html', '')[:160]}" for v in violations)
