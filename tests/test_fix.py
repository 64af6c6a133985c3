"""--fix and --diff: mechanical edits, applied atomically and only when safe."""

import os

from guidelint import fixes
from guidelint.diagnostics import Edit, Span
from guidelint.fixes import CheckedEdit, FileState, apply_edits, write_atomic

JOBS = """# Jobs

Programs accredited by CAHEEP or ABHEs. Read the [salary guide](pay.md#ranges) and [more][pay].

[pay]: ./pay
"""
SALARY = "# Salary\n\n## Ranges\n\nText.\n"
CONFIG = '[tool.guidelint.links]\nredirects = { pay = "salary" }\n'


def _at(text: str, span: Span) -> str:
    """The text of ``span`` in ``text`` (what a rule names as the text it replaces)."""
    lines = text.split("\n")
    if span.line == span.end_line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    return "\n".join(lines[span.line - 1 : span.end_line - 1]) + "\n"


def E(text: str, span: Span, new: str) -> CheckedEdit:
    return CheckedEdit(span, new, expect=_at(text, span))


def test_apply_edits_basic_and_conflicts():
    text = "one two three\nfour\n"
    new, applied, skipped = apply_edits(
        text, [E(text, Span(1, 5, 1, 8), "2"), E(text, Span(2, 1, 2, 5), "4")]
    )
    assert (new, applied, skipped) == ("one 2 three\n4\n", 2, 0)
    # overlapping edits: neither is applied, the third one is
    new, applied, skipped = apply_edits(
        text,
        [
            E(text, Span(1, 1, 1, 8), "x"),
            E(text, Span(1, 5, 1, 14), "y"),
            E(text, Span(2, 1, 2, 5), "4"),
        ],
    )
    assert (new, applied, skipped) == ("one two three\n4\n", 1, 2)
    # identical edits count once; touching edits are fine
    new, applied, _ = apply_edits(
        text,
        [
            E(text, Span(1, 1, 1, 4), "1"),
            E(text, Span(1, 1, 1, 4), "1"),
            E(text, Span(1, 4, 1, 5), "_"),
        ],
    )
    assert new == "1_two three\nfour\n" and applied == 2
    # two insertions at one place: order unknown, so neither
    new, applied, skipped = apply_edits(
        text, [E(text, Span(1, 1, 1, 1), "a"), E(text, Span(1, 1, 1, 1), "b")]
    )
    assert new == text and skipped == 2
    # a checked edit whose text moved on is skipped; spans past a line's end are skipped
    new, applied, skipped = apply_edits(
        text,
        [
            CheckedEdit(Span(1, 1, 1, 4), "1", expect="two"),
            CheckedEdit(Span(2, 3, 2, 40), "x", expect="ur"),
        ],
    )
    assert new == text and skipped == 2
    # an edit that does not name the text it replaces is never applied
    new, applied, skipped = apply_edits(text, [Edit(Span(1, 1, 1, 4), "1")])
    assert (new, applied, skipped) == (text, 0, 1)
    # deleting whole lines up to the end of the file
    assert apply_edits("a\nb\n", [E("a\nb\n", Span(2, 1, 3, 1), "")])[0] == "a\n"
    assert apply_edits("a\nb", [CheckedEdit(Span(2, 1, 3, 1), "", expect="b")])[0] == "a\n"


def test_write_atomic_checks_bytes_and_keeps_crlf_and_bom(tmp_path):
    path = tmp_path / "p.md"
    path.write_bytes(b"\xef\xbb\xbfone\r\ntwo\r\n")
    state = FileState.read(path)
    assert state.text == "one\ntwo\n" and state.crlf and state.bom
    state.text = "ONE\ntwo\n"
    mode = 0o640
    os.chmod(path, mode)
    assert write_atomic(state) is None
    assert path.read_bytes() == b"\xef\xbb\xbfONE\r\ntwo\r\n"
    assert path.stat().st_mode & 0o777 == mode
    # changed on disk since it was read: not written
    state = FileState.read(path)
    state.text = "changed\n"
    path.write_bytes(b"someone else's edit\n")
    assert "changed on disk" in write_atomic(state)
    assert path.read_bytes() == b"someone else's edit\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]


def test_write_atomic_leaves_file_untouched_on_error(tmp_path, monkeypatch):
    path = tmp_path / "p.md"
    path.write_bytes(b"before\n")
    state = FileState.read(path)
    state.text = "after\n"

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fixes.os, "replace", boom)
    assert "No space left" in write_atomic(state)
    assert path.read_bytes() == b"before\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.md"]  # the temporary file is gone


def test_mixed_line_endings_are_not_fixed(tmp_path):
    path = tmp_path / "p.md"
    path.write_bytes(b"a\r\nb\nc\n")
    assert FileState.read(path) is None


def test_diff_writes_nothing_and_keeps_the_exit_code(site, run_cli):
    root = site({"jobs.md": JOBS, "salary.md": SALARY}, CONFIG)
    before = (root / "content" / "jobs.md").read_bytes()
    code, out, err = run_cli("check", "--select", "GL3,GL510", "--diff")
    assert code == 1, err
    assert (root / "content" / "jobs.md").read_bytes() == before
    assert "--- a/content/jobs.md" in out and "+++ b/content/jobs.md" in out
    assert (
        "+Programs accredited by CAAHEP or ABHES. Read the [salary guide](salary.md#ranges) and [more][pay]."
        in out
    )
    assert "+[pay]: ./salary" in out
    assert "would be applied" in err
    assert run_cli("check", "--select", "GL3,GL510", "--diff", "--exit-zero")[0] == 0


