"""Test helpers for the PDF edition: a hand-made ``RenderedIssue`` and PDF readers.

The hand-made issue covers what the sample issue may not: an RTL Arabic article, a Japanese
article, a figure with caption, a wide table, a long code line, footnotes, sections, and two
articles that use the same heading id. Readers use pypdf and poppler (pdftotext, pdffonts).
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import date
from pathlib import Path

import lxml.html
from PIL import Image
from pypdf import PdfReader

from zine.model import Article, Author, Body, Coop, Issue, Located, Position, Section, Zine
from zine.model.rendered import Fragment, MediaItem, RenderedIssue

FIXTURE = Path("/virtual/zine")  # never read: every byte comes from the objects below


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _media(name: str, data: bytes, width: int, height: int) -> MediaItem:
    return MediaItem(name, "image/png", data, width, height)


def _note(slug: str, n: int, text: str) -> str:
    return (f'<aside id="fn-{slug}-{n}" class="footnote" role="doc-footnote">'
            f'<span class="footnote-number">{n}</span>\n'
            f'<p>{text} <a href="#fnref-{slug}-{n}" class="footnote-back" role="doc-backlink" '
            f'aria-label="Back to reference {n}">↩</a></p>\n</aside>')


def _call(slug: str, n: int) -> str:
    return (f'<sup class="footnote-ref"><a href="#fn-{slug}-{n}" id="fnref-{slug}-{n}" '
            f'role="doc-noteref">{n}</a></sup>')


LOREM = ("Cooperatives pool their work and share what it earns; members decide together how "
         "the business is run, which clients it takes and what it refuses. ")


def english_body(slug: str) -> str:
    paragraphs = "".join(f"<p>{LOREM * 3}</p>" for _ in range(4))
    return (
        f'<h2 id="{slug}--introduction">Introduction</h2><p>Where this started{_call(slug, 1)}. '
        f"{LOREM}</p>{paragraphs}"
        '<figure><img src="media/aaaa1111.png" alt="A meeting in a circle" width="800" '
        'height="500"/><figcaption>The assembly at 35c3</figcaption></figure>'
        f"<p>After the figure, a second note{_call(slug, 2)} and a "
        f'<a href="#{slug}--introduction">link back</a>.</p>'
        "<table><thead><tr><th>Coop</th><th>Country</th><th>Members</th><th>Founded</th>"
        "<th>Description of the work they do</th></tr></thead><tbody>"
        + "".join(f"<tr><td>Coop {i}</td><td>DE</td><td>{i * 3}</td><td>20{i:02d}</td>"
                  f"<td>Web development, hosting and training for community groups</td></tr>"
                  for i in range(1, 8))
        + "</tbody></table>"
        '<pre><code class="language-python">def pool(work):  # a very long line that would '
        'run off an A5 page if it did not wrap = "x" * 200; return sum(w.hours for w in work)'
        "</code></pre>"
        + paragraphs
        + '<section class="footnotes" role="doc-endnotes">'
        + _note(slug, 1, "First met at the 34c3, in 2017.")
        + _note(slug, 2, "Counted by hand at the door.")
        + "</section>"
    )


ARABIC = ("التعاونيات التقنية تجمع العمال الذين يملكون شركتهم ويديرونها معا، ويقررون بشكل "
          "ديمقراطي كيف يعملون ومع من. ")
JAPANESE = ("技術協同組合は、働く人たちが自分たちの会社を共同で所有し、民主的に運営する組織です。"
            "顧客の選び方や仕事の進め方を皆で決めます。")


def arabic_body(slug: str) -> str:
    return (f'<h2 id="introduction">مقدمة</h2><p>{ARABIC * 4}{_call(slug, 1)}</p>'
            f"<p>{ARABIC * 5}</p>"
            '<section class="footnotes" role="doc-endnotes">'
            + _note(slug, 1, "ملاحظة عن التعاونيات.") + "</section>")


def japanese_body(slug: str) -> str:
    return f'<h2 id="hajimeni">はじめに</h2><p>{JAPANESE * 6}</p><p>{JAPANESE * 5}</p>'


def _article(slug: str, title: str, language: str, authors: tuple[Author, ...],
             license_id: str = "CC-BY-SA-4.0") -> Article:
    path = FIXTURE / "issues/01-test/articles" / f"{slug}.md"
    return Article(
        slug=slug, path=path, folder=path.parent, title=title, subtitle="", authors=authors,
        language=language, license=license_id, summary="", tags=("test",), draft=False,
        source="", body_line=8, body=Body(tokens=()), where=Located(Position(path, 1, 1)))


def _author(name: str, coop: str | None) -> Author:
    return Author(name, coop, Located(Position(FIXTURE / "x.md")))


def make_rendered_issue() -> RenderedIssue:
    """Four articles in two sections plus a loose one; en, ar (RTL), ja."""
    coops = {
        "it-kollektiv": Coop("it-kollektiv", "IT-Kollektiv", "DE", "https://it-kollektiv.com",
                             "A tech worker cooperative from Germany.",
                             Located(Position(FIXTURE / "coops.yaml"))),
        "cotech": Coop("cotech", "CoTech", "GB", "https://coops.tech",
                       "A network of UK tech cooperatives.",
                       Located(Position(FIXTURE / "coops.yaml"))),
    }
    arts = {
        "editorial": _article("editorial", "Why a zine", "en",
                              (_author("Zine collective", None),)),
        "report": _article("report", "Tech-coops at 35c3", "en",
                           (_author("Jo Example", "it-kollektiv"),), "CC-BY-4.0"),
        "arabic": _article("arabic", "التعاونيات التقنية في العالم العربي", "ar",
                           (_author("سارة", "cotech"),)),
        "japanese": _article("japanese", "日本の技術協同組合", "ja",
                             (_author("山田花子", "cotech"),)),
    }
    bodies = {"editorial": english_body("editorial"), "report": english_body("report"),
              "arabic": arabic_body("arabic"), "japanese": japanese_body("japanese")}
    issue_path = FIXTURE / "issues/01-test"
    order = ("editorial", "report", "arabic", "japanese")
    issue = Issue(
        id="01-test", path=issue_path, number=1, title="No masters, no slaves",
        date=date(2019, 3, 1), language="en", description="A test issue.",
        editors=(_author("Zine collective", None),), license="CC-BY-SA-4.0", cover=None,
        articles=tuple(arts[s] for s in order),
        sections=(Section(None, (arts["editorial"],)),
                  Section("Reports", (arts["report"],)),
                  Section("Across borders", (arts["arabic"], arts["japanese"]))),
        where=Located(Position(issue_path / "issue.yaml")))
    zine = Zine(root=FIXTURE, title="Tech-Coops Zine", publisher="Tech-Coops",
                url="https://zine.example.org/", language="en", license="CC-BY-SA-4.0",
                coops=coops, issues=(issue,), where=Located(Position(FIXTURE / "zine.yaml")))
    media = {"media/aaaa1111.png": _media("media/aaaa1111.png", png(800, 500, (200, 90, 60)),
                                          800, 500)}
    cover = _media("media/cover0000.png", png(1480, 2100, (30, 60, 110)), 1480, 2100)
    fragments = {s: Fragment(arts[s], bodies[s]) for s in order}
    return RenderedIssue(zine, issue, fragments, media, cover)


def page_texts(pdf: Path) -> list[str]:
    """Text of each page (pdftotext, layout off), in page order."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


