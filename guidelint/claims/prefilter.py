r"""The prefilter: which rules, and which of their patterns, can match a sentence at all.

Every match of a pattern contains, for each required element of the pattern, one of the element's
literals (``Compiled.requires``; see ``patterns.Literal`` for what "contains" means: a whole word,
the start of a word, or any text): ``{must} _2 (be|become|get|getting) _2 {certified}`` cannot
match a sentence without one of the words must/have/need/..., one of be/get and one of
certification/certified. A pattern one of whose literal sets is missing from a sentence is not
tried on it, and a rule none of whose patterns is left is skipped before any per-rule work
(clauses, regexes, negations, hedges). Most sentences of a page name no claim: they cost a
whitespace split and a few dictionary look-ups, and ``Engine.check`` returns at once.

The same test screens the figure rules (a figure needs a literal of the rule's ``figures`` and one
of its ``context``), the required claims' patterns, and the cue regexes (hedges, rejections...)
before the engine scans a sentence or one of its clauses with them. Every clause terminator
(``text._STRONG``, ``text._WEAK``) begins with a non-word character or with ``\b`` before a word,
so a word that ends where a clause ends also ends there in the whole sentence: what the prefilter
says of a sentence holds for each of its clauses.

How it is done, once per sentence:

* every distinct literal set gets a bit; a pattern (or rule, or regex) needs the bits of its sets;
* a literal lies inside one whitespace-separated token of the text (a literal with whitespace in
  it is looked up in the whole text instead), so the bits a token provides (the sets one of whose
  literals it contains) are computed once per distinct token and remembered; a sentence's bits
  are the union of its tokens' bits;
* each claim pattern is filed under the bit of its most selective set (``Compiled.anchors``): only
  the patterns filed under one of the sentence's bits are looked at, and they may match when the
  sentence has every bit they need.

Literals are ASCII, compared with the lower-cased text unless ``cased``. Lower-casing is not the
case folding of ``re.IGNORECASE`` (which matches "ſ" for "s" and "K", the Kelvin sign, for "k"),
so a sentence that is not ASCII gets no prefilter: everything is tried. So is a pattern without
literal sets (a raw ``re:`` regex with no certain literal).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce
from operator import or_

from .pack import ClaimRule, FigureRule
from .patterns import WORD_RUN, Compiled, Literal, Regex

_WORD_RUNS = WORD_RUN.findall
_MEMO_SIZE = 1 << 15  # distinct tokens (bit sets) remembered; when full, a memo starts again empty

Plan = list[tuple[ClaimRule, list[Compiled]]]


class Prefilter:
    """Indexes by their literals the claim rules' patterns, the figure rules (a figure rule needs a
    literal of its ``figures`` and one of its ``context``) and ``others`` (required claims'
    patterns, cue regexes)."""

    def __init__(
        self,
        rules: Sequence[ClaimRule],
        figure_rules: Sequence[FigureRule] = (),
        others: Iterable[Compiled | Regex] = (),
    ):
        self._rules = list(rules)
        bit_of: dict[frozenset[Literal], int] = {}

        def need_of(sets: Iterable[frozenset[Literal] | None]) -> int:
            need = 0
            for lits in sets:
                if lits is not None:
                    need |= bit_of.setdefault(lits, 1 << len(bit_of))
            return need

        # anchor bit -> [(rule index, pattern, bits it needs)]; patterns without literals: _always
        self._filed: dict[int, list[tuple[int, Compiled, int]]] = {}
        self._always: list[tuple[int, Compiled]] = []
        for i, rule in enumerate(self._rules):
            for pat in rule.claims:
                need = need_of(pat.requires or ())
                if need:
                    assert (
                        pat.anchors is not None
                    )  # it requires literals: anchors is one set of them
                    self._filed.setdefault(bit_of[pat.anchors], []).append((i, pat, need))
                else:
                    self._always.append((i, pat))
        self._anchors = 0
        for anchor in self._filed:
            self._anchors |= anchor
        self._figure_needs = [
            (fr, need_of((fr.figures.anchors, fr.context.anchors))) for fr in figure_rules
        ]
        # a sentence with none of these bits meets no claim pattern's anchor and no figure rule's needs
        self._any_bit = self._anchors | reduce(or_, (need for _fr, need in self._figure_needs), 0)
        # the bits a plan depends on: the figure rules' needs, and for each anchor the sentence
        # has, the needs of the patterns filed under it. A sentence's other bits (cues, required
        # claims, the needs of patterns whose anchor it lacks) never change which rules and
        # patterns may match it, so plans are remembered by these alone (see screen)
        self._figure_mask = reduce(or_, (need for _fr, need in self._figure_needs), 0)
        self._anchor_mask = {
            anchor: reduce(or_, (need for _i, _p, need in pats), anchor)
            for anchor, pats in self._filed.items()
        }
        self._relevant: dict[int, int] = {}  # the sentence's anchors -> the bits its plan needs
        self._some_need_nothing = bool(self._always) or any(
            not need for _fr, need in self._figure_needs
        )
        self._figure_rules = list(figure_rules)
        # id(item) -> (item, the bits it needs): the item stays alive, so its id stays its own
        self._others = {
            id(p): (p, need_of((p.requires or ()) if isinstance(p, Compiled) else (p.anchors,)))
            for p in others
        }
        # literal -> the bits of the sets it belongs to, by how it is looked up
        self._words: dict[str, int] = {}  # a lower-cased word run
        self._cased_words: dict[str, int] = {}  # a word run as written
        self._prefixes: dict[tuple[str, bool], int] = {}  # (prefix, cased) of a word run
        self._texts: dict[tuple[str, bool], int] = {}  # (text, cased) within a token
        self._spaced: dict[tuple[str, bool], int] = {}  # (text, cased) within the whole text
        for lits, bit in bit_of.items():
            for lit in lits:
                if lit.kind == Literal.WORD:
                    table = self._cased_words if lit.cased else self._words
                    table[lit.text] = table.get(lit.text, 0) | bit
                    continue
                if lit.kind == Literal.PREFIX:
                    keyed = self._prefixes
                else:
                    keyed = self._spaced if any(ch.isspace() for ch in lit.text) else self._texts
                key = (lit.text, lit.cased)
                keyed[key] = keyed.get(key, 0) | bit
        # the within-a-token texts by their first character (as compared: lower-cased unless
        # cased): a token holds a text only if it holds its first character, so a token is
        # compared with the texts that begin with one of its characters, not with all of them
        self._texts_at: dict[tuple[str, bool], list[tuple[str, bool, int]]] = {}
        self._texts_anywhere: list[tuple[str, bool, int]] = []  # an empty text: in every token
        for (text, cased), b in self._texts.items():
            if text:
                self._texts_at.setdefault((text[0], cased), []).append((text, cased, b))
            else:
                self._texts_anywhere.append((text, cased, b))
        self._every: Plan = [(rule, list(rule.claims)) for rule in self._rules if rule.claims]
        self._token_bits: dict[str, int] = {}
        self._plans: dict[int, tuple[Plan, list[FigureRule]] | None] = {}
        # id(alternation) -> (it, its need, [(branch, need)], mask, {bits & mask: branches})
        self._branch_info: dict[int, tuple] = {}

    def bits(self, full: str) -> int | None:
        """The literal sets met by the normalised sentence ``full``; None when it is not ASCII."""
        if not full.isascii():
            return None
        tokens = full.split()
        memo = self._token_bits
        bits = 0
        try:  # a plain loop: half the cost of reduce(or_, map(...)), which calls or_ per token
            for token in tokens:
                bits |= memo[token]
        except KeyError:  # a token seen for the first time
            bits = 0
            learn = self._learn
            for token in tokens:
                bits |= learn(token)
        if self._spaced:
            low = full.lower()
            for (text, cased), b in self._spaced.items():
                if text in (full if cased else low):
                    bits |= b
        return bits

    def screen(self, full: str) -> tuple[int | None, Plan, list[FigureRule]] | None:
        """For the normalised sentence ``full``: its bits, the claim rules (in order) that may
        match it, each with those of its patterns that may match it, and the figure rules that
        may match it; None when no rule may match it (most sentences)."""
        bits = self.bits(full)
        if bits is None:
            return None, self._every, self._figure_rules
        if not bits & self._any_bit and not self._some_need_nothing:
            return None  # most sentences: no rule may match, known without building any list
        # the plan depends on the plan's bits alone, and few distinct sets of them occur:
        # remember it. Those bits (the figure rules' needs and, for each anchor the sentence
        # has, the needs of the patterns filed under it) hold the sentence's anchors, so
        # the plan computed from them alone is the sentence's
        hit = bits & self._anchors
        relevant = self._relevant.get(hit)
        if relevant is None:
            relevant = self._figure_mask
            rest = hit
            while rest:
                anchor = rest & -rest  # the lowest bit
                rest ^= anchor
                relevant |= self._anchor_mask[anchor]
            if len(self._relevant) >= _MEMO_SIZE:
                self._relevant.clear()
            self._relevant[hit] = relevant
        key = bits & relevant
        memo = self._plans
        if key in memo:
            got = memo[key]
        else:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            got = memo[key] = self._plan(key)
        if got is None:
            return None
        return bits, got[0], got[1]

    def _plan(self, bits: int) -> tuple[Plan, list[FigureRule]] | None:
        """The plan and figure rules of :meth:`screen` for a sentence with these ``bits`` (some
        bit of ``_any_bit`` among them, or a pattern needing nothing)."""
        figure_rules = [fr for fr, need in self._figure_needs if bits & need == need]
        hit = bits & self._anchors
        # each rule's patterns in the order found: those needing nothing, then by anchor bit
        by_rule: dict[int, list[Compiled]] = {}
        for i, pat in self._always:
            by_rule.setdefault(i, []).append(pat)
        filed = self._filed
        while hit:
            anchor = hit & -hit  # the lowest bit
            hit ^= anchor
            for i, pat, need in filed[anchor]:
                if bits & need == need:
                    if i in by_rule:
                        by_rule[i].append(pat)
                    else:
                        by_rule[i] = [pat]
        if not by_rule:
            return ([], figure_rules) if figure_rules else None
        rules = self._rules
        return [(rules[i], by_rule[i]) for i in sorted(by_rule)], figure_rules

    def branches(self, rx: Regex, bits: int | None) -> list[Regex]:
        """The regexes to scan for ``rx`` in a sentence with these ``bits``: none when ``rx``
        cannot match, the branches that may match for an alternation of cue patterns (see
        Compiler.alternation), else ``rx`` itself. Remembered by the bits they depend on."""
        info = self._branch_info.get(id(rx))
        if info is None:
            got = self._others.get(id(rx))
            own = got[1] if got is not None else 0
            parts = []
            for p in rx.parts:
                known = self._others.get(id(p))
                parts.append((p.regex, known[1] if known is not None else 0))
            mask = reduce(or_, (need for _r, need in parts), own)
            info = self._branch_info[id(rx)] = (rx, own, parts, mask, {})
        _rx, own, parts, mask, memo = info
        key = None if bits is None else bits & mask
        found = memo.get(key) if key is not None else None
        if found is None:
            if key is not None and key & own != own:
                found = []
            elif parts:
                found = [r for r, need in parts if key is None or key & need == need]
            else:
                found = [rx]
            if key is not None and len(memo) < _MEMO_SIZE:
                memo[key] = found
        return found

    def may_match(self, item: Compiled | Regex, bits: int | None) -> bool:
        """False when a sentence with these ``bits`` lacks a literal set of ``item`` (one of
        ``others``; anything else may match)."""
        got = self._others.get(id(item))
        if bits is None or got is None:
            return True
        return bits & got[1] == got[1]

    def _learn(self, token: str) -> int:
        """The bits of ``token``, remembered."""
        memo = self._token_bits
        bits = memo.get(token)
        if bits is None:
            if len(memo) >= _MEMO_SIZE:
                memo.clear()
            bits = memo[token] = self._bits_of_token(token)
        return bits

    def _bits_of_token(self, tok: str) -> int:
        low = tok.lower()
        bits = 0
        for run in _WORD_RUNS(tok):
            run_low = run.lower()
            bits |= self._words.get(run_low, 0) | self._cased_words.get(run, 0)
            for (prefix, cased), b in self._prefixes.items():
                if (run if cased else run_low).startswith(prefix):
                    bits |= b
        texts_at = self._texts_at
        candidates = list(self._texts_anywhere)
        for ch in set(low):
            candidates += texts_at.get((ch, False), ())
        for ch in set(tok):
            candidates += texts_at.get((ch, True), ())
        for text, cased, b in candidates:
            if text in (tok if cased else low):
                bits |= b
        return bits
