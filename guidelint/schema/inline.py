"""A copy of a page-type schema with its references inlined, for a validator that need not look
them up (``validate`` asks it first) and for the fast check (``guidelint.schema_quick``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from referencing._core import Resolver  # (the package does not export it at its top)

    from guidelint.schema.model import JsonObject


# draft 2020-12 keywords whose value is a subschema, a list of them, or a mapping to them
_SUBSCHEMA = frozenset(
    {"additionalProperties", "contains", "else", "if", "items", "not", "propertyNames", "then"}
)
_SUBSCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
_SUBSCHEMA_MAP = frozenset({"dependentSchemas", "patternProperties", "properties"})
# keywords whose result depends on more than the subschema they are in
_DYNAMIC = frozenset(
    {
        "$dynamicRef",
        "$dynamicAnchor",
        "$recursiveRef",
        "$recursiveAnchor",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
_INLINE_LIMIT = 10_000


class _CannotInline(Exception):
    pass


def inline_refs(schema: JsonObject, resolver: Resolver) -> JsonObject | None:
    """A copy of a page-type schema with every ``$ref`` replaced by the schema it points to.

    A validator for the copy accepts exactly the documents the original accepts, without looking
    up references on the way: ``validate`` asks it first, and needs the original (whose errors
    name the schema as written) only for a document that has errors. None, and the original is
    used alone, for a schema that a copy could not stand for faithfully: one with a recursive or
    unresolvable reference, a subschema with its own ``$id`` or another draft's ``$schema``,
    dynamic references or ``unevaluated*`` keywords, or one that references would multiply past
    ``_INLINE_LIMIT`` subschemas or nest too deeply."""
    from jsonschema import Draft202012Validator
    from jsonschema.validators import validator_for

    count = 0

    def walk(node: Any, resolver: Resolver, active: frozenset[int]) -> Any:
        nonlocal count
        if isinstance(node, bool):
            return node
        count += 1
        if (
            not isinstance(node, dict)
            or count > _INLINE_LIMIT
            or not _DYNAMIC.isdisjoint(node)
            or validator_for(node, default=Draft202012Validator) is not Draft202012Validator
        ):
            raise _CannotInline
        copy: dict[str, Any] = {}
        for key, value in node.items():
            if key in _SUBSCHEMA:
                copy[key] = sub(value, resolver, active)
            elif key in _SUBSCHEMA_LIST:
                if not isinstance(value, list):
                    raise _CannotInline
                copy[key] = [sub(v, resolver, active) for v in value]
            elif key in _SUBSCHEMA_MAP:
                if not isinstance(value, dict):
                    raise _CannotInline
                copy[key] = {k: sub(v, resolver, active) for k, v in value.items()}
            elif key != "$ref":
                copy[key] = value
        if "$ref" not in node:
            return copy
        try:
            resolved = resolver.lookup(node["$ref"])
        except Exception:
            raise _CannotInline from None
        if id(resolved.contents) in active:
            raise _CannotInline  # a recursive schema
        target = walk(resolved.contents, resolved.resolver, active | {id(resolved.contents)})
        if not copy:
            return target
        copy["allOf"] = [*copy.get("allOf", ()), target]  # a $ref beside other keywords: both apply
        return copy

    def sub(node: Any, resolver: Resolver, active: frozenset[int]) -> Any:
        if isinstance(node, dict) and "$id" in node:
            raise _CannotInline  # its references would resolve against a base of its own
        return walk(node, resolver, active)

    try:
        copy: JsonObject = walk(schema, resolver, frozenset())  # (a dict: a schema is not a bool)
        return copy
    except (_CannotInline, RecursionError):
        return None
