"""Front-matter validation against the JSON Schemas of a schemas directory.

The page's ``type`` picks ``<type>.schema.json``; schemas share definitions through ``$ref``
(``common.schema.json``). One finding per problem: errors under a value that is already wrong are
dropped. The findings are worded by ``guidelint.schema.wording``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.schema import wording
from guidelint.schema.model import SchemaError

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.diagnostics import Span
    from guidelint.finding import Finding
    from guidelint.frontmatter import FrontMatter
    from guidelint.schema.model import SchemaSet


def validate(fm: FrontMatter, schemas: SchemaSet) -> list[Finding]:
    data = fm.data
    type_value = data.get("type")
    if "type" not in data:
        return [wording.missing_type(fm, schemas.types)]
    if not isinstance(type_value, str) or type_value not in schemas.types:
        return [wording.not_a_type(fm, type_value, schemas.types)]
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
    seen: set[tuple[str, Span, str]] = set()
    bad_paths: list[tuple[str | int, ...]] = []
    errors = sorted(
        validator.iter_errors(data),
        key=lambda e: (len(e.absolute_path), list(map(str, e.absolute_path))),
    )
    from guidelint.saferegex import CLOCK, TIMED_OUT

    for error in errors:
        path = tuple(error.absolute_path)
        if error.validator == TIMED_OUT:  # a site pattern out of time (GL912, not GL101)
            if CLOCK.pending:
                CLOCK.locate((fm.key_span(path) if path else fm.opening).line)
            continue
        if any(path[: len(b)] == b for b in bad_paths):
            continue  # the value above is already wrong: one error per problem
        for finding in wording.findings_for(error, path, fm):
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
    if CLOCK.pending:
        CLOCK.locate(fm.opening.line)
    findings.sort(key=lambda f: (f.span.line, f.span.column))
    return findings
