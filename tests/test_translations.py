"""Translations in the model: groups formed once by the loader, and the edition per language
(DESIGN.md "Translations": per group in contents order, the version in L, else the original)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from zine.load.loader import load_project
from zine.model import Issue, content_digest, edition_issue

FIXTURE = Path(__file__).parent / "roots" / "translations"


def fixture_issue() -> Issue:
    zine, diags = load_project(FIXTURE)
    assert [d.format() for d in diags] == []
    return zine.issues[0]


def slugs(issue: Issue) -> list[str]:
    return [a.slug for a in issue.articles]


def test_an_original_and_its_translations_form_one_group_by_language() -> None:
    issue = fixture_issue()
    groups = {g.original.slug: [a.language for a in g.translations] for g in issue.groups}
    assert groups == {"meeting": ["ar", "de", "ja"], "bericht": ["en"], "solo": []}
    meeting_de = next(a for a in issue.articles if a.slug == "meeting-de")
    assert meeting_de.translation_of == "meeting"
    assert [t.name for t in meeting_de.translators] == ["Zine editorial collective"]
    assert issue.group_of("meeting-de") is issue.group_of("meeting")


def test_translations_follow_their_original_and_sections_name_originals() -> None:
    issue = fixture_issue()
    assert slugs(issue) == ["meeting", "meeting-ar", "meeting-de", "meeting-ja", "bericht",
                            "report", "solo"]
    assert [[a.slug for a in s.articles] for s in issue.sections] == [["meeting", "bericht"],
                                                                      ["solo"]]
    assert issue.languages == ("en", "de", "ar", "ja")
    assert issue.edition_languages() == ("en", "de", "ar", "ja")


def test_each_edition_holds_the_version_in_its_language_else_the_original() -> None:
    issue = fixture_issue()
    editions = {lang: slugs(edition_issue(issue, lang)) for lang in issue.edition_languages()}
    assert editions == {
        "en": ["meeting", "report", "solo"],  # the English translation of a German original
        "de": ["meeting-de", "bericht", "solo"],
        "ar": ["meeting-ar", "bericht", "solo"],
        "ja": ["meeting-ja", "bericht", "solo"],
    }
    fr = edition_issue(issue, "fr")  # no version in French: every original
    assert slugs(fr) == ["meeting", "bericht", "solo"]


def test_an_edition_takes_its_titles_from_translations_and_names_its_files() -> None:
    issue = fixture_issue()
    main, german = edition_issue(issue, "en"), edition_issue(issue, "de")
    assert (main.stem, main.title, main.language, main.edition) == (
        "07-languages", "Working together", "en", "")
    assert (german.stem, german.title, german.description) == (
        "07-languages.de", "Zusammen arbeiten", "Vier Sprachen, eine Ausgabe.")
    assert [s.title for s in german.sections] == ["Berichte", None]
    arabic = edition_issue(issue, "ar")
    assert arabic.description == issue.description  # not translated: the original's
    assert arabic.direction == "rtl"


def test_a_draft_translation_and_the_translations_of_a_draft_are_not_published() -> None:
    issue = fixture_issue()
    articles = {a.slug: a for a in issue.articles}
    drafted = replace(issue, articles=tuple(
        replace(a, draft=a.slug in ("meeting-de", "bericht")) for a in issue.articles))
    from zine.model import group_articles

    drafted = replace(drafted, groups=group_articles(drafted.articles))
    published = [a.slug for a in drafted.published]
    assert "meeting-de" not in published and "bericht" not in published
    assert "report" not in published  # a translation of a draft
    german = edition_issue(drafted, "de")
    assert [a.slug for a in german.published] == ["meeting", "solo"]
    assert articles["meeting"].draft is False


def test_the_digest_covers_what_is_translated_only() -> None:
    issue = fixture_issue()
    meeting = next(a for a in issue.articles if a.slug == "meeting")
    digest = content_digest(meeting)
    assert digest.startswith("sha256:") and len(digest) == 23
    assert content_digest(replace(meeting, tags=("x",), draft=True)) == digest
    assert content_digest(replace(meeting, source=meeting.source + "More.")) != digest
    assert content_digest(replace(meeting, title="Another")) != digest
