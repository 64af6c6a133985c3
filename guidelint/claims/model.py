"""The statistical tier of the claims checker: a small linear model over generic sentence cues.

The pattern rules (GL401-GL420) are the explainable core. This model is a second, opt-in tier
(GL490): a logistic regression over about forty features of a sentence, and a naive Bayes guess
of which policy a flagged sentence breaks. The features are generic English cues (modal verbs,
negation, hedges, questions, "not just X but Y", outcome and promise words, intensifiers, generic
subjects, a figure without a year or a source in its paragraph...) and the pack's cues: which
policies' rules have their required words in the sentence (:func:`cue_policies`, read from the
engine's prefilter, so that vocabulary is the pack's). It has no word or word-pair features: with
a few hundred labeled violations those learned the corpus's wording, not overclaims
(cross-validated by page, a word model ranked the sentences the rules leave barely above
chance). Its weights are trained by ``python -m guidelint.claims.train`` from the dev split of the
labeled corpus (tests/claims/real/dev.yaml), with the pattern rules' own verdict on each row as
extra training features (see train.py), and shipped in ``model_weights.json``; nothing is
downloaded. Scoring a sentence is a tokenization, one look-up a distinct word, a prefilter screen
and two memoised sums: a few microseconds.

The features are a pure function of the text (and the pack), shared by training and inference,
so the shipped weights mean the same thing in both. No word list names a profession, a place or
a body.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import string
from dataclasses import dataclass
from functools import cached_property, lru_cache, reduce
from operator import or_
from pathlib import Path

from . import text as tx

WEIGHTS_PATH = Path(__file__).with_name("model_weights.json")

# punctuation separates words ("$", "%" and "?" are flags); "'" and "<", ">" (of "<num>") stay.
# One character for one: str.translate's fast path (a regex tokenizer cost half the model's time)
_ASCII = {c: " " for c in string.punctuation if c not in "'<>"} | {
    c: c.lower() for c in string.ascii_uppercase
}
# one table does the claims engine's quote and dash straightening, lower case and separating
_SEPARATE = str.maketrans(
    _ASCII | {k: _ASCII.get(v, v) for k, v in ((chr(k), v) for k, v in tx.NORMALISE.items())}
)
_YEAR = re.compile(r"(?<![\d,.])(?:19|20)\d\d(?![\d,.]\d|\d)")
_NUMBER = re.compile(r"\d[\d,.]*")
_DIGIT = re.compile(r"\d")


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# generic English cue words (no word of any profession, place or body)
_MODAL = _set(
    "must need needs needed require requires required requirement requirements mandatory "
    "necessary essential obligatory have has should shall cannot can't"
)
_NEGATION = _set("not no never none nor neither without isn't aren't don't doesn't")
_HEDGE = _set(
    "may might could can often usually typically generally some many most several "
    "sometimes likely possible possibly depending depends vary varies varying optional "
    "although while however recommend recommended prefer prefers preferred"
)
_UNIVERSAL = _set(
    "all every always any guaranteed guarantee guarantees sure certain everyone only secure stable"
)
_SOURCE = _set("according bureau survey data report reports statistics study census department")
# one of them as a token: not next to a letter or digit, nor to an apostrophe inside a word ("'s")
_SOURCE_WORD = re.compile(
    r"(?<![^\W_])(?<![^\W_]')(?:" + "|".join(sorted(_SOURCE)) + r")(?![^\W_])(?!'[^\W_])",
    re.IGNORECASE,
)
# outcome and promise words of career marketing ("a stable, rewarding career", "high demand")
_PROMISE = _set(
    "great perfect excellent huge strong fast faster quick quickly rapid rapidly lightning high "
    "higher booming stable stability secure security rewarding lucrative steady reliable "
    "guaranteed guarantee promise best top thriving boom demand"
)
_INTENSIFIER = _set(
    "very extremely highly truly really virtually absolutely definitely essential crucial vital "
    "key negotiable foundation"
)
# subjects that state a rule for everyone ("employers insist on...", "the industry requires...")
_GENERIC_SUBJECT = _set(
    "employers employer employment industry field profession jobs job career careers everyone "
    "anyone graduates students"
)
_OBLIGATION = _set(
    "must need needs needed require requires required requirement requirements mandatory "
    "necessary essential obligatory have has"
)
_CONDITION = _set("to if once after before")
# "not just an option but...", "not only X but also Y": a denial that makes a stronger claim
_NOT_BUT = re.compile(r"\bnot (?:just|only|merely|simply)\b|\bnot (?:an? )?\w+ but\b")
_FIRST_PERSON_PROMISE = re.compile(r"\b(?:i|we) (?:promise|guarantee)\b")
_LONG = 25  # words

# every text feature is one bit of an int (scoring sums the weights of a bit set: see Model)
FLAG_NAMES = (
    "modal",
    "negation",
    "hedge",
    "universal",
    "you",
    "promise",
    "generic_subject",
    "intensifier",
    "number",
    "year",
    "bare_modal",
    "question",
    "ends_question",
    "money",
    "percent",
    "promise2",
    "lead_obligation",
    "lead_condition",
    "long",
    "not_but",
    "first_person_promise",
    "figure_no_year",
    "figure_no_source",
)
_BIT = {name: 1 << i for i, name in enumerate(FLAG_NAMES)}
# the bits as module constants (flag_bits reads them for every sentence)
_B_BARE_MODAL = _BIT["bare_modal"]
_B_ENDS_QUESTION = _BIT["ends_question"]
_B_FIGURE_NO_SOURCE = _BIT["figure_no_source"]
_B_FIGURE_NO_YEAR = _BIT["figure_no_year"]
_B_FIRST_PERSON_PROMISE = _BIT["first_person_promise"]
_B_HEDGE = _BIT["hedge"]
_B_LEAD_CONDITION = _BIT["lead_condition"]
_B_LEAD_OBLIGATION = _BIT["lead_obligation"]
_B_LONG = _BIT["long"]
_B_MODAL = _BIT["modal"]
_B_MONEY = _BIT["money"]
_B_NEGATION = _BIT["negation"]
_B_NOT_BUT = _BIT["not_but"]
_B_NUMBER = _BIT["number"]
_B_PERCENT = _BIT["percent"]
_B_PROMISE = _BIT["promise"]
_B_PROMISE2 = _BIT["promise2"]
_B_QUESTION = _BIT["question"]
_B_YEAR = _BIT["year"]
_PHRASE_BIT = 1 << len(FLAG_NAMES)  # "not", "i", "we": search the phrases (not itself a feature)
_WORD_BITS = _PHRASE_BIT - 1
# word -> the bits of the word lists it is in (each distinct word of a sentence is looked up once)
_CATEGORY: dict[str, int] = {}
for _name, _words in (
    ("modal", _MODAL),
    ("negation", _NEGATION),
    ("hedge", _HEDGE),
    ("universal", _UNIVERSAL),
    ("you", _set("you your")),
    ("promise", _PROMISE),
    ("generic_subject", _GENERIC_SUBJECT),
    ("intensifier", _INTENSIFIER),
    ("number", _set("<num>")),
    ("year", _set("<year>")),
):
    for _w in _words:
        _CATEGORY[_w] = _CATEGORY.get(_w, 0) | _BIT[_name]
for _w in ("not", "i", "we"):
    _CATEGORY[_w] = _CATEGORY.get(_w, 0) | _PHRASE_BIT


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; numbers become <year> (19xx, 20xx) or <num>; punctuation separates
    words; an apostrophe inside a word stays ("can't")."""
    if _DIGIT.search(text) is not None:
        text = _NUMBER.sub(" <num> ", _YEAR.sub(" <year> ", text))
    low = text.translate(_SEPARATE)
    found = low.split()
    if "'" in low:
        found = [t for t in (t.strip("'") for t in found) if t]
    return found


