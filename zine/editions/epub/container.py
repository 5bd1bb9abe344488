"""Editions stage (EPUB): the build timestamp and a deterministic OCF zip container.

ebooklib would write the zip with the wall-clock time on every entry; this module supplies the
one timestamp a build may use (``SOURCE_DATE_EPOCH``, else the issue date), takes ebooklib's
entries in memory (``book_entries``, no zip) and zips them once (``pack``) with fixed entry
times, modes and order, with ``mimetype`` first and stored. Already-compressed media (JPEG,
GIF, WebP, WOFF, WOFF2) are stored, everything else deflated once (or stored if that is
smaller); a ``Deflater`` shared by the books of one build compresses each member only once
(the embedded fonts go into every book), and one given the members of the previous build
(kept in the build cache by ``zine.editions.epub``) compresses only what changed: deflate is
deterministic, so a member compressed then is the same bytes as one compressed now, and a
rebuild gives the bytes of a cold build. It touches no files: the caller writes the bytes.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from datetime import UTC, date, datetime
from typing import Any

from ebooklib import epub as ebook

from zine.runtime.timestamps import build_timestamp

MIMETYPE = b"application/epub+zip"
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can hold
_FIRST = ("mimetype", "META-INF/container.xml")
# PNG is left out: the PNGs Pillow writes still shrink by a third when deflated.
_STORED_SUFFIXES = (".jpg", ".jpeg", ".gif", ".webp", ".woff", ".woff2")
_LEVEL = 6
_SHARED_MIN = 16 * 1024  # stored entries at least this large: CRC-32 remembered
_VERSION = 20  # zip 2.0: deflate, no zip64 (an EPUB stays far below 4 GiB)
_MADE_BY = (3 << 8) | _VERSION  # Unix, so the mode in external_attr is honoured
_MODE = 0o100644 << 16
_UTF8_NAME = 0x800  # general-purpose flag bit 11: the name is UTF-8
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class Deflater:
    """Raw deflate (level 6) and CRC-32 of zip members, remembered: a font embedded in 31
    EPUBs is compressed and checksummed once. Share one per build (threads may share it too);
    the output does not depend on the sharing. ``known``: members compressed by an earlier
    build (``load_members``), used instead of compressing them again, so a rebuild after one
    edit deflates only the content documents that changed; ``members()`` is what this one
    used, to keep for the next."""

    def __init__(self, known: dict[bytes, tuple[int, bytes]] | None = None) -> None:
        self._known = known or {}
        self._done: dict[bytes, tuple[int, bytes]] = {}  # digest -> (CRC-32, deflated)
        self._crcs: dict[bytes, int] = {}

    def member(self, data: bytes) -> tuple[int, bytes]:
        """The CRC-32 and the raw deflate stream of ``data``."""
        digest = hashlib.sha256(data).digest()
        found = self._done.get(digest) or self._known.get(digest)
        if found is None:
            found = (zlib.crc32(data), _deflate(data))
        self._done[digest] = found
        return found

    def deflate(self, data: bytes) -> bytes:
        return self.member(data)[1]

    def prepare(self, data: bytes) -> None:
        """Compress and checksum an entry ahead of time (e.g. in another thread)."""
        self.member(data)

    def crc32(self, data: bytes) -> int:
        """The CRC-32 of an entry that is stored, not deflated."""
        if len(data) < _SHARED_MIN:
            return zlib.crc32(data)
        crc = self._crcs.get(data)
        if crc is None:
            crc = self._crcs[data] = zlib.crc32(data)
        return crc

    def members(self) -> bytes:
        """Every member this deflater compressed or reused, as ``load_members`` reads them:
        per member its SHA-256, CRC-32, length and deflate stream, sorted by digest."""
        out = io.BytesIO()
        for digest in sorted(self._done):
            crc, body = self._done[digest]
            out.write(digest + _MEMBER.pack(crc, len(body)) + body)
        return out.getvalue()


_MEMBER = struct.Struct("<II")


def load_members(blob: bytes | None) -> dict[bytes, tuple[int, bytes]]:
    """What ``Deflater.members`` wrote, by digest; a damaged blob gives what precedes the
    damage (the cache entry as a whole was checked by its own SHA-256 already)."""
    found: dict[bytes, tuple[int, bytes]] = {}
    view, at = memoryview(blob or b""), 0
    head = 32 + _MEMBER.size
    while at + head <= len(view):
        digest = bytes(view[at:at + 32])
        crc, size = _MEMBER.unpack_from(view, at + 32)
        if at + head + size > len(view):
            break
        found[digest] = (crc, bytes(view[at + head:at + head + size]))
        at += head + size
    return found


def _deflate(data: bytes) -> bytes:
    engine = zlib.compressobj(_LEVEL, zlib.DEFLATED, -15)
    return engine.compress(data) + engine.flush()


def build_time(issue_date: date | None) -> datetime:
    """``SOURCE_DATE_EPOCH`` (UTC) if set and valid, else midnight UTC of the issue date.

    Without either, the zip epoch: never the wall clock, so a build stays reproducible.
    """
    return max(build_timestamp(issue_date), _ZIP_EPOCH)


def _entry_order(name: str) -> tuple[int, str]:
    if name in _FIRST:
        return (_FIRST.index(name), name)
    if name.endswith(".opf"):
        return (len(_FIRST), name)
    return (len(_FIRST) + 1, name)


def is_stored(name: str) -> bool:
    """``mimetype`` and media whose format is already compressed are stored, not deflated."""
    return name == "mimetype" or name.lower().endswith(_STORED_SUFFIXES)


class _Entries:
    """Stands in for ebooklib's output ``ZipFile``: keeps what it is given, compresses nothing."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def writestr(self, name: str, data: str | bytes, compress_type: int | None = None) -> None:
        self.files[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)


