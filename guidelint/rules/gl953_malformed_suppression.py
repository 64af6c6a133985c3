from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register


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

    code = "GL953"
    emitted_by = "guidelint.suppressions.parse (reading the comments)"
    name = "malformed-suppression"
    summary = "A guidelint- comment is not a valid directive, or a disable block is never closed"
    severity = Severity.WARNING
    scope = "input"
