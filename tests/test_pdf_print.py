"""The print PDF of real text that broke it: wide tables, a long URL, emoji, Korean, an Arabic
article with its footer, an Arabic section label, and an issue where no article names a coop.

Read back with pdftotext, pdffonts and pypdf: every column's text is on the page, pages are A5,
URLs break without hyphens, emoji are drawn by an embedded emoji font, Korean lines break at
spaces, the URL in an Arabic line keeps its trailing slash, and there is no empty directory.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.conftest import require_tool
from tests.pdf_helpers import page_texts, pdffonts, squash, words_outside
from tests.pipeline_helpers import render_project
from zine.editions import pdf
from zine.model.rendered import RenderedIssue

pytestmark = pytest.mark.slow

A5 = (419.53, 595.28)  # points
URL = "https://coops.example.org/campaigns/2026/spring-drive?utm_source=newsletter&utm_medium=email"
KOREAN = ("기술 협동조합은 일하는 사람들이 함께 소유하고 민주적으로 운영하는 회사입니다. "
          "우리는 매주 모여서 어떤 고객과 일할지, 수익을 어떻게 나눌지 함께 결정합니다. "
          "처음에는 세 명이 시작했지만 지금은 열두 명의 조합원이 있습니다.")
ARABIC = ("نحن تعاونية تقنية صغيرة يملكها العاملون فيها، ونقرر معا كيف نعمل ومع من نعمل، "
          "ونتقاسم ما نكسبه بعدل بيننا.")
COLUMNS_12 = ["Coop", "Country", "Founded", "Members", "Women", "Clients", "Revenue",
              "Surplus", "Wages", "Languages", "Licence", "Website"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
COLUMNS_25 = ["Hours"] + [f"{m}{y}" for y in ("24", "25") for m in MONTHS]


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


TABLE_12 = _table(COLUMNS_12, [
    ["IT-Kollektiv", "Germany", "2012", "14", "6", "38", "910k", "41k", "1:1.3", "de, en",
     "AGPL", "it-kollektiv.example"],
    ["Hypha", "Canada", "2014", "9", "5", "22", "640k", "12k", "1:1.0", "en, fr", "MIT",
     "hypha.example"],
])
TABLE_25 = _table(COLUMNS_25, [
    ["Hosting"] + [str(40 + i) for i in range(24)],
    ["Training"] + [str(10 + i % 7) for i in range(24)],
])

FILES = {
    "zine.yaml": """\
        title: "Test Zine"
        publisher: "Test collective"
        url: https://zine.test/
        language: en
        license: CC-BY-SA-4.0
        """,
    "coops.yaml": """\
        it-kollektiv:
          name: "IT-Kollektiv"
          country: DE
          url: https://it-kollektiv.test/
          description: "A collective."
        """,
    "issues/01-print/issue.yaml": """\
        number: 1
        title: "Print"
        date: 2026-12-01
        language: en
        license: CC-BY-SA-4.0
        contents:
          - section: "Numbers"
            articles: [wide, hangul]
          - section: "من المنطقة العربية"
            articles: [taawun]
        """,
    "issues/01-print/articles/hangul.md": f"""\
        ---
        title: "협동조합의 하루"
        language: ko
        authors:
          - name: "Zine editorial collective"
        ---

        {KOREAN} {KOREAN}
        """,
    "issues/01-print/articles/taawun.md": f"""\
        ---
        title: "عن عملنا"
        language: ar
        authors:
          - name: "Zine editorial collective"
        ---

        {ARABIC} {ARABIC}

        تجدون تقريرنا السنوي على <https://coops.example.org/ar/report/> منذ هذا الأسبوع.
        """,
}


WIDE = f"""---
title: "Our numbers"
authors:
  - name: "Zine editorial collective"
---

Two tables from the members' survey. We celebrated 🎉 and shipped 🚀 on time.

{TABLE_12}

The hours we spent, month by month:

{TABLE_25}

The survey form was linked from <{URL}>, which our newsletter sent to every member.

