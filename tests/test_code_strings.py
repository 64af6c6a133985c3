"""A rule's code is written once, in its rule module: stages and the engine use the rule's
``CODE`` constant or its builder functions, never the code as a string of their own.

The scan reads every string literal of ``guidelint/`` outside ``guidelint/rules/`` (docstrings
aside: they document) and fails on any that holds a code such as ``GL902``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "guidelint"
CODE = re.compile(r"\bGL\d{3}\b")

# A code shown to a user as an example of how to write one (in help or an error message about
# the syntax), not as the code of a finding.
EXAMPLES = {
    ("claims/pack.py", "GL401"),  # "code ... (e.g. GL401)"
    ("config.py", "GL401"),  # "is not a rule code or prefix (such as GL4 or GL401)"
    ("cli.py", "GL401"),  # --select's help: "(GL4, GL401)"
    ("cli.py", "GL310"),  # --check-external's help names the rule it turns on
}

# Left to convert: none (the engine's stages call the rules' builders; `init` uses GL106's CODE).
PENDING: dict[str, set[str]] = {}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def code_strings(package: Path) -> list[tuple[str, int, str]]:
    """(path below ``package``, line, code) for every code in a non-docstring string literal
    outside ``rules/``."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel.startswith("rules/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ):
                out.extend((rel, node.lineno, code) for code in CODE.findall(node.value))
    return out


def test_no_code_string_outside_its_rule():
    stray = [
        (rel, line, code)
        for rel, line, code in code_strings(PACKAGE)
        if (rel, code) not in EXAMPLES and code not in PENDING.get(rel, ())
    ]
    assert stray == [], "use the rule module's CODE constant or builder instead"


def test_every_allowance_is_still_needed():
    found = {(rel, code) for rel, _line, code in code_strings(PACKAGE)}
    allowed = EXAMPLES | {(rel, code) for rel, codes in PENDING.items() for code in codes}
    assert allowed - found == set()


def test_the_scan_finds_a_code_string_and_skips_docstrings_and_rules(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "gl902_x.py").write_text('CODE = "GL902"\n', encoding="utf-8")
    (tmp_path / "stage.py").write_text(
        '"""Mentions GL903 in a docstring."""\n'
        "def f():\n"
        '    """And GL904 here."""\n'
        "    # a comment on GL905\n"
        '    return Finding("GL906", span, f"see {x} and GL907")\n',
        encoding="utf-8",
    )
    assert code_strings(tmp_path) == [("stage.py", 5, "GL906"), ("stage.py", 5, "GL907")]
