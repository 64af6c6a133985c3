from __future__ import annotations

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

CODE = "GL906"


@register
class UnterminatedFrontMatter(Rule):
    """Front matter opened with ``---`` on the first line is never closed.

    What it checks: that a closing ``---`` (or ``...``) line follows the opening one.

    Why: without the closing line the whole page is read as front matter (or as text with YAML
    in it), depending on the renderer.

    ```markdown fail
    ---
    title: A page

    # A page
    ```

    ```markdown pass
    ---
    title: A page
    ---

    # A page
    ```
    """

    code = CODE
    emitted_by = (
        "guidelint.frontmatter.split (finding the front matter), with this module's never_closed"
    )
    name = "unterminated-front-matter"
    summary = "The front matter has no closing ---"
    scope = "input"


def never_closed() -> Finding:
    """The finding for a front matter opened on line 1 and never closed."""
    return Finding(
        CODE,
        Span(1, 1, 1, 4),
        "front matter opened by '---' on line 1 is never closed; "
        "add a line '---' after its last key",
    )