_NOISE = re.compile("[\\s\u00ad\u2010\u2011\\-\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def squash(text: str) -> str:
    """Text without whitespace, hyphens or bidi controls: line breaking cannot change it."""
    return _NOISE.sub("", text)


def contents_numbers(rendered: RenderedIssue, texts: list[str]) -> dict[str, int]:
    """Article title -> the page number the PDF's contents page prints for it."""
    squashed = [squash(t) for t in texts]
    start = next(i for i, t in enumerate(squashed) if t.startswith("Contents"))
    end = start + 1
    while end < len(squashed) and re.search(r"\.{5,}\d+", squashed[end]):
        end += 1  # a long contents runs on over the following pages
    contents = "".join(squashed[start:end])
    found = {}
    for article in rendered.issue.published:
        match = re.search(re.escape(squash(article.title)) + r"[.…]*(\d+)", contents)
        assert match, f"{article.title!r} is not in the contents"
        found[article.title] = int(match.group(1))
    return found


def opening_pages(rendered: RenderedIssue, texts: list[str]) -> dict[str, list[int]]:
    """Article title -> the pages (1-based) that open with it (after its section kicker)."""
    kickers = [squash(s.title).upper() for s in rendered.issue.sections if s.title]
    found: dict[str, list[int]] = {}
    for article in rendered.issue.published:
        # the opening page shows the title then the subtitle or byline; a recto's running
        # head shows the title alone
        title = squash(article.title) + squash(article.subtitle or article.authors[0].name)
        for number, text in enumerate(texts, start=1):
            page = squash(text)
            for kicker in kickers:
                page = page.removeprefix(kicker)
            if page.startswith(title):
                found.setdefault(article.title, []).append(number)
    return found


def footnote_pairs(rendered: RenderedIssue) -> list[tuple[str, str]]:
    """(text just before each footnote call, start of its note), squashed, per article."""
    from zine.editions.pdf.markup import prepare_fragment

    pairs = []
    for slug, fragment in sorted(rendered.fragments.items()):
        tree = lxml.html.fragment_fromstring(prepare_fragment(fragment.html, slug),
                                             create_parent="div")
        for note in tree.xpath("//span[@class='pdf-footnote']"):
            previous = note.getprevious()
            before = (previous.tail if previous is not None else note.getparent().text) or ""
            if previous is not None and not squash(before):
                before = previous.text_content()
            pairs.append((squash(before)[-12:], squash(note.text_content())[:20]))
    return pairs


def outline_entries(pdf: Path) -> list[tuple[str, int, int]]:
    """(title, depth, 1-based page) of every outline entry, in order."""
    reader = PdfReader(str(pdf))
    found: list[tuple[str, int, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((str(item.title), depth, reader.get_destination_page_number(item)
                              + 1))

    walk(reader.outline, 1)
    return found


def pdffonts(pdf: Path) -> list[dict[str, str]]:
    """Rows of ``pdffonts``: name, type, emb, sub."""
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                         text=True).stdout.splitlines()
    rows = []
    for line in out[2:]:
        cols = line.split()
        # name type [type2] encoding emb sub uni object ID
        rows.append({"name": cols[0], "emb": cols[-5], "sub": cols[-4], "uni": cols[-3]})
    return rows


def words_outside(pdf: Path, left: float, right: float) -> list[tuple[int, str]]:
    """(page, word) for every word drawn outside ``left..right`` points (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                         capture_output=True, text=True).stdout
    outside = []
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        for match in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"'
                                 r' yMax="[\d.]+">([^<]*)</word>', page):
            if float(match.group(1)) < left or float(match.group(2)) > right:
                outside.append((number, match.group(3)))
    return outside
