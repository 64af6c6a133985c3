"""Source positions inside a block's inline content, and prose built from it with every piece's
position kept (the text of a ``Block`` and its ``segments``)."""

from __future__ import annotations

import bisect

from guidelint.diagnostics import Span


def source_column(part: str, src: str) -> int:
    """0-based column in its source line ``src`` where the content line ``part`` begins."""
    stripped = part.strip()
    if not stripped:
        return len(src) - len(src.lstrip())
    src_r = src.rstrip()
    part_r = part.rstrip()
    if src_r.endswith(part_r):
        return len(src_r) - len(part_r)
    k = src.find(stripped)
    return k - (len(part) - len(part.lstrip())) if k >= 0 else len(src) - len(src.lstrip())


class InlinePositions:
    """Positions inside one inline token's ``content``."""

    def __init__(
        self, content: str, lines: list[str], first_line: int, fixed: list[int] | None = None
    ):
        self.content = content
        self.first_line = first_line  # 0-based file line of content line 0
        parts = content.split("\n")
        self.starts: list[int] = [0]  # content offset where each content line begins
        offset = 0
        for part in parts[:-1]:
            offset += len(part) + 1
            self.starts.append(offset)
        if fixed is not None:
            self.cols = fixed  # 0-based column of each content line in its source line
            return
        n = len(lines)
        self.cols = [
            source_column(part, lines[first_line + i] if first_line + i < n else "")
            for i, part in enumerate(parts)
        ]

    def pos(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a content offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.first_line + i + 1, self.cols[i] + (offset - self.starts[i]) + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.pos(start)
        if end <= start:
            return Span(line, col, line, col + 1)
        eline, ecol = self.pos(end - 1)
        return Span(line, col, eline, ecol + 1)


class ProseBuilder:
    """The prose of one inline token: text pieces, and the source position of each piece."""

    def __init__(self, inline: InlinePositions) -> None:
        self.inline = inline
        self.parts: list[str] = []
        self.length = 0
        self.segments: list[tuple[int, int, int]] = []

    def add(self, text: str, offset: int | None = None) -> None:
        """Add ``text``, found at ``offset`` in the inline content (None: it is not in the source)."""
        if not text:
            return
        if offset is not None:
            line, col = self.inline.pos(offset)
            self.segments.append((self.length, line, col))
        self.parts.append(text)
        self.length += len(text)

    def add_aligned(self, text: str, cursor: int) -> int:
        """Add ``text`` found in the inline content at or after ``cursor``; return the new cursor."""
        content = self.inline.content
        k = content.find(text, cursor)
        if k != -1 and (k - cursor) < 200:
            self.add(text, k)
            return k + len(text)
        # escapes or entities changed the text: align character by character
        for ch in text:
            j = content.find(ch, cursor, cursor + 12)
            if j == -1:
                self.add(ch)
                continue
            self.add(ch, j)
            cursor = j + 1
        return cursor

    def text(self) -> str:
        return "".join(self.parts)
