"""``--format json``: an array of objects with exactly the keys path, line, column, end_line,
end_column, code, severity, message (documented in the README; stable).

Written piece by piece (``iter_report``): the bytes of ``json.dumps(..., indent=2,
ensure_ascii=False)`` of the whole array, without ever holding the array of objects or the whole
text (a report of 50,000 pages peaked at 875 MiB when it was built whole).
"""

from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring  # json.dumps's string encoder with ensure_ascii=False

_CHUNK = 2_000  # diagnostics per piece written


_ITEM = (
    '  {\n    "path": %s,\n    "line": %d,\n    "column": %d,\n    "end_line": %d,\n'
    '    "end_column": %d,\n    "code": %s,\n    "severity": %s,\n    "message": %s\n  }'
)


def _item(d, encoded: dict[str, str]) -> str:
    """One diagnostic's object; ``encoded``: the JSON strings of paths, codes and severities so
    far (a report repeats them)."""
    path, code, severity = d.path, d.code, d.severity.value
    return _ITEM % (
        encoded.get(path) or encoded.setdefault(path, encode_basestring(path)),
        d.line,
        d.column,
        d.end_line,
        d.end_column,
        encoded.get(code) or encoded.setdefault(code, encode_basestring(code)),
        encoded.get(severity) or encoded.setdefault(severity, encode_basestring(severity)),
        encode_basestring(d.message),
    )


def iter_report(report, ctx) -> Iterator[str]:
    diagnostics = report.diagnostics
    if not diagnostics:
        yield "[]\n"
        return
    encoded: dict[str, str] = {}
    for start in range(0, len(diagnostics), _CHUNK):
        part = ",\n".join(_item(d, encoded) for d in diagnostics[start : start + _CHUNK])
        yield ("[\n" if start == 0 else ",\n") + part
    yield "\n]\n"


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))
