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
class EmptySection(Rule):
    """A heading is followed by nothing before the next heading of the same or a higher level.

    What it checks: each section holds at least one block (a paragraph, list, table, code block,
    quote) or a sub-section. An HTML comment alone does not count.

    Why: an empty section is a placeholder that shipped; the table of contents promises
    something the page does not have.

    ```markdown fail
    # Salary

    ## What moves pay

    ## Where to find pay data

    The Bureau of Labor Statistics publishes it.
    ```

    ```markdown pass
    # Salary

    ## What moves pay

    Location, setting and experience.

    ## Where to find pay data

    The Bureau of Labor Statistics publishes it.
    ```
    """

    code = "GL204"
    name = "empty-section"
    summary = "A heading has no content before the next heading of its level"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        children = {sec.parent for sec in page.sections if sec.parent is not None}
        for i, sec in enumerate(page.sections):
            if sec.blocks or i in children:
                continue
            h = page.headings[sec.heading]
            yield self.finding(
                h.span, f"section '{h.text}' is empty; write its content or remove the heading"
            )
