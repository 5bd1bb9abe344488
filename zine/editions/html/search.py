"""Editions stage (HTML website): full-text search, ``out_dir/pagefind/`` and ``search.html``.

``index_site(out_dir)`` runs last in ``zine.editions.html.site.render_site``, once over the whole
output folder, after every page of the build was written. It runs the Pagefind indexer (the
extended binary from the ``pagefind[extended]`` wheel, which also segments Chinese and
Japanese) on the article pages: only elements marked ``data-pagefind-body`` (the article) are
indexed, one index per ``<html lang>``, with authors, coops and tags as filters and the summary
as metadata. Pagefind writes many hashed files itself, so it writes into a fresh staging
folder inside ``out_dir`` (``zine.safety.writer.staging_folder``) that then replaces
``out_dir/pagefind/`` in one rename: a failed run leaves the previous index in place.

``index_ahead(out_dir, files)`` (``Edition.site_ahead``) starts Pagefind early, while the PDF
is laid out: the build hands it the HTML edition's prepared files as they will be if the
downloads keep the sizes they have now (``zine.editions.html.Prepared.as_now``). It indexes a
staging copy of the site as it will then be; ``index_site`` uses that index only when the pages
written have the digest it indexed (the same rule as for keeping the index), and otherwise
runs Pagefind as above. On the bench issue this takes Pagefind's 0.29 s off the end of a
rebuild after an edit.

``render_search_page(zine, out_dir, stylesheets)`` writes ``search.html`` and ``search.js``
(through ``zine.safety.writer``): the only page with JavaScript. The search box on every other page
is a plain form pointing here, so without JavaScript it leads to a page that says so. """

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath

from zine.editions.html.assets import template_env
from zine.errors import ZineError
from zine.model import Zine, text_direction
from zine.render.i18n import strings
from zine.safety.writer import staging_folder, write_all, write_bytes

BUNDLE = "pagefind"
TIMEOUT = 600  # seconds; Pagefind indexes thousands of pages a second



class SearchIndexError(ZineError):
    """The search indexer could not run or failed."""


def pagefind_binary() -> Path:
    """The Pagefind executable shipped in the ``pagefind_bin_extended`` wheel."""
    try:
        from pagefind_bin_extended import get_executable
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise SearchIndexError("search: the pagefind[extended] package is not installed "
                               "(pip install 'pagefind[extended]')") from exc
    return Path(get_executable())


STAMP = "zine-pages.sha256"  # the digest of the pages the index was built from


def pages_digest(out_dir: Path) -> str:
    """SHA-256 over the names and bytes of the pages Pagefind reads (``*/*.html``)."""
    return _digest({name: path.read_bytes() for name, path in _pages(out_dir).items()})


def _pages(out_dir: Path) -> dict[str, Path]:
    """The pages Pagefind reads, by their path under ``out_dir``."""
    return {page.relative_to(out_dir).as_posix(): page for page in out_dir.glob("*/*.html")}


def _is_page(name: str) -> bool:
    """``name`` (a path under the output folder) is one of the pages Pagefind reads."""
    parts = PurePosixPath(name).parts
    return len(parts) == 2 and name.endswith(".html") and \
        not any(part.startswith(".") or part == "/" for part in parts)