| Task | Hours | Share |
|:-----|:-----:|------:|
| Hosting | 1,200 | 61 % |
| Training | 310 | 16 % |
"""


def write_tree(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    (root / "issues/01-print/articles/wide.md").write_text(WIDE, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderedIssue:
    [result] = render_project(write_tree(tmp_path_factory.mktemp("tree")))
    return result


@pytest.fixture(scope="module")
def written(rendered: RenderedIssue, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    require_tool("pdftotext")
    return pdf.render(rendered, tmp_path_factory.mktemp("out"))


@pytest.fixture(scope="module")
def built(written: list[Path]) -> Path:
    return written[0]


@pytest.fixture(scope="module")
def texts(built: Path) -> list[str]:
    return page_texts(built)


def cell_words(pdf_path: Path) -> list[str]:
    """Every word of the PDF, a word hyphenated across two lines of a narrow table cell
    ("Reven-" above "ue", at the same x) joined back (pdftotext -bbox)."""
    import subprocess

    out = subprocess.run(["pdftotext", "-bbox", str(pdf_path), "-"], check=True,
                         capture_output=True, text=True).stdout
    joined = []
    for page in out.split("<page ")[1:]:
        words = [(float(x), float(y), text) for x, y, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)]
        for x, y, text in words:
            if text.endswith(("\u2010", "-")):
                below = [w for w in words if abs(w[0] - x) < 2 and 0 < w[1] - y < 12]
                if below:
                    text = text[:-1] + min(below, key=lambda w: w[1])[2]
            joined.append(text)
    return joined


def test_every_page_is_a5(built: Path) -> None:
    from pypdf import PdfReader

    for page in PdfReader(built).pages:
        box = page.mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == \
            (round(A5[0], 1), round(A5[1], 1))


@pytest.mark.parametrize("columns", [COLUMNS_12, COLUMNS_25], ids=["12", "25"])
def test_wide_tables_keep_every_column_on_the_page(built: Path, texts: list[str],
                                                   columns: list[str]) -> None:
    everything = squash("".join(texts)) + "".join(cell_words(built))
    missing = [name for name in columns if squash(name) not in everything]
    assert missing == []
    assert squash("it-kollektiv.example") in everything  # the last column's cells too
    assert words_outside(built, 0, A5[0]) == []


def test_the_laid_out_tables_are_inside_the_type_area(written: list[Path]) -> None:
    """The layout check (Z508) finds every table of the fixture within its page, the turned
    one included (its height across the page)."""
    assert [d.format() for d in getattr(written, "warnings", [])] == []


def test_tables_that_fit_in_print_get_no_warning(tmp_path: Path) -> None:
    from zine.load.loader import load_project

    _zine, diags = load_project(write_tree(tmp_path / "tree"))
    assert [d.format() for d in diags if d.code == "Z507"] == []


def test_a_long_url_breaks_without_hyphens(texts: list[str]) -> None:
    page = next(t for t in texts if "utm" in t)
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if "coops.example.org" in line)
    joined = ""
    for line in lines[start:start + 6]:
        joined += line
        assert not line.endswith(("\u2010", "-")), line  # no hyphen added at a break
        if "email" in line:
            break
    assert URL in joined.replace(" ", ""), joined


def test_emoji_are_drawn_with_an_embedded_emoji_font(built: Path, texts: list[str]) -> None:
    require_tool("pdffonts")
    assert any("Emoji" in row["name"] and row["emb"] == "yes" for row in pdffonts(built))
    assert "🎉" in "".join(texts) and "🚀" in "".join(texts)


def test_korean_lines_break_between_words_only(texts: list[str]) -> None:
    words = set(KOREAN.split())
    lines = [line.strip() for text in texts if "협동조합은" in text
             for line in text.splitlines() if re.search("[\uac00-\ud7a3]{2}", line)]
    body = [line for line in lines if any(w in line for w in ("우리는", "처음에는", "기술"))]
    assert body
    # the joiners that keep words whole (titles too) never reach the extracted text
    assert "\u2060" not in "".join(texts) and "협동조합의 하루" in "".join(texts)
    for line in body:
        broken = [w for w in line.split() if w not in words]
        assert broken == [], line


def test_the_url_in_an_arabic_footer_keeps_its_slash_at_the_end(texts: list[str]) -> None:
    page = next(t for t in texts if "نحن تعاونية" in t)
    footer = [line for line in page.splitlines() if "zine.test" in line]
    assert footer and all("https://zine.test/" in line for line in footer), footer
    assert not any("/https://zine.test" in line for line in footer)
    body = [line for line in page.splitlines() if "coops.example.org" in line]
    assert body and "https://coops.example.org/ar/report/" in body[0], body


def test_no_empty_coop_directory_when_no_article_names_a_coop(built: Path,
                                                            texts: list[str]) -> None:
    from pypdf import PdfReader

    assert not any("cooperatives in this issue" in t.lower() for t in texts)
    titles = [item.title for item in PdfReader(built).outline if not isinstance(item, list)]
    assert not any("cooperatives" in t.lower() for t in titles)
    assert any("colophon" in t.lower() for t in titles)


def test_a_section_label_gets_the_language_and_direction_of_its_text(
        rendered: RenderedIssue) -> None:
    from zine.editions.pdf.parts import plan_parts

    plan = plan_parts(rendered)
    [arabic] = [p for p in plan.articles if p.name == "taawun"]
    assert re.search(r'<p class="section-kicker" lang="ar" dir="rtl">من المنطقة', arabic.html)
    [wide] = [p for p in plan.articles if p.name == "wide"]
    assert '<p class="section-kicker" lang="en" dir="ltr">Numbers' in wide.html


HASHES = ["3f8a9c0d2e4b6a8c1e3f5a7b9c0d2e4f", "9b1d3f5a7c9e1b3d5f7a9c1e3b5d7f9a"]


def test_a_table_that_still_runs_off_the_page_is_a_warning_not_silence(tmp_path: Path) -> None:
    """Commit hashes do not break: eight columns of them cannot fit, and Z508 says so, also
    when the part comes from the cache on the next build."""
    root = write_tree(tmp_path / "tree")
    (root / "issues/01-print/articles/wide.md").write_text(
        '---\ntitle: "Releases"\nauthors:\n  - name: "Zine editorial collective"\n---\n\n'
        "The commits each coop deployed last month:\n\n"
        + _table([f"Coop{n}" for n in range(1, 9)], [[HASHES[n % 2] for n in range(8)]] * 2)
        + "\n", encoding="utf-8")
    [rendered] = render_project(root)
    for _round in range(2):
        written = pdf.render(rendered, tmp_path / "out", use_cache=True)
        lines = [d.format(cwd=root) for d in getattr(written, "warnings", [])]
        assert len(lines) == 1 and lines[0].startswith(
            "issues/01-print/articles/wide.md:6:1: warning: a table on page 1 of this article "
            "is "), lines
        assert lines[0].endswith("cut off in the PDF: shorten what cannot break in its cells "
                                 "(long code, URLs, images) or give it fewer columns [Z508]")
