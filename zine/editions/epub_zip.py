"""Editions stage (EPUB): the build timestamp and a deterministic OCF zip container.

ebooklib writes the zip with the wall-clock time on every entry and in ``dcterms:modified``;
this module supplies the one timestamp a build may use (``SOURCE_DATE_EPOCH``, else the issue
date) and re-packs ebooklib's in-memory zip with fixed entry times, modes and order, with
``mimetype`` first and stored. It touches no files: the caller writes the bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime

from zine.timestamps import build_timestamp

MIMETYPE = b"application/epub+zip"
_ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)  # the earliest time a zip entry can hold
_FIRST = ("mimetype", "META-INF/container.xml")


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


def repack(epub: bytes, when: datetime) -> bytes:
    """The same entries as ``epub``, re-zipped reproducibly.

    ``mimetype`` comes first, uncompressed and without extra fields (OCF requires it); then
    ``META-INF/container.xml``, the package document, and every other entry sorted by name.
    Every entry gets the time ``when`` and mode 0644.
    """
    stamp = when.astimezone(UTC).timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(epub)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    entries["mimetype"] = MIMETYPE
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(entries, key=_entry_order):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                target.writestr(info, entries[name])
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
