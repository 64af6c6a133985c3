"""The command line, end to end: exit codes, selection, configuration, stdin, output formats."""

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

GOOD = """---
title: A good page
description: A page that passes every front-matter check in this small test site.
type: guide
status: published
last_reviewed: 2026-11-01
sources:
  - title: Example source
    publisher: Example Agency
    url: https://example.org/source
    accessed: 2026-11-01
related: [other]
---

# A good page

Some text.
"""

STALE = GOOD.replace("2026-11-01\nsources", "2020-01-01\nsources")
BAD_DATE = GOOD.replace("last_reviewed: 2026-11-01", "last_reviewed: 2026-13-01")


def test_clean_page_exits_0(site, run_cli):
    root = site({"good.md": GOOD})
    code, out, err = run_cli("check", "--select", "GL1,GL5,GL9", cwd=root)
    assert (code, err) == (0, "")
    assert "All checks passed: 1 file checked" in out


def test_findings_exit_1_with_text_format(site, run_cli):
    root = site({"bad.md": BAD_DATE})
    code, out, _ = run_cli("check", "--select", "GL1", cwd=root)
    assert code == 1
    first = out.splitlines()[0]
    assert (
        first
        == "content/bad.md:6:16: GL101 last_reviewed: '2026-13-01' is not a date; write YYYY-MM-DD"
    )
    assert "    6 | last_reviewed: 2026-13-01" in out
    assert "^^^^^^^^^^" in out
    assert "Found 1 problem (1 error) in 1 of 1 file." in out


def test_warning_and_fail_on(site, run_cli):
    root = site({"stale.md": STALE})
    code, out, _ = run_cli("check", "--select", "GL5", cwd=root)
    assert code == 1 and "GL501" in out and "(warning)" in out
    code, _, _ = run_cli("check", "--select", "GL5", "--fail-on", "error", cwd=root)
    assert code == 0
    code, _, _ = run_cli("check", "--select", "GL5", "--exit-zero", cwd=root)
    assert code == 0


def test_select_ignore_prefixes(site, run_cli):
    root = site({"bad.md": BAD_DATE, "stale.md": STALE})
    _, out, _ = run_cli(
        "check", "--select", "GL1,GL5", "--ignore", "GL101", "--format", "json", cwd=root
    )
    assert {d["code"] for d in json.loads(out)} == {"GL501"}
    _, out, _ = run_cli(
        "check",
        "--select",
        "GL5",
        "--ignore",
        "GL5",
        "--extend-select",
        "GL501",
        "--format",
        "json",
        cwd=root,
    )
    assert {d["code"] for d in json.loads(out)} == {"GL501"}


def test_unknown_code_is_usage_error(site, run_cli):
    root = site({"good.md": GOOD})
    code, _, err = run_cli("check", "--select", "GL777", cwd=root)
    assert code == 2 and "GL777" in err and "Traceback" not in err


def test_json_shape_is_exact(site, run_cli):
    root = site({"bad.md": BAD_DATE})
    _, out, _ = run_cli("check", "--select", "GL1", "--format", "json", cwd=root)
    data = json.loads(out)
    assert list(data[0]) == [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "code",
        "severity",
        "message",
    ]
    assert data[0] == {
        "path": "content/bad.md",
        "line": 6,
        "column": 16,
        "end_line": 6,
        "end_column": 26,
        "code": "GL101",
        "severity": "error",
        "message": "last_reviewed: '2026-13-01' is not a date; write YYYY-MM-DD",
    }


def test_github_annotations(site, run_cli):
    root = site({"bad.md": BAD_DATE})
    code, out, _ = run_cli("check", "--select", "GL1", "--format", "github", cwd=root)
    assert code == 1
    assert out.startswith(
        "::error file=content/bad.md,line=6,col=16,endLine=6,endColumn=26,title=GL101::GL101 "
    )


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
def test_exit_code_never_depends_on_format(site, run_cli, fmt):
    root = site({"bad.md": BAD_DATE})
    assert run_cli("check", "--select", "GL1", "--format", fmt, cwd=root)[0] == 1
    root2 = site({"bad.md": GOOD})
    assert run_cli("check", "--select", "GL1", "--format", fmt, cwd=root2)[0] == 0


def test_stdin_with_filename(site, run_cli):
    root = site({"good.md": GOOD})
    code, out, _ = run_cli(
        "check",
        "-",
        "--stdin-filename",
        "content/good.md",
        "--select",
        "GL1",
        input=BAD_DATE.encode(),
        cwd=root,
    )
    assert code == 1
    assert out.startswith("content/good.md:6:16: GL101")
    assert (root / "content" / "good.md").read_text() == GOOD  # nothing written


def test_config_unknown_key_is_exit_2(site, run_cli):
    root = site({"good.md": GOOD}, config="reveiw_max_age_days = 30\n")
    code, _, err = run_cli("check", cwd=root)
    assert code == 2
    assert "unknown key 'tool.guidelint.reveiw_max_age_days'" in err and "Traceback" not in err


def test_config_bad_value_is_exit_2(site, run_cli):
    root = site({"good.md": GOOD}, config='fail_on = "sometimes"\n')
    code, _, err = run_cli("check", cwd=root)
    assert code == 2 and "fail_on" in err and "expected one of error, warning, info" in err


def test_config_invalid_toml(site, run_cli):
    root = site({"good.md": GOOD}, config="select = [\n")
    code, _, err = run_cli("check", cwd=root)
    assert code == 2 and "invalid TOML" in err


