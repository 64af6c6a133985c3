from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Span


CODE = "GL104"


@register
class DuplicateKey(Rule):
    """The same key appears twice in one front-matter mapping.

    What it checks: every mapping in the front matter, at any depth. The second occurrence is
    reported, with the line of the first.

    Why: YAML loaders keep the last value and drop the first without a word, so an edit to the
    first line has no effect and nobody notices.

    ```markdown fail
    ---
    title: First title
    title: Second title
    ---
    ```

    ```markdown pass
    ---
    title: Only one title
    ---
    ```
    """

    code = CODE
    emitted_by = "guidelint.frontmatter.parse (while the YAML front matter is composed), with this module's duplicate"
    name = "duplicate-front-matter-key"
    summary = "A front-matter key is set twice"


def duplicate(span: Span, key_path: str, first_line: int) -> Finding:
    """The finding for the second ``key_path`` (dotted) of a mapping, first set on ``first_line``."""
    return Finding(
        CODE,
        span,
        f"duplicate key '{key_path}' (first set on line {first_line}); keep one of them",
    )