class _EntryWriter(ebook.EpubWriter):
    """ebooklib's writer, with its entries kept in memory instead of zipped twice."""

    def write(self) -> None:
        self.out = _Entries()
        self.out.writestr("mimetype", MIMETYPE)
        self._write_container()
        self._write_opf()
        self._write_items()

    def _write_opf_file(self, root: Any) -> None:
        """The package carries the book's language (``xml:lang``): Ace requires it."""
        if self.book.language:
            root.set(_XML_LANG, self.book.language)
        super()._write_opf_file(root)


def book_entries(book: ebook.EpubBook, options: dict[str, object]) -> dict[str, bytes]:
    """Every file ebooklib would put in the EPUB of ``book``, by name, uncompressed."""
    writer = _EntryWriter("", book, options)
    writer.process()
    writer.write()
    files: dict[str, bytes] = writer.out.files
    return files


def pack(entries: dict[str, bytes], when: datetime, deflater: Deflater | None = None) -> bytes:
    """``entries`` (name -> content) as an OCF zip, reproducibly.

    ``mimetype`` comes first, uncompressed and without extra fields (OCF requires it); then
    ``META-INF/container.xml``, the package document, and every other entry sorted by name.
    Every entry gets the time ``when`` and mode 0644; see ``is_stored`` for the method.
    """
    entries = {**entries, "mimetype": MIMETYPE}
    deflater = deflater or Deflater()
    dos_time, dos_date = _dos_stamp(when)
    out, directory = io.BytesIO(), []
    for name in sorted(entries, key=_entry_order):
        data = entries[name]
        if is_stored(name):
            crc, body = deflater.crc32(data), data
        else:
            crc, body = deflater.member(data)
        method = zipfile.ZIP_DEFLATED if len(body) < len(data) else zipfile.ZIP_STORED
        body = body if method == zipfile.ZIP_DEFLATED else data
        fields = (method, dos_time, dos_date, crc, len(body), len(data))
        raw = name.encode("utf-8")
        flags = 0 if name.isascii() else _UTF8_NAME
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, _MADE_BY, _VERSION,
                                     flags, *fields, len(raw), 0, 0, 0, 0, _MODE, out.tell())
                         + raw)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, _VERSION, flags, *fields, len(raw), 0))
        out.write(raw + body)
    start = out.tell()
    out.write(b"".join(directory))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(directory), len(directory),
                          out.tell() - start, start, 0))
    return out.getvalue()


def _dos_stamp(when: datetime) -> tuple[int, int]:
    year, month, day, hour, minute, second = when.astimezone(UTC).timetuple()[:6]
    year = min(year, 2107)  # the last year a zip entry can hold
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day
