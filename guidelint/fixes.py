"""``--fix`` and ``--diff``: apply the mechanical edits that diagnostics carry.

Only diagnostics of rules that declare ``fixable = True`` are applied, and only edits that name
the text they replace (``CheckedEdit``): an edit whose expected text is not at its span in the
bytes being rewritten is skipped and reported (file, line and why), never applied elsewhere.
Edits use the spans of the decoded page (lines and code-point columns, end exclusive).

Where edits come from: a first run (which may use the cache and the site snapshot) tells which
files have something to fix. Those files are then read once, and every later run analyses them
from exactly those bytes (or the fixed text in memory), bypassing the cache and the snapshot:
fix edits are always computed from the text they are applied to, never from positions stored for
other bytes.

Per file and pass: identical edits count once; edits that overlap (or insert at the same place)
conflict, and none of the conflicting edits is applied. Passes repeat (the site is re-checked
with the fixed text in memory) until nothing changes, at most ``MAX_PASSES`` times.

Writes are atomic (a temporary file in the same folder, then ``os.replace``), happen only if the
file's bytes are still what was read, keep the file's BOM and CRLF line endings, and leave the
file untouched on any error. A page that is a symbolic link is written through to its real file
only if that file is inside the content root. After writing, the report is computed again from
the files as written.
"""

from __future__ import annotations

import contextlib
import difflib
import itertools
import os
import tempfile
from bisect import bisect_left
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import CheckedEdit, Edit

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.analysis import Analyzer
    from guidelint.config import Config
    from guidelint.discovery import FileItem
    from guidelint.incremental import SiteSnapshot
    from guidelint.results import AnalysedPage

__all__ = ["CheckedEdit", "Edit"]  # (tests import CheckedEdit from here)
from guidelint.tempfiles import PAGE_SUFFIX

MAX_PASSES = 4
BOM = b"\xef\xbb\xbf"


# ------------------------------------------------------------------ applying edits to text
def _offset(starts: list[int], text: str, line: int, column: int) -> int | None:
    if line < 1 or column < 1:
        return None
    if line > len(starts):
        return len(text) if column == 1 and line == len(starts) + 1 else None  # the end
    start = starts[line - 1]
    end = starts[line] - 1 if line < len(starts) else len(text)
    if start + column - 1 > end:
        return None
    return start + column - 1


def _short(text: str, limit: int = 80) -> str:
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)  # quotes, and escapes for line breaks and control characters


@dataclass(frozen=True)
class Skip:
    """An edit that was not applied, and why."""

    edit: Edit
    reason: str
    conflict: bool = False  # overlaps another edit (it may apply in a later pass)

    @property
    def line(self) -> int:
        return self.edit.span.line


