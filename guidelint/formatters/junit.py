"""``--format junit``: JUnit XML for CI test reports (GitLab, Jenkins, Azure Pipelines).

One ``testsuite`` named guidelint; one ``testcase`` per checked file (classname ``guidelint``,
name the file's path); one ``failure`` per diagnostic, with ``type`` the rule code and the
location in the message.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET


def format_report(report, ctx) -> str:
    by_path: dict[str, list] = {}
    for d in report.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    files = list(dict.fromkeys([*report.files, *by_path]))  # checked files, then any others
    failing = sum(1 for f in files if by_path.get(f))
    suites = ET.Element(
        "testsuites", name="guidelint", tests=str(len(files)), failures=str(failing), errors="0"
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="guidelint",
        tests=str(len(files)),
        failures=str(failing),
        errors="0",
        skipped="0",
    )
    for path in files:
        case = ET.SubElement(suite, "testcase", classname="guidelint", name=path, file=path)
        for d in by_path.get(path, []):
            failure = ET.SubElement(case, "failure", type=d.code, message=f"{d.code} {d.message}")
            failure.text = (
                f"{d.path}:{d.line}:{d.column}: {d.code} {d.message} ({d.severity.value})"
            )
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
