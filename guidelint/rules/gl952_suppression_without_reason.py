from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Span


CODE = "GL952"


@register
class SuppressionWithoutReason(Rule):
    """A suppression gives no reason.

    What it checks: a ``guidelint-disable...`` comment must end with `` -- `` and a reason,
    e.g. ``<!-- guidelint-disable-next-line GL401 -- quoted from the statute -->``. Turn this
    off with ``[tool.guidelint.suppressions] require_reason = false``. ``guidelint-enable``
    needs no reason.

    Why: a reviewer has to judge whether the exception is right, and a writer a year later has
    to know whether it still is.

    ```markdown fail
    <!-- guidelint-disable-next-line GL101 -->
    # A page
    ```

    ```markdown pass
    <!-- guidelint-disable-next-line GL101 -- the heading repeats the law's own title -->
    # A page
    ```
    """

    code = CODE
    emitted_by = (
        "guidelint.suppressions.parse (reading the comments), with this module's check_reason"
    )
    name = "suppression-without-reason"
    summary = "A suppression comment gives no reason after ' -- '"
    scope = "input"


def check_reason(
    span: Span, directive: str, tokens: list[str], reason: str | None, required: bool
) -> Finding | None:
    """The finding for a directive without a reason, when ``suppressions.require_reason``."""
    if not required or reason:
        return None
    return Finding(
        CODE,
        span,
        f"{directive} {','.join(tokens)} gives no reason; add one after "
        "' -- ', e.g. -- quoted from the state law",
    )
