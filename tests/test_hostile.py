"""A catalogue of hostile inputs: each gives its diagnostic (code and line), in bounded time and
memory, through the real command line, with no traceback and never GL900 (an internal error)."""

import json
import os
import tracemalloc
from pathlib import Path

import pytest

from guidelint import runner
from guidelint.config import load_config
from guidelint.frontmatter import parse, split
from guidelint.parallel import make_analyzer
from guidelint.registry import all_rules

FM = "---\ntitle: A hostile page\ntype: guide\n---\n\n# A hostile page\n\n"
FM_LINES = FM.count("\n")  # the body starts on line FM_LINES + 1

BOMB = """---
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
---
"""


def _big_page(size: int) -> bytes:
    """About ``size`` bytes: prose and a long code block (cheap to parse, unlike 10 MB of prose)."""
    head = (FM + "Some prose with a [link](other.md).\n\n```text\n").encode()
    line = b"0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 ...\n"
    body = line * (size // len(line) + 1)
    return head + body + b"```\n"


CASES = {
    # name: (files, extra config, CLI paths, expected exit code, [(code, path, line)])
    "alias-bomb": ({"bomb.md": BOMB}, "", [], 1, [("GL907", "content/bomb.md", 2)]),
    "nul-byte": (
        {"nul.md": FM.encode() + b"Text\x00more\n"},
        "",
        [],
        1,
        [("GL903", "content/nul.md", 8)],
    ),
    "invalid-utf8": (
        {"latin1.md": FM.encode() + b"Caf\xe9 au lait\n"},
        "",
        [],
        1,
        [("GL902", "content/latin1.md", 8)],
    ),
    "too-many-links": (
        {"links.md": FM + "".join(f"[link {i}](links.md)\n" for i in range(10_000))},
        "",
        [],
        1,
        [("GL909", "content/links.md", FM_LINES + 5_001)],
    ),
    "links-under-raised-limit": (
        {"links.md": FM + "".join(f"[l{i}](links.md)\n" for i in range(600))},
        "[tool.guidelint.limits]\nmax_links = 500\n",
        [],
        1,
        [("GL909", "content/links.md", FM_LINES + 501)],
    ),
    "deep-blockquotes": (
        {"quotes.md": FM + ">" * 300 + " deep\n\nAfter.\n"},
        "",
        [],
        1,
        [("GL910", "content/quotes.md", FM_LINES + 1)],
    ),
    "deep-lists": (
        {"lists.md": FM + "".join("  " * i + "- item\n" for i in range(80)) + "\nAfter.\n"},
        "",
        [],
        1,
        # list + item = 2 levels per indent: level 51 is reached on the 26th item
        [("GL910", "content/lists.md", FM_LINES + 26)],
    ),
    "nesting-limit-lowered": (
        {"q.md": FM + "> > > > three\n"},
        "[tool.guidelint.limits]\nmax_nesting = 2\n",
        [],
        1,
        [("GL910", "content/q.md", FM_LINES + 1)],
    ),
    "deep-inline-brackets": (
        {
            "brackets.md": FM
            + "[" * 20_000
            + "x"
            + "]" * 20_000
            + "(y)\n\n"
            + "*" * 20_000
            + "x\n\n"
            + "`" * 5_000
            + "\n\n"
            + "<" * 10_000
            + "\n"
        },
        "",
        [],
        None,
        [],
    ),
    "very-long-line": ({"long.md": FM + "word " * 40_000 + "\n"}, "", [], None, []),
    "wide-table": (
        {
            "table.md": FM
            + "|"
            + "a|" * 300
            + "\n|"
            + "-|" * 300
            + "\n"
            + ("|" + "x|" * 300 + "\n") * 5
        },
        "",
        [],
        None,
        [],
    ),
    "ten-megabyte-page": (
        {"big.md": _big_page(10 * 1024 * 1024)},
        "",
        [],
        1,
        [("GL908", "content/big.md", 1)],
    ),
    "ten-megabyte-page-raised-limit": (
        {"big.md": _big_page(10 * 1024 * 1024)},
        "[tool.guidelint.limits]\nmax_file_bytes = 20000000\n",
        [],
        None,
        [],
    ),
    # a folder named like a page is a folder: searched for pages, not read as one
    "folder-named-like-a-page": ({"ok.md": FM + "Text.\n"}, "", ["content/dir.md"], 0, []),
}


def _write_site(root: Path, files: dict, config: str) -> None:
    repo = Path(__file__).resolve().parent.parent
    (root / "pyproject.toml").write_text(
        f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(repo / "schemas").as_posix()}"\n{config}',
        encoding="utf-8",
    )
    content = root / "content"
    content.mkdir(exist_ok=True)
    (content / "dir.md").mkdir(exist_ok=True)
    for name, text in files.items():
        target = content / name
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def _check(run_cli, root, *paths, expect_code=None):
    code, out, err = run_cli("check", "--format", "json", "--no-cache", *paths, cwd=root)
    assert "Traceback" not in err, err
    assert code in (0, 1) if expect_code is None else code == expect_code, (code, err)
    found = json.loads(out)
    assert not [d for d in found if d["code"] == "GL900"], found
    return found


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(name, tmp_path, run_cli):
    files, config, paths, expect_code, expected = CASES[name]
    _write_site(tmp_path, files, config)
    found = _check(run_cli, tmp_path, *paths, expect_code=expect_code)
    got = {(d["code"], d["path"], d["line"]) for d in found}
    for item in expected:
        assert item in got, (item, sorted(got)[:20])


