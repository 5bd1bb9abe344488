"""Link previews on the real pipeline: every article and issue page has a canonical link, Open
Graph and Twitter card tags; every ``og:image`` is a 1200x630 PNG in the build, drawn by
WeasyPrint with the title shaped in its own script (the card's PDF text layer, read back with
pdftotext, holds the Latin, Arabic, Japanese and Devanagari titles)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html
from PIL import Image

from tests.html_helpers import write_multilang_project
from zine.cli import main
from zine.editions.html import og_locale
from zine.editions.html.cards import CardText, card_html, card_pdf, card_png, card_pngs

pytestmark = pytest.mark.slow
SITE = "https://zine.example.org/"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("previews")
    root = write_multilang_project(tmp / "repo")
    coops = root / "coops.yaml"
    coops.write_text(coops.read_text("utf-8").replace(
        '  description: "Decentralised tools."\n',
        '  description: "Decentralised tools."\n  fediverse: "@hypha@social.example"\n'),
        encoding="utf-8")
    out = tmp / "site"
    assert main(["--root", str(root), "build", "--format", "html", "--out", str(out),
                 "-q"]) == 0
    return out


def meta(doc: lxml_html.HtmlElement, prop: str) -> list[str]:
    return [m.get("content") for m in doc.xpath(f"//head/meta[@property='{prop}' or "
                                                f"@name='{prop}']")]


@pytest.mark.parametrize("page,title,locale", [
    ("02-multi/tools.html", "Owning our tools", "en_US"),
    ("02-multi/taawun.html", "التعاون التقني", "ar_EG"),
    ("02-multi/kyodo.html", "技術協同組合", "ja_JP"),
    ("02-multi/index.html", "Issue 2: Across borders", "en_US"),
])
def test_every_page_has_open_graph_tags_and_its_card(site: Path, page: str, title: str,
                                                     locale: str) -> None:
    doc = lxml_html.parse(str(site / page)).getroot()
    canonical = doc.xpath("//head/link[@rel='canonical']/@href")
    path = page.removesuffix("index.html")
    assert canonical == [SITE + path]
    assert meta(doc, "og:url") == [SITE + path]
    assert meta(doc, "og:type") == ["article"]
    assert meta(doc, "og:title") == [title]
    assert len(meta(doc, "og:description")) == 1 and meta(doc, "og:description")[0]
    assert meta(doc, "og:locale") == [locale]
    assert meta(doc, "article:published_time") == ["2020-06-15"]
    assert meta(doc, "twitter:card") == ["summary_large_image"]
    assert meta(doc, "og:image:width") == ["1200"] and meta(doc, "og:image:height") == ["630"]
    assert meta(doc, "og:image:alt")[0].startswith(title.split(": ")[-1])
    (image,) = meta(doc, "og:image")
    assert image.startswith(SITE)
    card = site / image.removeprefix(SITE)
    with Image.open(card) as png:
        assert (png.format, png.size) == ("PNG", (1200, 630))
        # not blank: the title's ink darkens part of the card
        assert png.convert("L").getextrema()[0] < 80


def test_a_coop_fediverse_handle_becomes_the_fediverse_creator(site: Path) -> None:
    for page, expected in (("kyodo", ["@hypha@social.example"]),
                           ("tools", ["@hypha@social.example"]), ("taawun", [])):
        doc = lxml_html.parse(str(site / "02-multi" / f"{page}.html")).getroot()
        assert meta(doc, "fediverse:creator") == expected, page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize("title,language,direction", [
    ("Owning our tools", "en", "ltr"),
    ("التعاون التقني", "ar", "rtl"),
    ("技術協同組合", "ja", "ltr"),
    ("तकनीकी सहकारी", "hi", "ltr"),
])
def test_the_card_text_layer_holds_the_shaped_title(tmp_path: Path, title: str, language: str,
                                                    direction: str) -> None:
    text = CardText(title, "Zine editorial collective", "Issue 2", "Tech-Coops Zine",
                    language, direction)
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(card_pdf(card_html(text)))
    layer = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    squeezed = "".join(layer.split())
    assert "".join(title.split()) in squeezed, layer
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    script_font = {"en": "Serif", "ar": "Arabic", "ja": "CJK", "hi": "Devanagari"}[language]
    assert script_font in fonts, fonts


@pytest.mark.parametrize("language,locale", [
    ("pt-BR", "pt_BR"), ("de", "de_DE"), ("fa", "fa_IR"), ("zh-Hant", "zh_TW"),
    ("sr-Latn", "sr_RS"), ("en-GB", "en_GB")])
def test_open_graph_locales_are_language_and_territory(language: str, locale: str) -> None:
    assert og_locale(language) == locale


def test_cards_are_reproducible() -> None:
    text = CardText("Owning our tools", "Zine editorial collective", "Issue 2",
                    "Tech-Coops Zine", "en", "ltr")
    assert card_png(text) == card_png(text)
    other = CardText("تحقّق من المشروع", "Zine editorial collective", "Issue 2",
                     "Tech-Coops Zine", "ar", "rtl")
    together = card_pngs([text, other])
    assert together[0] == card_png(text) and together[1] == card_png(other)
