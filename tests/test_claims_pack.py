"""Claims packs: the shipped pack's examples, and validation errors with file and line."""

import pytest

from guidelint.claims import Engine, PackError, load_pack
from guidelint.claims.pack import builtin_pack_paths

ENGINE = Engine.load()
CASES = []
for r in [*ENGINE.rules, *ENGINE.figure_rules]:
    CASES += [(r.code, "ok", s) for s in r.examples.ok]
    CASES += [(r.code, "violation", s) for s in r.examples.violation]


def test_builtin_pack_loads_and_covers_every_policy():
    assert [p.name for p in builtin_pack_paths()] == ["medical-assistant.yaml"]
    codes = {r.code: r.policy for r in ENGINE.all_rules()}
    assert {f"GL40{i}" for i in range(1, 10)} <= set(codes)
    assert {codes[f"GL40{i}"] for i in range(1, 10)} == {f"P{i}" for i in range(1, 10)}
    assert "GL410" in codes and "GL420" in codes


@pytest.mark.parametrize(
    "code,verdict,sentence", CASES, ids=[f"{c}-{v}-{i}" for i, (c, v, _) in enumerate(CASES)]
)
def test_pack_examples(code, verdict, sentence):
    found = {m.code for m in ENGINE.check(sentence)}
    if verdict == "violation":
        assert code in found, f"{code} should flag: {sentence}"
    else:
        assert code not in found, f"{code} should not flag: {sentence}"


def test_every_rule_has_examples_and_texts():
    for r in [*ENGINE.rules, *ENGINE.figure_rules]:
        assert r.examples.ok and r.examples.violation, r.code
        assert r.message and r.suggestion and r.why and r.summary


MINIMAL = """\
pack: tiny
rules:
  - code: XX401
    name: tiny-rule
    policy: P1
    severity: error
    summary: s
    subjects: ["widget*"]
    claims: ["{subject} (is|are) _ required"]
    message: m
    suggestion: s
    why: w
    examples: {ok: ["Widgets are not required."], violation: ["Widgets are required."]}
"""


