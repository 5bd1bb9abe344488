"""Editions stage, resources: the ONE place where the rules for loading a resource live.

Every edition loads CSS, fonts and images only through this module: WeasyPrint through
``RestrictedFetcher`` (a ``weasyprint.urls.URLFetcher`` subclass), the EPUB and HTML editions
through ``read_style_resource``. Nothing here writes files or touches the network.

Importing this module does not import WeasyPrint (about 0.4 s), so the EPUB and HTML editions
and ``zine check`` do not pay for it: the rules are all here, in ``RestrictedFetcher``, and
the class WeasyPrint needs (``RestrictedFetcher`` and ``URLFetcher`` as bases, nothing else
added) is made on the first ``RestrictedFetcher(...)``, which returns an instance of it.

What is served: ``<base>media/<name>`` from the rendered issue's media map, ``<base>styles/...``
from the repository's ``styles/`` folder, ``file:`` URLs that resolve (symlinks followed) to a
regular file inside an allowed root, and ``data:`` URLs of raster images. Everything else is
refused and recorded in ``denied`` so the edition can report it (Z502) and fail the build:
other schemes and every network URL, ``..`` (also percent-encoded), paths outside the roots,
symlinks that escape, devices, FIFOs, ``/proc``, and files above a size cap.
"""

from __future__ import annotations

import base64
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

if TYPE_CHECKING:
    from weasyprint.urls import URLFetcher as _FetcherBase
    from weasyprint.urls import URLFetcherResponse

    from zine.model.rendered import MediaItem, RenderedIssue
else:  # the real base is added on first use: see RestrictedFetcher.__new__
    _FetcherBase = object

BASE_URL = "https://zine.invalid/"  # virtual: PDFs must not depend on the checkout folder
MAX_RESOURCE_BYTES = 32 * 1024 * 1024
DATA_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
_FORBIDDEN_ROOTS = (Path("/proc"), Path("/sys"), Path("/dev"))

_TYPES = {
    ".css": "text/css", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff",
    ".woff2": "font/woff2", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
    ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml", ".txt": "text/plain",
}


def _find_styles_dir() -> Path:
    """``styles/`` next to the package: works from a checkout and an editable install."""
    here = Path(__file__).resolve().parents[1]
    for candidate in (here.parent / "styles", Path.cwd() / "styles"):
        if candidate.is_dir():
            return candidate
    return here.parent / "styles"


STYLES_DIR: Path = _find_styles_dir()


