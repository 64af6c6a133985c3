from guidelint.registry import Rule, register


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

    code = "GL952"
    emitted_by = "guidelint.suppressions.parse (reading the comments)"
    name = "suppression-without-reason"
    summary = "A suppression comment gives no reason after ' -- '"
    scope = "input"
