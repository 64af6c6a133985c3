from __future__ import annotations

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

CODE = "GL904"


@register
class EmptyFile(Rule):
    """The file is empty (or only white space).

    What it checks: that a Markdown file under the content root has content.

    Why: an empty page is published as a blank page, or breaks the build; it is usually a file
    created and forgotten.

    ```markdown fail
    ```

    ```markdown pass
    ---
    title: Something
    ---
    ```
    """

    code = CODE
    emitted_by = "guidelint.source.decode (bytes to text), with this module's check_bytes"
    name = "empty-file"
    summary = "The file is empty"
    scope = "input"


def check_bytes(data: bytes) -> Finding | None:
    """The finding for ``data`` (without its byte-order mark) that holds only white space."""
    if data.strip():
        return None
    return Finding(CODE, Span.point(1), "file is empty; write the page or delete the file")
