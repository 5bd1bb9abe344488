"""Load stage: the schema of the four YAML files, converting strict-YAML strings to typed values.

Called by ``zine.load.loader`` only; reads no files. ``Fields`` reads one mapping: it reports
unknown keys (with "did you mean"), missing required keys and values of the wrong type, and always
returns a usable value (``""``, ``None``, ``()``) so a model is built even from wrong input and
every problem is reported in one run. Value checks that need no conversion (language tags, licenses,
coop ids) are in ``zine.check.run``. """

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from zine.diagnostics import Diagnostic, codes, make
from zine.load.yamlstrict import Value, YList, YMap, describe
from zine.model import Author, Located, Position

ARTICLE_KEYS = ("title", "subtitle", "authors", "language", "license", "summary", "tags",
                "draft", "translation_of", "translators", "translated_from")
ARTICLE_REQUIRED = ("title", "authors")
ISSUE_KEYS = ("number", "title", "date", "language", "description", "editors", "license",
              "contents", "languages", "translations")
ISSUE_REQUIRED = ("number", "title", "date", "language")
ZINE_KEYS = ("title", "publisher", "url", "language", "license")
ZINE_REQUIRED = ("title", "publisher", "url", "language", "license")
COOP_KEYS = ("name", "country", "url", "description", "fediverse")
COOP_REQUIRED = ("name", "country")
AUTHOR_KEYS = ("name", "coop")
AUTHOR_REQUIRED = ("name",)
SECTION_KEYS = ("section", "articles")
ISSUE_TEXT_KEYS = ("title", "description")

