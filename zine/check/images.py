"""Check stage: is an image file one the editions can use safely?

Called by ``zine.check.run`` only. Reads image files (never writes): the pixel count from the
header BEFORE anything is decoded (``Image.open`` reads only the header), the format from the
content (not the file name), then a full ``verify()`` and ``load()``. Returns a problem as a
code and message values, or None when the image is fine. One ``ImageChecks`` holds the verdicts
of one check run (inspected two at a time up front) and hands a fine image that
``zine.media.images`` can publish by a lossless copy to its ``remember`` callback (the build's media
store, by content hash), so a build decodes it once. The module itself keeps no state. """

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, UnidentifiedImageError

from zine.diagnostics import codes
from zine.media.images import (
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MediaError,
    checked_item,
    looks_like_svg,
    open_checked,
    strict_decoding,
)

if TYPE_CHECKING:
    from zine.model.rendered import MediaItem

# One set of image rules: the limits, the SVG sniffing and the decoding live in zine.media.images,
# which the render stage uses too; this module only maps a problem to its diagnostic code.
MAX_MEGAPIXELS = MAX_PIXELS // 1_000_000
MAX_IMAGE_BYTES = MAX_FILE_BYTES
FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
_FORMAT_NAMES = {"MPO": "JPEG"}  # a JPEG with a second frame (phone cameras) is still JPEG


@dataclass(frozen=True)
class ImageProblem:
    code: str
    values: dict[str, object] = field(default_factory=dict)


PREFETCH_THREADS = 2  # Pillow decodes without holding the GIL: one per core


class ImageChecks:
    """The verdicts on image files of one check run.

    ``decoded(sha256 of a file)`` true: those bytes were decoded whole before (by the build
    cache's word), so only their header is read. ``remember(sha256, item)`` is given the
    processed item of a fine image when it came for free (the lossless copy).
    """

    def __init__(self, decoded: Callable[[str], bool] | None = None,
                 remember: Callable[[str, MediaItem], None] | None = None) -> None:
        self.decoded = decoded
        self.remember = remember
        self._found: dict[tuple[Path, bool], ImageProblem | None] = {}

    def prefetch(self, paths: Iterable[Path]) -> None:
        """Inspect ``paths`` in threads now; ``inspect`` then answers from these verdicts."""
        wanted = sorted(set(paths))
        if len(wanted) < 2:
            return
        with warnings.catch_warnings(), strict_decoding():
            warnings.simplefilter("ignore")  # Pillow's bomb warning: we check sizes ourselves
            with ThreadPoolExecutor(PREFETCH_THREADS) as pool:
                found = list(pool.map(self._inspect, wanted))
        self._found.update(((path, False), problem)
                           for path, problem in zip(wanted, found, strict=True))

    def inspect(self, path: Path, *, allow_svg: bool = False) -> ImageProblem | None:
        """The first problem of the image file at ``path`` (format, size, decoding), if any."""
        if (path, allow_svg) in self._found:
            return self._found[path, allow_svg]
        with warnings.catch_warnings(), strict_decoding():  # header reads see the flag too
            warnings.simplefilter("ignore")  # Pillow's bomb warning: we check the size
            return self._inspect(path, allow_svg)

    def _inspect(self, path: Path, allow_svg: bool = False) -> ImageProblem | None:
        return _inspect(path, allow_svg, self)


def inspect_image(path: Path, *, allow_svg: bool = False) -> ImageProblem | None:
    """The first problem of the image file at ``path``, inspected now."""
    return ImageChecks().inspect(path, allow_svg=allow_svg)


def _inspect(path: Path, allow_svg: bool, checks: ImageChecks) -> ImageProblem | None:
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
    return _inspect_raster(path, checks)


def _inspect_raster(path: Path, checks: ImageChecks) -> ImageProblem | None:
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
        key = hashlib.sha256(data).hexdigest()
        if checks.decoded is not None and checks.decoded(key):
            return None
        with open_checked(data) as decoded:
            item = checked_item(data, decoded) if checks.remember is not None else None
        if item is not None and checks.remember is not None:
            checks.remember(key, item)  # the render stage need not decode it again
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