def test_alias_bomb_bounded_memory():
    lines = BOMB.split("\n")
    sp = split(lines)
    tracemalloc.start()
    try:
        fm, findings = parse(
            sp.yaml_text, *sp.front_matter_lines, max_nodes=10_000, max_bytes=65_536
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert fm is None and [f.code for f in findings] == ["GL907"]
    assert peak < 20 * 1024 * 1024  # 9**9 values would need gigabytes


def test_symlink_loops_are_reported_not_followed(tmp_path, run_cli):
    _write_site(tmp_path, {"ok.md": FM + "Text.\n"}, "")
    content = tmp_path / "content"
    os.symlink("b.md", content / "a.md")
    os.symlink("a.md", content / "b.md")
    os.symlink(".", content / "loop")  # a folder loop: symbolic links to folders are not followed
    found = _check(run_cli, tmp_path, expect_code=1)
    got = {(d["code"], d["path"], d["line"]) for d in found}
    assert ("GL901", "content/a.md", 1) in got and ("GL901", "content/b.md", 1) in got
    assert not any("loop/" in d["path"] for d in found)


def test_fifo_named_like_a_page_does_not_hang(tmp_path, run_cli):
    _write_site(tmp_path, {"ok.md": FM + "Text.\n"}, "")
    os.mkfifo(tmp_path / "content" / "pipe.md")
    found = _check(run_cli, tmp_path, expect_code=1)
    assert ("GL901", "content/pipe.md", 1) in {(d["code"], d["path"], d["line"]) for d in found}


def test_unreadable_file(tmp_path, run_cli):
    if os.geteuid() == 0:
        pytest.skip(
            "running as root: chmod 000 does not stop root from reading "
            "(the FIFO and folder cases cover unreadable pages)"
        )
    _write_site(tmp_path, {"ok.md": FM + "Text.\n", "secret.md": FM + "Text.\n"}, "")
    (tmp_path / "content" / "secret.md").chmod(0)
    try:
        found = _check(run_cli, tmp_path, expect_code=1)
    finally:
        (tmp_path / "content" / "secret.md").chmod(0o644)
    assert ("GL901", "content/secret.md", 1) in {(d["code"], d["path"], d["line"]) for d in found}


def test_content_root_is_a_file(tmp_path, run_cli):
    _write_site(tmp_path, {}, "")
    (tmp_path / "pyproject.toml").write_text('[tool.guidelint]\ncontent_root = "page.md"\n')
    (tmp_path / "page.md").write_text(FM)
    code, _out, err = run_cli("check", cwd=tmp_path)
    assert code == 2 and "Traceback" not in err
    assert "is a file, not a folder" in err


@pytest.mark.parametrize("parallel", [False, True], ids=["sequential", "pool"])
def test_file_vanishing_mid_run(tmp_path, monkeypatch, parallel):
    files = {f"p{i:02d}.md": FM + f"Page {i}.\n" for i in range(60)}
    _write_site(tmp_path, files, "")
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path / "pyproject.toml")
    real_gather = runner.gather

    def gather_then_delete(paths, cfg):
        site, targets = real_gather(paths, cfg)
        (tmp_path / "content" / "p07.md").unlink()  # gone between gathering and reading
        return site, targets

    monkeypatch.setattr(runner, "gather", gather_then_delete)
    selected = frozenset(r.code for r in all_rules() if r.code.startswith("GL9"))
    analyzer = make_analyzer(2 if parallel else 1, config, use_cache=False)
    report = runner.run([], config, selected, analyzer=analyzer)
    got = [(d.code, d.path, d.line) for d in report.diagnostics]
    assert ("GL901", "content/p07.md", 1) in got
    assert not any(code == "GL900" for code, _, _ in got)


def test_file_vanishing_between_cache_lookup_and_worker(tmp_path, monkeypatch):
    """The pool's workers read the files again; a file deleted in between is GL901, not a crash."""
    from guidelint import parallel

    files = {f"p{i:02d}.md": FM + f"Page {i}.\n" for i in range(60)}
    _write_site(tmp_path, files, "")
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path / "pyproject.toml")
    real_pool = parallel.Analyzer._pool

    def pool_after_delete(self, *args, **kwargs):
        (tmp_path / "content" / "p30.md").unlink()
        return real_pool(self, *args, **kwargs)

    monkeypatch.setattr(parallel.Analyzer, "_pool", pool_after_delete)
    selected = frozenset({"GL901", "GL904"})
    report = runner.run([], config, selected, analyzer=make_analyzer(2, config, use_cache=True))
    assert [(d.code, d.path) for d in report.diagnostics] == [("GL901", "content/p30.md")]
