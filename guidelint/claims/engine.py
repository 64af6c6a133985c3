"""The claims engine: decides, per sentence, whether it asserts a claim a pack forbids.

Approach (after NegEx/ConText, but our own code and lists): a rule's claim patterns are matched
clause by clause; a match counts as a violation unless, within its clause,

* a negation governs it (a trigger up to ``NEG_WINDOW`` words before it, or inside the match but
  not part of the claim itself; an even number of negations cancels out),
* a hedge from the pack or the rule is present (unless an aggravating cue is present too),
* it is quoted, or lies in the scope of a rejection cue ("a common myth is that ...", "... is a
  red flag"), or the sentence (or its clause, when an answer follows: "Do you need a license? No.")
  is a question, unless the rule lists the pattern under ``presuppositions``: a phrase that takes
  the claim for granted ("which certification do you need", "licensed medical assistants") counts
  in a question too,
* a required subject is missing from the clause, or the claim is about another actor
  ("Nurses must be licensed").

A rule may defer to other codes (``defers_to``): it reports nothing in a sentence where one of
them matched. Clause structure comes from :mod:`text` (terminators, list lead-ins, series,
fronted concessives).

The engine knows nothing about any profession: all words come from the packs.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from . import text as tx
from .pack import (
    AppliesTo,
    ClaimRule,
    FigureRule,
    Pack,
    PackError,
    Requirement,
    builtin_pack_paths,
    load_pack,
)
from .patterns import PRONOUNS, Compiled, Regex
from .prefilter import Prefilter

NEG_WINDOW = 8

# Generic clause-structure mechanisms added in round 4, each with a switch so that what it changes
# can be measured (ablation) and tested on its own:
# - answered_yes: a yes/no question followed by a yes ("Is a license required? Yes.") asserts
#   what it asks; the answer's hedges and aggravators count ("Yes, in some states").
# - expletive_it: "it is necessary to get certified": the subject of an extraposed infinitive or
#   that-clause after the claim is the claim's subject.
# - mandate_complement: "employers require MAs to earn a certification": an infinitive that
#   completes a mandate verb is what the mandate demands, not a purpose that conditions it, so a
#   hedge that reads it as a purpose ("to earn the CMA, you must ...") does not count.
# - answer_across_sentences: on a page, a question and the sentence right after it in the same
#   block, when that sentence opens with a yes or a no, are read together (the answered-yes and
#   answered-no rules need both); only the question's own matches are kept.
# - parenthetical_relative: "The AAMA, which awards the CMA, is an accrediting body": the main
#   clause goes on after the relative clause's closing comma; it is read again with the relative
#   clause blanked out (same length, so positions stay), and its claims are added.
MECHANISMS = {
    "answered_yes": True,
    "expletive_it": True,
    "mandate_complement": True,
    "answer_across_sentences": True,
    "parenthetical_relative": True,
}

# Generic English negation triggers (NegEx-style); packs may add more under cues.negations.
_NEG = re.compile(
    r"(?<![\w'])(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|unless|no-one|rarely|seldom)"
    r"(?![\w'])"
    r"|(?<![\w'])\w+n't(?![\w])",
    re.IGNORECASE,
)
# Pseudo-negations: contain a trigger word but do not negate.
_PSEUDO = re.compile(
    r"\b(?:not only|not just|no doubt|no matter|not to mention|nothing but|without a doubt|"
    r"without question|whether or not|or not|no later than|no less than|not least)\b",
    re.IGNORECASE,
)
_NEITHER_NOR = ("neither", "nor")
_CONJ = re.compile(r"\b(?:and|or)\b", re.IGNORECASE)


def _answer_start(full: str, a: int) -> bool:
    """Does position ``a`` start the sentence or follow a question/sentence end ("? No, ...")?"""
    before = full[:a].rstrip()
    return not before or before[-1] in ".?!"


# An embedded question ("the answer to whether an MA needs a license is no") asserts nothing, as
# a question does: from "whether" to the end of its clause, or to its comma when it opens the
# clause ("Whether you work in a clinic or a hospital, you must ...").
_WHETHER = re.compile(r"\bwhether\b(?!\s+or\s+not\b)", re.IGNORECASE)


def _in_embedded_question(full: str, cs: int, start: int) -> bool:
    """Does ``start`` lie in the scope of an embedded "whether" question of its clause?"""
    for m in _WHETHER.finditer(full, cs, start):
        if full[cs : m.start()].strip(" \t\"'(,"):
            return True  # "the answer to whether ..." : to the end of the clause
        comma = full.find(",", m.end(), start)
        if comma < 0:
            return True  # "Whether ..." opening the clause reaches to its comma
    return False


# Pronouns that can stand for a subject named earlier in the sentence ("which": a relative clause
# split off at ", which" refers back to what precedes it).
_PRONOUN = re.compile(r"\b(?:it|they|this|these|which)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ClaimMatch:
    """One violation: offsets are into the sentence given to :meth:`Engine.check`."""

    code: str
    policy: str
    severity: str
    start: int
    end: int
    text: str
    message: str
    suggestion: str
    why: str
    name: str
    kind: str = "claim"
    aggravated: bool = False

    def describe(self) -> str:
        return f"{self.policy}: {self.message} \u2014 {self.why} Suggestion: {self.suggestion}"


@dataclass(frozen=True, slots=True)
class FigureContext:
    """What the page around a sentence says about its figures (filled in by the rule module)."""

    # the paragraph (or sentence) links to a source; or a function that tells, called only when
    # a figure's attribution depends on it (it has a reference period), at most once
    source_in_paragraph: bool | Callable[[], bool] = False
    period_in_paragraph: bool = False  # the paragraph names a reference period (e.g. "May 2024")
    front_matter_dated_source: bool = (
        False  # front matter lists a source with a period/accessed date
    )


class _Sentence:
    """A sentence prepared for checking. Everything but ``full`` is computed on first use, so a
    sentence that no rule can match (see :mod:`prefilter`) costs one normalisation and a few
    look-ups. Offsets: see :mod:`text`."""

    __slots__ = (
        "_cache",
        "_clauses",
        "_engine",
        "_neg_maxlen",
        "_neg_starts",
        "_negs",
        "_quote_starts",
        "_quotes",
        "_scopes",
        "_section",
        "_segments",
        "_tok_ends",
        "_tok_starts",
        "_toks",
        "bits",
        "full",
        "offset",
        "question",
        "text",
    )

    def __init__(
        self,
        engine: Engine,
        text: str,
        full: str,
        offset: int,
        question: bool,
        section=(),
        bits: int | None = None,
    ):
        self.text = text  # the caller's sentence
        self.full = full  # normalised lead-in + sentence
        self.offset = offset  # where the sentence starts in ``full``
        self.question = question
        self.bits = bits  # the prefilter's literal sets met by ``full`` (None: unknown)
        self._engine = engine
        self._section = section
        self._cache: dict = {}
        self._clauses: list[tx.Clause] | None = None
        self._segments: list[tx.Clause] | None = None
        self._toks: list[tx.Token] | None = None
        self._negs: list[tuple[int, int, str]] | None = None
        self._quotes: list[tuple[int, int]] | None = None
        self._scopes: list[tuple[int, int]] | None = None

    def branches(self, rx: Regex | None) -> list[Regex]:
        """The regexes to scan for ``rx``: for an alternation of cue patterns, only the branches
        whose literals the sentence has (scanning a long alternation costs every branch at every
        position); none when the prefilter rules ``rx`` out."""
        if rx is None:
            return []
        return self._engine.prefilter().branches(rx, self.bits)

    def may_contain(self, rx: Regex | Compiled) -> bool:
        """False when the prefilter knows that ``rx`` matches nowhere in ``full`` nor in any of its
        clauses (see :mod:`prefilter`)."""
        return self._engine.prefilter().may_match(rx, self.bits)

    @property
    def clauses(self) -> list[tx.Clause]:
        if self._clauses is None:
            self._clauses = tx.clauses(self.full)
        return self._clauses

    @property
    def segments(self) -> list[tx.Clause]:
        if self._segments is None:
            self._segments = tx.segments(self.full)
        return self._segments

    @property
    def toks(self) -> list[tx.Token]:
        if self._toks is None:
            self._toks = tx.tokens(self.full)
            self._tok_starts = [t.start for t in self._toks]
            self._tok_ends = [t.end for t in self._toks]
        return self._toks

    def words_between(self, start: int, end: int) -> int:
        """How many word tokens lie entirely within [start, end) (tokens never overlap)."""
        _ = self.toks  # builds the token offsets
        i = bisect_left(self._tok_starts, start)
        j = bisect_right(self._tok_ends, end)
        return j - i if j > i else 0

    @property
    def negs(self) -> list[tuple[int, int, str]]:
        if self._negs is None:
            full = self.full
            negs = []
            pseudo = [m.span() for m in _PSEUDO.finditer(full)]
            pseudo_starts = [a for a, _ in pseudo]
            pseudo_max_end = list(accumulate((b for _, b in pseudo), max))
            rx = [_NEG] + [
                c.negations
                for c in self._engine.cues
                if c.negations is not None and self.may_contain(c.negations)
            ]
            for r in rx:
                for m in r.finditer(full):
                    a = m.start()
                    # in a pseudo-negation: some pseudo span (pa, pb) with pa <= a < pb
                    k = bisect_right(pseudo_starts, a)
                    if k and pseudo_max_end[k - 1] > a:
                        continue
                    word = m.group().lower()
                    if word == "no" and full.startswith(",", m.end()) and _answer_start(full, a):
                        continue  # "No, certification is not required": an answer, not a negation
                    negs.append((a, m.end(), word))
            negs.sort()
            self._negs = negs
            self._neg_starts = [a for a, _, _ in negs]
            self._neg_maxlen = max((b - a for a, b, _ in negs), default=0)
        return self._negs

    @property
    def quotes(self) -> list[tuple[int, int]]:
        if self._quotes is None:
            self._quotes = tx.quoted_spans(self.full)
            self._quote_starts = [a for a, _ in self._quotes]
        return self._quotes

    @property
    def reject_scopes(self) -> list[tuple[int, int]]:
        if self._scopes is None:
            full = self.full
            scopes: list[tuple[int, int]] = []
            cues = self._engine.cues
            for c in cues:
                for rx in self.branches(c.reject_before):
                    for m in rx.finditer(full):
                        seg = tx.clause_at(self.segments, m.start())
                        scopes.append((m.start(), seg.end))
                for rx in self.branches(c.reject_after):
                    for m in rx.finditer(full):
                        scopes.append((0, m.start()))
            if any(self._engine.rejects_what_follows(title) for title in self._section):
                scopes.append((0, len(full)))  # under a "Red flags" / "What to avoid" heading
            self._scopes = scopes
        return self._scopes

    def in_reject_scope(self, pos: int) -> bool:
        """Is there a scope (a, b) with a <= pos < b?"""
        key = ("scopes",)
        got = self._cache.get(key)
        if got is None:
            sc = sorted(self.reject_scopes)
            got = self._cache[key] = ([a for a, _ in sc], list(accumulate((b for _, b in sc), max)))
        starts, max_end = got
        k = bisect_right(starts, pos)
        return bool(k) and max_end[k - 1] > pos

    def in_quote(self, start: int, end: int) -> bool:
        """Is [start, end) inside a quoted span (quoted spans never overlap)?"""
        quotes = self.quotes
        if not quotes:
            return False
        k = bisect_right(self._quote_starts, start)
        if not k:
            return False
        _a, b = quotes[k - 1]
        if end <= b:
            return True
        # spans are disjoint and sorted, so no earlier one reaches further; but be exact for an
        # empty [start, end) that could sit in several
        return any(a <= start and end <= b for a, b in quotes[: k - 1]) if end <= start else False

    def spans(self, rx: Regex, start: int, end: int) -> list[tuple[int, int]]:
        """``[m.span() for m in rx.finditer(full, start, end)]``, computed once per window."""
        key = (id(rx), start, end)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = [m.span() for m in rx.finditer(self.full, start, end)]
        return got

    def span_ends(self, rx: Regex, start: int, end: int) -> list[int]:
        key = ("ends", id(rx), start, end)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = [b for _, b in self.spans(rx, start, end)]
        return got

    def first(self, rx: Regex | re.Pattern[str], start: int, end: int):
        """``rx.search(full, start, end)`` (cached)."""
        key = ("first", id(rx), start, end)
        if key not in self._cache:
            self._cache[key] = rx.search(self.full, start, end)
        return self._cache[key]

    def search_before(self, rx: Regex, safe: bool, lo: int, x: int) -> bool:
        """``rx.search(full, lo, x) is not None``, in amortised constant time when possible.

        Reuses the first match of the whole window [lo, len): for a regex of the pattern language
        (``safe``) and a text with whitespace just before ``x``, a match in [lo, x) can neither end
        at ``x`` (it would end with whitespace) nor look at ``x``, so it exists in [lo, x) exactly
        when the first match of the whole window ends before ``x``; a match that straddles ``x``
        falls back to the plain search."""
        full = self.full
        if safe and x > lo and full[x - 1].isspace():
            m0 = self.first(rx, lo, len(full))
            if m0 is None or m0.start() >= x:
                return False
            if m0.end() < x:
                return True
        return rx.search(full, lo, x) is not None


def _match(
    rule: ClaimRule | FigureRule, s: _Sentence, a: int, b: int, kind: str, aggravated: bool = False
) -> ClaimMatch:
    """The match of ``rule`` over ``s.text[a:b]``, with the rule's wording."""
    return ClaimMatch(
        code=rule.code,
        policy=rule.policy,
        severity=rule.severity,
        start=a,
        end=b,
        text=s.text[a:b],
        message=rule.message,
        suggestion=rule.suggestion,
        why=rule.why,
        name=rule.name,
        kind=kind,
        aggravated=aggravated,
    )


