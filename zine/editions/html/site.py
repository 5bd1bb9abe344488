"""Editions stage (HTML website): the site-wide pages, ``out_dir/index.html`` and ``feed.xml``.

``render_site(zine, issues, out_dir)`` runs after every issue of a build was written. It lists
the issues of this build plus any issue built earlier into the same folder (found through the
``<issue-id>/issue.json`` manifest the HTML edition writes), newest first, and writes an Atom
feed of them. Reads only those manifests and the model; writes only through ``zine.safety.writer``;
stylesheets come through ``zine.safety.fetcher`` (via ``zine.editions.html.assets.copy_styles``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin

from zine.editions.html.archive import (
    render_archive,
)
from zine.editions.html.assets import (
    copy_styles,
    rfc3339,
    template_env,
)
from zine.editions.html.discovery import render_discovery
from zine.editions.html.listing import built_epubs, card, collect_issues
from zine.editions.html.opds import write_catalog
from zine.editions.html.search import (
    IndexAhead,
    index_site,
    indexed_languages,
    render_search_page,
)
from zine.model import Zine, text_direction
from zine.model.rendered import RenderedIssue
from zine.render.i18n import strings
from zine.runtime.timestamps import build_timestamp
from zine.safety.fetcher import Styles
from zine.safety.writer import write_text


def render_site(zine: Zine, issues: Sequence[RenderedIssue], out_dir: Path, *,
                ahead: IndexAhead | None = None) -> list[Path]:
    """Write ``out_dir/index.html``, ``out_dir/feed.xml``, the OPDS catalog
    ``out_dir/opds.xml`` listing every built issue, the coop and tag pages, the search page,
    and then the search index over the whole folder (``ahead``: the one Pagefind started
    early, ``zine.editions.html.search.index_ahead``)."""
    listed = collect_issues(issues, out_dir)
    written, stylesheets = copy_styles(out_dir, PurePosixPath("styles"),
                                       Styles.of_root(zine.root))
    ui = strings(zine.language)
    env = template_env()
    base_url = zine.url if zine.url.endswith("/") else zine.url + "/"
    cards = [card(item) for item in listed]
    page = env.get_template("site.html").render(
        zine=zine, ui=ui, cards=cards, stylesheets=[f"styles/{s}" for s in stylesheets],
        direction=text_direction(zine.language),
    )
    written.append(write_text(out_dir, "index.html", page))
    newest = max((i.date for i in listed if i.date), default=None)
    feed = env.get_template("feed.xml").render(
        zine=zine, ui=ui, cards=cards, base_url=base_url, urljoin=urljoin,
        epubs=lambda item: built_epubs(item, out_dir),
        updated=rfc3339(build_timestamp(newest)),
    )
    written.append(write_text(out_dir, "feed.xml", feed))
    written.append(write_catalog(zine, listed, out_dir, rfc3339(build_timestamp(newest)),
                                 [str(c["updated"]) for c in cards]))
    archive = render_archive(zine, listed, out_dir, stylesheets)
    written += archive
    site_pages = ["", "search.html"] + [
        p.resolve().relative_to(out_dir.resolve()).as_posix().removesuffix("index.html")
        for p in archive]
    written += render_discovery(zine, listed, out_dir, site_pages)
    written += index_site(out_dir, ahead)
    written += render_search_page(zine, out_dir, stylesheets, indexed_languages(out_dir))
    return written


