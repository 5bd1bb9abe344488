"""Check stage: model -> diagnostics. Every check runs; none stops early or raises.

``check_zine`` judges the values the loader could read (ids, languages, licenses, countries,
coop references, Unicode hygiene, Markdown bodies, images); ``check_project`` is load + check
for ``zine check``. Reads nothing but image files (through ``zine.check.images``); writes nothing.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from zine.check.body import check_body
from zine.check.images import ImageChecks
from zine.check.links import LinkIndex, link_diagnostics
from zine.check.translations import check_translations, issue_text_fields
from zine.diagnostics import Diagnostic, codes, make
from zine.errors import UsageError
from zine.load.loader import empty_zine, load_lone_articles, load_project
from zine.load.project import find_root
from zine.load.schema import did_you_mean
from zine.model import Article, Author, Coop, Issue, Located, Position, Section, Zine

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*")
LICENSE_REF = re.compile(r"LicenseRef-[A-Za-z0-9.-]+")
ALLOWED_FORMAT_CHARS = frozenset({"\u200c", "\u200d"})  # ZWNJ, ZWJ: Persian, Indic scripts
_ISO_3166_TEXT = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"""
ISO_3166_ALPHA2 = frozenset(_ISO_3166_TEXT.split())

# Metadata: every text of the model that an edition shows. It is every ``str`` field (and
# tuple of ``str``, and mapping of ``str``) of Zine, Coop, Issue, Article and the Authors and
# Sections inside them, except the fields named here, which are checked by their own rules (ids,
# codes, URLs) or are the Markdown body (``zine.check.body``). A text field added to the model
# is therefore checked for control characters and NFC without anyone remembering to.
NOT_METADATA = frozenset({"id", "slug", "language", "license", "url", "country", "coop",
                          "source", "languages", "translation_of", "translated_from",
                          "edition", "title_language"})
_METADATA_PARTS = (Author, Section)  # model objects checked as part of the one holding them
# the YAML key a field was written under, where it is not the field's name
_METADATA_KEYS: dict[tuple[type, str], str] = {(Section, "title"): "section"}


