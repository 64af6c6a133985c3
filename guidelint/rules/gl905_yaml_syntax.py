from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Span


CODE = "GL905"


@register
class YamlSyntax(Rule):
    """The front matter is not valid YAML.

    What it checks: that the block between the ``---`` lines parses as YAML (safe YAML only:
    no Python tags). The finding points at the line and column where the parser gave up.

    Why: a renderer that cannot read the front matter drops the page or renders it without a
    title; nothing else about the page can be checked either.

    ```markdown fail
    ---
    title: "An unclosed quote
    type: guide
    ---
    ```

    ```markdown pass
    ---
    title: "A closed quote"
    ---
    ```
    """

    code = CODE
    emitted_by = "guidelint.frontmatter.parse (reading the YAML), with this module's builders"
    name = "front-matter-yaml-syntax"
    summary = "The front matter is not valid YAML"
    scope = "input"


def not_yaml(span: Span, problem: str, context: str | None) -> Finding:
    """The finding for YAML the parser rejected at ``span``: its ``problem`` and ``context``."""
    where = f" ({context})" if context else ""
    return Finding(
        CODE,
        span,
        f"front matter is not valid YAML: {problem}{where}; "
        "check indentation, colons and quotes on this line",
    )


def not_yaml_unplaced(opening: Span, error: Exception) -> Finding:
    """The finding for YAML the parser rejected without saying where (at the opening fence)."""
    return Finding(CODE, opening, f"front matter is not valid YAML: {error}")


def tag_not_allowed(span: Span, tag: str) -> Finding:
    """The finding for a value with a YAML tag outside the safe set (``!!python/object``...)."""
    return Finding(
        CODE,
        span,
        f"YAML tag '{tag}' is not allowed in front matter (safe YAML only: "
        "text, numbers, true/false, lists and mappings)",
    )
