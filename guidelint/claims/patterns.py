"""The pattern mini-language of claims rule packs, compiled to Python regular expressions.

A pattern is a sequence of words separated by spaces, matched case-insensitively with word
boundaries, allowing commas, quotes and brackets between words:

``word``        a literal word (``can't``, ``$``, ``100%`` are words too)
``word*``       a prefix: ``certif*`` matches certify, certified, certification
``=MA``         a case-sensitive literal (for acronyms that are also ordinary words)
``(a|b c)``     alternatives; each alternative is itself a sequence
``x?``/``(..)?``  optional word or group
``_`` / ``_N``  a gap of 0..3 (or 0..N) arbitrary words
``{name}``      a named term list from the pack's ``terms:`` (``{subject}``: the rule's subjects)
``!word``/``!(..)``  a negation that is part of the claim itself ("!no exam"): the engine does
                not count it as negating the claim
``re:<regex>``  a raw Python regular expression (case-insensitive), for what the above cannot say
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEP = r"(?:[,\"')]*\s+[\"'(]*|,)"
GAP_WORD = r"[^\s,;:\"()]+"
PRONOUNS = ("it", "they", "them", "this", "that", "one")


class PatternError(ValueError):
    """A pattern is malformed (the pack loader turns it into a PackError with a line)."""


_LEX = re.compile(r"\s+|!?\(|\)\??|\||[^\s()|]+")


def _lex(src: str) -> list[str]:
    out = []
    pos = 0
    while pos < len(src):
        m = _LEX.match(src, pos)
        if not m:  # pragma: no cover - the lexer accepts every character
            raise PatternError(f"cannot read pattern at {src[pos:]!r}")
        if not m.group().isspace():
            out.append(m.group())
        pos = m.end()
    return out


@dataclass(frozen=True, slots=True)
class Compiled:
    source: str
    regex: re.Pattern[str]
    has_subject: bool
    # Prefilter: lower-case ASCII literals one of which occurs (as a substring, case-insensitively) in
    # every text the regex matches; None when unknown (a raw ``re:`` part), i.e. always try the regex.
    anchors: frozenset[str] | None = None
    # All of these literal sets must meet the text (one per required element that has literals):
    # a stronger prefilter than ``anchors`` (which is the most selective of them).
    requires: tuple[frozenset[str], ...] | None = None
    # True when the regex is made of the pattern language only (no raw ``re:`` part): it then begins
    # with a one-character lookbehind, ends with a literal word and a one-character lookahead, and
    # never ends with whitespace (the engine relies on this to reuse whole-clause scans).
    safe: bool = False


# Regexes from :meth:`Compiler.alternation` made of the pattern language only (see Compiled.safe).
_SAFE: set[tuple[str, int]] = set()


def is_safe(rx: re.Pattern[str] | None) -> bool:
    return rx is not None and (rx.pattern, rx.flags) in _SAFE


def _selectivity(lits) -> tuple[int, int]:
    """Rank literal sets: longer shortest literal first, then fewer literals."""
    return (min(len(x) for x in lits), -len(lits))


def _minimal(lits: set[str]) -> frozenset[str]:
    """Drop literals that contain another literal of the set (the shorter one is implied)."""
    out = [x for x in lits if not any(y != x and y in x for y in lits)]
    return frozenset(out)


class Compiler:
    """Compiles patterns against a pack's term lists."""

    def __init__(self, terms: dict[str, list[str]]):
        self._terms_src = terms
        self._terms: dict[str, str] = {}
        self._term_raw: dict[str, bool] = {}
        self._term_anchors: dict[str, frozenset[str] | None] = {}
        self._active: list[str] = []
        self._raw = False

    # -- public -------------------------------------------------------------------------------
    def compile(self, src: str, *, subject: list[str] | None = None, named: bool = True) -> Compiled:
        self._owned = 0
        self._subjects = 0
        self._named = named
        self._subject_src = subject
        self._raw = False
        if not isinstance(src, str) or not src.strip():
            raise PatternError("a pattern must be a non-empty string")
        if src.startswith("re:"):
            self._raw = True
            body = src[3:].strip()
            try:
                rx = re.compile(body, re.IGNORECASE)
            except re.error as exc:
                raise PatternError(f"bad regular expression {body!r}: {exc}") from None
            requires = self.requires(src)
            anchors = max(requires, key=_selectivity) if requires else None
            return Compiled(src, rx, False, anchors=anchors, requires=requires)
        body = self.fragment(src)
        full = rf"(?<![\w$]){body}(?![\w])"
        try:
            rx = re.compile(full, re.IGNORECASE)
        except re.error as exc:  # pragma: no cover - the compiler emits valid regexes
            raise PatternError(f"pattern {src!r} compiles to an invalid regex: {exc}") from None
        safe = not self._raw
        requires = self.requires(src, subject)
        anchors = None
        if requires:
            anchors = max(requires, key=_selectivity)
        return Compiled(src, rx, self._subjects > 0, anchors=anchors, requires=requires or None, safe=safe)

    def alternation(self, sources: list[str]) -> re.Pattern[str] | None:
        """One regex matching any of ``sources`` (cue lists); no named groups."""
        if not sources:
            return None
        parts = []
        raw = False
        for s in sources:
            c = self.compile(s, named=False)
            raw = raw or self._raw
            parts.append(c.regex.pattern if s.startswith("re:") else c.regex.pattern)
        rx = re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
        if not raw:
            _SAFE.add((rx.pattern, rx.flags))
        return rx

    # -- prefilter literals -------------------------------------------------------------------
    def requires(self, src: str, subject: list[str] | None = None) -> tuple[frozenset[str], ...] | None:
        """Literal sets, one per required element of pattern ``src`` that has literals: every match
        contains a literal of each set (see Compiled.requires)."""
        if src.startswith("re:"):
            return _raw_requires(src[3:].strip())
        try:
            toks = _lex(src)
            sets: list[set[str]] = []
            self._anchor_seq(toks, 0, subject, sets)
        except (PatternError, IndexError, KeyError):  # pragma: no cover - compile() validated it
            return None
        out = []
        for x in sets:
            m = _minimal(x)
            if m not in out:
                out.append(m)
        return tuple(out) or None

    def _anchor_seq(self, toks: list[str], i: int, subject, every: list | None = None) -> tuple[set[str] | None, int]:
        best: set[str] | None = None
        best_key = None
        while i < len(toks) and toks[i] != "|" and not toks[i].startswith(")"):
            tok = toks[i]
            optional = False
            if tok in ("(", "!("):
                i += 1
                union: set[str] | None = set()
                while True:
                    part, i = self._anchor_seq(toks, i, subject)
                    if part is None or union is None:
                        union = None
                    else:
                        union |= part
                    if toks[i] == "|":
                        i += 1
                        continue
                    break
                optional = toks[i] == ")?"
                i += 1
                lits = union
            else:
                i += 1
                if re.fullmatch(r"_(\d*)", tok):
                    continue
                if tok.startswith("!"):
                    tok = tok[1:]
                if len(tok) > 1 and tok.endswith("?"):
                    optional = True
                    tok = tok[:-1]
                lits = self._anchor_word(tok, subject)
            if optional or not lits:
                continue
            lits = set(_minimal(lits))
            if every is not None:
                every.append(lits)
            key = (min(len(x) for x in lits), -len(lits))
            if best_key is None or key > best_key:
                best, best_key = lits, key
        return best, i

    def _anchor_word(self, tok: str, subject) -> set[str] | None:
        m = re.fullmatch(r"\{([a-z][a-z0-9_-]*)\}", tok)
        if m:
            name = m.group(1)
            if name == "subject":
                got = self._anchor_list(subject or [])
                return None if got is None else got | set(PRONOUNS)
            if name not in self._term_anchors:
                self._term_anchors[name] = None  # guards against cycles (compile() rejects them)
                got = self._anchor_list(self._terms_src[name])
                self._term_anchors[name] = frozenset(got) if got is not None else None
            got = self._term_anchors[name]
            return set(got) if got is not None else None
        if tok.startswith("="):
            tok = tok[1:]
        if tok.endswith("*") and len(tok) > 1:
            tok = tok[:-1]
        lit = tok.lower()
        if not lit or not lit.isascii() or lit.upper().lower() != lit:
            return None
        return {lit}

    def _anchor_list(self, sources: list[str]) -> set[str] | None:
        out: set[str] = set()
        for s in sources:
            if s.startswith("re:"):
                return None
            got, _ = self._anchor_seq(_lex(s), 0, None)
            if not got:
                return None
            out |= got
        return out

    # -- internals ----------------------------------------------------------------------------
    def fragment(self, src: str) -> str:
        toks = _lex(src)
        seq, i = self._seq(toks, 0, src)
        if i != len(toks):
            raise PatternError(f"unbalanced ')' in pattern {src!r}")
        return seq

    def _seq(self, toks: list[str], i: int, src: str) -> tuple[str, int]:
        out = ""
        need_sep = False
        n_elems = 0
        while i < len(toks) and toks[i] not in ("|",) and not toks[i].startswith(")"):
            tok = toks[i]
            optional = False
            if tok in ("(", "!("):
                alts = []
                i += 1
                while True:
                    part, i = self._seq(toks, i, src)
                    if not part:
                        raise PatternError(f"empty alternative in pattern {src!r}")
                    alts.append(part)
                    if i >= len(toks):
                        raise PatternError(f"missing ')' in pattern {src!r}")
                    if toks[i] == "|":
                        i += 1
                        continue
                    break
                close = toks[i]
                optional = close == ")?"
                core = "(?:" + "|".join(alts) + ")"
                if tok == "!(":
                    core = self._own(core)
                i += 1
            else:
                i += 1
                gap = re.fullmatch(r"_(\d*)", tok)
                if gap:
                    if not need_sep:
                        raise PatternError(f"a gap cannot start pattern {src!r}")
                    n = int(gap.group(1) or 3)
                    if n > 12:
                        raise PatternError(f"gap _{n} is too wide (at most _12) in {src!r}")
                    if i >= len(toks) or toks[i] == "|" or toks[i].startswith(")"):
                        raise PatternError(f"a gap cannot end a sequence in {src!r}")
                    out += f"(?:{SEP}{GAP_WORD}){{0,{n}}}?"
                    continue
                owned = tok.startswith("!")
                if owned:
                    tok = tok[1:]
                if len(tok) > 1 and tok.endswith("?"):
                    optional = True
                    tok = tok[:-1]
                core = self._word(tok, src)
                if owned:
                    core = self._own(core)
            n_elems += 1
            if not need_sep:
                if optional:
                    out += f"(?:{core}{SEP})?"
                else:
                    out += core
                    need_sep = True
            else:
                out += f"(?:{SEP}{core})?" if optional else f"{SEP}{core}"
        if n_elems and not need_sep:
            raise PatternError(f"pattern {src!r} has only optional parts")
        return out, i

    def _own(self, core: str) -> str:
        if not self._named:
            return core
        name = f"N{self._owned}"
        self._owned += 1
        return f"(?P<{name}>{core})"

    def _word(self, tok: str, src: str) -> str:
        m = re.fullmatch(r"\{([a-z][a-z0-9_-]*)\}", tok)
        if m:
            return self._term(m.group(1), src)
        if "{" in tok or "}" in tok:
            raise PatternError(f"bad term reference {tok!r} in pattern {src!r} (write {{name}})")
        case = tok.startswith("=")
        if case:
            tok = tok[1:]
        prefix = tok.endswith("*") and len(tok) > 1
        if prefix:
            tok = tok[:-1]
        if "*" in tok or not tok:
            raise PatternError(f"'*' may only end a word, in pattern {src!r}")
        lit = re.escape(tok)
        if prefix:
            lit += r"[\w'-]*"
        return f"(?-i:{lit})" if case else lit

    def _term(self, name: str, src: str) -> str:
        if name == "subject":
            if self._subject_src is None:
                raise PatternError(f"{{subject}} used in {src!r}, but the rule has no subjects")
            alts = "|".join(self._compile_list(self._subject_src, "subject"))
            pron = "|".join(PRONOUNS)
            core = f"(?:{alts}|{pron})"
            if self._named:
                self._subjects += 1
                if self._subjects > 1:
                    raise PatternError(f"{{subject}} may appear once per pattern: {src!r}")
                return f"(?P<S0>{core})"
            return core
        if name not in self._terms:
            if name not in self._terms_src:
                raise PatternError(f"unknown term list {{{name}}} in pattern {src!r}")
            if name in self._active:
                raise PatternError(f"term list {{{name}}} refers to itself")
            self._active.append(name)
            saved_raw, self._raw = self._raw, False
            try:
                self._terms[name] = "(?:" + "|".join(self._compile_list(self._terms_src[name], name)) + ")"
                self._term_raw[name] = self._raw
            finally:
                self._active.pop()
                self._raw = saved_raw or self._raw
        if self._term_raw.get(name):
            self._raw = True
        return self._terms[name]

    def _compile_list(self, sources: list[str], what: str) -> list[str]:
        saved = (self._owned, self._subjects, self._named)
        self._named = False
        try:
            out = []
            for s in sources:
                if s.startswith("re:"):
                    self._raw = True
                    out.append(f"(?:{s[3:].strip()})")
                else:
                    out.append(self.fragment(s))
            return out
        finally:
            self._owned, self._subjects, self._named = saved


