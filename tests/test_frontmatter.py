"""Front-matter and input errors: exactly one diagnostic per problem, at the right place."""

import json
from pathlib import Path

import pytest

from guidelint.frontmatter import parse, split

FIXTURES = Path(__file__).parent / "fixtures" / "frontmatter"

# file -> the exact (line, column, code) of every diagnostic, nothing more
EXPECTED = {
    "many-errors.md": [
        (2, 8, "GL101"),  # title too short
        (3, 14, "GL101"),  # description too short
        (5, 9, "GL101"),  # status: publish
        (6, 16, "GL101"),  # last_reviewed: 2026-13-01
        (7, 1, "GL103"),  # titel
        (9, 5, "GL102"),  # sources[0] has neither period nor accessed
        (11, 10, "GL101"),  # sources[0].url
        (12, 5, "GL102"),  # sources[1] has no publisher
        (16, 5, "GL101"),  # related[0]: not a slug
        (18, 5, "GL101"),  # related[2] repeats related[1]
    ],
    "duplicate.md": [(1, 1, "GL102")] * 5 + [(4, 1, "GL104")],
    "broken-yaml.md": [(5, 1, "GL905")],
    "unterminated.md": [(1, 1, "GL906")],
    "missing-type.md": [(1, 1, "GL102")],
    "unknown-type.md": [(3, 7, "GL105")],
    "not-mapping.md": [(2, 1, "GL101")],
    "latin1.md": [(2, 11, "GL902")],
    "binary.md": [(4, 1, "GL903")],
    "empty.md": [(1, 1, "GL904")],
    "bom-crlf.md": [(3, 7, "GL105")],
    "alias-bomb.md": [(2, 57, "GL907")],
    "python-tag.md": [(2, 8, "GL905")],
}


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    """One run of the command line over every fixture page (each page is analysed on its own, so
    one run gives each page's findings as sixteen runs would, in a sixteenth of the time)."""
    from conftest import run_cli_in_process

    code, out, err = run_cli_in_process(
        "check",
        "--config",
        str(Path(__file__).parent.parent / "pyproject.toml"),
        "--select",
        "GL1,GL5,GL9",
        "--format",
        "json",
        *(str(FIXTURES / name) for name in sorted(EXPECTED)),
        cwd=tmp_path_factory.mktemp("run"),
    )
    return code, json.loads(out), err


def test_fixture_run_fails_with_no_traceback(fixture_run):
    code, _found, err = fixture_run
    assert "Traceback" not in err
    assert code == 1


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_diagnostics(name, fixture_run):
    _code, found, _err = fixture_run
    mine = [(d["line"], d["column"], d["code"]) for d in found if Path(d["path"]).name == name]
    assert sorted(mine) == sorted(EXPECTED[name])


def test_messages_read_like_advice(run_cli):
    _code, out, _ = run_cli(
        "check",
        "--config",
        str(Path(__file__).parent.parent / "pyproject.toml"),
        "--select",
        "GL1",
        "--format",
        "json",
        str(FIXTURES / "many-errors.md"),
    )
    messages = {d["line"]: d["message"] for d in json.loads(out)}
    assert messages[6] == "last_reviewed: '2026-13-01' is not a date; write YYYY-MM-DD"
    assert "did you mean 'title'" in messages[7]
    assert "did you mean 'published'" in messages[5]
    assert "sources[1]" in messages[12] and "publisher" in messages[12]


def test_key_positions_for_nested_values():
    text = "---\ntitle: A\nsources:\n  - title: T\n    url: https://x.org\n---\n"
    sp = split(text.split("\n"))
    fm, findings = parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=100, max_bytes=10_000)
    assert findings == []
    assert fm.value_span(("sources", 0, "url")).line == 5
    assert fm.value_span(("sources", 0, "url")).column == 10
    assert fm.key_span(("sources", 0, "url")).column == 5
    assert fm.key_span(("sources",)).line == 3
    assert fm.data["sources"][0]["url"] == "https://x.org"


def test_dates_stay_text_and_bad_dates_do_not_raise():
    text = "---\nlast_reviewed: 2026-13-45\nok: 2026-01-02\n---\n"
    sp = split(text.split("\n"))
    fm, _findings = parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=100, max_bytes=10_000)
    assert fm.data == {"last_reviewed": "2026-13-45", "ok": "2026-01-02"}


def test_recursive_alias_is_reported_not_followed():
    text = "---\na: &a [1, *a]\n---\n"
    sp = split(text.split("\n"))
    fm, findings = parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=100, max_bytes=10_000)
    assert fm is None
    assert [f.code for f in findings] == ["GL907"]


def test_alias_bomb_stops_at_the_node_limit():
    lines = ["---", 'a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 12):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    lines.append("---")
    sp = split(lines)
    # 10^12 values if expanded; the builder counts values and stops at the limit
    fm, findings = parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=10_000, max_bytes=100_000)
    assert fm is None and findings[0].code == "GL907"
    assert "more than 10,000 values" in findings[0].message


def _schemas(folder: Path, page: dict, common: dict):
    from guidelint.schema import load_schemas

    folder.mkdir()
    (folder / "page.schema.json").write_text(json.dumps(page))
    (folder / "common.schema.json").write_text(json.dumps(common))
    return load_schemas(folder, refresh=True)


def _fm(data: dict):
    text = "---\n" + json.dumps(data) + "\n---\n"
    sp = split(text.split("\n"))
    return parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=1000, max_bytes=100_000)[0]


def test_a_schema_with_its_references_inlined_accepts_what_the_original_accepts(tmp_path):
    from guidelint.schema import validate

    common = {
        "$id": "https://x.test/common.schema.json",
        "$defs": {
            "name": {"type": "string", "minLength": 3},
            "names": {"type": "array", "items": {"$ref": "#/$defs/name"}},
        },
    }
    page = {
        "type": "object",
        "properties": {
            "type": {"const": "page"},
            "title": {
                "$ref": "common.schema.json#/$defs/name",
                "maxLength": 5,
            },  # a $ref beside another keyword
            "tags": {"$ref": "common.schema.json#/$defs/names"},
        },
        "additionalProperties": False,
    }
    schemas = _schemas(tmp_path / "schemas", page, common)
    assert "$ref" not in json.dumps(schemas.quick["page"].schema)
    for data in (
        {"type": "page", "title": "abcd", "tags": ["abc"]},
        {"type": "page", "title": "ab"},
        {"type": "page", "title": "abcdef"},
        {"type": "page", "tags": ["abc", "x"]},
        {"type": "page", "extra": 1},
        {"type": "page", "title": 5},
    ):
        original = list(schemas.validators["page"].iter_errors(data))
        assert schemas.quick["page"].is_valid(data) == (not original)
        assert [f.code for f in validate(_fm(data), schemas)] == (
            ["GL103"] if "extra" in data else ["GL101"] * len(original)
        )


def test_a_recursive_schema_is_validated_without_an_inlined_copy(tmp_path):
    from guidelint.schema import validate

    common = {
        "$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}}
    }
    page = {
        "type": "object",
        "properties": {
            "type": {"const": "page"},
            "tree": {"$ref": "common.schema.json#/$defs/node"},
        },
    }
    schemas = _schemas(tmp_path / "schemas", page, common)
    assert "page" not in schemas.quick
    assert validate(_fm({"type": "page", "tree": {"child": {"child": {}}}}), schemas) == []
    assert [
        f.code for f in validate(_fm({"type": "page", "tree": {"child": {"child": 3}}}), schemas)
    ] == ["GL101"]
