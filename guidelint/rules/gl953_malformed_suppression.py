from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.diagnostics import Span


CODE = "GL953"


@register
class MalformedSuppression(Rule):
    """A suppression comment cannot be understood.

    What it checks: an HTML comment starting with ``guidelint-`` must be one of
    ``guidelint-disable-next-line``, ``guidelint-disable``, ``guidelint-enable`` or
    ``guidelint-disable-file``, followed by rule codes or prefixes (comma- or space-separated)
    and `` -- reason``. Also reported: a directive naming no code (blanket suppressions are
    not allowed), a ``guidelint-enable`` with no open ``guidelint-disable`` for its codes, and a
    ``guidelint-disable`` block that is never closed (it still runs to the end of the file; if
    that is what you want, say so with ``guidelint-disable-file``).

    Why: a misspelt directive silently does nothing, and an unclosed block silently hides every
    later finding of the page.

    ```markdown fail
    <!-- guidelint-ignore GL101 -- not a directive -->
    # A page
    ```

    ```markdown fail
    <!-- guidelint-disable GL101 -- a table copied from the source -->
    # A page
    ```

    ```markdown pass
    <!-- guidelint-disable GL101 -- a table copied from the source -->
    # A page
    <!-- guidelint-enable GL101 -->
    ```
    """

    code = CODE
    emitted_by = "guidelint.suppressions.parse (reading the comments), with this module's builders"
    name = "malformed-suppression"
    summary = "A guidelint- comment is not a valid directive, or a disable block is never closed"
    severity = Severity.WARNING
    scope = "input"


def unknown_directive(span: Span, word: str, directives: Iterable[str]) -> Finding:
    """A comment starting with the prefix whose directive is none of ``directives``."""
    return Finding(CODE, span, f"unknown directive '{word}'; write one of " + ", ".join(directives))


def not_a_code(span: Span, token: str, directive: str) -> Finding:
    """A word among a directive's codes that is not a code or prefix (a reason without ' -- ')."""
    return Finding(
        CODE,
        span,
        f"'{token}' in {directive} is not a rule code or prefix (such as "
        "GL401 or GL4); put the reason after ' -- '",
    )


def names_no_rule(span: Span, directive: str) -> Finding:
    return Finding(
        CODE,
        span,
        f"{directive} names no rule; name the codes to silence, e.g. "
        f"<!-- {directive} GL401 -- reason -->",
    )


def enable_without_block(span: Span, enable: str, disable: str) -> Finding:
    """An ``enable`` naming no code, with no ``disable`` block open."""
    return Finding(CODE, span, f"{enable} without an open {disable} block; remove it")


def enable_unmatched(span: Span, enable: str, disable: str, token: str) -> Finding:
    """An ``enable`` naming a code that no open ``disable`` block names."""
    return Finding(
        CODE,
        span,
        f"{enable} {token} without an open {disable} {token} "
        "block; the codes must match the disable comment's",
    )


def never_closed(span: Span, token: str, prefix: str) -> Finding:
    """A ``disable`` block of ``token`` that no ``enable`` closes (``prefix``: "guidelint-")."""
    return Finding(
        CODE,
        span,
        f"{prefix}disable {token} is never closed, so it runs to the end of the "
        f"file; add <!-- {prefix}enable {token} --> where it should end, or use "
        f"{prefix}disable-file",
    )
