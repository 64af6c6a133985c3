from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class HeadingLevelSkip(Rule):
    """A heading is more than one level deeper than the heading before it.

    What it checks: each heading against the one before it: after an H2 comes an H2, an H3 or a
    shallower heading, never an H4. The first heading of the page is not checked here (GL207
    checks the H1).

    Why: screen readers and the table of contents use heading levels to show the page's outline;
    a skipped level makes a section look like it belongs somewhere it does not.

    ```markdown fail
    # Salary

    ## What moves pay

    #### Location

    Pay differs by state.
    ```

    ```markdown pass
    # Salary

    ## What moves pay

    ### Location

    Pay differs by state.
    ```
    """

    code = "GL205"
    name = "heading-level-skip"
    summary = "A heading skips a level (an H4 straight after an H2)"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        prev = None
        for h in page.headings:
            if prev is not None and h.level > prev.level + 1:
                want = prev.level + 1
                yield self.finding(
                    h.span,
                    f"H{h.level} '{h.text}' follows the H{prev.level} on line {prev.line}; "
                    f"make it an H{want} ({'#' * want}) or add the missing level above it",
                )
            prev = h
