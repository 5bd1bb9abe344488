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

from zine.safety.fetcher import packaged_styles

ROOT = Path(__file__).resolve().parents[1]
STYLES = packaged_styles()
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
# A small model of the cascade, enough for our sheets: @import (with a media type) expanded
# in place, @media for print, screen and prefers-color-scheme: dark, and the specificity of
# simple selectors. A medium is "screen" or "print"; a scheme is "light" or "dark".

Rule = tuple[tuple[int, int, int], int, str, dict[str, str]]  # specificity, order, selector


def _declarations(content: Any) -> dict[str, str]:
    found = {}
    for item in tinycss2.parse_declaration_list(content, skip_comments=True,
                                                skip_whitespace=True):
        if item.type == "declaration":
            found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def _applies(media: str, medium: str, scheme: str) -> bool:
    media = media.strip().lower()
    if not media:
        return True
    if "prefers-color-scheme" in media:
        return scheme == ("dark" if "dark" in media else "light") and "print" not in media
    return medium in media or "all" in media


def specificity(selector: str) -> tuple[int, int, int]:
    ids = selector.count("#")
    classes = selector.count(".") + len(re.findall(r":(?!:)", selector))
    elements = len(re.findall(r"(?:^|[\s>+~])[a-zA-Z]", selector))
    return ids, classes, elements


def cascade(sheets: Sequence[str], medium: str, scheme: str) -> list[Rule]:
    """Every style rule in force for ``medium`` and ``scheme`` when ``sheets`` are linked
    in this order: imports expanded where they stand, each rule with its cascade order."""
    found: list[Rule] = []

    def walk(name: str, rules: Iterable[Any]) -> None:
        for rule in rules:
            if rule.type == "qualified-rule":
                selectors = " ".join(tinycss2.serialize(rule.prelude).split())
                for selector in (part.strip() for part in selectors.split(",")):
                    found.append((specificity(selector), len(found), selector,
                                  _declarations(rule.content)))
            elif rule.type == "at-rule" and rule.lower_at_keyword == "import":
                tokens = [t for t in rule.prelude if t.type not in ("whitespace", "comment")]
                target = tokens[0]
                url = (target.value if target.type in ("url", "string")
                       else target.arguments[0].value)
                media = tinycss2.serialize(tokens[1:])
                if _applies(media, medium, scheme):
                    walk(url, _parse(url))
            elif (rule.type == "at-rule" and rule.lower_at_keyword == "media" and rule.content
                  and _applies(tinycss2.serialize(rule.prelude), medium, scheme)):
                walk(name, tinycss2.parse_rule_list(rule.content, skip_comments=True,
                                                        skip_whitespace=True))

    for sheet in sheets:
        walk(sheet, _parse(sheet))
    return found


def _parse(name: str) -> list[Any]:
    return tinycss2.parse_stylesheet((STYLES / name).read_text(encoding="utf-8"),
                                     skip_comments=True, skip_whitespace=True)


def computed(rules: list[Rule], selector: re.Pattern[str], prop: str) -> str:
    """The winning value of ``prop`` among rules whose selector matches (or "")."""
    best: tuple[tuple[int, int, int], int] | None = None
    value = ""
    for spec, order, sel, declarations in rules:
        if selector.fullmatch(sel) and prop in declarations and (
                best is None or (spec, order) > best):
            best, value = (spec, order), declarations[prop]
    return value


_ROOT = re.compile(r"(html)?:root")


def resolve(value: str, rules: list[Rule]) -> str:
    """``var(--x)`` resolved through the ``:root`` rules in force, to a hex colour."""
    for _ in range(5):
        match = re.fullmatch(r"var\((--[\w-]+)\)", value.strip())
        if not match:
            break
        value = computed(rules, _ROOT, match.group(1))
    colour = _HEX.search(value)
    assert colour, f"not a hex colour: {value!r}"
    return colour.group(0)


def token_colours(rules: list[Rule]) -> dict[str, dict[str, str]]:
    """Pygments class -> the winning {"color", "background-color"} of ``pre.code .class``."""
    classes = sorted({m.group(1) for _, _, sel, _ in rules
                      if (m := re.fullmatch(r"pre\.code \.([\w-]+)", sel))})
    found: dict[str, dict[str, str]] = {}
    for name in classes:
        pattern = re.compile(rf"pre\.code \.{re.escape(name)}")
        found[name] = {prop: value for prop in ("color", "background-color")
                       if (value := computed(rules, pattern, prop))}
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


# -- EPUB accessibility metadata against the book's content -------------------------------

_OPF = "{http://www.idpf.org/2007/opf}"
_XHTML = "{http://www.w3.org/1999/xhtml}"
_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
CONFORMS_TO = "EPUB Accessibility 1.1 - WCAG 2.1 Level AA"