def _write(tmp_path, text, name="pack.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_minimal_pack_works(tmp_path):
    eng = Engine([load_pack(_write(tmp_path, MINIMAL))])
    assert [m.code for m in eng.check("Widgets are required.")] == ["XX401"]
    assert eng.check("Widgets are not required.") == []
    assert eng.check("Widgets aren't really required.") == []


@pytest.mark.parametrize(
    "mutate,line,needle",
    [
        (lambda t: t.replace("rules:\n", "rules:\n  - [unclosed\n"), 4, "invalid YAML"),
        (
            lambda t: t.replace("    why: w\n", "    why: w\n    colour: red\n"),
            13,
            "unknown key 'colour'",
        ),
        (
            lambda t: t.replace(
                'claims: ["{subject} (is|are) _ required"]', "claims:\n      - 're:(unclosed'"
            ),
            10,
            "bad regular expression",
        ),
        (
            lambda t: t.replace(
                'claims: ["{subject} (is|are) _ required"]', 'claims: ["(is|are required"]'
            ),
            9,
            "missing ')'",
        ),
        (
            lambda t: t.replace(
                'claims: ["{subject} (is|are) _ required"]', 'claims: ["{nosuch} required"]'
            ),
            9,
            "unknown term list",
        ),
        (lambda t: t.replace("severity: error", "severity: fatal"), 6, "severity"),
        (lambda t: t.replace("name: tiny-rule", "name: Tiny Rule"), 4, "kebab-case"),
        (lambda t: t.replace("    message: m\n", ""), 3, "missing required key 'message'"),
        (lambda t: t.replace("code: XX401", "code: 401"), 3, "code"),
        (lambda t: t + "  - {code: XX401}\n", 14, "missing required key"),
    ],
)
def test_pack_errors_have_file_and_line(tmp_path, mutate, line, needle):
    path = _write(tmp_path, mutate(MINIMAL))
    with pytest.raises(PackError) as info:
        load_pack(path)
    err = info.value
    assert err.path == str(path)
    assert err.line == line, str(err)
    assert str(err).startswith(f"{path}:{line}: ")
    if needle:
        assert needle in str(err)


def test_duplicate_code_across_packs(tmp_path):
    a = load_pack(_write(tmp_path, MINIMAL, "a.yaml"))
    b = load_pack(_write(tmp_path, MINIMAL, "b.yaml"))
    with pytest.raises(PackError, match="defined twice"):
        Engine([a, b])


def test_missing_file_and_empty_file(tmp_path):
    with pytest.raises(PackError, match="cannot read"):
        load_pack(tmp_path / "nope.yaml")
    with pytest.raises(PackError, match="empty"):
        load_pack(_write(tmp_path, ""))


def test_disable_and_severity_override(tmp_path):
    path = _write(tmp_path, MINIMAL)
    eng = Engine.load([path], builtin=False, disabled={"XX401"})
    assert eng.check("Widgets are required.") == []
    eng = Engine.load([path], builtin=False, severities={"XX401": "info"})
    assert eng.check("Widgets are required.")[0].severity == "info"
    with pytest.raises(PackError):
        Engine.load([path], builtin=False, severities={"XX401": "loud"})
    both = Engine.load([path])
    assert {"XX401", "GL401"} <= {r.code for r in both.all_rules()}


def test_regexes_are_compiled_on_first_use(tmp_path):
    """Loading a pack checks every pattern but compiles only those with raw ``re:`` parts (so a run
    that checks no page compiles nothing more); checking a sentence compiles what it uses."""
    text = MINIMAL.replace(
        'claims: ["{subject} (is|are) _ required"]',
        'claims: ["{subject} (is|are) _ required", "re:widgets galore"]',
    )
    pack = load_pack(_write(tmp_path, text))
    claims = pack.rules[0].claims
    assert [c.regex._compiled is not None for c in claims] == [False, True]
    engine = Engine([pack])
    assert [m.code for m in engine.check("Widgets are required.")] == ["XX401"]
    assert claims[0].regex._compiled is not None


def test_raw_term_that_breaks_a_pattern_is_an_error_at_load(tmp_path):
    text = MINIMAL.replace("rules:\n", "terms:\n  thing: ['re:(?i)widgets?']\nrules:\n")
    text = text.replace(
        'claims: ["{subject} (is|are) _ required"]', 'claims: ["the {thing} (is|are) required"]'
    )
    with pytest.raises(PackError, match="compiles to an invalid regex") as info:
        load_pack(_write(tmp_path, text))
    assert info.value.line == 11


PRESUPPOSING = """\
pack: tiny
rules:
  - code: XX401
    name: widget-licence
    policy: P1
    severity: error
    summary: s
    subjects: ["widget*"]
    claims: ["{subject} (is|are) _ licensed"]
    presuppositions: ["licensed widget*", "(which|what) licence _2 widget*"]
    message: m
    suggestion: s
    why: w
    examples: {ok: ["Widgets are not licensed."], violation: ["Widgets are licensed."]}
  - code: XX402
    name: any-licence
    policy: P1
    severity: error
    summary: s
    claims: ["renew your licence"]
    defers_to: [XX401]
    message: m
    suggestion: s
    why: w
    examples: {ok: ["Renew your passport."], violation: ["Renew your licence."]}
"""


def test_presuppositions_count_in_questions_and_defers_to(tmp_path):
    eng = Engine([load_pack(_write(tmp_path, PRESUPPOSING))])

    def found(s):
        return [m.code for m in eng.check(s)]

    # a question asserts nothing ...
    assert found("Are widgets licensed?") == []
    # ... except what its presupposition triggers take for granted
    assert found("How much do licensed widgets cost?") == ["XX401"]
    assert found("Which licence does a widget need?") == ["XX401"]
    # a question clause followed by its answer asserts only its presuppositions
    assert found("Are widgets licensed? No, they are not.") == []
    assert found("Are licensed widgets common? Not really.") == ["XX401"]
    # a rule that defers to another stays silent where that one matches
    assert found("Renew your licence.") == ["XX402"]
    assert found("Renew your licence: licensed widgets must.") == ["XX401"]
    assert eng.codes_needed(frozenset({"XX402"})) is None  # XX402 needs XX401 checked too


def test_defers_to_must_be_a_list(tmp_path):
    bad = PRESUPPOSING.replace("defers_to: [XX401]", "defers_to: XX401")
    with pytest.raises(PackError, match="defers_to"):
        load_pack(_write(tmp_path, bad))
