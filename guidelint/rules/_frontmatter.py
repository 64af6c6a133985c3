"""Shared by the GL1xx rules: validate a page's front matter once and keep the findings."""

from __future__ import annotations

from guidelint.schema import validate


def schema_findings(page, ctx):
    if "schema_findings" not in page.cache:
        fm = page.front_matter
        page.cache["schema_findings"] = validate(fm, ctx.schemas) if fm is not None else []
    return page.cache["schema_findings"]


def findings_with_code(page, ctx, code):
    return [f for f in schema_findings(page, ctx) if f.code == code]
