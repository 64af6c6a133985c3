"""The claims engine: decides, per sentence, whether it asserts a claim a pack forbids.

Approach (after NegEx/ConText, but our own code and lists): a rule's claim patterns are matched
clause by clause; a match counts as a violation unless, within its clause,

* a negation governs it (a trigger up to ``NEG_WINDOW`` words before it, or inside the match but
  not part of the claim itself; an even number of negations cancels out),
* a hedge from the pack or the rule is present (unless an aggravating cue is present too),
* it is quoted, or lies in the scope of a rejection cue ("a common myth is that ...", "... is a
  red flag"), or the sentence is a question,
* a required subject is missing from the clause, or the claim is about another actor
  ("Nurses must be licensed").

The engine knows nothing about any profession: all words come from the packs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Sequence

from . import text as tx
from .pack import Cues, FigureRule, Pack, PackError, Requirement, Rule, builtin_pack_paths, load_pack
from .patterns import PRONOUNS

NEG_WINDOW = 8

# Generic English negation triggers (NegEx-style); packs may add more under cues.negations.
_NEG = re.compile(
    r"(?<![\w'])(?:not|no|never|none|nobody|nothing|neither|nor|without|cannot|unless|no-one)(?![\w'])"
    r"|(?<![\w'])\w+n't(?![\w])",
    re.IGNORECASE,
)
# Pseudo-negations: contain a trigger word but do not negate.
_PSEUDO = re.compile(
    r"\b(?:not only|not just|no doubt|no matter|not to mention|nothing but|without a doubt|"
    r"without question|whether or not|no later than|no less than|not least)\b",
    re.IGNORECASE,
)
_NEITHER_NOR = ("neither", "nor")
_PRONOUN = re.compile(r"\b(?:it|they|this|these)\b", re.IGNORECASE)


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

    source_in_paragraph: bool = False     # the paragraph (or sentence) links to a source
    period_in_paragraph: bool = False     # the paragraph names a reference period (e.g. "May 2024")
    front_matter_dated_source: bool = False  # front matter lists a source with a period/accessed date


@dataclass
class _Sentence:
    text: str            # the caller's sentence
    full: str            # normalised lead-in + sentence
    offset: int          # where the sentence starts in ``full``
    clauses: list[tx.Clause]
    segments: list[tx.Clause]
    toks: list[tx.Token]
    negs: list[tuple[int, int, str]]
    quotes: list[tuple[int, int]]
    reject_scopes: list[tuple[int, int]]
    question: bool
    _cache: dict = field(default_factory=dict)


class Engine:
    """Holds the loaded packs (merged) and checks sentences against them."""

    def __init__(self, packs: Sequence[Pack], *, disabled: Iterable[str] = (), severities: dict[str, str] | None = None):
        self.packs = list(packs)
        disabled = {c.upper() for c in disabled}
        severities = {k.upper(): v for k, v in (severities or {}).items()}
        for code, sev in severities.items():
            if sev not in ("error", "warning", "info"):
                raise PackError(f"severity override for {code} must be error, warning or info, not {sev!r}")
        self.rules: list[Rule] = []
        self.figure_rules: list[FigureRule] = []
        self.requirements: list[Requirement] = []
        seen: dict[str, str] = {}
        for p in self.packs:
            for r in [*p.rules, *p.figures]:
                if r.code in seen:
                    raise PackError(f"rule code {r.code} is defined twice (also in {seen[r.code]})", p.path, r.line)
                seen[r.code] = p.path
        for p in self.packs:
            for r in p.rules:
                if r.code not in disabled:
                    self.rules.append(replace(r, severity=severities.get(r.code, r.severity)))
            for f in p.figures:
                if f.code not in disabled:
                    self.figure_rules.append(replace(f, severity=severities.get(f.code, f.severity)))
            for q in p.required:
                if q.code not in disabled:
                    self.requirements.append(replace(q, severity=severities.get(q.code, q.severity)))
        self.cues = [p.cues for p in self.packs]

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def load(cls, paths: Iterable[str | Path] = (), *, builtin: bool = True, disabled: Iterable[str] = (),
             severities: dict[str, str] | None = None) -> "Engine":
        """Build an engine from the built-in packs (``claims.builtin``) plus ``claims.packs``."""
        packs = [load_pack(p) for p in builtin_pack_paths()] if builtin else []
        packs += [load_pack(p) for p in paths]
        return cls(packs, disabled=disabled, severities=severities)

    def all_rules(self) -> list:
        """Every rule (claim, figure, required-claim) for the registry, in code order."""
        out: dict[str, object] = {}
        for r in [*self.rules, *self.figure_rules, *self.requirements]:
            out.setdefault(r.code, r)
        return [out[k] for k in sorted(out)]

    # -- sentence analysis --------------------------------------------------------------------
    def _prepare(self, sentence: str, lead_in: str | None, section: Iterable[str] = ()) -> _Sentence:
        if lead_in:
            lead_in = tx.last_sentence(lead_in)
            lead = tx.normalise(lead_in).rstrip()
            lead = lead.rstrip(":?,-").rstrip()
            full = lead + " " + tx.normalise(sentence)
            offset = len(lead) + 1
        else:
            full = tx.normalise(sentence)
            offset = 0
        negs = []
        pseudo = [m.span() for m in _PSEUDO.finditer(full)]
        rx = [_NEG] + [c.negations for c in self.cues if c.negations is not None]
        for r in rx:
            for m in r.finditer(full):
                if any(a <= m.start() < b for a, b in pseudo):
                    continue
                negs.append((m.start(), m.end(), m.group().lower()))
        negs.sort()
        segs = tx.segments(full)
        scopes: list[tuple[int, int]] = []
        for c in self.cues:
            if c.reject_before is not None:
                for m in c.reject_before.finditer(full):
                    seg = tx.clause_at(segs, m.start())
                    scopes.append((m.start(), seg.end))
            if c.reject_after is not None:
                for m in c.reject_after.finditer(full):
                    scopes.append((0, m.start()))
        for title in section:
            title = tx.normalise(title)
            if any(c.reject_before is not None and c.reject_before.search(title) for c in self.cues):
                scopes.append((0, len(full)))  # under a "Red flags" / "What to avoid" heading
                break
        return _Sentence(
            text=sentence, full=full, offset=offset, clauses=tx.clauses(full), segments=segs,
            toks=tx.tokens(full), negs=negs, quotes=tx.quoted_spans(full), reject_scopes=scopes,
            question=tx.is_question(sentence),
        )

    def _cue_in(self, s: _Sentence, attr: str, start: int, end: int, extra: re.Pattern[str] | None,
                owned: list[tuple[int, int]] = ()) -> bool:
        """Is a cue (hedge, aggravator) present in [start, end)? Cues inside the claim's own
        ``!``-marked words are part of the claim, not cues."""
        rxs = [getattr(c, attr) for c in self.cues if getattr(c, attr) is not None]
        if extra is not None:
            rxs.append(extra)
        for r in rxs:
            for m in r.finditer(s.full, start, end):
                if not any(oa <= m.start() and m.end() <= ob for oa, ob in owned):
                    return True
        return False

    def _negation_count(self, s: _Sentence, clause: tx.Clause, start: int, end: int, owned: list[tuple[int, int]]) -> int:
        found = []
        for a, b, w in s.negs:
            if a < clause.start or b > clause.end:
                continue
            if b <= start:
                if tx.words_between(s.toks, b, start) <= NEG_WINDOW:
                    found.append(w)
            elif a >= start and b <= end:
                if not any(oa <= a and b <= ob for oa, ob in owned):
                    found.append(w)
        if all(w in found for w in _NEITHER_NOR):
            found.remove("nor")
        return len(found)

    def is_negated(self, s: _Sentence, clause: tx.Clause, start: int, end: int, owned=()) -> bool:
        return self._negation_count(s, clause, start, end, list(owned)) % 2 == 1

    def _rejected(self, s: _Sentence, start: int, end: int) -> bool:
        if any(a <= start and end <= b for a, b in s.quotes):
            return True
        return any(a <= start < b for a, b in s.reject_scopes)

    def _actor_is_other(self, s: _Sentence, clause: tx.Clause, start: int) -> bool:
        best = None
        for c in self.cues:
            for attr, label in (("self_actors", "self"), ("other_actors", "other")):
                r = getattr(c, attr)
                if r is None:
                    continue
                for m in r.finditer(s.full, clause.start, start):
                    if best is None or m.start() >= best[0]:
                        best = (m.start(), label)
        return bool(best and best[1] == "other")

    def check(self, sentence: str, *, lead_in: str | None = None, kind: str = "text",
              figures: FigureContext | None = None, codes: Iterable[str] | None = None,
              section: Iterable[str] = ()) -> list[ClaimMatch]:
        """Check one sentence (inline markup already removed).

        ``lead_in``: the sentence introducing the list this sentence is an item of.
        ``kind``: "text", "heading", "table" or "list" (headings and cells are checked the same way;
        a question heading asserts nothing). ``figures``: page context for figure attribution; when
        None, figures are attributed only by the sentence itself.
        ``codes``: check only these codes. ``section``: titles of the enclosing headings; under a
        heading that rejects what follows ("Red flags", "What to avoid") claims are not asserted.
        """
        if not sentence or not sentence.strip():
            return []
        wanted = {c.upper() for c in codes} if codes is not None else None
        s = self._prepare(sentence, lead_in, section)
        out: list[ClaimMatch] = []
        for rule in self.rules:
            if wanted is not None and rule.code not in wanted:
                continue
            if s.question and not rule.questions:
                continue
            out.extend(self._check_rule(rule, s))
        policies = {m.policy for m in out}
        for fr in self.figure_rules:
            if wanted is not None and fr.code not in wanted:
                continue
            if fr.policy in policies:  # a promise already covers the figure
                continue
            out.extend(self._check_figure(fr, s, figures or FigureContext()))
        out.sort(key=lambda m: (m.start, m.code))
        return out

    def _check_rule(self, rule: Rule, s: _Sentence) -> list[ClaimMatch]:
        hits: list[tuple[int, int, bool]] = []
        full = s.full
        for clause in s.clauses:
            for pat in rule.claims:
                for m in pat.regex.finditer(full, clause.start, clause.end):
                    start, end = m.span()
                    if any(ex.regex.search(full, clause.start, clause.end) and _overlaps(ex.regex, full, clause, start, end)
                           for ex in rule.exceptions):
                        continue
                    gd = m.groupdict()
                    owned = [m.span(k) for k, v in gd.items() if k.startswith("N") and v is not None]
                    span_start, span_end = start, end
                    if pat.has_subject:
                        subj = gd.get("S0")
                        if subj is not None and subj.lower() in PRONOUNS:
                            if not any(sp.regex.search(full, 0, m.start("S0")) for sp in rule.subjects):
                                continue
                    elif rule.subjects:
                        sm = None
                        for sp in rule.subjects:
                            sm = sp.regex.search(full, clause.start, clause.end)
                            if sm:
                                break
                        if sm is None:
                            # a pronoun in the clause may stand for a subject named earlier in the sentence
                            pm = _PRONOUN.search(full, clause.start, start)
                            if pm is None or not any(sp.regex.search(full, 0, pm.start()) for sp in rule.subjects):
                                continue
                            sm = pm
                        span_start, span_end = min(start, sm.start()), max(end, sm.end())
                        if span_end - span_start > 80:
                            span_start, span_end = start, end
                    if rule.rejectable and self._rejected(s, start, end):
                        continue
                    if rule.actor_check and self._actor_is_other(s, clause, start):
                        continue
                    if rule.negatable and self.is_negated(s, clause, start, end, owned):
                        continue
                    aggravated = self._cue_in(s, "aggravators", clause.start, clause.end, rule.aggravators, owned)
                    if rule.hedgeable and not aggravated and self._cue_in(s, "hedges", clause.start, clause.end, rule.hedges, owned):
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
                if b <= s.offset:       # wholly in the lead-in: the item completes the claim
                    a, b = 0, n
                else:
                    a, b = max(a - s.offset, 0), min(b - s.offset, n)
                    if a >= b:
                        a, b = 0, n
            out.append(ClaimMatch(
                code=rule.code, policy=rule.policy, severity=rule.severity, start=a, end=b,
                text=s.text[a:b], message=rule.message, suggestion=rule.suggestion, why=rule.why,
                name=rule.name, kind="claim", aggravated=ag,
            ))
        return out

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
        return [m for m in self.check(sentence, lead_in=lead_in) if m.policy in policies and m.kind == "claim"]

    def _check_figure(self, fr: FigureRule, s: _Sentence, ctx: FigureContext) -> list[ClaimMatch]:
        if s.question or not fr.context.search(s.full):
            return []
        figs = [m for m in fr.figures.finditer(s.full) if m.end() > s.offset and not self._rejected(s, m.start(), m.end())]
        if not figs:
            return []
        if ctx.front_matter_dated_source:
            return []
        source = bool(fr.sources.search(s.full)) or ctx.source_in_paragraph
        period = bool(fr.periods.search(s.full)) or ctx.period_in_paragraph
        if source and period:
            return []
        a, b = figs[0].start() - s.offset, figs[-1].end() - s.offset
        a = max(a, 0)
        return [ClaimMatch(
            code=fr.code, policy=fr.policy, severity=fr.severity, start=a, end=b, text=s.text[a:b],
            message=fr.message, suggestion=fr.suggestion, why=fr.why, name=fr.name, kind="figure",
        )]

    # -- required claims ----------------------------------------------------------------------
    def requirements_for(self, page_type: str | None, slug: str | None) -> list[tuple[Requirement, object]]:
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
        for clause in s.clauses:
            for pat in patterns:
                for m in pat.regex.finditer(s.full, clause.start, clause.end):
                    owned = [m.span(k) for k, v in m.groupdict().items() if k.startswith("N") and v is not None]
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
        for group in req.all:
            if not any(self.asserts(x, group) for x in sentences):
                return False
        return True


def _overlaps(rx: re.Pattern[str], full: str, clause: tx.Clause, start: int, end: int) -> bool:
    for m in rx.finditer(full, clause.start, clause.end):
        if m.start() < end and start < m.end():
            return True
    return False
