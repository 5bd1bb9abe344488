"""Test support for the hostile corpus (tests/hostile/<case>/): set-up side.

Copies a case into a temporary folder, plants the canary files beside it (outside the zine
root), runs a loopback HTTP server that counts requests, fills the ``{{CANARY_DIR}}`` and
``{{PORT}}`` placeholders, and makes the files that cannot live in git from the ``make:`` recipes
of ``expect.yaml`` (symlinks, FIFOs, sparse files, image bombs, re-encoded text). Reads and
writes only inside the temporary folder it is given; never touches ``zine/``.
"""

from __future__ import annotations

import http.server
import io
import os
import secrets
import shutil
import struct
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from PIL import Image

HOSTILE = Path(__file__).resolve().parent / "hostile"
TEXT_SUFFIXES = {".md", ".yaml", ".yml", ".svg", ".html", ".css", ".txt"}


def case_names() -> list[str]:
    return sorted(p.name for p in HOSTILE.iterdir() if (p / "expect.yaml").is_file())


def load_expect(name: str) -> dict[str, Any]:
    data = yaml.safe_load((HOSTILE / name / "expect.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{name}/expect.yaml is not a mapping"
    return data


# ------------------------------------------------------------------ canary


@dataclass(frozen=True)
class Canary:
    """Files holding a random token, planted beside the case copy (outside the zine root)."""

    folder: Path
    token: str

    @property
    def token_bytes(self) -> bytes:
        return self.token.encode("ascii")


def canary_png(token: str) -> bytes:
    """A valid PNG whose RGB pixel bytes spell ``token`` and whose tEXt chunk holds it too, so
    a copied file and a re-encoded one are both recognisable."""
    raw = token.encode("ascii")
    raw += b"\0" * (-len(raw) % 3)
    image = Image.frombytes("RGB", (len(raw) // 3, 1), raw)
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", token)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def plant_canary(folder: Path) -> Canary:
    token = "CANARY" + secrets.token_hex(12).upper()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "canary.png").write_bytes(canary_png(token))
    (folder / "canary.txt").write_text(f"secret {token}\n", encoding="ascii")
    (folder / "canary.css").write_text(f"/* {token} */ body {{ color: red }}\n",
                                       encoding="ascii")
    (folder / "canary.md").write_text(
        f'---\ntitle: "Leaked"\nauthors: [Jo]\n---\n\nThe secret is {token}.\n',
        encoding="ascii")
    return Canary(folder, token)


# ------------------------------------------------------------------ loopback server


@dataclass
class Loopback:
    port: int
    requests: list[str] = field(default_factory=list)


@contextmanager
def loopback_server() -> Iterator[Loopback]:
    """An HTTP server on 127.0.0.1 (random port) that records every request it gets."""
    state = Loopback(port=0)
    tiny = canary_png("LOOPBACK")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tiny)))
            self.end_headers()
            self.wfile.write(tiny)

        do_POST = do_HEAD = do_GET

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ case copy and recipes


def fill(text: str, canary: Canary, port: int) -> str:
    return text.replace("{{CANARY_DIR}}", str(canary.folder)).replace("{{PORT}}", str(port))


def fill_any(value: Any, canary: Canary, port: int) -> Any:
    """Placeholders filled in every string of a parsed expect.yaml value."""
    if isinstance(value, str):
        return fill(value, canary, port)
    if isinstance(value, list):
        return [fill_any(v, canary, port) for v in value]
    if isinstance(value, dict):
        return {k: fill_any(v, canary, port) for k, v in value.items()}
    return value


def copy_case(name: str, dest: Path, canary: Canary, port: int) -> dict[str, Any]:
    """The case as a zine root at ``dest``, placeholders filled, recipes made; its expect."""
    shutil.copytree(HOSTILE / name, dest, ignore=shutil.ignore_patterns("expect.yaml"))
    for path in dest.rglob("*"):
        if path.is_file() and path.suffix.lower() in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8")
            path.write_text(fill(text, canary, port), encoding="utf-8", newline="")
    expect = fill_any(load_expect(name), canary, port)
    for recipe in expect.get("make", []):
        make(dest, recipe)
    return expect


