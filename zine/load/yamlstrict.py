"""Load stage: strict YAML for front matter, issue.yaml, zine.yaml and coops.yaml.

Called by ``zine.load.loader`` only; reads no files (it gets text). PyYAML's parser and composer
give nodes with positions; the values are built here, not by PyYAML's constructors, so that:

* anchors, aliases, merge keys (``<<``) and explicit tags are errors (no alias bombs, no objects);
* duplicate keys are errors (PyYAML keeps the last one silently);
* every scalar stays a string (``no``, ``1.10``, ``010``, ``2024-02-30`` are kept as written)
  until the schema in the loader converts it; a plain empty value, ``~`` or ``null`` is None;
* every error is a diagnostic at ``path:line:col`` (front matter lines offset by its start).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from zine.diagnostics import Diagnostic, codes, make
from zine.model import Position

MAX_DEPTH = 16  # front matter is shallow; deeper nesting is a mistake or an attack
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})


@dataclass
class YMap:
    """A YAML mapping: string keys, values in order, and where each key and value is."""

    pos: Position
    items: dict[str, Value] = field(default_factory=dict)
    keys: dict[str, Position] = field(default_factory=dict)
    values: dict[str, Position] = field(default_factory=dict)


@dataclass
class YList:
    pos: Position
    items: list[Value] = field(default_factory=list)
    positions: list[Position] = field(default_factory=list)


Value = Union[str, None, YMap, YList]  # noqa: UP007  (used at run time by the dataclasses)


class _Refused(yaml.MarkedYAMLError):
    """A construct the strict loader does not accept; ``code`` and ``values`` say which."""

    def __init__(self, code: str, mark: Any, **values: str) -> None:
        super().__init__(problem_mark=mark)
        self.code = code
        self.values = values


class _StrictLoader(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's composer with no implicit types, refusing anchors, aliases and tags."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        """Refuse the ``[`` or ``{`` that nests too deeply, where it is written: the scanner
        runs ahead of the composer and slows down quadratically with flow nesting."""
        if self.flow_level >= MAX_DEPTH:
            raise _Refused(codes.YAML_SYNTAX, self.get_mark(), problem=_too_deep())
        super().fetch_flow_collection_start(TokenClass)

    depth = 0  # nodes being composed around the current one; the document's node is at 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()
        if self.depth > MAX_DEPTH:
            return self._skip_node()
        if isinstance(event, AliasEvent):
            raise _Refused(codes.YAML_ALIAS, event.start_mark, found=f"*{event.anchor}")
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused(codes.YAML_ALIAS, event.start_mark, found=f"&{anchor}")
        tag = getattr(event, "tag", None)
        if tag is not None:
            shown = tag.replace("tag:yaml.org,2002:", "!!", 1)
            raise _Refused(codes.YAML_TAG, event.start_mark, tag=shown)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def _skip_node(self) -> Node:
        """Read past a node nested too deeply, without recursion (PyYAML's composer recurses
        once per level, so 5000 ``[`` would overflow the stack); the builder reports it at the
        placeholder's position, where the nesting goes too deep."""
        start = self.peek_event().start_mark
        open_collections = 0
        while True:
            event = self.get_event()
            if isinstance(event, CollectionStartEvent):
                open_collections += 1
            elif isinstance(event, CollectionEndEvent):
                open_collections -= 1
            if open_collections == 0:
                return ScalarNode("", "", start, event.end_mark)


def parse_yaml(text: str, path: Path, first_line: int = 1) -> tuple[Value, list[Diagnostic]]:
    """The value of the YAML document ``text`` and the problems found in it.

    ``first_line`` is the file line on which ``text`` starts. On a syntax error the value is
    None and the one diagnostic says where.
    """
    loader: _StrictLoader | None = None
    try:
        loader = _StrictLoader(text)
        node = loader.get_single_node()
    except _Refused as refused:
        return None, [make(refused.code, _mark_pos(refused.problem_mark, path, first_line),
                           **refused.values)]
    except yaml.MarkedYAMLError as error:
        problem = _problem(error, first_line)
        mark = error.problem_mark or error.context_mark
        return None, [make(codes.YAML_SYNTAX, _mark_pos(mark, path, first_line),
                           problem=problem)]
    except yaml.reader.ReaderError as error:
        pos = _offset_pos(text, error.position, path, first_line)
        return None, [make(codes.YAML_SYNTAX, pos, problem=f"character U+{error.character:04X} "
                           "is not allowed in YAML")]
    except (yaml.YAMLError, RecursionError) as error:
        reason = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        return None, [make(codes.YAML_SYNTAX, Position(path, first_line, 1), problem=reason)]
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:
        return None, []
    builder = _Builder(path, first_line)
    return builder.build(node, 0), builder.diagnostics


def _problem(error: yaml.MarkedYAMLError, first_line: int) -> str:
    """PyYAML's words, with the line where the unfinished construct started."""
    context = error.context or ""
    if context and error.context_mark is not None and error.problem_mark is not None \
            and error.context_mark.line != error.problem_mark.line:
        context += f" (started on line {first_line + error.context_mark.line})"
    return " ".join(p for p in (context, error.problem) if p) or "invalid YAML"


def _mark_pos(mark: yaml.Mark | None, path: Path, first_line: int) -> Position:
    if mark is None:
        return Position(path, first_line, 1)
    return Position(path, first_line + mark.line, mark.column + 1)


def _offset_pos(text: str, offset: int, path: Path, first_line: int) -> Position:
    before = text[:offset]
    line = before.count("\n")
    col = offset - (before.rfind("\n") + 1) + 1
    return Position(path, first_line + line, col)


class _Builder:
    """Turns composed nodes into ``Value``s, collecting every problem it meets."""

    def __init__(self, path: Path, first_line: int) -> None:
        self.path = path
        self.first_line = first_line
        self.diagnostics: list[Diagnostic] = []

    def pos(self, node: Node) -> Position:
        return _mark_pos(node.start_mark, self.path, self.first_line)

    def build(self, node: Node, depth: int) -> Value:
        if depth > MAX_DEPTH:
            self.diagnostics.append(make(codes.YAML_SYNTAX, self.pos(node),
                                         problem=_too_deep()))
            return None
        if isinstance(node, ScalarNode):
            if node.style is None and node.value in _NULLS:
                return None
            return str(node.value)
        if isinstance(node, SequenceNode):
            seq = YList(self.pos(node))
            for item in node.value:
                seq.items.append(self.build(item, depth + 1))
                seq.positions.append(self.pos(item))
            return seq
        if isinstance(node, MappingNode):
            return self.build_mapping(node, depth)
        return None  # not reached: the composer makes only these three kinds

    def build_mapping(self, node: MappingNode, depth: int) -> YMap:
        mapping = YMap(self.pos(node))
        for key_node, value_node in node.value:
            key_pos = self.pos(key_node)
            if not isinstance(key_node, ScalarNode):
                found = "a list" if isinstance(key_node, SequenceNode) else "a mapping"
                self.diagnostics.append(make(codes.YAML_KEY, key_pos, found=found))
                continue
            key = str(key_node.value)
            if key == "<<" and key_node.style is None:
                self.diagnostics.append(make(codes.YAML_MERGE, key_pos))
                continue
            if key in mapping.keys:
                self.diagnostics.append(make(codes.YAML_DUPLICATE, key_pos, key=key,
                                             line=mapping.keys[key].line))
                continue
            mapping.keys[key] = key_pos
            mapping.values[key] = self.pos(value_node)
            mapping.items[key] = self.build(value_node, depth + 1)
        return mapping


def _too_deep() -> str:
    return f"nested more than {MAX_DEPTH} levels deep"


def describe(value: Value) -> str:
    """How a value reads in a message: 'a list', 'a mapping', 'nothing' or the text quoted."""
    if value is None:
        return "nothing"
    if isinstance(value, YList):
        return "a list"
    if isinstance(value, YMap):
        return "a mapping"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return repr(shown)
