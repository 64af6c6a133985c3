"""Findings from JSON Schema errors, worded for a writer: they point at the offending key or
value, name the key path (``sources[0].url``) and say what to write instead. Each finding
carries the code of its rule (GL101 to GL105's modules)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from guidelint.finding import Finding
from guidelint.rules import gl101_invalid_value as invalid_value
from guidelint.rules import gl102_missing_key as missing_key
from guidelint.rules import gl103_unknown_key as unknown_key
from guidelint.rules import gl105_page_type as page_type

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import ValidationError

    from guidelint.frontmatter import FrontMatter


def missing_type(fm: FrontMatter, types: list[str]) -> Finding:
    """Front matter without a ``type`` key (so no schema applies)."""
    return Finding(
        missing_key.CODE,
        fm.opening,
        f"missing required key 'type'; add 'type:' with one of {', '.join(types)}",
    )


def not_a_type(fm: FrontMatter, value: object, types: list[str]) -> Finding:
    """A ``type`` that names no page type of the schemas folder."""
    return Finding(
        page_type.CODE,
        fm.value_span(("type",)),
        f"type: {_show(value)} is not a page type; use one of "
        f"{', '.join(types)}{_suggest(value, types)}",
    )


def _suggest(word: object, choices: Iterable[object]) -> str:
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean '{match[0]}'?" if match else ""


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return repr(value)


_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty",
}


def _schema_description(error: ValidationError) -> str:
    desc = error.schema.get("description") if isinstance(error.schema, dict) else None
    return f" ({desc.rstrip('.')})" if desc else ""


def findings_for(
    error: ValidationError, path: tuple[str | int, ...], fm: FrontMatter
) -> list[Finding]:
    """The findings for one error of the validator, at key ``path`` of the front matter."""
    from guidelint.frontmatter import dotted  # (loaded with the page: not by a cached run)

    where = dotted(path) or "front matter"
    # (jsonschema types these "Unset" until the validator sets them, as it does on every error)
    kind: Any = error.validator
    value: Any = error.instance
    rule: Any = error.validator_value
    if kind == "required":
        missing = [k for k in rule if not isinstance(value, dict) or k not in value]
        out: list[Finding] = []
        for key in missing:
            span = fm.opening if not path else fm.key_span(path)
            desc = ""
            props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            sub = props.get(key, {})
            if isinstance(sub, dict) and sub.get("description"):
                desc = f" ({sub['description'].rstrip('.')})"
            target = f"'{key}'" if not path else f"'{key}' in {where}"
            out.append(
                Finding(missing_key.CODE, span, f"missing required key {target}{desc}; add it")
            )
        return out
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extras = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        return [
            Finding(
                unknown_key.CODE,
                fm.key_span(path + (k,)),
                f"unknown key '{dotted(path + (k,))}'{_suggest(k, allowed) or '; remove it'}"
                + ("" if _suggest(k, allowed) else f" (allowed: {', '.join(allowed)})"),
            )
            for k in extras
        ]
    if kind == "anyOf" and all(isinstance(s, dict) and set(s) == {"required"} for s in rule):
        options = [s["required"][0] for s in rule]
        return [
            Finding(
                missing_key.CODE,
                fm.key_span(path),
                f"{where} needs one of {' or '.join(repr(o) for o in options)}; "
                "'period' gives the reference period of its figures, 'accessed' the date you checked it",
            )
        ]
    if kind == "anyOf" and isinstance(value, dict):
        # a key required unless a condition holds, written as anyOf [{condition}, {"required": [k]}]
        # (the state schema: last_reviewed unless status is 'draft')
        alternatives = [s for s in rule if isinstance(s, dict)]
        plain = [s for s in alternatives if set(s) == {"required"}]
        missing = [k for s in plain for k in s["required"] if k not in value]
        unless = [
            f"{k} is {p['const']!r}"
            for s in alternatives
            if s not in plain
            for k, p in s.get("properties", {}).items()
            if isinstance(p, dict) and "const" in p
        ]
        if missing and unless and len(alternatives) == len(rule):
            span = fm.opening if not path else fm.key_span(path)
            return [
                Finding(
                    missing_key.CODE,
                    span,
                    f"missing required key '{missing[0]}' (needed unless {' or '.join(unless)}); "
                    "add it",
                )
            ]
    if kind == "uniqueItems" and isinstance(value, list):
        seen: dict[str, int] = {}
        out = []
        for i, item in enumerate(value):
            key = json.dumps(item, sort_keys=True, default=str)
            if key in seen:
                out.append(
                    Finding(
                        invalid_value.CODE,
                        fm.key_span(path + (i,)),
                        f"{dotted(path + (i,))}: {_show(item)} repeats {dotted(path + (seen[key],))}; "
                        "remove the repeat",
                    )
                )
            else:
                seen[key] = i
        return out
    span = fm.value_span(path)
    show = _show(value)
    if kind == "format" and rule == "date":
        msg = f"{where}: {show} is not a date; write YYYY-MM-DD"
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value)) if isinstance(value, str) else None
        if m and 1 <= int(m.group(2)) <= 12:  # the form is right, the day is not in that month
            msg = f"{where}: {show} is no such date (that month has fewer days); write a real YYYY-MM-DD date"
    elif kind in ("enum", "const"):
        choices = rule if kind == "enum" else [rule]
        msg = f"{where}: {show} is not one of {', '.join(map(str, choices))}{_suggest(value, choices)}"
    elif kind == "type":
        expected = rule
        expected = [expected] if isinstance(expected, str) else expected
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        msg = f"{where} must be {words}, not {_TYPE_WORDS.get(type(value).__name__, show) if value is not None else 'empty'}"
        if isinstance(value, (int, float)) and "string" in expected:
            msg = f"{where} must be text, not {show}"
    elif kind == "maxLength":
        msg = f"{where} is {len(value)} characters; keep it to {rule} or fewer"
    elif kind == "minLength":
        msg = f"{where} is {len(value)} characters; write at least {rule}"
    elif kind == "minItems":
        msg = f"{where} lists {len(value)} item(s); list at least {rule}"
    elif kind == "maxItems":
        msg = f"{where} lists {len(value)} items; list at most {rule}"
    elif kind == "uniqueItems":
        msg = f"{where} lists the same item more than once; remove the repeat"
    elif kind == "pattern":
        msg = f"{where}: {show} is not in the expected form{_schema_description(error)}"
    else:
        msg = f"{where}: {error.message}"
    return [Finding(invalid_value.CODE, span, msg)]
