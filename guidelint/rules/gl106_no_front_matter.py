from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


CODE = "GL106"


@register
class NoFrontMatter(Rule):
    """A page under the content root has no front matter.

    What it checks: that the page starts with a ``---`` line opening a YAML front-matter block.

    Why: every page needs a title, a type, a status and a review date; without front matter the
    page cannot be validated, linked by slug, or put in the site's navigation.

    ```markdown fail
    # A page without front matter

    Some text.
    ```

    ```markdown pass
    ---
    title: A page with front matter
    ---

    # A page with front matter
    ```
    """

    code = CODE
    name = "missing-front-matter"
    summary = "The page has no front matter"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        if page.front_matter is None and page.rel is not None:
            yield self.finding(
                Span.point(1, 1, len(page.lines[0]) if page.lines else 1),
                "page has no front matter; start it with a '---' line, the keys its type "
                "requires (title, description, type, status, last_reviewed...), and '---'",
            )
