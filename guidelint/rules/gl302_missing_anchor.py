from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from guidelint.links import PAGE, SuggestionBudget, page_budget, site_links, suggest_anchor
from guidelint.registry import Rule, register
from guidelint.rules._links import outside_run, page_span, reported, where_list

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.links import AnchorTable
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class MissingAnchor(Rule):
    """A link's ``#anchor`` matches no heading (or raw HTML ``id``) on the page it points at.

    What it checks: same-page links (``#how-to-apply``) and links into other pages
    (``jobs.md#how-to-apply``, ``/jobs#how-to-apply``), against the anchors the renderer gives
    headings. Anchors are computed with ``links.slug_style`` (default ``github``, as GitHub and
    github-slugger do): the heading's plain text is lowercased; every character that is not a
    letter, digit, space, hyphen or underscore is dropped; each space becomes a hyphen (runs are
    not collapsed). "How to check your state's rules" becomes ``how-to-check-your-states-rules``,
    "Step 1: Understand the role" becomes ``step-1-understand-the-role``, "Pay & benefits"
    becomes ``pay--benefits``. A repeated heading gets ``-1``, ``-2``... on its second, third...
    occurrence (``requirements``, ``requirements-1``). ``gitlab`` collapses runs of hyphens;
    ``plain`` joins words with single hyphens. The ``id`` or ``name`` of a raw HTML element
    (``<a id="eligibility"></a>``, outside code and comments) is an anchor too, as on GitHub. The
    anchor is compared exactly after percent-decoding; the message suggests the closest existing
    anchor. The suggestions of one page share a budget of work (a floor and a share for each of
    its links): on a page of thousands of broken anchors the later ones are reported without a
    suggestion, and the message says so.

    Changed files: when only some files are checked and a checked page lost the heading that
    unchecked pages link to (a renamed or removed heading), the finding is reported on the checked
    page, at the heading that most resembles the old anchor, listing the broken links. (A link that
    was already broken is attributed the same way; on a site whose full check is green, every such
    finding is caused by the change.)

    Why: anchors break silently when a heading is edited; the reader lands at the top of a long
    page instead of the answer.

    ```markdown fail
    === jobs.md ===
    # Jobs

    See [how to apply](#how-to-aply) and [pay](salary.md#what-moves-pay).

    ## How to apply
    === salary.md ===
    # Salary

    ## What changes pay
    ```

    ```markdown pass
    === jobs.md ===
    # Jobs

    See [how to apply](#how-to-apply), [pay](salary.md#what-moves-pay), [more](#faq-1) and
    [the table](salary.md#pay-by-setting).

    ## How to apply

    ## FAQ

    ## FAQ
    === salary.md ===
    # Salary

    ## What moves pay?

    <a id="pay-by-setting"></a>
    Pay differs by setting.
    ```
    """

    code = "GL302"
    name = "missing-anchor"
    summary = "A link's #anchor matches no heading or HTML id on the target page"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        broken = defaultdict(list)  # (page rel, anchor) -> site links from unchecked pages
        # the suggestion work of each linking page is bounded (links.SUGGESTION_BUDGET)
        budgets: dict[str, SuggestionBudget] = {}
        tables: dict[frozenset[str], AnchorTable] = {}  # (each target's look-up, once a run)
        for sl in site_links(site, ctx.config):
            res = sl.resolution
            if res.kind != PAGE or not res.anchor or res.page is None or not res.page.ok:
                continue
            anchors = res.page.anchors
            if res.anchor in anchors:
                continue
            if reported(sl.source, ctx):
                budget = budgets.get(sl.source.rel) or budgets.setdefault(
                    sl.source.rel, SuggestionBudget(page_budget(len(sl.source.links)))
                )
                near = suggest_anchor(res.anchor, anchors, budget, tables)
                on = "this page" if res.page.rel == sl.source.rel else f"'{res.page.rel}'"
                if near:
                    hint = f"; did you mean '#{near}'?"
                elif budget.spent:
                    hint = (
                        "; link to an existing heading or remove the anchor (no suggestion: "
                        "this page has too many broken anchors to compare them all)"
                    )
                else:
                    hint = "; link to an existing heading or remove the anchor"
                yield (
                    sl.source.rel,
                    self.finding(
                        sl.link.span, f"no heading on {on} has the anchor '#{res.anchor}'{hint}"
                    ),
                )
            elif (
                outside_run(sl, ctx)
                and ctx.report_rels is not None  # (always: outside_run says so)
                and res.page.rel in ctx.report_rels
            ):
                broken[(res.page.rel, res.anchor)].append(sl)
        for (rel, anchor), links in sorted(broken.items()):
            page = site.by_rel[rel]
            budget = budgets.get(f"<to {rel}>") or budgets.setdefault(
                f"<to {rel}>", SuggestionBudget(page_budget(len(page.links)))
            )
            near = suggest_anchor(anchor, page.anchors, budget, tables)
            heading = next((h for h in page.headings if h.anchor == near), None) if near else None
            span = heading.span if heading else page_span(page)
            guess = (
                f"; if the heading '{heading.text}' (#{heading.anchor}) replaced it, update those links"
                if heading
                else "; restore the heading or update those links"
            )
            yield (
                rel,
                self.finding(
                    span,
                    f"no heading here has the anchor '#{anchor}', but {len(links)} link(s) on "
                    f"pages not checked in this run point at it: "
                    f"{where_list(links)}{guess}",
                ),
            )
