from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from guidelint.links import PAGE, resolver_for, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import outside_run, page_span, reported, where_list

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class LinkToDraft(Rule):
    """A published page links to a draft, or lists one in ``related``.

    What it checks: body links and ``related`` slugs on pages with ``status: published`` whose
    target page has any other status. Drafts may link to anything.

    Changed files: when a checked page is (or becomes) a draft and unchecked published pages
    link to it, the finding is reported on the draft, listing those links.

    Why: a draft is not on the live site (or is unverified); a published page must not send
    readers to it.

    ```markdown fail
    === states/index.md ===
    ---
    title: States
    status: published
    ---
    # States

    See [Texas](texas.md).
    === states/texas.md ===
    ---
    title: Texas
    status: draft
    ---
    # Texas
    ```

    ```markdown pass
    === states/index.md ===
    ---
    title: States
    status: published
    ---
    # States

    A guide for Texas is in progress.
    === states/texas.md ===
    ---
    title: Texas
    status: draft
    ---
    # Texas

    Back to [all states](index.md).
    ```
    """

    code = "GL303"
    name = "link-to-draft"
    summary = "A published page links to a draft"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        to_draft = defaultdict(list)
        for sl in site_links(site, ctx.config):
            res = sl.resolution
            if (
                sl.link.kind != "link"
                or res.kind != PAGE
                or res.page is None
                or res.page is sl.source
            ):
                continue
            if not sl.source.published or res.page.published or not res.page.ok:
                continue
            if reported(sl.source, ctx):
                yield (
                    sl.source.rel,
                    self.finding(
                        sl.link.span,
                        f"published page links to '{res.page.rel}', which has "
                        f"status: {res.page.status or '(none)'}; remove the link "
                        "until that page is published",
                    ),
                )
            elif (
                outside_run(sl, ctx)
                and ctx.report_rels is not None  # (always: outside_run says so)
                and res.page.rel in ctx.report_rels
            ):
                to_draft[res.page.rel].append(sl)
        resolver = resolver_for(site, ctx.config)
        for page in site.pages:
            if not page.published or not reported(page, ctx):
                continue
            for slug, span in page.related:
                res = resolver.resolve_slug(slug)
                if res.page is not None and res.page.ok and not res.page.published:
                    yield (
                        page.rel,
                        self.finding(
                            span,
                            f"related: '{slug}' is a page with status: "
                            f"{res.page.status or '(none)'}; published pages recommend "
                            "published pages only",
                        ),
                    )
        for rel, links in sorted(to_draft.items()):
            yield (
                rel,
                self.finding(
                    page_span(site.by_rel[rel]),
                    f"this page is not published but {len(links)} link(s) on published pages not "
                    f"checked in this run point at it: {where_list(links)}; publish it or remove "
                    "those links",
                ),
            )