class ResourceDenied(ValueError):
    """A resource the build refuses to load; ``reason`` is for a Z502 message."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{reason}: {url}")
        self.url = url
        self.reason = reason


def read_regular_file(path: Path, roots: Iterable[Path], url: str = "") -> bytes:
    """Bytes of ``path`` if it resolves to a regular, not too big file inside one of ``roots``."""
    url = url or str(path)
    if any(part == ".." for part in Path(path).parts):
        raise ResourceDenied(url, "path contains '..'")
    real = Path(os.path.realpath(path))
    if any(real == bad or bad in real.parents for bad in _FORBIDDEN_ROOTS):
        raise ResourceDenied(url, "system files are not resources")
    real_roots = [Path(os.path.realpath(root)) for root in roots]
    if not any(root in real.parents for root in real_roots):
        is_link = any(p.is_symlink() for p in (Path(path), *Path(path).parents))
        raise ResourceDenied(url, "a symbolic link that leads outside the allowed folders"
                             if is_link else "outside the allowed folders")
    try:
        # O_NONBLOCK: opening a FIFO must not hang; fstat on the open file avoids a swap race.
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise ResourceDenied(url, f"cannot open ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ResourceDenied(url, "not a regular file")
        if info.st_size > MAX_RESOURCE_BYTES:
            raise ResourceDenied(url, f"larger than {MAX_RESOURCE_BYTES // (1024 * 1024)} MB")
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_RESOURCE_BYTES + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_RESOURCE_BYTES:
        raise ResourceDenied(url, f"larger than {MAX_RESOURCE_BYTES // (1024 * 1024)} MB")
    return data


def _check_relative(relative: str, url: str) -> str:
    """A relative path inside a virtual folder, refused if it climbs out in any spelling."""
    decoded = relative
    for _ in range(3):  # %252e%252e decodes in two steps
        decoded = unquote(decoded)
    if "\\" in decoded or "\x00" in decoded or decoded.startswith("/"):
        raise ResourceDenied(url, "malformed path")
    if any(part in ("..", ".") for part in decoded.split("/")) or ".." in decoded.split("/"):
        raise ResourceDenied(url, "path contains '..'")
    if not decoded or decoded.endswith("/"):
        raise ResourceDenied(url, "not a file")
    return decoded


def read_style_resource(relative: str, styles_dir: Path | None = None) -> bytes:
    """A file under ``styles/`` (e.g. ``"base.css"``, ``"fonts/NotoSerif-Regular.ttf"``).

    Raises ``ResourceDenied`` for anything the PDF fetcher would refuse too.
    """
    root = styles_dir or STYLES_DIR
    clean = _check_relative(relative, f"styles/{relative}")
    return read_regular_file(root / clean, [root], f"styles/{relative}")


def media_type_of(name: str) -> str:
    """Media type of a style or media file by its extension (names here are generated)."""
    return _TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


_WEASYPRINT_CLASSES: dict[type, type] = {}


def _with_urlfetcher(cls: type) -> type:
    """``cls`` with ``weasyprint.urls.URLFetcher`` as its second base, made once per class."""
    made = _WEASYPRINT_CLASSES.get(cls)
    if made is None:
        from weasyprint.urls import URLFetcher

        if issubclass(cls, URLFetcher):
            return cls
        made = type(cls.__name__, (cls, URLFetcher), {"__module__": cls.__module__,
                                                      "__qualname__": cls.__qualname__})
        _WEASYPRINT_CLASSES[cls] = made
    return made


class RestrictedFetcher(_FetcherBase):
    """WeasyPrint's URL fetcher, restricted to the rendered issue's media and ``styles/``.

    ``denied`` lists ``(url, reason)`` for every refusal, in order, for Z502 diagnostics.
    Every instance is a ``weasyprint.urls.URLFetcher`` (WeasyPrint is imported on the first
    one); the class itself is defined without WeasyPrint so that importing this module is cheap.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> RestrictedFetcher:
        instance: RestrictedFetcher = object.__new__(_with_urlfetcher(cls))
        return instance

    def __init__(self, media: Mapping[str, MediaItem], roots: Iterable[Path] = (),
                 base_url: str = BASE_URL, styles_dir: Path | None = None,
                 **kwargs: Any) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, **kwargs)
        self.media = dict(media)
        self.styles_dir = styles_dir or STYLES_DIR
        self.roots = [self.styles_dir, *roots]
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.denied: list[tuple[str, str]] = []

    @classmethod
    def for_issue(cls, rendered: RenderedIssue, **kwargs: Any) -> RestrictedFetcher:
        """A fetcher for one rendered issue: its media, styles/ and its articles' folders."""
        media = dict(rendered.media)
        media.setdefault(rendered.cover.name, rendered.cover)
        folders = sorted({a.folder for a in rendered.issue.published})
        return cls(media, folders, **kwargs)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        try:
            return self._serve(url)
        except ResourceDenied as denial:
            self.denied.append((url if len(url) < 200 else url[:200] + "…", denial.reason))
            raise

    def _serve(self, url: str) -> URLFetcherResponse:
        from weasyprint.urls import URLFetcherResponse  # loaded already: we are an URLFetcher

        if url.startswith(self.base_url):
            return self._serve_virtual(url, url[len(self.base_url):])
        scheme = url.split(":", 1)[0].lower() if re.match(r"^[A-Za-z][\w+.-]*:", url) else ""
        if scheme == "data":
            return self._serve_data(url)
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc not in ("", "localhost"):
                raise ResourceDenied(url, "remote file URL")
            raw = unquote(parts.path)
            if ".." in raw.split("/"):
                raise ResourceDenied(url, "path contains '..'")
            data = read_regular_file(Path(raw), self.roots, url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type_of(raw)})
        if scheme in ("http", "https", "ftp", "ftps"):
            raise ResourceDenied(url, "network resources are not allowed")
        raise ResourceDenied(url, f"URL scheme '{scheme or 'none'}' is not allowed")

    def _serve_virtual(self, url: str, rest: str) -> URLFetcherResponse:
        from weasyprint.urls import URLFetcherResponse

        rest = rest.split("#", 1)[0].split("?", 1)[0]
        if rest.startswith("media/"):
            _check_relative(rest, url)
            item = self.media.get(unquote(rest))
            if item is None:
                raise ResourceDenied(url, "no such generated media file")
            return URLFetcherResponse(url, item.data, {"Content-Type": item.media_type})
        if rest.startswith("styles/"):
            relative = _check_relative(rest[len("styles/"):], url)
            data = read_regular_file(self.styles_dir / relative, [self.styles_dir], url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type_of(relative)})
        raise ResourceDenied(url, "only media/ and styles/ are served")

    def _serve_data(self, url: str) -> URLFetcherResponse:
        from weasyprint.urls import URLFetcherResponse

        header, _, payload = url[5:].partition(",")
        fields = header.split(";")
        media_type = fields[0].strip().lower()
        if media_type not in DATA_IMAGE_TYPES:
            raise ResourceDenied(url, "data: URLs are only allowed for raster images")
        try:
            data = (base64.b64decode(payload, validate=False) if "base64" in fields[1:]
                    else unquote_to_bytes(payload))
        except ValueError:
            raise ResourceDenied(url, "malformed data: URL") from None
        if len(data) > MAX_RESOURCE_BYTES:
            raise ResourceDenied(url, "data: URL too large")
        return URLFetcherResponse(url, data, {"Content-Type": media_type})
