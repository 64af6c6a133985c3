from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.links import ESCAPES, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import reported

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


CODE = "GL304"


@register
class LinkEscapesRoot(Rule):
    """A link or image points outside the content root.

    What it checks: relative paths that climb above the content root (``../../README.md``),
    site-absolute paths that ``links.site_prefixes`` maps above it, and paths that leave it
    through a symbolic link (``shared/notes.md`` where ``shared`` links to a folder outside the
    root): the real path of a linked file must lie below the content root. The target is
    flagged and never opened. A page below the content root that is a symbolic link to a file
    outside it is reported the same way, at the link: the file is never read, its lines are
    never shown, and ``--fix`` never writes through it.

    Why: the site is built from the content root only; anything outside it is not published, and
    a path that climbs out of it is either a mistake or an attempt to read a private file.

    ```markdown fail
    === states/texas.md ===
    # Texas

    See [the notes](../../notes/texas.md).
    ```

    ```markdown pass
    === states/texas.md ===
    # Texas

    See [the index](../states/index.md).
    === states/index.md ===
    # States
    ```
    """

    code = CODE
    name = "link-escapes-root"
    summary = "A link or image points outside the content root"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        for sl in site_links(site, ctx.config):
            if sl.resolution.kind == ESCAPES and reported(sl.source, ctx):
                what = "image" if sl.link.kind == "image" else "link"
                rel = sl.resolution.rel or ""
                how = (
                    ""
                    if rel == ".." or rel.startswith(("../", "/"))
                    else " through a symbolic link"
                )
                yield (
                    sl.source.rel,
                    self.finding(
                        sl.link.span,
                        f"{what} to '{sl.link.target}' leaves the content root{how} "
                        "(it was not opened); point it at a file inside the "
                        "content root or use a full https:// URL",
                    ),
                )


def escaped_page() -> Finding:
    """The finding for a page that is a symbolic link to a file outside the content root (made
    when the run gathers its files: the page is never read)."""
    return Finding(
        CODE,
        Span.point(1),
        "this page is a symbolic link to a file outside the content root; it was not "
        "read (and --fix never writes through it): move the page into the content root",
    )
