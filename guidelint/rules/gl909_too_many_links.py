from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.page import Page


CODE = "GL909"


@register
class TooManyLinks(Rule):
    """The page has more links and images than ``limits.max_links`` (5,000 by default).

    What it checks: the number of links, images and autolinks on the page. The finding points
    at the first link over the limit; links after it are not checked by the link rules.

    Why: a guide page has tens of links. Thousands are a generated dump or a mistake, and
    checking every one of them against the whole site would slow every run. Split the page, or
    raise ``limits.max_links`` in the configuration if the page is meant to be that long.

    Example (with ``max_links = 2`` in ``[tool.guidelint.limits]``): the third link on
    ``[a](a.md) [b](b.md) [c](c.md)`` is reported.

    Also reported: more reference definitions (``[label]: /target``) than ``limits.max_links``;
    a definition is one of the parser's slowest blocks (199,000 took 5.6 s), so parsing stops at
    the first one over the limit and the page is not checked. The most in a real page of six
    documentation sites is 126.

    And a paragraph whose link texts are too long to read: finding where a link's text ends
    walks it piece by piece (200,000 pieces a paragraph at most; one link whose text was 5 MB of
    emphasis took 9.8 s and 416 MiB), so past that its links are not read.

    And a single paragraph with more than 10,000 ``[``. Looking for the end of each
    possible link text costs the parser about a hundred steps a bracket (40,000 of them took
    7 s), so such a paragraph is read without links, and none of them is checked.
    """

    code = CODE
    emitted_by = (
        "guidelint.limits.check_page (after the page is built), with this module's check_limit; "
        "guidelint.analysis.analyze (reference definitions), with too_many_definitions"
    )
    name = "too-many-links"
    summary = "The page has more links than limits.max_links"
    scope = "input"


def check_limit(page: Page, max_links: int) -> list[Finding]:
    """Findings for a page with more than ``max_links`` links and images, and for each paragraph
    the parser read without its links (a flood of '['); trims ``page.links`` to ``max_links``,
    so that no later rule checks the links over the limit."""
    out: list[Finding] = []
    if len(page.links) > max_links:
        first_over = page.links[max_links]
        out.append(
            Finding(
                CODE,
                first_over.span,
                f"page has {len(page.links):,} links and images, over the limit of {max_links:,} "
                "(limits.max_links); links from here on are not checked; split the page "
                "or raise the limit",
            )
        )
        del page.links[max_links:]
    long_labels = page.cache.get("long_labels", ())
    if long_labels:
        from guidelint.fastparse import MAX_LABEL_STEPS  # (the parser is loaded: a page was built)

        for line in long_labels:
            out.append(
                Finding(
                    CODE,
                    Span.point(line),
                    f"this paragraph's link texts are too long to read (over {MAX_LABEL_STEPS:,} "
                    "pieces of markup from a '[' to its ']'): its links from there on are not read "
                    "or checked; shorten the link text or escape the bracket (\\[)",
                )
            )
    for line in page.cache.get("bracket_flood", ()):
        out.append(
            Finding(
                CODE,
                Span.point(line),
                "this paragraph has more than 10,000 '[' (a link's text opens with one): none of "
                "its links is read or checked; split it or escape the brackets (\\[)",
            )
        )
    return out


def too_many_definitions(line: int, max_links: int) -> Finding:
    """The finding for a page whose parsing stopped at ``line``, at its first reference
    definition over ``limits.max_links`` (``guidelint.fastparse.TooManyDefinitions``)."""
    return Finding(
        CODE,
        Span.point(line),
        f"the page has more than {max_links:,} reference definitions (limits.max_links), "
        f"parsing stopped at line {line:,}; it is not checked; split the page or raise the limit",
    )
