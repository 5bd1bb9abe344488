"""Render stage, images: untrusted image files -> clean, deterministic ``MediaItem`` bytes.

Called by ``zine.render`` (article images, the issue cover) and by checks that want to know
whether an image will go through. It reads the one file it is given and writes nothing.

Every image is treated as hostile: the format is detected from the bytes, the pixel count is
capped *before* decoding (decompression bombs), the whole image is decoded (truncated or fake
files fail here, not silently in a PDF), EXIF orientation is applied and then every piece of
metadata (EXIF with GPS, XMP, comments, text chunks) is dropped by re-encoding only the pixels.
JPEG stays JPEG, PNG stays PNG, GIF stays GIF (first frame), everything else becomes PNG.
The output name is the hash of the output bytes, so it is the same in every edition and run.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import threading
import warnings
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from zine.render import MediaItem

MAX_FILE_BYTES = 25 * 1024 * 1024  # bigger source files are refused before reading pixels
MAX_PIXELS = 40_000_000  # width x height of the source; a 100 MP PNG is ~1 GB decoded
MAX_SIDE = 2400  # long side of the output; larger images are scaled down
JPEG_QUALITY = 88
CACHE_ENTRIES = 256

_KEEP = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "GIF": ("gif", "image/gif")}
_PNG = ("png", "image/png")

_cache: dict[str, MediaItem] = {}
_cache_lock = threading.Lock()
_flag_lock = threading.Lock()


class MediaError(Exception):
    """An image that cannot go into an edition; ``reason`` says why, for a Z504 message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def process_image(path: Path, *, root: Path | None = None,
                  allow_svg: bool = False) -> MediaItem:
    """Read, check and clean the image at ``path``; raise ``MediaError`` saying what is wrong.

    With ``root`` the file is read through the fetcher's rules (``zine.fetcher``): it must
    resolve, symlinks followed, to a regular file inside ``root``. ``allow_svg`` is for issue
    covers only: the SVG is sanitised and drawn as a PNG (``zine.svgcover``).
    """
    from zine.fetcher import ResourceDenied, read_regular_file

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
    from zine.svgcover import SvgError, svg_cover

    try:
        return svg_cover(data)
    except SvgError as error:
        raise MediaError(str(error)) from None
    except (OSError, subprocess.SubprocessError) as error:
        raise MediaError(f"the SVG could not be drawn ({error})") from None


def process_bytes(data: bytes) -> MediaItem:
    """``process_image`` for bytes already in memory; cached by the hash of ``data``."""
    key = hashlib.sha256(data).hexdigest()
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    item = _process(data)
    with _cache_lock:
        if len(_cache) >= CACHE_ENTRIES:  # ``zine serve`` runs for hours: forget the oldest
            del _cache[next(iter(_cache))]
        _cache[key] = item
    return item


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
    media_type = "image/jpeg" if ext == "jpg" else f"image/{ext}"
    name = f"media/{hashlib.sha256(out).hexdigest()[:16]}.{ext}"
    return MediaItem(name, media_type, out, image.width, image.height)


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
    with _flag_lock:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            probe.verify()  # structure and checksums (PNG CRCs); probe is unusable afterwards
            image = Image.open(io.BytesIO(data))
            image.load()  # decodes every pixel
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved
    return image


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

