"""Reading a schemas folder whole: every ``*.schema.json`` checked (a valid draft 2020-12 schema,
safe regexes, resolvable references without an endless loop) and compiled, with the
``*.sections.yaml`` section rules of each page type. Imports jsonschema."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidelint.saferegex import bounded_validator, schema_pattern
from guidelint.schema.inline import inline_refs
from guidelint.schema.model import JsonObject, SchemaError, SchemaSet
from guidelint.schema_quick import compile_check

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import Draft202012Validator


def read_schemas(directory: Path) -> SchemaSet:
    import jsonschema
    import yaml
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    if not directory.is_dir():
        if directory.exists():
            raise SchemaError(
                f"schemas '{directory}' is a file, not a folder; set 'schemas' in the "
                "configuration to the folder that holds the *.schema.json files"
            )
        raise SchemaError(
            f"schemas directory '{directory}' does not exist (set 'schemas' in the configuration)"
        )
    resources = []
    documents: dict[str, JsonObject] = {}
    for path in sorted(directory.glob("*.schema.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SchemaError(f"{path}: cannot read schema: {exc}") from None
        try:
            Draft202012Validator.check_schema(doc)
        except jsonschema.SchemaError as exc:
            raise SchemaError(f"{path}: not a valid JSON Schema: {exc.message}") from None
        _check_patterns(path, doc)
        documents[path.name] = doc
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        resources.append((path.name, resource))
        if "$id" in doc:
            resources.append((doc["$id"], resource))
    registry = Registry().with_resources(resources)
    # pattern and patternProperties run with the page's time bound (guidelint.saferegex, GL912)
    bounded = bounded_validator(Draft202012Validator)
    for name, doc in documents.items():
        _check_references(directory / name, doc, registry)
    validators: dict[str, Draft202012Validator] = {}
    quick: dict[str, Draft202012Validator] = {}
    fast: dict[str, Callable[[Any], bool]] = {}
    inlined_docs: dict[str, JsonObject] = {}
    for name, doc in documents.items():
        type_name = name[: -len(".schema.json")]
        const = doc.get("properties", {}).get("type", {}).get("const")
        if const is None:
            continue  # shared definitions, not a page type
        validators[str(const)] = bounded(
            doc, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        inlined = inline_refs(doc, registry.resolver_with_root(DRAFT202012.create_resource(doc)))
        if inlined is not None:
            quick[str(const)] = bounded(inlined, format_checker=Draft202012Validator.FORMAT_CHECKER)
            check = compile_check(inlined)
            if check is not None:
                fast[str(const)] = check
                inlined_docs[str(const)] = inlined
        if const != type_name:
            raise SchemaError(
                f"{directory / name}: its type const {const!r} should match the file name"
            )
    if not validators:
        raise SchemaError(f"{directory}: no page-type schemas (*.schema.json with a 'type' const)")
    sections: dict[str, JsonObject] = {}
    for type_name in validators:
        spath = directory / f"{type_name}.sections.yaml"
        if spath.is_file():
            try:
                data = yaml.safe_load(spath.read_text(encoding="utf-8")) or {}
            except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
                raise SchemaError(f"{spath}: cannot read section rules: {exc}") from None
            if not isinstance(data, dict):
                raise SchemaError(f"{spath}: section rules must be a mapping")
            sections[type_name] = data
    return SchemaSet(
        directory, validators, sections, quick, fast, tuple(sorted(validators)), inlined_docs
    )


def _line_of(path: Path, needle: str) -> str:
    """``path:line`` of the first line of the file holding ``needle`` (a JSON-encoded value), or
    just ``path`` when the file writes it otherwise."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return str(path)
    at = text.find(needle)
    return f"{path}:{text.count(chr(10), 0, at) + 1}" if at != -1 else str(path)


