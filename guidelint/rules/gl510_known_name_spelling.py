"""GL510: names (organisations, credentials) spelt exactly, from data files and configuration."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from guidelint.diagnostics import Edit, Severity
from guidelint.registry import Rule, register

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "packs" / "names"


class NamesError(Exception):
    pass


@functools.lru_cache(maxsize=8)
def _load(files: tuple[str, ...], spellings: tuple[tuple[str, str], ...]):
    """(exact wrong form -> right name, right names whose other capitalisations are wrong)."""
    import yaml

    wrong: dict[str, str] = {}
    case_names: list[str] = []
    for file in files:
        try:
            data = yaml.safe_load(Path(file).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise NamesError(f"{file}: cannot read the name list: {exc}") from None
        for entry in data.get("names") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                raise NamesError(f"{file}: each entry of 'names' needs a 'name' (a string)")
            name = entry["name"]
            for bad in entry.get("misspellings") or []:
                wrong[str(bad)] = name
            if entry.get("match_case"):
                case_names.append(name)
    for bad, name in spellings:
        wrong[bad] = name
    forms = sorted(set(wrong) | set(case_names), key=len, reverse=True)
    if not forms:
        return wrong, frozenset(case_names), None
    pattern = re.compile(r"(?<![\w./@-])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w-]|\.\w)", re.IGNORECASE)
    return wrong, frozenset(case_names), pattern


def name_lists(config) -> tuple[str, ...]:
    files = []
    if config.get("names.builtin"):
        files += [str(p) for p in sorted(BUILTIN_DIR.glob("*.yaml"))]
    files += [str(config.resolve_path(f)) for f in config.get("names.files")]
    return tuple(files)


@register
class KnownNameSpelling(Rule):
    """A known name is misspelt.

    What it checks: prose, headings, list items and table cells against lists of names that
    must be spelt exactly (not inside a web or e-mail address such as ``abhes.org``): YAML files (``names:`` entries with ``name``, ``misspellings`` and
    ``match_case``; the built-in lists are in ``guidelint/packs/names/``, more with
    ``[tool.guidelint.names] files = [...]``) and a ``spellings`` table in the configuration
    (``"CAHEEP" = "CAAHEP"``). With ``match_case: true`` any other capitalisation of the name is
    wrong too ("ABHEs", "Caahep"). ``--fix`` corrects the spelling, except in headings (the
    heading's anchor would change; fix those by hand and update links to them).

    Why: a reader who searches for a misspelt accreditor or credential finds nothing, or finds
    something else; a misspelling also reads as carelessness on a page that asks to be trusted.

    ```markdown fail
    # Programs

    Look for programs accredited by CAHEEP or ABHEs.
    ```

    ```markdown pass
    # Programs

    Look for programs accredited by CAAHEP or ABHES.
    ```
    """

    code = "GL510"
    name = "known-name-spelling"
    summary = "A known name (an accreditor, a credential) is misspelt"
    severity = Severity.WARNING
    fixable = True

    def check(self, page, ctx):
        spellings = tuple(sorted(ctx.config.get("names.spellings").items()))
        wrong, case_names, pattern = _load(name_lists(ctx.config), spellings)
        if pattern is None:
            return
        by_fold = {n.casefold(): n for n in case_names}
        for block in page.blocks:
            for m in pattern.finditer(block.text):
                text = m.group(0)
                right = wrong.get(text) or by_fold.get(text.casefold())
                if right is None or right == text:
                    continue
                span = block.span(m.start(), m.end())
                fix = ()
                line = page.lines[span.line - 1] if span.line <= len(page.lines) else ""
                if (block.kind != "heading" and span.end_line == span.line
                        and line[span.column - 1 : span.end_column - 1] == text):
                    fix = (Edit(span, right),)
                where = " (in a heading: fix it by hand and update links to its anchor)" if block.kind == "heading" else ""
                yield self.finding(span, f"'{text}' should be spelt '{right}'{where}", fix)
