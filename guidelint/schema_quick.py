"""A fast yes-or-"look closer" check of front matter against a page-type schema.

``schema.validate`` runs on every page. Most pages are valid, and asking jsonschema whether a
document is valid costs about a third of a millisecond a page (its validators dispatch every
keyword through several layers). ``compile_check`` turns a schema whose references are already
inlined (``schema._inline``) into a tree of plain Python closures that answers the same question
several times faster, for the keywords page schemas use.

The check is *conservative*: True means jsonschema would accept the document; False means "not
sure", and ``validate`` asks jsonschema, which finds and explains the errors. Whenever the
jsonschema semantics are subtle (numbers that are floats, booleans against integers, enum values
that are not text, unique items that are not text), the check answers False rather than
reproduce them. A schema with a keyword outside ``SUPPORTED`` is not compiled at all
(``compile_check`` returns None) and jsonschema answers alone. ``tests/test_schema_quick.py``
compares both on generated documents.
"""

from __future__ import annotations

import datetime as _dt
import operator
import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# keywords that only annotate: they never change whether a document is valid
ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
# ("not" is left out on purpose: a "not sure" under it would turn into a wrong "valid")
SUPPORTED = ANNOTATIONS | {
    "type",
    "enum",
    "const",
    "required",
    "properties",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minLength",
    "maxLength",
    "pattern",
    "format",
    "allOf",
    "anyOf",
    "oneOf",
    "minimum",
    "maximum",
}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # as jsonschema's "date" format


class Unsupported(Exception):
    pass


def compile_check(schema: Any) -> Check | None:
    """A conservative validity check for ``schema`` (see the module docstring), or None."""
    try:
        return _compile(schema)
    except (Unsupported, re.error, TypeError, ValueError, RecursionError):
        return None


def _always(_value: Any) -> bool:
    return True


def _never(_value: Any) -> bool:
    return False


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    # an integral float is an integer to jsonschema: "not sure" here, jsonschema decides
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


# keyword -> (the values it applies to, how their length compares with it)
_LENGTHS = {
    "minItems": (list, operator.ge),
    "maxItems": (list, operator.le),
    "minLength": (str, operator.ge),
    "maxLength": (str, operator.le),
}
_BOUNDS = {
    "minimum": operator.ge,
    "maximum": operator.le,
}  # integer bounds (floats: jsonschema decides)


def _compile(schema: Any) -> Check:
    if schema is True:
        return _always
    if schema is False:
        return _never
    if not isinstance(schema, dict):
        raise Unsupported(repr(schema))
    unknown = set(schema) - SUPPORTED
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    checks: list[Check] = []
    # (the lambdas bind their values as defaults, which Check's one-argument form does not show)
    add: Callable[[Callable[..., bool]], None] = checks.append

    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not all(isinstance(n, str) and n in _TYPES for n in names):
            raise Unsupported(f"type {schema['type']!r}")
        tests = [_TYPES[n] for n in names]
        add(tests[0] if len(tests) == 1 else (lambda v, tests=tests: any(t(v) for t in tests)))
    if "enum" in schema or "const" in schema:
        options = schema["enum"] if "enum" in schema else [schema["const"]]
        texts = frozenset(o for o in options if isinstance(o, str))
        add(
            lambda v, texts=texts: isinstance(v, str) and v in texts
        )  # other values: jsonschema decides
    if "required" in schema:
        keys = tuple(schema["required"])
        add(lambda v, keys=keys: not isinstance(v, dict) or all(k in v for k in keys))
    if "properties" in schema or "additionalProperties" in schema:
        props = {k: _compile(s) for k, s in schema.get("properties", {}).items()}
        extra = (
            _compile(schema["additionalProperties"])
            if "additionalProperties" in schema
            else _always
        )

        def properties(v: Any, props: dict[str, Check] = props, extra: Check = extra) -> bool:
            if not isinstance(v, dict):
                return True
            for key, value in v.items():
                check = props.get(key)
                if check is None:
                    if not isinstance(key, str) or not extra(value):
                        return False
                elif not check(value):
                    return False
            return True

        add(properties)
    if "items" in schema:
        item = _compile(schema["items"])
        add(lambda v, item=item: not isinstance(v, list) or all(item(x) for x in v))
    for key, (kind, holds) in _LENGTHS.items():
        if key in schema:
            add(
                lambda v, n=int(schema[key]), kind=kind, holds=holds: (
                    not isinstance(v, kind) or holds(len(v), n)
                )
            )
    if schema.get("uniqueItems") is True:  # text items only; anything else: jsonschema decides
        add(
            lambda v: (
                not isinstance(v, list)
                or (all(isinstance(x, str) for x in v) and len(set(v)) == len(v))
            )
        )
    if "pattern" in schema:  # (run within the page's time: None, out of time, is not sure)
        from guidelint.saferegex import _searched, schema_pattern

        try:
            schema_pattern(schema["pattern"])
        except Exception as exc:  # the regex module's error: jsonschema will say
            raise Unsupported(f"pattern: {exc}") from None
        add(lambda v, p=schema["pattern"]: not isinstance(v, str) or _searched(p, v) is True)
    if "format" in schema:
        if schema["format"] != "date":
            raise Unsupported(f"format {schema['format']}")
        add(lambda v: not isinstance(v, str) or _is_date(v))
    for key, holds in _BOUNDS.items():
        if key in schema:
            bound = schema[key]
            if isinstance(bound, bool) or not isinstance(bound, int):
                raise Unsupported(key)
            add(
                lambda v, b=bound, holds=holds: (
                    not _TYPES["number"](v) or (isinstance(v, int) and holds(v, b))
                )
            )
    if "allOf" in schema:
        parts = [_compile(s) for s in schema["allOf"]]
        add(lambda v, parts=parts: all(p(v) for p in parts))
    if "anyOf" in schema:
        parts = [_compile(s) for s in schema["anyOf"]]
        add(lambda v, parts=parts: any(p(v) for p in parts))
    if "oneOf" in schema:
        parts = [_compile(s) for s in schema["oneOf"]]
        # exactly one must hold, and a False here only means "not sure": never conclude from it
        add(lambda v, parts=parts: False if len(parts) > 1 else parts[0](v))
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]
    every = tuple(checks)
    return lambda v: all(c(v) for c in every)