def _walk_schema(node: Any) -> Iterator[JsonObject]:
    """Every mapping in a schema document (subschemas and the values of other keywords alike)."""
    stack = [node]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _check_patterns(path: Path, doc: Any) -> None:
    """``pattern`` and ``patternProperties`` regexes run with Python's backtracking engine on
    writers' text: refuse the shapes that can run for minutes (see guidelint.saferegex)."""
    from guidelint.saferegex import unsafe_reason

    for node in _walk_schema(doc):
        found = []
        if isinstance(node.get("pattern"), str):
            found.append(node["pattern"])
        if isinstance(node.get("patternProperties"), dict):
            found.extend(k for k in node["patternProperties"] if isinstance(k, str))
        for regex in found:
            reason = unsafe_reason(regex)
            if reason:
                raise SchemaError(
                    f"{_line_of(path, json.dumps(regex))}: pattern {regex!r} could run for "
                    f"minutes on some values: {reason}; rewrite it so that each repeated part "
                    "starts with something the part before it cannot match"
                )
            try:
                schema_pattern(regex, _line_of(path, json.dumps(regex)))
            except Exception as exc:  # (valid for re, which check_schema used, not for regex)
                raise SchemaError(
                    f"{_line_of(path, json.dumps(regex))}: pattern {regex!r}: {exc}"
                ) from None


# keywords that apply their subschemas to the same value, not to a part of it: a cycle through
# these alone never ends (a recursion through properties or items ends with the document)
_IN_PLACE_ONE = ("not", "if", "then", "else")
_IN_PLACE_LIST = ("allOf", "anyOf", "oneOf")


def _check_references(path: Path, doc: JsonObject, registry: Any) -> None:
    """Every ``$ref`` of a schema resolves, and none loops back to itself without going down into
    the document: otherwise validation fails on every page (GL900 "internal error" each time),
    while it is the schema that is wrong."""
    from referencing.jsonschema import DRAFT202012

    root = registry.resolver_with_root(DRAFT202012.create_resource(doc))

    def lookup(node: JsonObject, resolver: Any) -> Any:
        ref = node["$ref"]
        try:
            return resolver.lookup(ref)
        except Exception:
            raise SchemaError(
                f"{_line_of(path, json.dumps(ref))}: $ref {ref!r} cannot be resolved "
                "(no such schema file, $id or $defs entry)"
            ) from None

    def resolver_for(node: JsonObject, resolver: Any) -> Any:
        if isinstance(node.get("$id"), str):
            return resolver.in_subresource(DRAFT202012.create_resource(node))
        return resolver

    # every $ref resolves (each subschema with the base of the nearest $id above it)
    stack: list[tuple[Any, Any]] = [(doc, root)]
    while stack:
        node, resolver = stack.pop()
        if isinstance(node, dict):
            resolver = resolver_for(node, resolver)
            if isinstance(node.get("$ref"), str):
                lookup(node, resolver)
            stack.extend((v, resolver) for k, v in node.items() if k not in ("enum", "const"))
        elif isinstance(node, list):
            stack.extend((v, resolver) for v in node)

    # no cycle of $ref and in-place keywords: followed depth first from the document's root
    # and from each subschema that holds a $ref
    done: set[int] = set()

    def follow(node: Any, resolver: Any, active: list[int], refs: list[str]) -> None:
        if not isinstance(node, dict) or id(node) in done:
            return
        if id(node) in active:
            raise SchemaError(
                f"{_line_of(path, json.dumps(refs[-1]) if refs else '')}: $ref "
                f"{' -> '.join(repr(r) for r in refs)} refers back to itself without going into "
                "a property or item: validating any page would never end"
            )
        if len(active) > 200:
            return
        resolver = resolver_for(node, resolver)
        active.append(id(node))
        if isinstance(node.get("$ref"), str):
            try:
                found = resolver.lookup(node["$ref"])
            except Exception:  # every $ref resolved in its own place above: not a schema here
                found = None
            if found is not None:
                follow(found.contents, found.resolver, active, [*refs, node["$ref"]])
        for key in _IN_PLACE_ONE:
            follow(node.get(key), resolver, active, refs)
        for key in _IN_PLACE_LIST:
            value = node.get(key)
            if isinstance(value, list):
                for sub in value:
                    follow(sub, resolver, active, refs)
        active.pop()
        done.add(id(node))

    for node in _walk_schema(doc):
        if isinstance(node.get("$ref"), str) or node is doc:
            follow(node, root, [], [])
