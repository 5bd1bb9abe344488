"""Editions stage, resources: the ONE place where the rules for loading a resource live.

Every edition loads CSS, fonts and images only through this module: WeasyPrint through
``RestrictedFetcher`` (a ``weasyprint.urls.URLFetcher`` subclass), the EPUB and HTML editions
and the generated cover through ``Styles.read``. Nothing here writes files or touches the
network.

Importing this module does not import WeasyPrint (about 0.4 s), so the EPUB and HTML editions
and ``zine check`` do not pay for it: the rules are all here, in ``RestrictedFetcher``, and
the class WeasyPrint needs (``RestrictedFetcher`` and ``URLFetcher`` as bases, nothing else
added) is made on the first ``RestrictedFetcher(...)``, which returns an instance of it.

What is served: ``<base>media/<name>`` from the rendered issue's media map, ``<base>styles/...``
from the zine root's effective styles (``Styles``: the root's own ``styles/`` file by file over
the defaults shipped in the package, ``zine/styles/``), ``file:`` URLs that resolve (symlinks
followed) to a regular file inside an allowed root, and ``data:`` URLs of raster images
(styles are found from the zine root a command found, ``zine.load.project.find_root``, carried
as ``Zine.root``: never from the working directory or at import time). Everything else is
refused and recorded in ``denied`` so the edition can report it (Z502) and fail the build:
other schemes and every network URL, ``..`` (also percent-encoded), paths outside the roots,
symlinks that escape, devices, FIFOs, ``/proc``, and files above a size cap.
"""

from __future__ import annotations

import base64
import hashlib
import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_to_bytes, urlsplit

from zine.safety import paths

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
    real = paths.real(path)
    if any(paths.is_inside(real, bad, or_itself=True) for bad in _FORBIDDEN_ROOTS):
        raise ResourceDenied(url, "system files are not resources")
    if not any(paths.is_inside(real, root) for root in roots):
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


def packaged_styles() -> Path:
    """The default styles and fonts shipped in the package (``zine/styles/``)."""
    return Path(str(resources.files("zine").joinpath("styles")))


_SKIPPED = ("__pycache__",)


