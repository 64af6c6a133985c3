from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Span


CODE = "GL907"


@register
class YamlLimits(Rule):
    """The front matter is too large or too complex to read safely.

    What it checks: the front matter's size (``limits.max_front_matter_bytes``), its number of
    values once aliases are expanded (``limits.max_yaml_nodes``, 10,000 by default), recursive
    aliases and extreme nesting.

    Why: a "billion laughs" alias bomb expands a few lines into billions of values; guidelint
    stops at the limit, fast, instead of exhausting memory.

    ```markdown fail
    ---
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    ---
    ```

    ```markdown pass
    ---
    title: A plain page
    related: [one, two]
    ---
    ```
    """

    code = CODE
    emitted_by = (
        "guidelint.frontmatter.parse (reading the YAML, under limits), with this module's builders"
    )
    name = "front-matter-too-complex"
    summary = "The front matter is too large, deep or alias-heavy to read safely"
    scope = "input"


# the deepest nesting of lists and mappings read (a YAML document has no depth limit of its own)
MAX_DEPTH = 64


def too_large(opening: Span, max_bytes: int) -> Finding:
    return Finding(
        CODE,
        opening,
        f"front matter is larger than {max_bytes:,} bytes (limits.max_front_matter_bytes)",
    )


def too_deep_to_read(opening: Span) -> Finding:
    """The finding for front matter the YAML parser itself gave up on (``RecursionError``)."""
    return Finding(CODE, opening, "front matter is nested too deeply to read")


def too_many_values(span: Span, max_nodes: int) -> Finding:
    return Finding(
        CODE,
        span,
        f"front matter expands to more than {max_nodes:,} values "
        "(limits.max_yaml_nodes); aliases may be multiplying it",
    )


def nested_too_deep(span: Span) -> Finding:
    return Finding(CODE, span, f"front matter is nested more than {MAX_DEPTH} levels deep")


def recursive_alias(span: Span) -> Finding:
    return Finding(CODE, span, "front matter contains a recursive alias")


def key_not_plain(span: Span) -> Finding:
    return Finding(CODE, span, "a front-matter key must be a plain word, not a list or mapping")
