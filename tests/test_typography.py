"""Typography per language and script that every edition shares: quote marks per locale (full
tag first), Arabic one-letter prefixes before a quotation, smart typography in front matter."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.test_diagnostic_catalogue import ROOTS
from zine.load.loader import load_project
from zine.load.markdown import make_parser, quotes_for, smarten


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


# -- the same rules in a browser (the HTML edition), read as computed styles ---------------

STYLE_PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>probe</title></head><body>
<iframe id="a" src="{article}"></iframe><iframe id="k" src="{korean}"></iframe>
<iframe id="i" src="{index}"></iframe><pre id="result">pending</pre>
<script>
var left = 3, found = {{}};
function style(frame, selector, name) {{
  var doc = document.getElementById(frame).contentDocument, el = doc.querySelector(selector);
  return el ? getComputedStyle(el)[name] + "|" + (el.getAttribute("lang") || "") : "missing";
}}
function done() {{
  if (--left) return;
  found.center = style("a", "td.align-center", "textAlign");
  found.right = style("a", "td.align-right", "textAlign");
  found.left = style("a", "td.align-left", "textAlign");
  found.korean = style("k", ".article-body p", "wordBreak");
  found.label = style("i", ".toc-section[dir=rtl]", "letterSpacing");
  document.getElementById("result").textContent = "RESULT" + JSON.stringify(found) + "END";
}}
["a", "k", "i"].forEach(function (id) {{
  document.getElementById(id).addEventListener("load", done);
}});
</script></body></html>
"""


@pytest.mark.slow
def test_the_site_honours_column_alignment_korean_words_and_arabic_labels(
        tmp_path: Path) -> None:
    import json

    from tests.html_helpers import chromium, serve_folder
    from tests.pipeline_helpers import render_project
    from tests.test_html_browser import require_chromium
    from tests.test_pdf_print import write_tree
    from zine.editions.html import render, render_site

    require_chromium()
    [rendered] = render_project(write_tree(tmp_path / "tree"))
    out = tmp_path / "site"
    render(rendered, out)
    render_site(rendered.zine, [rendered], out)
    (out / "probe.html").write_text(STYLE_PROBE.format(
        article="01-print/wide.html", korean="01-print/hangul.html",
        index="01-print/index.html"), encoding="utf-8")
    with serve_folder(out) as base:
        dom = chromium(["--dump-dom", f"{base}probe.html"], width=1200)
    match = re.search(r"RESULT(.*?)END", dom, re.S)
    assert match, dom[:300]
    found = json.loads(match.group(1).replace("&quot;", '"'))
    assert found["center"].startswith("center|") and found["right"].startswith("right|")
    assert found["left"].startswith("left|")
    assert found["korean"].startswith("keep-all|")
    assert found["label"] in ("normal|ar", "0px|ar"), found


@pytest.mark.slow
def test_the_epub_gives_labels_their_own_language_and_isolates_licences(tmp_path: Path) -> None:
    import zipfile

    from tests.epub_helpers import epubcheck
    from tests.pipeline_helpers import render_project
    from tests.test_pdf_print import write_tree
    from zine.editions import epub

    [rendered] = render_project(write_tree(tmp_path / "tree"))
    [book, *_] = epub.render(rendered, tmp_path / "out")
    assert epubcheck(book) == []
    with zipfile.ZipFile(book) as archive:
        docs = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith("html")}
    arabic = next(text for text in docs.values() if "نحن تعاونية" in text)
    assert '<p class="kicker" lang="ar" xml:lang="ar" dir="rtl">من المنطقة العربية</p>' in arabic
    assert '<bdi dir="ltr">' in arabic  # the licence id in the right-to-left footer
    # a URL in right-to-left words keeps its own order (EPUB CSS may not use unicode-bidi)
    assert re.search(r'<a href="https://coops.example.org/ar/report/"[^>]* dir="ltr"', arabic)
