"""``guidelint summary``: a JSON report as a Markdown job summary."""

import json


def write(tmp_path, data, name="report.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def finding(path, code, severity, line=1):
    return {
        "path": path,
        "line": line,
        "column": 1,
        "end_line": line,
        "end_column": 2,
        "code": code,
        "severity": severity,
        "message": "m",
    }


def test_counts_by_code_and_worst_files(tmp_path, run_cli):
    report = write(
        tmp_path,
        [finding("a.md", "GL501", "warning")]
        + [finding("b.md", "GL301", "error", n) for n in range(1, 4)]
        + [finding("c.md", "GL301", "error"), finding("c.md", "GL950", "info")],
    )
    code, out, err = run_cli("summary", str(report), "--top", "2", "--github-output", "out.txt")
    assert code == 0, err
    assert (
        out.splitlines()[0] == "## guidelint: 6 problems (4 errors, 1 warning, 1 info) in 3 files"
    )
    assert "| GL301 | missing-page | error | 4 |" in out
    assert out.index("GL301") < out.index("GL501") < out.index("GL950")  # by count, then code
    assert "### The 2 files with the most findings (of 3)" in out
    assert "| b.md | 3 | 0 | 0 | 3 |" in out and "| c.md | 1 | 0 | 1 | 2 |" in out
    assert "a.md" not in out
    assert (tmp_path / "out.txt").read_text() == (
        "findings=6\nerrors=4\nwarnings=1\ninfos=1\nfiles=3\n"
    )


def test_cells_are_escaped(tmp_path, run_cli):
    report = write(tmp_path, [finding("we|ird <b>*name*</b>.md", "GL501", "warning")])
    code, out, _ = run_cli("summary", str(report), "--title", "Site <check>")
    assert code == 0
    assert out.startswith("## Site &lt;check&gt;: 1 problem (1 warning) in 1 file\n")
    assert "| we&#124;ird &lt;b&gt;\\*name\\*&lt;/b&gt;.md | 0 | 1 | 0 | 1 |" in out


def test_clean_report(tmp_path, run_cli):
    code, out, _ = run_cli("summary", str(write(tmp_path, [])))
    assert (code, out) == (0, "## guidelint: no problems found\n")


def test_bad_reports_are_usage_errors(tmp_path, run_cli):
    cases = {
        "broken.json": ("{", "broken.json:1:2: not JSON"),
        "object.json": ('{"a": 1}', "expected a list of findings"),
        "keys.json": ('[{"path": "a.md"}]', "finding 1 is not an object with the keys"),
        "sev.json": (json.dumps([finding("a.md", "GL1", "fatal")]), "unknown severity"),
    }
    for name, (text, message) in cases.items():
        code, _out, err = run_cli("summary", str(write(tmp_path, text, name)))
        assert code == 2 and message in err and "Traceback" not in err, (name, err)
    code, _out, err = run_cli("summary", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read the report" in err
