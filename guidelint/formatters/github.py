"""``--format github``: GitHub Actions workflow commands, one annotation per diagnostic."""

from __future__ import annotations

from collections.abc import Iterator

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def _line(d) -> str:
    props = (
        f"file={_prop(d.path)},line={d.line},col={d.column},endLine={d.end_line},"
        f"endColumn={d.end_column},title={_prop(d.code)}"
    )
    return f"::{LEVEL[d.severity.value]} {props}::{_data(d.code + ' ' + d.message)}\n"


def iter_report(report, ctx) -> Iterator[str]:
    """One annotation a line, written a few thousand lines at a time."""
    diagnostics = report.diagnostics
    for start in range(0, len(diagnostics), 2_000):
        yield "".join(_line(d) for d in diagnostics[start : start + 2_000])


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))
