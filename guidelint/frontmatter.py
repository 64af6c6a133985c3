"""YAML front matter: split it off the page and compose it with positions.

PyYAML's composer keeps a mark (line, column) on every node. We turn the node tree into plain
data ourselves, so that every key path keeps the span of its key and of its value, so that
timestamps stay strings (JSON Schema checks them as ``format: date``), and so that duplicate
keys, alias bombs and recursive aliases are found instead of silently accepted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.rules import gl101_invalid_value as invalid_value
from guidelint.rules import gl104_duplicate_key as duplicate_key
from guidelint.rules import gl905_yaml_syntax as yaml_syntax
from guidelint.rules import gl906_unterminated_front_matter as unterminated
from guidelint.rules import gl907_yaml_limits as yaml_limits

FENCE_RE = re.compile(r"^---[ \t]*$")
CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")

Path_ = tuple[Any, ...]  # a key path: ("sources", 0, "url")

# libyaml's composer is about ten times faster than the pure-Python one and keeps the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Position:
    key: Span  # the key; for a list item, the item's first line
    value: Span


@dataclass
class FrontMatter:
    data: dict[str, Any]
    start_line: int  # the opening --- (1-based)
    end_line: int  # the closing --- (1-based)
    positions: dict[tuple[Any, ...], Position] = field(default_factory=dict)

    @property
    def opening(self) -> Span:
        return Span(self.start_line, 1, self.start_line, 4)

    def key_span(self, path: tuple[Any, ...]) -> Span:
        """The span of the key at ``path`` (its value for list items), else its nearest parent's."""
        path = tuple(path)
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return pos.key or pos.value
            path = path[:-1]
        return self.opening

    def value_span(self, path: tuple[Any, ...]) -> Span:
        path = tuple(path)
        while path:
            pos = self.positions.get(path)
            if pos is not None:
                return pos.value
            path = path[:-1]
        return self.opening


@dataclass
class Split:
    front_matter_lines: tuple[int, int] | None  # (opening, closing) 1-based, inclusive
    yaml_text: str
    findings: list[Finding]


def split(lines: list[str]) -> Split:
    """Find the front matter block. It must start on the first line."""
    if not lines or not FENCE_RE.match(lines[0]):
        return Split(None, "", [])
    for i in range(1, len(lines)):
        if CLOSE_RE.match(lines[i]):
            return Split((1, i + 1), "\n".join(lines[1:i]) + "\n", [])
    return Split(None, "", [unterminated.never_closed()])


def _span(node: Node, line_offset: int, lines: list[str] | None = None) -> Span:
    s, e = node.start_mark, node.end_mark
    if e.line > s.line and e.column == 0:  # block values end at the start of the next line
        last = e.line - 1
        width = len(lines[last]) if lines is not None and last < len(lines) else s.column + 1
        return Span(s.line + line_offset + 1, s.column + 1, last + line_offset + 1, width + 1)
    return Span(
        s.line + line_offset + 1,
        s.column + 1,
        e.line + line_offset + 1,
        max(e.column + 1, s.column + 2),
    )


def _first_line(span: Span, lines: list[str], line_offset: int) -> Span:
    """The part of ``span`` on its first line (for list items that run over several lines)."""
    if span.end_line == span.line:
        return span
    text = (
        lines[span.line - line_offset - 1] if 0 <= span.line - line_offset - 1 < len(lines) else ""
    )
    return Span(span.line, span.column, span.line, max(len(text.rstrip()) + 1, span.column + 1))


_STANDARD_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
}


class _Limit(Exception):
    """A node the composition stops at: ``finding`` makes the finding from the node's span."""

    def __init__(self, node: Node, finding: Callable[[Span], Finding]) -> None:
        self.node = node
        self.finding = finding


_SCALARS = {
    "tag:yaml.org,2002:int": SafeConstructor.construct_yaml_int,
    "tag:yaml.org,2002:float": SafeConstructor.construct_yaml_float,
    "tag:yaml.org,2002:bool": SafeConstructor.construct_yaml_bool,
    "tag:yaml.org,2002:null": SafeConstructor.construct_yaml_null,
}


