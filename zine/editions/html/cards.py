"""Editions stage (HTML website): link-preview cards, ``<issue-id>/cards/<slug>.png``.

``card_png(text)`` draws a 1200x630 PNG (the Open Graph size) with an article's or issue's
title, byline and the zine's name, in the text's language and direction. It uses the PDF's
engine and fonts, not Pillow's text drawing, so Arabic, Devanagari and Japanese are shaped
right: an HTML page laid out by WeasyPrint (fonts from the zine root's styles through
``zine.safety.fetcher.RestrictedFetcher``, system Noto fonts as the fallback, like the PDF) into a
PDF with a page per card, which one ``pdftoppm`` run rasterises (as ``zine.media.svg`` does for
covers): the fonts are loaded and the tools started once per issue, not once per card.
Cards are kept in the build cache (``zine.runtime.cache.BlobStore``, kind ``cards``) keyed by
their HTML, the effective style files and the code, so a rebuild draws only new or changed
cards; the same text gives the same bytes. Writes only temporary files in a private folder; the
HTML edition writes the PNGs.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from zine.errors import ZineError
from zine.runtime.cache import BlobStore
from zine.safety.fetcher import BASE_URL, RestrictedFetcher, Styles

WIDTH, HEIGHT = 1200, 630

PAGE = """<!DOCTYPE html>
<html lang="{zine_lang}"><head><meta charset="utf-8">
<link rel="stylesheet" href="styles/fonts.css">
<style>
@page {{ size: {width}px {height}px; margin: 0 }}
html, body {{ margin: 0; }}
section {{ width: {width}px; height: {height}px; box-sizing: border-box; padding: 64px 80px;
  background: #fbf7ee; color: #1f1b16; border-bottom: 24px solid #b33a1e;
  position: relative; overflow: hidden; break-after: page;
  font-family: "Zine Serif", "Noto Serif", "Noto Naskh Arabic", "Noto Serif Devanagari",
    "Noto Serif Hebrew", "Noto Serif CJK JP", "Noto Serif CJK SC", serif; }}
section:last-child {{ break-after: auto; }}
.zine {{ font-family: "Zine Sans", "Noto Sans", sans-serif; font-weight: 700;
  letter-spacing: 0.14em; text-transform: uppercase; font-size: 26px; color: #b33a1e; }}
.label {{ font-family: "Zine Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Devanagari",
  "Noto Sans CJK JP", sans-serif; font-size: 26px; margin-top: 8px; }}
.title {{ font-weight: 700; line-height: 1.2; margin-top: 72px;
  overflow: hidden; max-height: 300px; }}
.byline {{ position: absolute; left: 80px; right: 80px; bottom: 56px;
  font-family: "Zine Sans", "Noto Sans", "Noto Sans Arabic", "Noto Sans Devanagari",
  "Noto Sans CJK JP", sans-serif; font-size: 30px; }}
</style></head><body>
{cards}
</body></html>
"""

CARD = """<section lang="{lang}" dir="{dir}">
<div class="zine" lang="{zine_lang}" dir="auto">{zine}</div>
<div class="label">{label}</div>
<div class="title" style="font-size: {size}px">{title}</div>
<div class="byline">{byline}</div>
</section>"""


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
    """The page of one card (also what its cache key is made of)."""
    return cards_html([text])


def cards_html(texts: Sequence[CardText]) -> str:
    """One document with a page per card: WeasyPrint loads the fonts once for all of them."""
    cards = []
    for text in texts:
        size = 76 if len(text.title) <= 40 else 60 if len(text.title) <= 90 else 46
        cards.append(CARD.format(
            lang=escape(text.language), dir="rtl" if text.direction == "rtl" else "ltr",
            size=size, zine=escape(text.zine), zine_lang=escape(text.zine_language),
            label=escape(text.label), title=escape(text.title), byline=escape(text.byline)))
    zine_lang = escape(texts[0].zine_language) if texts else "en"
    return PAGE.format(zine_lang=zine_lang, width=WIDTH, height=HEIGHT, cards="\n".join(cards))


def card_png(text: CardText, store: object | None = None,
             styles: Styles | None = None) -> bytes:
    """The 1200x630 PNG card for ``text`` (from ``store``, a ``BlobStore``, when cached)."""
    return card_pngs([text], store, styles)[0]


def card_pngs(texts: Sequence[CardText], store: object | None = None,
              styles: Styles | None = None) -> list[bytes]:
    """The PNG card of each of ``texts``; those not in ``store`` (a ``BlobStore``) are laid
    out together, as one document rasterised by one ``pdftoppm`` run. Fonts come from
    ``styles`` (default: the packaged ones)."""
    styles = styles or Styles.of_root(None)
    cache = store if isinstance(store, BlobStore) else None
    keys = ([BlobStore.key("card", styles.digest, card_html(text)) for text in texts]
            if cache else [])
    found: list[bytes | None] = [cache.get(key) for key in keys] if cache else [None] * len(texts)
    missing = [index for index, png in enumerate(found) if png is None]
    if missing:
        for index, png in zip(missing, _draw(cards_html([texts[i] for i in missing]), styles),
                              strict=True):
            found[index] = png
            if cache:
                cache.put(keys[index], png)
    return [png for png in found if png is not None]


def card_pdf(html: str, styles: Styles | None = None) -> bytes:
    """The card laid out by WeasyPrint as a one-page PDF (its text layer is the card's text)."""
    from weasyprint import HTML

    fetcher = RestrictedFetcher({}, styles=styles)
    data: bytes = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()
    return data


def _draw(html: str, styles: Styles) -> list[bytes]:
    """Each page of the cards document ``html`` as a PNG, in page order."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise CardError("link-preview cards need poppler's pdftoppm (Debian: poppler-utils)")
    with tempfile.TemporaryDirectory(prefix="zine-card-") as folder:
        pdf = Path(folder) / "cards.pdf"
        pdf.write_bytes(card_pdf(html, styles))
        try:
            subprocess.run([pdftoppm, "-png", "-scale-to-x", str(WIDTH), "-scale-to-y",
                            str(HEIGHT), str(pdf), str(Path(folder) / "card")],
                           check=True, capture_output=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as exc:
            raise CardError(f"could not rasterise a link-preview card: {exc}") from exc
        # pdftoppm numbers the pages card-1.png ... or card-01.png ...: sort by the number.
        # Its PNGs hold IHDR, pHYs, IDAT and IEND only (no time or text chunks): kept as made.
        pages = sorted(Path(folder).glob("card-*.png"), key=lambda p: int(p.stem[5:]))
        pngs = [page.read_bytes() for page in pages]
    return pngs
