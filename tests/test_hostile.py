"""A catalogue of hostile inputs: each gives its diagnostic (code and line), in bounded time and
memory, through the real command line, with no traceback and never GL900 (an internal error)."""

import json
import os
import tracemalloc
from pathlib import Path

import pytest
from conftest import write_site

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
    write_site(root, {}, config)
    (root / "content" / "dir.md").mkdir(exist_ok=True)  # a folder named like a page
    for name, text in files.items():
        target = root / "content" / name
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
    real_pool = parallel.CachedParallelAnalyzer._pool

    def pool_after_delete(self, *args, **kwargs):
        (tmp_path / "content" / "p30.md").unlink()
        return real_pool(self, *args, **kwargs)

    monkeypatch.setattr(parallel.CachedParallelAnalyzer, "_pool", pool_after_delete)
    selected = frozenset({"GL901", "GL904"})
    report = runner.run([], config, selected, analyzer=make_analyzer(2, config, use_cache=True))
    assert [(d.code, d.path) for d in report.diagnostics] == [("GL901", "content/p30.md")]


# --------------------------------------------------------------------------- bounded in time and memory
# Each page below once took minutes or gigabytes (issue 15; before -> after in the notes). They run
# through the real command line in a child process with an address-space limit, a timeout and its
# peak memory read back: the bounds are generous guards against a return of the quadratic or
# exploding cases, not speed measurements (the times before were 50 s to several minutes).
def test_too_many_blocks_names_the_limit_and_the_line(tmp_path, run_cli):
    _write_site(
        tmp_path,
        {"list.md": FM + "- item\n" * 400, "ok.md": FM + "Text.\n"},
        "[tool.guidelint.limits]\nmax_blocks = 500\n",
    )
    found = _check(run_cli, tmp_path, expect_code=1)
    over = [d for d in found if d["code"] == "GL908"]
    assert [d["path"] for d in over] == ["content/list.md"], over
    # 5 tokens a list item: the budget of 500 runs out in the hundredth item or so
    assert FM_LINES + 90 <= over[0]["line"] <= FM_LINES + 110, over
    assert "limits.max_blocks" in over[0]["message"]
    assert not [d for d in found if d["path"] == "content/ok.md" and d["code"] == "GL908"]


def test_too_many_inline_tokens_names_the_limit_and_the_line(tmp_path, run_cli):
    _write_site(
        tmp_path,
        {
            "wrapped.md": FM + "A short line.\n" * 400,
            "ok.md": FM + "A short line.\n" * 200,
        },
        "[tool.guidelint.limits]\nmax_inline_tokens = 500\n",
    )
    found = _check(run_cli, tmp_path, expect_code=1)
    over = [d for d in found if d["code"] == "GL908"]
    assert [d["path"] for d in over] == ["content/wrapped.md"], over
    # the heading makes one token; then a line makes a text token and a soft break: the 501st
    # token is the paragraph's 500th, on its 250th line
    assert over[0]["line"] == FM_LINES + 250, over
    assert "limits.max_inline_tokens" in over[0]["message"]
    # the page that stays under the budget (399 tokens) is checked as usual
    assert not [d for d in found if d["path"] == "content/ok.md" and d["code"] == "GL908"]


def test_too_many_lines_and_definitions_name_their_limits(tmp_path, run_cli):
    definitions = "".join(f"[d{i}]: /t{i}.md\n" for i in range(4))
    _write_site(
        tmp_path,
        {
            "long.md": FM + "A line.\n\n" * 30,
            "refs.md": FM + "See [one][d0].\n\n" + definitions,
            "ok.md": FM + "A line.\n" * 10,
        },
        "[tool.guidelint.limits]\nmax_lines = 40\nmax_links = 3\n",
    )
    found = _check(run_cli, tmp_path, expect_code=1)
    long_page = [d for d in found if d["path"] == "content/long.md"]
    assert [(d["code"], d["line"]) for d in long_page] == [("GL908", 41)], long_page
    assert "limits.max_lines" in long_page[0]["message"]
    refs = [d for d in found if d["path"] == "content/refs.md"]
    # the fourth definition, on the page's line FM_LINES + 6, is over the limit of three
    assert [(d["code"], d["line"]) for d in refs] == [("GL909", FM_LINES + 6)], refs
    assert "reference definitions" in refs[0]["message"]
    assert not [d for d in found if d["path"] == "content/ok.md" and d["code"].startswith("GL9")]


