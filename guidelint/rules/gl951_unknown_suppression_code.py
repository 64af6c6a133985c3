from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Span


CODE = "GL951"


@register
class UnknownSuppressionCode(Rule):
    """A suppression names a code that no rule has.

    What it checks: every code or prefix in a ``guidelint-disable...`` or ``guidelint-enable``
    comment must belong to a rule listed by ``guidelint rules`` (claim-pack rules included).

    Why: a typo such as ``GL4O1`` (a letter O) or a code from another linter silences nothing
    and misleads the next reader of the page.

    ```markdown fail
    <!-- guidelint-disable-next-line GL999 -- no such rule -->
    # A page
    ```

    ```markdown pass
    <!-- guidelint-disable-next-line GL101 -- a known code -->
    # A page
    ```
    """

    code = CODE
    emitted_by = (
        "guidelint.suppressions.parse (reading the comments), with this module's check_known"
    )
    name = "unknown-code-in-suppression"
    summary = "A suppression names a code that no rule has"
    scope = "input"


def check_known(span: Span, token: str, directive: str, codes: Iterable[str]) -> Finding | None:
    """The finding for a code or prefix ``token`` that none of the rule ``codes`` starts with."""
    if any(code.startswith(token) for code in codes):
        return None
    return Finding(
        CODE,
        span,
        f"{token} in {directive}: no rule has this code or prefix "
        "(see 'guidelint rules'); correct or remove it",
    )
