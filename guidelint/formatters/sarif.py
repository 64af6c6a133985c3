"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

``tool.driver.rules`` comes from the rule registry (every rule, so a viewer can show any rule's
help); each result points at its rule by ``ruleId`` and ``ruleIndex``. Columns count Unicode
code points (``columnKind: unicodeCodePoints``); ``endColumn`` is exclusive, as in guidelint.
Paths are relative URIs (to the working directory, ``%SRCROOT%``) when the file is below it.
Mechanical fixes are included as SARIF ``fixes``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import islice
from json.encoder import encode_basestring  # json.dumps's string encoder with ensure_ascii=False
from pathlib import Path
from urllib.parse import quote

from guidelint import __version__

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
# no informationUri or helpUri: guidelint has no public home page; every rule's full help text is
# in the report (help.text / help.markdown), and a made-up address would send readers nowhere


def _first_paragraph(doc: str) -> str:
    para = doc.strip().split("\n\n", 1)[0]
    return " ".join(para.split())


def _help_text(doc: str) -> str:
    """The documentation without its fenced examples' fences (plain text)."""
    return re.sub(r"^```[^\n]*\n", "", doc, flags=re.M).strip()


def _rule_descriptor(rule) -> dict:
    doc = rule.doc
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": _first_paragraph(doc) or rule.summary},
        "help": {"text": _help_text(doc), "markdown": doc},
        "defaultConfiguration": {"level": LEVEL[rule.severity.value]},
        "properties": {"fixable": bool(rule.fixable), "tags": [rule.code[:3] + "xx"]},
    }


def artifact_uri(path: str) -> dict:
    if path == "-" or not path:
        return {"uri": "stdin"}
    p = Path(path)
    if p.is_absolute():
        return {"uri": p.as_uri()}
    return {"uri": quote(p.as_posix()), "uriBaseId": "%SRCROOT%"}


def _region(span) -> dict:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": max(span.end_column, 1),
    }


def _result(d, index: dict[str, int]) -> dict:
    result = {
        "ruleId": d.code,
        "level": LEVEL[d.severity.value],
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_uri(d.path),
                    "region": _region(d),
                }
            }
        ],
    }
    if d.code in index:
        result["ruleIndex"] = index[d.code]
    if d.fix:
        result["fixes"] = [
            {
                "description": {"text": "guidelint --fix"},
                "artifactChanges": [
                    {
                        "artifactLocation": artifact_uri(d.path),
                        "replacements": [
                            {
                                "deletedRegion": _region(e.span),
                                "insertedContent": {"text": e.text},
                            }
                            for e in d.fix
                        ],
                    }
                ],
            }
        ]
    return result


_RESULTS = (
    "\0guidelint-results\0"  # stands for the results in the skeleton (no result holds a NUL raw)
)


def _plain_result_template(inner: str) -> tuple[str, str]:
    """The text of a result without fixes as json.dumps(indent=2) writes it, indented by
    ``inner``, as a %-template of (ruleId, level, message, artifactLocation, startLine,
    startColumn, endLine, endColumn), and the ruleIndex line to add when the rule is known."""
    text = (
        '{\n  "ruleId": \0,\n  "level": \0,\n  "message": {\n    "text": \0\n  },\n'
        '  "locations": [\n    {\n      "physicalLocation": {\n        "artifactLocation": \0,\n'
        '        "region": {\n          "startLine": \1,\n          "startColumn": \1,\n'
        '          "endLine": \1,\n          "endColumn": \1\n        }\n      }\n    }\n  ]\2\n}'
    )
    text = text.replace("\n", "\n" + inner).replace("\0", "%s").replace("\1", "%d")
    head, tail = text.split("\2")
    return head, tail


def _results(diagnostics, index: dict[str, int], inner: str) -> Iterator[str]:
    """Each result's text, indented by ``inner`` (its first line too): the bytes of
    ``json.dumps(_result(d, index), indent=2, ensure_ascii=False)`` re-indented, written from a
    template (json.dumps's indenting encoder is pure Python: 500,000 results took 29 s). The
    strings are encoded by json.dumps's own encoder; results with fixes go through json.dumps."""
    head, tail = _plain_result_template(inner)
    rule_index = ",\n" + inner + '  "ruleIndex": %d'
    deeper = "\n" + inner + "        "
    encoded: dict[str, str] = {}
    locations: dict[str, str] = {}
    for d in diagnostics:
        if d.fix:
            yield inner + json.dumps(_result(d, index), indent=2, ensure_ascii=False).replace(
                "\n", "\n" + inner
            )
            continue
        code, level, path = d.code, LEVEL[d.severity.value], d.path
        location = locations.get(path)
        if location is None:
            location = locations[path] = json.dumps(
                artifact_uri(path), indent=2, ensure_ascii=False
            ).replace("\n", deeper)
        text = head % (
            encoded.get(code) or encoded.setdefault(code, encode_basestring(code)),
            encoded.get(level) or encoded.setdefault(level, encode_basestring(level)),
            encode_basestring(d.message),
            location,
            d.line,
            d.column,
            d.end_line,
            max(d.end_column, 1),
        )
        at = index.get(code)
        yield inner + (text + tail if at is None else text + rule_index % at + tail)


def iter_report(report, ctx) -> Iterator[str]:
    """The bytes of ``json.dumps(sarif, indent=2, ensure_ascii=False)``, written piece by piece:
    the document around the results once, then each result as it is made (a report of 50,000
    pages peaked at 1.7 GB when the whole document was built first)."""
    from guidelint.registry import all_rules

    rules = all_rules()
    index = {r.code: i for i, r in enumerate(rules)}
    sarif = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "guidelint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [_rule_descriptor(r) for r in rules],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [{"executionSuccessful": True}],
                "results": _RESULTS,
            }
        ],
    }
    skeleton = json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
    marker = json.dumps(_RESULTS)
    at = skeleton.index(marker)
    before, after = skeleton[:at], skeleton[at + len(marker) :]
    diagnostics = report.diagnostics
    if not diagnostics:
        yield before + "[]" + after
        return
    indent = " " * (len(before) - before.rindex("\n") - 1 - len('"results": '))
    results = _results(diagnostics, index, indent + "  ")
    for start in range(0, len(diagnostics), 1_000):
        part = ",\n".join(islice(results, 1_000))
        yield (before + "[\n" if start == 0 else ",\n") + part
    yield "\n" + indent + "]" + after


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))