def test_links_next_to_a_bracket_flood_are_still_read(tmp_path, run_cli):
    page = FM + "See [the guide](missing.md).\n\n" + "[" * 10_001 + "]\n"
    _write_site(tmp_path, {"flood.md": page}, "")
    found = _check(run_cli, tmp_path, expect_code=1)
    got = {(d["code"], d["line"]) for d in found}
    assert ("GL301", FM_LINES + 1) in got and ("GL909", FM_LINES + 3) in got, sorted(got)


def test_link_labels_parse_as_markdown_it_does():
    """The guard that answers "no label" for a '[' with no ']' after it changes no token."""
    from markdown_it import MarkdownIt

    from guidelint.page import markdown_parser

    stock = MarkdownIt("commonmark", {"html": True, "maxNesting": 100}).enable("table")
    for text in [
        "[" * 50 + "x",
        "[a] [b [c](d) [e",
        "![x [y](z) [",
        "[[[x]]](y) [",
        "a `[` b ] [c]\n\n[c]: /d",
        "[x\n[y](z)\n[",
    ]:
        ours = [
            (t.type, t.content, [c.type for c in t.children or []])
            for t in markdown_parser().parse(text)
        ]
        theirs = [
            (t.type, t.content, [c.type for c in t.children or []]) for t in stock.parse(text)
        ]
        assert ours == theirs, text


# --------------------------------------------------------------------------- user-supplied regexes
SLOW_REGEXES = [
    r"(a+)+$",
    r"(a*)*b",
    r"(a|aa)+$",
    r"(\d+|x)*$",
    r"(\w+\s?)*$",
    r"(.*a){20}",
    r"^(a|a)*$",
    r"((a+)b?)+$",
    r"(?:\s*,?\s*\w+)*$",
]
FAST_REGEXES = [
    r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)*$",
    r"^https?://[^\s/$.?#][^\s]*$",
    r"(\s+\w+)*$",
    r"(\d{1,3}\.){3}\d{1,3}",
    r"(?:foo|bar)+",
    r"(?:ab|cd)*e",
    r"^\d{4}-\d{2}-\d{2}$",
]


@pytest.mark.parametrize("regex", SLOW_REGEXES)
def test_exponential_regex_refused(regex):
    from guidelint.saferegex import unsafe_reason

    assert unsafe_reason(regex) is not None


@pytest.mark.parametrize("regex", FAST_REGEXES)
def test_linear_regex_accepted(regex):
    from guidelint.saferegex import unsafe_reason

    assert unsafe_reason(regex) is None


def test_shipped_schemas_and_pack_pass_the_regex_check():
    import re

    import yaml

    from guidelint.saferegex import unsafe_reason

    repo = Path(__file__).resolve().parent.parent
    found = []

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and isinstance(value, str):
                    found.append((value, 0))
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node.startswith("re:"):
            found.append((node[3:].strip(), re.IGNORECASE))

    for path in (repo / "schemas").glob("*.schema.json"):
        walk(json.loads(path.read_text(encoding="utf-8")))
    for path in (repo / "guidelint" / "packs").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert len(found) >= 5
    assert [(rx, unsafe_reason(rx, flags)) for rx, flags in found if unsafe_reason(rx, flags)] == []


def _copy_schemas(root: Path) -> Path:
    import shutil

    repo = Path(__file__).resolve().parent.parent
    target = root / "myschemas"
    shutil.copytree(repo / "schemas", target)
    (root / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\nschemas = "myschemas"\n', encoding="utf-8"
    )
    (root / "content").mkdir(exist_ok=True)
    (root / "content" / "ok.md").write_text(FM + "Text.\n", encoding="utf-8")
    return target