class Engine:
    """Holds the loaded packs (merged) and checks sentences against them."""

    def __init__(
        self,
        packs: Sequence[Pack],
        *,
        disabled: Iterable[str] = (),
        severities: dict[str, str] | None = None,
    ):
        self.packs = list(packs)
        disabled = {c.upper() for c in disabled}
        severities = {k.upper(): v for k, v in (severities or {}).items()}
        for code, sev in severities.items():
            if sev not in ("error", "warning", "info"):
                raise PackError(
                    f"severity override for {code} must be error, warning or info, not {sev!r}"
                )
        self.rules: list[ClaimRule] = []
        self.figure_rules: list[FigureRule] = []
        self.requirements: list[Requirement] = []
        seen: dict[str, str] = {}
        for p in self.packs:
            defined: list[ClaimRule | FigureRule] = [*p.rules, *p.figures]
            for r in defined:
                if r.code in seen:
                    raise PackError(
                        f"rule code {r.code} is defined twice (also in {seen[r.code]})",
                        p.path,
                        r.line,
                    )
                seen[r.code] = p.path
        for p in self.packs:
            for r in p.rules:
                if r.code not in disabled:
                    self.rules.append(replace(r, severity=severities.get(r.code, r.severity)))
            for f in p.figures:
                if f.code not in disabled:
                    self.figure_rules.append(
                        replace(f, severity=severities.get(f.code, f.severity))
                    )
            for q in p.required:
                if q.code not in disabled:
                    self.requirements.append(
                        replace(q, severity=severities.get(q.code, q.severity))
                    )
        self.cues = [p.cues for p in self.packs]
        self._deferring = {r.code: r.defers_to for r in self.rules if r.defers_to}
        self._prefilter: Prefilter | None = None
        self._codes_needed: dict[frozenset[str], frozenset[str] | None] = {}
        self._rejecting_titles: dict[str, bool] = {}

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def load(
        cls,
        paths: Iterable[str | Path] = (),
        *,
        builtin: bool = True,
        disabled: Iterable[str] = (),
        severities: dict[str, str] | None = None,
    ) -> Engine:
        """Build an engine from the built-in packs (``claims.builtin``) plus ``claims.packs``."""
        packs = [load_pack(p) for p in builtin_pack_paths()] if builtin else []
        packs += [load_pack(p) for p in paths]
        return cls(packs, disabled=disabled, severities=severities)

    def all_rules(self) -> list:
        """Every rule (claim, figure, required-claim) for the registry, in code order."""
        out: dict[str, ClaimRule | FigureRule | Requirement] = {}
        everything: list[ClaimRule | FigureRule | Requirement] = [
            *self.rules,
            *self.figure_rules,
            *self.requirements,
        ]
        for r in everything:
            out.setdefault(r.code, r)
        return [out[k] for k in sorted(out)]

    def codes_needed(self, selected: frozenset[str]) -> frozenset[str] | None:
        """The codes :meth:`check` must look for so that it finds the matches of the ``selected``
        codes exactly as when looking for every code (a selected figure rule also needs the
        claim rules of its policy: a promise covers a figure; a rule that defers to others needs
        them); None when that is every code."""
        if selected not in self._codes_needed:
            policies = {f.policy for f in self.figure_rules if f.code in selected}
            codes = {r.code for r in self.rules if r.code in selected or r.policy in policies}
            codes |= {f.code for f in self.figure_rules if f.code in selected}
            # a rule that defers to others needs them checked to know when to stay silent
            codes |= {d for c in list(codes) for d in self._deferring.get(c, ())}
            every = len(codes) == len(self.rules) + len(self.figure_rules)
            self._codes_needed[selected] = None if every else frozenset(codes)
        return self._codes_needed[selected]

    # -- compilation ---------------------------------------------------------------------------
    def compile(self) -> None:
        """Compile every regex of the packs and build the prefilter now; otherwise each is done on
        first use (see patterns.Regex). A process pool calls this before forking its workers, so
        that they inherit the compiled engine instead of each compiling it again."""
        claims = [p for r in self.rules for p in (*r.claims, *r.subjects, *r.exceptions)]
        figures = [
            rx for f in self.figure_rules for rx in (f.figures, f.context, f.sources, f.periods)
        ]
        for rx in (
            [p.regex for p in (*claims, *self._required_patterns(), *self._cue_parts())]
            + self._cue_regexes()
            + figures
        ):
            _ = rx.compiled  # compile now, not on first use
        self.prefilter()

    def prefilter(self) -> Prefilter:
        """The prefilter of the claim, figure and required-claim rules and of the cues (built on
        first use)."""
        if self._prefilter is None:
            others: list[Compiled | Regex] = [
                *self._required_patterns(),
                *self._cue_regexes(),
                *self._cue_parts(),
            ]
            self._prefilter = Prefilter(self.rules, self.figure_rules, others)
        return self._prefilter

    def _required_patterns(self) -> list[Compiled]:
        return [
            p for q in self.requirements for p in (*q.any, *(p for group in q.all for p in group))
        ]

    def _cue_regexes(self) -> list[Regex]:
        """The cue lists of the packs and of the rules (hedges, aggravators, rejections, ...)."""
        cues = [rx for c in self.cues for rx in vars(c).values() if rx is not None]
        return cues + [rx for r in self.rules for rx in (r.hedges, r.aggravators) if rx is not None]

    def _cue_parts(self) -> list[Compiled]:
        """The branches of the cue alternations (scanned one by one, see _cue_in)."""
        return [p for rx in self._cue_regexes() for p in rx.parts]

    # -- sentence analysis --------------------------------------------------------------------
    def _prepare(
        self, sentence: str, lead_in: str | None, section: Iterable[str] = ()
    ) -> _Sentence:
        full, offset = _normalised(sentence, lead_in)
        bits = self.prefilter().bits(full)
        return _Sentence(self, sentence, full, offset, tx.is_question(sentence), section, bits)

    @staticmethod
    def answers_question(text: str) -> bool:
        """Does ``text`` open with a yes or a no, as the answer to a question before it does?"""
        return _answered_no(text, 0) or _answered_yes(text, 0)

    def rejects_what_follows(self, title: str) -> bool:
        """Is ``title`` a heading that rejects what follows ("Red flags", "What to avoid")?"""
        got = self._rejecting_titles.get(title)
        if got is None:
            text = tx.normalise(title)
            # the alternation matches where one of its branches does: only the branches whose
            # literals the title has are scanned (see Prefilter.branches)
            prefilter = self.prefilter()
            bits = prefilter.bits(text)
            got = any(
                rx.search(text)
                for c in self.cues
                if c.reject_before is not None
                for rx in prefilter.branches(c.reject_before, bits)
            )
            if len(self._rejecting_titles) < 4096:
                self._rejecting_titles[title] = got
        return got

    def _cue_in(
        self,
        s: _Sentence,
        attr: str,
        start: int,
        end: int,
        extra: Regex | None,
        owned: Sequence[tuple[int, int]] = (),
    ) -> bool:
        """Is a cue (hedge, aggravator) present in [start, end)? Cues inside the claim's own
        ``!``-marked words are part of the claim, not cues."""
        rxs = [getattr(c, attr) for c in self.cues if getattr(c, attr) is not None]
        if extra is not None:
            rxs.append(extra)
        complement = attr == "hedges" and (
            MECHANISMS["mandate_complement"] or MECHANISMS["expletive_it"]
        )
        for r in rxs:
            for rx in s.branches(r):
                for a, b in s.spans(rx, start, end):
                    if any(oa <= a and b <= ob for oa, ob in owned):
                        continue
                    if complement and _mandated_infinitive(s.full, a):
                        continue
                    return True
        return False

    def _negation_count(
        self, s: _Sentence, clause: tx.Clause, start: int, end: int, owned: list[tuple[int, int]]
    ) -> int:
        negs = s.negs
        if not negs:
            return 0
        found = []
        starts = s._neg_starts
        cs, ce = clause.start, clause.end
        # triggers before the claim, within NEG_WINDOW words: walk back from the claim; once even a
        # trigger ending as late as a + (longest trigger) is too far away, every earlier one is too
        maxlen = s._neg_maxlen
        i = bisect_left(starts, start) - 1
        lo = bisect_left(starts, cs)
        nearest = None  # start of the trigger found nearest before the claim
        while i >= lo:
            a, b, w = negs[i]
            # this trigger and every earlier one end by a + maxlen: stop once that is too far away
            if s.words_between(a + maxlen, start) > NEG_WINDOW:
                break
            if b <= ce and b <= start and s.words_between(b, start) <= NEG_WINDOW:
                if nearest is not None and _CONJ.search(s.full, b, nearest):
                    # "are not licensed and are not required to ...": a negation of an earlier
                    # conjunct does not cancel the one governing the claim's own conjunct
                    break
                found.append(w)
                nearest = a
            i -= 1
        # triggers inside the claim but not part of it
        j = bisect_left(starts, start)
        while j < len(negs) and negs[j][0] < end:
            a, b, w = negs[j]
            if (
                cs <= a
                and b <= ce
                and b <= end
                and not any(oa <= a and b <= ob for oa, ob in owned)
            ):
                found.append(w)
            j += 1
        if all(w in found for w in _NEITHER_NOR):
            found.remove("nor")
        return len(found)

    def is_negated(self, s: _Sentence, clause: tx.Clause, start: int, end: int, owned=()) -> bool:
        return self._negation_count(s, clause, start, end, list(owned)) % 2 == 1

    def _rejected(self, s: _Sentence, start: int, end: int) -> bool:
        if s.in_quote(start, end):
            return True
        return s.in_reject_scope(start)

    def _actor_is_other(self, s: _Sentence, clause: tx.Clause, start: int) -> bool:
        """Is the claim at ``start`` about another actor than the one the pack guards ("Nurses
        must be licensed")? The actor is the clause's last actor before the claim that is not
        the object of a preposition ("work with physicians", "like nurses") nor a possessive
        ("doctors' offices"); with none, an actor right after a fronted phrase that holds the
        claim ("With training and licensing, nurses can advance")."""
        best: tuple[int, str, int] | None = None
        full = s.full
        cs, ce = clause.start, clause.end
        for c in self.cues:
            for attr, label in (("self_actors", "self"), ("other_actors", "other")):
                for r in s.branches(getattr(c, attr)):
                    spans = s.spans(r, cs, ce)
                    k = bisect_left(s.span_ends(r, cs, ce), start + 1)
                    # matches that end by ``start``, latest first
                    for a, b in reversed(spans[:k]):
                        if best is not None and a < best[0]:
                            break
                        if _not_an_actor(full, a, b):
                            continue
                        best = (a, label, b)
                        break
        if best is None:
            # no actor before the claim: when the claim sits in a fronted phrase ended by a
            # comma, the actor right after that comma is the one the clause is about
            comma = full.rfind(",", start, ce)
            if comma < 0:
                return False
            for c in self.cues:
                for attr, label in (("self_actors", "self"), ("other_actors", "other")):
                    for r in s.branches(getattr(c, attr)):
                        for a, b in s.spans(r, comma, ce):
                            near = s.words_between(comma, a) <= 2
                            if (
                                near
                                and not _not_an_actor(full, a, b)
                                and (best is None or a < best[0])
                            ):
                                best = (a, label, b)
                            break
        if best is None or best[1] != "other":
            return False
        # an other actor coordinated with the guarded one ("CMAs and LPNs need ...") shares the
        # claim with it
        a = best[0]
        b = best[2]
        for c in self.cues:
            for r in s.branches(c.self_actors):
                for sa, sb in s.spans(r, cs, ce):
                    coordinated = (sb <= a and _COORDINATED.fullmatch(full, sb, a)) or (
                        b <= sa and _COORDINATED.fullmatch(full, b, sa)
                    )
                    if coordinated and not _not_an_actor(full, sa, sb):
                        return False
        return True

    def check(
        self,
        sentence: str,
        *,
        lead_in: str | None = None,
        kind: str = "text",
        figures: FigureContext | Callable[[], FigureContext] | None = None,
        codes: Iterable[str] | None = None,
        section: Iterable[str] = (),
    ) -> list[ClaimMatch]:
        """Check one sentence (inline markup already removed).

        ``lead_in``: the sentence introducing the list this sentence is an item of.
        ``kind``: "text", "heading", "table" or "list" (headings and cells are checked the same way;
        a question heading asserts nothing). ``figures``: page context for figure attribution, or a
        function returning it (called only for a sentence with a figure to attribute); when None,
        figures are attributed only by the sentence itself.
        ``codes``: check only these codes. ``section``: titles of the enclosing headings; under a
        heading that rejects what follows ("Red flags", "What to avoid") claims are not asserted.

        The prefilter (see :mod:`prefilter`) first rules out, from the sentence's words alone, the
        rules and patterns that cannot match; a sentence with none left costs nothing more.
        """
        if not sentence or not sentence.strip():
            return []
        full, offset = _normalised(sentence, lead_in)
        screened = self.prefilter().screen(full)
        if screened is None:
            return []
        bits, plan, figure_rules = screened
        wanted = {c.upper() for c in codes} if codes is not None else None
        s = _Sentence(self, sentence, full, offset, tx.is_question(sentence), section, bits)
        out: list[ClaimMatch] = []
        self._check_plan(s, plan, wanted, out)
        if MECHANISMS["parenthetical_relative"] and ", wh" in full:
            main = _without_parenthetical(full)
            if main is not None:
                again = self.prefilter().screen(main)
                if again is not None:
                    s2 = _Sentence(self, sentence, main, offset, s.question, section, again[0])
                    more: list[ClaimMatch] = []
                    self._check_plan(s2, again[1], wanted, more)
                    out.extend(
                        m
                        for m in more
                        if not any(
                            o.code == m.code and o.start < m.end and m.start < o.end for o in out
                        )
                    )
        if out and self._deferring:
            found = {m.code for m in out}
            out = [m for m in out if not set(self._deferring.get(m.code, ())) & found]
        policies = {m.policy for m in out}
        for fr in figure_rules:
            if wanted is not None and fr.code not in wanted:
                continue
            if fr.policy in policies:  # a promise already covers the figure
                continue
            out.extend(self._check_figure(fr, s, figures))
        out.sort(key=lambda m: (m.start, m.code))
        return out

    def _check_plan(self, s: _Sentence, plan, wanted, out: list[ClaimMatch]) -> None:
        for rule, pats in plan:
            if wanted is not None and rule.code not in wanted:
                continue
            if s.question and not rule.questions:
                # a question asserts nothing, except what its presupposition triggers take as given
                pats = [p for p in pats if p in rule.presuppositions]
                if not pats:
                    continue
            out.extend(self._check_rule(rule, s, pats))

    def _check_rule(self, rule: ClaimRule, s: _Sentence, pats: list[Compiled]) -> list[ClaimMatch]:
        """The rule's violations in the sentence; ``pats``: the claims the prefilter left."""
        hits: list[tuple[int, int, bool]] = []
        full = s.full
        for ci, clause in enumerate(s.clauses):
            cs, ce = clause.start, clause.end
            clause_pats = pats
            cue_end = ce  # where the clause's hedges and aggravators end
            if not rule.questions and full.startswith("?", ce) and ce < len(full) - 1:
                # a question followed by its answer ("Do you need a license? Usually not."):
                # the question clause asserts only what it presupposes, and nothing when it asks
                # about a need and the answer is no ("Do I need an MA license? Put simply, no.")
                if _answered_no(full, ce + 1):
                    if _NEED.search(full, cs, ce):
                        continue
                    clause_pats = [p for p in pats if p in rule.presuppositions]
                elif MECHANISMS["answered_yes"] and _answered_yes(full, ce + 1):
                    # "Is a license required? Yes, in every state.": the question is asserted,
                    # and its answer qualifies it
                    cue_end = _answer_end(full, ce + 1)
                else:
                    clause_pats = [p for p in pats if p in rule.presuppositions]
            for pat in clause_pats:
                for m in pat.regex.finditer(full, cs, ce):
                    start, end = m.span()
                    if any(_overlaps(s, ex.regex, cs, ce, start, end) for ex in rule.exceptions):
                        continue
                    gd = m.groupdict()
                    owned = [
                        m.span(k) for k, v in gd.items() if k.startswith("N") and v is not None
                    ]
                    span_start, span_end = start, end
                    if pat.has_subject:
                        subj = gd.get("S0")
                        if subj is not None and subj.lower() in PRONOUNS:
                            x = m.start("S0")
                            if (
                                MECHANISMS["expletive_it"]
                                and subj.lower() == "it"
                                and _extraposed_subject(s, rule, end, ce)
                            ):
                                pass  # "it is essential to get certified"
                            elif not any(
                                s.search_before(sp.regex, sp.safe, 0, x) for sp in rule.subjects
                            ):
                                continue
                            if rule.actor_check and self._pronoun_is_other(s, rule, x):
                                continue
                    elif rule.subjects:
                        sm = None
                        for sp in rule.subjects:
                            sm = s.first(sp.regex, cs, ce)
                            if sm:
                                break
                        if sm is None:
                            # a pronoun in the clause may stand for a subject named earlier in the sentence
                            pm = _first_pronoun(s, cs, ce, start)
                            if pm is None:  # the claim may begin with it ("it's a necessity")
                                m0 = _PRONOUN.match(full, start)
                                pm = m0.span() if m0 else None
                            if pm is None or not any(
                                s.search_before(sp.regex, sp.safe, 0, pm[0]) for sp in rule.subjects
                            ):
                                continue
                            sm_start, sm_end = pm
                        else:
                            sm_start, sm_end = sm.span()
                        span_start, span_end = min(start, sm_start), max(end, sm_end)
                        if span_end - span_start > 80:
                            span_start, span_end = start, end
                    if rule.rejectable and self._rejected(s, start, end):
                        continue
                    if (
                        not rule.questions
                        and pat not in rule.presuppositions
                        and _in_embedded_question(full, cs, start)
                    ):
                        continue
                    if rule.actor_check and self._actor_is_other(s, clause, start):
                        continue
                    if rule.negatable and self.is_negated(s, clause, start, end, owned):
                        # "Most states do not require it, but virtually all employers do": an
                        # elliptical clause asserts the negated claim again, of its own subject
                        ell = _elliptical(s, ci)
                        if ell is None:
                            continue
                        got = self._asserted_in_ellipsis(rule, s, ell)
                        if got is not None:
                            hits.append((span_start, span_end, got))
                        continue
                    aggravated = self._cue_in(
                        s, "aggravators", cs, cue_end, rule.aggravators, owned
                    )
                    if (
                        rule.hedgeable
                        and not aggravated
                        and self._cue_in(
                            s, "hedges", _hedge_start(s, ci), cue_end, rule.hedges, owned
                        )
                    ):
                        continue
                    hits.append((span_start, span_end, aggravated))
        if not hits:
            return []
        hits.sort()
        merged: list[list] = []
        for a, b, ag in hits:
            if merged and a < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
                merged[-1][2] = merged[-1][2] or ag
            else:
                merged.append([a, b, ag])
        out = []
        n = len(s.text)
        for a, b, ag in merged:
            if s.offset:
                if b <= s.offset:  # wholly in the lead-in: the item completes the claim ...
                    if any(b <= c.start < s.offset for c in s.clauses):
                        # ... unless it is whole in a clause before the one the list completes
                        # ("The field is future-proof, and you can work in:"): the lead-in's
                        # own sentence reports it
                        continue
                    a, b = 0, n
                else:
                    a, b = max(a - s.offset, 0), min(b - s.offset, n)
                    if a >= b:
                        a, b = 0, n
            out.append(_match(rule, s, a, b, "claim", aggravated=ag))
        return out

    def _pronoun_is_other(self, s: _Sentence, rule: ClaimRule, x: int) -> bool:
        """Does the pronoun at ``x`` stand for another actor named after the rule's last subject
        ("An MA's scope is narrower than an LPN's, which is a licensed role")?"""
        last_subject = max(
            (a for sp in rule.subjects for a, _b in s.spans(sp.regex, 0, x)), default=-1
        )
        for c in self.cues:
            for r in s.branches(c.other_actors):
                if any(a > last_subject for a, _b in s.spans(r, 0, x)):
                    return True
        return False

    def _asserted_in_ellipsis(self, rule: ClaimRule, s: _Sentence, ell: tx.Clause) -> bool | None:
        """Does the elliptical clause ``ell`` ("but virtually all employers do") assert the claim
        it stands for? None when it does not (negated, about another actor, hedged); else
        whether it is aggravated."""
        a, b = ell.start, ell.end
        if any(a <= na and nb <= b for na, nb, _w in s.negs):
            return None
        if rule.actor_check and self._actor_is_other(s, ell, b):
            return None
        aggravated = self._cue_in(s, "aggravators", a, b, rule.aggravators)
        if rule.hedgeable and not aggravated and self._cue_in(s, "hedges", a, b, rule.hedges):
            return None
        return aggravated

    # -- figures (P8-style) -------------------------------------------------------------------
    def find_figures(self, sentence: str) -> list[tuple[int, int, str]]:
        """Pay/outlook figures in a sentence: (start, end, code of the figure rule)."""
        full = tx.normalise(sentence)
        out = []
        for fr in self.figure_rules:
            if not fr.context.search(full):
                continue
            out += [(m.start(), m.end(), fr.code) for m in fr.figures.finditer(full)]
        return out

    def find_promises(self, sentence: str, *, lead_in: str | None = None) -> list[ClaimMatch]:
        """Promises (claims of the figure rules' policies, e.g. "you will earn", "guaranteed job")."""
        policies = {f.policy for f in self.figure_rules}
        return [
            m
            for m in self.check(sentence, lead_in=lead_in)
            if m.policy in policies and m.kind == "claim"
        ]

    def _check_figure(
        self,
        fr: FigureRule,
        s: _Sentence,
        figures: FigureContext | Callable[[], FigureContext] | None,
    ) -> list[ClaimMatch]:
        if s.question or not fr.context.search(s.full):
            return []
        figs = [
            m
            for m in fr.figures.finditer(s.full)
            if m.end() > s.offset and not self._rejected(s, m.start(), m.end())
        ]
        if not figs:
            return []
        ctx = figures() if callable(figures) else figures or FigureContext()
        if ctx.front_matter_dated_source:
            return []
        # attributed: a source and a period. Without a period the figure is reported whatever
        # the sources say, so they are looked for only after a period is found (the sources are
        # the costlier regex, and the paragraph's are read only for such a figure)
        period = bool(fr.periods.search(s.full)) or ctx.period_in_paragraph
        if period and (fr.sources.search(s.full) or _known(ctx.source_in_paragraph)):
            return []
        a, b = figs[0].start() - s.offset, figs[-1].end() - s.offset
        a = max(a, 0)
        return [_match(fr, s, a, b, "figure")]

    # -- required claims ----------------------------------------------------------------------
    def requirements_for(
        self, page_type: str | None, slug: str | None
    ) -> list[tuple[Requirement, AppliesTo]]:
        """(requirement, applies_to entry) pairs that apply to a page; entry.section may be a regex."""
        out = []
        for q in self.requirements:
            for a in q.applies_to:
                if a.matches(page_type, slug):
                    out.append((q, a))
        return out

    def asserts(self, sentence: str, patterns, *, lead_in: str | None = None) -> bool:
        """Does the sentence assert (not negate, question or reject) any of ``patterns``?"""
        if not sentence.strip():
            return False
        s = self._prepare(sentence, lead_in)
        if s.question:
            return False
        patterns = [p for p in patterns if self.prefilter().may_match(p, s.bits)]
        if not patterns:
            return False
        for clause in s.clauses:
            for pat in patterns:
                for m in pat.regex.finditer(s.full, clause.start, clause.end):
                    owned = [
                        m.span(k)
                        for k, v in m.groupdict().items()
                        if k.startswith("N") and v is not None
                    ]
                    if self._rejected(s, *m.span()):
                        continue
                    if self.is_negated(s, clause, m.start(), m.end(), owned):
                        continue
                    return True
        return False

    def requirement_met(self, req: Requirement, sentences: Iterable[str]) -> bool:
        """True when the sentences make the required claim (any pattern, and every 'all' group)."""
        sentences = [x for x in sentences if x and x.strip()]
        if req.any and not any(self.asserts(x, req.any) for x in sentences):
            return False
        return all(any(self.asserts(x, group) for x in sentences) for group in req.all)