def apply_edits_checked(text: str, edits) -> tuple[str, int, list[Skip]]:
    """Apply ``edits`` to ``text``; returns (new text, edits applied, edits skipped with reasons).

    An edit applies only if it accepts the text at its span (a ``CheckedEdit``: that text is
    exactly its ``expect``; a plain ``Edit`` accepts nothing) and it overlaps no other edit."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    resolved = []
    skipped: list[Skip] = []
    for e in dict.fromkeys(edits):  # identical edits once
        s = e.span
        where = f"{s.line}:{s.column}"
        a = _offset(starts, text, s.line, s.column)
        b = _offset(starts, text, s.end_line, s.end_column)
        if a is None or b is None or b < a:
            skipped.append(
                Skip(e, f"its span {where}-{s.end_line}:{s.end_column} is not in the file")
            )
            continue
        if not e.accepts(text[a:b]):
            skipped.append(
                Skip(e, f"expected {_short(e.expected())} at {where}, found {_short(text[a:b])}")
            )
            continue
        resolved.append((a, b, e.text, e))
    resolved.sort(key=lambda r: (r[0], r[1]))
    bad: set[int] = set()
    for i in range(len(resolved)):
        for j in range(i + 1, len(resolved)):
            a1, b1 = resolved[i][:2]
            a2, b2 = resolved[j][:2]
            if a2 > b1:  # sorted by start: no later edit can overlap edit i
                break
            # overlapping, or two edits starting at one place where one inserts (order unknown);
            # edits that only touch (one ends where the next starts) are fine
            if a2 < b1 or (a1 == a2 and (a1 == b1 or a2 == b2)):
                bad.update((i, j))
    out = []
    pos = 0
    applied = 0
    for i, (a, b, new, e) in enumerate(resolved):
        if i in bad:
            skipped.append(Skip(e, "it overlaps another fix", conflict=True))
            continue
        out.append(text[pos:a])
        out.append(new)
        pos = b
        applied += 1
    out.append(text[pos:])
    return "".join(out), applied, skipped


def apply_edits(text: str, edits) -> tuple[str, int, int]:
    """Apply edits to ``text``; returns (new text, applied, skipped as conflicting or stale)."""
    new, applied, skipped = apply_edits_checked(text, edits)
    return new, applied, len(skipped)


# ------------------------------------------------------------------ files
def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def real_target(path: Path, root: Path | None) -> tuple[Path | None, str | None]:
    """The file a fix of ``path`` may write: its real path, or (None, why not). A symbolic link
    (anywhere along the path) is followed only to a file inside the content root ``root``."""
    real = Path(os.path.realpath(path))
    if root is not None and real != Path(os.path.abspath(path)) and not _inside(real, root):
        return None, "is a symbolic link to a file outside the content root; not fixed"
    return real, None


@dataclass
class FileState:
    path: Path  # the real file (symbolic links resolved)
    original: bytes
    bom: bool
    crlf: bool
    text: str  # decoded, LF line endings, no BOM (what the spans refer to)
    fixed: int = 0
    codes: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path, root: Path | None = None) -> FileState | None:
        return cls.load(path, root)[0]

    @classmethod
    def load(cls, path: Path, root: Path | None = None) -> tuple[FileState | None, str]:
        """The file's state, or (None, why it cannot be fixed)."""
        real, why = real_target(path, root)
        if real is None:
            return None, why or ""
        try:
            if not real.is_file():
                return None, "is not a regular file; not fixed"
            data = real.read_bytes()
        except OSError as exc:
            return None, f"cannot be read: {exc.strerror or exc}; not fixed"
        bom = data.startswith(BOM)
        body = data[len(BOM) :] if bom else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return None, "is not UTF-8; not fixed"
        crlf = "\r\n" in text
        mixed = "mixed line endings; not fixed (we could not write them back faithfully)"
        if crlf and text.count("\r\n") != text.count("\n"):
            return None, mixed
        if "\r" in text.replace("\r\n", ""):
            return None, mixed
        return cls(real, data, bom, crlf, text.replace("\r\n", "\n")), ""

    def encoded(self) -> bytes:
        text = self.text.replace("\n", "\r\n") if self.crlf else self.text
        return (BOM if self.bom else b"") + text.encode("utf-8")

    @property
    def changed(self) -> bool:
        return self.encoded() != self.original


def write_atomic(state: FileState, root: Path | None = None) -> str | None:
    """Write the fixed text; returns an error message, or None when written."""
    path = state.path
    real, why = real_target(path, root)
    if real is None:
        return f"{path}: {why}"
    if real != Path(os.path.abspath(path)):
        return f"{path}: became a symbolic link while guidelint was checking it; not fixed"
    try:
        if path.read_bytes() != state.original:
            return f"{path}: changed on disk while guidelint was checking it; not fixed (run again)"
    except OSError as exc:
        return f"{path}: cannot re-read: {exc.strerror or exc}; not fixed"
    tmp = None
    try:
        st = path.stat()
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=f".{os.getpid()}{PAGE_SUFFIX}"
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
    a = before.splitlines(keepends=True)
    b = state.text.splitlines(keepends=True)
    fromfile, tofile = f"a/{display}", f"b/{display}"
    if len(a) + len(b) <= DIFFLIB_LINES:
        return "".join(difflib.unified_diff(a, b, fromfile=fromfile, tofile=tofile))
    return "".join(_anchored_unified_diff(a, b, fromfile, tofile))


# Files of more lines than this are diffed by _AnchoredMatcher, not difflib: difflib's search for
# the longest match grows with the file's repeated lines, and 16,256 fixes (removed comments) in
# a page of 60,000 lines took 85 s to show.
DIFFLIB_LINES = 4_000
_SMALL_GAP = 250_000  # a gap between anchors of at most this many line pairs goes to difflib


