"""``--format text`` (the default): ``path:line:col: CODE message``, the source line with a
marker under the span, and a summary."""

from __future__ import annotations

from collections import Counter

from guidelint.diagnostics import Severity
from guidelint.source import SOURCE_LINE_MAX

COLORS = {
    "error": "\033[31m",
    "warning": "\033[33m",
    "info": "\033[36m",
    "bold": "\033[1m",
    "dim": "\033[2m",
    "reset": "\033[0m",
}


def _c(ctx, name: str, text: str) -> str:
    return f"{COLORS[name]}{text}{COLORS['reset']}" if ctx.color else text


def _fixable(d, ctx) -> bool:
    """--fix would apply this finding's fix: its rule declares it fixable, and it is in a file
    (--fix cannot write to standard input)."""
    if not d.fix or d.path in ctx.stdin_text or d.path == "-":
        return False
    from guidelint.registry import get_rule

    rule = get_rule(d.code)
    return rule is not None and rule.fixable


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))


def iter_report(report, ctx, batch: int = 2000):
    """The report in pieces of about ``batch`` lines (each ending with a newline): the command
    line writes them as they come, so a report of tens of thousands of findings is never held in
    memory whole, twice over (as a list of lines and as their join)."""
    out: list[str] = []
    append = out.append
    color = ctx.color
    show_source = ctx.show_source
    line_of = ctx.line
    names = {
        s: s.value for s in Severity
    }  # an enum's .value is a slow property; a report reads it per line
    for d in report.diagnostics:
        if len(out) >= batch:
            yield "\n".join(out) + "\n"
            out.clear()
        sev = names[d.severity]
        number = d.line
        column = d.column
        if color:
            head = f"{_c(ctx, 'bold', f'{d.path}:{number}:{column}:')} {_c(ctx, sev, d.code)} {d.message}"
        else:
            head = f"{d.path}:{number}:{column}: {d.code} {d.message}"
        append(head if sev == "error" else f"{head} ({sev})")
        if show_source:
            src = line_of(d.path, number)
            if src is not None and len(src) <= SOURCE_LINE_MAX:
                if "\t" in src:
                    src = src.expandtabs(1)
                width = (d.end_column - column) if d.end_line == number else len(src) - column + 1
                width = max(1, min(width, max(len(src) - column + 1, 1)))
                gutter = f"{number:>5} | "
                if color:
                    append(_c(ctx, "dim", gutter) + src)
                    append(
                        " " * (len(gutter) - 2)
                        + _c(ctx, "dim", "| ")
                        + " " * (column - 1)
                        + _c(ctx, sev, "^" * width)
                    )
                else:
                    append(gutter + src)
                    append(f"{' ' * (len(gutter) - 2)}| {' ' * (column - 1)}{'^' * width}")
    counts = Counter(d.severity.value for d in report.diagnostics)
    if ctx.statistics and report.diagnostics:
        out.append("")
        out.append(statistics_table(report))
    files = report.files_checked
    noun = "file" if files == 1 else "files"
    if not report.diagnostics:
        out.append(f"All checks passed: {files} {noun} checked, no problems.")
    else:
        parts = [
            f"{counts[k]} {k}{'s' if counts[k] != 1 else ''}"
            for k in ("error", "warning", "info")
            if counts[k]
        ]
        with_problems = len({d.path for d in report.diagnostics})
        fixable = sum(1 for d in report.diagnostics if _fixable(d, ctx))
        line = (
            f"Found {len(report.diagnostics)} problem{'s' if len(report.diagnostics) != 1 else ''} "
            f"({', '.join(parts)}) in {with_problems} of {files} {noun}."
        )
        if fixable:
            line += f" {fixable} fixable with --fix."
        out.append(line)
    yield "\n".join(out) + "\n"


def statistics_table(report) -> str:
    from guidelint.registry import get_rule

    counts = Counter(d.code for d in report.diagnostics)
    rows = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = get_rule(code)
        rows.append(f"{n:>6}  {code}  {rule.name if rule else ''}")
    return "\n".join(rows)
