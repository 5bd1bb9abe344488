"""``zine stats``: words, reading time, and articles per coop, country and language.

A tiny tree with numbers worked out by hand, the word-counting rule per script (spaces, or
two Han/Kana characters a word), and the sample issue against an independent count.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from tests.check_helpers import write_tree
from zine.cli import main
from zine.commands.stats import format_text, issue_stats
from zine.load.loader import load_project
from zine.text.words import count_words, reading_minutes

REPO = Path(__file__).resolve().parents[1]
SAMPLE = "01-no-masters-no-slaves"
COOPS = ('it-kollektiv:\n  name: "IT-Kollektiv"\n  country: DE\n'
         'cotech:\n  name: "CoTech"\n  country: GB\n'
         'outlandish:\n  name: "Outlandish"\n  country: gb\n')
ARTICLES = "issues/01-base/articles"


def front(authors: str, extra: str = "") -> str:
    return f'---\ntitle: "T"\nauthors: {authors}\n{extra}---\n\n'


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Published: a (en, 300 words), b (ja, 201 words), d (fr, 6 words); c is a draft."""
    words = " ".join(["w"] * 294)
    return write_tree(tmp_path, {
        "coops.yaml": COOPS,
        # 2 (heading) + 1 (**bo**ld) + 3 (link text; the URL is not read) + 294
        f"{ARTICLES}/a.md": front("[{name: Jo, coop: it-kollektiv}, "
                                  "{name: Ann, coop: it-kollektiv}]")
        + f"## Two words\n\n**bo**ld [three more words](https://example.org/a/b) {words}\n",
        # 400 kana: 200 words, plus one Latin word; 。 is punctuation
        f"{ARTICLES}/b.md": front("[{name: A, coop: cotech}, {name: B, coop: outlandish}, "
                                  "{name: C, coop: it-kollektiv}]", "language: ja\n")
        + "あ" * 200 + " Zine " + "あ" * 199 + "\nあ。\n",
        f"{ARTICLES}/c.md": front("[{name: Jo, coop: cotech}]", "draft: true\n")
        + " ".join(["draft"] * 1000) + "\n",
        # Voir, une, photo (the image's description), et, x, 1; '=' and the code block are not
        f"{ARTICLES}/d.md": front("[{name: Anonyme}]", "language: fr\n")
        + "Voir ![une photo](p.png) et `x = 1`.\n\n```\nnot counted at all\n```\n",
    })


def test_words_are_counted_by_spaces_or_by_two_han_or_kana_characters() -> None:
    assert count_words("Hello, world — 42!") == (3, 0)
    assert count_words("co-operative don't") == (2, 0)
    assert count_words("日本語のテキスト。") == (0, 8)
    assert count_words("漢字とカタカナ and English") == (2, 7)
    assert count_words("안녕하세요 세계") == (2, 0)  # Korean is written with spaces
    assert count_words("مرحبا بالعالم") == (2, 0)


def test_reading_time_is_whole_minutes_at_200_words_a_minute() -> None:
    assert [reading_minutes(n) for n in (0, 1, 200, 201, 1000)] == [0, 1, 1, 2, 5]


def test_a_tiny_issue_gives_the_numbers_worked_out_by_hand(tree: Path) -> None:
    zine, _ = load_project(tree)
    stats = issue_stats(zine, zine.issues[0])
    assert [(a.slug, a.language, a.words, a.minutes) for a in stats.articles] == [
        ("a", "en", 300, 2), ("b", "ja", 201, 2), ("d", "fr", 6, 1)]
    assert (stats.words, stats.minutes, stats.drafts) == (507, 3, 1)
    # an article counts once per coop and once per country, however many sign it
    assert list(stats.coops.items()) == [("it-kollektiv", 2), ("(no coop)", 1),
                                         ("cotech", 1), ("outlandish", 1)]
    assert list(stats.countries.items()) == [("DE", 2), ("(unknown)", 1), ("GB", 1)]
    assert list(stats.languages.items()) == [("en", 1), ("fr", 1), ("ja", 1)]


