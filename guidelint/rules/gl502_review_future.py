from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.registry import Rule, register
from guidelint.rules.gl501_review_stale import reviewed_on

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class ReviewInFuture(Rule):
    """``last_reviewed`` is a date in the future.

    What it checks: ``last_reviewed`` against today's date.

    Why: a future review date is a typo (the year, usually) and hides the page from the
    review-age check for as long as it stays in the future.

    ```markdown fail
    ---
    title: A page from the future
    last_reviewed: 2999-01-15
    ---
    ```

    ```markdown pass
    ---
    title: A page reviewed recently
    last_reviewed: 2026-11-01
    ---
    ```
    """

    code = "GL502"
    name = "review-date-in-future"
    summary = "last_reviewed is in the future"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        reviewed = reviewed_on(page)
        if reviewed is not None and reviewed > ctx.config.today:
            assert page.front_matter is not None  # the value was read from it
            span = page.front_matter.value_span(("last_reviewed",))
            yield self.finding(
                span,
                f"last_reviewed: {reviewed.isoformat()} is in the future (today is "
                f"{ctx.config.today.isoformat()}); write the date you reviewed the page",
            )
