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
and it does not catch polynomial cases such as ``.*a.*b`` on very long text: those are bounded in
time instead, when they run (see "running them with a time bound" below, and GL912).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from time import perf_counter
from typing import Any

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


# ------------------------------------------------------------------ running them with a time bound
# The shape check above refuses what backtracks exponentially, not what is merely polynomial:
# ``.*a.*b.*c`` on a long value, or ``.*[ab].*[ab].*[ab]\d`` (600 characters took 193 s with
# ``re``). So the expressions a site supplies (its own claims packs' ``re:`` parts and ``applies_to``
# patterns, its schemas' ``pattern`` and ``patternProperties``) run with the ``regex`` module, whose
# calls take a timeout, against one budget of PAGE_SECONDS for each page: a call that runs out
# stops, counts as no match, and is reported (GL912) with the expression's file and line and the
# page line; the page's other user expressions are then skipped too (and reported once). The
# built-in pack's expressions keep running with ``re``.

PAGE_SECONDS = 1.0  # time for a page's user-supplied expressions, all calls together

_FLAGS = ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE", "ASCII", "UNICODE")  # re -> regex


class TimedOut:
    """A user expression that ran out of the page's time (or was skipped after that)."""

    __slots__ = ("line", "rx", "skipped")

    def __init__(self, rx: Bounded, skipped: bool):
        self.rx = rx
        self.skipped = skipped  # not run: the page's time had run out before
        self.line: int | None = None  # the page line of the text, once known

    @property
    def origin(self) -> str:
        """``file:line`` of the expression (read late: a schema's is known once it is read)."""
        return self.rx.origin or "a schema"

    @property
    def pattern(self) -> str:
        return self.rx.pattern


class Clock:
    """The page's time for user expressions, and what ran out of it (reset for each page)."""

    def __init__(self) -> None:
        self.remaining = PAGE_SECONDS
        self.events: list[TimedOut] = []
        self.pending = 0  # events at the end of ``events`` with no page line yet
        self.stops = 0  # calls stopped or skipped (reported or not), for a caller to tell

    def start_page(self) -> None:
        self.remaining = PAGE_SECONDS
        self.events = []
        self.pending = 0

    def record(self, rx: Bounded, skipped: bool) -> None:
        self.stops += 1
        if skipped and any(e.skipped or e.rx is rx for e in self.events):
            return  # one "skipped from here on" a page is enough (none for the one out of time)
        self.events.append(TimedOut(rx, skipped))
        self.pending += 1

    def locate(self, line: int) -> None:
        """Give the events recorded since the last call the page line of the text they ran on."""
        for event in self.events[len(self.events) - self.pending :]:
            event.line = line
        self.pending = 0

    def take(self) -> list[TimedOut]:
        """The page's events (and a fresh list for the next)."""
        events, self.events, self.pending = self.events, [], 0
        return events


CLOCK = Clock()


