"""Render stage, images: untrusted image files -> clean, deterministic ``MediaItem`` bytes.

Called by ``zine.render.issue`` (article images, the issue cover) and by checks that want to know
whether an image will go through. It reads the one file it is given and writes nothing.

Every image is treated as hostile: the format is detected from the bytes, the pixel count is
capped *before* decoding (decompression bombs), the whole image is decoded (truncated or fake
files fail here, not silently in a PDF), EXIF orientation is applied and then every piece of
metadata (EXIF with GPS, XMP, comments, text chunks, ICC profiles, trailing bytes) is dropped.
JPEG stays JPEG, PNG stays PNG, GIF stays GIF (first frame), everything else becomes PNG.
The output name is the hash of the output bytes, so it is the same in every edition and run.

How the metadata is dropped depends on what the pixels need:

- Re-encoding (``_clean_pixels`` + ``_encode``): only the decoded pixels are copied into a new
  image and saved with fixed options. Used whenever something has to change: an EXIF
  orientation other than 1, a side above ``MAX_SIDE``, a format or mode conversion (GIF, WebP,
  palettes, transparency keys, 16-bit or CMYK data, animation), or an ICC profile.
- Lossless copy (``strip_jpeg``, ``strip_png``), for the common case of an 8-bit RGB or grey
  JPEG (baseline, extended or progressive Huffman) or an 8-bit RGB, RGBA or grey PNG with none
  of the above: the file is rebuilt from an allow-list of the structures a decoder needs, in
  their original order, so the pixels are exactly the ones that were verified. JPEG keeps
  SOI, DQT, DHT, SOF0/1/2, DRI, SOS with its entropy-coded data, APP0 JFIF without a
  thumbnail, APP14 Adobe (colour transform) and EOI; every other APPn (EXIF, XMP, ICC,
  Photoshop/IPTC), COM and everything after EOI is dropped. PNG keeps IHDR, IDAT, IEND and the
  colour and size descriptors gAMA, cHRM, sRGB, sBIT and pHYs (CRCs checked); tEXt, zTXt, iTXt,
  eXIf, tIME, iCCP and every other chunk, and anything after IEND, are dropped. Anything the
  copy does not expect (another marker, a bad CRC, a JPEG thumbnail) falls back to
  re-encoding. Both paths decode the whole source once first (``open_checked``).

The check stage (``zine.check.images``) decodes every image already; ``checked_item`` turns the
decoded image into the lossless copy (when it applies), which the build keeps for the render
stage (``zine.runtime.cache.MediaStore.remember``), so a build decodes such an image once, not
twice. This module keeps no state between calls. """

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import threading
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path

from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from zine.media.svg import SvgError, svg_cover
from zine.model.rendered import MediaItem
from zine.safety.fetcher import ResourceDenied, read_regular_file

MAX_FILE_BYTES = 25 * 1024 * 1024  # bigger source files are refused before reading pixels
MAX_PIXELS = 40_000_000  # width x height of the source; a 100 MP PNG is ~1 GB decoded
MAX_SIDE = 2400  # long side of the output; larger images are scaled down
JPEG_QUALITY = 88

_KEEP = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("gif", "image/gif")}
_PNG = ("png", "image/png")

_flag_lock = threading.Lock()
_strict_held = False  # True while strict_decoding() holds the flag off for a whole block


