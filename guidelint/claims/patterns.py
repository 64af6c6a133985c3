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

import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

SEP = r"(?:[,\"')]*\s+[\"'(]*|,)"
GAP_WORD = r"[^\s,;:\"()]+"
PRONOUNS = ("it", "they", "them", "this", "that", "one", "which")


class PatternError(ValueError):
    """A pattern is malformed (the pack loader turns it into a PackError with a line)."""


def _refuse_slow(body: str) -> None:
    """A raw regex that could backtrack for minutes is a pack error (see guidelint.saferegex)."""
    from guidelint.saferegex import unsafe_reason

    reason = unsafe_reason(body, re.IGNORECASE)
    if reason:
        raise PatternError(
            f"regular expression {body!r} could run for minutes on some sentences: {reason}; "
            "rewrite it so that each repeated part starts with something the part before it "
            "cannot match"
        )


_LEX = re.compile(r"\s+|!?\(|\)\??|\||[^\s()|]+")
_GAP = re.compile(r"_(\d*)")
_TERM = re.compile(r"\{([a-z][a-z0-9_-]*)\}")


@functools.lru_cache(maxsize=4096)  # a pattern is read again for its literals, a term list per use
def _lex(src: str) -> tuple[str, ...]:
    out = []
    pos = 0
    while pos < len(src):
        m = _LEX.match(src, pos)
        if not m:  # pragma: no cover - the lexer accepts every character
            raise PatternError(f"cannot read pattern at {src[pos:]!r}")
        if not m.group().isspace():
            out.append(m.group())
        pos = m.end()
    return tuple(out)


# A run of word characters: on ASCII text (the only text the prefilter looks at) the ``\w`` of
# the compiled patterns.
WORD_RUN = re.compile(r"\w+", re.ASCII)


@dataclass(frozen=True, slots=True)
class Literal:
    r"""ASCII text that every match of a pattern element contains, for the prefilter (see
    prefilter.py). ``kind`` says where it lies in the matched text:

    * ``WORD``: a whole word, i.e. a maximal run of word characters (``\w``). A word of the
      pattern language always stands between separators (whitespace, quotes, brackets, commas) or
      the pattern's own boundaries ``(?<![\w$])`` and ``(?![\w])``, so ``in`` is the word "in",
      never the end of "within" or the start of "into";
    * ``PREFIX``: the start of such a run (``certif*``);
    * ``TEXT``: anywhere: literals of raw ``re:`` regexes, and pattern words that are not a single
      run of word characters (``100%``, ``can't``, ``hands-on``).

    ``cased``: compared as written (``=MA``, case-sensitive parts of raw regexes); else the text
    is lower-case and compared with the lower-cased sentence.
    """

    text: str
    kind: str = "word"
    cased: bool = False

    WORD: ClassVar[str] = "word"
    PREFIX: ClassVar[str] = "prefix"
    TEXT: ClassVar[str] = "text"


class Regex:
    """A regular expression of a pack, compiled on first use.

    Compiling a pack's regexes is most of the cost of loading it, and a run that checks no page
    (every page served from the cache, no GL4 rule selected, ``guidelint rules``) never needs them.
    So loading a pack translates and checks every pattern but compiles only the regexes with raw
    ``re:`` parts (compiling them is how they are checked); the others, which the compiler always
    emits valid, are compiled by ``compiled`` when first used (a process pool compiles them all
    before forking, so that its workers inherit them: see ``Engine.compile``).

    ``safe``: made of the pattern language only (see Compiled.safe). ``anchors``: literals one of
    which occurs in every match (see Compiled.anchors); None when unknown.
    """

    __slots__ = ("_compiled", "anchors", "flags", "parts", "pattern", "safe")

    def __init__(
        self,
        pattern: str,
        flags: int = re.IGNORECASE,
        *,
        safe: bool = False,
        anchors: frozenset[Literal] | None = None,
        check: bool = False,
    ):
        self.pattern = pattern
        self.flags = flags
        self.safe = safe
        self.anchors = anchors
        # an alternation of cue patterns keeps its branches: the engine scans only the branches
        # whose literals the sentence has (see Compiler.alternation)
        self.parts: tuple[Compiled, ...] = ()
        self._compiled: re.Pattern[str] | None = None
        if check:
            _ = self.compiled  # raises re.error

    @property
    def compiled(self) -> re.Pattern[str]:
        rx = self._compiled
        if rx is None:
            rx = self._compiled = re.compile(self.pattern, self.flags)
        return rx

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def finditer(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, pos, endpos)

    def __repr__(self) -> str:
        return f"Regex({self.pattern!r})"


