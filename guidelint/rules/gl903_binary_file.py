from __future__ import annotations

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register
from guidelint.rules._input import line_col

CODE = "GL903"


@register
class BinaryFile(Rule):
    """The file looks binary (it has NUL bytes).

    What it checks: That the file has no NUL byte: a Markdown page never has one, a picture or a document does.

    Why: A binary file with a .md name is a mistake (a renamed image, a corrupt save); parsing it would
    only produce noise.

    ```markdown fail escaped
    ---\ntitle: x\n---\n\x00\x01\x02\n
    ```

    ```markdown pass escaped
    ---\ntitle: x\n---\nText.\n
    ```
    """

    code = CODE
    emitted_by = "guidelint.source.decode (bytes to text), with this module's check_bytes"
    name = "binary-file"
    summary = "The file looks binary (it has NUL bytes)"
    scope = "input"


def check_bytes(data: bytes) -> Finding | None:
    """The finding for the first NUL byte of ``data``, if it has one."""
    nul = data.find(b"\x00")
    if nul == -1:
        return None
    line, col = line_col(data, nul)
    return Finding(
        CODE,
        Span.point(line, col),
        f"file looks binary (a NUL byte at line {line}, column {col}); "
        "only Markdown text pages belong in the content root",
    )