def _known(fact: bool | Callable[[], bool]) -> bool:
    """A fact of a FigureContext: given, or the answer of the function given (see
    FigureContext.source_in_paragraph)."""
    return fact() if callable(fact) else fact


def _normalised(sentence: str, lead_in: str | None) -> tuple[str, int]:
    """(the text to check, where the sentence starts in it): the normalised sentence, after the
    last sentence of its lead-in if it has one."""
    if lead_in:
        lead = _lead(lead_in)
        return lead + " " + tx.normalise(sentence), len(lead) + 1
    return tx.normalise(sentence), 0


@lru_cache(maxsize=256)  # the items of a list share their lead-in
def _lead(lead_in: str) -> str:
    """The part of a lead-in that governs its list: its last sentence, normalised, without the
    closing colon or dash."""
    lead = tx.normalise(tx.last_sentence(lead_in)).rstrip()
    return lead.rstrip(":?,-").rstrip()


def _overlaps(s: _Sentence, rx: Regex, cs: int, ce: int, start: int, end: int) -> bool:
    """Does a match of ``rx`` in the clause [cs, ce) overlap [start, end)? (Matches of one regex
    are sorted and disjoint, so their ends never decrease.)"""
    spans = s.spans(rx, cs, ce)
    if not spans:
        return False
    k = bisect_right(s.span_ends(rx, cs, ce), start)
    return k < len(spans) and spans[k][0] < end