def epub_claim_problems(path: Path) -> list[str]:
    """Each accessibility claim of the OPF that the book's content does not bear out."""
    import io
    import zipfile

    from lxml import etree
    from PIL import Image

    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    opf = etree.fromstring(files["EPUB/content.opf"])
    meta: dict[str, list[str]] = {}
    for element in opf.iter(f"{_OPF}meta"):
        if element.get("property"):
            meta.setdefault(element.get("property", ""), []).append(element.text or "")
    items = list(opf.iter(f"{_OPF}item"))
    docs = {f"EPUB/{i.get('href')}": etree.fromstring(files[f"EPUB/{i.get('href')}"])
            for i in items if i.get("media-type") == "application/xhtml+xml"}
    images = [img for doc in docs.values() for img in doc.iter(f"{_XHTML}img")]
    body_docs = [doc for name, doc in docs.items() if "/article-" in name]
    figures = [img for doc in body_docs for img in doc.iter(f"{_XHTML}img")]
    notes = [a for doc in body_docs for a in doc.iter(f"{_XHTML}a")
             if a.get("role") == "doc-noteref"]
    headings = [h for doc in body_docs for level in range(1, 7)
                for h in doc.iter(f"{_XHTML}h{level}")]
    maths = [m for doc in docs.values() for m in doc.iter("{http://www.w3.org/1998/Math/MathML}math")]
    features = set(meta.get("schema:accessibilityFeature", []))
    summary = " ".join(meta.get("schema:accessibilitySummary", []))
    problems = []

    def claim(ok: bool, what: str) -> None:
        if not ok:
            problems.append(what)

    claim(meta.get("dcterms:conformsTo") == [CONFORMS_TO], "dcterms:conformsTo")
    claim(bool(meta.get("a11y:certifiedBy", [""])[0]), "a11y:certifiedBy")
    claim(("alternativeText" in features) == bool(images), "alternativeText iff images")
    claim(all((img.get("alt") or "").strip() for img in images), "every image has alt text")
    claim(("visual" in meta.get("schema:accessMode", [])) == bool(images), "accessMode visual")
    claim("textual" in meta.get("schema:accessMode", []), "accessMode textual")
    claim(meta.get("schema:accessModeSufficient") == ["textual"], "accessModeSufficient")
    claim("MathML" not in features and "describedMath" not in features and not maths,
          "no MathML, none claimed")
    claim(("structuralNavigation" in features) == bool(headings), "structuralNavigation")
    toc = [nav for doc in docs.values() for nav in doc.iter(f"{_XHTML}nav")
           if nav.get(_EPUB_TYPE) == "toc" and list(nav.iter(f"{_XHTML}a"))]
    claim(("tableOfContents" in features) == bool(toc), "tableOfContents iff a nav toc")
    claim(not features & {"pageBreakMarkers", "printPageNumbers", "captions", "transcript",
                          "synchronizedAudioText", "ttsMarkup", "index"},
          "no feature the book lacks")
    media = [i for i in items if (i.get("media-type") or "").startswith(("audio/", "video/"))]
    animated = [name for name, data in files.items() if name.endswith((".gif", ".png", ".webp"))
                and getattr(Image.open(io.BytesIO(data)), "n_frames", 1) > 1]
    claim(meta.get("schema:accessibilityHazard") == ["none"] and not media and not animated,
          "hazard none: no audio, video or animation")
    claim(("Footnotes" in summary) == bool(notes), "summary mentions footnotes iff there are")
    claim(("Every image has a text alternative" in summary) == bool(figures),
          "summary mentions figures iff there are")
    return problems


def ace_failures(epubs: Iterable[Path]) -> list[str]:
    """Ace's violations of any impact, and its verdicts that are not "pass", as text lines
    (empty when every book passes); Ace runs once for all the books."""
    books = list(epubs)
    assert books, "no EPUB to check"
    reports = run_ace(books)
    lines = []
    for book in books:
        report = reports[Path(book)]
        for v in report["violations"]:
            lines.append(f"{Path(book).name}: {v['rule']} ({v['impact']}) {v['location']} "
                         f"{v['html'][:120]}")
        if report["outcome"] != "pass" and not report["violations"]:
            lines.append(f"{Path(book).name}: outcome {report['outcome']}")
        properties = report["properties"] or {}
        if properties.get("hasMathML") or properties.get("hasFormElements"):
            lines.append(f"{Path(book).name}: Ace found MathML or forms: {properties}")
    return lines


def epub_dark_contrast_failures(epub: Path, folder: Path) -> list[str]:
    """axe-core's colour-contrast rule on every content document of ``epub`` in the dark
    colour scheme (Ace checks the light one): what a reader in night mode gets."""
    import zipfile

    with zipfile.ZipFile(epub) as archive:
        archive.extractall(folder)
    documents = sorted(folder.glob("EPUB/*.xhtml"))
    assert documents, f"no content documents in {epub}"
    results = run_axe([{"url": d.as_uri(), "name": d.name, "widths": [1280],
                        "schemes": ["dark"], "rules": ["color-contrast"]} for d in documents])
    return [f"{r['name']}: {v['rule']} {v['location']} {v.get('summary', '')[:200]}"
            for r in results for v in r["violations"]]
