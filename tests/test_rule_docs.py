"""Every rule's documented examples are executed: failing examples must trigger the rule,
passing examples must not."""

import pytest

from guidelint.registry import all_rules
from guidelint.testing import run_example

CASES = [(rule.code, i, ex) for rule in all_rules() for i, ex in enumerate(rule.examples())]


@pytest.mark.parametrize(
    "code,index,example", CASES, ids=[f"{c}-{i}-{e.verdict}" for c, i, e in CASES]
)
def test_documented_example(code, index, example):
    found = run_example(code, example)
    if example.verdict == "fail":
        assert found, f"{code} example {index} should fail but produced no {code} finding"
    else:
        assert not found, (
            f"{code} example {index} should pass but produced: {[d.message for d in found]}"
        )


def test_rules_with_checks_document_examples():
    for rule in all_rules():
        if rule.scope in ("page", "site"):
            verdicts = {e.verdict for e in rule.examples()}
            assert verdicts == {"pass", "fail"}, (
                f"{rule.code} needs a passing and a failing example"
            )


def test_codes_and_names_unique():
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def test_every_rule_holds_its_logic_or_names_the_stage_that_emits_it():
    """A rule module either checks (check / check_site) or says plainly which stage makes its
    findings, and that stage exists: `guidelint rule CODE` prints it."""
    import importlib

    from guidelint.registry import Rule, all_rules

    for rule in all_rules():
        kind = type(rule)
        checks = kind.check is not Rule.check or kind.check_site is not Rule.check_site
        if checks:
            assert rule.emitted_by is None, rule.code
            continue
        assert rule.emitted_by, f"{rule.code} neither checks nor names the stage that emits it"
        for where in rule.emitted_by.split(" and "):
            dotted = where.split(" (")[0].split(",")[0].strip()
            module, _, function = dotted.rpartition(".")
            assert hasattr(importlib.import_module(module), function), (rule.code, dotted)
