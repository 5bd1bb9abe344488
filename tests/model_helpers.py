"""Hand-built model pieces for edition tests that need an issue without files on disk."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from zine.load.markdown import parse_body
from zine.model import Article, Author, Located, Position
from zine.model.rendered import MediaItem


def png(width: int, height: int, colour: tuple[int, int, int]) -> MediaItem:
    """A plain PNG as the render stage would name it."""
    image = Image.new("RGB", (width, height), colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    data = buffer.getvalue()
    name = f"media/{hashlib.sha256(data).hexdigest()[:16]}.png"
    return MediaItem(name, "image/png", data, width, height)


def make_article(folder: Path, slug: str, title: str, language: str,
                 authors: Sequence[Author], source: str, **extra: str) -> Article:
    """An article at ``folder/articles/<slug>.md`` whose body is ``source``, parsed for real."""
    path = folder / "articles" / f"{slug}.md"
    body = parse_body(source, language=language, path=path, first_line=5,
                      folder=folder / "articles")
    return Article(
        slug=slug, path=path, folder=folder / "articles", title=title,
        subtitle=extra.get("subtitle", ""), authors=tuple(authors), language=language,
        license=extra.get("license", "CC-BY-SA-4.0"), summary=extra.get("summary", ""),
        tags=(), draft=extra.get("draft") == "yes", source=source, body_line=5, body=body,
        where=Located(Position(path)),
    )
