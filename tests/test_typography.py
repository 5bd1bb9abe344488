"""Typography per language and script that every edition shares: quote marks per locale (full
tag first), Arabic one-letter prefixes before a quotation, smart typography in front matter."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.test_diagnostic_catalogue import ROOTS
from zine.loader import load_project
from zine.markdown import make_parser, quotes_for, smarten


@pytest.mark.parametrize(("tag", "expected"), [
    ("pt-BR", "“olá” e ‘oi’"),
    ("pt_BR", "“olá” e ‘oi’"),
    ("pt", "«olá» e “oi”"),
    ("pt-PT", "«olá» e “oi”"),
    ("zh-Hant-TW", "「olá」 e 『oi』"),
    ("de-CH", "«olá» e ‹oi›"),
    ("de-AT", "„olá“ e ‚oi‘"),
])
def test_quotes_follow_the_full_language_tag_first(tag: str, expected: str) -> None:
    assert make_parser(tag).render("\"olá\" e 'oi'").strip() == f"<p>{expected}</p>"


def test_an_unknown_tag_falls_back_to_english_marks() -> None:
    assert quotes_for("tlh-Latn") == "“”‘’"


@pytest.mark.parametrize(("source", "expected"), [
    ('قال و"نعم" ثم مضى', "قال و«نعم» ثم مضى"),      # "and" joined to the quotation
    ('عملنا ب"الحرية" كلها', "عملنا ب«الحرية» كلها"),  # "with"
    ('قال "مرحبا" ثم', "قال «مرحبا» ثم"),              # after a space, as before
])
def test_a_quote_after_an_arabic_prefix_letter_opens_a_quotation(source: str,
                                                                 expected: str) -> None:
    assert make_parser("ar").render(source).strip() == f"<p>{expected}</p>"


def test_a_quote_inside_a_latin_word_stays_as_markdown_it_leaves_it() -> None:
    assert make_parser("en").render('foo"bar"baz').strip() == "<p>foo&quot;bar&quot;baz</p>"


def test_smarten_gives_plain_text_the_body_typography_without_markdown() -> None:
    assert smarten('"Owning" our tools -- *really* <b>', "en") == \
        "“Owning” our tools – *really* <b>"
    assert smarten('"Cooperativas" no Brasil', "pt-BR") == "“Cooperativas” no Brasil"
    assert smarten('و"نعم"', "ar") == "و«نعم»"
    assert smarten("", "en") == ""


def test_front_matter_text_gets_the_article_language_quotes(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(ROOTS / "base", tree)
    (tree / "issues/01-base/articles/coop.md").write_text(
        '---\ntitle: "O \\"jeito\\" cooperativo"\nsubtitle: "Um relato -- de perto"\n'
        "summary: \"Como 'nós' trabalhamos...\"\nlanguage: pt-BR\n"
        "authors:\n  - name: \"Coletivo editorial do zine\"\n---\n\nTexto do artigo.\n",
        encoding="utf-8")
    zine, _diags = load_project(tree)
    [article] = [a for a in zine.issues[0].articles if a.slug == "coop"]
    assert article.title == "O “jeito” cooperativo"
    assert article.subtitle == "Um relato – de perto"
    assert article.summary == "Como ‘nós’ trabalhamos…"
