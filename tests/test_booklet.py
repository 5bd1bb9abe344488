"""The print booklet: the issue PDF imposed for saddle stitching on A4 landscape sheets, two
A5 pages per side, padded with blanks to a multiple of 4 pages; sheet k carries pages
[n-1-2k, 2k] on its front and [2k+1, n-2-2k] on its back. Read back with pypdf and pdftotext
(cropped to each half of each side).
"""

from __future__ import annotations

import io
import math
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import require_tool
from tests.pdf_helpers import make_rendered_issue, squash
from zine.editions import booklet, pdf
from zine.model.rendered import RenderedIssue

pytestmark = pytest.mark.slow

A4_LANDSCAPE = (841.89, 595.28)
HALF = A4_LANDSCAPE[0] / 2
ISSUE = "01-test"
FOOT = 50  # points: the band at the bottom of a page that holds the folio


@pytest.fixture(scope="module")
def rendered() -> RenderedIssue:
    return make_rendered_issue()


@pytest.fixture(scope="module")
def built(rendered: RenderedIssue, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The issue PDF and, in the same run, its booklet."""
    require_tool("pdftotext")
    out = tmp_path_factory.mktemp("booklet")
    made = pdf.render(rendered, out)
    assert booklet.render(rendered, out, made={"pdf": made}) == [
        out / ISSUE / f"{ISSUE}-booklet.pdf"]
    return out


def text_in(path: Path, page: int, box: tuple[float, float, float, float]) -> str:
    """pdftotext of one page (1-based) cropped to ``box`` = (x, y from top, width, height)."""
    x, y, w, h = (str(round(v)) for v in box)
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-r", "72", "-f", str(page), "-l", str(page),
         "-x", x, "-y", y, "-W", w, "-H", h, str(path), "-"],
        check=True, capture_output=True, text=True).stdout


def test_saddle_stitch_order_of_an_eight_page_zine() -> None:
    assert booklet.booklet_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]


def test_page_count_is_padded_to_a_multiple_of_four_with_blanks() -> None:
    assert booklet.booklet_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]
    assert booklet.booklet_order(0) == []
    for pages in range(1, 30):
        order = booklet.booklet_order(pages)
        assert len(order) == math.ceil(pages / 4) * 2
        placed = [i for side in order for i in side if i is not None]
        assert sorted(placed) == list(range(pages))  # every page exactly once
        assert all(i is None or i < pages for side in order for i in side)
        if pages % 4 == 0:  # the two halves of a side face each other across the fold
            assert all(left + right == pages - 1 for left, right in order)  # type: ignore


def test_booklet_has_ceil_pages_over_four_times_two_a4_landscape_sides(built: Path) -> None:
    pages = len(PdfReader(str(built / ISSUE / f"{ISSUE}.pdf")).pages)
    reader = PdfReader(str(built / ISSUE / f"{ISSUE}-booklet.pdf"))
    assert len(reader.pages) == math.ceil(pages / 4) * 2
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_LANDSCAPE, abs=0.05)


def test_each_half_shows_the_right_page_of_the_issue(built: Path) -> None:
    source = built / ISSUE / f"{ISSUE}.pdf"
    imposed = built / ISSUE / f"{ISSUE}-booklet.pdf"
    count = len(PdfReader(str(source)).pages)
    height = A4_LANDSCAPE[1]
    folios = 0
    for side, pair in enumerate(booklet.booklet_order(count), start=1):
        for half, index in enumerate(pair):
            box = (half * HALF, 0, HALF, height)
            got = squash(text_in(imposed, side, box))
            if index is None:
                assert got == "", (side, half)
                continue
            assert got == squash(text_in(source, index + 1, (0, 0, HALF, height))), (side, half)
            foot = squash(text_in(imposed, side, (half * HALF, height - FOOT, HALF, FOOT)))
            assert foot == squash(text_in(source, index + 1, (0, height - FOOT, HALF, FOOT)))
            if foot:  # the running foot: the page's own number, in its half of the sheet
                assert foot == str(index + 1), (side, half, foot)
                folios += 1
    assert folios >= count // 2


def test_booklet_alone_lays_out_the_issue_without_writing_its_pdf_and_is_deterministic(
        built: Path, tmp_path: Path) -> None:
    written = booklet.render(make_rendered_issue(), tmp_path)
    assert written == [tmp_path / ISSUE / f"{ISSUE}-booklet.pdf"]
    assert sorted(p.name for p in (tmp_path / ISSUE).iterdir()) == [f"{ISSUE}-booklet.pdf"]
    # another run, another layout of the same issue: the same bytes
    assert written[0].read_bytes() == (built / ISSUE / f"{ISSUE}-booklet.pdf").read_bytes()


def test_booklet_imposes_the_issue_pdf_the_build_hands_it(
        rendered: RenderedIssue, built: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The build passes the PDF edition's paths (``made``): imposed without a second layout."""
    fresh = make_rendered_issue()
    made = pdf.render(fresh, tmp_path)

    def no_second_layout(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the issue was laid out twice")

    monkeypatch.setattr(pdf, "make_issue_pdf", no_second_layout)
    path = booklet.render(fresh, tmp_path, made={"pdf": made})[0]
    assert path.read_bytes() == (built / ISSUE / f"{ISSUE}-booklet.pdf").read_bytes()
    with pytest.raises(AssertionError, match="laid out twice"):  # no PDF handed: laid out
        booklet.render(fresh, tmp_path / "alone")


def test_crop_marks_are_drawn_only_when_asked(built: Path) -> None:
    data = (built / ISSUE / f"{ISSUE}.pdf").read_bytes()
    plain = PdfReader(io.BytesIO(booklet.impose(data)))
    marked = PdfReader(io.BytesIO(booklet.impose(data, crop_marks=True)))
    assert len(plain.pages) == len(marked.pages)
    assert b"0.25 w" not in plain.pages[0].get_contents().get_data()  # type: ignore[union-attr]
    marks = marked.pages[0].get_contents().get_data()  # type: ignore[union-attr]
    assert marks.count(b" l S") == 6  # left trim, fold, right trim; top and bottom


@pytest.mark.slow
def test_the_command_line_asks_for_crop_marks(tmp_path: Path) -> None:
    import sys

    from tests.pipeline_helpers import copy_content

    content = copy_content(tmp_path / "content")
    issue = sorted(p.name for p in (content / "issues").iterdir())[0]
    done = subprocess.run([sys.executable, "-m", "zine", "build", "--format", "booklet",
                           "--crop-marks", "--out", "out", issue], cwd=content,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    marked = PdfReader(str(content / "out" / issue / f"{issue}-booklet.pdf"))
    marks = marked.pages[0].get_contents().get_data()  # type: ignore[union-attr]
    assert marks.count(b" l S") == 6
