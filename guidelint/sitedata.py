"""What a site report needs to know of the whole site, beyond the findings (``--format html``).

A small, explicit structure built from the pages' summaries once the run is over: the pages
(title, type, status, review date, sources), the link graph between them (body links and
``related`` entries that reach a page, as GL308 and GL309 count them), the hub, the orphans and
the pages the hub does not reach, and the review policy (today, ``review_max_age_days``).
Formatters read this and nothing else of the run's internals.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.site import PageSummary


@dataclass(frozen=True)
class PageFacts:
    rel: str  # path below the content root
    path: str  # as displayed (relative to the working folder)
    ok: bool  # False: the page could not be read or parsed
    title: str | None = None
    type: str | None = None
    status: str | None = None
    last_reviewed: str | None = None  # as written in the front matter
    sources: tuple[tuple[str, str, str, str], ...] = ()  # (title, publisher, url, accessed)

    def reviewed_on(self) -> dt.date | None:
        try:
            return dt.date.fromisoformat(self.last_reviewed) if self.last_reviewed else None
        except ValueError:
            return None


@dataclass
class SiteData:
    pages: list[PageFacts]  # sorted by rel
    edges: list[tuple[str, str]]  # (from rel, to rel), unique, sorted; no self-links
    hub: str | None  # rel of the one page of type hub (None: no hub, or several)
    orphans: frozenset[str]  # GL308's definition
    unreachable: frozenset[str]  # published, not orphans, not reached from the hub (GL309)
    depth: dict[str, int] = field(default_factory=dict)  # link steps from the hub, reached pages
    today: dt.date = field(default_factory=dt.date.today)
    review_max_age_days: int = 365

    def review_age(self, page: PageFacts) -> int | None:
        """Days since the page's review, or None when it has no valid review date."""
        reviewed = page.reviewed_on()
        return None if reviewed is None else (self.today - reviewed).days

    def is_stale(self, page: PageFacts) -> bool:
        age = self.review_age(page)
        return age is not None and age > self.review_max_age_days


def collect(summaries: list[PageSummary], config: Config) -> SiteData:
    """The site data of the pages below the content root (``summaries``: one per page)."""
    from guidelint.links import inbound_edges
    from guidelint.rules.gl308_orphan_page import orphans, published_rels
    from guidelint.rules.gl309_unreachable_from_hub import reachable_from_hub
    from guidelint.site import SiteIndex

    index = SiteIndex(summaries)
    try:
        edges = sorted({(a, b) for a, b in inbound_edges(index, config) if a != b})
        orphan_set = frozenset(orphans(index, config))
        published = published_rels(index)
        reached = reachable_from_hub(index, config)
    finally:
        index.cache.clear()  # the link resolver refers back to the index: break the cycle
    hub = index.hub.rel if index.hub is not None else None
    depth: dict[str, int] = {}
    unreachable: frozenset[str] = frozenset()
    if hub is not None:
        # the depth of every page from the hub along any link (for the graph's layers); what
        # counts as reachable (GL309's reachable_from_hub) follows published pages only
        out: dict[str, list[str]] = {}
        for a, b in edges:
            out.setdefault(a, []).append(b)
        depth = {hub: 0}
        queue = deque([hub])
        while queue:
            here = queue.popleft()
            for nxt in out.get(here, ()):
                if nxt not in depth:
                    depth[nxt] = depth[here] + 1
                    queue.append(nxt)
        unreachable = frozenset(
            p.rel
            for p in index.pages
            if p.ok and p.rel in published and p.rel not in reached and p.rel not in orphan_set
        )
    pages = sorted(
        (
            PageFacts(
                rel=s.rel,
                path=s.path,
                ok=s.ok,
                title=s.title,
                type=s.type,
                status=s.status,
                last_reviewed=getattr(s, "last_reviewed", None),
                sources=getattr(s, "sources", ()),
            )
            for s in index.pages
            if s.rel is not None
        ),
        key=lambda p: p.rel,
    )
    return SiteData(
        pages=pages,
        edges=edges,
        hub=hub,
        orphans=orphan_set,
        unreachable=unreachable,
        depth=depth,
        today=config.today,
        review_max_age_days=config["review_max_age_days"],
    )
