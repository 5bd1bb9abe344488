"""The EPUB zip container: ``epub_zip.pack`` writes a valid, reproducible OCF zip, stores
already-compressed media, deflates the rest once, and shares deflated fonts across books."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import UTC, datetime

from zine.editions.epub.container import MIMETYPE, Deflater, is_stored, pack

WHEN = datetime(2026, 3, 14, 15, 9, 26, tzinfo=UTC)
TEXT = ("<p>Cooperatives own their tools.</p>\n" * 400).encode("utf-8")
NOISE = random.Random(5).randbytes(40_000)  # incompressible, like a JPEG body
FONT = bytes(range(256)) * 300  # large and compressible, like a TTF


def sample_entries() -> dict[str, bytes]:
    return {"EPUB/nav.xhtml": TEXT, "META-INF/container.xml": b"<container/>",
            "EPUB/content.opf": b"<package/>", "EPUB/media/a.jpg": NOISE,
            "EPUB/media/b.png": TEXT, "EPUB/styles/fonts/Serif.ttf": FONT,
            "EPUB/styles/fonts/Sans.woff2": FONT, "EPUB/noise.bin": NOISE}


def test_packed_zip_reads_back_every_entry_with_valid_checksums() -> None:
    entries = sample_entries()
    with zipfile.ZipFile(io.BytesIO(pack(entries, WHEN))) as book:
        assert book.testzip() is None
        assert {name: book.read(name) for name in book.namelist()} == {
            **entries, "mimetype": MIMETYPE}


def test_mimetype_comes_first_stored_then_container_then_package_then_sorted() -> None:
    with zipfile.ZipFile(io.BytesIO(pack(sample_entries(), WHEN))) as book:
        infos = book.infolist()
    assert [i.filename for i in infos[:3]] == ["mimetype", "META-INF/container.xml",
                                               "EPUB/content.opf"]
    rest = [i.filename for i in infos[3:]]
    assert rest == sorted(rest)
    assert infos[0].compress_type == zipfile.ZIP_STORED and not infos[0].extra
    assert infos[0].header_offset == 0


def test_the_first_bytes_are_the_ocf_mimetype_signature() -> None:
    data = pack(sample_entries(), WHEN)
    assert data[30:38] == b"mimetype" and data[38:58] == MIMETYPE


def test_every_entry_has_the_build_time_and_mode_0644() -> None:
    with zipfile.ZipFile(io.BytesIO(pack(sample_entries(), WHEN))) as book:
        for info in book.infolist():
            assert info.date_time == (2026, 3, 14, 15, 9, 26)
            assert info.external_attr >> 16 == 0o100644 and info.create_system == 3


def test_compressed_media_is_stored_and_text_and_fonts_are_deflated() -> None:
    with zipfile.ZipFile(io.BytesIO(pack(sample_entries(), WHEN))) as book:
        method = {i.filename: i.compress_type for i in book.infolist()}
    assert method["EPUB/media/a.jpg"] == zipfile.ZIP_STORED
    assert method["EPUB/styles/fonts/Sans.woff2"] == zipfile.ZIP_STORED
    assert method["EPUB/nav.xhtml"] == zipfile.ZIP_DEFLATED
    assert method["EPUB/media/b.png"] == zipfile.ZIP_DEFLATED
    assert method["EPUB/styles/fonts/Serif.ttf"] == zipfile.ZIP_DEFLATED
    assert method["EPUB/noise.bin"] == zipfile.ZIP_STORED  # deflating would not shrink it


def test_is_stored_names_the_already_compressed_formats() -> None:
    assert is_stored("mimetype") and is_stored("EPUB/media/x.JPG")
    assert is_stored("EPUB/media/x.webp") and is_stored("EPUB/styles/fonts/x.woff")
    assert not is_stored("EPUB/styles/fonts/x.ttf") and not is_stored("EPUB/x.xhtml")


def test_same_entries_give_the_same_bytes_whether_or_not_a_deflater_is_shared() -> None:
    shared = Deflater()
    first = pack(sample_entries(), WHEN, shared)
    again = pack(sample_entries(), WHEN, shared)  # served from the shared deflater
    alone = pack(sample_entries(), WHEN)
    assert first == again == alone


def test_a_shared_deflater_compresses_a_large_resource_only_once() -> None:
    shared = Deflater()
    first = shared.deflate(FONT)
    assert shared.deflate(bytes(FONT)) is first  # an equal copy, as a second book holds
    assert len(first) < len(FONT)


def test_entry_order_does_not_depend_on_insertion_order() -> None:
    entries = sample_entries()
    reversed_entries = dict(reversed(list(entries.items())))
    assert pack(entries, WHEN) == pack(reversed_entries, WHEN)


def test_a_non_ascii_entry_name_is_flagged_utf8_and_reads_back() -> None:
    with zipfile.ZipFile(io.BytesIO(pack({"EPUB/café.xhtml": TEXT}, WHEN))) as book:
        info = book.getinfo("EPUB/café.xhtml")
        assert info.flag_bits & 0x800 and book.read(info) == TEXT


def test_a_build_time_past_the_zip_range_is_clamped_not_a_crash() -> None:
    late = datetime(2150, 6, 1, tzinfo=UTC)
    with zipfile.ZipFile(io.BytesIO(pack({"EPUB/a.xhtml": TEXT}, late))) as book:
        assert book.getinfo("EPUB/a.xhtml").date_time[0] == 2107
