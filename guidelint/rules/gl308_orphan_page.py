from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.links import inbound_edges
from guidelint.registry import Rule, register
from guidelint.rules._links import page_span, reported

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.config import Config
    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


def published_rels(site: SiteIndex) -> frozenset[str]:
    """The published pages (once per run: the graph rules ask per edge)."""
    cached = site.cache.get("links.published")
    if cached is None:
        cached = site.cache["links.published"] = frozenset(p.rel for p in site.pages if p.published)
    return cached


def orphans(site: SiteIndex, config: Config) -> set[str]:
    cached = site.cache.get("links.orphans")
    if cached is None:
        published = published_rels(site)
        linked = {
            dst for src, dst in inbound_edges(site, config) if src in published and src != dst
        }
        cached = site.cache["links.orphans"] = {
            p.rel
            for p in site.pages
            if p.ok and p.rel in published and p.type != "hub" and p.rel not in linked
        }
    return cached


@register
class OrphanPage(Rule):
    """A published page has no inbound link from any other published page.

    What it checks: for each published page, whether another published page links to it, in its
    body or in its ``related`` list (which the site renders as links). Exempt: the hub (the
    site's entry point, ``type: hub``) and pages that are not published (drafts should have no
    inbound links from published pages at all; see GL303). Links from drafts do not count.

    Changed files: whether a page is an orphan depends on every other page; it is reported on
    the orphan page when that page is checked (so removing the last link to a page is caught by
    the whole-site run, not by a pre-commit run on the page that removed the link).

    Why: a page nobody links to is found only by search; readers on the path never reach it.

    ```markdown fail
    === jobs.md ===
    ---
    title: Jobs
    status: published
    ---
    # Jobs
    === salary.md ===
    ---
    title: Salary
    status: published
    ---
    # Salary
    ```

    ```markdown pass
    === jobs.md ===
    ---
    title: Jobs
    status: published
    related: [salary]
    ---
    # Jobs
    === salary.md ===
    ---
    title: Salary
    status: published
    ---
    # Salary

    See [jobs](jobs.md).
    ```
    """

    code = "GL308"
    name = "orphan-page"
    summary = "A published page has no inbound link from another published page"
    severity = Severity.WARNING
    scope = "site"
    locality = "graph"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        for rel in sorted(orphans(site, ctx.config)):
            page = site.by_rel[rel]
            if reported(page, ctx):
                yield (
                    rel,
                    self.finding(
                        page_span(page),
                        "no published page links to this page; link it from the "
                        "hub, an index or a related guide (or list it in their "
                        "related:)",
                    ),
                )
