"""The site's own regular expressions (its claims packs' ``re:`` parts and ``applies_to``, its
schemas' ``pattern`` and ``patternProperties``) run with the ``regex`` module within a time budget
per page: a polynomial expression on a long text stops, counts as no match, and is reported
(GL912) with its file and line and the page line; the run returns. No timed assertions: each test
asserts the finding and that the command returned."""

import json
import re

import pytest
import yaml
from conftest import REPO, write_site

from guidelint import saferegex
from guidelint.claims import Engine, load_pack
from guidelint.claims.integration import bound_user_patterns
from guidelint.claims.pack import builtin_pack_paths

# polynomial, and not refused when the pack or schema loads: each \1 makes regex's own guards give
# up, so it backtracks (Python's re took over a minute on 1,800 characters)
SLOW = r".*(a|b).*\1.*\1\d"
LONG = "ab" * 900  # 1,800 characters

PACK = """\
pack: site
rules:
  - code: XX401
    name: slow-rule
    policy: P1
    severity: error
    summary: A slow rule
    claims: ['re:{slow}']
    message: m
    suggestion: s
    why: w
    examples: {{ok: ["Widgets are not required."], violation: ["aaa1"]}}
"""


def _check(run_cli, root, *args):
    code, out, err = run_cli("check", "--format", "json", "--no-cache", *args, cwd=root)
    assert "Traceback" not in err, err
    return code, json.loads(out)


def test_a_slow_pack_pattern_on_a_long_sentence_is_stopped_and_reported(tmp_path, run_cli):
    fm = "---\ntitle: A page\ntype: guide\n---\n\n# A page\n\n"
    page = fm + "Note aaa1 first.\n\nText " + LONG + ".\n\nAfter aaa2.\n"
    write_site(tmp_path, {"page.md": page}, '[tool.guidelint.claims]\npacks = ["pack.yaml"]\n')
    (tmp_path / "pack.yaml").write_text(PACK.format(slow=SLOW))
    assert load_pack(tmp_path / "pack.yaml")  # the shape check lets it through
    code, found = _check(run_cli, tmp_path, "--select", "XX,GL9")
    assert code == 1
    assert [d["line"] for d in found if d["code"] == "XX401"] == [8]  # before the long one
    slow = [d for d in found if d["code"] == "GL912"]
    assert slow[0]["line"] == 10 and "ran out of time" in slow[0]["message"]
    assert "pack.yaml:3" in slow[0]["message"] and SLOW in slow[0]["message"]
    # the page's time is spent: the expression is skipped from there on (the claim on line 12
    # is not found), and no other finding says so: this one did
    assert len(slow) == 1


def test_a_slow_schema_pattern_on_a_long_value_is_stopped_and_reported(tmp_path, run_cli):
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    for src in (REPO / "schemas").glob("*.json"):
        (schemas / src.name).write_text(src.read_text())
    guide = json.loads((schemas / "guide.schema.json").read_text())
    guide["properties"]["description"] = {"type": "string", "pattern": SLOW}
    (schemas / "guide.schema.json").write_text(json.dumps(guide, indent=2))
    line = next(
        i
        for i, text in enumerate((schemas / "guide.schema.json").read_text().splitlines(), 1)
        if json.dumps(SLOW) in text
    )
    page = f"---\ntitle: A page\ntype: guide\ndescription: {LONG}\n---\n\n# A page\n\nText.\n"
    write_site(tmp_path, {"page.md": page})
    (tmp_path / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\nschemas = "schemas"\n'
    )
    code, found = _check(run_cli, tmp_path, "--select", "GL1,GL9")
    assert code == 1
    slow = [d for d in found if d["code"] == "GL912"]
    assert [d["line"] for d in slow] == [4]  # the description key
    assert f"guide.schema.json:{line}" in slow[0]["message"]
    assert not [d for d in found if d["code"] == "GL101"]  # not a wrong verdict on the value
    # a short value is still checked by the same pattern
    (tmp_path / "content" / "page.md").write_text(page.replace(LONG, "no digits here"))
    code, found = _check(run_cli, tmp_path, "--select", "GL1,GL9")
    assert [d["line"] for d in found if d["code"] == "GL101"] == [4]
    assert not [d for d in found if d["code"] == "GL912"]


