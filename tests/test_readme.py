"""The README is the front door: it must stay true as features land."""

import re
from pathlib import Path

import click

from guidelint.cli import cli
from guidelint.registry import all_rules

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
# the reference pages the README links to (docs/): configuration keys and the pack format live there
CONFIG_DOC = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
CLAIMS_DOC = (REPO / "docs" / "claims.md").read_text(encoding="utf-8")


def _table_from_registry() -> str:
    rows = ["| code | name | severity | fix | summary |", "|---|---|---|---|---|"]
    for r in all_rules():
        rows.append(
            f"| {r.code} | {r.name} | {r.severity.value} | {'yes' if r.fixable else ''} | {r.summary} |"
        )
    return "\n".join(rows)


def test_rule_table_matches_registry():
    m = re.search(r"<!-- rules-table:start -->\n(.*?)\n<!-- rules-table:end -->", README, re.S)
    assert m, "README lacks the rules table markers"
    assert m.group(1).strip() == _table_from_registry(), (
        "README rule table is stale: regenerate it with `guidelint rules --format markdown`"
    )


def _commands(group: click.Group, prefix=""):
    for name, cmd in group.commands.items():
        yield prefix + name, cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + name + " ")


def test_every_command_and_option_is_documented():
    missing = []
    for name, cmd in _commands(cli):
        if f"guidelint {name}" not in README:
            missing.append(f"command 'guidelint {name}'")
        for param in cmd.params:
            if isinstance(param, click.Option):
                for opt in param.opts + param.secondary_opts:
                    if (
                        opt.startswith("--")
                        and opt not in ("--help",)
                        and f"`{opt}" not in README
                        and f" {opt}" not in README
                    ):
                        missing.append(f"{name} {opt}")
    assert not missing, "undocumented in README: " + ", ".join(missing)


def test_readme_commands_exist():
    # the two commands at the top of the README
    assert "pip install -e '.[test]' && guidelint check" in README
    assert "python -m pytest" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert "python -m pytest" in ci


def test_readme_pack_example_loads_and_its_examples_hold(tmp_path):
    """The rule pack shown in the README is real: it loads, and its own examples pass."""
    from guidelint.claims import Engine

    m = re.search(r"A pack is a YAML file.*?```yaml\n(.*?)```", CLAIMS_DOC, re.S)
    assert m
    pack = tmp_path / "our-claims.yaml"
    pack.write_text(m.group(1), encoding="utf-8")
    engine = Engine.load([pack], builtin=False)
    assert [x.code for x in engine.check("You must be certified to work.")] == ["GL401"]
    assert engine.check("Certification is not required by law.") == []
    assert engine.check("Many employers say certification is required.") == []


def test_every_configuration_key_is_documented():
    from guidelint.config import SPEC

    missing = []
    for key, value in SPEC.items():
        if isinstance(value, dict):
            if f"[tool.guidelint.{key}]" not in CONFIG_DOC:
                missing.append(f"[tool.guidelint.{key}]")
            missing += [f"{key}.{k}" for k in value if not re.search(rf"^{k} = ", CONFIG_DOC, re.M)]
        elif (
            not re.search(rf"^{key} = ", CONFIG_DOC, re.M)
            and f"[tool.guidelint.{key}]" not in CONFIG_DOC
        ):
            missing.append(key)
    assert not missing, "configuration keys missing from docs/configuration.md: " + ", ".join(
        missing
    )


def test_readme_stays_a_front_door():
    """The README is the user manual; reference material lives in docs/ (issue 19: <= 350 lines),
    and every docs page it links to exists."""
    assert README.count("\n") <= 350
    for target in re.findall(r"\]\((docs/[^)#]+|CONTRIBUTING\.md|CHANGELOG\.md|LICENSE)", README):
        assert (REPO / target).exists(), target
