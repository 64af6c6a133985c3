"""Shared by the GL1xx rules: validate a page's front matter once and keep the findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


def schema_findings(page: Page, ctx: PageContext) -> list[Finding]:
    if "schema_findings" not in page.cache:
        from guidelint.schema import validate  # (the schema stage words its findings with the
        # GL1xx rules' builders: imported here, not at the top, so that neither loads the other)

        fm = page.front_matter
        page.cache["schema_findings"] = validate(fm, ctx.schemas) if fm is not None else []
    found: list[Finding] = page.cache["schema_findings"]
    return found


def findings_with_code(page: Page, ctx: PageContext, code: str) -> list[Finding]:
    return [f for f in schema_findings(page, ctx) if f.code == code]
