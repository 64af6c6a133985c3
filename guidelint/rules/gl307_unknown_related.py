from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from guidelint.links import resolver_for
from guidelint.registry import Rule, register
from guidelint.rules._links import reported

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class UnknownRelated(Rule):
    """A ``related`` slug in the front matter names no page of the site.

    What it checks: each entry of ``related`` (``certification``, ``states/index``: the page's
    path below the content root without ``.md``) against the site's pages. A slug that
    ``links.redirects`` maps to an existing page is reported too, with the new slug to use.

    Why: the related-pages box is built from these slugs; an unknown one silently disappears or
    renders a broken card.

    ```markdown fail
    === jobs.md ===
    ---
    title: Jobs
    related: [salaries]
    ---
    # Jobs
    === salary.md ===
    # Salary
    ```

    ```markdown pass
    === jobs.md ===
    ---
    title: Jobs
    related: [salary, states/index]
    ---
    # Jobs
    === salary.md ===
    # Salary
    === states/index.md ===
    # States
    ```
    """

    code = "GL307"
    name = "unknown-related"
    summary = "A related slug names no page of the site"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        resolver = resolver_for(site, ctx.config)
        slugs = sorted(site.by_slug)
        for page in site.pages:
            if not reported(page, ctx) or not page.related:
                continue
            for slug, span in page.related:
                res = resolver.resolve_slug(slug)
                if res.page is not None and res.redirected_from is None:
                    continue
                if res.page is not None:
                    msg = (
                        f"related: '{slug}' was renamed (links.redirects); write '{res.page.slug}'"
                    )
                else:
                    near = difflib.get_close_matches(slug, slugs, n=1, cutoff=0.6)
                    hint = (
                        f"; did you mean '{near[0]}'?"
                        if near
                        else "; use a page's path without .md"
                    )
                    msg = f"related: '{slug}' is not a page of the site{hint}"
                yield page.rel, self.finding(span, msg)
