"""Shared by the input rules (GL9xx) that point into a file's bytes."""

from __future__ import annotations


def line_col(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of byte ``offset`` in ``data``; the column counts bytes."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1
