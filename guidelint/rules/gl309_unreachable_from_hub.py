from __future__ import annotations

from collections import defaultdict, deque
from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import Severity
from guidelint.links import inbound_edges
from guidelint.registry import Rule, register
from guidelint.rules._links import page_span, reported
from guidelint.rules.gl308_orphan_page import orphans, published_rels

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


def reachable_from_hub(site: SiteIndex, config: Any) -> set[str]:
    """The pages reached from the hub (itself included) along links between published pages;
    empty without a hub. GL309 and the HTML report's link graph share this definition."""
    hub = site.hub
    if hub is None:
        return set()
    graph: defaultdict[str, set[str]] = defaultdict(set)
    published = published_rels(site)
    for src, dst in inbound_edges(site, config):
        if src in published and dst in published:
            graph[src].add(dst)
    seen = {hub.rel}
    queue = deque([hub.rel])
    while queue:
        for nxt in graph[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return seen


@register
class UnreachableFromHub(Rule):
    """A published page cannot be reached from the hub by following links.

    What it checks: starting at the hub (the one page with ``type: hub``) and following body
    links and ``related`` entries through published pages only, which published pages are
    reached. Pages GL308 already reports (no inbound link at all) are not repeated. With no hub,
    or more than one, nothing is reported.

    Why: the hub is the reader's path through the site; a published page that is linked only
    from other stranded pages (two pages linking each other) is off the path.

    ```markdown fail
    === hub.md ===
    ---
    title: Hub
    type: hub
    status: published
    ---
    # Hub
    === jobs.md ===
    ---
    title: Jobs
    status: published
    ---
    # Jobs

    See [salary](salary.md).
    === salary.md ===
    ---
    title: Salary
    status: published
    ---
    # Salary

    See [jobs](jobs.md).
    ```

    ```markdown pass
    === hub.md ===
    ---
    title: Hub
    type: hub
    status: published
    ---
    # Hub

    See [jobs](jobs.md).
    === jobs.md ===
    ---
    title: Jobs
    status: published
    ---
    # Jobs

    See [salary](salary.md).
    === salary.md ===
    ---
    title: Salary
    status: published
    ---
    # Salary
    ```
    """

    code = "GL309"
    name = "unreachable-from-hub"
    summary = "A published page cannot be reached from the hub"
    severity = Severity.WARNING
    scope = "site"
    locality = "graph"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        hub = site.hub
        if hub is None:
            return
        seen = reachable_from_hub(site, ctx.config)
        skip = orphans(site, ctx.config)
        for page in site.pages:
            if (
                not page.ok
                or not page.published
                or page.rel in seen
                or page.rel in skip
                or not reported(page, ctx)
            ):
                continue
            yield (
                page.rel,
                self.finding(
                    page_span(page),
                    f"this page cannot be reached from the hub "
                    f"'{hub.rel}' by following links; link it from the hub "
                    "or from a page on the hub's path",
                ),
            )
