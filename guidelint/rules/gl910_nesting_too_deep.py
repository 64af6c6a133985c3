from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.page import Page


CODE = "GL910"


@register
class NestingTooDeep(Rule):
    """Lists and blockquotes are nested deeper than ``limits.max_nesting`` (50 by default).

    What it checks: the depth of containers (each blockquote, list and list item is one level)
    anywhere on the page. The finding points at the line where the depth first goes over the
    limit. The Markdown parser stops nesting at 100 levels: content deeper than that is not
    parsed, so the limit cannot be raised above 99.

    Why: no reader follows fifty levels of nesting; such a page is generated or broken, and
    deeply nested input is a classic way to make parsers slow or crash.

    ```markdown fail
    >>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> Fifty-one levels of blockquote.
    ```

    ```markdown pass
    > A quote.
    >
    > > A quote inside a quote.

    - A list
      - with a nested item.
    ```
    """

    code = CODE
    emitted_by = (
        "guidelint.limits.check_page (after the page is built), with this module's check_limit; "
        "guidelint.analysis.analyze (a page too deep to parse, with too_deep_to_parse)"
    )
    name = "nesting-too-deep"
    summary = "Lists and blockquotes are nested deeper than limits.max_nesting"
    scope = "input"


def check_limit(page: Page, max_nesting: int) -> list[Finding]:
    """The finding for a page whose lists and blockquotes nest deeper than ``max_nesting`` (or
    than the parser reads: ``guidelint.page.parse.MAX_NESTING``)."""
    from guidelint.page.parse import MAX_NESTING  # (loaded with the page this checks)

    limit = min(max_nesting, MAX_NESTING - 1)
    if page.max_depth <= limit:
        return []
    depth = (
        f"at least {page.max_depth}" if page.max_depth >= MAX_NESTING - 1 else str(page.max_depth)
    )
    return [
        Finding(
            CODE,
            Span.point(_deep_line(page, limit)),
            f"lists and blockquotes are nested {depth} levels deep, over the limit "
            f"of {limit} (limits.max_nesting); flatten the structure",
        )
    ]


def too_deep_to_parse() -> Finding:
    """The finding for a page the parser gave up on (it raised ``RecursionError``)."""
    return Finding(
        CODE,
        Span.point(1),
        "the page is nested too deeply to parse "
        "(limits.max_nesting); flatten its lists and blockquotes",
    )


def _deep_line(page: Page, limit: int) -> int:
    """The source line where the nesting first goes over ``limit`` (the page walker's count:
    headings, paragraphs and tables are not a level)."""
    depth = 0
    last_line = 0
    for tok in page.tokens:
        if tok.map:
            last_line = tok.map[0]
        if tok.nesting == 1 and tok.type not in ("heading_open", "paragraph_open", "table_open"):
            depth += 1
            if depth > limit:
                return last_line + 1
        elif tok.nesting == -1 and tok.type not in (
            "heading_close",
            "paragraph_close",
            "table_close",
        ):
            depth -= 1
    return 1
