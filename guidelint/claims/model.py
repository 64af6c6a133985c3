"""The statistical tier of the claims checker: a small linear model over a sentence's words.

The pattern rules (GL401-GL420) are the explainable core. This model is a second, opt-in tier
(GL490): a logistic regression over word and word-pair features plus a few generic English
features (modal verbs, negation, hedges, questions, figures without a year or a source), and a
naive Bayes guess of which policy a flagged sentence breaks. Its weights are trained by
``python -m guidelint.claims.train`` from the dev split of the labeled corpus
(tests/claims/real/dev.yaml) and shipped in ``model_weights.json``; nothing is downloaded.
Inference is a sum of dictionary lookups: a few microseconds a sentence.

The features are a pure function of the text, shared by training and inference, so the shipped
weights mean the same thing in both.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import string
from dataclasses import dataclass
from functools import cached_property, lru_cache
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


@lru_cache(maxsize=16)
def _paragraph_words(paragraph: str) -> frozenset[str]:
    """(cached: the sentences of a paragraph with figures read it again and again)"""
    return frozenset(tokens(paragraph))


def parts(
    text: str, paragraph: str | None = None
) -> tuple[set[str], set[tuple[str, str]], set[str]]:
    """The sentence's words, word pairs and generic flags. ``paragraph``: its paragraph, read only
    for whether a year or a source is named near a figure."""
    toks = tokens(text)
    words = set(toks)
    money, percent = "$" in text, "%" in text
    pairs = set(itertools.pairwise(toks))
    flags = set()
    modal, neg, hedge = words & _MODAL, words & _NEGATION, words & _HEDGE
    if modal:
        flags.add("modal")
        if not hedge and not neg:
            flags.add("bare_modal")
    if neg:
        flags.add("negation")
    if hedge:
        flags.add("hedge")
    if words & _UNIVERSAL:
        flags.add("universal")
    if "?" in text:
        flags.add("question")
    if money:
        flags.add("money")
    if percent:
        flags.add("percent")
    if "you" in words or "your" in words:
        flags.add("you")
    if "<num>" in words or money or percent:
        near = _paragraph_words(paragraph) if paragraph else frozenset()
        if "<year>" not in words and "<year>" not in near:
            flags.add("figure_no_year")
        if not (words | near) & _SOURCE:
            flags.add("figure_no_source")
    return words, pairs, flags


def features(text: str, paragraph: str | None = None) -> list[str]:
    """The sentence's features as names (sorted, no repeats): ``w:word``, ``b:word_word``,
    ``f:flag``; the names the weights file uses."""
    words, pairs, flags = parts(text, paragraph)
    out = {"w:" + w for w in words}
    out.update(f"b:{a}_{b}" for a, b in pairs)
    out.update("f:" + f for f in flags)
    return sorted(out)


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
    def _tables(self) -> tuple[dict[str, float], dict[tuple[str, str], float], dict[str, float]]:
        """The weights by kind, keyed so that scoring builds no feature names."""
        words: dict[str, float] = {}
        pairs: dict[tuple[str, str], float] = {}
        flags: dict[str, float] = {}
        for name, value in self.weights.items():
            kind, _, key = name.partition(":")
            if kind == "w":
                words[key] = value
            elif kind == "f":
                flags[key] = value
            else:
                a, _, b = key.partition("_")
                pairs[(a, b)] = value
        return words, pairs, flags

    def score(self, text: str, paragraph: str | None = None) -> float:
        """The probability that the sentence breaks a policy (same as ``probability(features())``)."""
        words, pairs, flags = parts(text, paragraph)
        tw, tp, tf = self._tables
        zero = itertools.repeat(0.0)
        z = self.bias + sum(map(tw.get, words, zero)) + sum(map(tp.get, pairs, zero))
        z += sum(map(tf.get, flags, zero))
        return sigmoid(z)

    def policy(self, feats: list[str]) -> str:
        best, best_score = "", -math.inf
        for pol in sorted(self.policy_prior):
            logp, unseen = self.policy_logp[pol], self.policy_unseen[pol]
            score = self.policy_prior[pol] + sum(logp.get(f, unseen) for f in feats)
            if score > best_score:
                best, best_score = pol, score
        return best

    def predict(self, text: str, paragraph: str | None = None) -> tuple[float, str] | None:
        """(probability, policy) when the sentence scores at or above the threshold, else None."""
        p = self.score(text, paragraph)
        if p < self.threshold:
            return None
        return p, self.policy(features(text, paragraph))

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
