"""Editions stage (HTML website): full-text search, ``out_dir/pagefind/`` and ``search.html``.

``index_site(out_dir)`` runs last in ``zine.editions.html.site.render_site``, once over the whole
output folder, after every page of the build was written. It runs the Pagefind indexer (the
extended binary from the ``pagefind[extended]`` wheel, which also segments Chinese and
Japanese) on the article pages: only elements marked ``data-pagefind-body`` (the article) are
indexed, one index per ``<html lang>``, with authors, coops and tags as filters and the summary
as metadata. Pagefind writes many hashed files itself, so it writes into a fresh temporary
folder inside ``out_dir`` that then replaces ``out_dir/pagefind/`` in one rename: a failed run
leaves the previous index in place.

``render_search_page(zine, out_dir, stylesheets)`` writes ``search.html`` and ``search.js``
(through ``zine.safety.writer``): the only page with JavaScript. The search box on every other page
is a plain form pointing here, so without JavaScript it leads to a page that says so. """

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from zine.editions.html.assets import template_env
from zine.errors import ZineError
from zine.model import Zine, text_direction
from zine.render.i18n import strings
from zine.safety.writer import write_all

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
    digest = hashlib.sha256()
    for page in sorted(out_dir.glob("*/*.html")):
        digest.update(page.relative_to(out_dir).as_posix().encode("utf-8", "surrogateescape"))
        digest.update(b"\0" + hashlib.sha256(page.read_bytes()).digest())
    return digest.hexdigest()


def bundle_files(target: Path) -> list[Path]:
    return sorted(p for p in target.rglob("*") if p.is_file())


def index_site(out_dir: Path) -> list[Path]:
    """Index every article page under ``out_dir`` into ``out_dir/pagefind/``. When no page
    changed since the index was built (its ``zine-pages.sha256`` says), the index is kept as
    it is: Pagefind writes its filter and metadata files in hash-map order (upstream
    Pagefind/pagefind#638), so running it again would rewrite them with other bytes."""
    target = out_dir / BUNDLE
    digest = pages_digest(out_dir)
    try:
        if (target / STAMP).read_text("utf-8").strip() == digest and \
                (target / "pagefind-entry.json").is_file():
            return bundle_files(target)
    except OSError:
        pass
    binary = pagefind_binary()
    staging = Path(tempfile.mkdtemp(prefix=".pagefind-", dir=out_dir))
    try:
        result = subprocess.run(
            [str(binary), "--site", str(out_dir), "--output-path", str(staging / BUNDLE),
             "--glob", "*/*.html", "--silent"],
            capture_output=True, text=True, timeout=TIMEOUT, check=False,
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
            raise SearchIndexError("search: Pagefind failed: " + " / ".join(detail))
        old = staging / "old"
        if target.exists():
            os.replace(target, old)
        (staging / BUNDLE / STAMP).write_text(digest + "\n", encoding="utf-8")
        os.replace(staging / BUNDLE, target)
    except (OSError, subprocess.SubprocessError) as exc:
        raise SearchIndexError(f"search: could not run Pagefind: {exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return bundle_files(target)


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
