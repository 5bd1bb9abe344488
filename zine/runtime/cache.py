"""Build stage helper: the content-hash cache that makes rebuilds cheap, kept beside the output
folder (``cache_home``: ``<parent of out>/.cache/<out name>-<key>/``), never inside it.

Its entries are plain files a build can lose at any time (a missing, unreadable or corrupted
entry is a cache miss, never an error); among them:

- ``build.json``: the last successful ``zine build`` -- a digest of everything its outputs
  depend on (the content files, the zine package code, templates and default styles, the
  root's effective style files (``zine.safety.fetcher.Styles.digest``: its own ``styles/`` over
  the packaged ones, so an override invalidates), library versions, the options,
  ``SOURCE_DATE_EPOCH``), the outputs with their SHA-256, and the diagnostics. If the digest
  is unchanged and every output still has its recorded hash, the build is a no-op: nothing
  is loaded, rendered or written, and the diagnostics are replayed.
- ``media/<sha256 of the source>.bin``: a processed image (``zine.media.images``), so an edit to one
  article does not re-encode every image of the issue;
- ``pdf/<digest>.bin``: a laid-out part of the issue PDF (``zine.editions.pdf.pool``), keyed
  by its HTML and the code, so an edit to one article lays out that article only;
- ``bodies/<digest>.bin``: a parsed article body, as JSON (``zine.runtime.bodycache``), so an edit
  to one article parses that article only.

Entries hold no absolute paths and no times, so two builds of the same content in two folders
write the same bytes. This module reads content and output files only to hash them (regular
files only, FIFOs and devices are never opened for reading) and writes only under
``cache_home(out)`` through ``zine.safety.writer``. It never unpickles anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import stat
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zine.diagnostics import Diagnostic, Severity
from zine.model import Position
from zine.model.rendered import MediaItem, media_name
from zine.safety.fetcher import Styles
from zine.safety.writer import write_bytes, write_text

if TYPE_CHECKING:
    from zine.model.rendered import MediaItem

LOG = logging.getLogger(__name__)
CACHE_DIR = ".cache"
FORMAT = 1  # bump when the layout of entries changes
HASH_LIMIT = 64 * 1024 * 1024  # bigger files are keyed by size and mtime, not read
LIBRARIES = ("weasyprint", "markdown-it-py", "mdit-py-plugins", "ebooklib", "Pillow", "Jinja2",
             "Pygments", "PyYAML", "lxml", "pydyf", "pikepdf")
PACKAGE_DIR = Path(__file__).resolve().parents[1]
_code_digest: str | None = None


def _file_digest(path: Path) -> bytes:
    """SHA-256 of a regular file's bytes; a marker for anything else or anything unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return b"unreadable"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return b"not-a-regular-file"
        if info.st_size > HASH_LIMIT:
            return f"big:{info.st_size}:{info.st_mtime_ns}".encode()
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.digest()
    except OSError:
        return b"unreadable"
    finally:
        os.close(fd)


def cache_home(out_dir: Path) -> Path:
    """Where the cache of output folder ``out_dir`` lives: ``.cache/<name>-<key>/`` beside it
    (for the default ``build/`` that is the zine root's ``.cache/``), keyed by the real path
    of ``out_dir``, so nothing under the folder that gets published is a cache file and two
    output folders never share (or prune) each other's entries."""
    real = os.path.realpath(out_dir)
    key = hashlib.sha256(real.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return Path(real).parent / CACHE_DIR / f"{Path(real).name or 'root'}-{key}"


def cache_refused(out_dir: Path) -> str:
    """Why the cache beside ``out_dir`` must not be used ("" when it may): a ``.cache`` there
    that is a symbolic link, not a folder, or another user's (``--out /tmp/x`` puts the cache
    in ``/tmp/.cache/``, where anyone could have made it lead elsewhere)."""
    folder = Path(os.path.realpath(out_dir)).parent / CACHE_DIR
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return ""
    except OSError as error:
        return f"{folder} cannot be read ({error.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return f"{folder} is a symbolic link"
    if not stat.S_ISDIR(info.st_mode):
        return f"{folder} is not a folder"
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return f"{folder} belongs to another user"
    return ""


def tree_digest(digest: Any, base: Path, skip: Sequence[Path] = ()) -> None:
    """Feed every file under ``base`` (names relative to it, sorted) into ``digest``."""
    seen = {os.path.realpath(p) for p in skip}  # symbolic links are followed, loops are not
    seen.add(os.path.realpath(base))
    for folder, dirs, files in os.walk(base, followlinks=True):
        kept = []
        for name in sorted(dirs):
            real = os.path.realpath(os.path.join(folder, name))
            if name not in (CACHE_DIR, "__pycache__") and real not in seen:
                seen.add(real)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = Path(folder) / name
            if name.endswith(".pyc"):
                continue
            digest.update(str(path.relative_to(base)).encode("utf-8", "surrogateescape"))
            digest.update(b"\0" + _file_digest(path) + b"\0")


def code_digest() -> str:
    """The zine package (code, templates, data, default styles) and the libraries' versions."""
    global _code_digest
    if _code_digest is None:
        from importlib import metadata

        digest = hashlib.sha256(f"zine-cache {FORMAT}\0".encode())
        tree_digest(digest, PACKAGE_DIR)
        for name in LIBRARIES:
            try:
                version = metadata.version(name)
            except metadata.PackageNotFoundError:
                version = "-"
            digest.update(f"{name}={version}\0".encode())
        _code_digest = digest.hexdigest()
    return _code_digest


def build_key(root: Path, out_dir: Path, options: dict[str, object]) -> str:
    """The digest of everything a build's outputs depend on (see the module docstring)."""
    digest = hashlib.sha256(code_digest().encode())
    digest.update(Styles.of_root(root).digest.encode())
    settings = {**options, "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH")}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for entry in sorted(os.listdir(root)) if root.is_dir() else ():
        path = root / entry
        if entry.endswith((".yaml", ".yml")) and not entry.startswith("."):
            digest.update(entry.encode("utf-8", "surrogateescape") + b"\0")
            digest.update(_file_digest(path) + b"\0")
    if (root / "issues").is_dir():
        tree_digest(digest, root / "issues", skip=[out_dir])
    return digest.hexdigest()


