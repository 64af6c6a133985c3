"""The trusted record of a schema set: what a whole load learnt (its page types, section rules
and inlined schemas), sealed with the user's cache key and kept in the cache context folder named
by the schemas' bytes.

A run with a cache knows these schemas passed the checks before: a run that loaded them whole
wrote this record (``seal``), and the next run reads it back (``unseal``) and validates front
matter with the fast check alone (``schema_set``), importing jsonschema (~80 ms, a quarter of a
single-file check) only for a page the fast check is not sure about.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guidelint.schema.model import SchemaSet
from guidelint.schema_quick import compile_check

if TYPE_CHECKING:  # pragma: no cover
    from jsonschema import Draft202012Validator

MAGIC = "guidelint-trusted-schemas-1"
LABEL = b"guidelint trusted schemas"

Facts = dict[str, Any]  # "types", "sections", "inlined"


def read(path: Path) -> Facts | None:
    """The facts at ``path``, if it is a regular file whose HMAC tag verifies under the user's
    cache key (``guidelint.trust``) and that holds a record of this version."""
    import pickle

    from guidelint import trust

    try:
        blob = trust.read_regular(path)
        payload = trust.unseal(LABEL, blob) if blob is not None else None
        if payload is None:
            return None
        magic, facts = pickle.loads(payload)
        if magic != MAGIC or not isinstance(facts, dict):
            return None
    except Exception:
        return None
    return facts


def write(path: Path, whole: SchemaSet) -> None:
    """Seal and store what the whole load ``whole`` learnt (nothing without a cache key)."""
    import pickle

    from guidelint import trust
    from guidelint.atomic import store

    facts = {"types": tuple(whole.types), "sections": whole.sections, "inlined": whole.inlined}
    sealed = trust.seal(LABEL, pickle.dumps((MAGIC, facts), pickle.HIGHEST_PROTOCOL))
    if sealed is not None:
        store(path, sealed)


def schema_set(directory: Path, facts: Facts, whole: Callable[[], SchemaSet]) -> SchemaSet:
    """A schema set made from trusted ``facts``: the fast checks compiled now, jsonschema's
    validators from ``whole()`` (a whole load) only when a page needs them."""
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


class _Deferred(Mapping[str, "Draft202012Validator"]):
    """A mapping worked out on first use (jsonschema's validators, for a trusted schema set)."""

    def __init__(self, make: Callable[[], Mapping[str, Draft202012Validator]]) -> None:
        self._make = make
        self._found: Mapping[str, Draft202012Validator] | None = None

    def _get(self) -> Mapping[str, Draft202012Validator]:
        if self._found is None:
            self._found = self._make()
        return self._found

    def __getitem__(self, key: str) -> Draft202012Validator:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())
