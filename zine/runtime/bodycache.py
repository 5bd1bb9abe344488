"""Build stage helper: article bodies parsed by an earlier build, kept in the build cache.

Parsing the bodies (``zine.load.markdown.parse_body``: markdown-it and the walk over its tokens)
is most of the load stage, 0.32 of 0.40 s on the 30-article bench issue, and a build parsed
every body although an edit changes one. ``BodyCache.parse`` has ``parse_body``'s signature;
the build hands it to ``zine.load.loader.load_project``. It looks a body up by the digest of
everything ``parse_body`` reads besides the file system: the text, the language, the file's
path and first body line, the article's folder, and the code and libraries
(``zine.runtime.cache.BlobStore.key``). On a miss it parses and keeps the body. The one thing
``parse_body`` reads from the file system, which regular file each image names
(``zine.load.markdown.resolve_local``), is looked up again on every hit, so an image added or
removed beside an unchanged text is seen.

Entries are JSON under ``cache_home(out)/bodies/``, like every entry of the build cache: each
token as the row of its fields (markdown-it's ``Token``), the body's other fields, positions
as line and column only (they all point into the article's own file). So an entry holds no
path and no time, and nothing is unpickled. A body an entry cannot hold exactly (a position in
another file, a token ``meta`` value JSON would change) is parsed every time; an entry that
does not decode to a body is a miss.
"""

from __future__ import annotations

import json
import logging
import operator
from dataclasses import fields
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from zine.load.markdown import parse_body, resolve_local
from zine.model import Body, Heading, ImageRef, LinkRef, Position
from zine.runtime.cache import BlobStore

LOG = logging.getLogger(__name__)

FORMAT = "zine-body 1"
TOKEN_FIELDS = tuple(f.name for f in fields(Token))
_TOKEN_VALUES = operator.attrgetter(*TOKEN_FIELDS)
_CHILDREN = TOKEN_FIELDS.index("children")
_PLAIN = (str, int, float, bool, type(None))


class NotCacheable(Exception):
    """The body holds something an entry cannot give back exactly."""


class BodyCache:
    """``parse_body`` through the build cache beside ``out_dir`` (see the module docstring).
    The bodies parsed anew are kept in memory until ``save``: the build saves them at its end,
    so a build stopped by a usage error writes nothing. ``languages_parsed``: the languages
    of the bodies parsed anew (every language in a cold build, the edited article's after an
    edit), whose hyphenation dictionaries the PDF is likely to need."""

    def __init__(self, out_dir: Path) -> None:
        self.store = BlobStore(out_dir, "bodies")
        self.pending: dict[str, bytes] = {}
        self.languages_parsed: set[str] = set()

    def parse(self, text: str, *, language: str, path: Path, first_line: int,
              folder: Path) -> Body:
        key = BlobStore.key(FORMAT, text, language, str(path), str(first_line), str(folder))
        data = self.store.get(key)
        if data is not None:
            body = decode(data, path, folder)
            if body is not None:
                return body
        body = parse_body(text, language=language, path=path, first_line=first_line,
                          folder=folder)
        self.languages_parsed.add(language)
        try:
            self.pending[key] = encode(body, path)
        except NotCacheable as why:
            LOG.debug("the body of %s is parsed on every build: %s", path, why)
        return body

    def save(self) -> None:
        """Write the entries of the bodies parsed since the last ``save``."""
        for key, data in self.pending.items():
            self.store.put(key, data)
        self.pending.clear()

    def prune(self) -> None:
        """Remove the entries this build did not use."""
        self.store.prune()


# -- the entry's format ---------------------------------------------------------------------------

