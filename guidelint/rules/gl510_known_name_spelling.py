"""GL510: names (organisations, credentials) spelt exactly, from data files and configuration."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING

from guidelint.diagnostics import CheckedEdit, Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.config import Config
    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


BUILTIN_DIR = Path(__file__).resolve().parent.parent / "packs" / "names"


class NamesError(Exception):
    pass


def _load(
    files: tuple[str, ...], spellings: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], list[str]]:
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
    return wrong, case_names


def _pattern(forms: list[str]) -> re.Pattern[str]:
    """Any of ``forms`` as a word of its own (not inside a web or e-mail address), in any case."""
    # a lookahead for the forms' first characters lets the search skip most positions quickly
    firsts = "".join(sorted({re.escape(f[0]) for f in forms})) if all(forms) else None
    return re.compile(
        (f"(?=[{firsts}])" if firsts else "")
        + r"(?<![\w./@-])(?:"
        + "|".join(re.escape(f) for f in forms)
        + r")(?![\w-]|\.\w)",
        re.IGNORECASE,
    )


@functools.lru_cache(maxsize=8)
def _matcher(
    root: Path, builtin: bool, files: tuple[str, ...], spellings: tuple[tuple[str, str], ...]
) -> tuple[dict[str, str], dict[str, str], re.Pattern[str] | None, tuple[str, ...] | None]:
    """(exact wrong form -> right name, casefolded right name -> right name for names whose
    capitalisation matters, the pattern finding both, the forms in lower case if they are all
    ASCII), for one configuration's name lists."""
    paths = [str(p) for p in sorted(BUILTIN_DIR.glob("*.yaml"))] if builtin else []
    paths += [str((root / f).resolve()) for f in files]
    wrong, case_names = _load(tuple(paths), spellings)
    forms = sorted(set(wrong) | set(case_names), key=len, reverse=True)
    lowered = tuple(sorted({f.lower() for f in forms})) if all(f.isascii() for f in forms) else None
    return wrong, {n.casefold(): n for n in case_names}, _pattern(forms) if forms else None, lowered


def _absent(page: Page, lowered: tuple[str, ...] | None) -> bool:
    """True when no form can be on the page: its prose is ASCII and contains none of them in any
    case. (For ASCII text and forms, a case-insensitive match is a match of the lower-cased
    strings; one pass of ``in`` per form over the page costs a tenth of the pattern search.)"""
    if lowered is None:
        return False
    prose = "\n".join(block.text for block in page.blocks)
    if not prose.isascii():
        return False
    prose = prose.lower()
    return not any(form in prose for form in lowered)


def _matcher_for(
    config: Config,
) -> tuple[dict[str, str], dict[str, str], re.Pattern[str] | None, tuple[str, ...] | None]:
    names = config.get("names")
    return _matcher(
        config.root,
        bool(names["builtin"]),
        tuple(names["files"]),
        tuple(sorted(names["spellings"].items())),
    )


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
    supersedes = ("GL411",)  # the claims pack's accreditor-misspelled, on the same span

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        wrong, by_fold, pattern, lowered = _matcher_for(ctx.config)
        if pattern is None or _absent(page, lowered):
            return
        for block in page.blocks:
            for m in pattern.finditer(block.text):
                text = m.group(0)
                right = wrong.get(text) or by_fold.get(text.casefold())
                if right is None or right == text:
                    continue
                span = block.span(m.start(), m.end())
                fix: tuple[CheckedEdit, ...] = ()
                line = page.lines[span.line - 1] if span.line <= len(page.lines) else ""
                if (
                    block.kind != "heading"
                    and span.end_line == span.line
                    and line[span.column - 1 : span.end_column - 1] == text
                ):
                    fix = (CheckedEdit(span, right, expect=text),)
                where = (
                    " (in a heading: fix it by hand and update links to its anchor)"
                    if block.kind == "heading"
                    else ""
                )
                yield self.finding(span, f"'{text}' should be spelt '{right}'{where}", fix)