_WHOLE_NUMBER = re.compile(r"[1-9][0-9]{0,8}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``choices``, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def nfc(value: str) -> tuple[str, list[tuple[str, str]]]:
    """``value`` in Unicode NFC, and the characters NFC replaced by another character.

    Text typed on a keyboard is often not NFC (Arabic shadda before kasra, Bengali ে + া or
    য় as one key, Vietnamese and Hebrew marks in typing order): NFC changes only how such
    text is stored, never how it looks, so it is normalised without a word. A "singleton"
    (ANGSTROM SIGN, OHM SIGN, a CJK compatibility ideograph) is replaced by a different
    character, which may look different in some fonts: those are returned, to be reported.
    """
    if unicodedata.is_normalized("NFC", value):
        return value, []
    replaced = []
    for char in dict.fromkeys(value):
        decomposition = unicodedata.decomposition(char)
        if decomposition and not decomposition.startswith("<") and " " not in decomposition:
            replaced.append((char, unicodedata.normalize("NFC", char)))
    return unicodedata.normalize("NFC", value), replaced


class Fields:
    """Typed access to one YAML mapping, reporting problems into ``diagnostics``.

    ``where`` names the mapping in messages ("front matter", "issue.yaml", "coop 'x'").
    A ``Fields`` over a value that is not a mapping reports that once and reads as empty.
    """

    def __init__(self, value: Value, pos: Position, where: str,
                 diagnostics: list[Diagnostic], *, quiet: bool = False) -> None:
        self.where = where
        self.diagnostics = diagnostics
        self.quiet = quiet  # the file could not be parsed: report nothing more about it
        if isinstance(value, YMap):
            self.map = value
        else:
            self.map = YMap(pos)
            if not quiet:
                diagnostics.append(make(codes.NOT_MAPPING, pos,
                                        expected=f"a mapping of keys to values in {where}",
                                        found=describe(value)))
                self.quiet = True

    def report(self, code: str, pos: Position, **values: object) -> None:
        if not self.quiet:
            self.diagnostics.append(make(code, pos, **values))

    def located(self) -> Located:
        """Where each value starts; each text item of a list too, as ``key[index]``."""
        fields = dict(self.map.values)
        for key, value in self.map.items.items():
            if isinstance(value, YList):
                texts = [pos for item, pos in zip(value.items, value.positions, strict=True)
                         if isinstance(item, str)]
                fields.update((f"{key}[{index}]", pos) for index, pos in enumerate(texts))
        return Located(self.map.pos, fields)

    def at(self, key: str) -> Position:
        return self.map.values.get(key, self.map.pos)

    def check_keys(self, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
        """Unknown keys (with a suggestion) and missing required keys, both reported."""
        for key, pos in self.map.keys.items():
            if key not in allowed:
                self.report(codes.UNKNOWN_KEY, pos, key=key, where=self.where,
                            hint=did_you_mean(key, allowed))
        for key in required:
            if key not in self.map.items:
                self.report(codes.MISSING_KEY, self.map.pos, key=key, where=self.where)

    def text(self, key: str, default: str = "") -> str:
        value = self.map.items.get(key)
        if value is None:
            return default
        if isinstance(value, str):
            return self.normalised(value, key, self.at(key))
        self.report(codes.WRONG_TYPE, self.at(key), key=key, expected="text",
                    found=describe(value))
        return default

    def normalised(self, value: str, key: str, pos: Position) -> str:
        """``value`` in NFC; a character NFC replaces by another one is reported (Z113)."""
        text, replaced = nfc(value)
        for char, replacement in replaced:
            self.report(codes.NOT_NFC, pos, key=key, char=_named(char),
                        replacement=_named(replacement))
        return text

    def required_text(self, key: str) -> str:
        """Text that must not be empty (a missing key is reported by ``check_keys``)."""
        value = self.text(key)
        if key in self.map.items and not value.strip() and not isinstance(
                self.map.items[key], (YMap, YList)):
            self.report(codes.WRONG_TYPE, self.at(key), key=key, expected="some text",
                        found="an empty value")
        return value

    def number(self, key: str) -> int | None:
        value = self.map.items.get(key)
        if key not in self.map.items:
            return None
        if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            return int(value)
        self.report(codes.WRONG_TYPE, self.at(key), key=key,
                    expected="a whole number from 1 written without leading zeros",
                    found=describe(value))
        return None

    def date(self, key: str) -> date | None:
        value = self.map.items.get(key)
        if key not in self.map.items:
            return None
        match = _ISO_DATE.fullmatch(value) if isinstance(value, str) else None
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                pass
        if isinstance(value, str) or value is None:
            self.report(codes.BAD_DATE, self.at(key), key=key, found=value or "")
        else:
            self.report(codes.WRONG_TYPE, self.at(key), key=key, expected="a date YYYY-MM-DD",
                        found=describe(value))
        return None

    def boolean(self, key: str, default: bool = False) -> bool:
        value = self.map.items.get(key)
        if value is None:
            return default
        if value in ("true", "false"):
            return value == "true"
        self.report(codes.WRONG_TYPE, self.at(key), key=key, expected="true or false",
                    found=describe(value))
        return default

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of texts; a single text is accepted as a list of one."""
        value = self.map.items.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if isinstance(value, YMap):
            self.report(codes.WRONG_TYPE, self.at(key), key=key, expected="a list of texts",
                        found="a mapping")
            return ()
        result = []
        for item, pos in zip(value.items, value.positions, strict=True):
            if isinstance(item, str):
                result.append(self.normalised(item, key, pos))
            else:
                self.report(codes.WRONG_TYPE, pos, key=key, expected="text",
                            found=describe(item))
        return tuple(result)

    def authors(self, key: str, required: bool) -> tuple[Author, ...]:
        """A list of ``{name, coop}`` mappings (a bare name is accepted too)."""
        value = self.map.items.get(key)
        if value is None:
            if required and key in self.map.items:
                self.report(codes.WRONG_TYPE, self.at(key), key=key,
                            expected="a list of authors", found="nothing")
            return ()
        if not isinstance(value, YList):
            self.report(codes.WRONG_TYPE, self.at(key), key=key,
                        expected="a list of authors, each with a name", found=describe(value))
            return ()
        if required and not value.items:
            self.report(codes.WRONG_TYPE, self.at(key), key=key,
                        expected="at least one author", found="an empty list")
        return tuple(self.author(item, pos, key)
                     for item, pos in zip(value.items, value.positions, strict=True))

    def author(self, item: Value, pos: Position, key: str) -> Author:
        if isinstance(item, str):
            return Author(self.normalised(item, key, pos), None, Located(pos, {"name": pos}))
        fields = Fields(item, pos, f"an entry of {key}", self.diagnostics, quiet=self.quiet)
        fields.check_keys(AUTHOR_KEYS, AUTHOR_REQUIRED)
        coop = fields.text("coop") or None
        return Author(fields.required_text("name"), coop, fields.located())

    def sub(self, key: str, where: str) -> Fields:
        """The mapping under ``key`` (a missing one reads as empty)."""
        value = self.map.items.get(key)
        pos = self.at(key)
        if value is None:
            return Fields(YMap(pos), pos, where, self.diagnostics, quiet=self.quiet)
        return Fields(value, pos, where, self.diagnostics, quiet=self.quiet)


def _named(text: str) -> str:
    return " ".join(f"{char} (U+{ord(char):04X} {unicodedata.name(char, '')})".replace(" )", ")")
                    for char in text)


def empty_fields(path: Path, where: str, diagnostics: list[Diagnostic]) -> Fields:
    """Fields of a file that could not be parsed: they read as empty and report nothing."""
    pos = Position(path, 1, 1)
    return Fields(YMap(pos), pos, where, diagnostics, quiet=True)
