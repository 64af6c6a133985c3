"""Refuse user-supplied regular expressions that can backtrack exponentially.

Claims packs (``re:`` parts, ``applies_to`` slugs and sections) and page-type schemas (``pattern``,
``patternProperties``) carry regular expressions that guidelint runs with Python's ``re``, a
backtracking engine: ``(a+)+$`` against forty ``a`` and a ``b`` runs for minutes. A linear-time
engine (RE2) would not do: packs need look-around (``(?<![\\w$])``, ``(?!CAAHEP\\b)``), which RE2
lacks. So each such expression is read (with Python's own regex parser) when its pack or schema
is loaded, and refused, as a configuration error with its file and line, when a repeated part
can match the same text in more than one way, the shape behind exponential backtracking:

* a repeated group that can match nothing: ``(a*)*``, ``(a?|b)+``;
* a repeated group with alternatives that can start with the same character: ``(a|ab)+``,
  ``(\\d+|x)*``;
* a repeated group holding a repetition whose characters can also start the next round of the
  outer repeat, with nothing in between that only the next round could match: ``(a+)+``,
  ``(\\w+\\s?)*``, ``(.*a){20}``.

Groups repeated at most 9 times are not looked at. Expressions such as
``^[a-z0-9]+(?:-[a-z0-9]+)*$``, where a separator decides where each round starts, pass. The check is
about shape, not proof: it can refuse an expression that would in fact run fast (rewrite it with
a separator or a possessive ``++``/atomic group on Python 3.11+, or as pattern-language words),
and it does not bound polynomial cases such as ``.*a.*b`` on very long text.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from re import _constants as _c
    from re import _parser as _p
else:  # pragma: no cover - Python 3.10
    import sre_constants as _c
    import sre_parse as _p

_MAX_UNCHECKED = 9  # a group repeated at most this many times is not looked at

# a sample of characters standing for all of them: ASCII and a few of each Unicode class
_SAMPLE = tuple(chr(i) for i in range(128)) + tuple("\u00a0\u00e9\u00df\u0663\u2028\u4e2d\u2019")
_ALL = frozenset(_SAMPLE)


def _category(name: str) -> frozenset[str]:
    base = name.replace("CATEGORY_", "").replace("UNI_", "").replace("LOC_", "")
    negate = base.startswith("NOT_")
    base = base.removeprefix("NOT_")
    test = {
        "DIGIT": str.isdecimal,
        "SPACE": str.isspace,
        "WORD": lambda ch: ch.isalnum() or ch == "_",
        "LINEBREAK": lambda ch: ch in "\n\r\u2028",
    }.get(base, lambda ch: True)
    got = frozenset(ch for ch in _SAMPLE if test(ch))
    return _ALL - got if negate else got


def _cased(ch: str) -> frozenset[str]:
    return frozenset(c for c in (ch, ch.lower(), ch.upper()) if c in _ALL) | {ch}


def _code_char(code: int) -> frozenset[str]:
    ch = chr(code)
    return _cased(ch) if ch in _ALL else frozenset({ch})


def _op(op) -> str:
    return getattr(op, "name", str(op))


def _class(items) -> frozenset[str]:
    out: set[str] = set()
    negate = False
    for op, av in items:
        name = _op(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            out |= _code_char(av)
        elif name == "RANGE":
            lo, hi = av
            for ch in _SAMPLE:
                if any(len(c) == 1 and lo <= ord(c) <= hi for c in (ch, ch.lower(), ch.upper())):
                    out.add(ch)
            if hi - lo > 64:  # a wide range beyond the sample: some character outside it too
                out.add(chr(hi))
        elif name == "CATEGORY":
            out |= _category(_op(av))
        else:  # pragma: no cover - other set items: assume any character
            out |= _ALL
    return _ALL - out if negate else frozenset(out)


class _Shape:
    """What the analysis needs of a parsed expression."""

    def first(self, seq) -> tuple[frozenset[str], bool]:
        """Characters that can begin a match of ``seq``, and whether it can match nothing."""
        acc: set[str] = set()
        for item in seq:
            chars, nullable = self.first_item(item)
            acc |= chars
            if not nullable:
                return frozenset(acc), False
        return frozenset(acc), True

    def first_item(self, item) -> tuple[frozenset[str], bool]:
        op, av = item
        name = _op(op)
        if name == "LITERAL":
            return _code_char(av), False
        if name == "NOT_LITERAL":
            return _ALL - {chr(av)}, False
        if name == "ANY":
            return _ALL, False
        if name == "IN":
            return _class(av), False
        if name == "BRANCH":
            acc: set[str] = set()
            nullable = False
            for alt in av[1]:
                chars, n = self.first(alt)
                acc |= chars
                nullable = nullable or n
            return frozenset(acc), nullable
        if name == "SUBPATTERN":
            return self.first(av[-1])
        if name == "ATOMIC_GROUP":
            return self.first(av)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, _hi, body = av
            chars, nullable = self.first(body)
            return chars, nullable or lo == 0
        if name == "GROUPREF_EXISTS":
            _group, yes, no = av
            a, na = self.first(yes)
            b, nb = self.first(no) if no else (frozenset(), True)
            return a | b, na or nb
        if name == "GROUPREF":
            return _ALL, True
        return frozenset(), True  # AT, ASSERT, ASSERT_NOT: zero width

    def chars(self, seq) -> frozenset[str]:
        """Every character a match of ``seq`` can hold."""
        acc: set[str] = set()
        for op, av in seq:
            name = _op(op)
            if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
                acc |= self.first_item((op, av))[0]
            elif name == "BRANCH":
                for alt in av[1]:
                    acc |= self.chars(alt)
            elif name == "SUBPATTERN":
                acc |= self.chars(av[-1])
            elif name == "ATOMIC_GROUP":
                acc |= self.chars(av)
            elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
                acc |= self.chars(av[2])
            elif name == "GROUPREF_EXISTS":
                acc |= self.chars(av[1]) | (self.chars(av[2]) if av[2] else frozenset())
            elif name == "GROUPREF":
                acc |= _ALL
        return frozenset(acc)


def unsafe_reason(pattern: str, flags: int = 0) -> str | None:
    """Why ``pattern`` may backtrack exponentially (see the module docstring), or None.
    An expression Python cannot parse is left to ``re.compile`` to report."""
    try:
        parsed = _p.parse(pattern, flags)
    except Exception:
        return None
    shape = _Shape()
    found: list[str] = []

    def outer(seq) -> None:
        for item in seq:
            op, av = item
            name = _op(op)
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                _lo, hi, body = av
                if hi == _c.MAXREPEAT or hi > _MAX_UNCHECKED:
                    reason = _repeat_reason(shape, body)
                    if reason:
                        found.append(reason)
                        return
                outer(body)
            elif name == "POSSESSIVE_REPEAT":
                outer(av[2])  # never backtracks into
            elif name == "BRANCH":
                for alt in av[1]:
                    outer(alt)
            elif name == "SUBPATTERN":
                outer(av[-1])
            elif name == "ATOMIC_GROUP":
                outer(av)
            elif name in ("ASSERT", "ASSERT_NOT"):
                outer(av[1])
            elif name == "GROUPREF_EXISTS":
                outer(av[1])
                if av[2]:
                    outer(av[2])
            if found:
                return

    outer(parsed)
    return found[0] if found else None


def _repeat_reason(shape: _Shape, body) -> str | None:
    start, nullable = shape.first(body)
    if nullable:
        return "a repeated group can match empty text (as in (a*)*)"
    items = list(body)

    def scan(seq, after: list) -> str | None:
        """Look at the repetitions and alternatives of ``seq``, followed by ``after`` (the
        sequences that come after it inside the repeated group)."""
        seq = list(seq)
        for k, (op, av) in enumerate(seq):
            name = _op(op)
            rest = [seq[k + 1 :], *after]
            if name in ("MAX_REPEAT", "MIN_REPEAT"):
                _lo, hi, inner = av
                reason = _absorbs(shape, shape.chars(inner), rest, start)
                if not reason and hi == 1:
                    reason = scan(inner, rest)
                if reason:
                    return reason
            elif name == "BRANCH":
                firsts = [shape.first(alt) for alt in av[1]]
                for i in range(len(firsts)):
                    for j in range(i + 1, len(firsts)):
                        (a, a_empty), (b, b_empty) = firsts[i], firsts[j]
                        if a & b or (a_empty and b_empty):
                            return (
                                "a repeated group has alternatives that can start with the same "
                                "character (as in (a|ab)+)"
                            )
                if any(empty for _chars, empty in firsts):  # an optional part, as x? is
                    for alt in av[1]:
                        reason = _absorbs(shape, shape.chars(alt), rest, start)
                        if reason:
                            return reason
                for alt in av[1]:
                    reason = scan(alt, rest)
                    if reason:
                        return reason
            elif name == "SUBPATTERN":
                reason = scan(av[-1], rest)
                if reason:
                    return reason
        return None

    return scan(items, [])


def _absorbs(shape: _Shape, inner: frozenset[str], rest: list, start: frozenset[str]) -> str | None:
    """A repetition (of characters ``inner``) inside a repeated group that begins with ``start``:
    ambiguous when it can run on into the next round, i.e. what follows it in the round can be
    skipped or matched with its own characters, and the next round can begin with them too."""
    if not inner & start:
        return None
    for seq in rest:
        for item in seq:
            chars, nullable = shape.first_item(item)
            if nullable:
                continue
            if not (shape.chars([item]) & inner if chars else False):
                return None  # something only the round itself can match: the boundary is fixed
    return "a repetition inside a repeated group can also match the start of the next round (as in (a+)+)"
