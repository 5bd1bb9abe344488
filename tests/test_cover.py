"""The generated typographic cover: the zine's fonts, deterministic PNG bytes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageDraw

from tests.render_helpers import make_issue, make_zine
from zine.render import cover as cover_module
from zine.render.cover import HEIGHT, WIDTH, generated_cover
from zine.safety.fetcher import packaged_styles


def cover_image(tmp_path: Path, title: str = "No masters, no slaves",
                language: str = "en") -> tuple[bytes, Image.Image]:
    issue = make_issue(tmp_path, (), language=language, title=title)
    item = generated_cover(make_zine(tmp_path), issue)
    assert item.media_type == "image/png" and item.name.endswith(".png")
    image = Image.open(io.BytesIO(item.data))
    image.load()
    return item.data, image


def test_cover_is_a_png_of_the_announced_size(tmp_path: Path) -> None:
    _, image = cover_image(tmp_path)
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)


def test_cover_bytes_are_deterministic(tmp_path: Path) -> None:
    first, _ = cover_image(tmp_path)
    cover_module._cover.cache_clear()
    second, _ = cover_image(tmp_path)
    assert first == second


def test_title_changes_the_cover(tmp_path: Path) -> None:
    a, _ = cover_image(tmp_path, "First title")
    b, _ = cover_image(tmp_path, "Second title")
    assert a != b


def test_cover_uses_the_zine_fonts() -> None:
    font = cover_module._font("NotoSerif-Bold.ttf", 40)
    assert "Noto Serif" in " ".join(font.getname())


@pytest.mark.parametrize(("language", "title", "family"), [
    ("ar", "تعاونيات التقنية", "Noto Naskh Arabic"),
    ("ja", "技術協同組合の未来", "Noto Serif CJK"),
    ("el", "Συνεργατικές τεχνολογίας", "Noto Serif"),
    ("ru", "Технологические кооперативы", "Noto Serif"),
])
def test_titles_in_other_scripts_get_a_font_that_has_their_letters(
        tmp_path: Path, language: str, title: str, family: str) -> None:
    if not Path("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf").exists():
        pytest.skip("system Noto fonts (fonts-noto-core, fonts-noto-cjk) are not installed")
    font = cover_module._font("NotoSerif-Bold.ttf", 60, title)
    assert font.getname()[0].startswith(family)
    _, image = cover_image(tmp_path, title, language)
    blank = Image.new("RGB", image.size, cover_module.PAPER)
    assert ImageChops.difference(image.convert("RGB"), blank).getbbox() is not None


def test_issue_without_number_or_date_still_gets_a_cover(tmp_path: Path) -> None:
    from dataclasses import replace

    issue = replace(make_issue(tmp_path, ()), number=None, date=None)
    item = generated_cover(make_zine(tmp_path), issue)
    assert Image.open(io.BytesIO(item.data)).size == (WIDTH, HEIGHT)


@pytest.mark.parametrize("rtl", [False, True])
@pytest.mark.parametrize("publisher", [
    "CoTech",
    "Tech-Coops Network, a federation of worker-owned technology cooperatives",
])
def test_the_date_and_the_publisher_never_overlap(publisher: str, rtl: bool) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(Image.new("RGB", (WIDTH, HEIGHT)))
    placed = cover_module.footer_layout(draw, publisher, "December 1, 2026", rtl)
    assert [text for text, *_ in placed] == ["December 1, 2026", publisher]
    boxes = [draw.textbbox((x, y), text, font=font, anchor=anchor)
             for text, x, y, font, anchor in placed]
    for left, _top, right, bottom in boxes:
        assert left >= cover_module.MARGIN and right <= WIDTH - cover_module.MARGIN
        assert bottom < HEIGHT - 36  # above the accent band
    (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes
    assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, boxes


def test_a_long_publisher_goes_under_the_date_on_the_cover_itself(tmp_path: Path) -> None:
    """The pixels: the footer strip holds ink on two separate bands of rows."""
    from dataclasses import replace

    long_name = "Tech-Coops Network, a federation of worker-owned technology cooperatives"
    zine = replace(make_zine(tmp_path), publisher=long_name)
    item = generated_cover(zine, make_issue(tmp_path, ()))
    image = Image.open(io.BytesIO(item.data)).convert("L")
    top = HEIGHT - cover_module.MARGIN - 100 + 10
    rows = [any(image.getpixel((x, y)) < 100 for x in range(0, WIDTH, 2))
            for y in range(top, HEIGHT - 40)]
    bands = sum(1 for i, inked in enumerate(rows) if inked and (i == 0 or not rows[i - 1]))
    assert bands == 2


# -- an issue's own cover.svg ------------------------------------------------------------------

HOSTILE_SVG = b'''<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 600 850">
  <script>alert(1)</script>
  <style>@import url(http://127.0.0.1:9/x.css);</style>
  <rect width="600" height="850" fill="#234" onload="alert(2)"/>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <use xlink:href="http://127.0.0.1:9/x.svg#a"/>
  <circle cx="300" cy="300" r="200" fill="#f80" style="fill:url(http://127.0.0.1:9/)"/>
  <foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
</svg>'''


def test_svg_cover_is_cut_down_to_the_allow_list() -> None:
    from zine.media.svg import sanitise_svg

    svg, width, height = sanitise_svg(HOSTILE_SVG)
    text = svg.decode()
    for forbidden in ("script", "style", "onload", "image", "passwd", "127.0.0.1",
                      "foreignObject"):
        assert forbidden not in text, forbidden
    assert "<rect" in text and "<circle" in text
    assert (width, height) == (1200, 1700)


@pytest.mark.parametrize("data", [
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>',
    b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>',
])
def test_svg_covers_that_cannot_be_made_safe_are_refused(data: bytes) -> None:
    from zine.media.svg import SvgError, sanitise_svg

    with pytest.raises(SvgError):
        sanitise_svg(data)


@pytest.mark.slow
def test_issue_cover_svg_becomes_a_png(tmp_path: Path) -> None:
    import shutil

    from zine.render.issue import render_issue

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) is not installed")
    cover = tmp_path / "cover.svg"
    cover.write_bytes(HOSTILE_SVG)
    rendered, diags = render_issue(make_zine(tmp_path), make_issue(tmp_path, (), cover=cover))
    assert diags == []
    assert rendered.cover.media_type == "image/png"
    image = Image.open(io.BytesIO(rendered.cover.data)).convert("RGB")
    assert image.size == (1200, 1700)
    assert image.getpixel((20, 20)) == (0x22, 0x33, 0x44)  # the background rect was drawn
    red, green, blue = image.getpixel((600, 600))  # and the circle, in its own colour
    assert red > 200 and 100 < green < 160 and blue < 60


def test_font_coverage_reader_agrees_with_fonttools() -> None:
    """``cmap_codepoints`` (read directly, no fontTools import) maps what fontTools maps."""
    from fontTools.ttLib import TTFont

    fonts = sorted((packaged_styles() / "fonts").glob("*.ttf"))
    fonts += [cover_module.SYSTEM_FONTS / name for names in cover_module._FALLBACKS.values()
              for name in names if (cover_module.SYSTEM_FONTS / name).is_file()]
    assert fonts
    for path in fonts:
        data = path.read_bytes()
        best = TTFont(io.BytesIO(data), fontNumber=0, lazy=True).getBestCmap()
        expected = {code for code, glyph in best.items() if glyph != ".notdef"}
        assert cover_module.cmap_codepoints(data) == expected, path.name
    assert cover_module._coverage("truetype/missing/Nothing.ttf") == frozenset()


LONG_TITLE = " ".join(["Cooperation, solidarity and the slow work of building shared tools"] * 6)


def test_a_long_title_is_set_smaller_and_none_of_it_is_dropped(tmp_path: Path) -> None:
    """Its last word still reaches the cover (it used to be cut after the seventh line)."""
    a, _ = cover_image(tmp_path, LONG_TITLE + " together")
    b, _ = cover_image(tmp_path, LONG_TITLE + " apart")
    assert a != b
    draw = ImageDraw.Draw(Image.new("RGB", (WIDTH, HEIGHT)))
    font, lines = cover_module._fit_title(draw, LONG_TITLE, WIDTH - 2 * cover_module.MARGIN)
    assert " ".join(lines).split() == LONG_TITLE.split() and len(lines) > 7
    assert int(font.size * 1.18) * len(lines) <= cover_module.TITLE_HEIGHT  # type: ignore[union-attr]


def test_a_short_title_keeps_its_size(tmp_path: Path) -> None:
    draw = ImageDraw.Draw(Image.new("RGB", (WIDTH, HEIGHT)))
    font, lines = cover_module._fit_title(draw, "Solidarity", WIDTH - 2 * cover_module.MARGIN)
    assert lines == ["Solidarity"] and font.size == 150  # type: ignore[union-attr]


def test_a_long_zine_title_keeps_every_word_in_the_masthead(tmp_path: Path) -> None:
    """The masthead used to show the first two lines of the zine's title and drop the rest."""
    from dataclasses import replace

    title = "THE TECH-COOPS ZINE OF THE FEDERATION OF WORKER-OWNED TECHNOLOGY COOPERATIVES"
    draw = ImageDraw.Draw(Image.new("RGB", (WIDTH, HEIGHT)))
    font, lines = cover_module.fit_masthead(draw, title, WIDTH - 2 * cover_module.MARGIN)
    assert " ".join(lines).split() == title.split() and len(lines) == 2
    assert font.size < 64  # type: ignore[union-attr]
    short, _ = cover_module.fit_masthead(draw, "TECH-COOPS ZINE", 980)
    assert short.size == 64  # type: ignore[union-attr]
    zine = make_zine(tmp_path)
    issue = make_issue(tmp_path, (), title="Solidarity")
    a = generated_cover(replace(zine, title=title.title() + " East"), issue).data
    b = generated_cover(replace(zine, title=title.title() + " West"), issue).data
    assert a != b  # the last word reaches the cover
