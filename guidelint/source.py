"""Reading a file's bytes into text, the first stage of the page model.

``decode`` never raises: it returns the text (byte-order mark removed, CRLF and CR turned into
LF) or ``None`` with the finding that stopped it. The checks themselves, and the wording of their
findings, belong to their rules: file size (``gl908_file_too_large``), empty file
(``gl904_empty_file``), binary file (``gl903_binary_file``) and encoding (``gl902_not_utf8``);
this stage runs them in that order.
"""

from __future__ import annotations

from guidelint.finding import Finding as Finding  # (its home before guidelint.finding)
from guidelint.rules import gl902_not_utf8 as not_utf8
from guidelint.rules import gl903_binary_file as binary_file
from guidelint.rules import gl904_empty_file as empty_file
from guidelint.rules import gl908_file_too_large as file_too_large

BOM = b"\xef\xbb\xbf"

SOURCE_LINE_MAX = 500  # a longer source line is not shown under its finding (the text report)


def decode(data: bytes, max_bytes: int) -> tuple[str | None, list[Finding]]:
    problem = file_too_large.check_size(len(data), max_bytes)
    if problem is not None:
        return None, [problem]
    if data.startswith(BOM):
        data = data[len(BOM) :]
    problem = empty_file.check_bytes(data) or binary_file.check_bytes(data)
    if problem is not None:
        return None, [problem]
    text = not_utf8.decode_utf8(data)
    if isinstance(text, Finding):
        return None, [text]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, []
