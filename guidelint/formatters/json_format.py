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


def _item(d) -> str:
    return (
        '  {\n    "path": '
        + encode_basestring(d.path)
        + ',\n    "line": '
        + int.__repr__(d.line)
        + ',\n    "column": '
        + int.__repr__(d.column)
        + ',\n    "end_line": '
        + int.__repr__(d.end_line)
        + ',\n    "end_column": '
        + int.__repr__(d.end_column)
        + ',\n    "code": '
        + encode_basestring(d.code)
        + ',\n    "severity": '
        + encode_basestring(d.severity.value)
        + ',\n    "message": '
        + encode_basestring(d.message)
        + "\n  }"
    )


def iter_report(report, ctx) -> Iterator[str]:
    diagnostics = report.diagnostics
    if not diagnostics:
        yield "[]\n"
        return
    for start in range(0, len(diagnostics), _CHUNK):
        part = ",\n".join(_item(d) for d in diagnostics[start : start + _CHUNK])
        yield ("[\n" if start == 0 else ",\n") + part
    yield "\n]\n"


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))