# -- prefilter literals of raw regexes -----------------------------------------------------------
# A literal set from a raw regex is either lower-case (matched case-insensitively: looked up in the
# lower-cased text) or, when the regex part is case-sensitive, prefixed with CASE (looked up as is).
CASE = "\x00"


def _raw_requires(body: str) -> tuple[frozenset[str], ...] | None:
    """Literal sets every match of a raw regex contains, from Python's own regex parser; None
    when nothing certain can be said."""
    try:
        from re import _parser as sre_parse  # Python 3.11+
    except ImportError:  # pragma: no cover
        import sre_parse  # type: ignore[no-redef]
    try:
        tree = sre_parse.parse(body, re.IGNORECASE)
        sets: list[frozenset[str]] = []
        _raw_seq(sre_parse, list(tree), True, sets)
    except Exception:  # pragma: no cover - anything unexpected: no prefilter
        return None
    return tuple(sets) or None


def _raw_seq(sp, items, icase: bool, sets: list) -> None:
    c = sp
    run: set[str] | None = {""}

    def flush():
        nonlocal run
        if run and all(len(x) >= 2 for x in run):
            if icase:
                if all(x.isascii() for x in run):
                    sets.append(frozenset(x.lower() for x in run))
            elif all(x.isascii() for x in run):
                sets.append(frozenset(CASE + x for x in run))
        run = {""}

    for op, av in items:
        if op is c.LITERAL:
            run = {x + chr(av) for x in run}
        elif op is c.IN and len(av) <= 4 and all(o is c.LITERAL for o, _ in av) and len(run) * len(av) <= 16:
            run = {x + chr(v) for x in run for _, v in av}
        elif op is c.SUBPATTERN:
            flush()
            _group, add, dele, sub = av
            ic = icase
            if add & re.IGNORECASE:
                ic = True
            if dele & re.IGNORECASE:
                ic = False
            if ic != icase:
                return_sets: list = []
                _raw_seq(c, list(sub), ic, return_sets)
                sets.extend(return_sets)
            else:
                _raw_seq(c, list(sub), ic, sets)
        elif op is c.BRANCH:
            flush()
            union: set[str] = set()
            for alt in av[1]:
                got: list = []
                _raw_seq(c, list(alt), icase, got)
                if not got:
                    union = None
                    break
                # a branch's most selective set stands for it
                union |= max(got, key=lambda a: (min(len(x) for x in a), -len(a)))
            if union:
                sets.append(_minimal(union))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[0] >= 1:
            flush()
            _raw_seq(c, list(av[2]), icase, sets)
        elif op is c.AT or op in (c.ASSERT, c.ASSERT_NOT):
            flush()  # zero-width: consumes nothing, the run is interrupted but nothing is lost
        else:
            flush()
    flush()
