"""YAML front matter: split it off the page and compose it with positions.

PyYAML's composer keeps a mark (line, column) on every node. We turn the node tree into plain
data ourselves, so that every key path keeps the span of its key and of its value, so that
timestamps stay strings (JSON Schema checks them as ``format: date``), and so that duplicate
keys, alias bombs and recursive aliases are found instead of silently accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from guidelint.diagnostics import Span
from guidelint.source import Finding

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
    return Split(
        None,
        "",
        [
            Finding(
                "GL906",
                Span(1, 1, 1, 4),
                "front matter opened by '---' on line 1 is never closed; "
                "add a line '---' after its last key",
            )
        ],
    )


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
    def __init__(self, node: Node, message: str, code: str = "GL907") -> None:
        self.node = node
        self.message = message
        self.code = code


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
            raise _Limit(
                node,
                f"front matter expands to more than {self.max_nodes:,} values "
                "(limits.max_yaml_nodes); aliases may be multiplying it",
            )
        if len(path) > 64:
            raise _Limit(node, "front matter is nested more than 64 levels deep")
        if node.tag not in _STANDARD_TAGS:
            raise _Limit(
                node,
                f"YAML tag '{node.tag}' is not allowed in front matter (safe YAML only: "
                "text, numbers, true/false, lists and mappings)",
                code="GL905",
            )
        if isinstance(node, ScalarNode):
            fn = _SCALARS.get(node.tag)
            if fn is not None:
                try:
                    return fn(self.constructor, node)
                except Exception:
                    return node.value
            return node.value  # str, timestamps and unknown tags stay text
        if id(node) in self.active:
            raise _Limit(node, "front matter contains a recursive alias")
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
                        raise _Limit(
                            key_node,
                            "a front-matter key must be a plain word, not a list or mapping",
                        )
                    key_span = _span(key_node, self.line_offset, self.lines)
                    if key in first_seen:
                        first_index, first_span = first_seen[key]
                        first_line = self._written_key_span(node, first_index, first_span).line
                        self.duplicates.append(
                            Finding(
                                "GL104",
                                self._written_key_span(node, index, key_span),
                                f"duplicate key '{_dotted(path + (key,))}' (first set on line "
                                f"{first_line}); keep one of them",
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
        return None, [
            Finding(
                "GL907",
                opening,
                f"front matter is larger than {max_bytes:,} bytes (limits.max_front_matter_bytes)",
            )
        ]
    try:
        node = yaml.compose(yaml_text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = start_line + 1 + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        return None, [
            Finding(
                "GL905",
                Span.point(line, col),
                f"front matter is not valid YAML: {problem}{context}; "
                "check indentation, colons and quotes on this line",
            )
        ]
    except yaml.YAMLError as exc:
        return None, [Finding("GL905", opening, f"front matter is not valid YAML: {exc}")]
    except RecursionError:
        return None, [Finding("GL907", opening, "front matter is nested too deeply to read")]
    if node is None:
        return FrontMatter({}, start_line, end_line), []
    lines = yaml_text.split("\n")
    builder = _Builder(start_line, max_nodes, lines, yaml_text)
    try:
        data = builder.build(node, ())
    except _Limit as exc:
        return None, [
            Finding(
                exc.code,
                _first_line(_span(exc.node, start_line, lines), lines, start_line),
                exc.message,
            )
        ]
    except RecursionError:
        return None, [Finding("GL907", opening, "front matter is nested too deeply to read")]
    if not isinstance(data, dict):
        return None, [
            Finding(
                "GL101",
                _first_line(_span(node, start_line, lines), lines, start_line),
                "front matter must be a mapping of keys to values (key: value lines)",
            )
        ]
    return FrontMatter(data, start_line, end_line, builder.positions), builder.duplicates
