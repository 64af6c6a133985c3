"""Page-size limits checked after parsing (GL909 too many links, GL910 nesting too deep).

Input limits checked before parsing live with the input checks: the file size (GL908, in
``source`` and ``runner.read_item``) and the front matter's size and alias expansion (GL907,
in ``frontmatter``). These checks keep one hostile page from making a run slow: a page over
``limits.max_links`` has its links after the limit left unchecked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.source import Finding

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.page import Page

# markdown-it's own cap on container depth (its option maxNesting): deeper content is not parsed.
PARSER_MAX_NESTING = 100


def check_page(page: Page, limits: dict) -> list[Finding]:
    """Findings for a page over the limits; trims ``page.links`` to ``limits.max_links``."""
    out: list[Finding] = []
    max_links = limits["max_links"]
    if len(page.links) > max_links:
        first_over = page.links[max_links]
        out.append(
            Finding(
                "GL909",
                first_over.span,
                f"page has {len(page.links):,} links and images, over the limit of {max_links:,} "
                "(limits.max_links); links from here on are not checked; split the page "
                "or raise the limit",
            )
        )
        del page.links[max_links:]
    for line in page.cache.get("bracket_flood", ()):
        out.append(
            Finding(
                "GL909",
                Span.point(line),
                "this paragraph has more than 10,000 '[' (a link's text opens with one): none of "
                "its links is read or checked; split it or escape the brackets (\\[)",
            )
        )
    max_nesting = min(limits["max_nesting"], PARSER_MAX_NESTING - 1)
    if page.max_depth > max_nesting:
        out.append(
            Finding(
                "GL910",
                Span.point(_deep_line(page, max_nesting)),
                f"lists and blockquotes are nested {_depth_text(page.max_depth)} levels deep, over the limit "
                f"of {max_nesting} (limits.max_nesting); flatten the structure",
            )
        )
    return out


def _depth_text(depth: int) -> str:
    return f"at least {depth}" if depth >= PARSER_MAX_NESTING - 1 else str(depth)


def _deep_line(page: Page, limit: int) -> int:
    """The source line where the nesting first goes over ``limit`` (same counting as the page walker)."""
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