def test_fix_writes_and_reports_what_is_left(site, run_cli):
    root = site({"jobs.md": JOBS + "\n## Caahep accreditation\n", "salary.md": SALARY}, CONFIG)
    code, out, err = run_cli("check", "--select", "GL3,GL510", "--fix")
    text = (root / "content" / "jobs.md").read_text(encoding="utf-8")
    assert "CAAHEP or ABHES" in text and "(salary.md#ranges)" in text and "[pay]: ./salary" in text
    assert "fixed 4 problems in 1 file" in err
    # the misspelt heading is reported, not fixed (its anchor would change)
    assert code == 1 and "GL510" in out and "## Caahep accreditation" in text
    assert "GL320" not in out
    code, out, err = run_cli("check", "--select", "GL3,GL510", "--fix")
    assert "fixed" not in err  # nothing left to fix: stable


def test_fix_removes_unused_suppression_and_exit_code_clears(site, run_cli):
    page = (
        "---\ntitle: A fresh page\nlast_reviewed: 2026-11-01\n---\n\n# A fresh page\n\n"
        "<!-- guidelint-disable-next-line GL501 -- was stale -->\nText.\n"
    )
    root = site({"page.md": page})
    assert run_cli("check", "--select", "GL5,GL95")[0] == 1
    code, out, err = run_cli("check", "--select", "GL5,GL95", "--fix")
    assert code == 0, out + err
    assert "guidelint-disable" not in (root / "content" / "page.md").read_text(encoding="utf-8")


def test_fix_only_touches_checked_files(site, run_cli):
    root = site({"jobs.md": JOBS, "other.md": JOBS, "salary.md": SALARY}, CONFIG)
    run_cli("check", "content/jobs.md", "--select", "GL510", "--fix")
    assert "CAAHEP" in (root / "content" / "jobs.md").read_text(encoding="utf-8")
    assert (root / "content" / "other.md").read_text(encoding="utf-8") == JOBS


def test_fix_with_stdin_is_a_usage_error(site, run_cli):
    site({"jobs.md": JOBS})
    code, _, err = run_cli("check", "-", "--fix", input=b"# x\n")
    assert code == 2 and "standard input" in err


def test_names_from_configuration(site, run_cli):
    site(
        {"p.md": "# P\n\nThe Example Board (EXB) is often written EXBB.\n"},
        '[tool.guidelint.names]\nbuiltin = false\nspellings = { EXBB = "EXB" }\n',
    )
    code, out, _ = run_cli("check", "--select", "GL510")
    assert code == 1 and "'EXBB' should be spelt 'EXB'" in out
    site({"p.md": "# P\n\nCAHEEP.\n"}, "[tool.guidelint.names]\nbuiltin = false\n")
    assert run_cli("check", "--select", "GL510")[0] == 0


def _patched(a: list[str], diff: list[str]) -> list[str]:
    """``a`` with a unified diff applied (hunk headers read, context and removals checked)."""
    import re

    out, at, k = [], 0, 2
    assert diff[:2] == ["--- a/p.md\n", "+++ b/p.md\n"] or not diff
    while k < len(diff):
        m = re.match(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@\n", diff[k])
        assert m, diff[k]
        start = int(m.group(1)) - (0 if m.group(2) != "0" else -1) - 1
        out += a[at:start]
        at = start
        k += 1
        while k < len(diff) and not diff[k].startswith("@@"):
            tag, line = diff[k][0], diff[k][1:]
            if tag in " -":
                assert a[at] == line, (at, line)
                at += 1
            if tag in " +":
                out.append(line)
            k += 1
    return out + a[at:]


def test_anchored_diff_is_a_valid_diff_of_large_files():
    """Files of more than DIFFLIB_LINES lines are diffed by anchors (lines once on each side) and
    difflib between them (16,256 removed comments in 60,000 lines took 85 s with difflib alone):
    the diff, applied, gives the new text; smaller files keep difflib's own diff."""
    import difflib
    import random

    from guidelint.fixes import DIFFLIB_LINES, FileState, _anchored_unified_diff, unified_diff

    rng = random.Random(19)
    words = ["", "text\n", "<!-- c -->\n", "- item\n", "same\n"]
    for trial in range(60):
        a = [
            rng.choice(words) or f"line {rng.randrange(10**6)}\n" for _ in range(rng.randrange(400))
        ]
        b = list(a)
        for _ in range(rng.randrange(40)):  # removals, insertions and changes, as fixes make
            i = rng.randrange(len(b) + 1)
            kind = rng.randrange(3)
            if kind == 0 and i < len(b):
                del b[i]
            elif kind == 1:
                b.insert(i, rng.choice(words) or f"new {trial}\n")
            elif i < len(b):
                b[i] = b[i].upper()
        diff = list(_anchored_unified_diff(a, b, "a/p.md", "b/p.md"))
        assert _patched(a, diff) == b
        assert bool(diff) == (a != b)
    small = FileState.__new__(FileState)
    small.original, small.text = b"a\nb\nc\n", "a\nB\nc\n"
    assert unified_diff(small, "p.md") == "".join(
        difflib.unified_diff(["a\n", "b\n", "c\n"], ["a\n", "B\n", "c\n"], "a/p.md", "b/p.md")
    )
    lines = [f"<!-- guidelint-disable-next-line GL401 -->\nClaim {i}.\n\n" for i in range(2_000)]
    big = FileState.__new__(FileState)
    big.original = "".join(lines).encode()
    big.text = "".join(line.split("\n", 1)[1] for line in lines)
    assert big.original.count(b"\n") > DIFFLIB_LINES
    diff = unified_diff(big, "p.md").splitlines(keepends=True)
    before = big.original.decode().splitlines(keepends=True)
    assert _patched(before, diff) == big.text.splitlines(keepends=True)
    assert sum(line.startswith("-<!--") for line in diff) == 2_000