def test_text_output_names_the_rule_and_the_counts(tree: Path) -> None:
    zine, _ = load_project(tree)
    assert format_text([issue_stats(zine, zine.issues[0])]).splitlines() == [
        "01-base: No. 1 “Base” (2020-01-01)",
        "  articles      3 (and 1 draft)",
        "  words         507",
        "  reading time  3 min (at 200 words a minute; Chinese and Japanese: 2 characters "
        "a word)",
        "  coops         it-kollektiv 2, (no coop) 1, cotech 1, outlandish 1",
        "  countries     DE 2, (unknown) 1, GB 1",
        "  languages     en 1, fr 1, ja 1",
    ]


def test_stats_json_on_the_command_line(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tree), "stats", "--format", "json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["words_per_minute"] == 200
    (issue,) = data["issues"]
    assert {k: issue[k] for k in ("id", "number", "date", "articles", "drafts", "words",
                                  "reading_minutes")} == {
        "id": "01-base", "number": 1, "date": "2020-01-01", "articles": 3, "drafts": 1,
        "words": 507, "reading_minutes": 3}
    assert issue["countries"] == {"DE": 2, "(unknown)": 1, "GB": 1}
    assert [a["words"] for a in issue["per_article"]] == [300, 201, 6]
    assert captured.err == ""


def test_stats_output_is_the_same_every_time(tree: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for _ in range(2):
        assert main(["--root", str(tree), "stats", "--format", "json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_an_unknown_issue_is_a_usage_error_with_a_hint(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(tree), "stats", "01-bse"]) == 2
    assert capsys.readouterr().err == ("zine: error: unknown issue '01-bse' (did you mean "
                                       "'01-base'?); issues: 01-base\n")


def test_broken_content_is_still_counted_with_a_warning(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / ARTICLES / "e.md").write_text("no front matter\n", "utf-8")
    assert main(["--root", str(tree), "stats"]) == 0
    captured = capsys.readouterr()
    assert "  articles      4 (and 1 draft)" in captured.out.splitlines()
    assert captured.err.startswith("zine: warning: the content has 1 error(s)")


def independent_words(markdown: str) -> int:
    """Words of the body rendered by plain markdown-it, code blocks left out."""
    md = MarkdownIt("commonmark").enable("table")
    page = lxml_html.fromstring(f"<div>{md.render(markdown)}</div>")
    for pre in page.findall(".//pre"):
        pre.drop_tree()
    text = page.text_content() + " ".join(img.get("alt", "") for img in page.iter("img"))
    return sum(1 for word in text.split() if re.search(r"[^\W_]", word))


def test_the_sample_issue_agrees_with_its_files_and_an_independent_count(
        capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted((REPO / "issues" / SAMPLE / "articles").glob("*.md")) + sorted(
        (REPO / "issues" / SAMPLE / "articles").glob("*/index.md"))
    published: dict[str, tuple[str, str]] = {}
    for path in files:
        _, head, body = path.read_text("utf-8").split("---\n", 2)
        meta = yaml.safe_load(head)
        if not meta.get("draft"):
            published[path.stem if path.stem != "index" else path.parent.name] = (
                meta.get("language", "en"), body)
    assert main(["--root", str(REPO), "stats", SAMPLE, "--format", "json"]) == 0
    (issue,) = json.loads(capsys.readouterr().out)["issues"]
    assert issue["articles"] == len(published)
    assert issue["drafts"] == len(files) - len(published)
    languages: dict[str, int] = {}
    for language, _ in published.values():
        languages[language] = languages.get(language, 0) + 1
    assert issue["languages"] == languages
    for entry in issue["per_article"]:
        expected = independent_words(published[entry["slug"]][1])
        assert abs(entry["words"] - expected) <= max(3, expected * 0.03), entry
    assert issue["reading_minutes"] == -(-issue["words"] // 200)
