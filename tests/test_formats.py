"""Machine formats (SARIF, JUnit, JSON, GitHub), --output-file, --statistics, --exit-zero, and
exit codes that never depend on --format."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SARIF_SCHEMA = (
    Path(__file__).resolve().parents[2] / "shared" / "schemas" / "sarif-schema-2.1.0.json"
)
FORMATS = ["text", "json", "github", "sarif", "junit"]

OLD = (
    "---\ntitle: An old page\nlast_reviewed: 2019-01-15\n---\n\n# An old page\n\n"
    "Café menu: ünïcode before the problem.\n"
)
FRESH = "---\ntitle: A fresh page\nlast_reviewed: 2026-11-01\n---\n\n# A fresh page\n"


@pytest.fixture
def two_pages(site):
    return site({"old.md": OLD, "sub dir/fresh.md": FRESH})


def test_sarif_is_valid_against_the_official_schema(two_pages, run_cli):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(
            f"SARIF 2.1.0 schema not found at {SARIF_SCHEMA} (expected ../shared/schemas beside the clone)"
        )
    import jsonschema

    code, out, err = run_cli("check", "--select", "GL5,GL95", "--format", "sarif")
    assert code == 1, err
    doc = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert "GL501" in ids and "GL950" in ids
    gl501 = rules[ids.index("GL501")]
    assert gl501["name"] == "review-overdue"
    assert gl501["defaultConfiguration"]["level"] == "warning"
    assert gl501["shortDescription"]["text"] and "What it checks" in gl501["help"]["text"]
    [result] = run["results"]
    assert result["ruleId"] == "GL501" and ids[result["ruleIndex"]] == "GL501"
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "content/old.md"
    assert loc["region"] == {"startLine": 3, "startColumn": 16, "endLine": 3, "endColumn": 26}


def test_sarif_empty_run_and_odd_paths_are_valid(two_pages, run_cli, tmp_path):
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF 2.1.0 schema not found at {SARIF_SCHEMA}")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    code, out, _ = run_cli(
        "check", "content/sub dir/fresh.md", "--select", "GL5", "--format", "sarif"
    )
    assert code == 0
    validator.validate(json.loads(out))
    (tmp_path / "content" / "sub dir" / "fresh.md").write_text(
        FRESH + "\n<!-- guidelint-disable-file GL501 -- x -->\n", encoding="utf-8"
    )
    code, out, _ = run_cli(
        "check", "content/sub dir/fresh.md", "--select", "GL5,GL95", "--format", "sarif"
    )
    doc = json.loads(out)
    validator.validate(doc)
    [result] = doc["runs"][0]["results"]
    assert (
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        == "content/sub%20dir/fresh.md"
    )
    assert (
        result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == ""
    )


def test_junit_is_well_formed(two_pages, run_cli):
    code, out, _ = run_cli("check", "--select", "GL5", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out.encode("utf-8"))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    cases = suite.findall("testcase")
    assert sorted(c.get("name") for c in cases) == ["content/old.md", "content/sub dir/fresh.md"]
    assert suite.get("tests") == "2" and suite.get("failures") == "1"
    failing = [c for c in cases if c.find("failure") is not None]
    [case] = failing
    [failure] = case.findall("failure")
    assert failure.get("type") == "GL501" and "content/old.md:3:16" in failure.text


@pytest.mark.parametrize("fmt", FORMATS)
def test_exit_code_never_depends_on_format(two_pages, run_cli, fmt):
    assert run_cli("check", "--select", "GL5", "--format", fmt)[0] == 1
    assert run_cli("check", "--select", "GL5", "--format", fmt, "--exit-zero")[0] == 0
    assert (
        run_cli("check", "--select", "GL5", "--format", fmt, "--fail-on", "error")[0] == 0
    )  # GL501 is a warning
    assert run_cli("check", "content/sub dir/fresh.md", "--select", "GL5", "--format", fmt)[0] == 0
    assert run_cli("check", "--select", "GL5", "--format", fmt, "--statistics")[0] == 1
    assert run_cli("check", "--select", "NOPE", "--format", fmt)[0] == 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file(two_pages, run_cli, tmp_path, fmt):
    target = tmp_path / "report.out"
    code, out, _ = run_cli(
        "check", "--select", "GL5", "--format", fmt, "--output-file", str(target)
    )
    assert code == 1 and out == ""
    text = target.read_text(encoding="utf-8")
    assert "GL501" in text


def test_statistics_text_and_machine_formats(two_pages, run_cli):
    code, out, err = run_cli("check", "--select", "GL5", "--statistics")
    assert code == 1 and "1  GL501  review-overdue" in out
    code, out, err = run_cli("check", "--select", "GL5", "--statistics", "--format", "json")
    assert code == 1 and json.loads(out)[0]["code"] == "GL501"  # stdout stays machine-readable
    assert "GL501" in err


def test_github_annotations(two_pages, run_cli):
    code, out, _ = run_cli("check", "--select", "GL5", "--format", "github")
    assert code == 1
    assert out.startswith(
        "::warning file=content/old.md,line=3,col=16,endLine=3,endColumn=26,title=GL501::GL501 "
    )
