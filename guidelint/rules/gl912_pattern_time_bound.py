from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.saferegex import TimedOut


CODE = "GL912"


@register
class PatternTimeBound(Rule):
    """A regular expression of the site's own claims pack or schema ran out of time on this page.

    What it checks: the regular expressions a site supplies (``re:`` parts and ``applies_to``
    patterns of the packs in ``claims.packs``; ``pattern`` and ``patternProperties`` of the
    schemas) run with a time bound: one second for all of them together on each page. A call
    that runs out is stopped and counts as no match: the finding names the expression, its file
    and line, and the page line of the text it ran on; the page's other such expressions are then
    skipped, and one more finding says so. The rest of the report is complete, and the exit code
    is 1 as for any error finding: the configuration is valid, but this expression cannot be
    relied on for this text, so what it decides here (a claim, a value's format) was not checked.

    Why: when a pack or schema loads, expressions that can backtrack exponentially are refused
    (exit code 2), but polynomial ones pass: ``.*a.*b.*c`` or ``.*[ab].*[ab].*[ab]\\d`` look for
    a match in a number of steps that grows as a power of the text's length (600 characters took
    three minutes with Python's ``re``). Rewrite the expression so that each part can only match
    one way (a character class that excludes what follows, instead of ``.*``), or anchor it.

    Example: a site pack whose rule has ``claims: ['re:.*[ab].*[ab].*[ab]\\d']``, on a page with a
    sentence of a few thousand ``a`` and ``b``: GL912 at that sentence's line, naming the pack
    file and the rule's line. The built-in pack's expressions are not bounded this way: they are
    part of guidelint and measured with it.
    """

    code = CODE
    emitted_by = (
        "guidelint.analysis.analyze (after the page rules, from what guidelint.saferegex.CLOCK "
        "recorded), with this module's findings_for"
    )
    name = "pattern-time-bound"
    summary = "A regular expression of the site's pack or schema ran out of time on this page"
    scope = "input"


def findings_for(events: list[TimedOut], default_line: int) -> list[Finding]:
    """A finding for each expression that ran out of time, and one for the expressions skipped
    after that, at the page line of the text (``default_line`` when it is not known)."""
    out: list[Finding] = []
    seen: set[tuple[str, str, int]] = set()
    for e in events:
        line = e.line or default_line
        key = (e.origin, e.pattern, line) if not e.skipped else ("", "", -1)
        if key in seen:
            continue
        seen.add(key)
        shown = e.pattern if len(e.pattern) <= 80 else e.pattern[:77] + "..."
        if e.skipped:
            message = (
                "the time for the site's own regular expressions on this page (1 s) ran out: "
                f"from here on they were not run (first skipped: \u201c{shown}\u201d, {e.origin})"
            )
        else:
            message = (
                f"the regular expression \u201c{shown}\u201d ({e.origin}) ran out of time on this "
                "text and "
                "was stopped (counted as no match); rewrite it so that each part can match only "
                "one way, e.g. a character class instead of .*"
            )
        out.append(Finding(CODE, Span.point(line), message))
    return out