# An actor that is the object of a preposition is not the one who acts ("work with physicians",
# "medical assistants, like nurses, must ..."); articles and possessives may come between.
_PREP_BEFORE = re.compile(
    r"(?:^|[\s,(])(?:with|like|unlike|alongside|beside|besides|for|to|by|from|under|than|of|"
    r"among|including|as|about|between|over)"
    r"(?:\s+(?:a|an|the|their|your|our|its|his|her|other|licensed|registered|many|most|some|all))*"
    r"\s+$",
    re.IGNORECASE,
)


_COORDINATED = re.compile(r"\s*(?:,|(?:,\s*)?(?:and|or|&|as well as))\s*", re.IGNORECASE)
_RELATIVE_AFTER = re.compile(r"\b(?:who|that)\b", re.IGNORECASE)


def _not_an_actor(full: str, a: int, b: int) -> bool:
    """Is the actor mention [a, b) a prepositional object or a possessive ("doctors' offices",
    "a physician's practice"), which names whose noun it is rather than who acts?"""
    if full.startswith("'", b):
        return True
    if _RELATIVE_AFTER.search(full, a, b + 6):
        return False  # "with professionals who hold licenses": the subject of its relative clause
    return _PREP_BEFORE.search(full, max(0, a - 40), a) is not None


