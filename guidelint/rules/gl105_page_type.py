from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.registry import Rule, register
from guidelint.rules._frontmatter import findings_with_code

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


CODE = "GL105"


@register
class PageType(Rule):
    """The front matter's ``type`` names no page type.

    What it checks: that ``type`` is one of the page types that have a schema in the schemas
    directory (``hub``, ``guide``, ``index``, ``state`` on this site). When it is missing, GL102
    reports it; when it is unknown, this rule reports it on the value and suggests the closest type.
    Nothing else in the front matter is checked until the type is known.

    Why: the type picks the schema and the required sections; with a wrong type every other
    check would give advice for the wrong kind of page.

    ```markdown fail
    ---
    title: Medical assistant salary
    type: gide
    ---
    ```

    ```markdown pass
    ---
    title: Medical assistant salary
    description: What moves medical assistant pay and where to find official pay data.
    type: guide
    status: draft
    last_reviewed: 2026-11-01
    sources:
      - {title: Pay data, publisher: Example Agency, url: "https://example.org/pay", period: May 2024}
    related: [jobs]
    ---
    ```
    """

    code = CODE
    name = "unknown-page-type"
    summary = "The front matter's type is not a known page type"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        return findings_with_code(page, ctx, self.code)
