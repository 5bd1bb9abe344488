"""PDF edition, failure probe: which article makes WeasyPrint fail?

Editions stage, used only after a whole-issue render raised: it lays out each article alone
(same stylesheets, same restricted fetcher) and returns the first that fails on its own, so the
Z501 diagnostic can name it. Writes nothing.
"""

from __future__ import annotations

import logging

from zine.fetcher import BASE_URL, RestrictedFetcher
from zine.model import Article
from zine.render import RenderedIssue

log = logging.getLogger(__name__)


def find_failing_article(rendered: RenderedIssue) -> Article | None:
    from weasyprint import HTML

    from zine.editions.pdf import capture_weasyprint_log, stylesheet_urls
    from zine.editions.pdf_html import prepare_fragment

    links = "".join(f'<link rel="stylesheet" href="{href}">' for href in stylesheet_urls())
    for article in rendered.issue.published:
        fragment = rendered.fragments.get(article.slug)
        if fragment is None:
            continue
        body = prepare_fragment(fragment.html, article.slug)
        html = f"<!DOCTYPE html><html><head>{links}</head><body><article>{body}</article>" \
            "</body></html>"
        fetcher = RestrictedFetcher.for_issue(rendered, base_url=BASE_URL)
        with capture_weasyprint_log():
            try:
                HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
            except (RecursionError, MemoryError, Exception):
                log.debug("article %s fails on its own", article.slug)
                return article
    return None