def test_guidelint_toml_and_review_age(tmp_path, run_cli):
    (tmp_path / "guidelint.toml").write_text(
        f'[tool.guidelint]\nreview_max_age_days = 10\nschemas = "{(__import__("pathlib").Path(__file__).parents[1] / "schemas").as_posix()}"\n'
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "p.md").write_text(GOOD)
    code, out, _ = run_cli("check", "--select", "GL501", cwd=tmp_path)
    assert code == 1 and "24 days ago, over the review age of 10 days" in out


def test_severity_override_and_per_file_ignores(site, run_cli):
    root = site(
        {"bad.md": BAD_DATE, "stale.md": STALE},
        config='[tool.guidelint.severity]\nGL501 = "info"\n[tool.guidelint.per_file_ignores]\n"bad.md" = ["GL101"]\n',
    )
    code, out, _ = run_cli("check", "--select", "GL1,GL5", "--format", "json", cwd=root)
    data = json.loads(out)
    assert [(d["code"], d["severity"]) for d in data] == [("GL501", "info")]
    assert code == 0  # info never fails at the default fail_on = warning


def test_missing_content_root_and_missing_path(tmp_path, run_cli):
    code, _, err = run_cli("check", cwd=tmp_path)
    assert code == 2 and "content root 'content' does not exist" in err
    code, _, err = run_cli("check", "nope.md", cwd=tmp_path)
    assert code == 2 and "path 'nope.md' does not exist" in err


def test_content_root_that_is_a_file(tmp_path, run_cli):
    (tmp_path / "content").write_text("not a folder")
    code, _, err = run_cli("check", cwd=tmp_path)
    assert code == 2 and "is a file, not a folder" in err and "Traceback" not in err


def test_bad_today(site, run_cli):
    root = site({"good.md": GOOD})
    code, _, err = run_cli("check", "--today", "tomorrow", cwd=root)
    assert code == 2 and "YYYY-MM-DD" in err


def test_output_file_and_statistics(site, run_cli):
    root = site({"bad.md": BAD_DATE, "stale.md": STALE})
    code, out, _ = run_cli(
        "check", "--select", "GL1,GL5", "--statistics", "-o", "report.txt", cwd=root
    )
    assert code == 1 and out == ""
    report = (root / "report.txt").read_text()
    assert "GL101  invalid-front-matter-value" in report and "GL501  review-overdue" in report


def test_rules_and_rule_docs(run_cli, tmp_path):
    code, out, _ = run_cli("rules", cwd=tmp_path)
    assert code == 0
    assert any(line.startswith("GL101  invalid-front-matter-value") for line in out.splitlines())
    code, out, _ = run_cli("rules", "--format", "json", cwd=tmp_path)
    codes = [r["code"] for r in json.loads(out)]
    assert codes == sorted(codes) and "GL502" in codes
    code, out, _ = run_cli("rule", "gl101", cwd=tmp_path)
    assert (
        code == 0
        and out.startswith("GL101 invalid-front-matter-value")
        and "```markdown fail" in out
    )
    code, _, err = run_cli("rule", "GL000", cwd=tmp_path)
    assert code == 2 and "no rule GL000" in err


def test_other_files_still_checked_after_an_input_error(site, run_cli):
    root = site({"a-binary.md": b"\x00\x01", "b.md": BAD_DATE})
    _code, out, _ = run_cli("check", "--select", "GL1,GL9", "--format", "json", cwd=root)
    assert sorted(d["code"] for d in json.loads(out)) == ["GL101", "GL903"]


def test_files_outside_the_content_root_get_a_note(site, run_cli, tmp_path_factory):
    root = site({"good.md": GOOD})
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "page.md").write_text(GOOD.replace("[other]", "[other]") + "\n[gone](nope.md)\n")
    _code, out, err = run_cli("check", "--select", "GL1,GL3", str(elsewhere / "page.md"), cwd=root)
    assert "1 file(s) are outside the content root 'content'" in err
    assert "GL301" not in out  # link rules need the site


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_schema_broken_after_a_warm_run_is_exit_2(site, run_cli, run_cli_proc, tmp_path, jobs):
    """Schemas load when first needed; a broken one is still exit 2, never GL900 on every page,
    even when the cache and the site snapshot hold results from before it broke."""
    import shutil

    shutil.copytree(REPO / "schemas", tmp_path / "my-schemas")
    pages = {f"p{i:02d}.md": GOOD for i in range(20)}  # enough pages for the process pool with -j 2
    root = site(pages)
    (root / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\nschemas = "my-schemas"\n'
    )
    run_cli = run_cli_proc if jobs == "2" else run_cli  # a worker pool: a real process
    first, _out, err = run_cli("check", "-j", jobs, cwd=root)
    assert first in (0, 1) and "Traceback" not in err
    (tmp_path / "my-schemas" / "guide.schema.json").write_text("{ not json")
    code, out, err = run_cli("check", "-j", jobs, cwd=root)
    assert code == 2 and "guide.schema.json" in err and "cannot read schema" in err
    assert "Traceback" not in err and "GL900" not in out


def test_missing_schemas_folder_is_exit_2(site, run_cli):
    root = site({"good.md": GOOD})
    (root / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\nschemas = "nope"\n'
    )
    code, out, err = run_cli("check", "--no-cache", cwd=root)
    assert code == 2 and "schemas directory" in err and "does not exist" in err
    assert "Traceback" not in err and out == ""


def test_rules_and_the_pipeline_import_the_heavy_libraries_only_when_used():
    """markdown-it parses pages, jsonschema checks schemas and front matter, guidelint.external
    requests URLs: importing the pipeline and listing the rules needs none of them."""
    import subprocess
    import sys

    code = (
        "import sys; from guidelint import runner; from guidelint.registry import all_rules; all_rules(); "
        "print(sorted(m for m in ('markdown_it', 'jsonschema', 'guidelint.external') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