_ANSWER_NO = re.compile(
    r"\s*(?:[\w']+,?\s+){0,3}?(?:no|not|none|never|nope)\b(?!\s+(?:only|just)\b)", re.IGNORECASE
)


# A question about a need ("Do I need an MA license?"): a "no" answer denies what it asks about,
# so the words of the question take nothing for granted ("Are licensed widgets common? No." still
# does: the no is about "common").
_NEED = re.compile(
    r"\b(?:need|needs|require|requires|required|have to|has to|must|necessary|mandatory)\b",
    re.IGNORECASE,
)


def _answered_no(full: str, pos: int) -> bool:
    """Does the answer starting at ``pos`` (after a question mark) begin with a no within its
    first few words ("No.", "Put simply, no.", "Usually not.")?"""
    return _ANSWER_NO.match(full, pos) is not None


# A yes answer to the question before it, within its first few words ("Yes.", "In short, yes",
# "Absolutely"); a no among those words ("Absolutely not") makes it a no, which is read first.
_ANSWER_YES = re.compile(
    r"\s*(?:[\w']+,?\s+){0,3}?(?:yes|yep|yeah|absolutely|definitely|certainly|of course)\b",
    re.IGNORECASE,
)
_ANSWER_END = re.compile(r"[.!?]")


def _answered_yes(full: str, pos: int) -> bool:
    """Does the answer starting at ``pos`` (after a question mark) begin with a yes?"""
    return _ANSWER_YES.match(full, pos) is not None


