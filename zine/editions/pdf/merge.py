"""PDF edition, assembly stage: the PDFs of an issue's parts -> one tagged PDF.

Each part (``zine.editions.pdf.parts``) was laid out by WeasyPrint on its own, tagged
(PDF/UA-1). This module joins them with pikepdf (qpdf) without losing what makes the issue
accessible and navigable:

- pages in reading order, a blank verso after a part with an odd page count (every part starts
  on a right-hand page, as in a single layout);
- one structure tree: one ``/Document`` element whose kids are every part's kids, each part's
  parent-tree entries renumbered into one ``/ParentTree`` (pages and link annotations), and the
  ``/Art`` elements of an article in another language than the issue's given that ``/Lang``
  (WeasyPrint 70 writes ``/Lang`` on the catalog only);
- one name tree of destinations, so a link in one part (the contents) lands in another; the
  empty targets a part holds only for its own links (``Part.stubs``) are dropped;
- the outline given by the caller (sections, articles, back matter);
- running heads as artifacts, table headers with a scope and element ids unique in the issue
  were given to each part when it was laid out (``zine.editions.pdf.typeset.finish_part``);
- the catalog entries (``/Lang``, ``/MarkInfo``, ``/ViewerPreferences``, XMP ``/Metadata``) and
  the document info of the first part (the front matter: the issue's metadata).

Works on bytes in memory; reads and writes no file.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, Pdf

CATALOG_KEYS = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata")


@dataclass(frozen=True)
class PartPdf:
    """One laid-out part, opened (the merge edits it: open it again for another use), the
    anchors it does not own, and its language when it differs from the issue's (then set on
    its structure elements)."""

    pdf: Pdf
    stubs: frozenset[str] = frozenset()
    lang: str | None = None


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int  # 0-based index in the assembled PDF
    children: tuple[Bookmark, ...] = ()


def open_pdf(data: bytes) -> Pdf:
    return Pdf.open(io.BytesIO(data))


def anchor_pages(pdf: Pdf) -> dict[str, int]:
    """Each named destination of a PDF and the 0-based index of its page."""
    index = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
    return {name: index[dest[0].objgen] for name, dest in _dests(pdf)
            if isinstance(dest, Array) and len(dest) and dest[0].objgen in index}


def placement(counts: Sequence[int]) -> list[int]:
    """The 0-based index of the first page of each part, each one on a right-hand page
    (even index) after the blank versos the merge inserts."""
    starts, page = [], 0
    for count in counts:
        starts.append(page)
        page += count + (count % 2)
    return starts


class _Assembly:
    def __init__(self, first: Pdf) -> None:
        self.pdf = Pdf.new()
        for key in CATALOG_KEYS:
            if key in first.Root:
                value = first.Root[key]
                if isinstance(value, (Dictionary, Array, pikepdf.Stream)):
                    value = self.pdf.copy_foreign(value if value.is_indirect
                                                  else first.make_indirect(value))
                self.pdf.Root[key] = value
        if first.trailer.get("/Info") is not None:
            info = self.pdf.copy_foreign(first.trailer.Info)
            assert isinstance(info, Dictionary)
            self.pdf.docinfo = info
        self.document = self.pdf.make_indirect(Dictionary(
            Type=Name.StructElem, S=Name.Document, K=Array()))
        self.nums = Array()
        self.key = 0
        self.dests: dict[bytes, pikepdf.Object] = {}

    def add(self, part: PartPdf, src: Pdf) -> None:
        pairs = _renumber(src, self._next_key)
        tree = src.Root.get("/StructTreeRoot")
        kids = _kids(tree.K[0]) if tree is not None else []
        for kid in kids:
            if "/P" in kid:
                del kid.P
        with warnings.catch_warnings():  # named destinations are merged below, by name
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(
                pikepdf, "PageCopyWarning") else UserWarning)
            self.pdf.pages.extend(src.pages)
        for kid in kids:
            copy = self.pdf.copy_foreign(kid)
            copy.P = self.document
            if part.lang and copy.get("/S") == Name.Art:  # not the running heads
                copy.Lang = pikepdf.String(part.lang)
            self.document.K.append(copy)
        for key, value in pairs:
            self.nums.append(key)
            self.nums.append(_copy(self.pdf, src, value))
        for name, dest in _tree_dests(src):
            # the name's own bytes: WeasyPrint writes non-ASCII names as UTF-16, and the links
            # name them so (a UTF-8 copy of the name would match no link)
            if str(name) not in part.stubs and bytes(name) not in self.dests:
                self.dests[bytes(name)] = self.pdf.copy_foreign(src.make_indirect(dest))

    def _next_key(self) -> int:
        self.key += 1
        return self.key - 1

    def finish(self, outline: Sequence[Bookmark]) -> Pdf:
        root = self.pdf.make_indirect(Dictionary(
            Type=Name.StructTreeRoot, K=Array([self.document]),
            ParentTree=self.pdf.make_indirect(Dictionary(Nums=self.nums)),
            ParentTreeNextKey=self.key))
        self.document.P = root
        self.pdf.Root.StructTreeRoot = root
        if self.dests:
            names = Array()
            for name in sorted(self.dests):
                names.append(pikepdf.String(name))
                names.append(self.dests[name])
            self.pdf.Root.Names = Dictionary(Dests=self.pdf.make_indirect(
                Dictionary(Names=names)))
        with self.pdf.open_outline() as tree:
            tree.root.extend(_outline_items(outline))
        return self.pdf


def _copy(pdf: Pdf, src: Pdf, value: object) -> object:
    """``value`` from PDF ``src``: indirect objects copied (once per source); a direct array
    (a page's marked-content elements, hundreds of them) copied by qpdf in one call, through
    an indirect stand-in that is left unreferenced (so not saved): the same objects as a walk
    item by item, without a Python call per item."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pdf.copy_foreign(value)
    if isinstance(value, Array):
        return Array(pdf.copy_foreign(src.make_indirect(value)))
    return value


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _renumber(src: Pdf, next_key: Callable[[], int]) -> list[tuple[int, object]]:
    """Give the part's pages and annotations new parent-tree keys; their (key, value) pairs."""
    tree = src.Root.get("/StructTreeRoot")
    if tree is None:
        return []
    old = dict(_number_tree(tree.ParentTree))
    pairs: list[tuple[int, object]] = []
    for page in src.pages:
        if "/StructParents" in page.obj:
            key = next_key()
            pairs.append((key, old[int(page.obj.StructParents)]))
            page.obj.StructParents = key
    for page in src.pages:
        for annot in page.obj.get("/Annots", Array()):
            if "/StructParent" in annot:
                key = next_key()
                pairs.append((key, old[int(annot.StructParent)]))
                annot.StructParent = key
    return pairs


def _number_tree(node: pikepdf.Object) -> Iterator[tuple[int, pikepdf.Object]]:
    return ((int(key), value) for key, value in _tree_leaves(node, "/Nums"))


def _dests(src: Pdf) -> Iterator[tuple[str, pikepdf.Object]]:
    return ((str(key), value) for key, value in _tree_dests(src))


def _tree_dests(src: Pdf) -> Iterator[tuple[pikepdf.Object, pikepdf.Object]]:
    names = src.Root.get("/Names")
    tree = names.get("/Dests") if names is not None else None
    if tree is None:
        return iter(())
    return _tree_leaves(tree, "/Names")


def _tree_leaves(node: pikepdf.Object, leaves: str
                 ) -> Iterator[tuple[pikepdf.Object, pikepdf.Object]]:
    """The (key, value) pairs of a number tree (``/Nums``) or name tree (``/Names``)."""
    pairs = node.get(leaves)
    if pairs is not None:
        for i in range(0, len(pairs) - 1, 2):
            yield pairs[i], pairs[i + 1]
    for kid in node.get("/Kids", Array()):
        yield from _tree_leaves(kid, leaves)


def _outline_items(marks: Sequence[Bookmark]) -> list[OutlineItem]:
    items = []
    for mark in marks:
        item = OutlineItem(mark.title, mark.page)
        item.children.extend(_outline_items(mark.children))
        items.append(item)
    return items


def merge(parts: Sequence[PartPdf], outline: Sequence[Bookmark]) -> Pdf:
    """The parts as one tagged PDF (see the module docstring); the caller saves it."""
    sources = [part.pdf for part in parts]
    assembly = _Assembly(sources[0])
    for index, (part, src) in enumerate(zip(parts, sources, strict=True)):
        assembly.add(part, src)
        if len(src.pages) % 2 and index < len(parts) - 1:
            size = src.pages[-1].mediabox
            assembly.pdf.add_blank_page(page_size=(float(size[2]), float(size[3])))
    return assembly.finish(outline)


def save(pdf: Pdf) -> bytes:
    """Deterministic bytes: the same input gives the same file (qpdf's deterministic /ID)."""
    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()