class _AnchoredMatcher(difflib.SequenceMatcher):
    """difflib's matcher with other matching blocks: lines the same at both ends, then lines that
    occur once in each side, in the longest run that keeps their order (patience sorting) as
    anchors, and the same again between anchors; a small gap with no anchor goes to difflib,
    a large one is a replacement. Every block is a true match, so the diff it gives is a valid
    one (though not always the smallest), in time near linear in the lines."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self.lines = (a, b)
        self.blocks: list[difflib.Match] | None = None

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self.blocks is not None:
            return self.blocks
        a, b = self.lines
        found: list[tuple[int, int, int]] = []
        work = [(0, len(a), 0, len(b))]
        while work:
            alo, ahi, blo, bhi = work.pop()
            while alo < ahi and blo < bhi and a[alo] == b[blo]:
                found.append((alo, blo, 1))
                alo, blo = alo + 1, blo + 1
            while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
                ahi, bhi = ahi - 1, bhi - 1
                found.append((ahi, bhi, 1))
            if alo == ahi or blo == bhi:
                continue
            anchors = _unique_anchors(a, alo, ahi, b, blo, bhi)
            if not anchors:
                if (ahi - alo) * (bhi - blo) <= _SMALL_GAP:
                    small = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
                    found.extend((alo + i, blo + j, n) for i, j, n in small.get_matching_blocks())
                continue
            ends = [(alo - 1, blo - 1), *anchors, (ahi, bhi)]
            for i, j in anchors:
                found.append((i, j, 1))
            for (i0, j0), (i1, j1) in itertools.pairwise(ends):
                work.append((i0 + 1, i1, j0 + 1, j1))
        found = sorted(f for f in found if f[2])
        merged: list[tuple[int, int, int]] = []
        for i, j, n in found:
            if merged and merged[-1][0] + merged[-1][2] == i and merged[-1][1] + merged[-1][2] == j:
                merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
            else:
                merged.append((i, j, n))
        merged.append((len(a), len(b), 0))
        self.blocks = [difflib.Match(i, j, n) for i, j, n in merged]
        return self.blocks


def _unique_anchors(a, alo, ahi, b, blo, bhi) -> list[tuple[int, int]]:
    """Lines once in a[alo:ahi] and once in b[blo:bhi], as (i, j), the longest run of them in
    the same order on both sides."""
    count: dict[str, list[int]] = {}
    for i in range(alo, ahi):
        entry = count.setdefault(a[i], [0, i, 0, -1])
        entry[0] += 1
    for j in range(blo, bhi):
        seen = count.get(b[j])
        if seen is not None:
            seen[2] += 1
            seen[3] = j
    pairs = sorted((e[1], e[3]) for e in count.values() if e[0] == 1 and e[2] == 1)
    # the longest increasing run of j (patience sorting, with links back)
    tails: list[int] = []  # tails[k]: index into pairs of the smallest end of a run of k + 1
    back = [-1] * len(pairs)
    for n, (_i, j) in enumerate(pairs):
        k = bisect_left(tails, j, key=lambda t: pairs[t][1])  # (the first run end not below j)
        if k > 0:
            back[n] = tails[k - 1]
        if k == len(tails):
            tails.append(n)
        else:
            tails[k] = n
    run: list[tuple[int, int]] = []
    n = tails[-1] if tails else -1
    while n >= 0:
        run.append(pairs[n])
        n = back[n]
    return run[::-1]


def _anchored_unified_diff(a: list[str], b: list[str], fromfile: str, tofile: str):
    """The unified diff (as ``difflib.unified_diff`` writes it, three lines of context) of the
    matches _AnchoredMatcher finds."""
    started = False
    for group in _AnchoredMatcher(a, b).get_grouped_opcodes(3):
        if not started:
            started = True
            yield f"--- {fromfile}\n"
            yield f"+++ {tofile}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_hunk_range(first[1], last[2])} +{_hunk_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in a[i1:i2])
                continue
            if tag in ("replace", "delete"):
                yield from ("-" + line for line in a[i1:i2])
            if tag in ("replace", "insert"):
                yield from ("+" + line for line in b[j1:j2])


def _hunk_range(start: int, stop: int) -> str:
    """A hunk's line range as a unified diff writes it: the first line (1-based) and the count,
    the count left out when it is 1; an empty range names the line before it."""
    first, length = start + 1, stop - start
    if length == 1:
        return f"{first}"
    if not length:
        first -= 1
    return f"{first},{length}"


# ------------------------------------------------------------------ the fix loop
def fixable_edits(report) -> dict[str, list[tuple[str, Edit]]]:
    """(rule code, edit) of every fixable diagnostic, by display path."""
    from guidelint.registry import get_rule

    by_path: dict[str, list[tuple[str, Edit]]] = {}
    for d in report.diagnostics:
        rule = get_rule(d.code)
        if d.fix and rule is not None and rule.fixable:
            by_path.setdefault(d.path, []).extend((d.code, e) for e in d.fix)
    return by_path


@dataclass
class FixResult:
    first: Any  # the report before any fix (its fixable files analysed from their bytes)
    last: Any  # the report after the last pass (fixed text in memory)
    files: dict[str, FileState]  # display path -> state (only files with applied fixes)
    skipped: int = 0
    unreadable: list[str] = field(default_factory=list)  # display paths not read
    refused: dict[str, str] = field(default_factory=dict)  # display path -> why not read
    notes: list[str] = field(default_factory=list)  # "path:line: GLxxx fix not applied: why"
    read: list[str] = field(default_factory=list)  # display paths of every file read to be fixed


def fix_loop(run_once, root: Path | None = None, sources: dict | None = None) -> FixResult:
    """``run_once(overlay)`` checks the site with ``overlay`` (display path -> bytes) in place of
    those files' contents, analysed from those bytes without any cache, and returns a Report.
    ``sources``: display path -> the path as found (before symbolic links were resolved), for
    files the runs saw; ``root``: the content root (see ``real_target``)."""
    sources = sources if sources is not None else {}
    overlay: dict[str, bytes] = {}
    states: dict[str, FileState] = {}
    refused: dict[str, str] = {}
    report = first = run_once(overlay)
    passes = 0
    notes: list[str] = []
    skipped = 0
    while True:
        edits = fixable_edits(report)
        new = [d for d in sorted(edits) if d not in states and d not in refused]
        if new:  # files to fix that were not read yet: read them, and check them from those bytes
            for display in new:
                state, why = FileState.load(Path(sources.get(display, display)), root)
                if state is None:
                    refused[display] = why
                    continue
                states[display] = state
                overlay[display] = state.original
            if any(d in states for d in new):
                report = run_once(overlay)
                if passes == 0:
                    first = report
                continue
        if passes == MAX_PASSES:
            for display, tagged in sorted(edits.items()):
                if display in states:
                    notes.append(
                        f"{display}: {len(tagged)} fix(es) still pending after {MAX_PASSES} "
                        "passes; run --fix again"
                    )
            break
        passes += 1
        progress = False
        notes = []
        skipped = 0
        for display, tagged in sorted(edits.items()):
            state = states.get(display)
            if state is None:
                continue
            new_text, applied, skips = apply_edits_checked(state.text, [e for _c, e in tagged])
            skipped += len(skips)
            codes = {e: c for c, e in tagged}
            for skip in skips:
                code = codes.get(skip.edit, "")
                notes.append(f"{display}:{skip.line}: {code} fix not applied: {skip.reason}")
            if applied and new_text != state.text:
                state.text = new_text
                state.fixed += applied
                overlay[display] = state.encoded()
                progress = True
        if not progress:
            break
        report = run_once(overlay)
    unreadable = sorted(refused)
    return FixResult(
        first,
        report,
        {k: v for k, v in states.items() if v.changed},
        skipped,
        unreadable,
        refused,
        notes,
        sorted(states),
    )


def overlay_analyzer(
    base: Analyzer,
    overlay: dict[str, bytes],
    sources: dict[str, Path] | None = None,
    memo: dict[str, AnalysedPage] | None = None,
    expose: bool | None = None,
) -> OverlayAnalyzer:
    """Wrap an analyzer so that overlaid files (by display path) are analysed from memory,
    without the cache or the site snapshot (whose records describe the bytes on disk).

    ``sources`` (if given) learns each item's path as found (display path -> path). ``memo``
    (if given) keeps the results of files not overlaid, by display path, and serves them to the
    next runs of the same ``--fix``: those files are not being rewritten, and analysing every
    page again for every pass made ``--fix --no-cache`` cost one full check per pass. The
    wrapper shows the runner the site snapshot (``expose``; default: only when the overlay is
    empty as it is made, as in the first run, a plain check) and otherwise hides it, so that
    site rules run on this run's summaries."""
    return OverlayAnalyzer(
        base, overlay, sources, memo, expose if expose is not None else not overlay
    )