@functools.cache
def spdx_licenses() -> frozenset[str]:
    """Current SPDX license ids, shipped in zine/data/spdx-licenses.txt."""
    text = resources.files("zine").joinpath("data/spdx-licenses.txt").read_text("utf-8")
    return frozenset(line.strip() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def check_project(paths: Sequence[Path], root: Path | None) -> list[Diagnostic]:
    """``zine check``: load the repository (or just ``paths``) and check it."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"zine check: {path}: no such file or folder")
    try:
        found = find_root(paths, root)
    except UsageError:
        if not paths or root is not None or any(p.suffix != ".md" or not p.is_file()
                                                for p in paths):
            raise
        diags: list[Diagnostic] = []
        lone = load_lone_articles(paths, empty_zine(Path.cwd()), diags)
        diags += [make(codes.OUTSIDE_REPO, Position(p, 1, 1)) for p in paths]
        return diags + check_issue(lone, {})
    zine, diags = load_project(found, paths or None)
    return diags + check_zine(zine)


def check_zine(zine: Zine, images: ImageChecks | None = None) -> list[Diagnostic]:
    """Every problem of the model's values; pure apart from reading image files (decoded
    two at a time up front, into ``images``: the build's, which knows what the build cache
    decoded before and keeps what the render stage can reuse; else a fresh one)."""
    images = images if images is not None else ImageChecks()
    diags: list[Diagnostic] = []
    diags += check_publication(zine)
    diags += check_issue_set(zine.issues)
    images.prefetch([image.path for issue in zine.issues for article in issue.articles
                     for image in article.body.images if image.path is not None])
    links = LinkIndex.of(zine)
    for issue in zine.issues:
        diags += check_issue(issue, zine.coops, links, images)
    return diags


def check_publication(zine: Zine) -> list[Diagnostic]:
    where = zine.where
    diags = list(check_language(where, "language", zine.language))
    diags += check_license(where, "license", zine.license)
    diags += check_url(where, "url", zine.url)
    diags += check_metadata(zine)
    coop_ids: dict[str, str] = {}
    for coop in zine.coops.values():
        diags += check_id("coop id", coop.id, coop.where.pos, coop_ids)
        diags += check_metadata(coop)
        diags += check_url(coop.where, "url", coop.url)
        diags += check_fediverse(coop.where, coop.fediverse)
        if "country" in coop.where.fields and coop.country not in ISO_3166_ALPHA2:
            diags.append(make(codes.BAD_COUNTRY, coop.where.at("country"), found=coop.country))
    return diags


def check_issue_set(issues: Sequence[Issue]) -> list[Diagnostic]:
    """Issue ids and numbers, across issues."""
    diags: list[Diagnostic] = []
    numbers: dict[int, Issue] = {}
    folded: dict[str, str] = {}
    for issue in issues:
        if not issue.id:
            continue  # the stand-in issue of lone articles
        if issue.number is not None:
            first = numbers.setdefault(issue.number, issue)
            if first is not issue:
                diags.append(make(codes.DUPLICATE_NUMBER, issue.where.at("number"),
                                  number=issue.number, other=first.id))
        diags += check_id("issue id", issue.id, Position(issue.path, 1, 1), folded)
    return diags


def check_id(what: str, value: str, pos: Position, folded: dict[str, str]) -> list[Diagnostic]:
    """``value`` matches the id pattern and differs from the ids in ``folded`` after casefold."""
    diags = []
    if not ID_PATTERN.fullmatch(value):
        diags.append(make(codes.BAD_ID, pos, what=what, found=value))
    other = folded.setdefault(value.casefold(), value)
    if other != value:
        diags.append(make(codes.ID_COLLISION, pos, what=what, found=value, other=other))
    return diags


def check_issue(issue: Issue, coops: Mapping[str, object],
                links: LinkIndex | None = None,
                images: ImageChecks | None = None) -> list[Diagnostic]:
    known = coops
    links = links if links is not None else LinkIndex([issue])
    where = issue.where
    diags: list[Diagnostic] = []
    if issue.id:
        diags += check_language(where, "language", issue.language)
        diags += check_license(where, "license", issue.license)
        diags += check_metadata(issue)
        diags += check_authors(issue.editors, known)
        if issue.cover is not None:
            diags += check_cover(issue.cover, images)
        diags += check_translations(issue, valid_language)
        for located, key, text in issue_text_fields(issue):
            diags += check_text(located.at(key.rsplit(".", 1)[1]), key, text)
    slugs: dict[str, str] = {}
    for article in issue.articles:
        diags += check_id("article slug", article.slug, Position(article.path, 1, 1), slugs)
        diags += check_article(article, known, images)
        diags += link_diagnostics(links, article)
    return diags


def check_article(article: Article, coops: Mapping[str, object],
                  images: ImageChecks | None = None) -> list[Diagnostic]:
    where = article.where
    diags = list(check_language(where, "language", article.language))
    diags += check_license(where, "license", article.license)
    diags += check_metadata(article)
    diags += check_authors(article.authors, coops)
    diags += check_authors(article.translators, coops)
    diags += check_body(article, images)
    return diags


def check_authors(authors: Sequence[Author], coops: Mapping[str, object]) -> list[Diagnostic]:
    diags: list[Diagnostic] = []
    for author in authors:
        if author.coop is not None and author.coop not in coops:
            diags.append(make(codes.UNKNOWN_COOP, author.where.at("coop"), coop=author.coop,
                              hint=did_you_mean(author.coop, coops)))
    return diags


def check_language(where: Located, key: str, value: str) -> list[Diagnostic]:
    """A BCP 47 tag, when it was written in this file (defaults were checked where written)."""
    if key not in where.fields or not value or valid_language(value):
        return []
    fixed = value.replace("_", "-")
    hint = f"; did you mean {fixed!r}?" if fixed != value and valid_language(fixed) else ""
    return [make(codes.BAD_LANGUAGE, where.at(key), key=key, found=value, hint=hint)]


def valid_language(tag: str) -> bool:
    """A well-formed, registered BCP 47 tag (langcodes accepts ``_``; BCP 47 does not)."""
    import langcodes  # 0.1 s to import (its registry regex): not for a build that is skipped

    if "_" in tag or not tag.isascii():
        return False
    try:
        return bool(langcodes.tag_is_valid(tag))
    except Exception:  # langcodes raises on some malformed input instead of saying False
        return False


def check_license(where: Located, key: str, value: str) -> list[Diagnostic]:
    if key not in where.fields or not value:
        return []
    ids = spdx_licenses()
    if value in ids or LICENSE_REF.fullmatch(value):
        return []
    return [make(codes.BAD_LICENSE, where.at(key), key=key, found=value,
                 hint=_license_hint(value, ids))]


def _license_hint(value: str, ids: frozenset[str]) -> str:
    """The same id in other case, else ids that start with it (GPL-3 -> GPL-3.0-only), else
    the closest spelling."""
    folded = value.casefold()
    exact = [i for i in ids if i.casefold() == folded]
    if exact:
        return f"; did you mean {exact[0]!r}?"
    longer = sorted(i for i in ids if i.casefold().startswith(folded))
    if 0 < len(longer) <= 3:
        return "; did you mean " + " or ".join(repr(i) for i in longer) + "?"
    return did_you_mean(value, sorted(ids))


def check_url(where: Located, key: str, value: str) -> list[Diagnostic]:
    if key not in where.fields or not value:
        return []
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [make(codes.BAD_URL, where.at(key), key=key, found=value)]


FEDIVERSE = re.compile(r"^@[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}@"
                       r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")


def check_fediverse(where: Located, value: str) -> list[Diagnostic]:
    """coops.yaml ``fediverse``: ``@account@server`` (a profile URL gets a suggestion)."""
    if "fediverse" not in where.fields or not value or FEDIVERSE.match(value):
        return []
    hint = ""
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc and parts.path.startswith("/@"):
        account = parts.path[2:].strip("/")
        if "/" not in account and "@" not in account:
            hint = f"; did you mean '@{account}@{parts.netloc}'?"
    elif value.count("@") == 1 and not value.startswith("@"):
        hint = f"; did you mean '@{value}'?"
    return [make(codes.BAD_FEDIVERSE, where.at("fediverse"), found=value, hint=hint)]


def check_metadata(part: Zine | Coop | Issue | Article) -> list[Diagnostic]:
    """Every metadata text of ``part`` (see ``NOT_METADATA``) is clean (``check_text``)."""
    diags: list[Diagnostic] = []
    for pos, key, value in metadata_texts(part, part.where.pos):
        diags += check_text(pos, key, value)
    return diags


def metadata_texts(part: object, fallback: Position) -> Iterator[tuple[Position, str, str]]:
    """(where it was written, its key, the text) for each metadata text of a model object."""
    where = getattr(part, "where", None)
    own = getattr(part, "pos", None)
    for spec in dataclasses.fields(part):  # type: ignore[arg-type]
        name = spec.name
        if name in NOT_METADATA:
            continue
        value = getattr(part, name)
        key = _METADATA_KEYS.get((type(part), name), name)
        pos = where.at(name) if isinstance(where, Located) else own or fallback
        if isinstance(value, str):
            yield pos, key, value
        elif isinstance(value, Mapping):  # Zine.extra: key -> text
            for extra_key, text in value.items():
                if isinstance(text, str) and isinstance(where, Located):
                    yield where.at(extra_key), extra_key, text
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, str):
                    yield pos, key, item
                elif isinstance(item, _METADATA_PARTS):
                    yield from metadata_texts(item, pos)


def check_text(pos: Position, key: str, value: str) -> list[Diagnostic]:
    """No control or format characters (except ZWJ and ZWNJ). Text is NFC already: the loader
    normalises it (``zine.load.schema.nfc``)."""
    diags = []
    for char in _bad_chars(value):
        name = unicodedata.name(char, "a control character")
        diags.append(make(codes.CONTROL_CHAR, pos, key=key, char=f"U+{ord(char):04X}",
                          name=name))
    return diags


def _bad_chars(value: str) -> Iterator[str]:
    seen = set()
    for char in value:
        if char in seen or char == "\n" or char in ALLOWED_FORMAT_CHARS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf"):
            seen.add(char)
            yield char


def check_cover(path: Path, images: ImageChecks | None = None) -> list[Diagnostic]:
    problem = (images or ImageChecks()).inspect(path, allow_svg=True)
    if problem is None:
        return []
    return [make(problem.code, Position(path, 1, 1), src=path.name, **problem.values)]
