from guidelint.registry import Rule, register


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

    code = "GL951"
    emitted_by = "guidelint.suppressions.parse (reading the comments)"
    name = "unknown-code-in-suppression"
    summary = "A suppression names a code that no rule has"
    scope = "input"