def _answer_end(full: str, pos: int) -> int:
    """The end of the answer's first sentence, which may qualify the question ("Yes, in some
    states.")."""
    m = _ANSWER_END.search(full, pos)
    return m.end() if m else len(full)


# After "it is <claim>": the infinitive or that-clause the expletive "it" stands for ("it is
# essential (for you) to get certified", "it is required that you be certified").
_EXTRAPOSED = re.compile(r"\s*,?\s*(?:for\s+(?:[\w'-]+\s+){1,3}?)?(?:to|that)\s", re.IGNORECASE)


def _extraposed_subject(s: _Sentence, rule: ClaimRule, end: int, ce: int) -> bool:
    """Is there, right after the claim ending at ``end``, an extraposed infinitive or
    that-clause of its clause that names one of the rule's subjects?"""
    m = _EXTRAPOSED.match(s.full, end, ce)
    if m is None:
        return False
    return any(s.first(sp.regex, m.end(), ce) for sp in rule.subjects)


# A mandate verb with its object just before an infinitive ("require MAs to", "expect new hires
# to"): the infinitive completes the mandate.
_MANDATE_BEFORE = re.compile(
    r"\b(?:require|requires|required|requiring|force|forces|forced|oblige|obliges|obliged|"
    r"compel|compels|compelled|expect|expects|expected|mandate|mandates|mandated|ask|asks|"
    r"want|wants|need|needs)\s+(?:(?!to\b)[\w'-]+\s+){1,4}$",
    re.IGNORECASE,
)


