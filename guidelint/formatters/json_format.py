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


class _Templates(dict):
    """``_ITEM`` with a diagnostic's path, code and severity filled in (JSON-encoded, ``%``
    doubled), by (path, code, severity): a report repeats them. A severity is a ``str`` enum:
    ``encode_basestring`` reads its text, which is its value."""

    def __missing__(self, key: tuple[str, str, str]) -> str:
        path, code, severity = (encode_basestring(k).replace("%", "%%") for k in key)
        value = self[key] = _ITEM.replace("%d", "%%d") % (path, code, severity, "%s")
        return value


def iter_report(report, ctx) -> Iterator[str]:
    diagnostics = report.diagnostics
    if not diagnostics:
        yield "[]\n"
        return
    templates = _Templates()
    for start in range(0, len(diagnostics), _CHUNK):
        part = ",\n".join(
            [
                templates[d.path, d.code, d.severity]
                % (d.line, d.column, d.end_line, d.end_column, encode_basestring(d.message))
                for d in diagnostics[start : start + _CHUNK]
            ]
        )
        yield ("[\n" if start == 0 else ",\n") + part
    yield "\n]\n"


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))
