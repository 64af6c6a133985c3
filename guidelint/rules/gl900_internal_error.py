from __future__ import annotations

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

CODE = "GL900"


@register
class InternalError(Rule):
    """guidelint failed on this file.

    What it checks: guidelint itself failed while checking the file. The message names the error; please report
    it with the file. The rest of the site is still checked.

    Why: An internal error is a bug in guidelint, never in the page; it is reported instead of a
    traceback so one odd file cannot hide the findings of every other.
    """

    code = CODE
    emitted_by = (
        "guidelint.analysis.analyze (a rule or the page model raised), "
        "with this module's from_exception"
    )
    name = "internal-error"
    summary = "guidelint failed on this file"
    scope = "input"


def from_exception(exc: Exception) -> Finding:
    """The finding for a page whose analysis raised ``exc``."""
    return Finding(
        CODE,
        Span.point(1),
        f"internal error while checking this file ({type(exc).__name__}: {exc}); "
        "please report it with the file",
    )
