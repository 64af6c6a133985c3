"""Front-matter validation against the JSON Schemas of a schemas directory.

The page's ``type`` picks ``<type>.schema.json``; schemas share definitions through ``$ref``
(``common.schema.json``). Errors become findings that point at the offending key or value, name
the key path and read like advice to a writer. One finding per problem: errors under a value that
is already wrong are dropped.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidelint.config import ConfigError
from guidelint.schema_quick import compile_check
from guidelint.source import Finding

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import Draft202012Validator
    from referencing._core import Resolver  # (the package does not export it at its top)

    from guidelint.frontmatter import FrontMatter


class SchemaError(ConfigError):
    """A schemas directory that cannot be used: a configuration error (exit code 2)."""


@dataclass(frozen=True)
class SchemaSet:
    directory: Path
    validators: Mapping[str, Draft202012Validator]
    sections: dict[str, dict]
    quick: Mapping[
        str, Draft202012Validator
    ]  # per type: the schema with its references inlined (_inline)
    fast: dict[str, Callable[[Any], bool]] = field(
        default_factory=dict
    )  # per type: schema_quick.compile_check
    type_names: tuple[str, ...] = ()
    inlined: dict[str, dict] = field(default_factory=dict, repr=False)  # per type: _inline's copy

    @property
    def types(self) -> list[str]:
        return list(self.type_names) if self.type_names else sorted(self.validators)


class _Deferred(Mapping):
    """A mapping worked out on first use (jsonschema's validators, for a trusted schema set)."""

    def __init__(self, make: Callable[[], Mapping]) -> None:
        self._make = make
        self._found: Mapping | None = None

    def _get(self) -> Mapping:
        if self._found is None:
            self._found = self._make()
        return self._found

    def __getitem__(self, key):
        return self._get()[key]

    def __iter__(self):
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


# ------------------------------------------------------------------ trusted schema sets
# A run with a cache knows these schemas passed the checks before: the cache's context folder is
# named by a hash of the schemas' bytes, and a run that loaded them whole wrote what it learnt
# there (``save_trusted``). The next run reads that back (``adopt_trusted``) and validates front
# matter with the fast check alone, importing jsonschema (~80 ms, a quarter of a single-file
# check) only for a page the fast check is not sure about.
_TRUSTED: dict[tuple, dict] = {}  # (resolved folder, stamp) -> what save_trusted wrote
TRUSTED_MAGIC = "guidelint-trusted-schemas-1"
TRUSTED_LABEL = b"guidelint trusted schemas"


def adopt_trusted(directory: Path, path: Path) -> None:
    """Use the facts at ``path`` (in the cache context of these schemas' bytes), if it is a
    regular file whose HMAC tag verifies under the user's cache key (``guidelint.trust``)."""
    import pickle

    from guidelint import trust

    try:
        blob = trust.read_regular(path)
        payload = trust.unseal(TRUSTED_LABEL, blob) if blob is not None else None
        if payload is None:
            return
        magic, facts = pickle.loads(payload)
        if magic != TRUSTED_MAGIC or not isinstance(facts, dict):
            return
    except Exception:
        return
    entry = _STAMPS.get(directory) or (directory.resolve(), _mtimes(directory))
    _TRUSTED[entry] = facts


def save_trusted(directory: Path, path: Path) -> None:
    """Write what a whole load of ``directory`` learnt, if this process did one and did not
    trust ``path`` already (a missing or damaged record is written again)."""
    entry = _STAMPS.get(directory)
    if entry is None or entry in _TRUSTED:
        return
    got = _WHOLE.get(entry)
    if got is None:
        return
    import pickle

    from guidelint import trust
    from guidelint.atomic import store

    facts = {"types": tuple(got.types), "sections": got.sections, "inlined": got.inlined}
    sealed = trust.seal(
        TRUSTED_LABEL, pickle.dumps((TRUSTED_MAGIC, facts), pickle.HIGHEST_PROTOCOL)
    )
    if sealed is not None:
        store(path, sealed)


_WHOLE: dict[tuple, SchemaSet] = {}  # (resolved folder, stamp) -> its whole load in this process


def _mtimes(directory: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in directory.iterdir()))
    except OSError:
        return ()


_STAMPS: dict[Path, tuple[Path, tuple]] = {}


def refresh_folder(directory: Path) -> None:
    """Look at the folder again (cheap: no schema is read). ``runner.run`` calls this once per run;
    the schemas themselves load on first use, when a page is analysed or the site rules run."""
    _STAMPS[directory] = (directory.resolve(), _mtimes(directory))


def load_schemas(directory: Path, refresh: bool = False) -> SchemaSet:
    """The schemas of ``directory``. The folder is looked at (resolved, listed, stat-ed) on the
    first call and when ``refresh`` is true: ``runner.run`` refreshes once per run, and the
    per-page calls in between reuse that look instead of listing the folder for every page."""
    entry = _STAMPS.get(directory)
    if refresh or entry is None:
        entry = _STAMPS[directory] = (directory.resolve(), _mtimes(directory))
    return _load(*entry)