def make(root: Path, recipe: dict[str, Any]) -> None:
    ((kind, args),) = recipe.items()
    path = root / args["path"]
    path.parent.mkdir(parents=True, exist_ok=True)
    RECIPES[kind](path, args)


def _symlink(path: Path, args: dict[str, Any]) -> None:
    path.symlink_to(args["target"])


def _fifo(path: Path, args: dict[str, Any]) -> None:
    os.mkfifo(path)


def _sparse(path: Path, args: dict[str, Any]) -> None:
    with path.open("wb") as handle:
        handle.write(png_bytes(4, 4))
        handle.truncate(int(args["size"]))


def png_bytes(width: int, height: int, colour: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def _png(path: Path, args: dict[str, Any]) -> None:
    width, height = int(args.get("width", 8)), int(args.get("height", 6))
    colour = (len(path.name) * 37 % 256, width * 11 % 256, height * 23 % 256)
    path.write_bytes(png_bytes(width, height, colour))


def _truncated_png(path: Path, args: dict[str, Any]) -> None:
    out = io.BytesIO()
    Image.effect_noise((64, 64), 60).convert("RGB").save(out, "PNG")
    data = out.getvalue()
    path.write_bytes(data[: len(data) // 2])


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int, height: int) -> bytes:
    """A palette PNG of ``width`` x ``height`` all-zero pixels: a few KB on disk."""
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + 1-bit palette indices
    body = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 3, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"PLTE", b"\0\0\0\xff\xff\xff")
            + _chunk(b"IDAT", body) + _chunk(b"IEND", b""))


def _png_bomb(path: Path, args: dict[str, Any]) -> None:
    path.write_bytes(png_bomb(int(args["width"]), int(args["height"])))


def jpeg_with_gps() -> bytes:
    """A landscape JPEG with GPS coordinates, a camera serial and Orientation=6 in EXIF."""
    image = Image.new("RGB", (40, 20), (30, 120, 200))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° CW to display
    exif[0x010F] = "SpyCam"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def _jpeg_gps(path: Path, args: dict[str, Any]) -> None:
    path.write_bytes(jpeg_with_gps())


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)})
    return exif


def _webp_gps(path: Path, args: dict[str, Any]) -> None:
    Image.new("RGB", (30, 20), (90, 20, 160)).save(path, "WEBP", exif=gps_exif())


def _png_gps(path: Path, args: dict[str, Any]) -> None:
    Image.new("RGB", (30, 20), (20, 160, 90)).save(path, "PNG", exif=gps_exif().tobytes())


XMP_GPS = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
           b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
           b'exif:GPSLatitude="52,31.2N" exif:GPSLongitude="13,24.6E"/></rdf:RDF></x:xmpmeta>')


def _jpeg_xmp_gps(path: Path, args: dict[str, Any]) -> None:
    Image.new("RGB", (30, 20), (160, 90, 20)).save(path, "JPEG", xmp=XMP_GPS)


def _gif_screen_bomb(path: Path, args: dict[str, Any]) -> None:
    """A 1x1 GIF whose logical screen claims ``width`` x ``height``."""
    out = io.BytesIO()
    Image.new("P", (1, 1)).save(out, "GIF")
    data = bytearray(out.getvalue())
    data[6:10] = struct.pack("<HH", int(args["width"]), int(args["height"]))
    path.write_bytes(bytes(data))


def _data_uri_bomb(path: Path, args: dict[str, Any]) -> None:
    import base64

    bomb = base64.b64encode(png_bomb(int(args["width"]), int(args["height"]))).decode()
    path.write_text(args["head"] + f"![bomb](data:image/png;base64,{bomb})\n", encoding="utf-8")


