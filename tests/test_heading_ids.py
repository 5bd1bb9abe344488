"""Heading ids are made as GitHub makes them (github-slugger), so links written for GitHub work.

The judge is github-slugger itself (npm, installed in ``tools/checkers`` by ``make test-deps``
and run by ``tools/checkers/slug.mjs``): every assigned code point, every heading of the spec
examples and the headings below get the same id from both. The cases below also say the rule in
examples: lowercase; letters, combining marks, digits, ``-`` and ``_`` kept; punctuation,
symbols, emoji and format characters (ZWNJ, ZWJ) dropped; each space becomes ``-``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests.a11y_helpers import checkers_missing
from tests.check_helpers import article, write_tree
from tests.test_check_images import check
from zine.load.markdown import parse_body
from zine.text.ids import FALLBACK_ID, HeadingIds, github_slug, slugify

SPEC = Path(__file__).parent / "spec"
SLUG_JS = Path(__file__).parents[1] / "tools" / "checkers" / "slug.mjs"


def heading_ids(markdown: str) -> list[str]:
    body = parse_body(markdown, language="en", path=Path("a.md"), first_line=1,
                      folder=Path("."))
    return [h.id for h in body.headings]


CASES = [
    # Devanagari: vowel signs and the virama are marks and stay in the word
    ("योगदान देने से पहले", "योगदान-देने-से-पहले"),
    ("हिन्दी में स्वागत", "हिन्दी-में-स्वागत"),
    # Bengali, with the hasanta (virama)
    ("অবদান রাখার আগে", "অবদান-রাখার-আগে"),
    ("বাংলা ভাষা", "বাংলা-ভাষা"),
    # Tamil, with the pulli
    ("பங்களிப்பதற்கு முன்", "பங்களிப்பதற்கு-முன்"),
    # Arabic with harakat and shadda: marks stay; the Arabic question mark goes
    ("تحقّق", "تحقّق"),
    ("تَحَقَّقْ مِنَ الْمَشْرُوعِ؟", "تَحَقَّقْ-مِنَ-الْمَشْرُوعِ"),
    # Persian: ZWNJ is a format character, which GitHub drops
    ("پروژه‌ای", "پروژهای"),
    ("پروژه‌های متن‌باز", "پروژههای-متنباز"),
    # Cyrillic (the fixture's own), and an em dash between two spaces
    ("Профили пользователей", "профили-пользователей"),
    ("Опенсорс — значит бесплатно?", "опенсорс--значит-бесплатно"),
    # CJK: full-width punctuation is punctuation
    ("Привет non-latin 你好", "привет-non-latin-你好"),
    ("开源指南：如何贡献", "开源指南如何贡献"),
    ("はじめに（概要）", "はじめに概要"),
    ("오픈 소스에 기여하는 방법", "오픈-소스에-기여하는-방법"),
    # apostrophes, straight and curly (smart quotes make the first one curly in the text)
    ("What does my company's legal team need to know?",
     "what-does-my-companys-legal-team-need-to-know"),
    ("apostrophe’s should be trimmed", "apostrophes-should-be-trimmed"),
    # digits, underscores, dashes as written
    ("Step 2: the_config -- done", "step-2-the_config----done"),
]


@pytest.mark.parametrize(("heading", "expected"), CASES)
def test_heading_ids_in_many_scripts(heading: str, expected: str) -> None:
    assert slugify(heading) == expected
    assert heading_ids(f"## {heading}\n") == [expected]


def github_slugger(single: list[str], sequences: list[list[str]]) -> dict[str, Any]:
    """What github-slugger makes of each text, and of each list of headings on one page."""
    missing = checkers_missing()
    assert not missing, missing
    with tempfile.TemporaryDirectory(prefix="zine-slug-") as folder:
        job = Path(folder) / "job.json"
        job.write_text(json.dumps({"single": single, "sequences": sequences}), "utf-8")
        done = subprocess.run(["node", str(SLUG_JS), str(job)], capture_output=True,
                              text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def spec_headings() -> list[str]:
    """The text of every ATX heading line in the CommonMark and GFM spec examples."""
    found = []
    for data in sorted(SPEC.glob("*.json")):
        for example in json.loads(data.read_text("utf-8")):
            for line in example["markdown"].splitlines():
                if match := re.match(r" {0,3}#{1,6}[ \t]+(.*)", line):
                    found.append(match.group(1))
    return found


def test_ids_equal_github_sluggers_for_every_code_point_and_heading() -> None:
    """github-slugger (the real one, in node) and ``github_slug`` agree on every Unicode code
    point between two letters, on the spec examples' headings and on this file's cases, and
    number the repeats of a page alike."""
    # Code points this Python's Unicode database does not know yet are left out: node's newer
    # ICU lowercases a few of them (U+A7CB) before the strip list, Unicode 13's, sees them.
    code_points = [f"a{chr(cp)}B" for cp in range(0x110000)
                   if unicodedata.category(chr(cp)) not in ("Cn", "Cs")]
    cases = [heading for heading, _ in CASES]
    texts = code_points + spec_headings() + cases
    sequences = [["Intro", "Intro", "Intro 1", "Intro-1", "Intro"], cases + cases,
                 ["a", "a-1", "a", "a-1-1", "a-1"]]
    judge = github_slugger(texts, sequences)
    differ = [(text, ours, theirs) for text, ours, theirs
              in zip(texts, map(github_slug, texts), judge["single"], strict=True)
              if ours != theirs]
    assert differ == [], differ[:20]
    for sequence, theirs in zip(sequences, judge["sequences"], strict=True):
        slugger = HeadingIds()
        assert [slugger.slug(text) for text in sequence] == theirs


def test_the_id_is_made_from_the_text_as_written_not_the_typography() -> None:
    """Smart quotes and dashes change the heading's text, not its id (GitHub has neither)."""
    body = parse_body('## "Quoted" -- and... (c)\n', language="en", path=Path("a.md"),
                      first_line=1, folder=Path("."))
    (heading,) = body.headings
    assert "“Quoted”" in heading.text and "–" in heading.text
    assert heading.id == "quoted----and-c"


