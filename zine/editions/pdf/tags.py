"""PDF edition, layout and assembly stages: what WeasyPrint's tagged PDF needs for PDF/UA.

WeasyPrint 70 tags a part well (headings, paragraphs, lists, tables, figures with ``/Alt``,
links with their annotations). While it builds the structure tree, ``tag_structure`` (a
wrapper around its private ``weasyprint.pdf.tags._build_box_tree``, installed once per
process before a layout) adds what it leaves out:

- ``/Lang`` on the element of every HTML element whose ``lang`` attribute changes the
  language (a title in its own language in the contents, the section kicker in the issue's
  language above an article in another);
- footnote bodies (``span.pdf-footnote``, see ``zine.editions.pdf.markup``) become ``/Note``
  with an ``/ID`` and the ``/Lang`` of their article (WeasyPrint puts the footnote area
  beside the article, not in it);
- the anonymous block WeasyPrint makes inside a heading with a block ``::before`` is not a
  second heading nested in the first: it becomes ``/NonStruct``.

Then ``finish_tags`` closes two gaps on each laid-out part, once, in the worker that laid it
out (``zine.editions.pdf.typeset.finish_part``; the finished part is what the cache keeps, what the
merge joins and what an offprint is made of):

- running heads: WeasyPrint marks the text of margin boxes as marked content with an MCID
  but keeps its structure elements out of the tree (an artifact in the tree is PDF 2.0 only),
  so that text is neither structure nor artifact. Every marked-content sequence whose element
  the structure tree cannot reach becomes a pagination artifact, and its parent-tree entry is
  cleared;
- table headers: ``/TH`` cells get ``/Scope`` (``/Column`` in a ``/THead`` or away from the
  start of a row, ``/Row`` for the first cell of a body row); WeasyPrint links data cells to
  their headers with ``/Headers`` but writes no scope.

``finish_tags`` edits a ``pikepdf.Pdf`` in memory; reads and writes no file. A PDF without a
structure tree (a folio sheet) is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

_HEADER_ARTIFACT = [Name.Artifact, Dictionary(Type=Name.Pagination)]
_HEADINGS = frozenset(f"/H{level}" for level in range(1, 7))
_NOTE_CLASS = "pdf-footnote"


def tag_structure() -> None:
    """Wrap WeasyPrint's structure-tree builder (once per process; see the docstring)."""
    from weasyprint.pdf import tags

    builder = tags._build_box_tree
    if getattr(builder, "zine_wrapped", False):
        return

    def build(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[Any]:
        for element in builder(box, parent, pdf, *args):
            _annotate(box, parent, element, pdf)
            yield element

    build.zine_wrapped = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


def _annotate(box: Any, parent: Any, element: Any, pdf: Any) -> None:
    import pydyf

    html = getattr(box, "element", None)
    if html is None or getattr(box, "element_tag", None) in ("html", "body") or \
            not isinstance(element, pydyf.Dictionary) or "S" not in element:
        return
    kind = str(element["S"])
    if kind in _HEADINGS and isinstance(parent, pydyf.Dictionary) and \
            str(parent.get("S")) == kind:
        element["S"] = "/NonStruct"
        return
    classes = (html.get("class") or "").split()
    if _NOTE_CLASS in classes and kind == "/Span" and getattr(box, "element_tag", "") == "span":
        element["S"] = "/Note"
        element["ID"] = pydyf.String(_note_id(pdf))
        lang = (getattr(box, "style", None) or {}).get("lang")  # inherited, as CSS computes it
        if lang and "Lang" not in element:
            element["Lang"] = pydyf.String(lang)
    lang = html.get("lang")
    style = getattr(box, "style", None)
    around = getattr(style, "parent_style", None)
    inherited = around["lang"] if around is not None else None
    if lang and lang != inherited and "Lang" not in element:
        element["Lang"] = pydyf.String(lang)


def finish_tags(pdf: Pdf, prefix: str = "") -> None:
    """Running heads as artifacts, scoped table headers, and every element ``/ID`` (and the
    ``/Headers`` that name them) given ``prefix``, so the ids of the parts of an issue stay
    unique in the merged tree (see the module docstring)."""
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None:
        return
    reachable = set()
    strays = []
    for element, ancestors in _elements(tree):
        reachable.add(element.objgen)
        if element.get("/S") == Name.TH:
            _scope(element, ancestors)
        if prefix:
            _prefix_ids(element, prefix)
        if element.get("/S") != Name.Link and any(_is_link_objr(k) for k in _kids(element)):
            strays.append(element)
    for element in strays:
        _move_link_annotations(tree, element)
    _artifact_unreachable(pdf, tree, reachable)


def _is_link_objr(kid: pikepdf.Object) -> bool:
    return isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR and \
        kid.Obj.get("/Subtype") == Name.Link


def _move_link_annotations(tree: pikepdf.Object, element: pikepdf.Object) -> None:
    """A link annotation WeasyPrint hung on an inline element inside a block link (the title
    of a contents entry) moves to that ``/Link`` element; without one the element becomes
    the ``/Link``. PDF/UA wants every link annotation in a ``/Link``."""
    owner = element.get("/P")
    while owner is not None and owner.get("/S") not in (None, Name.Link):
        owner = owner.get("/P")
    nums = tree.ParentTree.get("/Nums")
    if owner is None or owner.get("/S") is None or not isinstance(nums, Array):
        element.S = Name.Link
        return
    kept: list[pikepdf.Object] = []
    moved: list[pikepdf.Object] = []
    for kid in _kids(element):
        (moved if _is_link_objr(kid) else kept).append(kid)
    element.K = Array(kept)
    owner_kids = _kids(owner)
    owner.K = Array([*owner_kids, *moved])
    keys = {int(nums[i]): i + 1 for i in range(0, len(nums) - 1, 2)}
    for objr in moved:
        key = objr.Obj.get("/StructParent")
        if key is not None and int(key) in keys:
            nums[keys[int(key)]] = owner


def _prefix_ids(element: pikepdf.Object, prefix: str) -> None:
    if "/ID" in element:
        element.ID = pikepdf.String(prefix + str(element.ID))
    attributes = element.get("/A")
    for attribute in attributes if isinstance(attributes, Array) else [attributes]:
        if isinstance(attribute, Dictionary) and isinstance(attribute.get("/Headers"), Array):
            attribute.Headers = Array([pikepdf.String(prefix + str(h))
                                       for h in attribute.Headers])


def _elements(tree: pikepdf.Object) -> Iterator[tuple[pikepdf.Object, tuple[pikepdf.Object, ...]]]:
    """Every structure element under the root, with the types of its ancestors."""
    stack: list[tuple[pikepdf.Object, tuple[pikepdf.Object, ...]]] = [
        (kid, ()) for kid in reversed(_kids(tree))]
    while stack:
        element, ancestors = stack.pop()
        if not isinstance(element, Dictionary) or "/S" not in element:
            continue  # a marked-content id, an MCR or an OBJR
        yield element, ancestors
        below = (*ancestors, element.S)
        stack.extend((kid, below) for kid in reversed(_kids(element)))


def _note_id(pdf: Any) -> str:
    """``note-<n>``, n counting the notes of the part in layout order (``finish_tags``
    makes the ids unique in the issue)."""
    count = pdf.__dict__.get("zine_notes", 0) + 1
    pdf.__dict__["zine_notes"] = count
    return f"note-{count}"


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _scope(cell: pikepdf.Object, ancestors: tuple[pikepdf.Object, ...]) -> None:
    row = cell.get("/P")
    first = row is not None and bool(_kids(row)) and _kids(row)[0].objgen == cell.objgen
    scope = Name.Row if first and Name.THead not in ancestors and Name.TBody in ancestors \
        else Name.Column
    attributes = cell.get("/A")
    if isinstance(attributes, Array):
        attributes = next((a for a in attributes if isinstance(a, Dictionary)
                           and a.get("/O") == Name.Table), None)
    if not isinstance(attributes, Dictionary):
        attributes = Dictionary(O=Name.Table)
        cell.A = attributes
    if "/Scope" not in attributes:
        attributes.Scope = scope


def _artifact_unreachable(pdf: Pdf, tree: pikepdf.Object, reachable: set[tuple[int, int]]
                          ) -> None:
    parents = tree.get("/ParentTree")
    if parents is None:
        return
    entries = dict(_number_tree(parents))
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        marks = entries.get(int(key)) if key is not None else None
        if not isinstance(marks, Array):
            continue
        instructions = pikepdf.parse_content_stream(page)
        changed = False
        for index, instruction in enumerate(instructions):
            mcid = _mcid(instruction)
            if mcid is None or mcid >= len(marks):
                continue
            owner = marks[mcid]
            if isinstance(owner, Dictionary) and owner.objgen in reachable:
                continue
            instructions[index] = pikepdf.ContentStreamInstruction(
                _HEADER_ARTIFACT, pikepdf.Operator("BDC"))
            marks[mcid] = None
            changed = True
        if changed:
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(instructions))


def _mcid(instruction: object) -> int | None:
    if not isinstance(instruction, pikepdf.ContentStreamInstruction) or \
            instruction.operator != pikepdf.Operator("BDC"):
        return None
    properties = instruction.operands[1]
    if not isinstance(properties, Dictionary) or "/MCID" not in properties:
        return None
    return int(properties.MCID)


def _number_tree(node: pikepdf.Object) -> Iterator[tuple[int, pikepdf.Object]]:
    pairs = node.get("/Nums")
    if pairs is not None:
        for i in range(0, len(pairs) - 1, 2):
            yield int(pairs[i]), pairs[i + 1]
    for kid in node.get("/Kids", Array()):
        yield from _number_tree(kid)