@lru_cache(maxsize=64)
def _paragraph_cues(paragraph: str) -> tuple[bool, bool]:
    """(a year, a source word) in the paragraph: the same answer as its :func:`tokens`, found by
    two searches (cached: the sentences of a paragraph with figures read it again and again)."""
    return _YEAR.search(paragraph) is not None, _SOURCE_WORD.search(paragraph) is not None


def cue_policies(engine, text: str) -> frozenset[str]:
    """The policies of the pack rules whose required words the sentence has, whether or not a rule
    matches it: the engine's prefilter (``Engine.prefilter().screen``), so the vocabulary is the
    pack's, not this module's. A sentence the rules leave but whose words a rule's patterns need
    is one where a negation, a hedge, a question or clause structure let the claim pass."""
    got = engine.prefilter().screen(tx.normalise(text))
    if got is None:
        return frozenset()
    _, plan, figure_rules = got
    return frozenset([r.policy for r, _ in plan] + [f.policy for f in figure_rules])


def cue_flags(cues: frozenset[str]) -> set[str]:
    """``cue_P1``... for the policies of :func:`cue_policies`, or ``no_cue``."""
    return {"cue_" + p for p in cues} if cues else {"no_cue"}


def flags(text: str, paragraph: str | None = None, cues: frozenset[str] = frozenset()) -> set[str]:
    """The sentence's generic features. ``paragraph``: its paragraph, read only for whether a year
    or a source is named near a figure. ``cues``: :func:`cue_policies` of the sentence."""
    return text_flags(text, paragraph) | cue_flags(cues)


