from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from guidelint.links import MISSING, resolver_for, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import outside_run, page_span, reported, where_list
from guidelint.templates import shown_target

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class MissingPage(Rule):
    """A link points at a page or file that does not exist.

    What it checks: every link (inline, reference-style, site-absolute) resolved as described in
    ``guidelint rule GL302`` and the README's "Links and anchors": ``jobs.md``, ``jobs``,
    ``states/`` (its ``index.md``) and ``/jobs`` (through ``links.site_prefixes``) all find
    ``jobs.md`` or ``states/index.md``; ``links.redirects`` maps old slugs to new ones. The
    message suggests the closest existing page. Images are GL311's.

    Changed files: when only some files are checked (pre-commit passes the changed ones), a page
    that was renamed is told which unchecked pages still link to its old path, on the renamed
    page itself: the closest existing page to the broken link must be among the checked files.
    A deleted page is never passed to the linter: its broken inbound links are reported on the
    linking pages when those are checked (run ``guidelint check`` on the whole site in CI).

    Why: a broken link is a dead end in the middle of a reader's decision.

    ```markdown fail
    === jobs.md ===
    # Jobs

    Read the [salary guide](salaries.md) first.
    === salary.md ===
    # Salary
    ```

    ```markdown pass
    === jobs.md ===
    # Jobs

    Read the [salary guide](salary.md), the [state guides](states/) and the [hub](/salary).
    === salary.md ===
    # Salary
    === states/index.md ===
    # States
    ```
    """

    code = "GL301"
    name = "missing-page"
    summary = "A link points at a page or file that does not exist"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        resolver = resolver_for(site, ctx.config)
        renamed = defaultdict(list)  # (page rel, old path) -> site links
        for sl in site_links(site, ctx.config):
            res = sl.resolution
            if sl.link.kind != "link" or res.kind != MISSING:
                continue
            assert res.rel is not None  # a MISSING resolution names the path it looked for
            if reported(sl.source, ctx):
                suggestion = resolver.suggest_page(res.rel, sl.source.rel)
                where = f"no page or file at '{res.rel}' in the content root"
                url_link = resolver.url_link(sl.link.target)
                if url_link:  # a URL (pretty or .html style): say it, and suggest one
                    where = f"nothing is published at '{resolver.wanted_url(sl.link.target, sl.source.rel)}'"
                    if suggestion:
                        suggestion = resolver.suggest_url(res.rel, sl.source.rel, sl.link.target)
                hint = (
                    f"; did you mean '{suggestion}'?"
                    if suggestion
                    else "; fix the path or remove the link"
                )
                yield (
                    sl.source.rel,
                    self.finding(
                        sl.link.span,
                        f"link to '{shown_target(sl.link.target)}': {where}{hint}",
                    ),
                )
            elif outside_run(sl, ctx) and (
                suggestion := resolver.suggest_page(res.rel, sl.source.rel, among=ctx.report_rels)
            ):
                import posixpath

                target = posixpath.normpath(
                    posixpath.join(posixpath.dirname(sl.source.rel), suggestion)
                )
                assert ctx.report_rels is not None  # outside_run: a changed-files run
                if target in ctx.report_rels and target in site.by_rel:
                    renamed[(target, res.rel)].append(sl)
        for (rel, old), links in sorted(renamed.items()):
            yield (
                rel,
                self.finding(
                    page_span(site.by_rel[rel]),
                    f"{len(links)} link(s) on pages not checked in this run point at '{old}', which "
                    f"does not exist ({where_list(links)}); if this page replaced it, update those "
                    "links or add a links.redirects entry",
                ),
            )
