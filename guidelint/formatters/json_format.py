"""``--format json``: an array of objects with exactly the keys path, line, column, end_line,
end_column, code, severity, message (documented in the README; stable)."""

from __future__ import annotations

import json


def format_report(report, ctx) -> str:
    return (
        json.dumps([d.as_dict() for d in report.diagnostics], indent=2, ensure_ascii=False) + "\n"
    )
