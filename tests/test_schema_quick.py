"""The fast front-matter check (guidelint.schema_quick) never says "valid" where jsonschema would
not, and says it for the pages of the real site (else it would save nothing)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from guidelint.config import builtin_schemas_dir
from guidelint.frontmatter import parse, split
from guidelint.schema import load_schemas, validate
from guidelint.schema_quick import compile_check

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = load_schemas(builtin_schemas_dir())


def _front_matter(path: Path):
    sp = split(path.read_text(encoding="utf-8").split("\n"))
    return parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=10_000, max_bytes=100_000)[0]


PAGES = [_front_matter(p) for p in sorted((REPO / "content").rglob("*.md"))]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from(
        [
            "",
            "x",
            "draft",
            "published",
            "guide",
            "hub",
            "2026-02-30",
            "2026-01-05",
            "https://www.bls.gov/ooh/",
            "certification",
            "Not A Slug",
            "May 2024",
            "A title long enough",
            "a" * 60,
            "a" * 200,
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["title", "publisher", "url", "period", "accessed", "extra"]),
            inner,
            max_size=5,
        ),
    ),
    max_leaves=12,
)


@st.composite
def mutated_pages(draw):
    """A real page's front matter with a few keys removed, replaced or added."""
    data = dict(draw(st.sampled_from(PAGES)).data)
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.sampled_from(sorted(data) + ["extra", "sources", "related", "status"]))
        action = draw(st.sampled_from(["drop", "set", "item"]))
        if action == "drop":
            data.pop(key, None)
        elif action == "item" and isinstance(data.get(key), list) and data[key]:
            items = list(data[key])
            items[draw(st.integers(0, len(items) - 1))] = draw(values)
            data[key] = items
        else:
            data[key] = draw(values)
    return data


def test_every_page_schema_compiles_and_passes_the_real_pages():
    assert sorted(SCHEMAS.fast) == SCHEMAS.types
    assert len(PAGES) >= 10
    for fm in PAGES:
        assert SCHEMAS.fast[fm.data["type"]](fm.data), fm.data.get("title")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pages())
def test_fast_check_never_accepts_what_jsonschema_rejects(data):
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in SCHEMAS.fast:
        return
    if SCHEMAS.fast[kind](data):
        assert not list(SCHEMAS.validators[kind].iter_errors(data))


EVERY_KEYWORD = {
    "type": "object",
    "required": ["a"],
    "properties": {
        "a": {"type": ["string", "null"], "minLength": 2, "maxLength": 5, "pattern": "^[a-z]+$"},
        "b": {"enum": ["x", "draft", 1, True, None]},
        "c": {"const": 1},
        "d": {
            "type": "array",
            "items": {"type": "string", "format": "date"},
            "minItems": 1,
            "maxItems": 2,
            "uniqueItems": True,
        },
        "e": {"type": "integer", "minimum": 0, "maximum": 2},
        "f": {"type": "number"},
        "g": {"anyOf": [{"type": "boolean"}, {"required": ["url"]}], "oneOf": [{"type": "object"}]},
        "h": {"allOf": [{"type": "array"}, {"uniqueItems": True}]},
    },
    "additionalProperties": {"type": "string"},
}


@settings(max_examples=600, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "c", "d", "e", "f", "g", "h", "z"]), values, max_size=6
    )
)
def test_every_supported_keyword_is_conservative(data):
    check = compile_check(EVERY_KEYWORD)
    assert check is not None
    validator = Draft202012Validator(
        EVERY_KEYWORD, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    if check(data):
        assert validator.is_valid(data), data


@pytest.mark.parametrize(
    "value, expected",
    [
        ({"a": "ab"}, True),
        ({"a": None}, True),
        ({}, False),
        ({"a": "a"}, False),
        ({"a": "AB"}, False),
        ({"a": "ab", "b": "draft"}, True),
        ({"a": "ab", "b": "nope"}, False),
        ({"a": "ab", "d": ["2026-01-05"]}, True),
        ({"a": "ab", "d": ["2026-02-30"]}, False),
        ({"a": "ab", "d": ["2026-01-05", "2026-01-05"]}, False),
        ({"a": "ab", "e": 2}, True),
        ({"a": "ab", "e": 3}, False),
        ({"a": "ab", "z": "text"}, True),
        ({"a": "ab", "z": 5}, False),
        # the subtle cases are left to jsonschema ("not sure"), even when they are valid
        ({"a": "ab", "b": True}, False),
        ({"a": "ab", "c": 1}, False),
        ({"a": "ab", "e": 1.0}, False),
    ],
)
def test_fast_check_answers(value, expected):
    assert compile_check(EVERY_KEYWORD)(value) is expected
    if expected:
        assert Draft202012Validator(
            EVERY_KEYWORD, format_checker=Draft202012Validator.FORMAT_CHECKER
        ).is_valid(value)


@pytest.mark.parametrize(
    "schema",
    [
        {"not": {"type": "string"}},
        {"format": "email"},
        {"$ref": "#/$defs/x"},
        {"prefixItems": [{"type": "string"}]},
        {"type": "bogus"},
        {"properties": {"a": {"if": {"type": "string"}}}},
    ],
)
def test_schemas_it_cannot_answer_for_are_not_compiled(schema):
    assert compile_check(schema) is None


def test_validate_still_explains_errors_the_fast_check_was_unsure_about():
    fm = next(fm for fm in PAGES if fm.data["type"] == "guide")
    bad = dict(fm.data, status="archived")
    assert not SCHEMAS.fast["guide"](bad)
    fm.data.clear()
    fm.data.update(bad)
    assert [f.code for f in validate(fm, SCHEMAS)] == ["GL101"]