@dataclass(frozen=True)
class Styles:
    """The style files a zine root's editions use: ``folders`` in order of precedence.

    ``of_root(root)`` is the root's own ``styles/`` (when it has one) over the packaged
    defaults, file by file: ``fonts/NotoSerif-Regular.ttf`` comes from the first folder that
    has an entry of that name, so a root overrides one stylesheet or one font and keeps the
    rest. An entry the first folder has but refuses (a link out of it, a FIFO) is an error, not
    a silent fall back to the default.
    """

    folders: tuple[Path, ...]

    @classmethod
    def of_root(cls, root: Path | None) -> Styles:
        own = root / "styles" if root is not None else None
        if own is not None and own.is_dir():
            return cls((own, packaged_styles()))
        return cls((packaged_styles(),))

    def source(self, relative: str) -> Path | None:
        """The folder that serves ``relative`` (already checked), or None if none has it."""
        for folder in self.folders:
            if os.path.lexists(folder / relative):
                return folder
        return None

    def read(self, relative: str, url: str = "") -> bytes:
        """A style file (``"base.css"``, ``"fonts/NotoSerif-Regular.ttf"``), by the rules of
        ``read_regular_file`` inside the folder that serves it; ``ResourceDenied`` otherwise."""
        url = url or f"styles/{relative}"
        clean = _check_relative(relative, url)
        folder = self.source(clean)
        if folder is None:
            raise ResourceDenied(url, "cannot open (No such file or directory)")
        return read_regular_file(folder / clean, [folder], url)

    def collect(self, names: Iterable[str],
                rewrite: Callable[[bytes], bytes] | None = None) -> dict[str, bytes]:
        """Style files ``names`` and every style file their ``url()``s name (``@import``,
        ``@font-face``), followed through the stylesheets they import; name -> bytes.
        ``rewrite`` changes each stylesheet before it is kept (the EPUB drops properties it
        forbids). A ``url()`` leading anywhere but to a style file is refused like any read
        (``ResourceDenied``, its ``url`` ``styles/<name>``)."""
        found: dict[str, bytes] = {}
        pending = list(names)
        while pending:
            name = pending.pop(0)
            if name in found:
                continue
            data = self.read(name)
            if name.endswith(".css"):
                data = rewrite(data) if rewrite else data
                pending.extend(css_references(name, data.decode("utf-8")))
            found[name] = data
        return found

    def has(self, relative: str) -> bool:
        """Whether some folder has ``relative`` as a regular file (a stylesheet is optional)."""
        folder = self.source(relative)
        return folder is not None and (folder / relative).is_file()

    def names(self) -> list[str]:
        """Every effective style file, relative and sorted (``fonts/OFL.txt``, ``base.css``)."""
        found: set[str] = set()
        for folder in self.folders:
            for parent, dirs, files in os.walk(folder):
                dirs[:] = sorted(d for d in dirs if d not in _SKIPPED)
                base = Path(parent).relative_to(folder)
                found.update((base / name).as_posix() for name in files
                             if not name.endswith(".pyc"))
        return sorted(found)

    @cached_property
    def digest(self) -> str:
        """SHA-256 over every effective file's name and bytes (or why it is refused): what a
        cached output that used these styles depends on, so an override invalidates it."""
        digest = hashlib.sha256(b"zine-styles\0")
        for name in self.names():
            try:
                data = self.read(name)
            except ResourceDenied as denied:
                data = f"refused: {denied.reason}".encode()
            digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(hashlib.sha256(data).digest())
        return digest.hexdigest()


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
    """WeasyPrint's URL fetcher, restricted to the rendered issue's media and ``styles``.

    ``denied`` lists ``(url, reason)`` for every refusal, in order, for Z502 diagnostics.
    Every instance is a ``weasyprint.urls.URLFetcher`` (WeasyPrint is imported on the first
    one); the class itself is defined without WeasyPrint so that importing this module is cheap.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> RestrictedFetcher:
        instance: RestrictedFetcher = object.__new__(_with_urlfetcher(cls))
        return instance

    def __init__(self, media: Mapping[str, MediaItem], roots: Iterable[Path] = (),
                 base_url: str = BASE_URL, styles: Styles | None = None,
                 **kwargs: Any) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, **kwargs)
        self.media = dict(media)
        self.styles = styles or Styles.of_root(None)  # no root: the packaged defaults only
        self.roots = [*self.styles.folders, *roots]
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.denied: list[tuple[str, str]] = []

    @classmethod
    def for_issue(cls, rendered: RenderedIssue, **kwargs: Any) -> RestrictedFetcher:
        """A fetcher for one rendered issue: its media, its zine root's styles and its
        articles' folders."""
        media = dict(rendered.media)
        media.setdefault(rendered.cover.name, rendered.cover)
        folders = sorted({a.folder for a in rendered.issue.published})
        kwargs.setdefault("styles", Styles.of_root(rendered.zine.root))
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
            data = self.styles.read(relative, url)
            return URLFetcherResponse(url, data, {"Content-Type": media_type_of(relative)})
        raise ResourceDenied(url, "only media/ and styles/ are served")

    def _serve_data(self, url: str) -> URLFetcherResponse:
        from weasyprint.urls import URLFetcherResponse

        media_type = data_url_type(url)
        if media_type not in DATA_IMAGE_TYPES:
            raise ResourceDenied(url, "data: URLs are only allowed for raster images")
        try:
            data = data_url_bytes(url)
        except ValueError:
            raise ResourceDenied(url, "malformed data: URL") from None
        if len(data) > MAX_RESOURCE_BYTES:
            raise ResourceDenied(url, "data: URL too large")
        return URLFetcherResponse(url, data, {"Content-Type": media_type})


def data_url_type(url: str) -> str:
    """The media type a ``data:`` URL declares, lowercase ("" for none)."""
    header = url[5:].partition(",")[0] if url[:5].lower() == "data:" else ""
    return header.split(";")[0].strip().lower()


def data_url_bytes(url: str) -> bytes:
    """What a ``data:`` URL holds (RFC 2397): base64 when its last parameter is ``base64``
    (in any case), else percent-encoded. Raises ValueError for malformed base64."""
    header, _, payload = url[5:].partition(",")
    params = [p.strip().lower() for p in header.split(";")[1:]]
    if params and params[-1] == "base64":
        return base64.b64decode(payload, validate=False)
    return unquote_to_bytes(payload)


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+?)['"]?\s*\)""")


def css_references(sheet: str, css: str) -> list[str]:
    """What the ``url()``s of stylesheet ``sheet`` name, relative to the styles folder, in
    order (``fonts.css`` -> ``fonts/NotoSans-Regular.ttf``); ``data:`` URLs and references
    within the sheet (``#id``) are no files, and a query or fragment is not part of a name."""
    found = []
    for ref in _CSS_URL.findall(css):
        if ref.startswith("#") or ref[:5].lower() == "data:":
            continue
        path = ref.split("#")[0].split("?")[0]
        found.append(posixpath.normpath(posixpath.join(posixpath.dirname(sheet), path)))
    return found
