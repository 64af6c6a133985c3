"""Page-size limits checked after parsing: the stage between building a page and its rules.

It runs before the page rules, whether or not their codes are selected, because it also trims
``page.links`` to ``limits.max_links``: a hostile page must not make the link rules slow. The
checks and their findings belong to their rules: too many links (``gl909_too_many_links``),
nesting too deep (``gl910_nesting_too_deep``) and more sentence text than the claims rules read
(``gl911_claims_text_limit``, reported only when a claims rule runs: the claims rules read the
same budget of sentences). Limits checked before parsing belong to the
reading stage (file size, ``guidelint.source``) and the front-matter stage (its size and alias
expansion, ``guidelint.frontmatter``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from guidelint.rules import gl909_too_many_links as too_many_links
from guidelint.rules import gl910_nesting_too_deep as nesting_too_deep
from guidelint.rules import gl911_claims_text_limit as claims_text_limit

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.finding import Finding
    from guidelint.page import Page


def check_page(page: Page, limits: Mapping[str, int], claims: bool = True) -> list[Finding]:
    """Findings for a page over the limits; trims ``page.links`` to ``limits.max_links``.
    ``claims``: whether a claims rule runs on the page (else limits.max_claim_chars is moot)."""
    return [
        *too_many_links.check_limit(page, limits["max_links"]),
        *nesting_too_deep.check_limit(page, limits["max_nesting"]),
        *(claims_text_limit.check_limit(page, limits["max_claim_chars"]) if claims else ()),
    ]