class _Builder:
    def __init__(
        self, line_offset: int, max_nodes: int, lines: list[str], yaml_text: str = ""
    ) -> None:
        self.lines = lines
        self.yaml_text = yaml_text
        self._key_marks: dict[tuple[Any, ...], Any] | None = None
        self.line_offset = line_offset
        self.max_nodes = max_nodes
        self.count = 0
        self.positions: dict[tuple[Any, ...], Position] = {}
        self.duplicates: list[Finding] = []
        self.constructor = SafeConstructor()
        self.active: set[int] = set()

    def build(self, node: Node, path: tuple[Any, ...]) -> Any:
        self.count += 1
        if self.count > self.max_nodes:
            max_nodes = self.max_nodes
            raise _Limit(node, lambda span: yaml_limits.too_many_values(span, max_nodes))
        if len(path) > yaml_limits.MAX_DEPTH:
            raise _Limit(node, yaml_limits.nested_too_deep)
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag
            raise _Limit(node, lambda span: yaml_syntax.tag_not_allowed(span, tag))
        if isinstance(node, ScalarNode):
            fn = _SCALARS.get(node.tag)
            if fn is not None:
                try:
                    return fn(self.constructor, node)
                except Exception:
                    return node.value
            return node.value  # str, timestamps and unknown tags stay text
        if id(node) in self.active:
            raise _Limit(node, yaml_limits.recursive_alias)
        self.active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                out = []
                for i, item in enumerate(node.value):
                    item_span = _span(item, self.line_offset, self.lines)
                    self.positions[path + (i,)] = Position(
                        _first_line(item_span, self.lines, self.line_offset), item_span
                    )
                    out.append(self.build(item, path + (i,)))
                return out
            if isinstance(node, MappingNode):
                result: dict[Any, Any] = {}
                first_seen: dict[Any, tuple[int, Span]] = {}
                for index, (key_node, value_node) in enumerate(node.value):
                    key = self.build(key_node, path)
                    if isinstance(key, (list, dict)):
                        raise _Limit(key_node, yaml_limits.key_not_plain)
                    key_span = _span(key_node, self.line_offset, self.lines)
                    if key in first_seen:
                        first_index, first_span = first_seen[key]
                        first_line = self._written_key_span(node, first_index, first_span).line
                        self.duplicates.append(
                            duplicate_key.duplicate(
                                self._written_key_span(node, index, key_span),
                                _dotted(path + (key,)),
                                first_line,
                            )
                        )
                        continue
                    first_seen[key] = (index, key_span)
                    self.positions[path + (key,)] = Position(
                        key_span, _span(value_node, self.line_offset, self.lines)
                    )
                    result[key] = self.build(value_node, path + (key,))
                return result
        finally:
            self.active.discard(id(node))
        return None  # pragma: no cover

    def _written_key_span(self, mapping: MappingNode, index: int, composed: Span) -> Span:
        """Where the key of pair ``index`` of ``mapping`` is written. A key made with an alias
        (``*name:``) is composed into the anchored node itself, whose marks are the anchor's: the
        events of the text still have the alias's own place. Read only for a duplicate key."""
        if self._key_marks is None:
            self._key_marks = {}
            try:
                stack: list[
                    list[Any]
                ] = []  # per open collection: [start mark, is a mapping, count]
                for event in yaml.parse(self.yaml_text, Loader=_LOADER):
                    if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                        stack.pop()
                        continue
                    if not isinstance(event, yaml.NodeEvent):
                        continue
                    if stack:
                        top = stack[-1]
                        if top[1] and top[2] % 2 == 0:  # a key of the mapping
                            mark = top[0]
                            self._key_marks[(mark.line, mark.column, top[2] // 2)] = event
                        top[2] += 1
                    if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                        stack.append(
                            [event.start_mark, isinstance(event, yaml.MappingStartEvent), 0]
                        )
            except yaml.YAMLError:  # pragma: no cover - the same text composed without error
                pass
        start = mapping.start_mark
        alias = self._key_marks.get((start.line, start.column, index))
        if not isinstance(alias, yaml.AliasEvent):
            return composed
        s, e = alias.start_mark, alias.end_mark
        assert s is not None and e is not None  # parsed from text: every event has its marks
        offset = self.line_offset + 1
        return Span(s.line + offset, s.column + 1, e.line + offset, max(e.column + 1, s.column + 2))


def _dotted(path: tuple[Any, ...]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted


def parse(
    yaml_text: str, start_line: int, end_line: int, max_nodes: int, max_bytes: int
) -> tuple[FrontMatter | None, list[Finding]]:
    """Compose the YAML between the fences. ``start_line`` is the opening fence (1-based)."""
    opening = Span(start_line, 1, start_line, 4)
    if len(yaml_text.encode("utf-8")) > max_bytes:
        return None, [yaml_limits.too_large(opening, max_bytes)]
    try:
        node = yaml.compose(yaml_text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = start_line + 1 + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or "invalid YAML"
        return None, [yaml_syntax.not_yaml(Span.point(line, col), problem, exc.context)]
    except yaml.YAMLError as exc:
        return None, [yaml_syntax.not_yaml_unplaced(opening, exc)]
    except RecursionError:
        return None, [yaml_limits.too_deep_to_read(opening)]
    if node is None:
        return FrontMatter({}, start_line, end_line), []
    lines = yaml_text.split("\n")
    builder = _Builder(start_line, max_nodes, lines, yaml_text)
    try:
        data = builder.build(node, ())
    except _Limit as exc:
        return None, [
            exc.finding(_first_line(_span(exc.node, start_line, lines), lines, start_line))
        ]
    except RecursionError:
        return None, [yaml_limits.too_deep_to_read(opening)]
    if not isinstance(data, dict):
        span = _first_line(_span(node, start_line, lines), lines, start_line)
        return None, [invalid_value.not_a_mapping(span)]
    return FrontMatter(data, start_line, end_line, builder.positions), builder.duplicates
