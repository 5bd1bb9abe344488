"""Build stage helper: one edition of one issue is not made again when nothing it shows changed.

An issue with ``languages`` has one EPUB, PDF (and booklet) per language; an edit to the German
translation of one article changes what the German edition shows, not the English one. So
besides the whole-build record (``build.json``, ``zine.runtime.cache``), each edition of each
language keeps ``editions/<issue>.<lang>-<edition>.json`` in ``cache_home(out)``: the digest of
what that edition is made of (``edition_key``: the code, the styles the root uses (its own
``styles/`` over the defaults) and the libraries, the edition's
options, the issue's and publication's metadata as the edition holds them, each of its
articles' front matter and fragment, the media and cover it shows) and the SHA-256 of every file
it wrote, with the warnings it reported. When the key matches and every file still has its
hash, the build hands back those files instead of making them (``Reused``).

Reads the rendered model and hashes output files; writes only under ``cache_home(out)``
through ``zine.safety.writer``. A missing or damaged record is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from zine.diagnostics import Diagnostic
from zine.model import Article, Author
from zine.model.rendered import RenderedIssue
from zine.runtime.cache import (
    FORMAT,
    _diag_from_json,
    _diag_to_json,
    _file_digest,
    _relative,
    cache_home,
    code_digest,
    unchanged_outputs,
)
from zine.safety.fetcher import Styles
from zine.safety.writer import write_text

LOG = logging.getLogger(__name__)
_MEDIA_SRC = re.compile(r'src="(media/[^"]+)"')


class Reused(list[Path]):
    """The files an edition wrote in an earlier build, handed back unchanged, and the warnings
    it reported then (the build reports them again)."""

    def __init__(self, paths: Sequence[Path], warnings: Sequence[Diagnostic] = ()) -> None:
        super().__init__(paths)
        self.warnings = list(warnings)
        self.reused = True


def _people(people: Sequence[Author]) -> list[list[str | None]]:
    return [[p.name, p.coop] for p in people]


def _article(article: Article, html: str) -> dict[str, object]:
    return {"slug": article.slug, "title": article.title, "subtitle": article.subtitle,
            "authors": _people(article.authors), "language": article.language,
            "license": article.license, "summary": article.summary, "tags": article.tags,
            "translation_of": article.translation_of,
            "translators": _people(article.translators),
            "original_language": article.original_language, "html": html,
            "headings": [[h.level, h.text, h.id] for h in article.body.headings]}


def edition_key(rendered: RenderedIssue, name: str, options: Mapping[str, object]) -> str:
    """The digest of everything edition ``name`` of ``rendered`` is made of."""
    zine, issue = rendered.zine, rendered.issue
    media = sorted({src for f in rendered.fragments.values()
                    for src in _MEDIA_SRC.findall(f.html)})
    content = {
        "edition": name, "options": {k: v for k, v in options.items() if k != "made"},
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),
        "zine": [zine.title, zine.publisher, zine.url, zine.language, zine.license,
                 sorted(zine.extra.items())],
        "coops": sorted([c.id, c.name, c.country, c.url, c.description, c.fediverse]
                        for c in zine.coops.values()),
        "issue": [issue.id, issue.number, str(issue.date), issue.language, issue.edition,
                  issue.title, issue.title_language, issue.description,
                  _people(issue.editors), issue.license],
        "sections": [[s.title, [a.slug for a in s.articles]] for s in issue.sections],
        "articles": [_article(f.article, f.html) for _, f in sorted(rendered.fragments.items())],
        "offprints": sorted(rendered.offprint_slugs()),
        "media": media, "cover": [rendered.cover.name, rendered.cover.media_type],
    }
    digest = hashlib.sha256(f"{code_digest()}\0".encode())
    digest.update(Styles.of_root(zine.root).digest.encode())  # a root's styles/ overrides
    digest.update(json.dumps(content, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _record_name(rendered: RenderedIssue, name: str) -> str:
    return f"editions/{rendered.issue.stem}-{name}.json"


def reuse(rendered: RenderedIssue, name: str, key: str, out_dir: Path) -> Reused | None:
    """What edition ``name`` wrote when its key was ``key``, if every file is still there
    with the same bytes; else None."""
    try:
        data = json.loads((cache_home(out_dir) / _record_name(rendered, name)).read_text(
            encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        paths = unchanged_outputs(out_dir, data["outputs"])
        if paths is None:
            return None
        warnings = [_diag_from_json(d, rendered.zine.root) for d in data["warnings"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Reused(paths, warnings)


def remember(rendered: RenderedIssue, name: str, key: str, out_dir: Path,
             written: Sequence[Path], warnings: Sequence[Diagnostic]) -> None:
    """Keep what edition ``name`` wrote under ``key``, for ``reuse`` by the next build."""
    outputs = []
    for path in written:
        relative = _relative(path, out_dir)
        if relative is None:
            return
        outputs.append({"path": relative, "sha256": _file_digest(path).hex()})
    data = {"format": FORMAT, "key": key, "outputs": outputs,
            "warnings": [_diag_to_json(d, rendered.zine.root) for d in warnings]}
    try:
        write_text(cache_home(out_dir), _record_name(rendered, name),
                   json.dumps(data, indent=1) + "\n")
    except OSError as error:  # a record that cannot be written only makes the next build slower
        LOG.debug("cannot write the edition record: %s", error)
