from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guidelint.registry import Rule, register
from guidelint.structure import match_sections, spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Sequence

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


def _longest_ordered(seq: Sequence[Any]) -> set[int]:
    """Indices of a longest non-decreasing subsequence of ``seq`` (patience, O(n log n))."""
    import bisect

    tails: list[Any] = []
    tails_idx: list[int] = []
    prev = [-1] * len(seq)
    for i, v in enumerate(seq):
        k = bisect.bisect_right(tails, v)
        if k == len(tails):
            tails.append(v)
            tails_idx.append(i)
        else:
            tails[k] = v
            tails_idx[k] = i
        prev[i] = tails_idx[k - 1] if k else -1
    keep, i = set(), tails_idx[-1] if tails_idx else -1
    while i != -1:
        keep.add(i)
        i = prev[i]
    return keep


@register
class SectionOrder(Rule):
    """Required sections are out of order, or a section follows the one that must come last.

    What it checks: with ``ordered: true`` in ``schemas/<type>.sections.yaml``, the required
    sections that are present appear in the listed order (other sections may sit between them);
    an entry with ``last: true`` has no section of its level after it. The finding points at the
    heading that is out of place and names the section it should follow.

    Why: the hub walks the reader through an order (the steps, then the questions, then what to
    read next); a guide's closing links belong at the end where readers look for them.

    ```markdown fail
    ---
    title: Medical assistant jobs
    type: guide
    ---

    # Medical assistant jobs

    ## What to read next

    - [Salary](salary.md)

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

    code = "GL202"
    name = "section-order"
    summary = "Required sections are out of order"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        spec = spec_for(page.type, ctx.schemas)
        if spec is None:
            return
        match = match_sections(page, spec)
        entries = {e.index: e for e in spec.entries}
        reported = set()
        if spec.ordered:
            present = sorted(
                match.by_heading.items()
            )  # (heading index, entry index) in document order
            keep = _longest_ordered([e for _h, e in present])
            for i, (h, e) in enumerate(present):
                if i in keep:
                    continue
                entry = entries[e]
                earlier = [x for x in spec.entries if x.index < e and x.index in match.by_entry]
                later = [x for x in spec.entries if x.index > e and x.index in match.by_entry]
                if earlier:
                    ref = page.headings[match.by_entry[earlier[-1].index][-1]].text
                    hint = f"move it after '{ref}'"
                else:
                    ref = page.headings[match.by_entry[later[0].index][0]].text
                    hint = f"move it before '{ref}'"
                reported.add(h)
                yield self.finding(
                    page.headings[h].span,
                    f"section '{page.headings[h].text}' is out of order for a {page.type} page; "
                    f"{hint} (the order is in {page.type}.sections.yaml)",
                )
                del entry
        for entry in spec.entries:
            if not entry.last or entry.index not in match.by_entry:
                continue
            h = match.by_entry[entry.index][-1]
            if h in reported:
                continue
            after = [x for x in page.headings[h + 1 :] if x.level <= entry.level]
            if after:
                yield self.finding(
                    page.headings[h].span,
                    f"'{page.headings[h].text}' must be the last section, but "
                    f"'{after[0].text}' (line {after[0].line}) follows it; move "
                    f"'{after[0].text}' above it",
                )