def test_markup_is_not_part_of_the_id() -> None:
    assert heading_ids("## Using `zine` *now* with [links](https://x.org)\n") == [
        "using-zine-now-with-links"]
    assert heading_ids("## ![a logo](logo.png) Logo\n") == ["-logo"]


def test_emoji_and_punctuation_only_headings_get_a_stable_id() -> None:
    """GitHub gives them an empty id no link can reach; here they are ``section``, then
    ``section-1`` ..., and links to those ids work."""
    assert slugify("🎉🎉") == slugify("?!…") == FALLBACK_ID == "section"
    assert heading_ids("## 🎉\n\n## ?!\n\n## 🚀\n\n## 🚀 and 🎉\n") == [
        "section", "section-1", "section-2", "-and-"]
    assert heading_ids("## Section\n\n## 🎉\n") == ["section", "section-1"]


def test_repeats_get_numbers_as_on_github() -> None:
    assert heading_ids("## Intro\n\n## Intro\n\n## Intro 1\n\n## Intro-1\n\n## Intro\n") == [
        "intro", "intro-1", "intro-1-1", "intro-1-2", "intro-2"]


def test_links_written_for_github_pass_zine_check(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    body = ("See [legal](#what-does-my-companys-legal-team-need-to-know),\n"
            "[free](#опенсорс--значит-бесплатно), [hi](#योगदान-देने-से-पहले) and\n"
            "[fa](#پروژهای), [party](#section-1).\n\n## 🎉\n\n## 🎉🎉\n\n"
            "## What does my company's legal team need to know?\n\n"
            "## Опенсорс — значит бесплатно?\n\n## योगदान देने से पहले\n\n## پروژه‌ای\n")
    write_tree(tmp_path, {"issues/01-base/articles/guide.md": article(body=body)})
    assert check(tmp_path, monkeypatch) == []


def test_the_strip_list_is_made_from_the_installed_github_slugger() -> None:
    missing = checkers_missing()
    assert not missing, missing
    root = Path(__file__).parents[1]
    made = subprocess.run(
        [sys.executable, str(root / "tools" / "slugger_ranges.py"),
         str(root / "tools" / "checkers" / "node_modules" / "github-slugger" / "regex.js")],
        capture_output=True, text=True, check=True).stdout
    assert made == (root / "zine" / "data" / "github-slugger-strip.txt").read_text("utf-8")
