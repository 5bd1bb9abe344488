"""Editions stage (HTML website): link-preview cards, ``<issue-id>/cards/<slug>.png``.

``card_png(text)`` draws a 1200x630 PNG (the Open Graph size) with an article's or issue's
title, byline and the zine's name, in the text's language and direction. It uses the PDF's
engine and fonts, not Pillow's text drawing, so Arabic, Devanagari and Japanese are shaped
right: an HTML page laid out by WeasyPrint (fonts from ``styles/`` through
``zine.fetcher.RestrictedFetcher``, system Noto fonts as the fallback, like the PDF) into a
one-page PDF, which poppler's ``pdftoppm`` rasterises, as ``zine.svgcover`` does for covers.
Cards are kept in the build cache (``zine.cache.BlobStore``, kind ``cards``) keyed by their
HTML and the code, so a rebuild draws only new or changed cards; the same text gives the same
bytes. Writes only temporary files in a private folder; the HTML edition writes the PNGs.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from zine.errors import ZineError

WIDTH, HEIGHT = 1200, 630

PAGE = """<!DOCTYPE html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<link rel="stylesheet" href="styles/fonts.css">
<style>
@page {{ size: {width}px {height}px; margin: 0 }}
html, body {{ margin: 0; width: {width}px; height: {height}px; }}
body {{ background: #fbf7ee; color: #1f1b16; box-sizing: border-box; padding: 64px 80px;
  border-bottom: 24px solid #b33a1e;
  font-family: "Zine Serif", "Noto Serif", "Noto Naskh Arabic", "Noto Serif Devanagari",
    "Noto Serif Hebrew", "Noto Serif CJK JP", "Noto Serif CJK SC", serif; }}
.zine {{ font-family: "Zine Sans", "Noto Sans", sans-serif; font-weight: 700;
  letter-spacing: 0.14em; text-transform: uppercase; font-size: 26px; color: #b33a1e; }}
.label {{ font-family: "Zine Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Devanagari",
  "Noto Sans CJK JP", sans-serif; font-size: 26px; margin-top: 8px; }}
body {{ position: relative; }}
.title {{ font-weight: 700; font-size: {size}px; line-height: 1.2; margin-top: 72px;
  overflow: hidden; max-height: 300px; }}
.byline {{ position: absolute; left: 80px; right: 80px; bottom: 56px;
  font-family: "Zine Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Devanagari",
  "Noto Sans CJK JP", sans-serif; font-size: 30px; }}
</style></head><body>
<div class="zine" lang="{zine_lang}" dir="auto">{zine}</div>
<div class="label">{label}</div>
<div class="title">{title}</div>
<div class="byline">{byline}</div>
</body></html>
"""


class CardError(ZineError):
    """A link-preview card could not be drawn."""


@dataclass(frozen=True)
class CardText:
    """What a card shows."""

    title: str
    byline: str
    label: str  # e.g. "Issue 2 · Across borders"
    zine: str
    language: str
    direction: str
    zine_language: str = "en"


def card_html(text: CardText) -> str:
    size = 76 if len(text.title) <= 40 else 60 if len(text.title) <= 90 else 46
    return PAGE.format(
        lang=escape(text.language), dir="rtl" if text.direction == "rtl" else "ltr",
        width=WIDTH, height=HEIGHT, size=size, zine=escape(text.zine),
        zine_lang=escape(text.zine_language), label=escape(text.label),
        title=escape(text.title), byline=escape(text.byline),
    )


def card_png(text: CardText, store: object | None = None) -> bytes:
    """The 1200x630 PNG card for ``text`` (from ``store``, a ``BlobStore``, when cached)."""
    from zine.cache import BlobStore

    html = card_html(text)
    key = BlobStore.key("card", html) if isinstance(store, BlobStore) else ""
    if isinstance(store, BlobStore):
        cached = store.get(key)
        if cached is not None:
            return cached
    png = _draw(html)
    if isinstance(store, BlobStore):
        store.put(key, png)
    return png


def card_pdf(html: str) -> bytes:
    """The card laid out by WeasyPrint as a one-page PDF (its text layer is the card's text)."""
    from weasyprint import HTML

    from zine.fetcher import BASE_URL, RestrictedFetcher

    fetcher = RestrictedFetcher({})
    data: bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    return data


def _draw(html: str) -> bytes:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise CardError("link-preview cards need poppler's pdftoppm (Debian: poppler-utils)")
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="zine-card-") as folder:
        pdf = Path(folder) / "card.pdf"
        pdf.write_bytes(card_pdf(html))
        out = Path(folder) / "card"
        try:
            subprocess.run([pdftoppm, "-png", "-singlefile", "-scale-to-x", str(WIDTH),
                            "-scale-to-y", str(HEIGHT), str(pdf), str(out)],
                           check=True, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError) as exc:
            raise CardError(f"could not rasterise a link-preview card: {exc}") from exc
        with Image.open(out.with_suffix(".png")) as image:
            buffer = io.BytesIO()
            image.convert("RGB").save(buffer, "PNG", optimize=True)  # no metadata chunks
    return buffer.getvalue()