@dataclass(frozen=True, slots=True)
class Compiled:
    source: str
    regex: Regex
    has_subject: bool
    # Prefilter: literals one of which occurs in every text the regex matches; None when unknown
    # (a raw ``re:`` part) or not looked for (``Compiler.compile(literals=False)``): then the
    # regex is always tried.
    anchors: frozenset[Literal] | None = None
    # All of these literal sets must meet the text (one per required element that has literals):
    # a stronger prefilter than ``anchors`` (which is the most selective of them).
    requires: tuple[frozenset[Literal], ...] | None = None
    # True when the regex is made of the pattern language only (no raw ``re:`` part): it then begins
    # with a one-character lookbehind, ends with a literal word and a one-character lookahead, and
    # never ends with whitespace (the engine relies on this to reuse whole-clause scans).
    safe: bool = False


def _selectivity(lits: frozenset[Literal] | set[Literal]) -> tuple[int, int]:
    """Rank literal sets: longer shortest literal first, then fewer literals."""
    return (min(len(x.text) for x in lits), -len(lits))


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
        self._term_anchors: dict[str, frozenset[Literal] | None] = {}
        self._active: list[str] = []
        self._raw = False

    # -- public -------------------------------------------------------------------------------
    def compile(
        self,
        src: str,
        *,
        subject: list[str] | None = None,
        named: bool = True,
        literals: bool = True,
    ) -> Compiled:
        """Translate and check one pattern. ``literals``: also find its prefilter literals
        (Compiled.requires), for the patterns the prefilter looks at."""
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
            _refuse_slow(body)
            try:
                rx = Regex(body, check=True)
            except re.error as exc:
                raise PatternError(f"bad regular expression {body!r}: {exc}") from None
            requires = self.requires(src) if literals else None
            anchors = max(requires, key=_selectivity) if requires else None
            return Compiled(src, rx, False, anchors=anchors, requires=requires)
        body = self.fragment(src)
        full = rf"(?<![\w$]){body}(?![\w])"
        safe = not self._raw
        try:
            rx = Regex(full, safe=safe, check=not safe)  # raw parts from term lists: check them now
        except re.error as exc:
            raise PatternError(f"pattern {src!r} compiles to an invalid regex: {exc}") from None
        requires = self.requires(src, subject) if literals else None
        anchors = None
        if requires:
            anchors = max(requires, key=_selectivity)
        return Compiled(
            src, rx, self._subjects > 0, anchors=anchors, requires=requires or None, safe=safe
        )

    def alternation(self, parts: list[Compiled]) -> Regex | None:
        """One regex matching any of ``parts`` (cue lists, compiled with ``named=False``)."""
        if not parts:
            return None
        raw = not all(c.safe for c in parts)
        anchors: set[Literal] | None = set()
        for c in parts:
            anchors = anchors | c.anchors if anchors is not None and c.anchors is not None else None
        # with raw parts the joined regex may still fail to compile: check it now (raises re.error)
        rx = Regex(
            "|".join(f"(?:{c.regex.pattern})" for c in parts),
            safe=not raw,
            anchors=frozenset(anchors) if anchors is not None else None,
            check=raw,
        )
        rx.parts = tuple(parts)
        return rx

    # -- prefilter literals -------------------------------------------------------------------
    def requires(
        self, src: str, subject: list[str] | None = None
    ) -> tuple[frozenset[Literal], ...] | None:
        """Literal sets, one per required element of pattern ``src`` that has literals: every match
        contains a literal of each set (see Compiled.requires)."""
        if src.startswith("re:"):
            return _raw_requires(src[3:].strip())
        try:
            toks = _lex(src)
            sets: list[frozenset[Literal]] = []
            self._anchor_seq(toks, 0, subject, sets)
        except (PatternError, IndexError, KeyError):  # pragma: no cover - compile() validated it
            return None
        out: list[frozenset[Literal]] = []
        for x in sets:
            if x not in out:
                out.append(x)
        return tuple(out) or None

    def _anchor_seq(
        self, toks: tuple[str, ...], i: int, subject, every: list | None = None
    ) -> tuple[frozenset[Literal] | None, int]:
        best: frozenset[Literal] | None = None
        best_key = None
        while i < len(toks) and toks[i] != "|" and not toks[i].startswith(")"):
            tok = toks[i]
            optional = False
            if tok in ("(", "!("):
                i += 1
                union: set[Literal] | None = set()
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
                if _GAP.fullmatch(tok):
                    continue
                if tok.startswith("!"):
                    tok = tok[1:]
                if len(tok) > 1 and tok.endswith("?"):
                    optional = True
                    tok = tok[:-1]
                lits = self._anchor_word(tok, subject)
            if optional or not lits:
                continue
            frozen = frozenset(lits)
            if every is not None:
                every.append(frozen)
            key = _selectivity(frozen)
            if best_key is None or key > best_key:
                best, best_key = frozen, key
        return best, i

    def _anchor_word(self, tok: str, subject) -> set[Literal] | None:
        m = _TERM.fullmatch(tok)
        if m:
            name = m.group(1)
            if name == "subject":
                got = self._anchor_list(subject or [])
                return None if got is None else got | {Literal(p) for p in PRONOUNS}
            if name not in self._term_anchors:
                self._term_anchors[name] = None  # guards against cycles (compile() rejects them)
                got = self._anchor_list(self._terms_src[name])
                self._term_anchors[name] = frozenset(got) if got is not None else None
            known = self._term_anchors[name]
            return set(known) if known is not None else None
        cased = tok.startswith("=")
        if cased:
            tok = tok[1:]
        prefix = tok.endswith("*") and len(tok) > 1
        if prefix:
            tok = tok[:-1]
        if not tok or not tok.isascii():
            return None
        if not WORD_RUN.fullmatch(tok):
            kind = Literal.TEXT
        else:
            kind = Literal.PREFIX if prefix else Literal.WORD
        return {Literal(tok if cased else tok.lower(), kind, cased)}

    def _anchor_list(self, sources: list[str]) -> set[Literal] | None:
        out: set[Literal] = set()
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

    def _seq(self, toks: tuple[str, ...], i: int, src: str) -> tuple[str, int]:
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
                gap = _GAP.fullmatch(tok)
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
        m = _TERM.fullmatch(tok)
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
                self._terms[name] = (
                    "(?:" + "|".join(self._compile_list(self._terms_src[name], name)) + ")"
                )
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
                    _refuse_slow(s[3:].strip())
                    out.append(f"(?:{s[3:].strip()})")
                else:
                    out.append(self.fragment(s))
            return out
        finally:
            self._owned, self._subjects, self._named = saved


