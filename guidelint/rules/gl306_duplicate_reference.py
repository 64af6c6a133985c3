from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class DuplicateReference(Rule):
    """A reference label is defined more than once.

    What it checks: reference definitions with the same label (case and spacing ignored). The
    first definition wins in CommonMark; every later one is reported.

    Why: the later definition is dead; whoever edits it to fix a link changes nothing on the page.

    ```markdown fail
    # Salary

    Pay data comes from the [BLS][bls].

    [bls]: https://www.bls.gov/
    [BLS]: https://www.bls.gov/oes/
    ```

    ```markdown pass
    # Salary

    Pay data comes from the [BLS][bls].

    [bls]: https://www.bls.gov/
    ```
    """

    code = "GL306"
    name = "duplicate-reference"
    summary = "A reference label is defined more than once"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        first: dict[str, Any] = {}
        for d in page.definitions:
            if d.label in first:
                f = first[d.label]
                yield self.finding(
                    d.span,
                    f"[{d.raw_label}] is already defined on line {f.span.line} (that one "
                    f"wins: {f.target}); delete this definition or give it another label",
                )
            else:
                first[d.label] = d