class MediaError(Exception):
    """An image that cannot go into an edition; ``reason`` says why, for a Z504 message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def process_image(path: Path, *, root: Path | None = None,
                  allow_svg: bool = False) -> MediaItem:
    """Read, check and clean the image at ``path``; raise ``MediaError`` saying what is wrong.

    With ``root`` the file is read through the fetcher's rules (``zine.safety.fetcher``): it must
    resolve, symlinks followed, to a regular file inside ``root``. ``allow_svg`` is for issue
    covers only: the SVG is sanitised and drawn as a PNG (``zine.media.svg``).
    """
    try:
        if root is not None:
            data = read_regular_file(path, [root], path.name)
        elif not path.is_file():
            raise MediaError("not a regular file")
        elif path.stat().st_size > MAX_FILE_BYTES:
            raise MediaError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        else:
            data = path.read_bytes()
    except ResourceDenied as denial:
        raise MediaError(denial.reason) from None
    except OSError as error:
        raise MediaError(f"cannot read the file ({error.strerror or error})") from None
    if allow_svg and looks_like_svg(data):
        return _svg_cover(data)
    return process_bytes(data)


def looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head


def _svg_cover(data: bytes) -> MediaItem:
    try:
        ext, drawn, width, height = svg_cover(data)
    except SvgError as error:
        raise MediaError(str(error)) from None
    except (OSError, subprocess.SubprocessError) as error:
        raise MediaError(f"the SVG could not be drawn ({error})") from None
    return _process(drawn) if ext == "png" else MediaItem.of(drawn, ext, width, height)


def process_bytes(data: bytes) -> MediaItem:
    """``process_image`` for bytes already in memory."""
    return _process(data)


def checked_item(data: bytes, image: Image.Image) -> MediaItem | None:
    """After a check decoded ``data`` with ``open_checked`` into ``image``: what
    ``process_bytes(data)`` returns, when that is the lossless copy (cheap now); else None.

    Exactly what ``process_bytes`` would return (the same function of the same bytes); an
    image that needs re-encoding is left for the render stage, so checks stay cheap.
    """
    try:
        copied = _lossless_copy(data, image)
    except Exception:  # the render stage processes it again and reports what is wrong
        return None
    if copied is None:
        return None
    return MediaItem.of(copied, _KEEP[image.format or ""][0], image.width, image.height)


def _process(data: bytes) -> MediaItem:
    if len(data) > MAX_FILE_BYTES:
        raise MediaError(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    if looks_like_svg(data):
        raise MediaError("SVG images are not accepted; export the image as PNG")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_checked(data)
            ext = _KEEP.get(image.format or "", _PNG)[0]
            copied = _lossless_copy(data, image)
            if copied is not None:
                out = copied
            else:
                image, ext = _clean_pixels(image, ext)
                out = _encode(image, ext)
        except MediaError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise MediaError(f"image has more than {MAX_PIXELS:,} pixels") from None
        except UnidentifiedImageError:
            raise MediaError("not an image format that can be read") from None
        except (OSError, SyntaxError, ValueError, EOFError) as error:
            raise MediaError(f"damaged or truncated image ({error})") from None
    return MediaItem.of(out, ext, image.width, image.height)


def open_checked(data: bytes) -> Image.Image:
    """Open from bytes, check the header size, verify, then decode every pixel."""
    probe = Image.open(io.BytesIO(data))
    width, height = probe.size
    if width <= 0 or height <= 0:
        raise MediaError("image has no pixels")
    if width * height > MAX_PIXELS:
        raise MediaError(f"image is {width}x{height}, more than {MAX_PIXELS:,} pixels")
    # WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True when it is imported; for us a
    # truncated file must fail here instead of becoming a grey box in a PDF.
    if _strict_held:  # the flag is off for the whole block: decode in parallel
        return _decode(probe, data)
    with strict_decoding():
        return _decode(probe, data)


@contextlib.contextmanager
def strict_decoding() -> Iterator[None]:
    """Truncated images fail to load for the whole block (Pillow's flag is process-wide, so
    it is held off under a lock); threads decoding inside the block need no lock each."""
    global _strict_held
    with _flag_lock:
        saved, held = ImageFile.LOAD_TRUNCATED_IMAGES, _strict_held
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        _strict_held = True
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES, _strict_held = saved, held


def _decode(probe: Image.Image, data: bytes) -> Image.Image:
    probe.verify()  # structure and checksums (PNG CRCs); probe is unusable afterwards
    image = Image.open(io.BytesIO(data))
    image.load()  # decodes every pixel
    return image


def _lossless_copy(data: bytes, image: Image.Image) -> bytes | None:
    """``data`` without its metadata if nothing about the pixels has to change, else None.

    ``image`` is the fully decoded source. The copy is checked to open as the same format,
    size and mode; see the module docstring for what is kept.
    """
    if max(image.size) > MAX_SIDE or "icc_profile" in image.info:
        return None
    if getattr(image, "n_frames", 1) != 1:
        return None
    if image.getexif().get(ExifTags.Base.Orientation, 1) not in (0, 1):
        return None
    if image.format == "JPEG" and image.mode in ("RGB", "L"):
        copied = strip_jpeg(data)
    elif image.format == "PNG" and image.mode in ("RGB", "RGBA", "L") \
            and "transparency" not in image.info:
        copied = strip_png(data)
    else:
        return None
    if copied is None:
        return None
    with Image.open(io.BytesIO(copied)) as check:  # header only: the same image, no surprises
        same = (check.format, check.size, check.mode) == (image.format, image.size, image.mode)
    return copied if same else None


# JPEG markers copied as they are: SOF0-2 (Huffman baseline/extended/progressive), DHT, DQT, DRI.
_JPEG_KEEP = frozenset({0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD})
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2})
_JPEG_DROP = frozenset({*range(0xE0, 0xF0), 0xFE})  # APP0-APP15 and COM, unless kept below
# The end of entropy-coded data: 0xFF not followed by a stuffed 0x00 or a restart marker.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7]")


def strip_jpeg(data: bytes) -> bytes | None:
    """The JPEG ``data`` rebuilt from the allow-listed segments; None if anything is unexpected.

    Kept: SOI, DQT, DHT, SOF0/1/2 (8-bit samples), DRI, every SOS with its entropy-coded data
    (restart markers included), APP0 "JFIF" without a thumbnail, APP14 "Adobe", EOI. Dropped:
    every other APPn (EXIF, XMP, ICC, MPF, IPTC, ...), COM, and all bytes after EOI.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    out = [b"\xff\xd8"]
    pos, end = 2, len(data)
    frame = scan = False
    while True:
        if pos >= end or data[pos] != 0xFF:
            return None
        while pos < end and data[pos] == 0xFF:  # fill bytes before a marker
            pos += 1
        if pos >= end:
            return None
        marker = data[pos]
        pos += 1
        if marker == 0xD9:  # EOI: whatever follows is dropped
            out.append(b"\xff\xd9")
            return b"".join(out) if frame and scan else None
        if pos + 2 > end:
            return None
        length = int.from_bytes(data[pos:pos + 2], "big")
        if length < 2 or pos + length > end:
            return None
        body = data[pos + 2:pos + length]
        segment = bytes((0xFF, marker)) + data[pos:pos + length]
        pos += length
        if marker == 0xDA:  # SOS, then entropy-coded data up to the next real marker
            if not frame:
                return None
            scan = True
            found = _NEXT_MARKER.search(data, pos)
            if found is None:
                return None
            out += (segment, data[pos:found.start()])
            pos = found.start()
        elif marker in _JPEG_KEEP:
            if marker in _JPEG_SOF:
                if frame or not body or body[0] != 8:
                    return None
                frame = True
            out.append(segment)
        elif marker == 0xE0 and body.startswith(b"JFIF\0"):
            if length != 16:  # 14 bytes of JFIF header and no thumbnail
                return None
            out.append(segment)
        elif marker == 0xEE and body.startswith(b"Adobe") and length == 14:
            out.append(segment)
        elif marker not in _JPEG_DROP:
            return None  # arithmetic coding, hierarchical, DNL, JPEG extensions: re-encode


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_KEEP = frozenset({b"IHDR", b"IDAT", b"IEND", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs"})


def strip_png(data: bytes) -> bytes | None:
    """The PNG ``data`` rebuilt from the allow-listed chunks; None if anything is unexpected.

    Only 8-bit grey, RGB and RGBA (no palette) qualify. Kept: IHDR, IDAT, IEND, gAMA, cHRM,
    sRGB, sBIT, pHYs, each with its CRC checked. Dropped: every other ancillary chunk (tEXt,
    zTXt, iTXt, eXIf, tIME, iCCP, bKGD, animation, private chunks) and all bytes after IEND.
    Any other critical chunk (PLTE too) means None.
    """
    if not data.startswith(_PNG_SIGNATURE):
        return None
    out = [_PNG_SIGNATURE]
    pos, end = len(_PNG_SIGNATURE), len(data)
    first = True
    while pos + 12 <= end:
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        stop = pos + 12 + length
        if stop > end:
            return None
        chunk = data[pos:stop]
        pos = stop
        if first:
            # IHDR: width, height, bit depth 8, colour type 0/2/6, standard methods
            if kind != b"IHDR" or length != 13 or chunk[16] != 8 or chunk[17] not in (0, 2, 6):
                return None
            first = False
        if kind not in _PNG_KEEP:
            if not kind[:1].islower():  # an unknown critical chunk, or PLTE
                return None
            continue
        if zlib.crc32(chunk[4:-4]) != int.from_bytes(chunk[-4:], "big"):
            return None
        out.append(chunk)
        if kind == b"IEND":
            return b"".join(out)
    return None


def _clean_pixels(image: Image.Image, ext: str) -> tuple[Image.Image, str]:
    """Orientation applied, size capped, pixels copied into a new image with no metadata."""
    transparency = image.info.get("transparency")
    image = ImageOps.exif_transpose(image) or image
    keep_palette = ext == "gif" and image.mode == "P" and max(image.size) <= MAX_SIDE
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F") and transparency is None:
        # 16-bit and float greys: scale to 8 bits instead of clipping everything to white.
        image = image.convert("I").point(lambda v: v * (1 / 257)).convert("L")
    if image.mode in ("P", "PA", "1", "L", "LA", "RGB", "I", "I;16", "F") and not keep_palette:
        # Palettes (and their transparency, in any of its spellings) and odd depths become
        # plain RGB(A) or L so nothing is lost when the pixels are copied.
        has_alpha = transparency is not None or image.mode in ("PA", "LA")
        if image.mode not in ("L", "1") or has_alpha:
            image = image.convert("RGBA" if has_alpha else "RGB")
    if ext == "gif" and not keep_palette:
        ext = "png"
    if ext == "jpg" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "1", "P"):
        image = image.convert("RGBA")
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    if image.mode == "P":
        palette = image.getpalette()
        if palette is not None:
            clean.putpalette(palette)
        if isinstance(transparency, int):
            clean.info["transparency"] = transparency
    return clean, ext


def _encode(image: Image.Image, ext: str) -> bytes:
    """Deterministic bytes: fixed encoder options, no metadata, no timestamps."""
    buffer = io.BytesIO()
    if ext == "jpg":
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=False)
    elif ext == "gif" and image.mode == "P":
        options = {}
        if "transparency" in image.info:
            options["transparency"] = image.info["transparency"]
        image.save(buffer, "GIF", **options)
    else:
        if image.mode == "P" and "transparency" in image.info:
            image = image.convert("RGBA")
        image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()

