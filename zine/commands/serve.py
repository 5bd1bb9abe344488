"""Preview stage: ``zine serve``, the HTML edition on a local web server, rebuilt on change.

Builds the HTML edition of every issue into a private folder, serves that folder (and nothing
else) on 127.0.0.1 by default, watches the content (``issues/``, ``zine.yaml``, ``coops.yaml``,
``styles/``) and rebuilds when a file changes. Pages it serves get a small banner with the
current diagnostics and a script that reloads the page after a rebuild; both exist only in the
preview, never in a built edition. Reads content only through ``zine.build``.

The preview shows unpublished drafts, so it answers only requests whose ``Host`` header names
the address it listens on (``allowed_hosts``: 127.0.0.1, localhost and [::1] with the port
when it listens on loopback, the ``--host`` given with ``--public``); every other request gets
403. Without that check a web page the contributor visits could point its own name at
127.0.0.1 (DNS rebinding) and read the preview from the browser (the reason for Vite's
``server.allowedHosts`` and webpack-dev-server's host check). Prints its address and each
rebuild's problems on the terminal: it is a command of its own, like ``zine.cli``.
"""

from __future__ import annotations

import html
import ipaddress
import json
import logging
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from zine.build import build_project
from zine.diagnostics import Diagnostic, sort_diagnostics
from zine.errors import UsageError, ZineError
from zine.load.project import find_root

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5
STATUS_PATH = "/__zine__/status"

RELOAD_SCRIPT = """<script>
(function () {
  var seen = %d;
  setInterval(function () {
    fetch("%s").then(function (r) { return r.json(); }).then(function (s) {
      if (s.generation !== seen) { location.reload(); }
    }).catch(function () {});
  }, 1000);
})();
</script>"""


class Preview:
    """The preview's state: its output folder, the last build's diagnostics, a generation."""

    def __init__(self, root: Path, out_dir: Path) -> None:
        self.root = root
        self.out_dir = out_dir
        self.generation = 0
        self.diagnostics: list[Diagnostic] = []
        self.lock = threading.Lock()

    def rebuild(self) -> None:
        try:
            result = build_project([], formats=("html",), out_dir=self.out_dir, root=self.root)
            diags = result.diagnostics
        except ZineError as error:
            log.error("%s", error)
            diags = []
        with self.lock:
            self.diagnostics = sort_diagnostics(diags)
            self.generation += 1
        for diag in self.diagnostics:
            print(diag.format(), file=sys.stderr)
        print(f"zine serve: rebuilt (generation {self.generation}, "
              f"{len(self.diagnostics)} problem(s))", file=sys.stderr)

    def banner(self) -> str:
        with self.lock:
            diags = list(self.diagnostics)
        if not diags:
            return ""
        items = "".join(f"<li>{html.escape(d.format())}</li>" for d in diags)
        return ('<aside style="position:sticky;top:0;z-index:9;background:#fff3cd;color:#000;'
                'padding:.5em 1em;font:14px/1.4 monospace;border-bottom:2px solid #c90">'
                f"<strong>zine check</strong><ul>{items}</ul></aside>")


def watched_files(root: Path) -> Iterator[Path]:
    for name in ("zine.yaml", "coops.yaml"):
        if (root / name).is_file():
            yield root / name
    for folder in (root / "issues", root / "styles"):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())


def snapshot(root: Path) -> dict[Path, tuple[float, int]]:
    state = {}
    for path in watched_files(root):
        try:
            info = path.stat()
        except OSError:
            continue
        state[path] = (info.st_mtime, info.st_size)
    return state


def watch(preview: Preview, stop: threading.Event) -> None:
    """Rebuild whenever the snapshot of the content changes."""
    last = snapshot(preview.root)
    while not stop.wait(POLL_SECONDS):
        current = snapshot(preview.root)
        if current != last:
            last = current
            preview.rebuild()


LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
REFUSED = b"zine serve: this preview answers only at the address it listens on\n"


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` header values the preview bound to ``host``:``port`` answers, lowercase:
    ``host`` itself, and the loopback names when it listens on loopback (or on every address).
    Browsers leave the port out of ``Host`` only for port 80."""
    names = {f"[{host}]" if ":" in host else host}
    if is_loopback(host) or host in ("", "0.0.0.0", "::"):
        names.update(LOOPBACK_NAMES)
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= names
    return frozenset(name.lower() for name in hosts)


_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)


def inject_at_top(page: str, extra: str) -> str:
    """``extra`` (the problem list and the reload script) right after the opening ``<body>``
    tag, whatever its attributes (the site's pages have a class), so the problems show at the
    top of the page; at the end of a page without one."""
    match = _BODY_TAG.search(page)
    if match is None:
        return page.replace("</body>", extra + "</body>", 1) if "</body>" in page \
            else page + extra
    return page[:match.end()] + extra + page[match.end():]


class PreviewHandler(SimpleHTTPRequestHandler):
    preview: Preview
    allowed: frozenset[str] = frozenset()  # set by ``serve`` once the port is known

    def _host_allowed(self) -> bool:
        given = self.headers.get_all("Host") or []
        return len(given) == 1 and given[0].strip().lower() in self.allowed

    def _refuse(self) -> None:
        self.send_response(403)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(REFUSED)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(REFUSED)

    def do_HEAD(self) -> None:
        if not self._host_allowed():
            self._refuse()
            return
        super().do_HEAD()

    def do_GET(self) -> None:
        if not self._host_allowed():
            self._refuse()
            return
        path = self.path.split("?")[0]
        if any(part.startswith(".") for part in path.split("/")):
            self.send_error(404)  # the build cache (.cache/) and temporary files stay private
            return
        if path == STATUS_PATH:
            self._send_status()
            return
        if self.path.endswith("/") or self.path.split("?")[0].endswith(".html"):
            self._send_page()
            return
        super().do_GET()

    def _send_status(self) -> None:
        with self.preview.lock:
            body = json.dumps({"generation": self.preview.generation,
                               "problems": [d.format() for d in self.preview.diagnostics]})
        self._send(body.encode(), "application/json")

    def _send_page(self) -> None:
        path = Path(self.translate_path(self.path.split("?")[0]))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "not built (see the diagnostics in the terminal)")
            return
        page = path.read_text(encoding="utf-8")
        extra = self.preview.banner() + RELOAD_SCRIPT % (self.preview.generation, STATUS_PATH)
        page = inject_at_top(page, extra)
        self._send(page.encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def preview_server(preview: Preview, host: str, port: int) -> ThreadingHTTPServer:
    """An HTTP server for ``preview`` on ``host``:``port`` (0: any free port) that answers
    only requests addressed to it (``allowed_hosts``); not started."""
    handler: type[PreviewHandler] = type("Handler", (PreviewHandler,), {"preview": preview})
    server = ThreadingHTTPServer((host, port), partial(handler, directory=str(preview.out_dir)))
    handler.allowed = allowed_hosts(host, int(server.server_address[1]))
    return server


def serve(host: str = "127.0.0.1", port: int = 8000, root: Path | None = None,
          public: bool = False) -> int:
    """Serve the preview until interrupted; port 0 picks a free port."""
    if not is_loopback(host) and not public:
        raise UsageError(f"zine serve binds to loopback only; to serve on {host}, "
                         "add --public (anyone on that network can then read the preview)")
    root_dir = find_root([], root)
    private = Path(tempfile.mkdtemp(prefix="zine-serve-"))
    out_dir = private / "site"  # its build cache goes beside it, in private/.cache/
    out_dir.mkdir()
    preview = Preview(root_dir, out_dir)
    preview.rebuild()
    try:
        server = preview_server(preview, host, port)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(preview, stop), daemon=True)
    watcher.start()
    bound_host, bound_port = server.server_address[:2]
    shown = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
    print(f"zine serve: http://{shown}:{bound_port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("zine serve: stopped", file=sys.stderr)
    finally:
        stop.set()
        server.server_close()
        time.sleep(0)
        shutil.rmtree(private, ignore_errors=True)
    return 0