# -- prefilter literals of raw regexes -----------------------------------------------------------
# While a raw regex is read, a literal is lower-case (the regex part ignores case) or, when the
# regex part is case-sensitive, prefixed with CASE; _raw_requires makes them TEXT Literals.
CASE = "\x00"


def _raw_requires(body: str) -> tuple[frozenset[Literal], ...] | None:
    """Literal sets every match of a raw regex contains, from Python's own regex parser; None
    when nothing certain can be said."""
    if sys.version_info >= (3, 11):
        from re import _parser as sre_parse
    else:  # pragma: no cover
        import sre_parse
    try:
        tree = sre_parse.parse(body, re.IGNORECASE)
        sets: list[frozenset[str]] = []
        _raw_seq(sre_parse, list(tree.data), True, sets)
    except Exception:  # pragma: no cover - anything unexpected: no prefilter
        return None
    return (
        tuple(
            frozenset(
                Literal(x[1:], Literal.TEXT, True) if x[0] == CASE else Literal(x, Literal.TEXT)
                for x in lits
            )
            for lits in sets
        )
        or None
    )


def _raw_seq(sp, items, icase: bool, sets: list) -> None:
    c = sp
    run: set[str] = {""}

    def flush():
        nonlocal run
        if run and all(run):  # not the empty string
            if icase:
                if all(x.isascii() for x in run):
                    sets.append(frozenset(x.lower() for x in run))
            elif all(x.isascii() for x in run):
                sets.append(frozenset(CASE + x for x in run))
        run = {""}

    for op, av in items:
        if op is c.LITERAL:
            run = {x + chr(av) for x in run}
        elif (
            op is c.IN
            and len(av) <= 4
            and all(o is c.LITERAL for o, _ in av)
            and len(run) * len(av) <= 16
        ):
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
            union: set[str] | None = set()
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
