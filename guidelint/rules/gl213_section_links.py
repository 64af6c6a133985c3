from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from guidelint.registry import Rule, register
from guidelint.structure import match_sections, spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class SectionLinks(Rule):
    """A section that must point readers onwards has too few links.

    What it checks: required sections with ``links: N`` in ``schemas/<type>.sections.yaml``
    (every page type's "What to read next") hold at least N links, counting their sub-sections.
    A missing section is GL201's finding; a link that leads nowhere is GL301's.

    Why: a guide is one stop on a reader's path; a "What to read next" with no link is a dead end.

    ```markdown fail
    ---
    title: Medical assistant jobs
    type: guide
    ---

    # Medical assistant jobs

    ## What to read next

    The salary guide.
    ```

    ```markdown pass
    ---
    title: Medical assistant jobs
    type: guide
    ---

    # Medical assistant jobs

    ## What to read next

    - [Salary](salary.md): what moves pay.
    ```
    """

    code = "GL213"
    name = "section-needs-links"
    summary = "A section such as What to read next has too few links"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        spec = spec_for(page.type, ctx.schemas)
        if spec is None:
            return
        match = match_sections(page, spec)
        per_section: Counter[int | None] | None = None  # links by the heading they sit under
        for entry in spec.entries:
            if not entry.links:
                continue
            if per_section is None:  # (once: not every link for every matching heading)
                per_section = Counter(link.section for link in page.links if link.kind == "link")
            for h in match.by_entry.get(entry.index, ()):
                level = page.headings[h].level
                inside = {h}
                for later in page.headings[h + 1 :]:
                    if later.level <= level:
                        break
                    inside.add(later.index)
                count = sum(per_section[i] for i in inside)
                if count < entry.links:
                    heading = page.headings[h]
                    yield self.finding(
                        heading.span,
                        f"section '{heading.text}' has {count} link(s); link at least "
                        f"{entry.links} page(s) a reader should go to next",
                    )
