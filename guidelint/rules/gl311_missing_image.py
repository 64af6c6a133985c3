from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.links import MISSING, PAGE, resolver_for, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import reported

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class MissingImage(Rule):
    """An image points at a file that does not exist.

    What it checks: inline and reference-style images with a local path, resolved like links
    (relative to the page, or site-absolute through ``links.site_prefixes``), against the files
    below the content root. Remote images (``https://``) are checked only with
    ``--check-external`` (GL310).

    Why: a missing image shows as a broken icon, and its alt text is often all that explains a
    diagram the text relies on.

    ```markdown fail
    === jobs.md ===
    # Jobs

    ![A sample job posting](images/posting.png)
    ```

    ```markdown pass
    === jobs.md ===
    # Jobs

    ![A sample job posting](images/posting.svg)
    === images/posting.svg ===
    <svg xmlns="http://www.w3.org/2000/svg"/>
    ```
    """

    code = "GL311"
    name = "missing-image"
    summary = "An image points at a file that does not exist"
    scope = "site"
    locality = "links"

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        resolver = resolver_for(site, ctx.config)
        for sl in site_links(site, ctx.config):
            res = sl.resolution
            if sl.link.kind != "image" or not reported(sl.source, ctx):
                continue
            if res.kind == MISSING:
                assert res.rel is not None  # a MISSING resolution names the path it looked for
                import difflib
                import posixpath

                folder = posixpath.dirname(res.rel)
                near = None
                names = resolver.files_in(folder)
                if names:
                    match = difflib.get_close_matches(
                        posixpath.basename(res.rel), names, n=1, cutoff=0.6
                    )
                    near = match[0] if match else None
                hint = (
                    f"; did you mean '{posixpath.join(posixpath.dirname(sl.link.target), near)}'?"
                    if near
                    else "; add the file or fix the path"
                )
                yield (
                    sl.source.rel,
                    self.finding(
                        sl.link.span,
                        f"image '{sl.link.target}': no file at '{res.rel}' in "
                        f"the content root{hint}",
                    ),
                )
            elif res.kind == PAGE:
                yield (
                    sl.source.rel,
                    self.finding(
                        sl.link.span,
                        f"image '{sl.link.target}' points at a page, not an "
                        "image file; fix the path",
                    ),
                )
