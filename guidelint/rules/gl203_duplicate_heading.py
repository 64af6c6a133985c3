from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register
from guidelint.structure import norm_text

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class DuplicateHeading(Rule):
    """Two headings of the same level on one page have the same text.

    What it checks: headings compared by level and by text (case and spacing ignored). Every
    repeat after the first is reported, with the anchor it gets: the renderer gives the second
    ``#requirements-1``, the third ``#requirements-2``, so a link to ``#requirements`` always
    lands on the first one.

    Why: a reader scanning the table of contents cannot tell the sections apart, and links to
    the repeated heading silently go to the wrong place.

    ```markdown fail
    # Certification

    ## Requirements

    For the CMA.

    ## Requirements

    For the RMA.
    ```

    ```markdown pass
    # Certification

    ## CMA requirements

    For the CMA.

    ## RMA requirements

    For the RMA.
    ```
    """

    code = "GL203"
    name = "duplicate-heading"
    summary = "Two headings of the same level have the same text"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        first: dict[tuple[int, str], Any] = {}
        for h in page.headings:
            key = (h.level, norm_text(h.text))
            if not key[1]:
                continue
            if key in first:
                f = first[key]
                yield self.finding(
                    h.span,
                    f"H{h.level} '{h.text}' repeats the heading on line {f.line}; its anchor "
                    f"becomes #{h.anchor}, so links to #{f.anchor} reach only the first one; "
                    "rename one of them or merge the sections",
                )
            else:
                first[key] = h
