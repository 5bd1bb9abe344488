"""Helpers for the render-core tests: model objects built from a Markdown string.

The loader is not involved, so these tests pin the renderer's own contract.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from lxml import etree
from PIL import Image

from zine.load.markdown import parse_body
from zine.model import Article, Author, Issue, Located, Position, Section, Zine

XHTML = "http://www.w3.org/1999/xhtml"


def make_article(source: str, folder: Path, *, slug: str = "art", language: str = "en",
                 draft: bool = False) -> Article:
    """An article whose Markdown body is ``source``, stored as ``folder/<slug>.md``."""
    path = folder / f"{slug}.md"
    path.write_text(f"---\ntitle: T\n---\n{source}", encoding="utf-8")
    body = parse_body(source, language=language, path=path, first_line=4, folder=folder)
    where = Located(Position(path, 1, 1))
    return Article(slug=slug, path=path, folder=folder, title=f"Title of {slug}", subtitle="",
                   authors=(Author("Jo", None, where),), language=language,
                   license="CC-BY-4.0", summary="", tags=(), draft=draft, source=source,
                   body_line=4, body=body, where=where)


def make_issue(folder: Path, articles: tuple[Article, ...], *, cover: Path | None = None,
               language: str = "en", title: str = "Test issue") -> Issue:
    where = Located(Position(folder / "issue.yaml", 1, 1))
    return Issue(id="01-test", path=folder, number=1, title=title, date=date(2019, 3, 1),
                 language=language, description="", editors=(), license="CC-BY-4.0",
                 cover=cover, articles=articles, sections=(Section(None, articles),),
                 where=where)


def make_zine(root: Path, issues: tuple[Issue, ...] = ()) -> Zine:
    return Zine(root=root, title="Tech-Coops Zine", publisher="CoTech", url="https://z.example/",
                language="en", license="CC-BY-SA-4.0", coops={}, issues=issues,
                where=Located(Position(root / "zine.yaml", 1, 1)))


def parse_fragment(html: str) -> etree._Element:
    """The fragment parsed as XML inside an XHTML div (raises if not well-formed)."""
    return etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())


def xpath(root: etree._Element, query: str) -> list[etree._Element]:
    return root.xpath(query, namespaces={"h": XHTML})  # type: ignore[no-any-return]


def png_bytes(size: tuple[int, int] = (40, 30), color: str = "red", mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, "PNG")
    return buffer.getvalue()


def write_png(path: Path, size: tuple[int, int] = (40, 30), color: str = "red") -> Path:
    path.write_bytes(png_bytes(size, color))
    return path
