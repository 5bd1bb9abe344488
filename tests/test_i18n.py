"""UI strings and dates in the languages of the zine."""

from __future__ import annotations

from datetime import date

import pytest

from zine.render.i18n import LANGUAGES, format_date, strings

REQUIRED = ("contents", "by", "notes", "download", "cover", "title_page", "colophon",
            "coop_directory", "previous", "next", "issue_n", "license", "published",
            "reading_time", "section", "back_to_top", "skip_to_content", "all_issues", "pages",
            "words", "footnote_back")


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_required_key(language: str) -> None:
    table = strings(language)
    for key in REQUIRED:
        assert table[key].strip(), (language, key)


@pytest.mark.parametrize("language", ["de", "es", "fr", "it", "pt", "nl", "ar", "ja"])
def test_each_language_translates_the_required_keys_itself(language: str) -> None:
    from zine.render.i18n import _TABLES

    missing = [key for key in REQUIRED if key not in _TABLES[language]]
    assert missing == []


def test_placeholders_survive_translation() -> None:
    for language in LANGUAGES:
        table = strings(language)
        assert "{number}" in table["issue_n"] and "{number}" in table["footnote_back"]
        assert "{minutes}" in table["reading_time"] and "{count}" in table["words"]
        assert table["issue_n"].format(number=3)


def test_fallback_by_primary_language_then_english() -> None:
    assert strings("de-AT")["contents"] == "Inhalt"
    assert strings("pt_BR")["next"] == strings("pt")["next"]
    assert strings("sw")["contents"] == "Contents"
    assert strings("")["by"] == "by"


def test_strings_cannot_be_changed_by_callers() -> None:
    with pytest.raises(TypeError):
        strings("en")["by"] = "x"  # type: ignore[index]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "March 1, 2019"), ("de", "1. März 2019"), ("es", "1 de marzo de 2019"),
    ("fr", "1er mars 2019"), ("it", "1 marzo 2019"), ("pt-BR", "1 de março de 2019"),
    ("nl", "1 maart 2019"), ("ja", "2019年3月1日"), ("xx", "March 1, 2019"),
])
def test_dates_are_written_the_way_each_language_does(language: str, expected: str) -> None:
    assert format_date(date(2019, 3, 1), language) == expected


def test_french_uses_plain_numbers_after_the_first() -> None:
    assert format_date(date(2024, 12, 24), "fr") == "24 décembre 2024"
