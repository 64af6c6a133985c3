"""The JSON, SARIF and JUnit reports are written piece by piece from templates; their bytes must
be those of the whole document built at once (json.dumps with indent=2, ElementTree with
ET.indent), kept below as references, on diagnostics with awkward paths and messages."""

import json
import random
import xml.etree.ElementTree as ET

import pytest

from guidelint.diagnostics import Diagnostic, Edit, Severity, Span
from guidelint.formatters import FormatContext, iter_format
from guidelint.formatters import sarif as sarif_format
from guidelint.registry import all_rules
from guidelint.runner import Report

PATHS = [
    "content/a.md",
    "content/sub dir/b é.md",
    'content/q&a <1> "x".md',
    "-",
    "/abs/path/c.md",
    "content/tab\there.md",
    "content/100% sure %s %d %%.md",  # the JSON writer fills %-templates made from the path
]
MESSAGES = [
    "plain message",
    "quotes \u201cmust be certified\u201d and 'single'",
    'json "escapes" \\ back slash',
    "xml & < > markup",
    "escaped invisibles \\u0000 \\u200b",
    "emoji \U0001f600 and accents \u00e9",
    "raw NUL \x00 and line\nbreak\tand\rcarriage",
    "lone surrogate \ud800 kept",
    "per cent signs %s %d %% %(x)s",
]


def diagnostics(count: int, seed: int) -> list[Diagnostic]:
    rnd = random.Random(seed)
    codes = [r.code for r in all_rules()] + ["GL999", "XX1"]  # (the last two: no such rule)
    out = []
    for _ in range(count):
        line = rnd.randint(1, 500)
        fix = ()
        if rnd.random() < 0.2:
            fix = (Edit(Span(line, 2, line, 5), rnd.choice(MESSAGES)),)
        out.append(
            Diagnostic(
                rnd.choice(PATHS),
                line,
                rnd.randint(1, 80),
                line + rnd.randint(0, 2),
                rnd.randint(0, 90),  # 0: SARIF writes at least 1
                rnd.choice(codes),
                rnd.choice(list(Severity)),
                rnd.choice(MESSAGES),
                fix,
            )
        )
    return out


def written(fmt: str, report: Report) -> str:
    stream = iter_format(fmt, report, FormatContext())
    assert stream is not None
    return "".join(stream)


def json_reference(report: Report) -> str:
    dicts = [d.as_dict() for d in report.diagnostics]
    return json.dumps(dicts, indent=2, ensure_ascii=False) + "\n"


def sarif_reference(report: Report) -> str:
    """The document as the SARIF writer built it before it streamed: whole, then dumped."""
    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    doc = json.loads("".join(sarif_format.iter_report(Report([], 0, 0), None)))
    doc["runs"][0]["results"] = [sarif_format._result(d, index) for d in report.diagnostics]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def junit_reference(report: Report) -> str:
    """The report as the JUnit writer built it before it streamed: an ElementTree, indented."""
    by_path: dict[str, list] = {}
    for d in report.diagnostics:
        by_path.setdefault(d.path, []).append(d)
    files = list(dict.fromkeys([*report.files, *by_path]))
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


def reports():
    yield "no findings, no files", Report([], 0, 0)
    yield "no findings, clean files", Report([], 2, 2, files=["content/a.md", "content/c d.md"])
    yield "one finding", Report(diagnostics(1, 1), 1, 1)
    for seed, count in ((2, 40), (3, 2_500)):  # (2,500: more than one piece of each writer)
        found = sorted(diagnostics(count, seed), key=Diagnostic.sort_key)
        clean = [f"content/clean-{i}.md" for i in range(seed * 700)]
        yield f"{count} findings", Report(found, 9, 9, files=["content/a.md", *clean])


@pytest.mark.parametrize("name,report", list(reports()), ids=lambda x: x if type(x) is str else "")
def test_written_reports_are_the_whole_documents(name, report):
    assert written("json", report) == json_reference(report)
    assert written("sarif", report) == sarif_reference(report)
    assert written("junit", report) == junit_reference(report)
    json.loads(written("sarif", report))  # (and still one JSON document)


def test_junit_is_written_in_pieces():
    report = Report(diagnostics(3_000, 4), 1, 1, files=[f"content/p{i}.md" for i in range(2_500)])
    pieces = list(iter_format("junit", report, FormatContext()))
    assert len(pieces) > 2  # the head and the files in pieces of 1,000, not one string
    assert "".join(pieces) == junit_reference(report)