# "it is <adjective> (for someone)" just before an infinitive: the infinitive is the extraposed
# subject ("it is necessary to obtain a certification"), not a purpose.
_EXPLETIVE_BEFORE = re.compile(
    r"\bit(?:\s+is|'s|\s+was|\s+will\s+be)\s+(?:[\w-]+\s+){1,3}?"
    r"(?:for\s+(?:(?!to\b)[\w'-]+\s+){1,3})?$",
    re.IGNORECASE,
)


def _mandated_infinitive(full: str, a: int) -> bool:
    """Is the cue at ``a`` an infinitive ("to earn ...") that completes a mandate verb and its
    object ("employers require their assistants to earn ...") or that an expletive "it" stands
    for ("it is necessary to earn ...")?"""
    if not full.startswith(("to ", "To "), a):
        return False
    lo = max(0, a - 60)
    if MECHANISMS["mandate_complement"] and _MANDATE_BEFORE.search(full, lo, a) is not None:
        return True
    return MECHANISMS["expletive_it"] and _EXPLETIVE_BEFORE.search(full, lo, a) is not None


_RELATIVE = re.compile(r"\s*which\b", re.IGNORECASE)

# ", which ... ," or ", who ... ," closed by a comma that the main clause's verb follows ("The
# AAMA, which awards the CMA, is ..."); not when the comma goes on with a conjunction or another
# relative clause, or when a clause boundary comes first.
_PARENTHETICAL = re.compile(
    r",\s*(?:which|who)\b[^,;:?!.]{1,120},\s*(?!(?:and|or|but|so|which|who|while|because)\b)"
    r"(?=(?:is|are|was|were|has|have|had|does|do|can|may|must|will|would|should|offers?|"
    r"awards?|grants?|issues?|gives?|certifies|certify|accredits?|requires?|needs?|"
    r"remains?|serves?|acts?)\b)",
    re.IGNORECASE,
)