def _digest(pages: Mapping[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(pages):
        digest.update(name.encode("utf-8", "surrogateescape"))
        digest.update(b"\0" + hashlib.sha256(pages[name]).digest())
    return digest.hexdigest()


def _kept(target: Path, digest: str) -> bool:
    """The index in ``target`` was built from pages of ``digest``."""
    try:
        return (target / STAMP).read_text("utf-8").strip() == digest and \
            (target / "pagefind-entry.json").is_file()
    except OSError:
        return False


def _command(site: Path, output: Path) -> list[str]:
    return [str(pagefind_binary()), "--site", str(site), "--output-path", str(output),
            "--glob", "*/*.html", "--silent"]


class IndexAhead:
    """Pagefind running over a staging copy of the site as a build expects to write it
    (``index_ahead``). ``take(digest)`` is its finished index when the pages written have
    ``digest``; ``close()`` stops it and removes its folder (the build calls it whatever
    happened)."""

    def __init__(self, staging: Path, digest: str, process: subprocess.Popen[bytes]) -> None:
        self.staging, self.digest, self.process = staging, digest, process

    def take(self, digest: str) -> Path | None:
        if digest != self.digest:
            return None
        try:
            finished = self.process.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            return None
        bundle = self.staging / BUNDLE
        return bundle if finished == 0 and (bundle / "pagefind-entry.json").is_file() else None

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.staging, ignore_errors=True)


def index_ahead(out_dir: Path, files: Sequence[tuple[str, bytes]]) -> IndexAhead | None:
    """Start indexing the site ``out_dir`` will be once ``files`` (path under it, bytes) are
    written over it; None when that is nothing to index or what the index there holds."""
    coming = {name: data for name, data in files if _is_page(name)}
    if not coming or not out_dir.is_dir():
        return None
    pages = {name: path.read_bytes() for name, path in _pages(out_dir).items()
             if name not in coming}
    pages.update(coming)
    digest = _digest(pages)
    if _kept(out_dir / BUNDLE, digest):
        return None
    staging = staging_folder(out_dir, BUNDLE)
    try:
        for name, data in pages.items():
            write_bytes(staging / "site", name, data, durable=False)
        process = subprocess.Popen(_command(staging / "site", staging / BUNDLE),
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
    except (OSError, ZineError):  # the site step indexes as it would have
        shutil.rmtree(staging, ignore_errors=True)
        return None
    return IndexAhead(staging, digest, process)


def bundle_files(target: Path) -> list[Path]:
    return sorted(p for p in target.rglob("*") if p.is_file())


def index_site(out_dir: Path, ahead: IndexAhead | None = None) -> list[Path]:
    """Index every article page under ``out_dir`` into ``out_dir/pagefind/``. When no page
    changed since the index was built (its ``zine-pages.sha256`` says), the index is kept as
    it is: Pagefind writes its filter and metadata files in hash-map order (upstream
    Pagefind/pagefind#638), so running it again would rewrite them with other bytes.
    ``ahead``: Pagefind started early (``index_ahead``), whose index is used when it was made
    from the pages now there."""
    target = out_dir / BUNDLE
    digest = pages_digest(out_dir)
    if _kept(target, digest):
        return bundle_files(target)
    made = ahead.take(digest) if ahead is not None else None
    if made is not None:
        try:
            _install(made, target, digest)
        except OSError as exc:
            raise SearchIndexError(f"search: could not keep Pagefind's index: {exc}") from exc
        return bundle_files(target)
    staging = staging_folder(out_dir, BUNDLE)
    try:
        result = subprocess.run(_command(out_dir, staging / BUNDLE), capture_output=True,
                                text=True, timeout=TIMEOUT, check=False)
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise SearchIndexError("search: Pagefind failed: " + " / ".join(detail))
        _install(staging / BUNDLE, target, digest)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchIndexError(f"search: could not run Pagefind: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return bundle_files(target)


def _install(made: Path, target: Path, digest: str) -> None:
    """Put the index in ``made`` (in a staging folder, which its caller removes) in the place
    of ``target`` by renames, stamped with the ``digest`` of the pages it was made from."""
    (made / STAMP).write_text(digest + "\n", encoding="utf-8")
    if target.exists():
        os.replace(target, made.parent / "old")
    os.replace(made, target)


def indexed_languages(out_dir: Path) -> list[str]:
    """The languages Pagefind built an index for (from its ``pagefind-entry.json``)."""
    try:
        entry = json.loads((out_dir / BUNDLE / "pagefind-entry.json").read_text("utf-8"))
        return sorted(str(lang) for lang in entry.get("languages", {}))
    except (OSError, ValueError, AttributeError):
        return []


def render_search_page(zine: Zine, out_dir: Path, stylesheets: Sequence[str],
                       languages: Sequence[str]) -> list[Path]:
    """Write ``search.html`` (searching every indexed language) and ``search.js``."""
    ui = strings(zine.language)
    others = [lang for lang in languages if lang != zine.language.lower()]
    env = template_env()
    script = env.get_template("search.js").render()
    page = env.get_template("search.html").render(
        zine=zine, ui=ui, stylesheets=[f"styles/{s}" for s in stylesheets],
        page_lang=zine.language, page_dir=text_direction(zine.language), root="",
        other_languages=" ".join(others),
    )
    return write_all(out_dir, [("search.html", page.encode("utf-8")),
                               ("search.js", (script + "\n").encode("utf-8"))])
