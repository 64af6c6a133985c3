from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register
from guidelint.slug import normalize_label

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class UnusedReference(Rule):
    """A reference definition (``[label]: target``) is never used.

    What it checks: each reference definition against the reference-style links and images of
    the page (``[text][label]``, ``[label][]``, ``[label]``); labels compare without regard to
    case or spacing, as CommonMark does.

    Why: an unused definition is usually the remains of a deleted link or a typo in the label of
    the link that should use it (see GL312); it also hides stale URLs from review.

    ```markdown fail
    # Salary

    Pay data comes from the [BLS][bls].

    [bls]: https://www.bls.gov/
    [onet]: https://www.onetonline.org/
    ```

    ```markdown pass
    # Salary

    Pay data comes from the [BLS][bls] and [O*NET].

    [bls]: https://www.bls.gov/
    [o*net]: https://www.onetonline.org/
    ```
    """

    code = "GL305"
    name = "unused-reference"
    summary = "A reference definition is never used"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        if page.cache.get("generated_references"):
            return  # template tags write definitions and links: which are used is unknown
        used = set(page.cache.get("used_labels", ()))
        for link in page.links:
            if link.style == "reference" and link.label:
                used.add(normalize_label(link.label))
        seen = set()
        for d in page.definitions:
            if d.label in used or d.label in seen:
                continue  # a repeat is GL306's
            seen.add(d.label)
            yield self.finding(
                d.span,
                f"reference definition [{d.raw_label}] is never used; use it in a link "
                f"([text][{d.raw_label}]) or delete it",
            )
