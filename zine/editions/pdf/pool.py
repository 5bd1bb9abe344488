"""PDF edition, layout stage: lay out the issue's parts, in parallel and from the cache.

Parts whose digest (their HTML, whether tagged, the effective style files, the code and
libraries: ``zine.runtime.cache.BlobStore.key``) is in the build cache are not laid out again.
The others are laid out by worker processes forked (``zine.runtime.workers``) from the process
that holds the ``Typesetter`` (stylesheets and fonts parsed once, inherited by every worker),
the longest first, as many at once as there are CPUs, in the whole build (the workers' CPU
slots: the PDFs of two language editions laid out at once share them). A worker sends back
bytes or the diagnostics of its part, never an exception, so the problems of every failing
part are reported together; a worker that dies raises ``zine.runtime.workers.WorkerDied``,
which the build reports as the edition's failure. Warnings of a part that laid out (Z508, a
table wider than the page) go to ``Typesetter.warnings`` and are kept in the cache with it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from zine.diagnostics import Diagnostic
from zine.diagnostics.codes import CATALOGUE
from zine.editions.pdf.typeset import PdfBuildError, Typesetter, load_hyphenation
from zine.runtime.cache import BlobStore
from zine.runtime.workers import run_forked

if TYPE_CHECKING:
    from zine.editions.pdf.parts import Part

Outcome = tuple[bytes | None, list[Diagnostic]]


def typeset_parts(setter: Typesetter, parts: Sequence[Part], store: BlobStore | None = None,
                  warm_up: Part | None = None) -> list[bytes]:
    """Each part laid out (from the cache when it has it), or ``PdfBuildError`` with the
    problems of every part that failed. ``warm_up``: a part laid out in this process
    before any worker is forked, appended to the result."""
    if warm_up is None:
        return typeset_all(setter, parts, store)
    first = typeset_all(setter, [warm_up], store)
    return typeset_all(setter, parts, store) + first


def typeset_all(setter: Typesetter, parts: Sequence[Part],
                store: BlobStore | None) -> list[bytes]:
    """The PDF of every part, in order; ``PdfBuildError`` naming every part that failed."""
    keys = [_key(part, setter.fetcher.styles.digest) for part in parts]
    found: list[bytes | None] = [store.get(k) if store is not None else None for k in keys]
    todo = sorted((i for i, data in enumerate(found) if data is None),
                  key=lambda i: -len(parts[i].html))
    diags: list[Diagnostic] = []
    warnings = [w for i, data in enumerate(found) if data is not None and store is not None
                for w in _cached_warnings(store, keys[i], setter, parts[i])]
    for index, (data, problems) in zip(todo, _run(setter, parts, todo), strict=True):
        found[index] = data
        diags += [d for d in problems if d.is_error]
        warnings += [d for d in problems if not d.is_error]
        if data is not None and store is not None:
            store.put(keys[index], data)
            store.put(_warnings_key(keys[index]), json.dumps(
                [[d.code, d.message] for d in problems if not d.is_error]).encode())
    if diags or any(data is None for data in found):
        raise PdfBuildError(diags + warnings)
    setter.warnings += warnings
    return [data for data in found if data is not None]


def _warnings_key(key: str) -> str:
    return BlobStore.key("pdf-part-warnings", key)


def _cached_warnings(store: BlobStore, key: str, setter: Typesetter,
                     part: Part) -> list[Diagnostic]:
    """The warnings the layout of a cached part gave (Z508), at its article again."""
    data = store.get(_warnings_key(key))
    where = setter.position(part)
    return [Diagnostic(where, CATALOGUE[code].severity, message, code)
            for code, message in (json.loads(data) if data else [])]


def _key(part: Part, styles: str) -> str:
    return BlobStore.key("pdf-part", "tagged" if part.tagged else "untagged", styles, part.html)


def _run(setter: Typesetter, parts: Sequence[Part], todo: list[int]) -> list[Outcome]:
    workers = min(len(todo), os.cpu_count() or 1)
    if workers < 2:
        return [_typeset_one(setter, parts[i]) for i in todo]
    from functools import partial

    _load_hyphenation(setter, [parts[i] for i in todo])
    # cpu_bound: two language editions' PDFs, laid out at once, share the CPUs
    return run_forked(partial(_typeset_one, setter), [parts[i] for i in todo], workers,
                      cpu_bound=True)


def _load_hyphenation(setter: Typesetter, parts: Sequence[Part]) -> None:
    """Load the hyphenation dictionaries of the parts' languages once, before forking (each
    worker would otherwise load its own); those the standby loaded already cost nothing."""
    load_hyphenation([setter.rendered.issue.language,
                      *(part.entry.lang for part in parts if part.entry)])


def _typeset_one(setter: Typesetter, part: Part) -> Outcome:
    try:
        return setter.typeset(part)
    except PdfBuildError as error:
        return None, list(error.diagnostics)