def _edit_schema(path: Path, edit) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    edit(doc)
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


def test_catastrophic_schema_pattern_is_a_configuration_error(tmp_path, run_cli):
    schemas = _copy_schemas(tmp_path)
    _edit_schema(
        schemas / "guide.schema.json",
        lambda d: d["properties"].__setitem__("title", {"type": "string", "pattern": "^(a+)+$"}),
    )
    code, _out, err = run_cli("check", "--no-cache", cwd=tmp_path)
    assert code == 2 and "Traceback" not in err, err
    text = (schemas / "guide.schema.json").read_text(encoding="utf-8")
    line = text[: text.index('"^(a+)+$"')].count("\n") + 1
    assert f"guide.schema.json:{line}: pattern '^(a+)+$'" in err, err


def test_catastrophic_pack_regex_is_a_configuration_error(tmp_path, run_cli):
    _write_site(tmp_path, {"ok.md": FM + "Text.\n"}, "")
    pack = tmp_path / "slow.yaml"
    pack.write_text(
        "pack: slow\n"
        "rules:\n"
        "  - code: XX401\n"
        "    name: slow-rule\n"
        "    policy: P1\n"
        "    severity: error\n"
        "    summary: s\n"
        "    claims:\n"
        "      - 're:(\\w+\\s?)*$'\n"
        "    message: m\n"
        "    suggestion: s\n"
        "    why: w\n"
        "    examples: {ok: ['Fine.'], violation: ['Words words!']}\n",
        encoding="utf-8",
    )
    with open(tmp_path / "pyproject.toml", "a", encoding="utf-8") as fh:
        fh.write('[tool.guidelint.claims]\npacks = ["slow.yaml"]\n')
    code, _out, err = run_cli("check", "--no-cache", cwd=tmp_path)
    assert code == 2 and "Traceback" not in err, err
    assert "slow.yaml:9" in err and "could run for minutes" in err, err


@pytest.mark.parametrize(
    "edit, words",
    [
        (
            lambda d: d["properties"].__setitem__("title", {"$ref": "#/$defs/missing"}),
            "$ref '#/$defs/missing' cannot be resolved",
        ),
        (
            lambda d: (
                d.setdefault("$defs", {}).__setitem__(
                    "loop", {"allOf": [{"$ref": "#/$defs/loop"}]}
                ),
                d["properties"].__setitem__("title", {"$ref": "#/$defs/loop"}),
            ),
            "refers back to itself",
        ),
    ],
    ids=["unresolvable", "recursive"],
)
def test_broken_ref_is_a_configuration_error_naming_the_schema(tmp_path, run_cli, edit, words):
    schemas = _copy_schemas(tmp_path)
    _edit_schema(schemas / "guide.schema.json", edit)
    code, out, err = run_cli("check", "--no-cache", "--format", "json", cwd=tmp_path)
    assert code == 2 and "Traceback" not in err and "GL900" not in out, (code, err)
    assert "guide.schema.json:" in err and words in err, err


def test_schemas_set_to_a_file(tmp_path, run_cli):
    schemas = _copy_schemas(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\n'
        f'schemas = "{(schemas / "guide.schema.json").as_posix()}"\n',
        encoding="utf-8",
    )
    code, _out, err = run_cli("check", "--no-cache", cwd=tmp_path)
    assert code == 2 and "is a file, not a folder" in err and "does not exist" not in err, err


