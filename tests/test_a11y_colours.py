"""Code highlighting keeps WCAG AA contrast (4.5:1) on the real code-block backgrounds.

Reads the shipped sheets through a small model of the cascade (tests/a11y_helpers.py:
imports, media, specificity, custom properties) and measures every token colour of
styles/code.css and styles/code-dark.css against the background it sits on, in every
edition and colour scheme: EPUB light and dark, PDF, the web site light, dark and printed.
"""

from __future__ import annotations

import re

import pytest

from tests.a11y_helpers import AA_NORMAL, cascade, computed, contrast, resolve, token_colours

# edition -> (linked sheets in order, (medium, scheme) it can be shown in)
EDITIONS = {
    "epub": (("base.css", "epub.css"), (("screen", "light"), ("screen", "dark"))),
    "pdf": (("pdf.css",), (("print", "light"),)),
    "site": (("base.css", "html.css"), (("screen", "light"), ("screen", "dark"),
                                        ("print", "light"))),
}
CODE_BLOCK = re.compile(r"pre\.code|pre|\.article-body pre")
CASES = [(edition, medium, scheme) for edition, (_, shown) in EDITIONS.items()
         for medium, scheme in shown]


def code_colour_failures(sheets: tuple[str, ...], medium: str, scheme: str,
                         extra: dict[str, dict[str, str]] | None = None) -> list[str]:
    """Every token (and the plain code text) under 4.5:1 against its background."""
    rules = cascade(sheets, medium, scheme)
    ink = resolve(computed(rules, CODE_BLOCK, "color"), rules)
    background = resolve(computed(rules, CODE_BLOCK, "background")
                         or computed(rules, CODE_BLOCK, "background-color"), rules)
    failures = [] if contrast(ink, background) >= AA_NORMAL else [
        f"code text {ink} on {background}: {contrast(ink, background):.2f}:1"]
    tokens = {**token_colours(rules), **(extra or {})}
    assert len(tokens) > 20, "the code sheets lost their token rules"
    for name, declarations in sorted(tokens.items()):
        if "color" not in declarations:
            continue
        colour = resolve(declarations["color"], rules)
        behind = resolve(declarations.get("background-color", background), rules)
        if contrast(colour, behind) < AA_NORMAL:
            failures.append(f".{name} {colour} on {behind}: {contrast(colour, behind):.2f}:1")
    return failures


@pytest.mark.parametrize(("edition", "medium", "scheme"), CASES,
                         ids=[f"{e}-{m}-{s}" for e, m, s in CASES])
def test_every_code_token_colour_passes_wcag_aa(edition: str, medium: str,
                                                scheme: str) -> None:
    sheets, _ = EDITIONS[edition]
    failures = code_colour_failures(sheets, medium, scheme)
    assert not failures, f"{edition} {medium} {scheme}: under 4.5:1:\n" + "\n".join(failures)


def test_the_dark_scheme_really_changes_the_code_background() -> None:
    """screen.css's dark colours win over base.css's light ones (imports come first)."""
    for sheets in (EDITIONS["epub"][0], EDITIONS["site"][0]):
        light, dark = (cascade(sheets, "screen", scheme) for scheme in ("light", "dark"))
        backgrounds = [resolve(computed(rules, CODE_BLOCK, "background"), rules)
                       for rules in (light, dark)]
        assert backgrounds[0] != backgrounds[1], sheets


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # the colours that failed Ace on the beige page before this test existed
    assert contrast("#4070a0", "#f2ede2") < AA_NORMAL
    assert contrast("#60a0b0", "#f2ede2") == pytest.approx(2.51, abs=0.02)


def test_the_check_sees_a_failing_colour() -> None:
    failures = code_colour_failures(("pdf.css",), "print", "light",
                                    extra={"zz": {"color": "#60a0b0"}})
    assert failures == ["'.zz #60a0b0 on #f2ede2: 2.51:1"[1:]]
