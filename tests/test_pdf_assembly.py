"""The issue PDF is assembled from parts laid out on their own (front matter, one per article,
back matter): read back, the joined file must be one coherent tagged PDF -- one structure tree
whose parent tree matches every page and link, links that land in other parts, folios marked as
artifacts -- the same bytes whether the parts were laid out in parallel or not, and a rebuild
after one edit lays out one part again.

Built once per module from the hand-made issue in ``tests/pdf_helpers.py``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pikepdf
import pytest

from tests.pdf_helpers import make_rendered_issue, page_texts
from zine.editions import pdf
from zine.editions.pdf import folio as pdf_folio
from zine.editions.pdf.merge import placement
from zine.model.rendered import Fragment, RenderedIssue
from zine.runtime.cache import cache_home

pytestmark = pytest.mark.slow

ISSUE = "01-test"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("assembly")
    pdf.render(make_rendered_issue(), folder, use_cache=True)
    return folder


@pytest.fixture(scope="module")
def issue(out: Path) -> pikepdf.Pdf:
    return pikepdf.open(out / ISSUE / f"{ISSUE}.pdf")


def number_tree(node: pikepdf.Object) -> dict[int, pikepdf.Object]:
    found = {}
    nums = node.get("/Nums", [])
    for i in range(0, len(nums), 2):
        found[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        found.update(number_tree(kid))
    return found


def test_parts_start_on_right_hand_pages_after_blank_versos() -> None:
    assert placement([5, 4, 3, 6]) == [0, 6, 10, 14]


def test_one_structure_tree_with_one_document_element(issue: pikepdf.Pdf) -> None:
    root = issue.Root.StructTreeRoot
    assert len(root.K) == 1 and root.K[0].S == "/Document"
    document = root.K[0]
    kinds = [str(kid.S) for kid in document.K]
    assert kinds[0] == "/Sect" and kinds[-1] == "/Sect"  # cover first, colophon last
    assert kinds.count("/Art") >= len(make_rendered_issue().issue.published)
    for kid in document.K:
        assert kid.P.objgen == document.objgen


def test_the_parent_tree_maps_every_page_to_the_elements_drawn_on_it(
        issue: pikepdf.Pdf) -> None:
    tree = number_tree(issue.Root.StructTreeRoot.ParentTree)
    keys = [int(k) for k in issue.Root.StructTreeRoot.ParentTree.Nums[::2]]
    assert keys == sorted(set(keys))  # unique and in order, as a number tree must be
    tagged = 0
    for page in issue.pages:
        if "/StructParents" not in page.obj:
            continue  # a blank verso inserted between parts
        elements = tree[int(page.obj.StructParents)]
        for element in elements:
            if isinstance(element, pikepdf.Dictionary):
                assert element.Pg.objgen == page.obj.objgen
                tagged += 1
    assert tagged > 50


def test_every_link_annotation_is_in_the_structure_and_has_a_destination(
        issue: pikepdf.Pdf) -> None:
    tree = number_tree(issue.Root.StructTreeRoot.ParentTree)
    names = issue.Root.Names.Dests.Names
    dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    links = 0
    for page in issue.pages:
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") != "/Link":
                continue
            links += 1
            element = tree[int(annot.StructParent)]  # the element holding this annotation
            kids = element.K if isinstance(element.K, pikepdf.Array) else [element.K]
            assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"
                       and k.Obj.objgen == annot.objgen for k in kids)
            if "/Dest" in annot:
                assert str(annot.Dest) in dests, str(annot.Dest)
    assert links >= 6  # at least the contents entries


def test_contents_links_land_on_the_first_page_of_each_article(
        issue: pikepdf.Pdf, out: Path) -> None:
    rendered = make_rendered_issue()
    names = issue.Root.Names.Dests.Names
    dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    pages = {page.obj.objgen: i for i, page in enumerate(issue.pages)}
    texts = page_texts(out / ISSUE / f"{ISSUE}.pdf")
    for article in rendered.issue.published:
        index = pages[dests[f"article-{article.slug}"][0].objgen]
        assert index % 2 == 0  # a right-hand page
        assert article.title.split()[0] in texts[index]
        assert index > 3  # not the front matter's stub


def last_stream(page: pikepdf.Page) -> bytes:
    contents = page.obj.get("/Contents")
    if contents is None:
        return b""
    return (contents[-1] if isinstance(contents, pikepdf.Array) else contents).read_bytes()


def test_folios_are_pagination_artifacts_on_every_page_but_the_front_and_blanks(
        issue: pikepdf.Pdf, out: Path) -> None:
    texts = page_texts(out / ISSUE / f"{ISSUE}.pdf")
    for index, page in enumerate(issue.pages):
        stamped = b"/Artifact <</Type /Pagination" in last_stream(page)
        words = texts[index].split()
        folio = words[-1].strip("\u202a\u202b\u202c") if words else ""  # pdftotext bidi marks
        assert stamped == (folio == str(index + 1)), index
    assert not any(b"/Pagination" in last_stream(page) for page in issue.pages[:4])


def test_parallel_and_serial_layouts_give_the_same_bytes(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    pdf.render(make_rendered_issue(), tmp_path)
    for name in (f"{ISSUE}.pdf", "offprints/report.pdf", "offprints/arabic.pdf"):
        assert (tmp_path / ISSUE / name).read_bytes() == (out / ISSUE / name).read_bytes(), name


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the parts laid out from now on, in this process (one CPU: no workers)."""
    laid: list[str] = []
    real = pdf.Typesetter.typeset

    def counting(self: pdf.Typesetter, part: object, *args: object) -> bytes:
        laid.append(getattr(part, "name", "?"))
        return real(self, part, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf.Typesetter, "typeset", counting)
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    return laid