def _tiff(path: Path, args: dict[str, Any]) -> None:
    Image.new("RGB", (8, 8), (0, 90, 0)).save(path, "TIFF")


def _repeat(path: Path, args: dict[str, Any]) -> None:
    text = args.get("head", "") + args["unit"] * int(args["count"]) + args.get("tail", "")
    path.write_text(text, encoding="utf-8")


def _nested_list(path: Path, args: dict[str, Any]) -> None:
    depth = int(args["depth"])
    lines = ["  " * i + "- level" for i in range(depth)]
    lines.append("  " * depth + "- " + args["bottom"])
    path.write_text(args["head"] + "\n".join(lines) + "\n\nAfter.\n", encoding="utf-8")


def _wide_table(path: Path, args: dict[str, Any]) -> None:
    columns = int(args["columns"])
    header = "|" + "|".join("c" for _ in range(columns)) + "|\n"
    rule = "|" + "|".join("-" for _ in range(columns)) + "|\n"
    row = "|" + "|".join("1" for _ in range(columns)) + "|\n"
    path.write_text(args["head"] + header + rule + row, encoding="utf-8")


def _encode(path: Path, args: dict[str, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    if args.get("crlf"):
        text = text.replace("\n", "\r\n")
    data = text.encode(args["encoding"])
    if args.get("bom"):
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


RECIPES = {
    "symlink": _symlink, "fifo": _fifo, "sparse": _sparse, "png": _png,
    "truncated_png": _truncated_png, "png_bomb": _png_bomb, "jpeg_gps": _jpeg_gps,
    "tiff": _tiff, "repeat": _repeat, "nested_list": _nested_list, "wide_table": _wide_table,
    "encode": _encode, "webp_gps": _webp_gps, "png_gps": _png_gps,
    "jpeg_xmp_gps": _jpeg_xmp_gps, "gif_screen_bomb": _gif_screen_bomb,
    "data_uri_bomb": _data_uri_bomb,
}


# ------------------------------------------------------------------ running zine


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stderr.splitlines()


def run_zine(args: list[str], cwd: Path, timeout: float) -> Run:
    """``python -m zine ARGS`` in ``cwd``; a hang is a test failure, not a stuck suite."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1577836800", "PYTHONDONTWRITEBYTECODE": "1",
           "NO_PROXY": "", "no_proxy": ""}
    try:
        done = subprocess.run([sys.executable, "-m", "zine", *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise AssertionError(f"zine {' '.join(args)} did not finish in {timeout} s") from error
    return Run(done.returncode, done.stdout, done.stderr)


def snapshot(folder: Path, skip: Path | tuple[Path, ...]) -> dict[str, tuple[str, int, int]]:
    """Every entry under ``folder`` except the folders ``skip``: kind, size, mtime (symlinks
    not followed)."""
    skipped = (skip,) if isinstance(skip, Path) else skip
    found: dict[str, tuple[str, int, int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d not in skipped]
        for name in dirnames + filenames:
            info = (here / name).lstat()
            kind = "l" if os.path.islink(here / name) else ("d" if name in dirnames else "f")
            mtime = 0 if kind == "d" else info.st_mtime_ns
            found[str((here / name).relative_to(folder))] = (kind, info.st_size if kind == "f"
                                                              else 0, mtime)
    return found


def matches(lines: list[str], spec: dict[str, Any]) -> bool:
    """Some line starts with one of the ``at`` prefixes and holds one of the ``any`` words."""
    prefixes = spec["at"] if isinstance(spec["at"], list) else [spec["at"]]
    words = [w.lower() for w in spec["any"]]
    return any(any(line.startswith(p) for p in prefixes)
               and any(w in line.lower() for w in words) for line in lines)


def allowed(code: int | list[int]) -> list[int]:
    return code if isinstance(code, list) else [code]