def _without_parenthetical(full: str) -> str | None:
    """``full`` with its parenthetical relative clauses blanked out (same length), or None."""
    spans = [m.span() for m in _PARENTHETICAL.finditer(full)]
    if not spans:
        return None
    parts = []
    pos = 0
    for a, b in spans:
        parts.append(full[pos:a])
        parts.append(" " * (b - a))
        pos = b
    parts.append(full[pos:])
    return "".join(parts)


# A clause that ends in a bare auxiliary stands for the verb phrase of the clause before it
# ("..., but in 2026 virtually all employers do.")
_ELLIPSIS = re.compile(
    r"\s*(?:[\w'$%-]+,?\s+){1,6}?(?:do|does|did|will|must|can|may|should|would)"
    r"(?:\s+(?:too|as\s+well|so))?\s*[.!]?\s*",
    re.IGNORECASE,
)


def _elliptical(s: _Sentence, ci: int) -> tx.Clause | None:
    """The clause after clause ``ci`` when it is elliptical (see _ELLIPSIS), else None."""
    cl = s.clauses
    if ci + 1 >= len(cl):
        return None
    nxt = cl[ci + 1]
    return nxt if _ELLIPSIS.fullmatch(s.full, nxt.start, nxt.end) else None


def _hedge_start(s: _Sentence, ci: int) -> int:
    """Where the hedges of clause ``ci`` may start: a relative clause split off at ", which"
    describes a noun of the clause before it, and that clause's hedges qualify it too
    ("programs most often end in a diploma, which takes around a year")."""
    cl = s.clauses
    while (
        ci > 0
        and s.full.startswith(",", cl[ci].start - 1)
        and _RELATIVE.match(s.full, cl[ci].start)
    ):
        ci -= 1
    return cl[ci].start


def _first_pronoun(s: _Sentence, cs: int, ce: int, start: int) -> tuple[int, int] | None:
    """``_PRONOUN.search(full, cs, start)`` as a span. With whitespace before ``start`` a match in
    [cs, start) ends before it and looks at nothing beyond it, so it is the first match of the
    whole clause unless that one straddles ``start``."""
    full = s.full
    if start > cs and full[start - 1].isspace():
        m0 = s.first(_PRONOUN, cs, ce)
        if m0 is None or m0.start() >= start:
            return None
        if m0.end() < start:
            return m0.span()
    pm = _PRONOUN.search(full, cs, start)
    return pm.span() if pm else None
