"""Render stage, credits: how every edition names the people, coops and licences of an article.

One rule each, so the EPUB, the PDF and the HTML edition (and the feeds and cards) print the
same words: a byline is its signers' names, each followed by the coop they write for in
brackets unless the signer *is* that coop, joined as the byline's language joins a list
("A, B and C"); a coop id that coops.yaml does not know is never printed (``zine check``
reports it). A licence is named and linked by its SPDX id through ``license_of``. Pure
functions of the model; reads and writes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol
from urllib.parse import quote

from zine.model import Coop
from zine.render.i18n import join_list, list_separators


class Signer(Protocol):
    """Who signs: an ``Author`` of the model, or a ``Signature`` read back from a manifest."""

    @property
    def name(self) -> str: ...

    @property
    def coop(self) -> str | None: ...


class Signature(NamedTuple):
    """A signer as a build manifest keeps it: a name and a coop id (or None)."""

    name: str
    coop: str | None


@dataclass(frozen=True)
class Credit:
    """One signer as a byline shows it; ``coop`` is the coop named after the signer's name,
    None when there is none to name (no coop, an unknown id, or the signer is the coop)."""

    name: str
    coop: Coop | None

    @property
    def text(self) -> str:
        return f"{self.name} ({self.coop.name})" if self.coop else self.name


def credit(signer: Signer, coops: Mapping[str, Coop]) -> Credit:
    coop = coops.get(signer.coop) if signer.coop else None
    return Credit(signer.name, coop if coop is not None and coop.name != signer.name else None)


def byline_parts(signers: Iterable[Signer], coops: Mapping[str, Coop],
                 language: str) -> list[tuple[str, Credit]]:
    """Each credit with the separator written before it ("" before the first), for editions
    that mark up names and coops; ``byline`` is their text."""
    credits = [credit(s, coops) for s in signers if s.name]
    return list(zip(list_separators(len(credits), language), credits, strict=True))


def byline(signers: Iterable[Signer], coops: Mapping[str, Coop], language: str) -> str:
    """``Jo Example (IT-Kollektiv), Sam Doe and Hostsharing eG`` in ``language``."""
    return join_list([c.text for c in (credit(s, coops) for s in signers if s.name)], language)


def names(signers: Sequence[Signer], language: str) -> str:
    """Only the names, joined as in a byline (a link-preview card has room for no more)."""
    return join_list([s.name for s in signers if s.name], language)


@dataclass(frozen=True)
class License:
    """An SPDX licence id with the name editions print and the page they link to ("" when
    there is none to link, as for a ``LicenseRef-`` of the zine's own)."""

    id: str
    name: str
    url: str

    @property
    def reference(self) -> str:
        """The id and its page, for metadata: ``CC-BY-4.0 (https://creativecommons.org/…)``."""
        return f"{self.id} ({self.url})" if self.url else self.id


_CC = re.compile(r"CC-(BY(?:-NC)?(?:-ND|-SA)?)-(\d\.\d)(?:-([A-Z]{2,3}))?")


def license_of(spdx_id: str) -> License:
    """Creative Commons licences by their deed on creativecommons.org (``CC BY-SA 4.0``),
    every other id by its page on spdx.org."""
    match = _CC.fullmatch(spdx_id)
    if match:
        kind, version, port = match[1], match[2], match[3]
        url = f"https://creativecommons.org/licenses/{kind.lower()}/{version}/"
        if port:
            url += f"{port.lower()}/"
        name = f"CC {kind} {version}" + (f" {port}" if port else "")
        return License(spdx_id, name, url)
    if spdx_id == "CC0-1.0":
        return License(spdx_id, "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/")
    if spdx_id.startswith(("LicenseRef-", "DocumentRef-")):
        return License(spdx_id, spdx_id, "")
    return License(spdx_id, spdx_id, f"https://spdx.org/licenses/{quote(spdx_id, safe='')}.html")
