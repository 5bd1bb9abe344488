"""Load stage, ``zine import``: open an untrusted .docx/.odt archive and read its own XML.

Everything here treats the document as hostile: the archive's size, member count, total
uncompressed size, each member's size and its compression ratio are checked from the zip
directory *before* anything is unpacked (zip bomb), and XML is parsed by defusedxml, which
refuses DTDs, entities and external references (entity bomb, XXE). It reads nothing but the
one file and writes nothing. Problems are ``ImportFailure`` (cannot go on) or warnings
(``zine.diagnostics.codes`` Z6xx) about what the conversion would lose.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zine.diagnostics import Diagnostic, codes, make
from zine.errors import ZineError
from zine.model import Position

MAX_DOCUMENT = 50 * 1024 * 1024  # the .docx/.odt file itself
MAX_MEMBERS = 2_000
MAX_UNPACKED = 200 * 1024 * 1024  # all members together
MAX_MEMBER = 40 * 1024 * 1024  # one image or XML part
MAX_RATIO = 100  # uncompressed / compressed, per member (text XML compresses ~10x)
CONTEXT = 50


class ImportFailure(ZineError):
    """The document cannot be imported; ``diagnostic`` says why (exit 1)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def fail(code: str, path: Path, **values: object) -> ImportFailure:
    return ImportFailure(make(code, Position(path, 0, 0), **values))


@dataclass
class Archive:
    """The checked zip directory of a document, members read on demand (each capped)."""

    path: Path
    kind: str  # "docx" or "odt"
    zip: zipfile.ZipFile
    names: frozenset[str] = field(default_factory=frozenset)

    def read(self, name: str) -> bytes:
        try:
            with self.zip.open(name) as member:
                data = member.read(MAX_MEMBER + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError,
                RuntimeError) as error:
            raise fail(codes.IMPORT_CORRUPT, self.path, reason=f"{name}: {error}") from None
        if len(data) > MAX_MEMBER:  # the directory lied about the size
            raise fail(codes.IMPORT_TOO_BIG, self.path, what=f"member {name}",
                       size=f"more than {MAX_MEMBER}", limit=MAX_MEMBER)
        return data

    def xml(self, name: str) -> Any:
        """The parsed member, or None when the document has no such part."""
        if name not in self.names:
            return None
        return parse_xml(self.read(name), self.path, name)


def open_archive(path: Path) -> Archive:
    """The document's zip directory after every cap was checked; raises ImportFailure."""
    kind = path.suffix.lower().lstrip(".")
    try:
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_DOCUMENT else b""
    except OSError as error:
        raise fail(codes.IMPORT_CORRUPT, path, reason=error.strerror or str(error)) from None
    if size > MAX_DOCUMENT:
        raise fail(codes.IMPORT_TOO_BIG, path, what="the document", size=size,
                   limit=MAX_DOCUMENT)
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: an encrypted OOXML file (or a .doc)
        raise fail(codes.IMPORT_ENCRYPTED, path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise fail(codes.IMPORT_CORRUPT, path, reason=f"not a zip archive ({error})") from None
    _check_directory(path, infos)
    names = frozenset(info.filename for info in infos)
    if kind == "docx" and "word/document.xml" not in names:
        raise fail(codes.IMPORT_CORRUPT, path, reason="no word/document.xml inside")
    if kind == "odt":
        if "content.xml" not in names:
            raise fail(codes.IMPORT_CORRUPT, path, reason="no content.xml inside")
        manifest = archive.read("META-INF/manifest.xml") if \
            "META-INF/manifest.xml" in names else b""
        if b"encryption-data" in manifest:
            raise fail(codes.IMPORT_ENCRYPTED, path)
    return Archive(path, kind, archive, names)


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise fail(codes.IMPORT_TOO_BIG, path, what=f"the number of parts ({len(infos)})",
                   size=len(infos), limit=MAX_MEMBERS)
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise fail(codes.IMPORT_ENCRYPTED, path)
        if info.file_size > MAX_MEMBER:
            raise fail(codes.IMPORT_TOO_BIG, path, what=f"member {info.filename}",
                       size=info.file_size, limit=MAX_MEMBER)
        if info.file_size > 1024 * 1024 and \
                info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise fail(codes.IMPORT_BOMB, path, name=info.filename,
                       ratio=info.file_size // max(info.compress_size, 1), limit=MAX_RATIO)
        total += info.file_size
    if total > MAX_UNPACKED:
        raise fail(codes.IMPORT_TOO_BIG, path, what="the unpacked document", size=total,
                   limit=MAX_UNPACKED)


def parse_xml(data: bytes, path: Path, name: str) -> Any:
    """An ElementTree root; a DTD, entity or external reference is refused."""
    import defusedxml.ElementTree as safe_tree
    from defusedxml import DefusedXmlException

    try:
        return safe_tree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise fail(codes.IMPORT_XML_DTD, path, name=name) from None
    except safe_tree.ParseError as error:
        raise fail(codes.IMPORT_CORRUPT, path, reason=f"{name}: {error}") from None


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def context(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CONTEXT else text[:CONTEXT - 1] + "…"


def iter_tag(root: Any, tag: str) -> Iterator[Any]:
    return iter(root.iter(tag)) if root is not None else iter(())