class OverlayAnalyzer:
    """An ``Analyzer`` that reads overlaid files from memory (see ``overlay_analyzer``)."""

    def __init__(
        self,
        base: Analyzer,
        overlay: dict[str, bytes],
        sources: dict[str, Path] | None,
        memo: dict[str, AnalysedPage] | None,
        expose: bool,
    ) -> None:
        self.base = base
        self.overlay = overlay
        self.sources = sources
        self.memo = memo
        self.expose = expose

    @property
    def site_snapshot(self) -> SiteSnapshot | None:
        return self.base.site_snapshot if self.expose else None

    def __call__(
        self, items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> list[AnalysedPage]:
        from guidelint.analysis import analyze

        overlay, sources, memo = self.overlay, self.sources, self.memo
        if sources is not None:
            for item in items:
                if item.path is not None and item.data is None:
                    sources.setdefault(item.display, item.path)
        results: list[AnalysedPage | None] = [None] * len(items)
        rest = []
        for i, item in enumerate(items):
            on_disk = item.path is not None and item.data is None
            data = overlay.get(item.display) if on_disk and overlay else None
            if data is not None:
                results[i] = analyze(item.display, item.rel, data, config, selected)
            elif on_disk and memo is not None and item.display in memo:
                results[i] = memo[item.display]
            else:
                rest.append(i)
        if rest:
            got = self.base([items[i] for i in rest], config, selected)
            for i, result in zip(rest, got):
                results[i] = result
                if memo is not None and items[i].path is not None and items[i].data is None:
                    memo[items[i].display] = result
        complete = [r for r in results if r is not None]
        assert len(complete) == len(items)  # every item was overlaid, remembered or analysed
        return complete


def run_fixes(paths: list[str], config, selected: frozenset[str], analyzer, *, write: bool):
    """The ``--fix`` / ``--diff`` driver. Returns (report to print, diff text, the first run's
    diagnostics). With ``write`` the files are written and the report is computed again from the
    files as written; without, nothing is written and the report is the first run's."""
    import click

    from guidelint.runner import run

    sources: dict = {}
    memo: dict = {}

    def run_once(overlay):
        return run(
            paths, config, selected, analyzer=overlay_analyzer(analyzer, overlay, sources, memo)
        )

    root = config.content_root
    result = fix_loop(run_once, root, sources)
    # (only --diff prints it; --fix writes the files without working out a diff)
    diff_text = (
        ""
        if write
        else "".join(
            unified_diff(state, display) for display, state in sorted(result.files.items())
        )
    )
    for display, why in sorted(result.refused.items()):
        click.echo(f"guidelint: {display}: {why}", err=True)
    for note in result.notes:
        click.echo(f"guidelint: {note}", err=True)
    fixed = sum(s.fixed for s in result.files.values())
    if not write:
        remaining = len(result.last.diagnostics)
        click.echo(
            f"guidelint: {fixed} fix{'es' if fixed != 1 else ''} would be applied to {len(result.files)} "
            f"file{'s' if len(result.files) != 1 else ''}; {remaining} problem"
            f"{'s' if remaining != 1 else ''} would remain",
            err=True,
        )
        return result.first, diff_text, result.first.diagnostics
    errors: dict[str, str] = {}
    for display, state in sorted(result.files.items()):
        msg = write_atomic(state, root)
        if msg is not None:
            errors[display] = msg
            click.echo(f"guidelint: {msg}", err=True)
    written = {d: s for d, s in result.files.items() if d not in errors}
    applied = sum(s.fixed for s in written.values())
    if result.files or result.refused or result.notes:
        line = (
            f"guidelint: fixed {applied} problem{'s' if applied != 1 else ''} in {len(written)} "
            f"file{'s' if len(written) != 1 else ''}"
        )
        lost = sum(result.files[d].fixed for d in errors)
        if errors:
            line += (
                f"; {lost} fix{'es' if lost != 1 else ''} in {len(errors)} "
                f"file{'s' if len(errors) != 1 else ''} not written ("
                + ", ".join(sorted(errors))
                + ": see above)"
            )
        if result.refused:
            line += (
                f"; {len(result.refused)} file{'s' if len(result.refused) != 1 else ''} "
                "not read (see above)"
            )
        if result.skipped:
            line += f"; {result.skipped} fix{'es' if result.skipped != 1 else ''} left alone (see above)"
        click.echo(line, err=True)
    # what is left, from the files as they are now (never the in-memory state of the passes):
    # the files read to be fixed are analysed again, the others' results are the first run's
    if result.files:
        for display in result.read:
            memo.pop(display, None)
        final = overlay_analyzer(analyzer, {}, None, memo, expose=False)
        report = run(paths, config, selected, analyzer=final)
    else:
        report = result.last
    return report, diff_text, result.first.diagnostics
