"""``guidelint new TYPE SLUG``: a page that passes the front-matter and structure checks."""

import json

import pytest

from guidelint.registry import all_rules

INDEX = """---
title: Medical assistant rules by state
description: What varies by state for medical assistants and how to check the rules where you live.
type: index
status: published
last_reviewed: 2026-11-01
related: [jobs]
---

# Medical assistant rules by state

Intro.

## What varies by state

Text.

## How to check your state's rules

Text.

## State guides

Text.

## What to read next

- [Jobs](../jobs.md)
"""


def _families() -> str:
    present = {r.code[:3] for r in all_rules()}
    return ",".join(
        f for f in ("GL1", "GL2", "GL3", "GL5", "GL9") if any(p.startswith(f) for p in present)
    )


@pytest.mark.parametrize(
    "page_type,slug",
    [
        ("guide", "jobs-2"),
        ("state", "states/oregon"),
        ("index", "states/more"),
        ("hub", "start-here"),
    ],
)
def test_new_page_passes_front_matter_and_structure(site, run_cli, page_type, slug):
    root = site({"states/index.md": INDEX, "jobs.md": INDEX.replace("type: index", "type: index")})
    code, out, err = run_cli("new", page_type, slug, "--title", "A brand new page")
    assert code == 0, err
    path = root / "content" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert "status: draft" in text and "# A brand new page" in text
    # an unreviewed state draft leaves last_reviewed out (the state schema asks for it only once
    # the page is published); every other type's schema requires it
    assert ("last_reviewed: 2026-11-25" in text) == (page_type != "state"), text
    code, out, err = run_cli(
        "check", f"content/{slug}.md", "--select", _families(), "--format", "json"
    )
    assert json.loads(out) == [], out
    assert code == 0


def test_new_refuses_to_overwrite(site, run_cli):
    root = site({"states/index.md": INDEX})
    code, _out, err = run_cli("new", "state", "states/index")
    assert code == 2 and "already exists" in err
    assert (root / "content" / "states" / "index.md").read_text(encoding="utf-8") == INDEX


def test_new_usage_errors(site, run_cli):
    site({})
    code, _, err = run_cli("new", "recipe", "pasta")
    assert code == 2 and "no page type 'recipe'" in err and "guide" in err
    code, _, err = run_cli("new", "guide", "Bad Slug")
    assert code == 2 and "slug" in err


def test_new_guide_sections_come_from_the_schema(site, run_cli):
    root = site({})
    assert run_cli("new", "guide", "salary-2")[0] == 0
    text = (root / "content" / "salary-2.md").read_text(encoding="utf-8")
    assert "title: Salary 2" in text and "## What to read next" in text and "sources:" in text
