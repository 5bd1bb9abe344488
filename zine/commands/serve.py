"""Preview stage: ``zine serve``, the HTML edition on a local web server, rebuilt on change.

Builds the HTML edition of every issue into a private folder, serves that folder (and nothing
else) on 127.0.0.1 by default, watches the content (``issues/``, ``zine.yaml``, ``coops.yaml``,
``styles/``) every POLL_SECONDS and applies each change. An edit to the body of one published
article is applied to that article's page alone (loaded, checked and rendered again from the
model of the last build, ``Preview.apply_edit``), and the full rebuild (index, search, other
pages) follows once the content has been quiet for SETTLE_SECONDS; any other change is a full
rebuild at once. Pages it serves get a small banner with the current diagnostics, on an
article's page a link to its print preview (the article's offprint pages laid out by the PDF
edition on demand, kept in memory and in the preview's build cache), and a script that asks
for its page's version and reloads as soon as it changes (the request waits for it); all of
this exists only in the preview, never in a built edition. Reads content only through
``zine.build`` and the load, check and render stages.

The preview shows unpublished drafts, so it answers only requests whose ``Host`` header names
the address it listens on (``allowed_hosts``: 127.0.0.1, localhost and [::1] with the port
when it listens on loopback, the ``--host`` given with ``--public``); every other request gets
403. Without that check a web page the contributor visits could point its own name at
127.0.0.1 (DNS rebinding) and read the preview from the browser (the reason for Vite's
``server.allowedHosts`` and webpack-dev-server's host check). Prints its address and each
rebuild's problems on the terminal: it is a command of its own, like ``zine.cli``.
"""

from __future__ import annotations

import hashlib
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
from dataclasses import fields, replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from zine.build import build_project
from zine.check.links import LinkIndex
from zine.check.run import check_article
from zine.diagnostics import Diagnostic, has_errors, sort_diagnostics
from zine.editions.html import render_article as render_html_article
from zine.editions.pdf import part_store
from zine.editions.pdf.parts import Plan, plan_parts
from zine.editions.pdf.pool import typeset_parts
from zine.editions.pdf.typeset import PdfBuildError, Typesetter
from zine.errors import UsageError, ZineError
from zine.load.loader import load_article
from zine.load.project import find_root
from zine.load.sources import ArticleFile
from zine.model import Article
from zine.model.rendered import RenderedIssue
from zine.render.issue import render_article
from zine.runtime.cache import BlobStore, MediaStore

log = logging.getLogger(__name__)

POLL_SECONDS = 0.1  # how often the content is looked at (a stat of each file)
SETTLE_SECONDS = 2.0  # quiet time after an edit applied to one page before the full rebuild
WAIT_SECONDS = 25.0  # how long a page's status request waits for that page to change
STATUS_PATH = "/__zine__/status"
PRINT_PATH = "/__zine__/print/"  # + <issue-id>/<slug>.pdf: the article's print preview

# The page asks for its own version and is answered when it changes (or after WAIT_SECONDS),
# so it reloads as soon as its file is rewritten or the problem list changes, not a poll later.
RELOAD_SCRIPT = """<script>
(function () {
  var seen = "%s", url = "%s?page=" + encodeURIComponent(location.pathname);
  function wait() {
    fetch(url + "&seen=" + encodeURIComponent(seen)).then(function (r) {
      return r.json();
    }).then(function (s) {
      if (s.version !== seen) { location.reload(); } else { wait(); }
    }).catch(function () { setTimeout(wait, 1000); });
  }
  wait();
})();
</script>"""

_STYLE = ("position:sticky;top:0;z-index:9;background:#fff3cd;color:#000;padding:.5em 1em;"
          "font:14px/1.4 monospace;border-bottom:2px solid #c90")
_LINK_STYLE = ("position:fixed;right:1em;bottom:1em;z-index:9;background:#fff3cd;color:#000;"
               "padding:.25em .75em;font:14px/1.4 sans-serif;border:2px solid #c90")