def text_flags(text: str, paragraph: str | None = None) -> set[str]:
    """:func:`flags` without the pack's cues: a function of the text alone."""
    bits = flag_bits(text, paragraph)
    return {name for i, name in enumerate(FLAG_NAMES) if bits >> i & 1}


def flag_bits(text: str, paragraph: str | None = None) -> int:
    """:func:`text_flags` as bits of an int (bit i: ``FLAG_NAMES[i]``)."""
    toks = tokens(text)
    words = set(toks)
    bits = reduce(or_, map(_CATEGORY.get, words, itertools.repeat(0)), 0)
    money, percent = "$" in text, "%" in text
    if bits & _B_MODAL and not bits & (_B_HEDGE | _B_NEGATION):
        bits |= _B_BARE_MODAL
    if "?" in text:
        bits |= _B_QUESTION
        if text.rstrip().endswith("?"):
            bits |= _B_ENDS_QUESTION
    if money:
        bits |= _B_MONEY
    if percent:
        bits |= _B_PERCENT
    if bits & _B_PROMISE and len(words & _PROMISE) >= 2:
        bits |= _B_PROMISE2
    if toks:
        if toks[0] in _OBLIGATION:
            bits |= _B_LEAD_OBLIGATION
        elif toks[0] in _CONDITION:
            bits |= _B_LEAD_CONDITION
    if len(toks) > _LONG:
        bits |= _B_LONG
    if bits & _PHRASE_BIT:
        joined = " ".join(toks)
        if _NOT_BUT.search(joined):
            bits |= _B_NOT_BUT
        if _FIRST_PERSON_PROMISE.search(joined):
            bits |= _B_FIRST_PERSON_PROMISE
    if bits & _B_NUMBER or money or percent:
        year, source = _paragraph_cues(paragraph) if paragraph else (False, False)
        if not bits & _B_YEAR and not year:
            bits |= _B_FIGURE_NO_YEAR
        if not source and _SOURCE.isdisjoint(words):
            bits |= _B_FIGURE_NO_SOURCE
    return bits & _WORD_BITS


