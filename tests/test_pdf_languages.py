"""The print PDF of a small fixture tree through the real pipeline: English with a figure,
table, code and footnotes; Arabic (right to left) with a footnote; Japanese; two sections.

Checks what the sample issue (Latin scripts only) cannot: system Noto fallbacks for Arabic and
Japanese are embedded, their text survives, footnotes stay on their page in RTL text, and the
layout logs no WeasyPrint warning at all (so the stylesheet stays clean).
"""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import require_tool
from tests.pdf_helpers import (
    contents_numbers,
    footnote_pairs,
    outline_entries,
    page_texts,
    pdffonts,
    squash,
    words_outside,
)
from tests.pdf_structure_helpers import pdf_languages, pdf_structure_problems, pdfua_findings
from tests.pipeline_helpers import render_project
from zine.editions import pdf
from zine.editions.pdf import typeset
from zine.model.rendered import RenderedIssue

pytestmark = pytest.mark.slow

PARAGRAPH = ("Cooperatives pool their work and share what it earns; the members decide "
             "together how the business is run, which clients it takes and which it refuses, "
             "and how the surplus is distributed among themselves and their communities.")
ARABIC = ("التعاونيات التقنية تجمع العمال الذين يملكون شركتهم ويديرونها معا، ويقررون بشكل "
          "ديمقراطي كيف يعملون ومع من يعملون.")
JAPANESE = ("技術協同組合は、働く人たちが自分たちの会社を共同で所有し、民主的に運営する組織です。"
            "顧客の選び方や仕事の進め方を皆で決めます。")

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
    "issues/01-langs/issue.yaml": """\
        number: 1
        title: "Many languages"
        date: 2020-05-01
        language: en
        license: CC-BY-SA-4.0
        contents:
          - section: "Practice"
            articles: [practice]
          - section: "Across borders"
            articles: [taawun, kyodo]
        """,
    "issues/01-langs/articles/practice/index.md": f"""\
        ---
        title: "Running a coop in practice"
        authors:
          - name: "Jo Example"
            coop: it-kollektiv
        ---

        {PARAGRAPH} It started at a congress.[^1]

        ![Members around a table](table.png "The weekly meeting")

        | Task | Who | How often |
        |------|-----|-----------|
        | Bookkeeping | rotating member | weekly |
        | Hosting | two admins | every day |

        ```python
        def share(surplus, members):  # a long line that must wrap on an A5 page, not run off it
            return {{m: surplus / len(members) for m in members}}
        ```

        {PARAGRAPH} {PARAGRAPH} A second note.[^2]

        [^1]: The 35th Chaos Communication Congress.
        [^2]: Counted by hand.
        """,
    "issues/01-langs/articles/taawun.md": f"""\
        ---
        title: "التعاون بين التعاونيات"
        language: ar
        authors:
          - name: "سارة"
        ---

        {ARABIC} {ARABIC}[^1]

        ## لماذا التعاون

        {ARABIC} {ARABIC} {ARABIC}

        [^1]: ملاحظة عن التعاونيات.
        """,
    "issues/01-langs/articles/kyodo.md": f"""\
        ---
        title: "日本の技術協同組合"
        language: ja
        authors:
          - name: "山田花子"
        ---

        {JAPANESE}{JAPANESE}

        ## はじめに

        {JAPANESE}{JAPANESE}{JAPANESE}
        """,
}


def write_tree(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    Image.new("RGB", (600, 400), (184, 54, 42)).save(
        root / "issues/01-langs/articles/practice/table.png")
    return root


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> RenderedIssue:
    [result] = render_project(write_tree(tmp_path_factory.mktemp("tree")))
    return result


@pytest.fixture(scope="module")
def built(rendered: RenderedIssue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    require_tool("pdftotext")
    return pdf.render(rendered, tmp_path_factory.mktemp("out"))[0]


@pytest.fixture(scope="module")
def texts(built: Path) -> list[str]:
    return page_texts(built)


def test_arabic_and_japanese_fall_back_to_embedded_noto_fonts(built: Path) -> None:
    require_tool("pdffonts")
    rows = pdffonts(built)
    assert all(row["emb"] == "yes" for row in rows), rows
    names = " ".join(row["name"] for row in rows)
    assert "Arabic" in names
    assert "CJK" in names
    assert "Zine-Serif" in names  # the zine's own faces from styles/fonts


def test_every_language_keeps_its_text(texts: list[str]) -> None:
    everything = squash("".join(texts))
    assert squash("يملكون شركتهم ويديرونها") in everything
    assert squash("技術協同組合は") in everything
    assert squash("def share(surplus, members):") in everything
    assert squash("The weekly meeting") in everything


def test_contents_and_outline_agree_with_the_pages(rendered: RenderedIssue, built: Path,
                                                   texts: list[str]) -> None:
    numbers = contents_numbers(rendered, texts)
    entries = outline_entries(built)
    for article in rendered.issue.published:
        assert [p for t, _, p in entries if t == article.title] == [numbers[article.title]]
        assert squash(article.title) in squash(texts[numbers[article.title] - 1])


def test_footnotes_stay_on_their_page_in_both_directions(rendered: RenderedIssue,
                                                         texts: list[str]) -> None:
    pairs = footnote_pairs(rendered)
    assert len(pairs) == 3
    pages = [squash(t) for t in texts]
    for before, note in pairs:
        assert any(before[-6:] in page and note[:10] in page for page in pages), (before, note)


def test_english_text_is_hyphenated(texts: list[str], rendered: RenderedIssue) -> None:
    start = contents_numbers(rendered, texts)["Running a coop in practice"]
    lines = [line for text in texts[start - 1:start + 1] for line in text.splitlines()]
    assert any(line.rstrip().endswith("\u2010") for line in lines)


def test_the_layout_logs_no_warning(rendered: RenderedIssue) -> None:
    with typeset.capture_weasyprint_log() as collector:
        logging.getLogger("weasyprint").warning("probe")  # the capture itself works
    assert [r.getMessage() for r in collector.records] == ["probe"]
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    keep = Keep(logging.WARNING)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(keep)
    try:
        pdf.make_issue_pdf(rendered)
    finally:
        logger.removeHandler(keep)
    assert records == []


def test_code_and_tables_stay_inside_the_type_area(built: Path) -> None:
    # A5 is 419.5 pt wide; the inner and outer margins are 14 and 17 mm (40 and 48 pt).
    assert words_outside(built, left=38, right=419.53 - 38) == []


def test_structure_reads_back_sound_in_every_script(built: Path) -> None:
    """Right to left and CJK parts too: the merged tree has no PDF/UA problem we check."""
    assert pdf_structure_problems(built) == []
    findings, skipped = pdfua_findings(built)
    assert findings == [] and skipped <= {"UA-14-001"}


def test_text_in_another_language_is_tagged_with_it(built: Path) -> None:
    """Articles, their footnotes, their contents entries carry /Lang; an article's section
    kicker is in the issue's language, and says so inside the Arabic article."""
    tagged = pdf_languages(built)
    for language in ("ar", "ja"):
        assert ("/Art", language) in tagged
        assert ("/LI", language) in tagged
    assert ("/Note", "ar") in tagged
    assert ("/P", "en") in tagged  # the kicker "Across borders" above the Arabic title
