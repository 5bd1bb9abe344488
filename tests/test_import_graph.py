"""The package's shape: one package per stage, imports only towards earlier stages, no cycles.

The graph is read from the source with ``ast``: every ``import`` and ``from ... import`` of a
``zine`` module counts, at module level, under ``if TYPE_CHECKING:`` and inside functions. A
module imported by a function instead of at the top would hide a cycle, so function-local
imports of ``zine`` modules are allowed only in ``zine.cli``, which loads one command's modules
per command (``zine --help`` and ``zine check`` stay free of the editions and WeasyPrint).
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zine"

# The stages in the order data flows; a module may import its own stage or an earlier one.
STAGES: tuple[tuple[str, ...], ...] = (
    ("zine.errors", "zine.text"),
    ("zine.model",),
    ("zine.diagnostics",),
    ("zine.safety",),
    ("zine.load",),
    ("zine.media",),
    ("zine.check",),
    ("zine.docimport",),
    ("zine.render",),
    ("zine.runtime",),
    ("zine.editions",),
    ("zine.build",),
    ("zine.commands",),
    ("zine.cli", "zine.__main__"),
)
LAZY_ALLOWED = {"zine.cli"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    """The zine modules one import statement loads (``from pkg import submodule`` included)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "zine"]
    if not isinstance(node, ast.ImportFrom):
        return []
    if node.level:
        base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
        name = ".".join(base + ([node.module] if node.module else []))
    else:
        name = node.module or ""
    if name.split(".")[0] != "zine":
        return []
    found = []
    for alias in node.names:
        full = f"{name}.{alias.name}"
        found.append(full if full in MODULES else name)
    return found


def import_graph() -> tuple[dict[str, set[str]], list[tuple[str, int, str]]]:
    """module -> the zine modules it imports; and each function-local import (module, line,
    what)."""
    edges: dict[str, set[str]] = {}
    local: list[tuple[str, int, str]] = []
    for module, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in ast.walk(tree):
            targets.update(imported(node, module, is_package))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    for target in imported(node, module, is_package):
                        local.append((module, node.lineno, target))
        edges[module] = {t for t in targets if t != module}
    return edges, local


def stage_of(module: str) -> int:
    for index, stage in enumerate(STAGES):
        if any(module == prefix or module.startswith(prefix + ".") for prefix in stage):
            return index
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES")


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_every_module_belongs_to_a_stage() -> None:
    for module in MODULES:
        if module != "zine":
            stage_of(module)


def test_the_package_has_no_import_cycle() -> None:
    edges, _ = import_graph()
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_a_later_stage() -> None:
    edges, _ = import_graph()
    against = [f"{module} (stage {STAGES[stage_of(module)][0]}) imports {target} "
               f"(stage {STAGES[stage_of(target)][0]})"
               for module, targets in sorted(edges.items()) if module != "zine"
               for target in sorted(targets) if target != "zine"
               and stage_of(target) > stage_of(module)]
    assert against == []


def test_zine_modules_are_imported_at_module_level_except_by_the_cli() -> None:
    _, local = import_graph()
    hidden = [f"{module}:{line} imports {target} inside a function"
              for module, line, target in local if module not in LAZY_ALLOWED]
    assert hidden == []


@pytest.mark.parametrize("module", ["zine.cli", "zine.check.run"])
def test_the_check_path_loads_no_edition_library(module: str) -> None:
    """``zine check`` (the CLI and the check stage) imports no layout or packaging library,
    nor the fork helper (the registry it reads for ``--format`` leaves that to a build)."""
    code = (f"import sys, {module}\n"
            "heavy = ('weasyprint', 'pikepdf', 'pypdf', 'ebooklib', 'jinja2',"
            " 'zine.runtime.workers')\n"
            "print(' '.join(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == ""


def resolves(name: str) -> bool:
    """``zine.a.b.c`` names a module, or something a module holds."""
    parts = name.split(".")
    for count in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:count]))
        except ImportError:
            continue
        for attribute in parts[count:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def test_every_zine_name_the_docs_and_docstrings_quote_exists() -> None:
    """``zine.x.y`` quoted in a docstring, a comment or the README names a real module or
    attribute: a module that moves takes its mentions along."""
    quoted = re.compile(r"(?<=`)zine(?:\.[A-Za-z_]\w*)+")
    files = [*MODULES.values(), PACKAGE.parent / "README.md", PACKAGE.parent / "CONTRIBUTING.md"]
    stale = [f"{path.relative_to(PACKAGE.parent)}:{number}: {name}"
             for path in files
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             for name in quoted.findall(line)
             if name not in ("zine.__main__", "zine.yaml") and not resolves(name)]
    assert stale == []
