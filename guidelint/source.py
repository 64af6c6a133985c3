"""Reading a file's bytes into text: the GL9xx input checks live here.

``decode`` never raises: it returns the text (BOM removed, CRLF and CR turned into LF) or
``None`` with the input problems found (code, span, message).
"""

from __future__ import annotations

from dataclasses import dataclass

from guidelint.diagnostics import Edit, PickleAsTuple, Span


@dataclass(frozen=True, slots=True)
class Finding(PickleAsTuple):
    """What a check found on one page, before path and severity are attached."""

    code: str
    span: Span
    message: str
    fix: tuple[Edit, ...] = ()


BOM = b"\xef\xbb\xbf"


def _line_col(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


SOURCE_LINE_MAX = 500  # a longer source line is not shown under its finding (the text report)


def decode(data: bytes, max_bytes: int) -> tuple[str | None, list[Finding]]:
    if len(data) > max_bytes:
        return None, [
            Finding(
                "GL908",
                Span.point(1),
                f"file is {len(data):,} bytes, over the limit of {max_bytes:,} "
                "(limits.max_file_bytes); split the page or raise the limit",
            )
        ]
    if data.startswith(BOM):
        data = data[len(BOM) :]
    if not data.strip():
        return None, [
            Finding("GL904", Span.point(1), "file is empty; write the page or delete the file")
        ]
    nul = data.find(b"\x00")
    if nul != -1:
        line, col = _line_col(data, nul)
        return None, [
            Finding(
                "GL903",
                Span.point(line, col),
                f"file looks binary (a NUL byte at line {line}, column {col}); "
                "only Markdown text pages belong in the content root",
            )
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        return None, [
            Finding(
                "GL902",
                Span.point(line, col),
                f"not valid UTF-8: byte 0x{bad} at line {line}, column {col}; "
                "save the file as UTF-8",
            )
        ]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []
