"""Maintenance script (not part of the build): subset the Debian Noto fonts into the packaged
default styles, ``zine/styles/fonts/``.

Run from the repository root: ``.venv/bin/python tools/subset_fonts.py``. It reads the
fonts-noto-core files under /usr/share/fonts and writes the subset .ttf files there.
The output is deterministic (fontTools keeps table order; timestamps are taken from the source).
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/noto")
HERE = Path(__file__).resolve().parents[1] / "zine" / "styles" / "fonts"

FONTS = {
    "NotoSerif-Regular.ttf": "NotoSerif-Regular.ttf",
    "NotoSerif-Italic.ttf": "NotoSerif-Italic.ttf",
    "NotoSerif-Bold.ttf": "NotoSerif-Bold.ttf",
    "NotoSerif-BoldItalic.ttf": "NotoSerif-BoldItalic.ttf",
    "NotoSans-Regular.ttf": "NotoSans-Regular.ttf",
    "NotoSans-Bold.ttf": "NotoSans-Bold.ttf",
    "NotoSansMono-Regular.ttf": "NotoSansMono-Regular.ttf",
    "NotoSansMono-Bold.ttf": "NotoSansMono-Bold.ttf",
}

# Latin (incl. Vietnamese and African Latin), Greek, Cyrillic, punctuation, symbols in text.
UNICODES = (
    "U+0000-024F,U+0250-02FF,U+0300-036F,U+0370-03FF,U+0400-052F,U+1C80-1C8F,U+1E00-1EFF,"
    "U+1F00-1FFF,U+2000-206F,U+2070-209F,U+20A0-20CF,U+2100-218F,U+2190-21FF,U+2212,"
    "U+2215,U+2260,U+2264,U+2265,U+221E,U+2026,U+25CC,U+25CF,U+2713,U+FB00-FB06,U+FEFF,U+FFFD"
)


def subset_font(source: Path, target: Path) -> None:
    options = subset.Options()
    options.layout_features = ["*"]  # kerning, ligatures, small caps, old-style figures
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False  # smaller; screens and WeasyPrint do not need TrueType hints
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODES))
    subsetter.subset(font)
    font.save(target)


def main() -> None:
    for source, target in FONTS.items():
        subset_font(SOURCE / source, HERE / target)
        print(f"{target}: {(HERE / target).stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
