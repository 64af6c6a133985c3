from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.links import resolver_for
from guidelint.registry import Rule, register
from guidelint.rules._links import reported
from guidelint.structure import find_steps_table, spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page.model import Link
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class HubGoDeeperLink(Rule):
    """A row of the hub's steps table does not link to a published page in its Go deeper cell.

    What it checks: on pages whose type has a ``steps:`` block with a ``links_column`` (the
    hub's "Go deeper"), each row's cell in that column holds at least one link that resolves to
    an existing published page of the site. Links that break in other ways are also reported by
    GL301 to GL303; this rule looks at the row as a whole.

    Why: every step promises a deeper guide; a row whose links lead only to drafts or nowhere
    leaves the reader at the summary.

    ```markdown fail
    === hub.md ===
    ---
    title: How to become a medical assistant
    type: hub
    status: published
    ---
    # How to become a medical assistant

    ## The steps at a glance

    | Step | What it involves | Go deeper |
    |---|---|---|
    | 1. Understand the role | Learn the job | [Role](role.md) |
    | 2. Choose a training path | Compare programs | [Training](training.md) |
    === role.md ===
    ---
    title: Role
    status: published
    ---
    # Role
    === training.md ===
    ---
    title: Training
    status: draft
    ---
    # Training
    ```

    ```markdown pass
    === hub.md ===
    ---
    title: How to become a medical assistant
    type: hub
    status: published
    ---
    # How to become a medical assistant

    ## The steps at a glance

    | Step | What it involves | Go deeper |
    |---|---|---|
    | 1. Understand the role | Learn the job | [Role](role.md) |
    | 2. Choose a training path | Compare programs | [Training](training.md), [draft](draft.md) |
    === role.md ===
    ---
    title: Role
    status: published
    ---
    # Role
    === training.md ===
    ---
    title: Training
    status: published
    ---
    # Training
    === draft.md ===
    ---
    title: Draft
    status: draft
    ---
    # Draft
    ```
    """

    code = "GL212"
    name = "hub-go-deeper-link"
    summary = "A hub step's Go deeper cell links to no published page"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        resolver = resolver_for(site, ctx.config)
        for page in site.pages:
            if not page.ok or not reported(page, ctx):
                continue
            spec = spec_for(page.type, ctx.schemas)
            if spec is None or spec.steps is None or not spec.steps.links_column:
                continue
            _heading, table = find_steps_table(page.headings, page.tables, spec.steps)
            if table is None:
                continue  # GL201 / GL210 report it
            col = table.column(spec.steps.links_column)
            if col is None:
                continue  # GL210 reports the columns
            # the page's links by table cell, in page order (once: not every link for every row,
            # 4,000 rows took 3.2 s)
            by_cell: dict[tuple[int, int, int], list[Link]] = {}
            for link in page.links:
                if link.kind == "link" and link.cell is not None:
                    by_cell.setdefault(link.cell, []).append(link)
            for r, row in enumerate(table.rows):
                if col >= len(row):
                    continue
                _text, span = row[col]
                links = by_cell.get((table.table, r, col), [])
                step = row[0][0] if row else f"row {r + 1}"
                if not links:
                    yield (
                        page.rel,
                        self.finding(
                            span,
                            f"step '{step}' has no link in {spec.steps.links_column}; link "
                            "the guide that goes deeper into this step",
                        ),
                    )
                    continue
                problems = []
                for link in links:
                    res = resolver.resolve(link.target, page.rel)
                    if res.page is not None and res.page.published:
                        break
                    if res.page is not None:
                        problems.append(f"'{link.target}' is {res.page.status or 'not published'}")
                    else:
                        problems.append(f"'{link.target}' is not a page of the site")
                else:
                    yield (
                        page.rel,
                        self.finding(
                            span,
                            f"step '{step}': no link in {spec.steps.links_column} leads to a "
                            f"published page ({'; '.join(problems)}); link a published "
                            "guide",
                        ),
                    )
