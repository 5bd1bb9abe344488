"""Test helpers: the tagged PDF's structure read back with pikepdf (the PDF/UA-1 rules the
editions rely on), and the PyPI ``pdfua`` checker. No veraPDF here: see README,
"Accessibility", for what is not verified.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any


def _pdf_kids(node: Any) -> list[Any]:
    import pikepdf

    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def pdf_elements(pdf: Any) -> list[tuple[Any, tuple[str, ...]]]:
    """Every structure element in reading order, with the types of its ancestors."""
    import pikepdf

    found: list[tuple[Any, tuple[str, ...]]] = []

    def walk(node: Any, ancestors: tuple[str, ...]) -> None:
        if not isinstance(node, pikepdf.Dictionary) or "/S" not in node:
            return
        found.append((node, ancestors))
        for kid in _pdf_kids(node):
            walk(kid, (*ancestors, str(node.S)))

    for kid in _pdf_kids(pdf.Root.StructTreeRoot):
        walk(kid, ())
    return found


def pdf_structure_problems(path: Path) -> list[str]:
    """What the tagged PDF at ``path`` gets wrong, read back with pikepdf (empty if
    nothing): catalog entries, figure alternatives, heading levels, table headers, link and
    note elements, ids, and content that is neither tagged nor an artifact."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        if not (root.get("/MarkInfo") and bool(root.MarkInfo.get("/Marked"))):
            problems.append("catalog: /MarkInfo /Marked is not true")
        if not (root.get("/ViewerPreferences")
                and bool(root.ViewerPreferences.get("/DisplayDocTitle"))):
            problems.append("catalog: /ViewerPreferences /DisplayDocTitle is not true")
        if not str(root.get("/Lang", "")):
            problems.append("catalog: no /Lang")
        elements = pdf_elements(pdf)
        reachable = {e.objgen for e, _ in elements}
        ids: dict[str, int] = {}
        levels = []
        for element, ancestors in elements:
            kind = str(element.S)
            if "/ID" in element:
                ids[str(element.ID)] = ids.get(str(element.ID), 0) + 1
            if kind == "/Figure" and not str(element.get("/Alt", "")).strip():
                problems.append("a /Figure without /Alt")
            if re.fullmatch(r"/H[1-6]", kind):
                levels.append(int(kind[2]))
                if not _marks_content(element):
                    problems.append(f"{kind} marks no content")
                if any(re.fullmatch(r"/H[1-6]", a) for a in ancestors):
                    problems.append(f"{kind} nested in a heading")
            if kind == "/TH":
                attributes = element.get("/A")
                scope = attributes.get("/Scope") if isinstance(attributes,
                                                               pikepdf.Dictionary) else None
                if str(scope) not in ("/Column", "/Row", "/Both"):
                    problems.append("a /TH without /Scope")
            if kind == "/Link":
                objrs = [k for k in _pdf_kids(element) if isinstance(k, pikepdf.Dictionary)
                         and k.get("/Type") == "/OBJR"]
                if not objrs or any(o.Obj.get("/Subtype") != "/Link" for o in objrs):
                    problems.append("a /Link element without its link annotation (OBJR)")
            if kind == "/Note" and "/ID" not in element:
                problems.append("a /Note without /ID")
        problems += [f"/ID {i!r} used {n} times" for i, n in ids.items() if n > 1]
        problems += [f"heading level jumps from H{a} to H{b}"
                     for a, b in itertools.pairwise(levels) if b > a + 1]
        tables = [e for e, _ in elements if str(e.S) == "/Table"]
        for table in tables:
            if not any(str(e.S) == "/TH" for e, a in elements if table.objgen in {
                    x.objgen for x in _ancestors(e)}):
                problems.append("a /Table without /TH")
        problems += _content_problems(pdf, reachable)
    return problems


def _marks_content(element: Any) -> bool:
    import pikepdf

    for kid in _pdf_kids(element):
        if isinstance(kid, int) or (isinstance(kid, pikepdf.Object)
                                    and kid._type_code == pikepdf.ObjectType.integer):
            return True
        if isinstance(kid, pikepdf.Dictionary) and (kid.get("/Type") == "/MCR"
                                                    or _marks_content(kid)):
            return True
    return False


def pdfua_findings(path: Path) -> tuple[list[str], set[str]]:
    """The PyPI ``pdfua`` checker's findings (as text) and the ids of the rules it skipped.

    pdfua 0.1.3 skips UA-14-001 (empty headings) on WeasyPrint's PDFs: its ``as_integer``
    asks a pikepdf Array for ``is_integer``, which raises ValueError, not AttributeError;
    ``pdf_structure_problems`` checks that headings mark content instead."""
    from pdfua import validate

    report = validate(str(path))
    found = [f"{f.rule_id} {f.severity.name}: {f.message}" for f in report.findings]
    return found, {o.rule_id for o in report.skipped}


def _ancestors(element: Any) -> list[Any]:
    found = []
    node = element.get("/P")
    while node is not None and "/S" in node:
        found.append(node)
        node = node.get("/P")
    return found


def _content_problems(pdf: Any, reachable: set[tuple[int, int]]) -> list[str]:
    """Text drawn outside any marked content, and MCIDs whose element is not in the tree."""
    import pikepdf

    problems = []
    parents = pdf.Root.StructTreeRoot.ParentTree
    entries = {int(parents.Nums[i]): parents.Nums[i + 1]
               for i in range(0, len(parents.get("/Nums", [])), 2)}
    annotations = {int(a.StructParent): a for page in pdf.pages
                   for a in page.obj.get("/Annots", []) if "/StructParent" in a}
    for key, annot in annotations.items():
        owner = entries.get(key)
        if owner is None or owner.objgen not in reachable or str(owner.S) != "/Link":
            problems.append(f"annotation {annot.get('/Subtype')} not owned by a /Link element")
    for number, page in enumerate(pdf.pages, start=1):
        key = page.obj.get("/StructParents")
        marks = entries.get(int(key)) if key is not None else None
        depth = 0
        for instruction in pikepdf.parse_content_stream(page):
            op = str(instruction.operator)
            if op in ("BDC", "BMC"):
                depth += 1
                props = instruction.operands[1] if op == "BDC" else None
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                    mcid = int(props.MCID)
                    owner = marks[mcid] if marks is not None and mcid < len(marks) else None
                    if not isinstance(owner, pikepdf.Dictionary) or owner.objgen not in reachable:
                        problems.append(f"page {number}: MCID {mcid} is in no structure element "
                                        "and no artifact")
            elif op == "EMC":
                depth -= 1
            elif op in ("Tj", "TJ", "'", '"') and depth == 0:
                problems.append(f"page {number}: text neither tagged nor an artifact")
    return problems


def pdf_languages(path: Path) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every element that sets a language, in reading order."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [(str(e.S), str(e.Lang)) for e, _ in pdf_elements(pdf) if "/Lang" in e]


def pdf_types(path: Path) -> list[str]:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return [str(e.S) for e, _ in pdf_elements(pdf)]
