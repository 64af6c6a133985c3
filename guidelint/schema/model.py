"""A loaded schema set, and the error for a schemas folder that cannot be used."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidelint.config import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import Draft202012Validator


JsonObject = dict[str, Any]  # a schema, or a page type's section rules


class SchemaError(ConfigError):
    """A schemas directory that cannot be used: a configuration error (exit code 2)."""


@dataclass(frozen=True)
class SchemaSet:
    directory: Path
    validators: Mapping[str, Draft202012Validator]
    sections: dict[str, JsonObject]
    quick: Mapping[
        str, Draft202012Validator
    ]  # per type: the schema with its references inlined (guidelint.schema.inline)
    fast: dict[str, Callable[[Any], bool]] = field(
        default_factory=dict
    )  # per type: schema_quick.compile_check
    type_names: tuple[str, ...] = ()
    inlined: dict[str, JsonObject] = field(
        default_factory=dict, repr=False
    )  # per type: inline_refs's copy

    @property
    def types(self) -> list[str]:
        return list(self.type_names) if self.type_names else sorted(self.validators)
