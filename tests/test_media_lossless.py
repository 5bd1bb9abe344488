"""Images that need no pixel change are published as a lossless copy with the metadata cut out.

The contract is the same as for re-encoded images (tests/test_media.py): no EXIF, GPS, XMP,
comments, text chunks, ICC profiles or trailing bytes, deterministic bytes, content-hash names,
and the source decoded in full first. These tests pin what the copy keeps and when it is not
used (orientation, size, format, ICC: those images are re-encoded as before).
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageChops, PngImagePlugin

from zine.check.images import ImageChecks, inspect_image
from zine.media import images as media
from zine.media.images import MAX_SIDE, MediaError, process_bytes, strip_jpeg, strip_png
from zine.runtime.cache import MediaStore

GPS = ExifTags.IFD.GPSInfo
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
       b'exif:GPSLatitude="52,31.2N" exif:GPSLongitude="13,24.6E"/></rdf:RDF></x:xmpmeta>')


def photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image.paste((255, 0, 0), (0, 0, 10, 10))
    return image


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCam"
    exif.get_ifd(GPS).update({
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0)})
    return exif


def segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def hostile_jpeg(orientation: int = 1, **options: object) -> bytes:
    """A JPEG with GPS EXIF, an XMP packet with GPS, a comment and bytes after EOI."""
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG", exif=gps_exif(orientation), comment=b"shot at home",
                 **options)
    data = buffer.getvalue()
    xmp = segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + XMP)
    return data[:2] + xmp + data[2:] + b"TRAILING-SECRET"


def pixels(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.mode == b.mode and a.size == b.size and \
        ImageChops.difference(a, b).getbbox() is None


def png_chunks(data: bytes) -> list[bytes]:
    kinds, pos = [], 8
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kinds.append(data[pos + 4:pos + 8])
        pos += 12 + length
    return kinds


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (struct.pack(">I", len(payload)) + kind + payload
            + struct.pack(">I", zlib.crc32(kind + payload)))


def hostile_png(mode: str = "RGBA") -> bytes:
    """A PNG with tEXt, zTXt, iTXt, eXIf (GPS) and tIME chunks and bytes after IEND."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jo Example")
    info.add_text("Comment", "GPS 52.5,13.4", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buffer = io.BytesIO()
    Image.new(mode, (20, 10), (0, 0, 255, 128) if mode == "RGBA" else (0, 0, 255)).save(
        buffer, "PNG", pnginfo=info, exif=gps_exif())
    data = buffer.getvalue()
    iend = data.rindex(b"IEND") - 4
    time_chunk = png_chunk(b"tIME", bytes((7, 234, 1, 2, 3, 4, 5)))
    return data[:iend] + time_chunk + data[iend:] + b"TRAILING-SECRET"


def test_jpeg_metadata_and_trailing_bytes_are_cut_and_the_pixels_are_the_same() -> None:
    source = hostile_jpeg()
    item = process_bytes(source)
    assert item.media_type == "image/jpeg" and item.name.endswith(".jpg")
    for secret in (b"Exif", b"SecretCam", b"GPS", b"xmpmeta", b"shot at home", b"TRAILING"):
        assert secret not in item.data
    assert item.data.endswith(b"\xff\xd9")
    out = pixels(item.data)
    assert not out.getexif() and "comment" not in out.info and "xmp" not in out.info
    assert same_pixels(out, pixels(source))  # copied, not re-encoded
    assert (item.width, item.height) == out.size == (64, 48)


@pytest.mark.parametrize("options", [{"progressive": True}, {"restart_marker_blocks": 1},
                                     {"quality": 100, "subsampling": 0}])
def test_jpeg_variants_are_copied_losslessly(options: dict[str, object]) -> None:
    source = hostile_jpeg(**options)
    item = process_bytes(source)
    assert b"SecretCam" not in item.data and b"TRAILING" not in item.data
    assert same_pixels(pixels(item.data), pixels(source))


def test_grey_jpeg_is_copied_losslessly() -> None:
    buffer = io.BytesIO()
    photo().convert("L").save(buffer, "JPEG", comment=b"secret")
    item = process_bytes(buffer.getvalue())
    assert b"secret" not in item.data
    assert same_pixels(pixels(item.data), pixels(buffer.getvalue()))


def test_oriented_jpeg_is_still_rotated_and_stripped() -> None:
    item = process_bytes(hostile_jpeg(orientation=6))
    out = pixels(item.data).convert("RGB")
    assert (item.width, item.height) == out.size == (48, 64)
    red, green, _ = out.getpixel((44, 3))  # orientation 6: the red top left is now top right
    assert red > 200 and green < 80
    assert b"SecretCam" not in item.data and b"xmpmeta" not in item.data


def test_jpeg_with_a_jfif_thumbnail_or_icc_profile_is_re_encoded() -> None:
    thumbnail = b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x02\x01" + b"\xff\x00\x00" * 2
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG")
    plain = buffer.getvalue()
    jfif_end = 4 + int.from_bytes(plain[4:6], "big")
    with_thumbnail = plain[:2] + segment(0xE0, thumbnail) + plain[jfif_end:]
    assert strip_jpeg(with_thumbnail) is None  # the copy refuses it ...
    item = process_bytes(with_thumbnail)  # ... so it is re-encoded, without the thumbnail
    assert b"\xff\x00\x00\xff\x00\x00" not in item.data[:64]
    icc = io.BytesIO()
    photo().save(icc, "JPEG", icc_profile=b"\0" * 128 + b"SecretProfile")
    assert b"SecretProfile" not in process_bytes(icc.getvalue()).data


def test_unexpected_jpeg_structure_is_not_copied() -> None:
    buffer = io.BytesIO()
    photo().save(buffer, "JPEG")
    data = buffer.getvalue()
    assert strip_jpeg(data) is not None
    assert strip_jpeg(data[:-2]) is None  # no EOI
    assert strip_jpeg(data[:2] + segment(0xC3, b"\x08\0\x10\0\x10\x01\x01\x11\0")
                      + data[2:]) is None  # lossless SOF3
    assert strip_jpeg(b"\xff\xd8\xff\xd9") is None  # no frame, no scan


def test_truncated_jpeg_is_still_refused() -> None:
    source = hostile_jpeg()
    end = source.index(b"\xff\xd9")
    with pytest.raises(MediaError, match=r"damaged|truncated"):
        process_bytes(source[:end // 2 + 200])


def test_png_text_exif_time_chunks_and_trailing_bytes_are_cut() -> None:
    source = hostile_png()
    assert {b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"} <= set(png_chunks(source))
    item = process_bytes(source)
    assert item.media_type == "image/png"
    assert set(png_chunks(item.data)) <= {b"IHDR", b"IDAT", b"IEND", b"gAMA", b"cHRM",
                                          b"sRGB", b"sBIT", b"pHYs"}
    assert item.data.endswith(png_chunk(b"IEND", b""))
    for secret in (b"Jo Example", b"xmpmeta", b"SecretCam", b"TRAILING"):
        assert secret not in item.data
    assert same_pixels(pixels(item.data), pixels(source))
    assert pixels(item.data).mode == "RGBA"


def test_png_with_a_bad_crc_or_a_palette_is_not_copied() -> None:
    source = hostile_png("RGB")
    assert strip_png(source) is not None
    at = source.index(b"IDAT") + 8
    broken = source[:at] + bytes([source[at] ^ 1]) + source[at + 1:]
    assert strip_png(broken) is None
    palette = io.BytesIO()
    Image.new("P", (8, 8), 3).save(palette, "PNG")
    assert strip_png(palette.getvalue()) is None


def test_png_icc_profile_is_dropped_by_re_encoding() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG", icc_profile=b"\0" * 128)
    item = process_bytes(buffer.getvalue())
    assert b"iCCP" not in item.data


def test_large_images_are_still_scaled_down() -> None:
    buffer = io.BytesIO()
    photo((MAX_SIDE + 10, 20)).save(buffer, "JPEG")
    item = process_bytes(buffer.getvalue())
    assert max(item.width, item.height) == MAX_SIDE == max(pixels(item.data).size)


@pytest.mark.parametrize("make", [hostile_jpeg, hostile_png])
def test_copies_are_deterministic_and_named_by_their_hash(make: object) -> None:
    import hashlib

    assert callable(make)
    source = make()
    first = process_bytes(source)
    second = process_bytes(source)
    assert first == second
    assert re.fullmatch(r"media/[0-9a-f]{16}\.(jpg|png)", first.name)
    assert first.name.split("/")[1].split(".")[0] == hashlib.sha256(first.data).hexdigest()[:16]


@pytest.mark.parametrize("make", [hostile_jpeg, hostile_png])
def test_a_checked_image_is_not_decoded_again_for_the_build(
        make: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert callable(make)
    source = make()
    expected = process_bytes(source)
    path = tmp_path / "image.bin"
    path.write_bytes(source)
    store = MediaStore(tmp_path / "out", persist=False)
    assert ImageChecks(store.has, store.remember).inspect(path) is None
    key = hashlib.sha256(source).hexdigest()
    decoded = []
    real = media.open_checked
    monkeypatch.setattr(media, "open_checked", lambda data: decoded.append(1) or real(data))
    assert store.get(key) == expected  # the same item a fresh build makes, not decoded again
    assert decoded == []
    assert inspect_image(path) is None and process_bytes(source) == expected
    assert decoded == [1]  # without the store, nothing is kept between calls