class Bounded:
    """A user-supplied regular expression, run by the ``regex`` module within the page's time.

    It offers what guidelint calls on a compiled ``re`` pattern (``search``, ``match``,
    ``fullmatch``, ``finditer``, ``pattern``, ``flags``, ``groupindex``), with the same results
    (``regex`` in its default VERSION0 behaves as ``re``), except that a call that runs out of
    time returns no match (``finditer`` stops) and is recorded on :data:`CLOCK`.
    """

    __slots__ = ("_rx", "flags", "groupindex", "groups", "origin", "pattern")

    def __init__(self, pattern: str, flags: int = 0, origin: str = ""):
        import re

        import regex

        rflags = regex.VERSION0
        for name in _FLAGS:
            if flags & getattr(re, name):
                rflags |= getattr(regex, name)
        self._rx = regex.compile(pattern, rflags)
        self.pattern = pattern
        self.flags = flags
        self.origin = origin
        self.groupindex = self._rx.groupindex
        self.groups = self._rx.groups

    def _call(self, method, string: str, pos: int, endpos: int | None):
        clock = CLOCK
        if clock.remaining <= 0:
            clock.record(self, True)
            return None
        start = perf_counter()
        try:
            if endpos is None:
                return method(string, pos, timeout=clock.remaining)
            return method(string, pos, endpos, timeout=clock.remaining)
        except TimeoutError:
            clock.remaining = 0
            clock.record(self, False)
            return None
        finally:
            clock.remaining -= perf_counter() - start

    def search(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._call(self._rx.search, string, pos, endpos)

    def match(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._call(self._rx.match, string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int | None = None):
        return self._call(self._rx.fullmatch, string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int | None = None) -> Iterator[Any]:
        clock = CLOCK
        if clock.remaining <= 0:
            clock.record(self, True)
            return iter(())
        if endpos is None:
            found = self._rx.finditer(string, pos, timeout=clock.remaining)
        else:
            found = self._rx.finditer(string, pos, endpos, timeout=clock.remaining)
        return self._steps(found)

    def _steps(self, found: Iterator[Any]) -> Iterator[Any]:
        clock = CLOCK
        while True:
            start = perf_counter()
            try:
                m = next(found)
            except StopIteration:
                return
            except TimeoutError:
                clock.remaining = 0
                clock.record(self, False)
                return
            finally:
                clock.remaining -= perf_counter() - start
            yield m

    def __repr__(self) -> str:
        return f"Bounded({self.pattern!r}, {self.origin!r})"


# ------------------------------------------------------------------ schemas' pattern keywords
_SCHEMA_PATTERNS: dict[str, Bounded] = {}
TIMED_OUT = "pattern-time-bound"  # the ``validator`` of a schema error for a pattern out of time


def schema_pattern(pattern: str, origin: str = "") -> Bounded:
    """The bounded form of a schema's ``pattern`` or ``patternProperties`` key (``origin``: the
    schema's file and line, given when the schema is read)."""
    got = _SCHEMA_PATTERNS.get(pattern)
    if got is None:
        got = _SCHEMA_PATTERNS[pattern] = Bounded(pattern, 0, origin)
    elif origin and not got.origin:
        got.origin = origin
    return got


def _searched(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` is found in ``text``; None when it ran out of time (or was skipped)."""
    before = CLOCK.stops
    found = schema_pattern(pattern).search(text)
    if found is None and CLOCK.stops != before:
        return None
    return found is not None


def bounded_validator(base: Any) -> Any:
    """``base`` (a jsonschema validator class) with ``pattern``, ``patternProperties`` and
    ``additionalProperties`` searching through :func:`schema_pattern`: a pattern out of time is
    an error of validator :data:`TIMED_OUT` at the value (or key), never a wrong verdict."""
    from jsonschema import ValidationError, validators
    from jsonschema._keywords import additionalProperties as _additional

    additionalProperties: Any = _additional  # (a generator; typed as returning None)

    def timed_out(pattern: str) -> Any:
        origin = schema_pattern(pattern).origin
        return ValidationError(f"{pattern}\n{origin}", validator=TIMED_OUT)

    def pattern_kw(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "string"):
            return
        found = _searched(pattern, instance)
        if found is None:
            yield timed_out(pattern)
        elif not found:
            yield ValidationError(f"{instance!r} does not match {pattern!r}")

    def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for pattern, subschema in patterns.items():
            for k, v in instance.items():
                found = _searched(pattern, k)
                if found is None:
                    error = timed_out(pattern)
                    error.path.appendleft(k)
                    yield error
                elif found:
                    yield from validator.descend(v, subschema, path=k, schema_path=pattern)

    def additional_properties(validator: Any, ap: Any, instance: Any, schema: Any) -> Any:
        patterns = schema.get("patternProperties")
        if not patterns or not validator.is_type(instance, "object"):
            yield from additionalProperties(validator, ap, instance, schema)
            return
        # jsonschema's own, with each key searched for by the bounded patterns (a key a pattern
        # ran out of time on counts as matched: reported by patternProperties, not as unknown)
        properties = schema.get("properties", {})
        extras = [
            k
            for k in instance
            if k not in properties and all(_searched(p, k) is False for p in patterns)
        ]
        if validator.is_type(ap, "object"):
            for extra in extras:
                yield from validator.descend(instance[extra], ap, path=extra)
        elif not ap and extras:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            listed = ", ".join(repr(each) for each in sorted(patterns))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {listed}")

    return validators.extend(
        base,
        {
            "pattern": pattern_kw,
            "patternProperties": pattern_properties,
            "additionalProperties": additional_properties,
        },
    )
