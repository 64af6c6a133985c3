from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.registry import Rule, register
from guidelint.structure import find_steps_table, parse_row, spec_for

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


@register
class HubStepsTable(Rule):
    """The hub's steps table is missing, has the wrong columns, or its rows are not numbered 1..N.

    What it checks: for page types with a ``steps:`` block in ``schemas/<type>.sections.yaml``
    (the hub): a table sits directly under the ``table_in`` heading, its columns are
    ``columns``, and each row's first cell matches ``row_pattern`` (``1. Understand the role``)
    with the numbers 1, 2, 3... in order.

    Why: the steps table is the hub's summary of the whole path; a missing or misnumbered step
    sends a reader down the path in the wrong order.

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
    | 3. Choose a training path | Compare programs | [Training](training.md) |
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
    ```
    """

    code = "GL210"
    name = "hub-steps-table"
    summary = "The hub's steps table is missing, has wrong columns or misnumbered rows"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        spec = spec_for(page.type, ctx.schemas)
        if spec is None or spec.steps is None:
            return
        steps = spec.steps
        heading, table = find_steps_table(page.headings, page.tables, steps)
        if heading is None:
            return  # GL201 reports the missing section
        if table is None:
            yield self.finding(
                page.headings[heading].span,
                f"no steps table under '{page.headings[heading].text}'; add a table with the columns "
                f"{', '.join(steps.columns)} and one row per step",
            )
            return
        if steps.columns and [c.strip().casefold() for c in table.header] != [
            c.casefold() for c in steps.columns
        ]:
            cells = page.tables[table.table].header
            span = (
                Span(
                    cells[0].span.line,
                    cells[0].span.column,
                    cells[-1].span.end_line,
                    cells[-1].span.end_column,
                )
                if cells
                else Span.point(table.span.line)
            )
            yield self.finding(
                span,
                f"the steps table's columns are {', '.join(table.header) or '(none)'}; "
                f"use {', '.join(steps.columns)}",
            )
        if not table.rows:
            yield self.finding(table.span, "the steps table has no rows; add one row per step")
        for i, row in enumerate(table.rows):
            if not row:
                continue
            text, span = row[0]
            parsed = parse_row(steps, text)
            if parsed is None:
                yield self.finding(
                    span,
                    f"row {i + 1}: '{text}' does not read like '{i + 1}. <step title>' "
                    f"(row_pattern {steps.row_pattern.pattern!r})",
                )
            elif parsed[0] != i + 1:
                yield self.finding(
                    span,
                    f"row {i + 1} is numbered {parsed[0]}; number the steps 1 to "
                    f"{len(table.rows)} in order",
                )
