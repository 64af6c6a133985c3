from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class MultipleH1(Rule):
    """A page has more than one H1.

    What it checks: the number of level-1 headings; every H1 after the first is reported.

    Why: the H1 is the page's title for readers, search engines and screen readers. A second H1
    splits the page in two; it is usually a section written with one ``#`` too few.

    ```markdown fail
    # Salary

    Pay varies.

    # Where to find pay data

    The Bureau of Labor Statistics publishes it.
    ```

    ```markdown pass
    # Salary

    Pay varies.

    ## Where to find pay data

    The Bureau of Labor Statistics publishes it.
    ```
    """

    code = "GL206"
    name = "multiple-h1"
    summary = "A page has more than one H1"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        h1s = [h for h in page.headings if h.level == 1]
        for h in h1s[1:]:
            yield self.finding(
                h.span,
                f"second H1 '{h.text}' (the first is on line {h1s[0].line}); a page has one "
                "H1, its title: make this an H2 (##)",
            )