@dataclass
class Record:
    """What ``build.json`` holds: a successful build's key, outputs and diagnostics."""

    key: str
    outputs: list[Path]
    diagnostics: list[Diagnostic]
    built: list[str]


def _relative(path: Path, base: Path) -> str | None:
    try:
        return str(Path(os.path.realpath(path)).relative_to(os.path.realpath(base)))
    except ValueError:
        return None


def _diag_to_json(diag: Diagnostic, root: Path) -> dict[str, object]:
    relative = _relative(diag.pos.path, root) if diag.pos.path.is_absolute() else None
    return {"path": relative if relative is not None else str(diag.pos.path),
            "under_root": relative is not None, "line": diag.pos.line, "col": diag.pos.col,
            "severity": diag.severity.value, "message": diag.message, "code": diag.code}


def _diag_from_json(data: dict[str, Any], root: Path) -> Diagnostic:
    path = Path(str(data["path"]))
    if data["under_root"]:
        path = root / path
    pos = Position(path, int(data["line"]), int(data["col"]))
    return Diagnostic(pos, Severity(data["severity"]), str(data["message"]), str(data["code"]))


def save_record(out_dir: Path, root: Path, record: Record) -> None:
    """Write ``build.json``; outputs outside ``out_dir`` make the build uncacheable."""
    outputs = []
    for path in dict.fromkeys(record.outputs):
        relative = _relative(path, out_dir)
        if relative is None:
            return
        outputs.append({"path": relative, "sha256": _file_digest(path).hex()})
    data = {"format": FORMAT, "key": record.key, "outputs": outputs, "built": record.built,
            "diagnostics": [_diag_to_json(d, root) for d in record.diagnostics]}
    try:
        write_text(cache_home(out_dir), "build.json", json.dumps(data, indent=1) + "\n")
    except OSError as error:  # a cache that cannot be written only makes the next build slower
        LOG.debug("cannot write the build cache: %s", error)


def unchanged_outputs(out_dir: Path, entries: Iterable[Mapping[str, object]]) -> list[Path] | None:
    """The recorded outputs (``{"path": relative, "sha256": hex}``) under ``out_dir``, if every
    one is still there with the same bytes and no path leads out of ``out_dir``; else None."""
    real_out = Path(os.path.realpath(out_dir))
    outputs = []
    for entry in entries:
        relative = Path(str(entry["path"]))
        if relative.is_absolute() or ".." in relative.parts:
            return None
        if _file_digest(real_out / relative).hex() != entry["sha256"]:
            return None
        outputs.append(real_out / relative)
    return outputs


