from __future__ import annotations

from typing import TYPE_CHECKING, Any

from guidelint.registry import Rule, register
from guidelint.structure import find_steps_table, norm_text, parse_row, spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class HubStepSections(Rule):
    """The hub's "Step N: ..." sections do not follow the steps table.

    What it checks: the headings matched by the entry that ``steps.section`` names (on the hub,
    ``## Step N: Title``) are numbered 1, 2, 3... in order, there is exactly one for each row of
    the steps table, and each title equals its row's title (case and spacing ignored).

    Why: the table promises a sequence and the sections deliver it. When a step is renamed,
    added or reordered in one place only, readers jump from the table to the wrong section.

    ```markdown fail
    ---
    title: How to become a medical assistant
    type: hub
    ---

    # How to become a medical assistant

    ## The steps at a glance

    | Step | What it involves | Go deeper |
    |---|---|---|
    | 1. Understand the role | Learn the job | [Role](role.md) |
    | 2. Choose a training path | Compare programs | [Training](training.md) |

    ## Step 1: Understand the role

    Text.

    ## Step 2: Pick a school

    Text.
    ```

    ```markdown pass
    ---
    title: How to become a medical assistant
    type: hub
    ---

    # How to become a medical assistant

    ## The steps at a glance

    | Step | What it involves | Go deeper |
    |---|---|---|
    | 1. Understand the role | Learn the job | [Role](role.md) |
    | 2. Choose a training path | Compare programs | [Training](training.md) |

    ## Step 1: Understand the role

    Text.

    ## Step 2: Choose a training path

    Text.
    ```
    """

    code = "GL211"
    name = "hub-step-sections"
    summary = "The hub's Step N sections do not match the steps table"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        spec = spec_for(page.type, ctx.schemas)
        if spec is None or spec.steps is None or spec.steps.section is None:
            return
        entry = spec.entry_named(spec.steps.section)
        if entry is None or entry.pattern is None:
            return
        sections = []  # (heading, number, title)
        for h in page.headings:
            if h.level != entry.level:
                continue
            m = entry.pattern.search(h.text.strip())
            if m:
                g = m.groupdict()
                try:
                    number = int(g.get("number") or "")
                except (TypeError, ValueError):
                    continue
                sections.append((h, number, (g.get("title") or "").strip()))
        if not sections:
            return  # GL201 reports the missing steps
        for pos, (h, number, _title) in enumerate(sections, 1):
            if number != pos:
                yield self.finding(
                    h.span,
                    f"'{h.text}' is the {_ordinal(pos)} step section but is numbered {number}; "
                    f"number the Step sections 1 to {len(sections)} in order",
                )
        _heading, table = find_steps_table(page.headings, page.tables, spec.steps)
        if table is None:
            return  # GL210 reports it
        rows: dict[int, tuple[str, Any, int]] = {}
        for i, row in enumerate(table.rows):  # by position: GL210 reports misnumbered rows
            parsed = parse_row(spec.steps, row[0][0]) if row else None
            if parsed is not None:
                rows[i + 1] = (parsed[1], row[0][1], i + 1)
        by_number: dict[int, tuple[Any, str]] = {}
        for h, number, title in sections:
            by_number.setdefault(number, (h, title))
            step_row = rows.get(number)
            if step_row is None:
                yield self.finding(
                    h.span,
                    f"'{h.text}' has no row {number} in the steps table; add the row "
                    f"'{number}. {title}' or remove the section",
                )
            elif norm_text(step_row[0]) != norm_text(title):
                yield self.finding(
                    h.span,
                    f"step {number} is called '{title}' here but '{step_row[0]}' in the steps table "
                    f"(line {step_row[1].line}); use one title in both places",
                )
        for number, (title, span, _i) in sorted(rows.items()):
            if number not in by_number:
                yield self.finding(
                    span,
                    f"step {number} '{title}' has no section; add '## Step {number}: {title}' "
                    "in its place among the step sections",
                )


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
