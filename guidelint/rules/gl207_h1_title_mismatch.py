from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.registry import Rule, register
from guidelint.structure import spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


def _norm(text: str) -> str:
    return " ".join(text.split())


@register
class H1TitleMismatch(Rule):
    """The page's H1 differs from its front-matter title, or the page has no H1.

    What it checks: for page types whose ``schemas/<type>.sections.yaml`` says ``h1: title``,
    that the page has an H1 and that its text (inline markup removed, spacing collapsed) equals
    the front-matter ``title`` exactly.

    Why: the title is what search results, link previews and the site's navigation show; the H1
    is what the reader sees on arrival. When they disagree the reader wonders whether they landed
    on the right page, and one of the two is usually out of date.

    ```markdown fail
    ---
    title: Medical assistant salary
    type: guide
    ---

    # What medical assistants earn

    Pay varies.
    ```

    ```markdown pass
    ---
    title: Medical assistant salary
    type: guide
    ---

    # Medical assistant salary

    Pay varies.
    ```
    """

    code = "GL207"
    name = "h1-title-mismatch"
    summary = "The H1 differs from the front-matter title, or there is no H1"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        spec = spec_for(page.type, ctx.schemas)
        if spec is None or not spec.h1_title or page.title is None:
            return
        h1 = next((h for h in page.headings if h.level == 1), None)
        if h1 is None:
            yield self.finding(
                Span.point(page.body_start),
                f"the page has no H1; start the body with '# {page.title}' (its front-matter title)",
            )
            return
        if _norm(h1.text) != _norm(page.title):
            assert page.front_matter is not None  # the value was read from it
            line = page.front_matter.value_span(("title",)).line
            yield self.finding(
                h1.span,
                f"H1 '{h1.text}' differs from the front-matter title '{page.title}' "
                f"(line {line}); make them the same",
            )
