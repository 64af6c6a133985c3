"""``--format junit``: JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines).

One ``testsuite`` named guidelint; one ``testcase`` per checked file (classname ``guidelint``,
name the file's path); one ``failure`` per diagnostic, with ``type`` the rule code and the
location in the message.

Written piece by piece (``iter_report``): the bytes that ElementTree writes for the whole tree,
indented with ``ET.indent``, with its own escaping functions, without building the tree (500,000
findings made 500,000 elements before the first byte was written).
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # type: ignore[attr-defined]

_CHUNK = 1_000  # files per piece written


def _case(path: str, failures: list) -> str:
    name = _escape_attrib(path)
    if not failures:
        return f'    <testcase classname="guidelint" name="{name}" file="{name}" />'
    parts = [f'    <testcase classname="guidelint" name="{name}" file="{name}">']
    for d in failures:
        code, message = d.code, d.message
        parts.append(
            f'\n      <failure type="{_escape_attrib(code)}" '
            f'message="{_escape_attrib(f"{code} {message}")}">'
            + _escape_cdata(f"{d.path}:{d.line}:{d.column}: {code} {message} ({d.severity.value})")
            + "</failure>"
        )
    parts.append("\n    </testcase>")
    return "".join(parts)


def iter_report(report, ctx) -> Iterator[str]:
    by_path: dict[str, list] = {}
    for d in report.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    files = list(dict.fromkeys([*report.files, *by_path]))  # checked files, then any others
    failing = sum(1 for f in files if by_path.get(f))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="guidelint" tests="{len(files)}" failures="{failing}" errors="0">\n'
        f'  <testsuite name="guidelint" tests="{len(files)}" failures="{failing}" errors="0" '
        'skipped="0"'
    )
    if not files:
        yield head + " />\n</testsuites>\n"
        return
    head += ">\n"
    for start in range(0, len(files), _CHUNK):
        part = "\n".join(_case(f, by_path.get(f, [])) for f in files[start : start + _CHUNK])
        yield (head if start == 0 else "\n") + part
    yield "\n  </testsuite>\n</testsuites>\n"


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))
