from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.registry import Rule, register
from guidelint.rules._frontmatter import findings_with_code

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


CODE = "GL102"


@register
class MissingKey(Rule):
    """A key that the page type requires is missing from the front matter.

    What it checks: the ``required`` keys of the page type's schema, at every level (a source
    without a ``url``, or with neither ``period`` nor ``accessed``). A missing top-level key is
    reported on the opening ``---``; a missing nested key on the entry that lacks it.

    Why: a guide without ``sources`` or ``last_reviewed`` asks readers to trust figures and rules
    nobody can trace or re-check.

    ```markdown fail
    ---
    title: Medical assistant jobs
    description: Where medical assistants work, how to read a job posting, and red flags to avoid.
    type: guide
    status: published
    related: [salary]
    ---
    ```

    ```markdown pass
    ---
    title: Medical assistant jobs
    description: Where medical assistants work, how to read a job posting, and red flags to avoid.
    type: guide
    status: published
    last_reviewed: 2026-11-01
    sources:
      - title: Medical assistants
        publisher: Example Agency
        url: https://example.org/ma
        period: May 2024
    related: [salary]
    ---
    ```
    """

    code = CODE
    name = "missing-front-matter-key"
    summary = "A required front-matter key is missing"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        return findings_with_code(page, ctx, self.code)
