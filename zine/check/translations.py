"""Check stage: translations (an original and its versions in other languages).

Judges what ``translation_of``, ``translators``, ``translated_from``, ``languages``,
``translations`` and per-language section titles say, against the issue's articles and the
groups the loader formed (``Issue.groups``). Called by ``zine.check.run``; reads and writes
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from zine.diagnostics import Diagnostic, codes, make
from zine.load.schema import did_you_mean
from zine.model import Article, Issue, Located, Position, content_digest

Valid = Callable[[str], bool]
DIGEST = re.compile(r"sha256:[0-9a-f]{16}")


def check_translations(issue: Issue, valid_language: Valid) -> list[Diagnostic]:
    """Every translation problem of ``issue``; ``valid_language(tag) -> bool`` is the check
    stage's BCP 47 test."""
    diags = _check_issue_languages(issue, valid_language)
    by_slug = {a.slug: a for a in issue.articles}
    grouped = {a.slug for g in issue.groups for a in g.translations}
    editions = set(issue.edition_languages())
    for article in issue.articles:
        where = article.where
        if not article.translation_of:
            if article.translators:
                diags.append(make(codes.TRANSLATORS_NOT_TRANSLATION, where.at("translators")))
            if "translated_from" in where.fields:
                diags.append(make(codes.TRANSLATED_FROM_ALONE, where.at("translated_from")))
            continue
        problem = _target_problem(article, by_slug)
        if problem is not None:
            diags.append(problem)
            continue
        original = by_slug[article.translation_of]
        if article.language == original.language:
            diags.append(make(codes.TRANSLATION_SAME_LANGUAGE, where.at("language")
                              if "language" in where.fields else where.at("translation_of"),
                              language=article.language, slug=original.slug))
            continue
        if article.slug not in grouped:
            first = _first_in(issue, original, article.language)
            diags.append(make(codes.TRANSLATION_TWICE, where.at("language"),
                              slug=original.slug, language=article.language,
                              other=first.path.name if first.path.name != "index.md"
                              else f"{first.slug}/index.md"))
        if original.draft:
            diags.append(make(codes.TRANSLATION_OF_DRAFT, where.at("translation_of"),
                              slug=original.slug))
        if article.language not in editions:
            diags.append(make(codes.TRANSLATION_NO_EDITION, where.at("language"),
                              language=article.language,
                              languages=", ".join(sorted(editions))))
        diags += _check_record(article, original)
    return diags


def _target_problem(article: Article, by_slug: dict[str, Article]) -> Diagnostic | None:
    """Z212 unknown, Z216 itself, Z221 a cycle, Z215 a translation of a translation."""
    pos = article.where.at("translation_of")
    target = by_slug.get(article.translation_of)
    if target is None:
        return make(codes.TRANSLATION_UNKNOWN, pos, slug=article.translation_of,
                    hint=did_you_mean(article.translation_of,
                                      [s for s in by_slug if s != article.slug]))
    if target is article:
        return make(codes.TRANSLATION_OF_ITSELF, pos)
    if not target.translation_of:
        return None
    chain = [article.slug]
    while target is not None and target.translation_of:
        if target.slug in chain:
            cycle = [*chain[chain.index(target.slug):], target.slug]
            return make(codes.TRANSLATION_CYCLE, pos, cycle=" -> ".join(cycle))
        chain.append(target.slug)
        target = by_slug.get(target.translation_of)
    original = chain[-1] if target is None else target.slug
    return make(codes.TRANSLATION_OF_TRANSLATION, pos, slug=article.translation_of,
                original=original)


def _first_in(issue: Issue, original: Article, language: str) -> Article:
    group = issue.group_of(original.slug)
    versions = group.versions if group is not None else (original,)
    return next((a for a in versions if a.language == language), original)


def _check_record(article: Article, original: Article) -> list[Diagnostic]:
    """``translated_from``: well formed, and still the original's digest (else Z220)."""
    if "translated_from" not in article.where.fields:
        return []
    pos = article.where.at("translated_from")
    recorded = article.translated_from
    if not DIGEST.fullmatch(recorded):
        return [make(codes.TRANSLATED_FROM_FORMAT, pos, found=recorded)]
    current = content_digest(original)
    if recorded == current:
        return []
    return [make(codes.TRANSLATION_STALE, pos, slug=original.slug, recorded=recorded,
                 current=current, own=article.slug)]


def _check_issue_languages(issue: Issue, valid_language: Valid) -> list[Diagnostic]:
    """``languages``, the keys of ``translations`` and of per-language section titles."""
    diags: list[Diagnostic] = []
    where = issue.where
    seen: set[str] = set()
    for index, tag in enumerate(issue.languages):
        pos = where.fields.get(f"languages[{index}]", where.at("languages"))
        if not valid_language(tag):
            diags.append(make(codes.LANGUAGES_BAD_TAG, pos, found=tag,
                              hint=_hint(tag, valid_language)))
        elif tag in seen:
            diags.append(make(codes.LANGUAGES_TWICE, pos, found=tag))
        seen.add(tag)
    editions = set(issue.edition_languages())
    for tag, text in issue.translations.items():
        if not valid_language(tag):
            diags.append(make(codes.TRANSLATIONS_KEY, text.where.pos, found=tag,
                              hint=_hint(tag, valid_language, editions)))
        elif tag not in editions:
            diags.append(make(codes.TRANSLATIONS_UNUSED, text.where.pos, found=tag))
    for section in issue.sections:
        for tag in section.titles:
            if not valid_language(tag):
                diags.append(make(codes.SECTION_KEY, section.pos or Position(issue.path),
                                  found=tag, hint=_hint(tag, valid_language, editions)))
    return diags


def _hint(tag: str, valid_language: Valid, known: set[str] | None = None) -> str:
    fixed = tag.replace("_", "-")
    if fixed != tag and valid_language(fixed):
        return f"; did you mean {fixed!r}?"
    return did_you_mean(tag, sorted(known or ()))


def issue_text_fields(issue: Issue) -> list[tuple[Located, str, str]]:
    """(where, key, text) of the issue's translated titles and descriptions, for the
    metadata hygiene checks."""
    found = []
    for tag, text in sorted(issue.translations.items()):
        for key in ("title", "description"):
            value = getattr(text, key)
            if value:
                found.append((text.where, f"translations.{tag}.{key}", value))
    return found
