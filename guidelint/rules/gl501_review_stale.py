from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


def reviewed_on(page: Page) -> dt.date | None:
    """The page's last_reviewed date, or None when it is missing or not a date (GL101 reports it)."""
    value = page.meta.get("last_reviewed")
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@register
class ReviewStale(Rule):
    """A page was last reviewed longer ago than the configured age.

    What it checks: ``last_reviewed`` in the front matter against today's date. The age is
    ``review_max_age_days`` in the configuration (365 by default).

    Why: pay data, certification rules and state rules change. A page that states them must be
    re-checked on a schedule, and readers deserve to know when it was.

    ```markdown fail
    ---
    title: An old page
    last_reviewed: 2019-01-15
    ---
    ```

    ```markdown pass
    ---
    title: A page reviewed recently
    last_reviewed: 2026-11-01
    ---
    ```
    """

    code = "GL501"
    name = "review-overdue"
    summary = "last_reviewed is older than the configured review age"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        reviewed = reviewed_on(page)
        if reviewed is None:
            return
        max_age = ctx.config["review_max_age_days"]
        age = (ctx.config.today - reviewed).days
        if age > max_age:
            assert page.front_matter is not None  # the value was read from it
            span = page.front_matter.value_span(("last_reviewed",))
            yield self.finding(
                span,
                f"last_reviewed: {reviewed.isoformat()} is {age} days ago, over the "
                f"review age of {max_age} days; re-check the page's facts and sources, "
                "then update the date",
            )
