"""Property tests: any bytes are safe to check, results do not depend on file order, and a clean
page survives ``check --fix`` untouched. Example counts are bounded to keep the suite fast."""

import os
import random
import tempfile
from pathlib import Path

import pytest
from conftest import run_cli_in_process
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidelint.config import Config, load_config
from guidelint.loading import load_packs
from guidelint.registry import all_rules
from guidelint.runner import analyze, run
from guidelint.testing import EXAMPLE_TODAY

REPO = Path(__file__).resolve().parent.parent

FRAGMENTS = [
    "---\n",
    "title: A page title\n",
    "type: guide\n",
    "type: hub\n",
    "status: published\n",
    "last_reviewed: 2026-11-01\n",
    "related: [other, &a x, *a]\n",
    "sources:\n  - url: x\n",
    "key: [\n",
    "a: *b\n",
    "# Heading\n",
    "## What to read next\n",
    "### Step 1: Start\n",
    "- item\n",
    "  - nested\n",
    "1. one\n",
    "> quote\n",
    ">>>>>> deep\n",
    "| a | b |\n|---|---|\n| c | d |\n",
    "[link](other.md#part)\n",
    "[ref][r]\n",
    "[r]: https://example.org\n",
    "![img](pic.png)\n",
    "<https://example.org>\n",
    "<!-- guidelint-disable GL401 -- reason -->\n",
    "<!-- guidelint-disable-next-line -->\n",
    "```\ncode\n```\n",
    "```",
    "    indented code\n",
    "<div>\n",
    "&amp; &#x0; &bogus;\n",
    "*em* **strong** `code`\n",
    "\\[x\\]\n",
    "You must be certified to work as a medical assistant.\n",
    "Pay is $45,000 a year.\n",
    "e.g. Dr. Smith.\n",
    "\r\n",
    "\r",
    "\n\n",
    "\t",
    "\ufeff",
    "\u200b",
    "\U0001f600",
    "é",
    "\x00",
    "[",
    "]",
    "(",
    ")",
    "<!--",
    "-->",
]


def markdownish():
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12))
    return st.lists(piece, max_size=30).map(
        lambda parts: "".join(parts).encode("utf-8", "surrogatepass")
    )


def page_bytes():
    return st.one_of(
        st.binary(max_size=400),
        markdownish(),
        markdownish().map(lambda b: b"---\ntitle: x\n---\n" + b),
    )


_STATE: dict = {}


def _config_and_selected():
    if not _STATE:
        config = load_config(REPO / "pyproject.toml").with_today(EXAMPLE_TODAY)
        load_packs(config)
        _STATE["config"] = config
        _STATE["selected"] = frozenset(r.code for r in all_rules())
    return _STATE["config"], _STATE["selected"]


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=page_bytes())
def test_any_bytes_never_raise_nor_hit_the_safety_net(data):
    config, selected = _config_and_selected()
    result = analyze("content/page.md", "page.md", data, config, selected)
    internal = [f for f in result.findings if f.code == "GL900"]
    assert not internal, internal[0].message
    for f in result.findings:
        assert f.span.line >= 1 and f.span.column >= 1


def _write_site(root: Path, pages: dict[str, bytes]) -> Config:
    (root / "content").mkdir(parents=True, exist_ok=True)
    for name, data in pages.items():
        (root / "content" / name).write_bytes(data)
    return Config(
        root=root,
        source=None,
        values=dict(
            load_config(REPO / "pyproject.toml").values,
            content_root="content",
            schemas=str(REPO / "schemas"),
        ),
        today=EXAMPLE_TODAY,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages=st.lists(markdownish(), min_size=2, max_size=5), seed=st.integers(0, 1000))
def test_findings_do_not_depend_on_file_order(pages, seed):
    names = [f"p{i}.md" for i in range(len(pages))] + ["other.md"]
    pages = pages + [b"---\ntitle: Other page\ntype: guide\n---\n\n# Other page\n\n## Part\n"]
    _config, selected = _config_and_selected()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cfg = _write_site(root, dict(zip(names, pages)))
        old = os.getcwd()
        os.chdir(root)
        try:
            shuffled = list(names)
            random.Random(seed).shuffle(shuffled)
            a = run([f"content/{n}" for n in names], cfg, selected).diagnostics
            b = run([f"content/{n}" for n in shuffled], cfg, selected).diagnostics
            c = run([], cfg, selected).diagnostics
        finally:
            os.chdir(old)
    assert a == b == c


CLEAN = """---
title: The page called {name}
description: A page that passes every check in this small test site, used for round trips.
type: guide
status: published
last_reviewed: 2026-11-01
sources:
  - title: Example source
    publisher: Example Agency
    url: https://example.org/source
    accessed: 2026-11-01
related: [{other}]
---

# The page called {name}

{prose}

## What to read next

- [The page called {other}]({other}.md): the other page.
"""

WORDS = [
    "the",
    "a",
    "page",
    "text",
    "reader",
    "guide",
    "plan",
    "week",
    "table",
    "office",
    "nothing",
    "particular",
    "about",
    "some",
]


def _has_fix() -> bool:
    return "--fix" in run_cli_in_process("check", "--help", cwd=REPO)[1]


@pytest.mark.skipif(not _has_fix(), reason="guidelint check --fix is not available yet")
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.lists(st.sampled_from(WORDS), min_size=1, max_size=40), crlf=st.booleans())
def test_clean_page_survives_fix_round_trip(words, crlf):
    prose = " ".join(words).capitalize() + "."
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text(
            f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n'
        )
        (root / "content").mkdir()
        for name, other in (("one", "two"), ("two", "one")):
            text = CLEAN.format(name=name, other=other, prose=prose)
            (root / "content" / f"{name}.md").write_bytes(
                text.replace("\n", "\r\n" if crlf else "\n").encode()
            )
        before = {p.name: p.read_bytes() for p in (root / "content").iterdir()}

        def check(*args):
            return run_cli_in_process(
                "check",
                "--no-cache",
                *args,
                cwd=root,
                env={"GUIDELINT_TODAY": EXAMPLE_TODAY.isoformat()},
            )

        code, out, _err = check()
        assert code == 0, out  # the words and template are chosen to pass
        code, out, err = check("--fix")
        assert code == 0 and "Traceback" not in err, out + err
        assert {p.name: p.read_bytes() for p in (root / "content").iterdir()} == before
        assert check()[0] == 0
