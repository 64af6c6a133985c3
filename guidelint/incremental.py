"""The site rules of one run, and what the site snapshot lets a run skip of them.

Site rules (links, anchors, orphans, hub order) see a ``SiteIndex`` of page summaries and a
``SiteContext``; they know nothing of caches or snapshots. ``site_findings`` runs them, after
asking the run's site snapshot (``SiteSnapshot``: ``guidelint.snapshot.Session`` for the command
line, ``guidelint.lsp.engine.MemorySession`` for the language server) which plan the run can
follow (``plan_site_rules``):

* **reused**: no page's summary and no disk fact changed since the last whole-site run: its
  stored findings hold, and no site rule runs;
* **focused** (a run on a few pages): the rules report on those pages only, and resolve the links
  of the pages that can matter to them (``Session.neighbourhood``); the other pages are in the
  index as summaries unpickled only if a rule reads their details;
* **incremental** (a whole-site run after an edit that moved links): the "links" rules check
  again the edited pages and the pages linking to them, the "graph" rules run on every page from
  the stored edges, and the other pages keep their stored "links" findings (``Rule.locality``);
* **full**: every rule on every page.

Whatever the plan, the run's findings are those of a run without a snapshot (the tests compare
both after every kind of edit), and the snapshot learns from the run for the next one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal, Protocol

from guidelint.registry import Rule, SiteContext, iter_rules
from guidelint.results import AnalysedPage, FindingRow, finding_row
from guidelint.site import LinkScope, SiteIndex

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.discovery import FileItem

# facts the link resolver read from disk: non-page files looked up (found, not found, or outside
# the root: links.file_state) and folders listed (GL311)
DiskFacts = tuple[dict[str, bool | str], dict[str, tuple[str, ...] | None]]
# where one page's links led (guidelint.links.link_data): the pages any link reaches, the graph
# edges, and whether a link finds nothing
LinkData = tuple[frozenset[str], tuple[str, ...], bool]
# the link resolver's "did you mean" answers, by (path wanted, candidates)
Suggestions = dict[Any, Any]
# (path below the content root, result) of every page of the site in this run
Pages = list[tuple[str, AnalysedPage]]


class SiteSnapshot(Protocol):
    """What the last runs learnt of the site, as the site-rules policy asks it."""

    def site_findings(self, pages: Pages) -> Mapping[str, Sequence[FindingRow]] | None:
        """The last whole-site run's site findings, if they hold for these pages; else None."""
        ...

    def neighbourhood(self, pages: Pages, report: set[str]) -> set[str] | None:
        """For a run reporting on ``report``: the pages whose links the rules must resolve."""
        ...

    def edited_neighbourhood(self, pages: Pages) -> set[str] | None:
        """For a whole-site run after an edit: the pages whose "links" findings may change."""
        ...

    def stored_site_findings(self, key: str) -> Sequence[FindingRow]:
        """The site findings of one page in the last whole-site run."""
        ...

    def stored_edges(self, key: str) -> tuple[str, ...]:
        """The graph edges of one page, as last resolved."""
        ...

    def previous_disk(self) -> DiskFacts: ...

    def suggestions(self, pages: Pages) -> Suggestions: ...

    def save(
        self,
        pages: Pages,
        site_findings: Mapping[str, Sequence[FindingRow]] | None,
        disk: DiskFacts | None,
        link_data: dict[str, LinkData] | None = None,
        suggestions: Suggestions | None = None,
    ) -> None:
        """Learn from this run (``site_findings``: None unless the run covered the whole site)."""
        ...


@dataclass(frozen=True, eq=False)  # never compared: no __eq__ built at import
class SitePlan:
    """How one run gets its site findings (see the module docstring)."""

    kind: Literal["reused", "focused", "incremental", "full"]
    stored: Mapping[str, Sequence[FindingRow]] | None = None  # reused: the findings
    focus: frozenset[str] | None = None  # the pages whose links are resolved (None: all)
    report_rels: frozenset[str] | None = None  # the pages findings are made for (None: all)
    whole_graph: frozenset[str] = frozenset()  # codes of the rules run for every page anyway


