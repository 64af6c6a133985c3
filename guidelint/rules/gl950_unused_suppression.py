from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register


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

    code = "GL950"
    emitted_by = "guidelint.suppressions.apply (after every rule ran)"
    name = "unused-suppression"
    summary = "An inline suppression matches no finding of a rule that ran"
    severity = Severity.WARNING
    scope = "input"
    fixable = True