def test_a_slow_pattern_property_is_reported_not_taken_for_an_unknown_key(tmp_path):
    from jsonschema import Draft202012Validator

    schema = {
        "type": "object",
        "patternProperties": {SLOW: {"type": "string"}, "^x-": {"type": "integer"}},
        "additionalProperties": False,
    }
    validator = saferegex.bounded_validator(Draft202012Validator)(schema)
    saferegex.CLOCK.start_page()
    errors = list(validator.iter_errors({LONG: "v", "x-a": 1, "other": 2}))
    # the long key ran out of the page's time; after it no pattern runs on this page, so no
    # key can be called unknown (no additionalProperties error): no verdict, rather than a wrong one
    assert {e.validator for e in errors} == {saferegex.TIMED_OUT}
    assert (LONG,) in {tuple(e.path) for e in errors}
    events = saferegex.CLOCK.take()
    assert events and not events[0].skipped and events[0].pattern == SLOW
    saferegex.CLOCK.start_page()  # a new page: short keys are matched, "other" is unknown
    errors = list(validator.iter_errors({"aaa1": "v", "x-a": 1, "other": 2}))
    assert [e.message for e in errors] == [
        "'other' does not match any of the regexes: '.*(a|b).*\\\\1.*\\\\1\\\\d', '^x-'"
    ]


@pytest.mark.parametrize(
    "schema,instance",
    [
        (
            {"patternProperties": {"^a": {"type": "string"}}, "additionalProperties": False},
            {"ab": 1, "b": 2},
        ),
        (
            {"patternProperties": {"^a": {}}, "additionalProperties": {"type": "integer"}},
            {"ab": "x", "b": "y"},
        ),
        (
            {
                "properties": {"b": {}},
                "patternProperties": {"c$": {}},
                "additionalProperties": False,
            },
            {"b": 1, "xc": 2, "d": 3, "e": 4},
        ),
        ({"pattern": "^[a-z]+$"}, "Abc"),
        ({"pattern": "b"}, "abc"),
    ],
)
def test_bounded_keywords_give_jsonschemas_errors(schema, instance):
    from jsonschema import Draft202012Validator

    saferegex.CLOCK.start_page()
    plain = [
        (e.validator, e.message, tuple(e.path))
        for e in Draft202012Validator(schema).iter_errors(instance)
    ]
    bounded = saferegex.bounded_validator(Draft202012Validator)(schema)
    assert [(e.validator, e.message, tuple(e.path)) for e in bounded.iter_errors(instance)] == plain


def test_bounded_gives_re_results():
    saferegex.CLOCK.start_page()
    text = "Certified MAs must re-certify; some don't. CMA (AAMA) or RMA? 2024: $40,000."
    for pattern, flags in [
        (r"\b\w+\b", 0),
        (r"(?<![\w$])cma\b", re.IGNORECASE),
        (r"(?P<N>not|n't)\s+\w+", 0),
        (r"\$\d[\d,]*", 0),
        (r"^\w+", re.MULTILINE),
        (r"(?:a|b)?", 0),
    ]:
        rx = saferegex.Bounded(pattern, flags, "x")
        plain = re.compile(pattern, flags)
        assert [m.span() for m in rx.finditer(text)] == [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in rx.finditer(text, 5, 40)] == [
            m.span() for m in plain.finditer(text, 5, 40)
        ]
        for pos in (0, 10, 43):
            a, b = rx.search(text, pos), plain.search(text, pos)
            assert (a and (a.span(), a.groupdict())) == (b and (b.span(), b.groupdict()))
            a, b = rx.match(text, pos), plain.match(text, pos)
            assert (a and a.span()) == (b and b.span())
    assert not saferegex.CLOCK.take()


def test_the_shipped_pack_finds_the_same_with_every_pattern_bounded():
    """The regex module in place of re for every expression of the built-in pack: the same
    matches on every example of the pack (the built-in pack keeps re; this checks the engines
    agree on the expressions a pack is made of)."""
    [path] = builtin_pack_paths()
    plain = Engine([load_pack(path)])
    pack = load_pack(path)
    assert bound_user_patterns(pack, everything=True) > 200
    bounded = Engine([pack])
    saferegex.CLOCK.start_page()
    sentences = [
        s
        for r in [*plain.rules, *plain.figure_rules]
        for s in (*r.examples.ok, *r.examples.violation)
    ]
    # and the real sentences of the labelled corpus
    rows = yaml.safe_load((REPO / "tests" / "claims" / "real" / "dev.yaml").read_text())
    sentences += [r["text"] for r in (rows if isinstance(rows, list) else rows["rows"])]
    assert len(sentences) > 1000
    for s in sentences:
        saferegex.CLOCK.start_page()  # a second for each sentence: a busy machine stays in it
        assert [m.describe() for m in bounded.check(s)] == [m.describe() for m in plain.check(s)], s
        assert not saferegex.CLOCK.take()
