"""``guidelint summary REPORT.json``: a Markdown summary of a JSON report, for a CI job summary
(GitHub's ``$GITHUB_STEP_SUMMARY``): counts by code and the files with the most findings.

It reads the stable JSON shape of ``--format json`` (a list of objects with path, line, column,
end_line, end_column, code, severity, message), so it summarises a report from any run, also
one made on another machine. Table cells are escaped: a path is shown as text, never as
Markdown or HTML.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from pathlib import Path

SEVERITIES = ("error", "warning", "info")
KEYS = ("path", "line", "code", "severity", "message")


class SummaryError(ValueError):
    pass


def load_report(path: str) -> list[dict]:
    """The diagnostics of a JSON report; SummaryError if it is not one."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SummaryError(f"{path}: cannot read the report ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SummaryError(
            f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg}); "
            "write the report with 'guidelint check --format json -o FILE'"
        ) from None
    if not isinstance(data, list):
        raise SummaryError(f"{path}: expected a list of findings (guidelint check --format json)")
    for i, item in enumerate(data):
        if not isinstance(item, dict) or any(k not in item for k in KEYS):
            raise SummaryError(
                f"{path}: finding {i + 1} is not an object with the keys {', '.join(KEYS)}"
            )
        if item["severity"] not in SEVERITIES:
            raise SummaryError(f"{path}: finding {i + 1} has an unknown severity")
    return data


def cell(value) -> str:
    """Text for a Markdown table cell: HTML-escaped, and Markdown's table and emphasis marks
    made literal."""
    text = str(value).replace("\n", " ")
    for mark in ("\\", "`", "*", "_", "[", "]"):
        text = text.replace(mark, "\\" + mark)
    return html.escape(text, quote=False).replace("|", "&#124;")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def counts(diagnostics: list[dict]) -> dict[str, int]:
    by_severity = Counter(d["severity"] for d in diagnostics)
    return {
        "findings": len(diagnostics),
        "errors": by_severity["error"],
        "warnings": by_severity["warning"],
        "infos": by_severity["info"],
        "files": len({d["path"] for d in diagnostics}),
    }


def markdown(diagnostics: list[dict], top: int = 10, title: str = "guidelint") -> str:
    from guidelint.registry import get_rule

    c = counts(diagnostics)
    if not diagnostics:
        return f"## {cell(title)}: no problems found\n"
    parts = [_plural(c[s + "s"], s) for s in SEVERITIES if c[s + "s"]]
    out = [
        f"## {cell(title)}: {_plural(c['findings'], 'problem')} ({', '.join(parts)}) "
        f"in {_plural(c['files'], 'file')}\n",
        "\n| code | rule | severity | findings |\n|---|---|---|---:|\n",
    ]
    by_code = Counter(d["code"] for d in diagnostics)
    severity_of: dict[str, str] = {}
    for d in diagnostics:
        severity_of.setdefault(d["code"], d["severity"])
    for code, n in sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = get_rule(code)
        out.append(
            f"| {cell(code)} | {cell(rule.name) if rule else ''} | {severity_of[code]} | {n} |\n"
        )
    by_file: dict[str, Counter] = {}
    for d in diagnostics:
        by_file.setdefault(d["path"], Counter())[d["severity"]] += 1
    ranked = sorted(by_file.items(), key=lambda kv: (-kv[1]["error"], -sum(kv[1].values()), kv[0]))
    shown = ranked[:top]
    heading = (
        "Files with the most findings"
        if len(ranked) <= top
        else f"The {top} files with the most findings (of {len(ranked)})"
    )
    out.append(
        f"\n### {heading}\n\n| file | errors | warnings | infos | total |\n"
        "|---|---:|---:|---:|---:|\n"
    )
    for path, found in shown:
        out.append(
            f"| {cell(path)} | {found['error']} | {found['warning']} | {found['info']} | "
            f"{sum(found.values())} |\n"
        )
    return "".join(out)
