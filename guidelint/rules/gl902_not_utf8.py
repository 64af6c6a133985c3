from __future__ import annotations

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register
from guidelint.rules._input import line_col

CODE = "GL902"


@register
class NotUtf8(Rule):
    """The file is not valid UTF-8.

    What it checks: That the file's bytes decode as UTF-8 (a byte-order mark is allowed). The finding gives the line
    and column of the first byte that does not decode.

    Why: A page saved in another encoding shows garbled characters to readers and cannot be analysed.

    ```markdown fail escaped
    ---\ntitle: Caf\xe9\n---\n
    ```

    ```markdown pass escaped
    ---\ntitle: Caf\xc3\xa9\n---\n
    ```
    """

    code = CODE
    emitted_by = "guidelint.source.decode (bytes to text), with this module's decode_utf8"
    name = "not-utf8"
    summary = "The file is not valid UTF-8"
    scope = "input"


def decode_utf8(data: bytes) -> str | Finding:
    """``data`` as text, or the finding for its first byte that does not decode."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = line_col(data, exc.start)
        bad = data[exc.start : exc.start + 1].hex()
        return Finding(
            CODE,
            Span.point(line, col),
            f"not valid UTF-8: byte 0x{bad} at line {line}, column {col}; save the file as UTF-8",
        )
