"""Check stage: is an image file one the editions can use safely?

Called by ``zine.checks`` only. Reads image files (never writes): the pixel count from the
header BEFORE anything is decoded (``Image.open`` reads only the header), the format from the
content (not the file name), then a full ``verify()`` and ``load()``. Returns a problem as a
code and message values, or None when the image is fine. A fine image that ``zine.media`` can
publish by a lossless copy is remembered there (by content hash), so a build decodes it once.
"""

from __future__ import annotations

import contextlib
import hashlib
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from zine import codes
from zine.media import (
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MediaError,
    looks_like_svg,
    open_checked,
    remember_checked,
    strict_decoding,
)

# One set of image rules: the limits, the SVG sniffing and the decoding live in zine.media,
# which the render stage uses too; this module only maps a problem to its diagnostic code.
MAX_MEGAPIXELS = MAX_PIXELS // 1_000_000
MAX_IMAGE_BYTES = MAX_FILE_BYTES
FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
_FORMAT_NAMES = {"MPO": "JPEG"}  # a JPEG with a second frame (phone cameras) is still JPEG


@dataclass(frozen=True)
class ImageProblem:
    code: str
    values: dict[str, object] = field(default_factory=dict)


_PREFETCHED: dict[tuple[Path, bool], ImageProblem | None] = {}
_already_decoded: Callable[[str], bool] | None = None  # set by ``prefetched``
PREFETCH_THREADS = 2  # Pillow decodes without holding the GIL: one per core


@contextlib.contextmanager
def prefetched(paths: Iterable[Path],
               decoded: Callable[[str], bool] | None = None) -> Iterator[None]:
    """Inspect ``paths`` in threads up front; ``inspect_image`` answers from these results
    until the block ends (then they are dropped, so a later check reads the files again).
    ``decoded(sha256 of the file)`` true: those bytes need not be decoded again."""
    global _already_decoded
    _already_decoded = decoded
    wanted = sorted(set(paths))
    if len(wanted) > 1:
        with warnings.catch_warnings(), strict_decoding():
            warnings.simplefilter("ignore")  # Pillow's bomb warning: we check sizes ourselves
            with ThreadPoolExecutor(PREFETCH_THREADS) as pool:
                for path, problem in zip(wanted, pool.map(_inspect, wanted), strict=True):
                    _PREFETCHED[path, False] = problem
    try:
        yield
    finally:
        _PREFETCHED.clear()
        _already_decoded = None


def inspect_image(path: Path, *, allow_svg: bool = False) -> ImageProblem | None:
    """The first problem of the image file at ``path`` (format, size, decoding), if any."""
    if (path, allow_svg) in _PREFETCHED:
        return _PREFETCHED[path, allow_svg]
    with warnings.catch_warnings(), strict_decoding():  # header reads see the same flag too
        warnings.simplefilter("ignore")  # Pillow's bomb warning: we check the size ourselves
        return _inspect(path, allow_svg)


def _inspect(path: Path, allow_svg: bool = False) -> ImageProblem | None:
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        return ImageProblem(codes.IMAGE_BROKEN, {"reason": error.strerror or str(error)})
    if size > MAX_IMAGE_BYTES:
        return ImageProblem(codes.IMAGE_BROKEN, {
            "reason": f"the file is {size} bytes; the limit is {MAX_IMAGE_BYTES} bytes"})
    if looks_like_svg(head):
        return None if allow_svg else ImageProblem(codes.IMAGE_SVG)
    return _inspect_raster(path)


def _inspect_raster(path: Path) -> ImageProblem | None:
    try:
        with Image.open(path) as image:  # reads the header only
            found = _FORMAT_NAMES.get(image.format or "", image.format or "unknown")
            width, height = image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError,
            SyntaxError, EOFError) as error:
        return ImageProblem(codes.IMAGE_BROKEN, {"reason": _reason(error)})
    if found not in FORMATS:
        return ImageProblem(codes.IMAGE_FORMAT, {"found": found})
    if width * height > MAX_MEGAPIXELS * 1_000_000:
        return ImageProblem(codes.IMAGE_TOO_BIG, {
            "width": width, "height": height, "megapixels": round(width * height / 1e6, 1),
            "limit": MAX_MEGAPIXELS})
    try:
        data = path.read_bytes()
        if _already_decoded is not None and _already_decoded(hashlib.sha256(data).hexdigest()):
            return None
        with open_checked(data) as decoded:
            remember_checked(data, decoded)  # the render stage need not decode it again
    except MediaError as error:
        return ImageProblem(codes.IMAGE_BROKEN, {"reason": error.reason})
    except Exception as error:  # Pillow raises many kinds for corrupt data: all mean "broken"
        return ImageProblem(codes.IMAGE_BROKEN, {"reason": _reason(error)})
    return None


def _reason(error: BaseException) -> str:
    if isinstance(error, UnidentifiedImageError):
        return "not a known image format"
    text = str(error).split("\n")[0] or type(error).__name__
    return text.replace(str(Path.cwd()) + "/", "")
