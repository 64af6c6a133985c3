from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from guidelint.diagnostics import CommentRemoval, Severity, Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.suppressions import Directive


CODE = "GL950"


@register
class UnusedSuppression(Rule):
    """An inline suppression silences nothing.

    What it checks: every code in a ``guidelint-disable-next-line``, ``guidelint-disable`` or
    ``guidelint-disable-file`` comment must match at least one finding in the lines it covers.
    A code is only judged when its rule ran: with ``--select GL1`` a ``GL401`` suppression is
    left alone. GL950-GL953 findings cannot be suppressed inline (fix the comment, or use
    ``ignore`` / ``per_file_ignores``), so a suppression naming them is always unused. When the
    whole comment is unused and stands on its own line(s), ``--fix`` deletes it.

    Why: a stale suppression hides the next real problem on that line. The writer who fixed the
    sentence should remove the comment too.

    A typical case, with GL401 selected: the sentence below was rewritten and no longer makes
    the claim, so the comment is unused.

    ```markdown
    <!-- guidelint-disable-next-line GL401 -- quoted from the board -->
    Check the rules with your state's medical board.
    ```

    ```markdown fail
    <!-- guidelint-disable-file GL950 -- tried to silence the unused-suppression warning -->
    # A page
    ```

    ```markdown pass
    # A page

    <!-- guidelint-disable-next-line GL401 -- GL401 did not run, so this is not judged -->
    Text.
    ```
    """

    code = CODE
    emitted_by = "guidelint.suppressions.apply (after every rule ran), with this module's unused"
    name = "unused-suppression"
    summary = "An inline suppression matches no finding of a rule that ran"
    severity = Severity.WARNING
    scope = "input"
    fixable = True


def unused(
    directives: Iterable[Directive], ran: frozenset[str], unsuppressable: Iterable[str]
) -> list[Finding]:
    """Findings for the entries of ``directives`` that silenced nothing, once every finding of
    the page went past them: only for codes whose rule ran (``ran``). ``unsuppressable``: the
    codes no directive can silence (these rules' own)."""
    unsuppressable = tuple(unsuppressable)
    findings: list[Finding] = []
    # whether a token names a rule that ran, and one whose findings no directive silences: asked
    # once a token, not once an entry (15,000 directives of 41 codes each took 5 s)

    @cache
    def names_ran(token: str) -> bool:
        return any(c.startswith(token) for c in ran)

    @cache
    def names_meta(token: str) -> bool:
        return any(m.startswith(token) for m in unsuppressable)

    for d in directives:
        idle = [e for e in d.entries if not e.used and names_ran(e.token)]
        if not idle:
            continue
        names = ",".join(e.token for e in idle)
        fix: tuple[CommentRemoval, ...] = ()
        if len(idle) == len(d.entries):
            msg = f"unused suppression: nothing it covers triggers {names}; remove the comment"
            if d.standalone:
                fix = (_removal(d.span, d.text),)
        else:
            msg = f"{names} in this suppression matched nothing; remove {'it' if len(idle) == 1 else 'them'}"
        if any(names_meta(e.token) for e in idle):
            msg += " (GL95x findings cannot be suppressed inline: use ignore or per_file_ignores)"
        findings.append(Finding(CODE, d.span, msg, fix))
    return findings


def _removal(span: Span, text: str) -> CommentRemoval:
    """Delete the line(s) of a standalone comment whose text is ``text`` (applied only if those
    lines hold that comment and nothing else)."""
    return CommentRemoval(Span(span.line, 1, span.end_line + 1, 1), "", comment=text)
