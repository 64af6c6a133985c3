"""The language server's engine (guidelint.lsp.engine) gives exactly what a fresh run gives.

It keeps page results in memory and, after the first check, resolves only the links that can
change a finding on the reported pages. Here a generated site is edited in a buffer in several
ways (headings renamed, links broken, links removed, the page made a draft) and after each edit
the engine's diagnostics for the page, and for the pages linking to it, are compared with a
fresh ``runner.run`` that analyses and resolves everything (the standard-input path of
``guidelint check - --stdin-filename PAGE``, and ``guidelint check PAGES`` with the buffer in
place of the file).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from guidelint.cli import load
from guidelint.fixes import overlay_analyzer
from guidelint.lsp.engine import Sites
from guidelint.registry import selected_codes
from guidelint.runner import FileItem, analyze_items, run

REPO = Path(__file__).resolve().parent.parent


def _gen_site(n: int, out: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_site", REPO / "benchmarks" / "gen_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main([str(n), str(out)])


def _rows(diagnostics) -> list[tuple]:
    return sorted((*d.as_dict().values(), d.fix) for d in diagnostics)


def _edits(text: str) -> dict[str, str]:
    body = text.split("\n---\n", 1)
    return {
        "headings renamed": re.sub(r"^## (.*)$", r"## \1 (renamed)", text, flags=re.M),
        "links added, broken": text
        + "\nSee [nothing](guide-99999.md) and [a part](guide-00001.md#no-such-part).\n",
        "links removed": body[0] + "\n---\n" + body[1].replace("](", "] ("),
        "made a draft": text.replace("status: published", "status: draft", 1),
        "unchanged": text,
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("lsp_engine") / "site"
    _gen_site(60, root)
    return root


def test_engine_matches_a_fresh_run_after_each_edit(generated, monkeypatch):
    monkeypatch.chdir(generated)
    monkeypatch.setenv("GUIDELINT_TODAY", "2026-11-25")
    content = generated / "content"
    # the page most linked to with an #anchor: renaming its headings breaks other pages' links
    counts: dict[str, int] = {}
    for page in content.rglob("*.md"):
        for target in re.findall(r"\]\((?:\.\./)*([\w/-]+\.md)#", page.read_text("utf-8")):
            counts[target] = counts.get(target, 0) + 1
    rel = max(sorted(counts), key=counts.get)
    page = str((content / rel).resolve())
    original = (content / rel).read_text(encoding="utf-8")

    config = load(None)
    selected = selected_codes(config["select"], config["ignore"], config["extend_select"])
    site = Sites().for_path(page)
    first = site.check({}, [page])
    assert first.focus is None and first.analysed == 60  # the first check reads the site
    inbound = site.inbound(page)
    assert len(inbound) >= 2

    narrowed = []
    for name, text in _edits(original).items():
        buffer = text.encode("utf-8")
        got = site.check({page: buffer}, [page])
        assert got.analysed <= 1, name  # only the edited page is analysed again
        narrowed.append(got.focus)
        expected = run(
            [], config, selected, stdin=FileItem(None, f"content/{rel}", rel, buffer)
        ).diagnostics
        assert _rows(got.by_path[page]) == _rows(expected), name

        linking = site.inbound(page) or inbound
        got_linking = site.check({page: buffer}, linking)
        fresh = run(
            [str(Path(p)) for p in linking],
            config,
            selected,
            analyzer=overlay_analyzer(analyze_items, {Path(page): buffer}),
        )
        by_path: dict[str, list] = {}
        for d in fresh.diagnostics:
            by_path.setdefault(str((generated / d.path).resolve()), []).append(d)
        for p in linking:
            assert _rows(got_linking.by_path[p]) == _rows(by_path.get(p, [])), (name, p)
    # the edits were checked with narrowed link resolution, not by resolving the whole site again
    assert all(f is not None and f < 60 for f in narrowed), narrowed
    # and the site on disk is as it was
    assert (content / rel).read_text(encoding="utf-8") == original


def test_renamed_headings_break_links_on_the_linking_pages(generated, monkeypatch):
    """Not only equal to a fresh run: the rename is actually seen (GL302 on a linking page)."""
    monkeypatch.chdir(generated)
    monkeypatch.setenv("GUIDELINT_TODAY", "2026-11-25")
    content = generated / "content"
    counts: dict[str, int] = {}
    for page in content.rglob("*.md"):
        for target in re.findall(r"\]\((?:\.\./)*([\w/-]+\.md)#", page.read_text("utf-8")):
            counts[target] = counts.get(target, 0) + 1
    rel = max(sorted(counts), key=counts.get)
    page = str((content / rel).resolve())
    original = (content / rel).read_text(encoding="utf-8")
    site = Sites().for_path(page)
    site.check({}, [page])
    linking = site.inbound(page)
    before = site.check({}, linking)
    renamed = re.sub(r"^## (.*)$", r"## \1 (renamed)", original, flags=re.M).encode()
    site.check({page: renamed}, [page])
    after = site.check({page: renamed}, linking)
    broken_before = sum(
        1 for p in linking for d in before.by_path[p] if d.code == "GL302" and rel in d.message
    )
    broken_after = sum(
        1 for p in linking for d in after.by_path[p] if d.code == "GL302" and rel in d.message
    )
    assert broken_after > broken_before
