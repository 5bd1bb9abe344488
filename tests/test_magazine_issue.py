"""A magazine-sized issue that is not the sample: every edition through the real validators.

Fourteen generated articles by many authors (photos, diagrams, tables, code, footnotes, in en,
de, es, fr; from ``bench.corpus``) plus an Arabic and a Japanese article, built with the real
command. EPUBCheck must report nothing, the Nu checker no error, and the PDF must be A5 with
every printed contents number and outline entry on the article's first page.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from bench.corpus import generate_corpus
from tests.a11y_helpers import ace_failures, epub_claim_problems
from tests.conftest import require_tool
from tests.epub_helpers import epubcheck
from tests.html_helpers import vnu_errors
from tests.pdf_helpers import contents_numbers, opening_pages, outline_entries, page_texts
from tests.pdf_structure_helpers import pdf_structure_problems
from tests.pipeline_helpers import render_project

pytestmark = pytest.mark.slow

ARABIC = """---
title: "التعاونيات التقنية في المنطقة العربية"
authors:
  - name: "مجموعة التحرير"
language: ar
---

تعمل التعاونيات التقنية على بناء أماكن عمل يملكها العاملون فيها. يتقاسم الأعضاء القرار
والأرباح، ويختارون معًا المشاريع التي يقبلونها والعملاء الذين يرفضونها.[^1]

## كيف نبدأ

| الخطوة | المدة |
|---|---|
| اجتماع تأسيسي | أسبوع |
| النظام الداخلي | شهر |

[^1]: هذه ملاحظة في أسفل الصفحة.
"""

JAPANESE = """---
title: "技術系協同組合の始め方"
authors:
  - name: "編集委員会"
language: ja
---

技術系の協同組合は、働く人たちが自分たちで所有し、運営する会社です。意思決定は全員で行い、
利益も公平に分けます。[^1]

## 最初の一歩

```python
members = ["設計", "開発", "運用"]
print(len(members))
```

[^1]: 脚注の例です。
"""


@pytest.fixture(scope="module")
def magazine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    root = tmp_path_factory.mktemp("magazine") / "zine"
    stats = generate_corpus(root, articles=14, seed=7)
    issue_dir = root / "issues" / stats.issue_id
    for slug, text in (("zz-arabic", ARABIC), ("zz-japanese", JAPANESE)):
        (issue_dir / "articles" / f"{slug}.md").write_text(text, encoding="utf-8")
    issue_yaml = issue_dir / "issue.yaml"
    issue_yaml.write_text(issue_yaml.read_text(encoding="utf-8")
                          + '  - section: "Elsewhere"\n    articles: [zz-arabic, zz-japanese]\n',
                          encoding="utf-8")
    out = root / "out"
    done = subprocess.run([sys.executable, "-m", "zine", "build", "--out", str(out)], cwd=root,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return root, out, stats.issue_id


def test_the_magazine_checks_clean_in_strict_mode(magazine: tuple[Path, Path, str]) -> None:
    root, _, _ = magazine
    done = subprocess.run([sys.executable, "-m", "zine", "check", "--strict"], cwd=root,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_the_magazine_epub_passes_epubcheck(magazine: tuple[Path, Path, str]) -> None:
    require_tool("java")
    _, out, issue_id = magazine
    assert epubcheck(out / issue_id / f"{issue_id}.epub") == []


def test_the_magazine_epubs_pass_ace_by_daisy(magazine: tuple[Path, Path, str]) -> None:
    """The issue and a sample of its offprints (the RTL and CJK ones among them) in one Ace
    run: every article document is in the issue EPUB, so the rest add only wrapping."""
    _, out, issue_id = magazine
    offprints = sorted((out / issue_id / "offprints").glob("*.epub"))
    chosen = [p for p in offprints if p.stem.startswith("zz-")] + offprints[:1]
    books = [out / issue_id / f"{issue_id}.epub", *chosen]
    assert ace_failures(books) == []
    for book in [books[0], *offprints]:
        assert epub_claim_problems(book) == [], book


def test_the_magazine_pdf_reads_back_as_sound_pdf_ua_structure(
        magazine: tuple[Path, Path, str]) -> None:
    _, out, issue_id = magazine
    assert pdf_structure_problems(out / issue_id / f"{issue_id}.pdf") == []


def test_every_magazine_page_passes_the_nu_checker(magazine: tuple[Path, Path, str]) -> None:
    require_tool("java")
    _, out, issue_id = magazine
    pages = [*sorted((out / issue_id).glob("*.html")), out / "index.html"]
    assert len(pages) == 16 + 2
    assert vnu_errors(pages) == []


def test_the_magazine_pdf_contents_and_outline_land_on_each_first_page(
        magazine: tuple[Path, Path, str]) -> None:
    require_tool("pdftotext")
    root, out, issue_id = magazine
    pdf = out / issue_id / f"{issue_id}.pdf"
    reader = PdfReader(str(pdf))
    assert {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1))
            for p in reader.pages} == {(419.5, 595.3)}
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    [rendered] = render_project(root)
    texts = page_texts(pdf)
    printed = contents_numbers(rendered, texts)
    opened = opening_pages(rendered, texts)
    assert len(printed) == 16
    for title, page in printed.items():
        assert page in opened.get(title, []), f"{title}: contents says {page}"
    outline = {title: page for title, _, page in outline_entries(pdf)}
    for title, page in printed.items():
        assert outline.get(title) == page, f"{title}: outline {outline.get(title)} != {page}"