# --------------------------------------------------------------------------- output and paths
def _run_raw(root: Path, stdout, *args: str, close_stdout: bool = False):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "guidelint", *args],
        cwd=root,
        stdout=stdout,
        stderr=subprocess.PIPE,
        preexec_fn=(lambda: os.close(1)) if close_stdout else None,
        env=dict(os.environ, NO_COLOR="1"),
        timeout=120,
    )


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
@pytest.mark.parametrize("where", ["dev-full", "closed"])
def test_unwritable_stdout_exits_2_with_one_line(tmp_path, fmt, where):
    _write_site(tmp_path, {"ok.md": FM + "Text.\n"}, "")
    if where == "dev-full":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full on this system")
        with open("/dev/full", "wb") as full:
            proc = _run_raw(tmp_path, full, "check", "--no-cache", "--format", fmt)
    else:
        proc = _run_raw(tmp_path, None, "check", "--no-cache", "--format", fmt, close_stdout=True)
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err
    lines = [ln for ln in err.splitlines() if ln.startswith("guidelint:")]
    assert len(lines) == 1 and "cannot write the output" in lines[0], err


@pytest.mark.parametrize(
    "args",
    [
        ["check", "--no-cache"],
        ["check", "--no-cache", "--format", "json"],
        ["check", "--no-cache", "--format", "sarif"],
        ["rules", "--format", "docs"],
    ],
    ids=["text", "json", "sarif", "rules-docs"],
)
def test_a_pipe_whose_reader_leaves_exits_2_with_one_line(tmp_path, args):
    """``guidelint ... | head -1``: the reader takes the first bytes and closes its end. Each
    output here is longer than a pipe holds (64 KiB) plus what was read, so some write fails."""
    import subprocess
    import sys

    links = "".join(f"[page {i}](missing-{i}.md)\n\n" for i in range(1500))
    _write_site(tmp_path, {"links.md": FM + links}, "")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidelint", *args],
        cwd=tmp_path,
        stdout=write_end,
        stderr=subprocess.PIPE,
        env=dict(os.environ, NO_COLOR="1"),
    )
    os.close(write_end)
    try:
        first = os.read(read_end, 100)
    finally:
        os.close(read_end)
    _out, err_bytes = proc.communicate(timeout=120)
    err = err_bytes.decode("utf-8", "replace")
    assert first  # the reader got the start of the output
    assert proc.returncode == 2, (proc.returncode, err)
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert err.splitlines() == ["guidelint: cannot write the output: Broken pipe"], err


def test_content_root_slash_keeps_the_whole_path(tmp_path):
    from guidelint import discovery
    from guidelint.config import Config

    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "page.md").write_text(FM, encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text('[tool.guidelint]\ncontent_root = "/"\n')
    config = load_config(tmp_path / "pyproject.toml")
    assert isinstance(config, Config) and str(config.content_root) == "/"
    found = discovery._walk(folder, config)
    real = (folder / "page.md").resolve()
    assert [rel for _path, rel in found] == [real.as_posix().lstrip("/")]
    assert discovery._prefix(Path("/")) == "/" and discovery._prefix(Path("/srv")) == "/srv/"


def test_duplicate_key_made_with_an_alias_points_at_the_alias():
    text = "---\nname: &k title\ntitle: A title here\nother: 1\n*k : again\n---\n"
    sp = split(text.split("\n"))
    _fm, findings = parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=100, max_bytes=65_536)
    assert [(f.code, f.span.line, f.span.column) for f in findings] == [("GL104", 5, 1)]
    assert "first set on line 3" in findings[0].message


def test_invisible_characters_are_escaped_in_messages(tmp_path, run_cli):
    from guidelint.diagnostics import INVISIBLE

    page = (
        "---\ntitle: Zero width\ntype: guide\n---\n\n# Zero\u200bwidth\n\n## Same\u200b\n\nText.\n\n"
        "## Same\u200b\n\nSee [x](no\u202epe.md).\n"
    )
    _write_site(tmp_path, {"zw.md": page}, "")
    found = _check(run_cli, tmp_path, expect_code=1)
    messages = [d["message"] for d in found]
    assert not [m for m in messages if INVISIBLE.search(m)], messages
    assert any("Zero\\u200bwidth" in m for m in messages), messages
    assert any("no\\u202epe.md" in m for m in messages), messages