def plan_site_rules(
    snapshot: SiteSnapshot | None,
    pages: Pages,
    rules: list[Rule],
    report_keys: set[str],
    whole_site: bool,
) -> SitePlan:
    """The plan of this run; ``snapshot`` None: no snapshot can be trusted (or none exists)."""
    if snapshot is None:
        return SitePlan("full", report_rels=None if whole_site else frozenset(report_keys))
    stored = snapshot.site_findings(pages)
    if stored is not None:  # the whole site's findings still hold: also those of the pages reported
        return SitePlan("reused", stored=stored)
    if not whole_site:
        focus = snapshot.neighbourhood(pages, set(report_keys))
        return SitePlan(
            "full" if focus is None else "focused",
            focus=None if focus is None else frozenset(focus),
            report_rels=frozenset(report_keys),
        )
    if all(r.locality in ("links", "graph") for r in rules):
        edited = snapshot.edited_neighbourhood(pages)
        if edited is not None:
            return SitePlan(
                "incremental",
                focus=frozenset(edited),
                report_rels=frozenset(edited),
                whole_graph=frozenset(r.code for r in rules if r.locality == "graph"),
            )
    return SitePlan("full")


def run_site_rules(
    rules: list[Rule], index: SiteIndex, ctx: SiteContext, whole_graph: frozenset[str] = frozenset()
) -> dict[str, list[FindingRow]]:
    """Each page's findings of ``rules`` (those in ``whole_graph`` report on every page)."""
    whole = replace(ctx, report_rels=None)
    found: dict[str, list[FindingRow]] = {}
    for rule in rules:
        for rel, finding in rule.check_site(index, whole if rule.code in whole_graph else ctx):
            found.setdefault(rel, []).append(finding_row(finding))
    return found


def site_findings(
    results: list[tuple[str, FileItem, AnalysedPage]],
    config: Config,
    selected: frozenset[str],
    report_keys: set[str],
    whole_site: bool,
    snapshot: SiteSnapshot | None,
) -> tuple[Mapping[str, Sequence[FindingRow]], dict[str, Any]]:
    """(site findings by page key, statistics) for a run whose files gave ``results``
    ((key, item, result) triples); ``snapshot`` learns from the run."""
    from guidelint.links import link_data, resolver_for
    from guidelint.schema import load_schemas

    rules = list(iter_rules("site", selected))
    pages: Pages = [(i.rel, r) for _k, i, r in results if i.rel is not None and i.path is not None]
    usable = (
        snapshot
        if snapshot is not None and rules and not config.get("links.check_external")
        else None
    )
    plan = plan_site_rules(usable, pages, rules, report_keys, whole_site)
    if usable is not None and plan.stored is not None:
        usable.save(pages, plan.stored, usable.previous_disk())
        return plan.stored, {"site_rules": "reused"}
    focus = plan.focus
    if usable is not None and focus is not None:
        # the pages whose links are not resolved: their summaries' details stay stored unless read
        index = SiteIndex(
            [r.summary if k in focus else r.index_summary() for k, _i, r in results],
            LinkScope(focus, usable.stored_edges),
        )
    else:
        index = SiteIndex([r.summary for _k, _i, r in results])
    stored_suggestions = usable.suggestions(pages) if usable is not None else {}
    if usable is not None:
        resolver_for(index, config).seed_suggestions(stored_suggestions)
    ctx = SiteContext(
        config=config,
        schemas=load_schemas(config.schemas_dir),
        selected=selected,
        report_rels=plan.report_rels,
    )
    found = run_site_rules(rules, index, ctx, plan.whole_graph)
    if usable is not None and plan.kind == "incremental":
        # the other pages keep their stored findings, but for the rules run on the whole graph
        assert focus is not None  # an incremental plan has a focus
        for rel, _result in pages:
            if rel not in focus:
                kept = [f for f in usable.stored_site_findings(rel) if f[0] not in plan.whole_graph]
                if kept:
                    found[rel] = kept + found.get(rel, [])
    if usable is not None:
        resolver = resolver_for(index, config)
        disk = resolver.disk_facts()
        suggestions = resolver.suggestions()
        if focus is not None:  # facts about the other pages' links: the snapshot's, checked by it
            before = usable.previous_disk()
            disk = ({**before[0], **disk[0]}, {**before[1], **disk[1]})
            # and their "did you mean" answers: the pages are the same, so the stored answers hold
            suggestions = {**stored_suggestions, **suggestions}
        usable.save(
            pages, found if whole_site else None, disk, link_data(index, config), suggestions
        )
    elif snapshot is not None:
        snapshot.save(pages, None, None)
    index.cache.clear()  # the link resolver it holds refers back to the index: no cycle left behind
    incremental = plan.kind == "incremental"
    return found, {
        "site_rules": "incremental" if incremental else "ran",
        "site_focus": len(focus) if focus is not None else None,
    }
