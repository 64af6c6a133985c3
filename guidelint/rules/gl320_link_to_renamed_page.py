from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from guidelint.diagnostics import CheckedEdit, Severity, Span
from guidelint.links import PAGE, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import reported
from guidelint.slug import normalize_label

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Link
    from guidelint.registry import SiteContext
    from guidelint.site import PageSummary, SiteIndex


def _new_target(
    raw: str, source_rel: str, new_rel: str, site_absolute: bool, extensions: tuple[str, ...]
) -> str | None:
    """The link target rewritten to ``new_rel`` in the style it was written in."""
    path, hash_, fragment = raw.partition("#")
    if site_absolute:
        return None  # site-absolute paths go through links.site_prefixes: leave them to a person
    new = posixpath.relpath(new_rel, posixpath.dirname(source_rel) or ".")
    stem = next((new[: -len(ext)] for ext in extensions if new.endswith(ext)), new)
    if path.endswith("/"):
        if posixpath.basename(stem) != "index":
            return None
        new = posixpath.dirname(stem) + "/" if posixpath.dirname(stem) else "./"
    elif not path.endswith(tuple(extensions)):
        new = stem
    if path.startswith("./") and not new.startswith("."):
        new = "./" + new
    return new + (hash_ + fragment if hash_ else "")


@register
class LinkToRenamedPage(Rule):
    """A link reaches its page only through a ``links.redirects`` entry.

    What it checks: links whose target is an old slug listed in ``[tool.guidelint.links]
    redirects`` (``"old-slug" = "new-slug"``). The link works on a site that serves the redirect,
    but it is stale: ``--fix`` rewrites it to the new page, keeping the link's style (``.md`` or
    not, ``#anchor``). Site-absolute links (``/old-slug``) are reported but not rewritten.

    Why: after a page is renamed, its old address should be a safety net for readers arriving
    from outside, not where the site's own pages point.

    ```markdown fail
    === guidelint.toml ===
    [links]
    redirects = { pay = "salary" }
    === jobs.md ===
    # Jobs

    Read the [salary guide](pay.md).
    === salary.md ===
    # Salary
    ```

    ```markdown pass
    === jobs.md ===
    # Jobs

    Read the [salary guide](salary.md).
    === salary.md ===
    # Salary
    ```

    (In the examples, a ``guidelint.toml`` block is the configuration of the example's site.)
    """

    code = "GL320"
    name = "link-to-renamed-page"
    summary = "A link goes through links.redirects; point it at the new page"
    severity = Severity.WARNING
    scope = "site"
    locality = "links"
    fixable = True

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        extensions = tuple(ctx.config["extensions"])
        for sl in site_links(site, ctx.config):
            res = sl.resolution
            if (
                sl.link.kind != "link"
                or res.kind != PAGE
                or not res.redirected_from
                or not reported(sl.source, ctx)
            ):
                continue
            assert res.page is not None  # a redirect resolves to a page of the index
            new_rel = res.page.rel
            new = _new_target(sl.link.target, sl.source.rel, new_rel, res.site_absolute, extensions)
            fix: tuple[CheckedEdit, ...] = ()
            if new is not None:
                edit = _target_edit(sl.source, sl.link, new)
                fix = (edit,) if edit is not None else ()
            yield (
                sl.source.rel,
                self.finding(
                    sl.link.span,
                    f"link to '{sl.link.target}': '{res.redirected_from}' was renamed to "
                    f"'{res.page.slug}' (links.redirects); link to '{new or res.page.rel}' instead",
                    fix,
                ),
            )


def _target_edit(source: PageSummary, link: Link, new: str) -> CheckedEdit | None:
    """Where the target is written: in the link itself (inline) or in its reference definition."""
    raw = link.target
    if link.style == "inline" and link.span.line == link.span.end_line:
        end = link.span.end_column - 1  # the closing ')'
        return CheckedEdit(
            Span(link.span.line, end - len(raw), link.span.line, end), new, expect=raw
        )
    if link.style == "reference" and link.label is not None:
        label = normalize_label(link.label)
        for d in source.definitions:
            if d.label == label:
                end = d.span.end_column
                return CheckedEdit(
                    Span(d.span.line, end - len(d.target), d.span.line, end), new, expect=d.target
                )
    return None
