from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.registry import Rule, register
from guidelint.structure import h1_index, match_sections, norm_text, spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


def anchor_span(page: Page) -> Span:
    """Where page-level structure findings point: the H1, else the first body line."""
    i = h1_index(page)
    return page.headings[i].span if i is not None else Span.point(page.body_start)


@register
class MissingSection(Rule):
    """A section that the page's type requires is missing.

    What it checks: the ``sections`` listed in ``schemas/<type>.sections.yaml`` for the page's
    ``type``. An entry names a heading (``heading: What to read next``, compared without regard
    to case or surrounding space) or a pattern (``pattern: '^Step (?P<number>[0-9]+): '``) and a
    level (2 unless ``level:`` says otherwise). The finding points at the page's H1 and says where
    the section belongs.

    Why: readers of a guide site learn where to look: every guide ends with what to read next,
    the hub answers the same questions in the same place. A page without the section breaks that.

    ```markdown fail
    ---
    title: Medical assistant jobs
    type: guide
    ---

    # Medical assistant jobs

    ## How to apply

    Read each posting before you apply.
    ```

    ```markdown pass
    ---
    title: Medical assistant jobs
    type: guide
    ---

    # Medical assistant jobs

    ## How to apply

    Read each posting before you apply.

    ## What to read next

    - [Salary](salary.md)
    ```
    """

    code = "GL201"
    name = "missing-section"
    summary = "A section the page type requires is missing"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        spec = spec_for(page.type, ctx.schemas)
        if spec is None:
            return
        match = match_sections(page, spec)
        for entry in spec.entries:
            if entry.index in match.by_entry:
                continue
            marks = "#" * entry.level
            if entry.heading is not None:
                what = f"'{entry.heading}'"
                add = f"add '{marks} {entry.heading}'"
            else:
                what = f"'{entry.name or 'matching'}' section (a heading matching {getattr(entry.pattern, 'pattern', '')!r})"
                add = "add at least one such heading"
            if entry.last:
                where = " as the last section of the page"
            else:
                before = [
                    e for e in spec.entries if e.index < entry.index and e.index in match.by_entry
                ]
                where = ""
                if before:
                    prev = page.headings[match.by_entry[before[-1].index][-1]].text
                    where = f" after the section '{prev}'"
            links = f" with at least {entry.links} link(s)" if entry.links else ""
            if entry.heading is not None:
                free = {
                    norm_text(h.text): h
                    for h in page.headings
                    if h.level == entry.level and h.index not in match.by_heading
                }
                near = difflib.get_close_matches(
                    norm_text(entry.heading), list(free), n=1, cutoff=0.75
                )
                if near:
                    h = free[near[0]]
                    yield self.finding(
                        h.span,
                        f"{page.type} pages need a {what} section; rename '{h.text}' "
                        f"to '{entry.heading}'",
                    )
                    continue
            yield self.finding(
                anchor_span(page),
                f"{page.type} pages need a {what} section (H{entry.level}); {add}{where}{links}",
            )