def test_a_message_quoting_a_huge_target_is_shortened():
    from guidelint.diagnostics import MAX_MESSAGE, escape_message

    fits = "x" * MAX_MESSAGE
    assert escape_message(fits) == fits
    long = "link to '" + "a" * 5_000 + "': no page; did you mean 'b.md'?"
    short = escape_message(long)
    assert short.startswith("link to 'aaa") and short.endswith("; did you mean 'b.md'?")
    assert f"[... {len(long) - 1_700:,} characters ...]" in short
    assert len(short) < 1_800
    assert escape_message("\x00" * 3_000).startswith("\\u0000")  # escaped after shortening


def test_invisible_character_table_matches_unicode():
    import sys
    import unicodedata

    from guidelint.diagnostics import INVISIBLE, escape_message

    wanted = ("Cc", "Cf", "Zl", "Zp", "Cs")
    for i in range(0x10000):  # the table is Unicode 14's; a newer Python may add astral ones
        ch = chr(i)
        category = unicodedata.category(ch)
        if category in wanted:
            assert INVISIBLE.fullmatch(ch), hex(i)
        elif INVISIBLE.fullmatch(ch):
            assert category == "Cn", (hex(i), category)  # unassigned in this Python's Unicode
    assert sys.maxunicode > 0xFFFF
    assert escape_message("a\x00b\u200b\U000e0041 \u201cq\u201d é") == (
        "a\\u0000b\\u200b\\U000e0041 \u201cq\u201d é"
    )


def test_anchor_suggestions_on_a_page_of_many_headings():
    """Over MANY_ANCHORS anchors, suggestions go through a bigram index (5,000 broken anchors
    against 16,000 headings took 206 s): a misspelt anchor still finds its heading."""
    from guidelint.links import MANY_ANCHORS, suggest_anchor

    anchors = frozenset(f"section-{i}-pay-and-hours" for i in range(MANY_ANCHORS * 2))
    assert suggest_anchor("section-150-pay-and-huors", anchors) == "section-150-pay-and-hours"
    assert suggest_anchor("SECTION-7-PAY-AND-HOURS", anchors) == "section-7-pay-and-hours"
    assert suggest_anchor("zzzz", anchors) is None
    few = frozenset(list(anchors)[:10])  # the plain comparison, as before
    one = sorted(few)[0]
    assert suggest_anchor(one[:-1] + "x", few) == one


def _misspelt(rng, word: str) -> str:
    """``word`` with one character dropped, doubled, swapped or upper-cased (or left as it is)."""
    i = rng.randrange(len(word))
    kind = rng.randrange(5)
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2 and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 3:
        return word.upper()
    return word + "x" * rng.randrange(3)