def load_record(out_dir: Path, root: Path, key: str) -> Record | None:
    """The recorded build if its key is ``key`` and every output still has its hash."""
    path = cache_home(out_dir) / "build.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        outputs = unchanged_outputs(out_dir, data["outputs"])
        if outputs is None:
            return None
        diags = [_diag_from_json(d, root) for d in data["diagnostics"]]
        built = [str(issue) for issue in data["built"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Record(key, outputs, diags, built)


class MediaStore:
    """Processed images under ``cache_home(out)/media/``, keyed by the SHA-256 of the source.

    ``remember`` keeps an item in memory only, for this build (the check stage's lossless
    copies of the images it decoded anyway); ``get`` finds it there first and then keeps it on
    disk like any other. With ``persist=False`` (``zine build --no-cache``) nothing is read
    from or written to disk: the store only carries the check stage's items to the render
    stage. One store lives as long as one build (``zine.build.BuildContext``)."""

    def __init__(self, out_dir: Path, *, persist: bool = True) -> None:
        self.base = cache_home(out_dir)
        self.persist = persist
        self.used: set[str] = set()  # keys asked for in this build
        self.memory: dict[str, MediaItem] = {}
        self._lock = threading.Lock()  # the check stage inspects images in threads

    def _relative(self, key: str) -> str:
        return f"media/{code_digest()[:16]}-{key}.bin"

    def has(self, key: str) -> bool:
        """An entry for ``key`` exists: those source bytes were processed, so decoded whole,
        by this same code (``get`` still verifies the entry before it is used)."""
        return self.persist and (self.base / self._relative(key)).is_file()

    def remember(self, key: str, item: MediaItem) -> None:
        with self._lock:
            self.memory[key] = item

    def get(self, key: str) -> MediaItem | None:
        with self._lock:
            remembered = self.memory.pop(key, None)
        if remembered is not None:
            self.put(key, remembered)
            return remembered
        self.used.add(key)
        if not self.persist:
            return None
        return self._read(key)

    def _read(self, key: str) -> MediaItem | None:
        try:
            blob = (self.base / self._relative(key)).read_bytes()
            header, _, data = blob.partition(b"\n")
            meta = json.loads(header)
            ext = str(meta["name"]).rsplit(".", 1)[-1]
            if meta["name"] != media_name(data, ext):
                return None  # damaged: the name is the hash of the bytes
            return MediaItem(str(meta["name"]), str(meta["media_type"]), data,
                             int(meta["width"]), int(meta["height"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, item: MediaItem) -> None:
        self.used.add(key)
        if not self.persist:
            with self._lock:
                self.memory[key] = item
            return
        meta = {"name": item.name, "media_type": item.media_type, "width": item.width,
                "height": item.height}
        try:
            write_bytes(self.base, self._relative(key),
                        json.dumps(meta, sort_keys=True).encode() + b"\n" + item.data,
                        durable=False)
        except OSError as error:
            LOG.debug("cannot write a media cache entry: %s", error)

    def prune(self) -> None:
        """Remove entries this build did not use, so the cache does not grow without end."""
        if not self.persist:
            return
        _prune(self.base / "media",
               {self._relative(key).rsplit("/", 1)[-1] for key in self.used})


def _prune(folder: Path, wanted: set[str]) -> None:
    """Delete the ``.bin`` entries of ``folder`` not named in ``wanted``."""
    try:
        for entry in folder.iterdir():
            if entry.name not in wanted and entry.suffix == ".bin":
                entry.unlink(missing_ok=True)
    except OSError:
        pass


class BlobStore:
    """Finished bytes under ``cache_home(out)/<kind>/`` (laid-out PDF parts), keyed by the digest
    of everything they depend on; each entry starts with the SHA-256 of its data, so a damaged
    entry is a miss."""

    def __init__(self, out_dir: Path, kind: str) -> None:
        self.base = cache_home(out_dir)
        self.kind = kind
        self.used: set[str] = set()

    def _relative(self, key: str) -> str:
        return f"{self.kind}/{key}.bin"

    @staticmethod
    def key(*inputs: str) -> str:
        """The entry name for ``inputs`` under the current code and libraries (an entry that
        depends on the root's styles has their ``Styles.digest`` among its ``inputs``)."""
        digest = hashlib.sha256(code_digest().encode())
        for item in inputs:
            digest.update(b"\0" + item.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        self.used.add(key)
        try:
            blob = (self.base / self._relative(key)).read_bytes()
        except OSError:
            return None
        check, _, data = blob.partition(b"\n")
        return data if check == hashlib.sha256(data).hexdigest().encode() else None

    def put(self, key: str, data: bytes) -> None:
        self.used.add(key)
        try:
            write_bytes(self.base, self._relative(key),
                        hashlib.sha256(data).hexdigest().encode() + b"\n" + data,
                        durable=False)
        except OSError as error:
            LOG.debug("cannot write a cache entry: %s", error)

    def prune(self) -> None:
        """Remove entries this build did not use."""
        _prune(self.base / self.kind, {f"{key}.bin" for key in self.used})
