"""One crawl of the stylesheets' ``url()``s for the EPUB and the HTML edition
(``zine.safety.fetcher.Styles.collect``): what a sheet names is read by the style rules,
whatever it names outside the style folders is refused, not skipped or fetched."""

from __future__ import annotations

from pathlib import Path

import pytest

from zine.safety.fetcher import ResourceDenied, Styles, css_references


def test_references_are_style_files_relative_to_their_sheet() -> None:
    css = ('@import url("fonts.css"); @font-face { src: url(\'../fonts/a.ttf?v=2#x\') }'
           ' .x { background: url(data:image/png;base64,AAAA) } .y { fill: url(#grad) }')
    assert css_references("themes/dark.css", css) == ["themes/fonts.css", "fonts/a.ttf"]


def test_collect_follows_imports_and_fonts_once(tmp_path: Path) -> None:
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "a.ttf").write_bytes(b"font")
    (tmp_path / "a.css").write_text('@import url("b.css"); @import url("b.css");')
    (tmp_path / "b.css").write_text('@font-face { src: url("fonts/a.ttf") }')
    found = Styles((tmp_path,)).collect(["a.css"], rewrite=lambda css: css + b"/**/")
    assert sorted(found) == ["a.css", "b.css", "fonts/a.ttf"]
    assert found["b.css"].endswith(b"/**/") and found["fonts/a.ttf"] == b"font"


@pytest.mark.parametrize("ref", ["../secret.css", "https://fonts.example/x.woff2",
                                 "/etc/passwd", "missing.ttf"])
def test_collect_refuses_what_is_not_a_style_file(tmp_path: Path, ref: str) -> None:
    (tmp_path / "secret.css").write_text("")
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "a.css").write_text(f'@font-face {{ src: url("{ref}") }}')
    with pytest.raises(ResourceDenied):
        Styles((styles,)).collect(["a.css"])
