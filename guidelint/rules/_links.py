"""Shared by the GL3xx rules: where a page-level finding points, how a link is named."""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.links import SiteLink
    from guidelint.registry import SiteContext
    from guidelint.site import PageSummary


def page_span(summary: PageSummary) -> Span:
    """A page's H1, else its front-matter title, else line 1."""
    h1 = next((h for h in summary.headings if h.level == 1), None)
    if h1 is not None:
        return h1.span
    return summary.title_span or Span.point(1)


def reported(summary: PageSummary, ctx: SiteContext) -> bool:
    return ctx.report_rels is None or summary.rel in ctx.report_rels


def where(site_link: SiteLink) -> str:
    return f"{site_link.source.rel}:{site_link.link.span.line}"


def where_list(site_links: Iterable[SiteLink], limit: int = 5) -> str:
    items = sorted(
        {where(sl) for sl in site_links},
        key=lambda w: (w.rsplit(":", 1)[0], int(w.rsplit(":", 1)[1])),
    )
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return ", ".join(items[:limit]) + more


def outside_run(site_link: SiteLink, ctx: SiteContext) -> bool:
    """The link sits on a page this run does not report on (a changed-files run)."""
    return ctx.report_rels is not None and site_link.source.rel not in ctx.report_rels
