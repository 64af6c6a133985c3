"""``--format github``: GitHub Actions workflow commands, one annotation per diagnostic."""

from __future__ import annotations

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def format_report(report, ctx) -> str:
    out = []
    for d in report.diagnostics:
        props = (
            f"file={_prop(d.path)},line={d.line},col={d.column},endLine={d.end_line},"
            f"endColumn={d.end_column},title={_prop(d.code)}"
        )
        out.append(f"::{LEVEL[d.severity.value]} {props}::{_data(d.code + ' ' + d.message)}")
    return "\n".join(out) + ("\n" if out else "")
