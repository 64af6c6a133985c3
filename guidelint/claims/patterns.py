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


class Compiler:
    """Compiles patterns against a pack's term lists."""

    def __init__(self, terms: dict[str, list[str]]):
        self._terms_src = terms
        self._terms: dict[str, str] = {}
        self._active: list[str] = []

    # -- public -------------------------------------------------------------------------------
    def compile(self, src: str, *, subject: list[str] | None = None, named: bool = True) -> Compiled:
        self._owned = 0
        self._subjects = 0
        self._named = named
        self._subject_src = subject
        if not isinstance(src, str) or not src.strip():
            raise PatternError("a pattern must be a non-empty string")
        if src.startswith("re:"):
            body = src[3:].strip()
            try:
                rx = re.compile(body, re.IGNORECASE)
            except re.error as exc:
                raise PatternError(f"bad regular expression {body!r}: {exc}") from None
            return Compiled(src, rx, False)
        body = self.fragment(src)
        full = rf"(?<![\w$]){body}(?![\w])"
        try:
            rx = re.compile(full, re.IGNORECASE)
        except re.error as exc:  # pragma: no cover - the compiler emits valid regexes
            raise PatternError(f"pattern {src!r} compiles to an invalid regex: {exc}") from None
        return Compiled(src, rx, self._subjects > 0)

    def alternation(self, sources: list[str]) -> re.Pattern[str] | None:
        """One regex matching any of ``sources`` (cue lists); no named groups."""
        if not sources:
            return None
        parts = []
        for s in sources:
            c = self.compile(s, named=False)
            parts.append(c.regex.pattern if s.startswith("re:") else c.regex.pattern)
        return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)

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
            try:
                self._terms[name] = "(?:" + "|".join(self._compile_list(self._terms_src[name], name)) + ")"
            finally:
                self._active.pop()
        return self._terms[name]

    def _compile_list(self, sources: list[str], what: str) -> list[str]:
        saved = (self._owned, self._subjects, self._named)
        self._named = False
        try:
            out = []
            for s in sources:
                if s.startswith("re:"):
                    out.append(f"(?:{s[3:].strip()})")
                else:
                    out.append(self.fragment(s))
            return out
        finally:
            self._owned, self._subjects, self._named = saved
