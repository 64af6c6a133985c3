from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.registry import Rule, register
from guidelint.rules._frontmatter import findings_with_code

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


CODE = "GL103"


@register
class UnknownKey(Rule):
    """The front matter has a key its page type does not define.

    What it checks: keys not listed in the schema (``additionalProperties: false``), with a
    suggestion when the key looks like a misspelling of a known one (``titel`` -> ``title``).

    Why: a misspelt key is silently ignored by the renderer, so the value the writer meant to set
    never takes effect.

    ```markdown fail
    ---
    titel: Medical assistant salary
    title: Medical assistant salary
    description: What moves medical assistant pay and where to find official pay data.
    type: guide
    status: published
    last_reviewed: 2026-11-01
    sources:
      - {title: Pay data, publisher: Example Agency, url: "https://example.org/pay", period: May 2024}
    related: [jobs]
    ---
    ```

    ```markdown pass
    ---
    title: Medical assistant salary
    description: What moves medical assistant pay and where to find official pay data.
    type: guide
    status: published
    last_reviewed: 2026-11-01
    sources:
      - {title: Pay data, publisher: Example Agency, url: "https://example.org/pay", period: May 2024}
    related: [jobs]
    ---
    ```
    """

    code = CODE
    name = "unknown-front-matter-key"
    summary = "A front-matter key the page type does not define"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        return findings_with_code(page, ctx, self.code)