@functools.lru_cache(maxsize=8)
def _load(directory: Path, stamp: tuple) -> SchemaSet:
    facts = _TRUSTED.get((directory, stamp))
    if facts is not None:
        whole = functools.partial(_load_whole, directory, stamp)
        return SchemaSet(
            directory,
            _Deferred(lambda: whole().validators),
            facts["sections"],
            _Deferred(lambda: whole().quick),
            {
                t: c
                for t, c in ((t, compile_check(doc)) for t, doc in facts["inlined"].items())
                if c is not None
            },
            tuple(facts["types"]),
            facts["inlined"],
        )
    return _load_whole(directory, stamp)


def _load_whole(directory: Path, stamp: tuple) -> SchemaSet:
    """Read, check and compile every schema of ``directory`` (imports jsonschema), once."""
    found = _WHOLE.get((directory, stamp))
    if found is None:
        found = _WHOLE[(directory, stamp)] = _read_schemas(directory)
    return found


def _read_schemas(directory: Path) -> SchemaSet:
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
    documents: dict[str, dict] = {}
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
    for name, doc in documents.items():
        _check_references(directory / name, doc, registry)
    validators: dict[str, Draft202012Validator] = {}
    quick: dict[str, Draft202012Validator] = {}
    fast: dict[str, Callable[[Any], bool]] = {}
    inlined_docs: dict[str, dict] = {}
    for name, doc in documents.items():
        type_name = name[: -len(".schema.json")]
        const = doc.get("properties", {}).get("type", {}).get("const")
        if const is None:
            continue  # shared definitions, not a page type
        validators[str(const)] = Draft202012Validator(
            doc, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
        inlined = _inline(doc, registry.resolver_with_root(DRAFT202012.create_resource(doc)))
        if inlined is not None:
            quick[str(const)] = Draft202012Validator(
                inlined, format_checker=Draft202012Validator.FORMAT_CHECKER
            )
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
    sections: dict[str, dict] = {}
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


def _walk_schema(node: Any):
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


# keywords that apply their subschemas to the same value, not to a part of it: a cycle through
# these alone never ends (a recursion through properties or items ends with the document)
_IN_PLACE_ONE = ("not", "if", "then", "else")
_IN_PLACE_LIST = ("allOf", "anyOf", "oneOf")


def _check_references(path: Path, doc: dict, registry: Any) -> None:
    """Every ``$ref`` of a schema resolves, and none loops back to itself without going down into
    the document: otherwise validation fails on every page (GL900 "internal error" each time),
    while it is the schema that is wrong."""
    from referencing.jsonschema import DRAFT202012

    root = registry.resolver_with_root(DRAFT202012.create_resource(doc))

    def lookup(node: dict, resolver: Any) -> Any:
        ref = node["$ref"]
        try:
            return resolver.lookup(ref)
        except Exception:
            raise SchemaError(
                f"{_line_of(path, json.dumps(ref))}: $ref {ref!r} cannot be resolved "
                "(no such schema file, $id or $defs entry)"
            ) from None

    def resolver_for(node: dict, resolver: Any) -> Any:
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


def _inline(schema: dict, resolver: Resolver) -> dict | None:
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
        return walk(schema, resolver, frozenset())
    except (_CannotInline, RecursionError):
        return None


def _suggest(word: object, choices) -> str:
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


def _schema_description(error) -> str:
    desc = error.schema.get("description") if isinstance(error.schema, dict) else None
    return f" ({desc.rstrip('.')})" if desc else ""


def validate(fm: FrontMatter, schemas: SchemaSet) -> list[Finding]:
    data = fm.data
    type_value = data.get("type")
    if "type" not in data:
        return [
            Finding(
                "GL102",
                fm.opening,
                f"missing required key 'type'; add 'type:' with one of {', '.join(schemas.types)}",
            )
        ]
    if not isinstance(type_value, str) or type_value not in schemas.types:
        return [
            Finding(
                "GL105",
                fm.value_span(("type",)),
                f"type: {_show(type_value)} is not a page type; use one of "
                f"{', '.join(schemas.types)}{_suggest(type_value, schemas.types)}",
            )
        ]
    try:
        return _validate(fm, schemas, type_value)
    except RecursionError:  # a schema the load-time checks let through: still the schema's fault
        raise SchemaError(
            f"{schemas.directory / (type_value + '.schema.json')}: validating against this schema "
            "recursed without end; check its $ref"
        ) from None
    except Exception as exc:
        from referencing.exceptions import Unresolvable

        if isinstance(exc, Unresolvable):
            raise SchemaError(
                f"{schemas.directory / (type_value + '.schema.json')}: {exc}"
            ) from None
        raise


def _validate(fm: FrontMatter, schemas: SchemaSet, type_value: str) -> list[Finding]:
    data = fm.data
    fast = schemas.fast.get(type_value)  # most pages are valid: say so without jsonschema when sure
    if fast is not None and fast(data):
        return []
    quick = schemas.quick.get(type_value)  # (a trusted set imports jsonschema from here on)
    if quick is not None and quick.is_valid(data):
        return []
    validator = schemas.validators[type_value]
    findings: list[Finding] = []
    seen: set[tuple] = set()
    bad_paths: list[tuple] = []
    errors = sorted(
        validator.iter_errors(data),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    for error in errors:
        path = tuple(error.absolute_path)
        if any(path[: len(b)] == b for b in bad_paths):
            continue  # the value above is already wrong: one error per problem
        for finding in _convert(error, path, fm):
            key = (finding.code, finding.span, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
        if error.validator in (
            "type",
            "enum",
            "const",
            "format",
            "pattern",
            "minLength",
            "maxLength",
        ):
            bad_paths.append(path)
    findings.sort(key=lambda f: (f.span.line, f.span.column))
    return findings


def _convert(error, path: tuple, fm: FrontMatter) -> list[Finding]:
    from guidelint.frontmatter import dotted

    where = dotted(path) or "front matter"
    kind = error.validator
    value = error.instance
    if kind == "required":
        missing = [
            k for k in error.validator_value if not isinstance(value, dict) or k not in value
        ]
        out = []
        for key in missing:
            span = fm.opening if not path else fm.key_span(path)
            desc = ""
            props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            sub = props.get(key, {})
            if isinstance(sub, dict) and sub.get("description"):
                desc = f" ({sub['description'].rstrip('.')})"
            target = f"'{key}'" if not path else f"'{key}' in {where}"
            out.append(Finding("GL102", span, f"missing required key {target}{desc}; add it"))
        return out
    if kind == "additionalProperties":
        allowed = list(error.schema.get("properties", {})) if isinstance(error.schema, dict) else []
        extras = [k for k in value if k not in allowed] if isinstance(value, dict) else []
        return [
            Finding(
                "GL103",
                fm.key_span(path + (k,)),
                f"unknown key '{dotted(path + (k,))}'{_suggest(k, allowed) or '; remove it'}"
                + ("" if _suggest(k, allowed) else f" (allowed: {', '.join(allowed)})"),
            )
            for k in extras
        ]
    if kind == "anyOf" and all(
        isinstance(s, dict) and set(s) == {"required"} for s in error.validator_value
    ):
        options = [s["required"][0] for s in error.validator_value]
        return [
            Finding(
                "GL102",
                fm.key_span(path),
                f"{where} needs one of {' or '.join(repr(o) for o in options)}; "
                "'period' gives the reference period of its figures, 'accessed' the date you checked it",
            )
        ]
    if kind == "anyOf" and isinstance(value, dict):
        # a key required unless a condition holds, written as anyOf [{condition}, {"required": [k]}]
        # (the state schema: last_reviewed unless status is 'draft')
        alternatives = [s for s in error.validator_value if isinstance(s, dict)]
        plain = [s for s in alternatives if set(s) == {"required"}]
        missing = [k for s in plain for k in s["required"] if k not in value]
        unless = [
            f"{k} is {p['const']!r}"
            for s in alternatives
            if s not in plain
            for k, p in s.get("properties", {}).items()
            if isinstance(p, dict) and "const" in p
        ]
        if missing and unless and len(alternatives) == len(error.validator_value):
            span = fm.opening if not path else fm.key_span(path)
            return [
                Finding(
                    "GL102",
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
                        "GL101",
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
    if kind == "format" and error.validator_value == "date":
        msg = f"{where}: {show} is not a date; write YYYY-MM-DD"
        m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value)) if isinstance(value, str) else None
        if m and 1 <= int(m.group(2)) <= 12:  # the form is right, the day is not in that month
            msg = f"{where}: {show} is no such date (that month has fewer days); write a real YYYY-MM-DD date"
    elif kind in ("enum", "const"):
        choices = error.validator_value if kind == "enum" else [error.validator_value]
        msg = f"{where}: {show} is not one of {', '.join(map(str, choices))}{_suggest(value, choices)}"
    elif kind == "type":
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        words = " or ".join(_TYPE_WORDS.get(t, t) for t in expected)
        msg = f"{where} must be {words}, not {_TYPE_WORDS.get(type(value).__name__, show) if value is not None else 'empty'}"
        if isinstance(value, (int, float)) and "string" in expected:
            msg = f"{where} must be text, not {show}"
    elif kind == "maxLength":
        msg = f"{where} is {len(value)} characters; keep it to {error.validator_value} or fewer"
    elif kind == "minLength":
        msg = f"{where} is {len(value)} characters; write at least {error.validator_value}"
    elif kind == "minItems":
        msg = f"{where} lists {len(value)} item(s); list at least {error.validator_value}"
    elif kind == "maxItems":
        msg = f"{where} lists {len(value)} items; list at most {error.validator_value}"
    elif kind == "uniqueItems":
        msg = f"{where} lists the same item more than once; remove the repeat"
    elif kind == "pattern":
        msg = f"{where}: {show} is not in the expected form{_schema_description(error)}"
    else:
        msg = f"{where}: {error.message}"
    return [Finding("GL101", span, msg)]
