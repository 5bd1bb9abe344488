"""Code highlighting keeps WCAG AA contrast (4.5:1) on the real code-block backgrounds.

Reads the shipped sheets (styles/code.css, styles/code-dark.css and the edition sheets that
set the code background) and measures every token colour against the background it sits
on, in every edition and colour scheme: EPUB light and dark, PDF, the web site light, dark
and printed.
"""

from __future__ import annotations

import re

import pytest

from tests.a11y_helpers import (
    AA_NORMAL,
    STYLES,
    contrast,
    custom_properties,
    resolve,
    style_rules,
    token_colours,
)

# edition -> (sheets in cascade order, colour contexts it can be shown in)
EDITIONS = {
    "epub": (("base.css", "screen.css", "epub.css"), ("", "dark")),
    "pdf": (("base.css", "pdf.css"), ("",)),
    "site": (("base.css", "screen.css", "html.css"), ("", "dark", "print")),
}
_CODE_BLOCK = re.compile(r"^(pre\.code|pre|\.article-body pre)$")


def _code_block(sheets: tuple[str, ...], context: str) -> tuple[str, str]:
    """(ink, background) of a code block, from the last rules that set them."""
    properties = custom_properties(sheets, context)
    ink = background = ""
    for name in sheets:
        for where, selector, declarations in style_rules(STYLES / name):
            if where not in ("", context) or not _CODE_BLOCK.match(selector):
                continue
            ink = declarations.get("color", ink)
            background = declarations.get("background", declarations.get(
                "background-color", background))
    assert ink and background, f"no code-block colours in {sheets}"
    return resolve(ink, properties), resolve(background, properties)


def _tokens(context: str) -> dict[str, dict[str, str]]:
    """Token class -> declarations in force: the dark sheet overrides the light one."""
    tokens = token_colours("code.css")
    if context == "dark":
        for name, declarations in token_colours("code-dark.css").items():
            tokens[name] = {**tokens.get(name, {}), **declarations}
    return tokens


CASES = [(edition, context) for edition, (_, contexts) in EDITIONS.items()
         for context in contexts]


@pytest.mark.parametrize(("edition", "context"), CASES,
                         ids=[f"{e}-{c or 'light'}" for e, c in CASES])
def test_every_code_token_colour_passes_wcag_aa(edition: str, context: str) -> None:
    sheets, _ = EDITIONS[edition]
    ink, background = _code_block(sheets, context)
    assert contrast(ink, background) >= AA_NORMAL, (ink, background)
    failures = []
    tokens = _tokens(context)
    assert len(tokens) > 20, "the code sheets lost their token rules"
    for name, declarations in sorted(tokens.items()):
        colour = declarations.get("color")
        if not colour:
            continue
        behind = declarations.get("background-color", background)
        ratio = contrast(colour, behind)
        if ratio < AA_NORMAL:
            failures.append(f".{name} {colour} on {behind}: {ratio:.2f}:1")
    assert not failures, f"{edition} {context or 'light'}: under 4.5:1:\n" + "\n".join(failures)


def test_contrast_formula_matches_wcag_examples() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    # the colours that failed Ace on the beige page before this test existed
    assert contrast("#4070a0", "#f2ede2") < AA_NORMAL
    assert contrast("#60a0b0", "#f2ede2") == pytest.approx(2.51, abs=0.02)


def test_the_check_sees_a_failing_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measurement is live: a token rule with a pale colour is reported."""
    import tests.test_a11y_colours as module

    real = module._tokens
    monkeypatch.setattr(module, "_tokens",
                        lambda context: {**real(context), "zz": {"color": "#60a0b0"}})
    with pytest.raises(AssertionError, match=r"\.zz #60a0b0"):
        test_every_code_token_colour_passes_wcag_aa("pdf", "")