_ARTICLE_PAGE = re.compile(r"^/([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)\.html$")
_PRINT = re.compile(r"^" + re.escape(PRINT_PATH) + r"([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*)"
                    r"\.pdf$")


class Preview:
    """The preview's state: its output folder, the last build's diagnostics with a generation
    (counted up when they change), and the rendered issues of the last build, so an edit to
    one article's body is applied to that article's page alone (``apply_edit``)."""

    def __init__(self, root: Path, out_dir: Path) -> None:
        self.root = root
        self.out_dir = out_dir
        self.generation = 0
        self.diagnostics: list[Diagnostic] = []
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)  # notified when a page or problem changes
        self.rendered: dict[str, RenderedIssue] = {}
        self._print_lock = threading.Lock()
        self._prints: dict[str, bytes] = {}  # print previews laid out, by their part's digest
        self._plans: dict[str, tuple[RenderedIssue, Plan]] = {}  # the last plan per issue
        self.rebuild_due: float | None = None  # when the full rebuild after an edit is due
        self.rebuilding = False

    @property
    def busy(self) -> bool:
        """A full rebuild is running or due (an edit saved now waits for it, if it runs)."""
        return self.rebuilding or self.rebuild_due is not None

    def rebuild(self) -> None:
        self.rebuilding, self.rebuild_due = True, None
        try:
            result = build_project([], formats=("html",), out_dir=self.out_dir, root=self.root)
            diags = result.diagnostics
            rendered = {r.issue.id: r for r in result.rendered}
        except ZineError as error:
            log.error("%s", error)
            diags, rendered = [], {}
        finally:
            self.rebuilding = False
        # a skipped build (nothing changed since the last) renders nothing: the next edit
        # then takes a full rebuild as well
        self._publish(diags, rendered)
        for diag in self.diagnostics:
            print(diag.format(), file=sys.stderr)
        print(f"zine serve: rebuilt (generation {self.generation}, "
              f"{len(self.diagnostics)} problem(s))", file=sys.stderr)

    def _publish(self, diags: list[Diagnostic], rendered: dict[str, RenderedIssue]) -> None:
        ordered = sort_diagnostics(diags)
        with self.changed:
            if [d.format() for d in ordered] != [d.format() for d in self.diagnostics]:
                self.generation += 1
            self.diagnostics = ordered
            self.rendered = rendered
            self.changed.notify_all()

    def apply_edit(self, changed: set[Path]) -> bool:
        """Apply a change of the body of one published article to its page alone: that
        article is loaded, checked and rendered again and its page written; the other pages,
        the index, the search index and the cards (which do not show the body) wait for the
        full rebuild that follows. False (nothing done) for any other change: several files,
        another kind of file, front matter that changed, an article with errors."""
        if len(changed) != 1:
            return False
        path = next(iter(changed))
        with self.lock:
            issues = dict(self.rendered)
            problems = list(self.diagnostics)
        found = next(((r, a) for r in issues.values() for a in r.issue.published
                      if a.path == path), None)
        if found is None:
            return False
        rendered, old = found
        try:
            done = _edited(rendered, old, self.out_dir)
        except (ZineError, OSError, ValueError) as error:
            log.debug("the edit of %s takes a full rebuild: %s", path, error)
            return False
        if done is None:
            return False
        new, diags = done
        kept = [d for d in problems if d.pos.path != path]
        self._publish(kept + diags, {**issues, new.issue.id: new})
        print(f"zine serve: {path.name} applied to its page", file=sys.stderr)
        return True

    def version(self, page: str) -> str:
        """What a served page is at: its file's modification time and size
        (``zine.safety.writer`` replaces a file only when its bytes change) and the problems'
        generation."""
        target = self._page_file(page)
        try:
            info = target.stat() if target is not None else None
        except OSError:
            info = None
        stamp = f"{info.st_mtime_ns}-{info.st_size}" if info is not None else "none"
        return f"{self.generation}:{stamp}"

    def wait_for_change(self, page: str, seen: str, timeout: float | None = None) -> str:
        """The page's version once it is not ``seen`` any more, or after ``timeout``
        (default WAIT_SECONDS)."""
        deadline = time.monotonic() + (WAIT_SECONDS if timeout is None else timeout)
        with self.changed:
            while (current := self.version(page)) == seen:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.changed.wait(left)
        return current

    def _page_file(self, page: str) -> Path | None:
        parts = [p for p in page.split("/") if p]
        if any(p.startswith(".") or p == ".." for p in parts):
            return None
        target = self.out_dir.joinpath(*parts)
        return target / "index.html" if page.endswith("/") or not parts else target

    def print_preview(self, issue_id: str, slug: str) -> bytes | None:
        """The print preview of one published article: its offprint's pages as the PDF
        edition lays them out (without folios: those depend on the whole issue), laid out on
        demand, kept in memory and in the build cache beside the preview's folder. None if
        the preview knows no such article."""
        with self.lock:
            rendered = self.rendered.get(issue_id)
        if rendered is None or slug not in rendered.fragments:
            return None
        with self._print_lock:  # one layout at a time; the same one only once
            known = self._plans.get(issue_id)
            plan = known[1] if known is not None and known[0] is rendered \
                else plan_parts(rendered)
            self._plans[issue_id] = (rendered, plan)
            part = next((p for p in plan.articles if p.name == slug), None)
            if part is None:
                return None
            key = hashlib.sha256(part.html.encode("utf-8", "surrogatepass")).hexdigest()
            if key not in self._prints:
                store = part_store(self.out_dir, issue_id)
                self._prints[key] = typeset_parts(Typesetter(rendered), [part], store)[0]
            return self._prints[key]

    def banner(self) -> str:
        with self.lock:
            diags = list(self.diagnostics)
        if not diags:
            return ""
        items = "".join(f"<li>{html.escape(d.format())}</li>" for d in diags)
        return f'<aside style="{_STYLE}"><strong>zine check</strong><ul>{items}</ul></aside>'

    def print_link(self, page: str) -> str:
        """On an article's page, a link to its print preview (at the end of the page, so the
        page's skip link stays the first thing to tab to)."""
        found = _ARTICLE_PAGE.match(page)
        if not found or not (self.root / "issues" / found[1]).is_dir():
            return ""
        return (f'<aside aria-label="Print preview" style="{_LINK_STYLE}"><a href="{PRINT_PATH}'
                f'{found[1]}/{found[2]}.pdf" style="color:#003">Print preview (PDF)</a></aside>')


