"""Benchmark corpus: deterministic images drawn with Pillow (PNG diagrams, JPEG "photos").

Pure functions of a seeded ``random.Random``: no clock, no OS randomness (Pillow's
``effect_noise`` is not seeded, so noise comes from ``rng.randbytes``). Returns encoded bytes;
``bench.corpus`` writes them. Sizes are 800-1600 px wide, like contributors' images.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

PALETTE = ((38, 70, 83), (42, 157, 143), (233, 196, 106), (244, 162, 97), (231, 111, 81),
           (69, 123, 157), (168, 218, 220), (29, 53, 87))
ASPECTS = ((4, 3), (3, 2), (16, 9), (1, 1))


def pick_size(rng: random.Random, low: int = 800, high: int = 1600) -> tuple[int, int]:
    """A width in [low, high] and a height from a common aspect ratio."""
    width = rng.randint(low, high)
    across, down = rng.choice(ASPECTS)
    return width, max(1, width * down // across)


def _arrow(draw: ImageDraw.ImageDraw, start: tuple[int, int], end: tuple[int, int],
           width: int) -> None:
    draw.line([start, end], fill=(40, 40, 40), width=width)
    x, y = end
    size = width * 4
    direction = 1 if end[0] >= start[0] else -1
    draw.polygon([(x, y), (x - direction * size, y - size), (x - direction * size, y + size)],
                 fill=(40, 40, 40))


def _boxes(rng: random.Random, draw: ImageDraw.ImageDraw, size: tuple[int, int],
           labels: list[str]) -> None:
    width, height = size
    count = len(labels)
    box_w = width // (count * 2)
    box_h = max(height // 5, 40)
    font = ImageFont.load_default(size=max(14, box_w // 9))
    previous: tuple[int, int] | None = None
    for index, label in enumerate(labels):
        left = box_w // 2 + index * box_w * 2
        top = rng.randint(height // 6, height - box_h - height // 6)
        colour = PALETTE[index % len(PALETTE)]
        draw.rounded_rectangle([left, top, left + box_w * 3 // 2, top + box_h],
                               radius=box_h // 6, fill=colour, outline=(20, 20, 20), width=3)
        draw.text((left + 10, top + box_h // 3), label, fill=(255, 255, 255), font=font)
        if previous is not None:
            _arrow(draw, previous, (left, top + box_h // 2), 3)
        previous = (left + box_w * 3 // 2, top + box_h // 2)


def _bars(rng: random.Random, draw: ImageDraw.ImageDraw, size: tuple[int, int],
          labels: list[str]) -> None:
    width, height = size
    base = height - height // 8
    draw.line([(width // 12, base), (width - width // 12, base)], fill=(0, 0, 0), width=3)
    draw.line([(width // 12, height // 10), (width // 12, base)], fill=(0, 0, 0), width=3)
    step = (width - width // 6) // (len(labels) + 1)
    font = ImageFont.load_default(size=max(14, step // 8))
    for index, label in enumerate(labels):
        left = width // 12 + step // 2 + index * step
        top = rng.randint(height // 6, base - 20)
        draw.rectangle([left, top, left + step * 2 // 3, base],
                       fill=PALETTE[index % len(PALETTE)])
        draw.text((left, base + 8), label, fill=(0, 0, 0), font=font)


def make_diagram(rng: random.Random, labels: list[str]) -> bytes:
    """A PNG diagram: boxes joined by arrows, or a bar chart, labelled with ``labels``."""
    size = pick_size(rng)
    image = Image.new("RGB", size, (250, 250, 246))
    draw = ImageDraw.Draw(image)
    if rng.random() < 0.5:
        _boxes(rng, draw, size, labels)
    else:
        _bars(rng, draw, size, labels)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=False)
    return out.getvalue()


def make_photo(rng: random.Random) -> bytes:
    """A JPEG that compresses like a photo: soft colour fields, a gradient and fine grain."""
    width, height = pick_size(rng)
    cells_x, cells_y = rng.randint(4, 9), rng.randint(3, 7)
    fields = Image.frombytes("RGB", (cells_x, cells_y), rng.randbytes(cells_x * cells_y * 3))
    image = fields.resize((width, height), Image.Resampling.BICUBIC)
    light = Image.linear_gradient("L").resize((width, height)).rotate(rng.choice((0, 90, 180)))
    image = Image.composite(image, Image.new("RGB", (width, height), rng.choice(PALETTE)), light)
    blobs = Image.frombytes("L", (width // 8, height // 8), rng.randbytes((width // 8) *
                                                                          (height // 8)))
    blobs = blobs.filter(ImageFilter.GaussianBlur(2)).resize((width, height))
    image = Image.blend(image, Image.merge("RGB", (blobs, blobs, blobs)), 0.25)
    grain = Image.frombytes("L", (width, height), rng.randbytes(width * height))
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.1)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=False, progressive=False)
    return out.getvalue()