def features(
    text: str, paragraph: str | None = None, cues: frozenset[str] = frozenset()
) -> list[str]:
    """The sentence's features as names (sorted, no repeats): ``f:flag``; the names the weights
    file uses. (Training adds ``r:<policy>`` for a row a pattern rule flagged: see train.py.)"""
    return sorted("f:" + f for f in flags(text, paragraph, cues))


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True, eq=False)
class Model:
    """A trained model: logistic weights for "breaks a policy", and per-policy naive Bayes
    log-probabilities to name the policy of a flagged sentence."""

    bias: float
    weights: dict[str, float]
    threshold: float
    policy_prior: dict[str, float]
    policy_logp: dict[str, dict[str, float]]
    policy_unseen: dict[str, float]
    meta: dict

    def probability(self, feats: list[str]) -> float:
        w = self.weights
        return sigmoid(self.bias + sum(w.get(f, 0.0) for f in feats))

    @cached_property
    def _flag_weights(self) -> dict[str, float]:
        """The weights of the text's features, keyed by flag."""
        return {k[2:]: v for k, v in self.weights.items() if k.startswith("f:")}

    @cached_property
    def _bit_weights(self) -> dict[int, float]:
        """Bit set of :func:`flag_bits` -> the sum of its flags' weights (filled as sets occur:
        few distinct sets do, so scoring a sentence is one look-up after its bits)."""
        return {}

    def _text_z(self, bits: int) -> float:
        memo = self._bit_weights
        z = memo.get(bits)
        if z is None:
            tf = self._flag_weights
            z = memo[bits] = sum(
                tf.get(name, 0.0) for i, name in enumerate(FLAG_NAMES) if bits >> i & 1
            )
        return z

    @cached_property
    def _cue_weights(self) -> dict[frozenset[str], float]:
        """Cue policies -> the sum of their features' weights (filled as sets occur)."""
        return {}

    def _cue_z(self, cues: frozenset[str]) -> float:
        memo = self._cue_weights
        z = memo.get(cues)
        if z is None:
            tf = self._flag_weights
            z = memo[cues] = sum(tf.get(f, 0.0) for f in sorted(cue_flags(cues)))
        return z

    def score(
        self, text: str, paragraph: str | None = None, cues: frozenset[str] = frozenset()
    ) -> float:
        """The probability that the sentence breaks a policy (``probability(features())`` up to the
        order of a float sum)."""
        return sigmoid(self.bias + self._text_z(flag_bits(text, paragraph)) + self._cue_z(cues))

    def policy(self, feats: list[str]) -> str:
        best, best_score = "", -math.inf
        for pol in sorted(self.policy_prior):
            logp, unseen = self.policy_logp[pol], self.policy_unseen[pol]
            score = self.policy_prior[pol] + sum(logp.get(f, unseen) for f in feats)
            if score > best_score:
                best, best_score = pol, score
        return best

    def predict(
        self, text: str, paragraph: str | None = None, cues: frozenset[str] = frozenset()
    ) -> tuple[float, str] | None:
        """(probability, policy) when the sentence scores at or above the threshold, else None.
        ``cues``: :func:`cue_policies` of the sentence."""
        p = sigmoid(self.bias + self._text_z(flag_bits(text, paragraph)) + self._cue_z(cues))
        if p < self.threshold:
            return None
        return p, self.policy(features(text, paragraph, cues))

    def to_json(self) -> dict:
        return {
            "meta": self.meta,
            "threshold": self.threshold,
            "bias": self.bias,
            "weights": self.weights,
            "policy_prior": self.policy_prior,
            "policy_unseen": self.policy_unseen,
            "policy_logp": self.policy_logp,
        }

    @classmethod
    def from_json(cls, data: dict) -> Model:
        return cls(
            bias=float(data["bias"]),
            weights={str(k): float(v) for k, v in data["weights"].items()},
            threshold=float(data["threshold"]),
            policy_prior={str(k): float(v) for k, v in data["policy_prior"].items()},
            policy_logp={
                str(p): {str(k): float(v) for k, v in d.items()}
                for p, d in data["policy_logp"].items()
            },
            policy_unseen={str(k): float(v) for k, v in data["policy_unseen"].items()},
            meta=dict(data.get("meta", {})),
        )


def dumps(model: Model) -> str:
    """The weights file's text (sorted keys: the same model always gives the same bytes)."""
    return json.dumps(model.to_json(), sort_keys=True, indent=0, separators=(",", ":")) + "\n"


@lru_cache(maxsize=1)
def shipped() -> Model:
    """The model shipped in the package (trained by ``python -m guidelint.claims.train``)."""
    return Model.from_json(json.loads(WEIGHTS_PATH.read_text(encoding="utf-8")))