def test_a_rebuild_after_one_edit_lays_out_only_that_article_again(
        out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = make_rendered_issue()
    pdf.render(rendered, tmp_path, use_cache=True)
    laid = count_layouts(monkeypatch)
    stamped: list[pikepdf.Pdf] = []
    real_stamp = pdf_folio.stamp

    def counting_stamp(target: pikepdf.Pdf, *args: object, **kwargs: object) -> None:
        stamped.append(target)
        real_stamp(target, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(pdf_folio, "stamp", counting_stamp)
    fragment = rendered.fragments["report"]
    edited = dict(rendered.fragments)
    edited["report"] = Fragment(fragment.article, fragment.html.replace("Introduction",
                                                                        "Introductions", 1))
    pdf.render(dataclasses.replace(rendered, fragments=edited), tmp_path, use_cache=True)
    assert laid == ["report"]
    # folios go on the issue and on the edited article's offprint; the others come cached
    assert len({id(target) for target in stamped}) == 2
    assert b"Introductions" not in (out / ISSUE / f"{ISSUE}.pdf").read_bytes()


def _edited(rendered: RenderedIssue, slug: str, old: str, new: str) -> RenderedIssue:
    fragment = rendered.fragments[slug]
    fragments = {**rendered.fragments,
                 slug: Fragment(fragment.article, fragment.html.replace(old, new, 1))}
    return dataclasses.replace(rendered, fragments=fragments)


def test_an_edit_that_moves_the_later_parts_lays_out_that_article_and_the_contents_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = make_rendered_issue()
    pdf.render(rendered, tmp_path / "warm", use_cache=True)
    before = pikepdf.open(tmp_path / "warm" / ISSUE / f"{ISSUE}.pdf")
    # two pages more for the first article: every part after it moves by two pages
    longer = _edited(rendered, "editorial", "</p>", "</p>" + "<p>More words here. </p>" * 60)
    laid = count_layouts(monkeypatch)
    pdf.render(longer, tmp_path / "warm", use_cache=True)
    edited = (tmp_path / "warm" / ISSUE / f"{ISSUE}.pdf").read_bytes()
    assert len(pikepdf.open(tmp_path / "warm" / ISSUE / f"{ISSUE}.pdf").pages) > \
        len(before.pages)
    # the article and the contents with its new numbers; the folios come from the cached
    # blocks (all of this small issue's pages are in the first one)
    assert laid == ["editorial", "front"]
    monkeypatch.undo()
    pdf.render(longer, tmp_path / "cold")
    assert (tmp_path / "cold" / ISSUE / f"{ISSUE}.pdf").read_bytes() == edited
    for name in ("report", "arabic", "editorial"):
        assert (tmp_path / "cold" / ISSUE / "offprints" / f"{name}.pdf").read_bytes() == \
            (tmp_path / "warm" / ISSUE / "offprints" / f"{name}.pdf").read_bytes(), name


def test_an_edit_keeping_the_page_count_gives_the_bytes_of_a_cold_build(tmp_path: Path) -> None:
    rendered = make_rendered_issue()
    pdf.render(rendered, tmp_path / "warm", use_cache=True)
    edited = _edited(rendered, "report", "Introduction", "Introductions")
    pdf.render(edited, tmp_path / "warm", use_cache=True)
    pdf.render(edited, tmp_path / "cold")
    for name in (f"{ISSUE}.pdf", "offprints/report.pdf", "offprints/arabic.pdf"):
        assert (tmp_path / "cold" / ISSUE / name).read_bytes() == \
            (tmp_path / "warm" / ISSUE / name).read_bytes(), name


def test_building_another_issue_keeps_this_ones_cached_parts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = make_rendered_issue()
    other = dataclasses.replace(rendered, issue=dataclasses.replace(
        rendered.issue, id="02-test", title="Another issue"))  # other parts, other entries
    pdf.render(rendered, tmp_path, use_cache=True)
    pdf.render(other, tmp_path, use_cache=True)  # its prune leaves 01-test's entries alone
    laid = count_layouts(monkeypatch)
    pdf.render(rendered, tmp_path, use_cache=True)
    assert laid == []


def test_a_damaged_cache_entry_is_laid_out_again(tmp_path: Path) -> None:
    rendered: RenderedIssue = make_rendered_issue()
    first = pdf.render(rendered, tmp_path, use_cache=True)[0].read_bytes()
    for entry in (cache_home(tmp_path) / "pdf").rglob("*.bin"):
        entry.write_bytes(entry.read_bytes()[:-10])
    assert pdf.render(rendered, tmp_path, use_cache=True)[0].read_bytes() == first
