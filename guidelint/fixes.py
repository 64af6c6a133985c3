"""``--fix`` and ``--diff``: apply the mechanical edits that diagnostics carry.

Only diagnostics of rules that declare ``fixable = True`` are applied. Edits use the spans of
the decoded page (lines and code-point columns, end exclusive). Rules that compute a span
without seeing the text (site rules work from summaries) use ``CheckedEdit``, which names the
text it expects to replace: if the file says something else there, the edit is skipped.

Per file and pass: identical edits count once; edits that overlap (or insert at the same place)
conflict, and none of the conflicting edits is applied. Passes repeat (the site is re-checked
with the fixed text in memory) until nothing changes, at most ``MAX_PASSES`` times. Writes are
atomic (a temporary file in the same folder, then ``os.replace``), happen only if the file's
bytes are still what was read, keep the file's BOM and CRLF line endings, and leave the file
untouched on any error.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from guidelint.diagnostics import CheckedEdit, Edit

MAX_PASSES = 4
BOM = b"\xef\xbb\xbf"


# ------------------------------------------------------------------ applying edits to text
def _offset(starts: list[int], text: str, line: int, column: int) -> int | None:
    if line > len(starts):
        return len(text) if column == 1 else None  # the end of the file
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    if column < 1 or start + column - 1 > end:
        return None
    return start + column - 1


def apply_edits(text: str, edits) -> tuple[str, int, int]:
    """Apply edits to ``text``; returns (new text, applied, skipped as conflicting or stale)."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    resolved = []
    skipped = 0
    for e in dict.fromkeys(edits):  # identical edits once
        a = _offset(starts, text, e.span.line, e.span.column)
        b = _offset(starts, text, e.span.end_line, e.span.end_column)
        if a is None or b is None or b < a:
            skipped += 1
            continue
        if isinstance(e, CheckedEdit) and text[a:b] != e.expect:
            skipped += 1
            continue
        resolved.append((a, b, e.text))
    resolved.sort()
    bad: set[int] = set()
    for i in range(len(resolved)):
        for j in range(i + 1, len(resolved)):
            a1, b1, _ = resolved[i]
            a2, b2, _ = resolved[j]
            if a2 > b1:  # sorted by start: no later edit can overlap edit i
                break
            # overlapping, or two edits starting at one place where one inserts (order unknown);
            # edits that only touch (one ends where the next starts) are fine
            if a2 < b1 or (a1 == a2 and (a1 == b1 or a2 == b2)):
                bad.update((i, j))
    out = []
    pos = 0
    applied = 0
    for i, (a, b, new) in enumerate(resolved):
        if i in bad:
            continue
        out.append(text[pos:a])
        out.append(new)
        pos = b
        applied += 1
    out.append(text[pos:])
    return "".join(out), applied, skipped + len(bad)


# ------------------------------------------------------------------ files
@dataclass
class FileState:
    path: Path
    original: bytes
    bom: bool
    crlf: bool
    text: str  # decoded, LF line endings, no BOM (what the spans refer to)
    fixed: int = 0
    codes: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> FileState | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        bom = data.startswith(BOM)
        body = data[len(BOM) :] if bom else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None
        crlf = "\r\n" in text
        if crlf and text.count("\r\n") != text.count("\n"):
            return None  # mixed line endings: we could not write them back faithfully
        if "\r" in text.replace("\r\n", ""):
            return None
        return cls(path, data, bom, crlf, text.replace("\r\n", "\n"))

    def encoded(self) -> bytes:
        text = self.text.replace("\n", "\r\n") if self.crlf else self.text
        return (BOM if self.bom else b"") + text.encode("utf-8")

    @property
    def changed(self) -> bool:
        return self.encoded() != self.original


def write_atomic(state: FileState) -> str | None:
    """Write the fixed text; returns an error message, or None when written."""
    path = state.path
    try:
        if path.read_bytes() != state.original:
            return f"{path}: changed on disk while guidelint was checking it; not fixed (run again)"
    except OSError as exc:
        return f"{path}: cannot re-read: {exc.strerror or exc}; not fixed"
    tmp = None
    try:
        st = path.stat()
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".guidelint-tmp"
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(state.encoded())
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        os.replace(tmp, path)
        tmp = None
        return None
    except OSError as exc:
        return f"{path}: cannot write: {exc.strerror or exc}; not fixed"
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def unified_diff(state: FileState, display: str) -> str:
    before = state.original.decode("utf-8", errors="replace").lstrip("\ufeff").replace("\r\n", "\n")
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            state.text.splitlines(keepends=True),
            fromfile=f"a/{display}",
            tofile=f"b/{display}",
        )
    )


