"""--fix never loses a writer's text (issue 15, "Data loss").

The command line runs in this process (click's CliRunner), so a test can shape the cache's
state: ``snapshot.RACY_NS`` set to 0 stands for "the last run was more than 2 s after the edit"
(the snapshot then trusts the page's stat signature) without sleeping.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidelint import fixes, snapshot
from guidelint.cli import cli
from guidelint.config import load_config
from guidelint.diagnostics import CheckedEdit, CommentRemoval, Diagnostic, Severity, Span
from guidelint.fixes import fix_loop, fixable_edits
from guidelint.registry import selected_codes
from guidelint.runner import Report, analyze_items, run

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-25"
SELECT = "GL2,GL3,GL510,GL95"
CONFIG = (
    "[tool.guidelint]\n"
    'content_root = "content"\n'
    f'schemas = "{(REPO / "schemas").as_posix()}"\n'
    "jobs = 1\n"
    "[tool.guidelint.links]\n"
    'redirects = { pay = "salary" }\n'
)
PAGES = {
    "jobs.md": (
        "# Jobs\n\nEmployers post openings every week.\n\n## Titles\n\n"
        "Titles vary by clinic. Read the [salary guide](salary.md#ranges).\n\n"
        "## Applying\n\nApply early, and [compare pay][pay].\n\n[pay]: ./salary\n"
    ),
    "salary.md": "# Salary\n\nPay depends on the state.\n\n## Ranges\n\nRanges vary.\n",
    "index.md": "# Guide\n\nStart with [jobs](jobs.md) and [salary](salary.md).\n",
}
COMMENT = "<!-- guidelint-disable-next-line GL510 -- quoted from an old flyer -->"


@contextlib.contextmanager
def in_folder(path: Path):
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def make_site(root: Path, pages: dict[str, str] | None = None, config: str = CONFIG) -> Path:
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for name, text in (pages if pages is not None else PAGES).items():
        (root / "content" / name).write_text(text, encoding="utf-8")
    return root


def cli_run(root: Path, *args: str) -> tuple[int, str, str]:
    """``guidelint ARGS`` in ``root``, in this process: (exit code, stdout, stderr)."""
    try:  # click 8.1 mixes stderr into stdout unless told; 8.2 keeps them apart and has no flag
        runner = CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        runner = CliRunner()
    with in_folder(root):
        result = runner.invoke(cli, list(args), env={"GUIDELINT_TODAY": TODAY, "NO_COLOR": "1"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def page(root: Path, name: str = "jobs.md") -> str:
    return (root / "content" / name).read_text(encoding="utf-8")


@pytest.fixture
def trusted_stat(monkeypatch):
    """The snapshot trusts stat signatures at once, as it does 2 s after an edit."""
    monkeypatch.setattr(snapshot, "RACY_NS", 0)


# ------------------------------------------------------------------ 1. edits from the bytes rewritten
EDITED_JOBS = PAGES["jobs.md"].replace(
    "# Jobs\n", f"{COMMENT}\nA line of text above the heading.\n\n# Jobs\n\nAccredited by CAHEEP.\n"
)


def test_fix_after_a_warm_run_edits_the_right_lines(tmp_path, trusted_stat):
    """The issue's reproduction: an unused suppression and a line of text above a heading, a
    misspelt accreditor, a warm run after the edit, then --diff and --fix."""
    root = make_site(tmp_path)
    cli_run(root, "check", "--select", SELECT)  # warm
    (root / "content" / "jobs.md").write_text(EDITED_JOBS, encoding="utf-8")
    code, out, _ = cli_run(root, "check", "--select", SELECT)  # the snapshot learns the edit
    assert code == 1 and "GL950" in out and "GL510" in out
    expected = EDITED_JOBS.replace(COMMENT + "\n", "").replace("CAHEEP", "CAAHEP")

    code, out, err = cli_run(root, "check", "--select", SELECT, "--diff")
    assert page(root) == EDITED_JOBS  # --diff writes nothing
    assert f"-{COMMENT}\n" in out and "-Accredited by CAHEEP.\n+Accredited by CAAHEP.\n" in out
    assert "-# Jobs" not in out and "-A line of text" not in out
    assert "2 fixes would be applied to 1 file" in err

    code, out, err = cli_run(root, "check", "--select", SELECT, "--fix")
    assert page(root) == expected
    assert "fixed 2 problems in 1 file" in err
    # the report is the files' as written: nothing left, no stale finding of the old text
    assert code == 0 and "GL950" not in out and "GL510" not in out, out
    assert cli_run(root, "check", "--select", SELECT, "--fix")[2] == ""  # stable


def test_an_edit_whose_text_is_not_at_its_span_is_skipped_and_reported(tmp_path):
    """A fix whose expected text is not found in the bytes being rewritten is never applied;
    the driver names the file, the line and the reason."""
    path = make_site(tmp_path, {"p.md": "# P\n\nWords CAHEEP here.\n"}) / "content" / "p.md"
    display = "content/p.md"

    def stale_report(overlay):
        bad = CheckedEdit(Span(3, 7, 3, 13), "CAAHEP", expect="ABHESS")  # stored for other bytes
        good = CheckedEdit(Span(1, 3, 1, 4), "Q", expect="P")
        diags = [Diagnostic(display, 3, 7, 3, 13, "GL510", Severity.WARNING, "m", (bad,))]
        if not overlay.get(display, b"").startswith(b"# Q"):  # fixed once: not reported again
            diags.append(Diagnostic(display, 1, 3, 1, 4, "GL510", Severity.WARNING, "m", (good,)))
        return Report(diags, 1, 1)

    with in_folder(tmp_path):
        result = fix_loop(stale_report, (tmp_path / "content").resolve())
    state = result.files[display]
    assert state.text == "# Q\n\nWords CAHEEP here.\n" and state.fixed == 1
    assert result.notes == [
        f"{display}:3: GL510 fix not applied: expected 'ABHESS' at 3:7, found 'CAHEEP'"
    ]
    assert path.read_text(encoding="utf-8") == "# P\n\nWords CAHEEP here.\n"  # nothing written


def test_comment_removal_applies_only_to_a_line_holding_just_that_comment():
    removal = CommentRemoval(Span(1, 1, 2, 1), "", comment="guidelint-disable GL5 -- why")
    assert removal.accepts("<!-- guidelint-disable GL5 -- why -->\n")
    assert removal.accepts("  <!--guidelint-disable GL5 -- why-->\n")
    assert not removal.accepts("<!-- guidelint-disable GL5 -- why --> <!-- another -->\n")
    assert not removal.accepts("# Heading\n")
    text = "# Heading\nText.\n"
    new, applied, skipped = fixes.apply_edits_checked(text, [removal])
    assert (new, applied) == (text, 0) and "alone on its line" in skipped[0].reason


def test_fix_count_is_edits_written(tmp_path, monkeypatch):
    """When a write is refused (the file changed on disk meanwhile), the summary says so and
    counts nothing for that file."""
    root = make_site(tmp_path, {**PAGES, "a.md": "# A\n\nCAHEEP and ABHEs.\n"})
    real_write = fixes.write_atomic

    def edited_meanwhile(state, *args):
        if state.path.name == "a.md":
            state.path.write_text("# A\n\nA writer's new sentence. CAHEEP and ABHEs.\n")
        return real_write(state, *args)

    monkeypatch.setattr(fixes, "write_atomic", edited_meanwhile)
    (root / "content" / "jobs.md").write_text(EDITED_JOBS, encoding="utf-8")
    code, out, err = cli_run(root, "check", "--select", SELECT, "--fix")
    assert "A writer's new sentence" in page(root, "a.md")  # the writer's text survives
    assert "content/a.md: changed on disk while guidelint was checking it" in err
    assert (
        "fixed 2 problems in 1 file; 2 fixes in 1 file not written (content/a.md: see above)" in err
    )
    assert "CAAHEP" in page(root)
    # the report is read from the files as they are: a.md's problems are still there
    assert code == 1 and "content/a.md:3" in out
    # nothing written at all: the summary says which file and why, not just "in 0 files"
    (root / "content" / "a.md").write_text("# A\n\nCAHEEP and ABHEs.\n", encoding="utf-8")
    code, out, err = cli_run(root, "check", "content/a.md", "--select", SELECT, "--fix")
    assert "A writer's new sentence" in page(root, "a.md")
    assert (
        "fixed 0 problems in 0 files; 2 fixes in 1 file not written (content/a.md: see above)"
        in err
    )


# ------------------------------------------------------------------ 2. symbolic links
def test_page_symlinked_outside_the_root_is_gl304_and_never_read(tmp_path):
    secret = tmp_path / "private" / "notes.md"
    secret.parent.mkdir()
    secret.write_text("# Notes\n\nThe door code is 4321, per CAHEEP.\n", encoding="utf-8")
    before = secret.read_bytes()
    root = make_site(tmp_path / "site")
    (root / "content" / "notes.md").symlink_to(secret)
    for args in (("check",), ("check", "--format", "json"), ("check", "content/notes.md")):
        code, out, _ = cli_run(root, *args, "--select", SELECT + ",GL304")
        assert code == 1 and "GL304" in out and "content/notes.md" in out
        assert "door code" not in out and "4321" not in out
    code, out, err = cli_run(root, "check", "--select", SELECT + ",GL304", "--fix")
    assert secret.read_bytes() == before and (root / "content" / "notes.md").is_symlink()
    assert "door code" not in out + err


def test_fix_refuses_to_write_through_a_symlink_leaving_the_root(tmp_path):
    secret = tmp_path / "private.md"
    secret.write_text("# Private\n\nCAHEEP.\n", encoding="utf-8")
    root = make_site(tmp_path / "site")
    (root / "elsewhere").mkdir()
    (root / "elsewhere" / "link.md").symlink_to(secret)
    _code, _out, err = cli_run(root, "check", "elsewhere/link.md", "--select", "GL510", "--fix")
    assert secret.read_text(encoding="utf-8") == "# Private\n\nCAHEEP.\n"
    assert "symbolic link to a file outside the content root; not fixed" in err
    assert "fixed 0 problems in 0 files; 1 file not read (see above)" in err
    # a plain file outside the root that the user names is still fixed
    (root / "elsewhere" / "plain.md").write_text("# Plain\n\nCAHEEP.\n", encoding="utf-8")
    cli_run(root, "check", "elsewhere/plain.md", "--select", "GL510", "--fix")
    assert "CAAHEP" in (root / "elsewhere" / "plain.md").read_text(encoding="utf-8")


def test_fix_through_a_symlink_inside_the_root_writes_the_real_file(tmp_path):
    root = make_site(tmp_path, {**PAGES, "real.md": "# Real\n\nCAHEEP.\n"})
    (root / "content" / "drafts").mkdir()
    (root / "content" / "drafts" / "alias.md").symlink_to(root / "content" / "real.md")
    cli_run(root, "check", "content/drafts/alias.md", "--select", "GL510", "--fix")
    assert page(root, "real.md") == "# Real\n\nCAAHEP.\n"
    assert (root / "content" / "drafts" / "alias.md").is_symlink()


# ------------------------------------------------------------------ 3. cache_dir
@pytest.mark.parametrize("folder", [".", "content"])
def test_cache_dir_in_a_folder_with_other_files_is_refused(tmp_path, folder):
    root = make_site(
        tmp_path, config=CONFIG.replace("jobs = 1\n", f'jobs = 1\ncache_dir = "{folder}"\n')
    )
    code, _out, err = cli_run(root, "check", "--select", SELECT)
    assert code == 2 and f"cache_dir = '{folder}'" in err and "holds files" in err
    for marker in (".gitignore", "CACHEDIR.TAG"):
        assert not (root / folder / marker).exists()
    assert not (root / folder / "v1").exists()


def test_only_a_cache_folder_guidelint_created_gets_the_markers(tmp_path):
    root = make_site(
        tmp_path, config=CONFIG.replace("jobs = 1\n", 'jobs = 1\ncache_dir = "mine"\n')
    )
    assert cli_run(root, "check", "--select", SELECT)[0] == 0
    assert (root / "mine" / "CACHEDIR.TAG").exists() and (root / "mine" / ".gitignore").exists()
    assert cli_run(root, "check", "--select", SELECT)[0] == 0  # its own folder: used again
    # an empty folder the user made: used, but left without markers
    (root / "theirs").mkdir()
    config = CONFIG.replace("jobs = 1\n", 'jobs = 1\ncache_dir = "theirs"\n')
    (root / "pyproject.toml").write_text(config, encoding="utf-8")
    for _ in range(2):
        assert cli_run(root, "check", "--select", SELECT)[0] == 0
    assert (root / "theirs" / "v1").is_dir()
    assert not (root / "theirs" / ".gitignore").exists()
    assert not (root / "theirs" / "CACHEDIR.TAG").exists()


# ------------------------------------------------------------------ 4. --output-file
@pytest.mark.parametrize("target", ["content/ok.md", "content/jobs.md", "content/new/report.txt"])
def test_report_never_written_into_the_content_root(tmp_path, target):
    root = make_site(tmp_path, {**PAGES, "ok.md": "# OK\n\nFine.\n"})
    before = {p: p.read_bytes() for p in (root / "content").rglob("*.md")}
    code, _out, err = cli_run(root, "check", "--select", SELECT, "-o", target)
    assert code == 2 and "--output-file" in err and "content root" in err
    assert {p: p.read_bytes() for p in (root / "content").rglob("*.md")} == before
    assert not (root / "content" / "new").exists()


def test_report_never_overwrites_a_checked_file_outside_the_root(tmp_path):
    root = make_site(tmp_path)
    (root / "notes.md").write_text("# Notes\n\nMine.\n", encoding="utf-8")
    code, _out, err = cli_run(root, "check", "notes.md", "-o", "notes.md")
    assert code == 2 and "one of the files being checked" in err
    assert page(root, "../notes.md") == "# Notes\n\nMine.\n"
    assert cli_run(root, "check", "notes.md", "-o", "report.txt")[0] == 0
    assert "1 file checked" in (root / "report.txt").read_text(encoding="utf-8")


# ------------------------------------------------------------------ 5. leftovers of killed runs
def _dead_pid() -> int:
    pid = 4_000_000  # above the kernel's default pid_max: no process has it
    with contextlib.suppress(OSError):
        pid = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1
    return pid


def test_stale_temporary_files_are_removed_and_live_ones_kept(tmp_path):
    root = make_site(tmp_path)
    cli_run(root, "check", "--select", SELECT)  # creates the cache
    old = time.time() - 3600
    dead, live = _dead_pid(), os.getpid()
    content = root / "content"
    context = next((root / ".guidelint_cache" / "v1").iterdir())
    stale = [
        root / ".guidelint_cache" / ".external-k3j2.json",  # guidelint.external's temporary file
        content / f".jobs.md.abc123.{dead}.guidelint-tmp",
        content / ".jobs.md.oldname.guidelint-tmp",  # no pid in the name (older guidelint)
        context / f".tmp-abc.{dead}",
        root / ".guidelint_cache" / f".tmp-def.{dead}",
    ]
    kept = [
        content / f".jobs.md.xyz789.{live}.guidelint-tmp",  # a running process writes it
        context / f".tmp-ghi.{live}",
        content / f".salary.md.new.{dead}.guidelint-tmp",  # too young to judge
    ]
    for path in stale + kept:
        path.write_bytes(b"partial")
    for path in stale + kept[:2]:
        os.utime(path, (old, old))
    assert cli_run(root, "check", "--select", SELECT)[0] == 0
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []


def test_fix_leaves_no_temporary_file(tmp_path):
    root = make_site(tmp_path)
    (root / "content" / "jobs.md").write_text(EDITED_JOBS, encoding="utf-8")
    cli_run(root, "check", "--select", SELECT, "--fix")
    assert [p.name for p in (root / "content").iterdir() if p.name.startswith(".")] == []


# ------------------------------------------------------------------ 6. the differential property
LINES = {
    "text": "A plain sentence about the work.",
    "suppression": COMMENT,
    "misspelt": "Accredited by CAHEEP, or by Abhes.",
    "renamed": "Compare [pay](pay.md#ranges) before you apply.",
    "heading": "## Notes",
    "blank": "",
}
edit_ops = st.tuples(
    st.sampled_from(sorted(PAGES)),
    st.sampled_from(["insert", "insert", "delete"]),
    st.sampled_from(sorted(LINES)),
    st.integers(min_value=0, max_value=40),
)
# a cache history: batches of edits, each followed (or not) by a run that updates the cache
histories = st.lists(
    st.tuples(st.lists(edit_ops, min_size=1, max_size=4), st.booleans()), min_size=1, max_size=3
)


def _apply(root: Path, op) -> None:
    name, kind, what, where = op
    path = root / "content" / name
    lines = path.read_text(encoding="utf-8").split("\n")
    body = len(lines) - 1  # the text ends with a line break
    i = where % (body + 1)
    if kind == "insert":
        lines.insert(i, LINES[what])
    elif body > 1 and not lines[i % body].startswith("# "):  # keep the title
        del lines[i % body]
    path.write_text("\n".join(lines), encoding="utf-8")


def _covered(report) -> dict[str, set[int]]:
    """Lines that the fixable diagnostics' edits may change, by page."""
    out: dict[str, set[int]] = {}
    for display, tagged in fixable_edits(report).items():
        for item in tagged:
            e = item[1] if isinstance(item, tuple) else item  # (code, edit)
            s = e.span
            last = s.end_line - 1 if s.end_column == 1 and s.end_line > s.line else s.end_line
            out.setdefault(display, set()).update(range(s.line, last + 1))
    return out


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    history=histories, warm_first=st.booleans(), trust_stat=st.booleans(), fake_mtime=st.booleans()
)
def test_fix_with_cache_equals_fix_without(
    history, warm_first, trust_stat, fake_mtime, monkeypatch
):
    """For any edit sequence and cache state (cold; warm before or after the edits; an edit in
    the racy window or after it; mtimes put back as they were), ``--fix`` with the cache writes
    byte for byte what ``--fix --no-cache`` writes, prints the same report, and changes no line
    outside the span of a fix reported for the text it started from."""
    monkeypatch.setattr(snapshot, "RACY_NS", 0 if trust_stat else snapshot.RACY_NS)
    with tempfile.TemporaryDirectory() as tmp:
        cached = make_site(Path(tmp) / "cached")
        plain = Path(tmp) / "plain"
        if warm_first:
            cli_run(cached, "check", "--select", SELECT)
        for batch, warm_after in history:
            for op in batch:
                path = cached / "content" / op[0]
                st_before = path.stat()
                _apply(cached, op)
                if fake_mtime:  # the edit keeps the old modification time (ctime still moves)
                    os.utime(path, ns=(st_before.st_atime_ns, st_before.st_mtime_ns))
            if warm_after:
                cli_run(cached, "check", "--select", SELECT)
        shutil.copytree(cached / "content", plain / "content")
        make_site(plain, pages={})
        before = {n: page(plain, n) for n in PAGES}

        config = load_config(plain / "pyproject.toml").with_today(dt.date.fromisoformat(TODAY))
        selected = selected_codes(tuple(SELECT.split(",")), (), ())
        with in_folder(plain):
            covered = _covered(run([], config, selected, analyzer=analyze_items))

        a = cli_run(cached, "check", "--select", SELECT, "--fix")
        b = cli_run(plain, "check", "--select", SELECT, "--fix", "--no-cache")
        assert {n: page(cached, n) for n in PAGES} == {n: page(plain, n) for n in PAGES}
        assert a == b
        for name, old in before.items():
            allowed = covered.get(f"content/{name}", set())
            assert re.fullmatch(_unchanged_outside(old, allowed), page(plain, name)), (
                name,
                allowed,
            )


