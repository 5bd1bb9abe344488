"""Images: untrusted files in, clean deterministic bytes under a content-hash name out."""

from __future__ import annotations

import io
import re
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from tests.render_helpers import png_bytes
from zine.media.images import MAX_SIDE, MediaError, process_bytes, process_image

GPS = ExifTags.IFD.GPSInfo


def jpeg_with_gps_and_orientation(orientation: int = 1, size: tuple[int, int] = (60, 40)) -> bytes:
    image = Image.new("RGB", size, "green")
    image.paste((255, 0, 0), (0, 0, 10, 10))  # a red corner shows where "top left" went
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "SecretCam"
    exif[ExifTags.Base.Artist] = "Jo Example"
    exif.get_ifd(GPS).update({
        ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
        ExifTags.GPS.GPSLongitudeRef: "E", ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
    })
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, comment=b"shot at home")
    return buffer.getvalue()


def reopen(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_exif_gps_is_gone_after_processing(tmp_path: Path) -> None:
    source = jpeg_with_gps_and_orientation()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS)  # the fixture has GPS
    path = tmp_path / "photo.jpg"
    path.write_bytes(source)
    item = process_image(path)
    out = reopen(item.data)
    assert out.format == "JPEG" and item.media_type == "image/jpeg"
    assert len(out.getexif()) == 0 and not out.getexif().get_ifd(GPS)
    assert b"Exif" not in item.data and b"SecretCam" not in item.data
    assert b"shot at home" not in item.data and b"Jo Example" not in item.data
    assert "exif" not in out.info and "comment" not in out.info


def test_exif_orientation_is_applied_before_stripping() -> None:
    item = process_bytes(jpeg_with_gps_and_orientation(orientation=6, size=(60, 40)))
    out = reopen(item.data).convert("RGB")
    assert (item.width, item.height) == out.size == (40, 60)
    # Orientation 6 = rotate 90° clockwise: the red top-left corner is now top right.
    red, green, _ = out.getpixel((35, 3))
    assert red > 200 and green < 80


def test_png_text_chunks_and_icc_are_dropped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jo Example")
    info.add_text("GPS", "52.5,13.4")
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(buffer, "PNG", pnginfo=info)
    item = process_bytes(buffer.getvalue())
    assert item.name.endswith(".png") and item.media_type == "image/png"
    chunks = set(re.findall(rb"(tEXt|zTXt|iTXt|eXIf|iCCP|tIME)", item.data))
    assert chunks == set()
    assert reopen(item.data).mode == "RGBA"


def test_names_are_content_hashes_and_output_is_deterministic(tmp_path: Path) -> None:
    import hashlib

    data = jpeg_with_gps_and_orientation()
    first = process_bytes(data)
    second = process_bytes(data)
    assert first.data == second.data
    assert re.fullmatch(r"media/[0-9a-f]{16}\.jpg", first.name)
    assert first.name == f"media/{hashlib.sha256(first.data).hexdigest()[:16]}.jpg"


@pytest.mark.parametrize(("fmt", "ext"), [("GIF", "gif"), ("WEBP", "png"), ("BMP", "png"),
                                          ("TIFF", "png"), ("PNG", "png"), ("JPEG", "jpg")])
def test_formats_are_kept_or_converted_to_core_media_types(fmt: str, ext: str) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "orange").save(buffer, fmt)
    item = process_bytes(buffer.getvalue())
    assert item.name.endswith(f".{ext}")
    assert reopen(item.data).format == {"jpg": "JPEG", "png": "PNG", "gif": "GIF"}[ext]


def test_format_is_detected_from_bytes_not_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(png_bytes())
    assert process_image(path).name.endswith(".png")


def test_large_images_are_scaled_down() -> None:
    item = process_bytes(png_bytes((MAX_SIDE * 2, 100)))
    assert (item.width, item.height) == (MAX_SIDE, 50)
    assert reopen(item.data).size == (MAX_SIDE, 50)


def decompression_bomb_png(width: int, height: int) -> bytes:
    """A valid PNG header claiming width x height pixels, with tiny compressed data."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
        return len(payload).to_bytes(4, "big") + kind + payload + crc.to_bytes(4, "big")

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([1, 0, 0, 0, 0])
    rows = zlib.compress(b"\x00" * (1 + width // 8) * 16)  # a few rows only
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + \
        chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(MediaError, match="pixels"):
        process_bytes(decompression_bomb_png(20_000, 20_000))


@pytest.mark.parametrize("weasyprint_loaded", [False, True])
def test_truncated_image_is_refused(weasyprint_loaded: bool,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from PIL import ImageFile

    # Importing WeasyPrint sets LOAD_TRUNCATED_IMAGES = True for the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", weasyprint_loaded)
    data = jpeg_with_gps_and_orientation(size=(400, 300))
    with pytest.raises(MediaError, match=r"damaged|truncated"):
        process_bytes(data[: len(data) // 2])
    assert ImageFile.LOAD_TRUNCATED_IMAGES is weasyprint_loaded


@pytest.mark.parametrize("data", [b"", b"hello, I am text", b"\x89PNG\r\n\x1a\nrubbish",
                                  b"GIF89a\x00\x00"])
def test_fake_images_are_refused(data: bytes) -> None:
    with pytest.raises(MediaError):
        process_bytes(data)


def test_svg_is_refused_with_a_reason() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(MediaError, match="SVG"):
        process_bytes(svg)


def test_unreadable_paths_are_media_errors(tmp_path: Path) -> None:
    with pytest.raises(MediaError):
        process_image(tmp_path / "missing.png")
    with pytest.raises(MediaError, match="regular"):
        process_image(tmp_path)


@pytest.mark.parametrize(("mode", "fmt", "options", "expected"), [
    ("LA", "PNG", {}, (100, 100, 100, 50)),
    ("RGB", "PNG", {"transparency": (1, 2, 3)}, (1, 2, 3, 0)),
    ("I;16", "PNG", {}, (3, 3, 3, 255)),
    ("RGBA", "WEBP", {}, None),
])
def test_transparency_and_bit_depths_survive(mode: str, fmt: str, options: dict[str, object],
                                             expected: tuple[int, ...] | None) -> None:
    colour = {"LA": (100, 50), "RGB": (1, 2, 3), "I;16": 1000, "RGBA": (200, 100, 50, 128)}
    buffer = io.BytesIO()
    Image.new(mode, (20, 20), colour[mode]).save(buffer, fmt, **options)
    pixel = reopen(process_bytes(buffer.getvalue()).data).convert("RGBA").getpixel((0, 0))
    if expected is None:
        assert pixel[3] == 128  # lossless WebP keeps alpha through PNG
    else:
        assert pixel == expected


def test_palette_png_with_partial_transparency_keeps_it() -> None:
    image = Image.new("P", (20, 20), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] * 128)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=bytes([0, 128] + [255] * 254))
    pixel = reopen(process_bytes(buffer.getvalue()).data).convert("RGBA").getpixel((0, 0))
    assert pixel == (255, 0, 0, 128)
