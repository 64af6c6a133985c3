from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.finding import Finding
from guidelint.registry import Rule, register
from guidelint.rules._frontmatter import findings_with_code

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.diagnostics import Span
    from guidelint.page import Page
    from guidelint.registry import PageContext


CODE = "GL101"


@register
class InvalidValue(Rule):
    """A front-matter value breaks its page type's JSON Schema.

    What it checks: each value in the front matter against the schema its page ``type`` picks
    (``schemas/<type>.schema.json``): dates written YYYY-MM-DD, a status of draft or published,
    a description of 50 to 160 characters, slugs in ``related``, a two-letter ``state`` and so on.
    The finding points at the value itself and names its key path (``sources[0].url``).

    Why: front matter drives the site: titles, search snippets, review dates and the pages a
    guide recommends. A value the renderer cannot use fails quietly in production.

    ```markdown fail
    ---
    title: Medical assistant certification
    description: How the main medical assistant credentials compare, and how to choose one.
    type: guide
    status: published
    last_reviewed: 2026-13-01
    sources:
      - title: Certification
        publisher: Example Body
        url: https://example.org/cma
        accessed: 2026-11-01
    related: [jobs]
    ---
    ```

    ```markdown pass
    ---
    title: Medical assistant certification
    description: How the main medical assistant credentials compare, and how to choose one.
    type: guide
    status: published
    last_reviewed: 2026-11-01
    sources:
      - title: Certification
        publisher: Example Body
        url: https://example.org/cma
        accessed: 2026-11-01
    related: [jobs]
    ---
    ```
    """

    code = CODE
    name = "invalid-front-matter-value"
    summary = "A front-matter value breaks the page type's schema"
    severity = Severity.ERROR

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        return findings_with_code(page, ctx, self.code)


def not_a_mapping(span: Span) -> Finding:
    """The finding for front matter that is not a mapping (a list or a single value): made while
    the YAML is read (``guidelint.frontmatter.parse``), before any schema applies."""
    return Finding(
        CODE, span, "front matter must be a mapping of keys to values (key: value lines)"
    )