_SAME_WHEN_BODY_CHANGES = frozenset({"source", "body_line", "body", "where"})


def _edited(rendered: RenderedIssue, old: Article, out_dir: Path
            ) -> tuple[RenderedIssue, list[Diagnostic]] | None:
    """``rendered`` with article ``old`` loaded and rendered again from its file and its page
    written, and the article's problems; None when it takes a full rebuild."""
    issue = rendered.issue
    diags: list[Diagnostic] = []
    new = load_article(ArticleFile(old.slug, old.path, old.folder), issue.language,
                       issue.license, diags)
    if any(getattr(new, f.name) != getattr(old, f.name) for f in fields(Article)
           if f.name not in _SAME_WHEN_BODY_CHANGES):
        return None  # the title, authors, ... show on other pages too
    diags += check_article(new, rendered.zine.coops)
    if has_errors(diags):
        return None  # the full rebuild reports them, as ``zine build`` would
    done = render_article(LinkIndex.of(rendered.zine), issue, new, diags,
                          MediaStore(out_dir), BlobStore(out_dir, "code"))
    if done is None:
        return None
    fragment, images = done

    def swapped(articles: tuple[Article, ...]) -> tuple[Article, ...]:
        return tuple(new if a is old else a for a in articles)

    edited = replace(issue, articles=swapped(issue.articles),
                     sections=tuple(replace(s, articles=swapped(s.articles))
                                    for s in issue.sections))
    media = {**rendered.media, **{item.name: item for item in images.values()}}
    new_rendered = replace(rendered, issue=edited,
                           fragments={**rendered.fragments, old.slug: fragment},
                           media=dict(sorted(media.items())))
    render_html_article(new_rendered, out_dir, old.slug)
    return new_rendered, diags


