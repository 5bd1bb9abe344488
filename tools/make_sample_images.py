"""Content tooling (not a pipeline stage): draw the images of the sample issue with Pillow.

Writes only into ``issues/01-no-masters-no-slaves/``: the issue cover, the diagram of the
article on starting a coop and the photo-like picture of the 35c3 report. Everything is drawn
from fixed seeds, so running it again gives the same pictures. Run from the repository root:

    .venv/bin/python tools/make_sample_images.py [ISSUE-FOLDER]
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

ISSUE = Path("issues/01-no-masters-no-slaves")
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/noto"))
INK = (33, 33, 41)
PAPER = (250, 246, 236)
RED = (200, 48, 44)


def font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A TrueType font from the system, else Pillow's built-in one."""
    for folder in FONT_DIRS:
        path = folder / name
        if path.is_file():
            return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def draw_steps_diagram(out: Path) -> None:
    """Five boxes joined by arrows: from a group of friends to a working coop."""
    steps = [
        ("1", "Find your", "people"),
        ("2", "Agree on", "values"),
        ("3", "Choose a", "legal form"),
        ("4", "Register", "and insure"),
        ("5", "First", "clients"),
    ]
    width, height = 1500, 460
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    title = font("DejaVuSans-Bold.ttf", 40)
    label = font("DejaVuSans.ttf", 30)
    number = font("DejaVuSans-Bold.ttf", 44)
    draw.text((width // 2, 50), "From an idea to a tech coop", font=title, fill=INK, anchor="mm")
    box_w, box_h, gap, top = 230, 220, 62, 140
    left = (width - (5 * box_w + 4 * gap)) // 2
    for index, (num, line1, line2) in enumerate(steps):
        x = left + index * (box_w + gap)
        fill = RED if index == len(steps) - 1 else (255, 255, 255)
        text = (255, 255, 255) if index == len(steps) - 1 else INK
        draw.rounded_rectangle((x, top, x + box_w, top + box_h), radius=24, fill=fill,
                               outline=INK, width=4)
        draw.text((x + box_w // 2, top + 55), num, font=number, fill=text, anchor="mm")
        draw.text((x + box_w // 2, top + 125), line1, font=label, fill=text, anchor="mm")
        draw.text((x + box_w // 2, top + 165), line2, font=label, fill=text, anchor="mm")
        if index < len(steps) - 1:
            y = top + box_h // 2
            x0, x1 = x + box_w + 10, x + box_w + gap - 10
            draw.line((x0, y, x1 - 12, y), fill=INK, width=6)
            draw.polygon([(x1, y), (x1 - 18, y - 14), (x1 - 18, y + 14)], fill=INK)
    draw.text((width // 2, height - 45), "Decisions at every step: one member, one vote",
              font=label, fill=INK, anchor="mm")
    image.save(out, "PNG", optimize=True)


def draw_assembly_photo(out: Path) -> None:
    """A photo-like night scene: warm out-of-focus lights above a crowd of silhouettes."""
    rng = random.Random(35)
    width, height = 1200, 720
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = y / height
        draw.line((0, y, width, y), fill=(int(20 + 40 * shade), int(14 + 20 * shade),
                                           int(40 + 30 * shade)))
    lights = Image.new("RGB", (width, height), (0, 0, 0))
    glow = ImageDraw.Draw(lights)
    palette = [(255, 190, 90), (255, 120, 80), (120, 200, 255), (255, 90, 170), (180, 255, 140)]
    for _ in range(140):
        x, y = rng.randrange(width), rng.randrange(int(height * 0.65))
        radius = rng.randrange(8, 42)
        glow.ellipse((x - radius, y - radius, x + radius, y + radius), fill=rng.choice(palette))
    lights = lights.filter(ImageFilter.GaussianBlur(14))
    image = Image.blend(image, lights, 0.55)
    draw = ImageDraw.Draw(image)
    for _ in range(38):
        x = rng.randrange(-40, width + 40)
        head = rng.randrange(22, 34)
        y = rng.randrange(int(height * 0.62), int(height * 0.8))
        draw.ellipse((x - head, y - head, x + head, y + head), fill=(10, 8, 16))
        draw.rounded_rectangle((x - 2 * head, y + head - 6, x + 2 * head, height + 40),
                               radius=head, fill=(10, 8, 16))
    image = image.filter(ImageFilter.GaussianBlur(1.2))
    image.save(out, "JPEG", quality=80, optimize=True)


def draw_cover(out: Path) -> None:
    """The issue cover: a red band, the zine's name, the issue's number and title."""
    width, height = 1400, 2000
    image = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 620), fill=RED)
    draw.text((100, 200), "Tech-Coops", font=font("DejaVuSans-Bold.ttf", 170),
              fill=(255, 255, 255))
    draw.text((100, 400), "Zine", font=font("DejaVuSans-Bold.ttf", 170), fill=(255, 255, 255))
    draw.text((100, 760), "Issue 1 · March 2019", font=font("DejaVuSans.ttf", 64), fill=INK)
    draw.text((100, 880), "No masters,", font=font("DejaVuSerif-Bold.ttf", 130), fill=INK)
    draw.text((100, 1030), "no slaves", font=font("DejaVuSerif-Bold.ttf", 130), fill=INK)
    for row in range(5):
        for col in range(7):
            x, y = 140 + col * 170, 1320 + row * 100
            filled = (row + col) % 3 == 0
            draw.ellipse((x, y, x + 60, y + 60), fill=RED if filled else None, outline=INK,
                         width=5)
    draw.text((100, 1920), "Tech cooperatives across borders", font=font("DejaVuSans.ttf", 48),
              fill=INK, anchor="ls")
    image.save(out, "PNG", optimize=True)


def make_images(issue: Path) -> list[Path]:
    """Draw every image of the sample issue into the issue folder ``issue``."""
    targets = [
        issue / "cover.png",
        issue / "articles" / "starting-a-tech-coop" / "img.png",
        issue / "articles" / "35c3-assembly" / "photo.jpg",
    ]
    for target in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
    draw_cover(targets[0])
    draw_steps_diagram(targets[1])
    draw_assembly_photo(targets[2])
    return targets


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    issue = Path(args[0]) if args else ISSUE
    if not issue.is_dir():
        print(f"{issue}: no such issue folder (run from the repository root)", file=sys.stderr)
        return 2
    for path in make_images(issue):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
