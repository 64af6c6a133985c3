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
import json
import os
import re
import shutil
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


def _most_linked_page(content: Path) -> tuple[str, str, str]:
    """The page most linked to with an #anchor (renaming its headings breaks other pages'
    links): its path below the content root, its absolute path, and its text."""
    counts: dict[str, int] = {}
    for page in content.rglob("*.md"):
        for target in re.findall(r"\]\((?:\.\./)*([\w/-]+\.md)#", page.read_text("utf-8")):
            counts[target] = counts.get(target, 0) + 1
    rel = max(sorted(counts), key=counts.get)
    return rel, str((content / rel).resolve()), (content / rel).read_text(encoding="utf-8")


def test_engine_matches_a_fresh_run_after_each_edit(generated, monkeypatch):
    monkeypatch.chdir(generated)
    monkeypatch.setenv("GUIDELINT_TODAY", "2026-11-25")
    content = generated / "content"
    rel, page, original = _most_linked_page(content)

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
            analyzer=overlay_analyzer(analyze_items, {f"content/{rel}": buffer}),  # by display path
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
    rel, page, original = _most_linked_page(content)
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


def _page() -> str:
    return (
        "---\n"
        "title: Harbor pilot wages\n"
        "description: What harbor pilots earn in small ports, and what moves the figure up or down.\n"
        "type: guide\n"
        "status: published\n"
        "last_reviewed: 2026-11-01\n"
        "related: []\n"
        "---\n\n# Harbor pilot wages\n\nSee [the index](index.md#nothing-here).\n"
    )


def test_schema_and_config_changes_are_picked_up_by_the_same_site(tmp_path, monkeypatch):
    schemas = tmp_path / "schemas"
    shutil.copytree(REPO / "schemas", schemas)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("# Index\n\nHello.\n", encoding="utf-8")
    page = tmp_path / "content" / "pilots.md"
    page.write_text(_page(), encoding="utf-8")
    config = tmp_path / "guidelint.toml"
    config.write_text(
        'content_root = "content"\nschemas = "schemas"\nselect = ["GL102", "GL302"]\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    path = str(page.resolve())
    site = Sites().for_path(path)

    def codes():
        return sorted(d.code for d in site.check({}, [path]).by_path[path])

    assert codes() == ["GL102", "GL302"]  # sources is required; the anchor does not exist
    # the schema no longer requires sources: the next check follows, same Site
    guide = schemas / "guide.schema.json"
    doc = json.loads(guide.read_text(encoding="utf-8"))
    doc["required"].remove("sources")
    guide.write_text(json.dumps(doc), encoding="utf-8")
    os.utime(guide, ns=(guide.stat().st_atime_ns, guide.stat().st_mtime_ns + 10**9))
    assert codes() == ["GL302"]
    # the configuration now ignores GL302
    config.write_text(config.read_text(encoding="utf-8") + 'ignore = ["GL302"]\n', encoding="utf-8")
    assert codes() == []
    assert site.reloads == 3


def test_a_new_page_not_yet_saved_is_checked_against_the_site(tmp_path, monkeypatch):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "index.md").write_text("# Index\n\n## Tides\n\nHello.\n", "utf-8")
    (tmp_path / "guidelint.toml").write_text(
        'content_root = "content"\nselect = ["GL3"]\nignore = ["GL308", "GL309"]\n', "utf-8"
    )
    monkeypatch.chdir(tmp_path)
    path = str((tmp_path / "content" / "draft.md").resolve())
    site = Sites().for_path(path)
    text = b"# Draft\n\nSee [tides](index.md#tides) and [storms](index.md#storms).\n"
    found = site.check({path: text}, [path]).by_path[path]
    assert [(d.code, d.line) for d in found] == [("GL302", 3)]
    assert "storms" in found[0].message
    assert not os.path.exists(path)


def test_an_unsaved_page_with_no_site_gets_page_checks(tmp_path, monkeypatch):
    """No configuration and no content folder (a scratch file): page checks, suppressions kept."""
    monkeypatch.chdir(tmp_path)
    path = str((tmp_path / "scratch" / "note.md").resolve())
    site = Sites().for_path(path)
    text = (
        b"# Note\n\nAsk CAHEEP. See [x](y.md).\n\n"
        b"<!-- guidelint-disable-next-line GL510 -- quoting a flyer -->\nCAHEP\n"
    )
    result = site.check({path: text}, [path])
    assert path in result.outside_root
    found = [(d.code, d.line) for d in result.by_path[path]]
    assert ("GL510", 3) in found and ("GL510", 6) not in found
    assert not any(code.startswith("GL30") for code, _line in found)  # no site: no link checks