def watched_files(root: Path) -> Iterator[Path]:
    for name in ("zine.yaml", "coops.yaml"):
        if (root / name).is_file():
            yield root / name
    for folder in (root / "issues", root / "styles"):
        if folder.is_dir():
            yield from (p for p in folder.rglob("*") if p.is_file())


def snapshot(root: Path) -> dict[Path, tuple[int, int]]:
    state = {}
    for path in watched_files(root):
        try:
            info = path.stat()
        except OSError:
            continue
        state[path] = (info.st_mtime_ns, info.st_size)
    return state


def watch(preview: Preview, stop: threading.Event) -> None:
    """Apply each change of the content: an edit to one article's body to its page at once
    (``Preview.apply_edit``), followed by a full rebuild once the content has been quiet for
    SETTLE_SECONDS (the index, the search index, other pages); anything else by a full
    rebuild at once. A change made while a full rebuild runs is applied after it."""
    last = snapshot(preview.root)
    while not stop.wait(POLL_SECONDS):
        current = snapshot(preview.root)
        if current != last:
            changed = {p for p in current.keys() | last.keys() if current.get(p) != last.get(p)}
            last = current
            if preview.apply_edit(changed):
                preview.rebuild_due = time.monotonic() + SETTLE_SECONDS
                continue
            preview.rebuild()
        elif preview.rebuild_due is not None and time.monotonic() >= preview.rebuild_due:
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
        if path.startswith(PRINT_PATH):
            self._send_print(path)
            return
        if self.path.endswith("/") or self.path.split("?")[0].endswith(".html"):
            self._send_page()
            return
        super().do_GET()

    def _send_status(self) -> None:
        """The problems and their generation, whether a full rebuild runs or is due; with
        ``?page=P&seen=V``, also the version of page P, answered once it is not V any more
        (or after WAIT_SECONDS)."""
        query = parse_qs(urlsplit(self.path).query)
        page, seen = query.get("page", [""])[0], query.get("seen", [None])[0]
        version = self.preview.version(page) if page else None
        if page and seen is not None:
            version = self.preview.wait_for_change(page, seen)
        with self.preview.lock:
            body = json.dumps({"generation": self.preview.generation, "version": version,
                               "busy": self.preview.busy,
                               "problems": [d.format() for d in self.preview.diagnostics]})
        self._send(body.encode(), "application/json")

    def _send_print(self, path: str) -> None:
        found = _PRINT.match(path)
        try:
            data = self.preview.print_preview(found[1], found[2]) if found else None
        except PdfBuildError as error:
            text = "\n".join(d.format() for d in error.diagnostics) + "\n"
            self._send(text.encode(), "text/plain; charset=utf-8", status=500)
            return
        if data is None:
            self.send_error(404, "no such article in the preview")
            return
        self._send(data, "application/pdf")

    def _send_page(self) -> None:
        path = Path(self.translate_path(self.path.split("?")[0]))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404, "not built (see the diagnostics in the terminal)")
            return
        url = unquote(self.path.split("?")[0])
        version = self.preview.version(url)  # before reading: a later write is a change
        page = path.read_text(encoding="utf-8")
        extra = self.preview.banner() + RELOAD_SCRIPT % (version, STATUS_PATH)
        page = inject_at_top(page, extra)
        link = self.preview.print_link(url)
        if link:
            page = page.replace("</body>", link + "</body>", 1) if "</body>" in page \
                else page + link
        self._send(page.encode("utf-8"), "text/html; charset=utf-8")

    def _send(self, body: bytes, content_type: str, status: int = 200) -> None:
        self.send_response(status)
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
