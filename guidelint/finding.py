"""``Finding``: what a check found on one page, before the path and severity are attached.

Every stage and rule makes findings of this one type: the rules (``Rule.finding``), and the stages
that run before a ``Page`` exists, through the builder functions of the rule that owns the code
(``guidelint.rules.gl902_not_utf8.decode_utf8`` and the like). It depends on nothing but the
span and edit types, so that rule modules and stages can both import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from guidelint.diagnostics import Edit, PickleAsTuple, Span


# Not frozen, as ``Diagnostic`` (a frozen dataclass's __init__ sets each field through
# object.__setattr__: 150,000 findings took 0.14 s to build instead of 0.05 s); treat it as
# immutable all the same. Hashable on its fields, as a frozen one would be.
@dataclass(slots=True, unsafe_hash=True)
class Finding(PickleAsTuple):
    """What a check found on one page, before path and severity are attached."""

    code: str
    span: Span
    message: str
    fix: tuple[Edit, ...] = ()