@pytest.mark.parametrize("size", [12, 150, 900])
def test_anchor_suggestions_with_a_budget_are_those_without_until_it_runs_out(size):
    """GL302's suggestions on one page share links.SUGGESTION_BUDGET: while it lasts, every answer
    is the unbudgeted one; once it is spent, only a match that differs in case is given (200
    headings and 4,900 broken anchor links took 2.6 s, 16,000 headings 6.1 s)."""
    import random

    from guidelint.links import SuggestionBudget, suggest_anchor

    rng = random.Random(size)
    words = ["pay", "hours", "state", "exam", "license", "clinic", "training", "renewal"]
    anchors = frozenset(
        f"{rng.choice(words)}-{i}-{rng.choice(words)}" + "-and-more" * rng.randrange(3)
        for i in range(size)
    )
    asked = [_misspelt(rng, rng.choice(sorted(anchors))) for _ in range(300)] + ["zz", "q-1"]
    plain = [suggest_anchor(a, anchors) for a in asked]
    assert sum(p is not None for p in plain) > 200  # (most have an answer)
    big = SuggestionBudget(10**12)
    assert [suggest_anchor(a, anchors, big) for a in asked] == plain
    assert not big.spent
    # a budget that runs out part of the way: the answers before are the same, then only the
    # case-insensitive look-up (the rest of the run compares nothing)
    small = SuggestionBudget((10**12 - big.left) // 3)
    spent_at = None
    for i, (a, want) in enumerate(zip(asked, plain, strict=True)):
        got = suggest_anchor(a, anchors, small)
        if spent_at is None and small.spent:
            spent_at = i
        if spent_at is None:
            assert got == want, (i, a)
        else:
            lowered = {x.lower(): x for x in anchors}
            assert got == lowered.get(a.lower()), (i, a)
    assert spent_at is not None and 50 < spent_at < 250
    # a page's answers do not depend on what other pages asked before (remembered answers are
    # charged what they cost): the same budget on fresh tables and on tables another page warmed
    units = small.units
    fresh = [suggest_anchor(a, anchors, SuggestionBudget(units), {}) for a in asked[:1]]
    warm: dict = {}
    other = SuggestionBudget(10**12)
    for a in asked[::-1]:
        suggest_anchor(a, anchors, other, warm)
    cold_budget, warm_budget = SuggestionBudget(units), SuggestionBudget(units)
    cold_tables: dict = {}
    cold = [suggest_anchor(a, anchors, cold_budget, cold_tables) for a in asked]
    assert [suggest_anchor(a, anchors, warm_budget, warm) for a in asked] == cold
    assert cold_budget.left == warm_budget.left and fresh == cold[:1]


def test_gl302_stops_suggesting_on_a_page_of_many_broken_anchors(tmp_path, run_cli):
    """Past the page's suggestion budget a broken anchor is still reported, saying why it has no
    suggestion; another page keeps its own budget."""
    headings = "".join(f"## Step {i} of the training\n\n" for i in range(300))
    many = headings + "".join(f"[s](#step-{i}-of-the-trainng) " for i in range(3_000)) + "\n"
    few = "# Few\n\nSee [pay](many.md#step-7-of-the-trainng).\n"
    _write_site(tmp_path, {"many.md": FM + many, "few.md": FM + few}, "")
    found = [d for d in _check(run_cli, tmp_path) if d["code"] == "GL302"]
    on_many = [d["message"] for d in found if d["path"].endswith("many.md")]
    assert len(on_many) == 3_000
    suggested = [m for m in on_many if "did you mean" in m]
    assert on_many[0] == (
        "no heading on this page has the anchor '#step-0-of-the-trainng'; "
        "did you mean '#step-0-of-the-training'?"
    )
    assert 50 < len(suggested) < 3_000
    assert on_many[: len(suggested)] == suggested  # (the first ones, in page order)
    assert on_many[-1].endswith(
        "; link to an existing heading or remove the anchor (no suggestion: this page has too "
        "many broken anchors to compare them all)"
    )
    (other,) = [d["message"] for d in found if d["path"].endswith("few.md")]
    assert other.endswith("did you mean '#step-7-of-the-training'?")


def test_case_collision_first_page_by_bisection():
    """GL314 finds the first page at or below a colliding name by bisection: the same page as
    the smallest one that is the name or below its folder (a scan of every page for every
    colliding name was pages x collisions)."""
    import random

    from guidelint.rules.gl314_case_collision import _first_at_or_below, collisions

    rng = random.Random(314)
    parts = ["a", "A", "a-b", "a.md", "b", "B.md", "b.md", "Docs", "docs", "x"]
    for _ in range(300):
        rels = sorted(
            {"/".join(rng.choices(parts, k=rng.randrange(1, 4))) for _ in range(rng.randrange(12))}
        )
        for rel in rels:
            names = rel.split("/")
            for depth in range(1, len(names) + 1):
                name = "/".join(names[:depth])
                want = min(r for r in rels if r == name or r.startswith(name + "/"))
                assert _first_at_or_below(rels, name) == want
    assert collisions(["A/x.md", "a.md", "a/y.md"]) == {
        "A/x.md": [("A", ["a"])],
        "a/y.md": [("a", ["A"])],
    }