def encode(body: Body, path: Path) -> bytes:
    """The entry of ``body``, the body of the file at ``path``; ``NotCacheable`` if it cannot
    be given back exactly."""
    def pos(where: Position) -> list[int]:
        if where.path != path:
            raise NotCacheable(f"a position in another file, {where.path}")
        return [where.line, where.col]

    entry = {
        "tokens": [_token_row(token) for token in body.tokens],
        "headings": [[h.level, h.text, h.id, pos(h.pos)] for h in body.headings],
        # an image's file is looked up again when the entry is read (``decode``)
        "images": [[i.src, i.alt, i.title, pos(i.pos)] for i in body.images],
        "links": [[link.href, pos(link.pos)] for link in body.links],
        "raw_html": [pos(p) for p in body.raw_html],
        "demoted_h1": [pos(p) for p in body.demoted_h1],
        "too_deep": [pos(p) for p in body.too_deep],
        "dropped_notes": [[pos(p), label, why] for p, label, why in body.dropped_notes],
        "undefined_notes": [[pos(p), label] for p, label in body.undefined_notes],
        "note_labels": list(body.note_labels),
        "spaced_images": [[pos(p), src] for p, src in body.spaced_images],
        "spaced_links": [[pos(p), href] for p, href in body.spaced_links],
        "long_rows": [[pos(p), cells, columns] for p, cells, columns in body.long_rows],
        "footnotes": body.footnotes,
        "words": body.words,
    }
    return json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _token_row(token: Token) -> list[Any]:
    if token.meta and not all(isinstance(k, str) and isinstance(v, _PLAIN)
                              for k, v in token.meta.items()):
        raise NotCacheable(f"a {token.type} token's meta holds {token.meta!r}")
    if token.attrs and not all(isinstance(v, (str, int, float)) for v in token.attrs.values()):
        raise NotCacheable(f"a {token.type} token's attributes hold {token.attrs!r}")
    row = list(_TOKEN_VALUES(token))
    if token.children is not None:
        row[_CHILDREN] = [_token_row(child) for child in token.children]
    return row


def decode(data: bytes, path: Path, folder: Path) -> Body | None:
    """The body an entry holds, its images looked up again in ``folder``; None if the entry
    is not one ``encode`` wrote."""
    try:
        entry = json.loads(data)

        def pos(where: list[int]) -> Position:
            line, col = where
            return Position(path, int(line), int(col))

        return Body(
            tokens=tuple(_token(row) for row in entry["tokens"]),
            headings=tuple(Heading(level, text, ident, pos(where))
                           for level, text, ident, where in entry["headings"]),
            images=tuple(ImageRef(src, alt, title, pos(where),
                                  resolve_local(src, folder, path.parent))
                         for src, alt, title, where in entry["images"]),
            links=tuple(LinkRef(href, pos(where)) for href, where in entry["links"]),
            raw_html=tuple(pos(p) for p in entry["raw_html"]),
            demoted_h1=tuple(pos(p) for p in entry["demoted_h1"]),
            too_deep=tuple(pos(p) for p in entry["too_deep"]),
            dropped_notes=tuple((pos(p), label, why) for p, label, why in entry["dropped_notes"]),
            undefined_notes=tuple((pos(p), label) for p, label in entry["undefined_notes"]),
            note_labels=tuple(entry["note_labels"]),
            spaced_images=tuple((pos(p), src) for p, src in entry["spaced_images"]),
            spaced_links=tuple((pos(p), href) for p, href in entry["spaced_links"]),
            long_rows=tuple((pos(p), cells, columns)
                            for p, cells, columns in entry["long_rows"]),
            footnotes=int(entry["footnotes"]),
            words=int(entry["words"]),
        )
    except (ValueError, TypeError, KeyError) as error:  # JSON, or not the shape encode wrote
        LOG.debug("a cached body of %s does not decode: %s", path, error)
        return None


def _token(row: list[Any]) -> Token:
    if len(row) != len(TOKEN_FIELDS):
        raise ValueError(f"a token of {len(row)} fields")
    if row[_CHILDREN] is not None:
        row[_CHILDREN] = [_token(child) for child in row[_CHILDREN]]
    return Token(*row)  # the fields in their order (``dataclasses.fields``), which __init__ takes
