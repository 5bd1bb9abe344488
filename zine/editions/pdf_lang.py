"""PDF edition, tagging detail: the language of each article in the PDF's structure tree.

Editions stage; a ``finisher`` for WeasyPrint's ``write_pdf``, it only edits the PDF objects
WeasyPrint built in memory (reads and writes no file). WeasyPrint 70 writes ``/Lang`` on the
catalog only, so a screen reader would read an Arabic or Japanese article with the issue's
language. Every article starts on a page of its own (``break-before: right``), so the
structure elements drawn on a page belong to the article that page is part of: this finisher
gives those elements the article's ``/Lang`` when it differs from the issue's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pydyf

Finisher = Callable[[Any, Any], None]


def page_languages(document: Any, anchor_langs: Mapping[str, str | None]) -> list[str | None]:
    """Language of each page: that of the last article anchor seen on it or before it.

    ``anchor_langs`` maps an anchor id (``article-<slug>``, ``coops``...) to a language, or to
    None for back matter that is in the document's language.
    """
    current: str | None = None
    languages = []
    for page in document.pages:
        for anchor in page.anchors:
            if anchor in anchor_langs:
                current = anchor_langs[anchor]
        languages.append(current)
    return languages


def language_finisher(anchor_langs: Mapping[str, str | None], document_lang: str) -> Finisher:
    """A ``write_pdf`` finisher that sets ``/Lang`` on the top struct elements of articles."""

    def finish(document: Any, pdf: Any) -> None:
        languages = page_languages(document, anchor_langs)
        pages = {str(ref): i for i, ref in enumerate(pdf.page_references)}
        for obj in pdf.objects:
            if not isinstance(obj, dict) or obj.get("Type") != "/StructElem":
                continue
            if obj.get("S") != "/Art" or "Pg" not in obj:
                continue
            index = pages.get(str(obj["Pg"]))
            lang = languages[index] if index is not None else None
            if lang and lang != document_lang:
                obj["Lang"] = pydyf.String(lang)

    return finish