# ------------------------------------------------------------------ the fix loop
def fixable_edits(report) -> dict[str, list[Edit]]:
    from guidelint.registry import get_rule

    by_path: dict[str, list[Edit]] = {}
    for d in report.diagnostics:
        rule = get_rule(d.code)
        if d.fix and rule is not None and rule.fixable:
            by_path.setdefault(d.path, []).extend(d.fix)
    return by_path


@dataclass
class FixResult:
    first: object  # the report before any fix
    last: object  # the report after the last pass (fixed text in memory)
    files: dict[str, FileState]  # display path -> state (only files with applied fixes)
    skipped: int = 0
    unreadable: list[str] = field(default_factory=list)


def fix_loop(run_once) -> FixResult:
    """``run_once(overlay)`` checks the site with ``overlay`` (resolved Path -> bytes) in place of
    those files' contents and returns a Report."""
    overlay: dict[Path, bytes] = {}
    states: dict[str, FileState] = {}
    report = first = run_once(overlay)
    skipped = 0
    unreadable: list[str] = []
    for _ in range(MAX_PASSES):
        edits = fixable_edits(report)
        progress = False
        for display, file_edits in sorted(edits.items()):
            state = states.get(display)
            if state is None:
                if display in unreadable:
                    continue
                state = FileState.read(Path(display))
                if state is None:
                    unreadable.append(display)
                    continue
                states[display] = state
            new_text, applied, skip = apply_edits(state.text, file_edits)
            skipped += skip
            if applied and new_text != state.text:
                state.text = new_text
                state.fixed += applied
                overlay[state.path.resolve()] = state.encoded()
                progress = True
        if not progress:
            break
        report = run_once(overlay)
    return FixResult(
        first, report, {k: v for k, v in states.items() if v.changed}, skipped, unreadable
    )


def overlay_analyzer(base, overlay: dict[Path, bytes]):
    """Wrap an analyzer so that overlaid files are analysed from memory."""

    def analyze(items, config, selected):
        if overlay:
            items = [
                replace(i, data=overlay[i.path.resolve()])
                if i.path is not None and i.data is None and i.path.resolve() in overlay
                else i
                for i in items
            ]
        return base(items, config, selected)

    return analyze


def run_fixes(paths: list[str], config, selected: frozenset[str], analyzer, *, write: bool):
    """The ``--fix`` / ``--diff`` driver. Returns (report to print, diff text, the first run's
    diagnostics). With ``write`` the files are written and the report is what is left; without,
    nothing is written and the report is the first run's."""
    import click

    from guidelint.runner import run

    def run_once(overlay):
        return run(paths, config, selected, analyzer=overlay_analyzer(analyzer, overlay))

    result = fix_loop(run_once)
    fixed = sum(s.fixed for s in result.files.values())
    diff_text = "".join(
        unified_diff(state, display) for display, state in sorted(result.files.items())
    )
    for display in result.unreadable:
        click.echo(
            f"guidelint: {display}: not fixed (unreadable, not UTF-8, or mixed line endings)",
            err=True,
        )
    if not write:
        remaining = len(result.last.diagnostics)
        click.echo(
            f"guidelint: {fixed} fix{'es' if fixed != 1 else ''} would be applied to {len(result.files)} "
            f"file{'s' if len(result.files) != 1 else ''}; {remaining} problem"
            f"{'s' if remaining != 1 else ''} would remain",
            err=True,
        )
        return result.first, diff_text, result.first.diagnostics
    errors = [msg for state in result.files.values() if (msg := write_atomic(state)) is not None]
    for msg in errors:
        click.echo(f"guidelint: {msg}", err=True)
    written = len(result.files) - len(errors)
    if result.files:
        click.echo(
            f"guidelint: fixed {fixed} problem{'s' if fixed != 1 else ''} in {written} "
            f"file{'s' if written != 1 else ''}"
            + (
                f" ({result.skipped} conflicting or stale edit(s) left alone)"
                if result.skipped
                else ""
            ),
            err=True,
        )
    report = result.last if not errors else run(paths, config, selected, analyzer=analyzer)
    return report, diff_text, result.first.diagnostics