def _unchanged_outside(old: str, allowed: set[int]) -> str:
    """A pattern of the texts that differ from ``old`` only on the lines in ``allowed``: each of
    those may be rewritten or deleted (a fix adds no line), every other line stays as it was."""
    lines = old.split("\n")
    parts = []
    for number, line in enumerate(lines, 1):
        end = "" if number == len(lines) else "\n"
        parts.append(f"(?:[^\n]*{end})?" if number in allowed else re.escape(line + end))
    return "".join(parts)


def test_differential_sequence_found_by_the_issue(tmp_path, trusted_stat):
    """The issue's sequence as one example of the property (a regression anchor)."""
    cached = make_site(tmp_path / "cached")
    cli_run(cached, "check", "--select", SELECT)
    (cached / "content" / "jobs.md").write_text(EDITED_JOBS, encoding="utf-8")
    cli_run(cached, "check", "--select", SELECT)
    plain = tmp_path / "plain"
    shutil.copytree(cached / "content", plain / "content")
    make_site(plain, pages={})
    a = cli_run(cached, "check", "--select", SELECT, "--fix")
    b = cli_run(plain, "check", "--select", SELECT, "--fix", "--no-cache")
    assert page(cached) == page(plain) and a == b
    assert json.loads(cli_run(cached, "check", "--select", SELECT, "--format", "json")[1]) == []
