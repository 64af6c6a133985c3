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

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import text as tx

WEIGHTS_PATH = Path(__file__).with_name("model_weights.json")

_TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|\$|%|\d[\d,.]*|\?")
_YEAR = re.compile(r"(?:19|20)\d\d$")

# generic English cue words (no word of any profession, place or body)
_MODAL = frozenset(
    "must need needs needed require requires required requirement requirements mandatory "
    "necessary essential obligatory have has should shall cannot can't".split()
)
_NEGATION = frozenset("not no never none nor neither without isn't aren't don't doesn't".split())
_HEDGE = frozenset(
    "may might could can often usually typically generally some many most several "
    "sometimes likely possible possibly depending depends vary varies varying optional "
    "although while however recommend recommended prefer prefers preferred".split()
)
_UNIVERSAL = frozenset(
    "all every always any guaranteed guarantee guarantees sure certain everyone only "
    "secure stable".split()
)
_SOURCE = frozenset(
    "according bureau survey data report reports statistics study census department".split()
)


def _norm_token(tok: str) -> str:
    if tok[0].isdigit():
        digits = tok.replace(",", "").rstrip(".")
        return "<year>" if _YEAR.match(digits) else "<num>"
    return tok


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens; numbers become <year> or <num>; "$", "%" and "?" are tokens."""
    return [_norm_token(t) for t in _TOKEN.findall(tx.normalise(text).lower())]


def features(text: str, paragraph: str | None = None) -> list[str]:
    """The sentence's features (sorted, no repeats). ``paragraph``: the rest of its paragraph, read
    only for whether a year or a source is named near a figure."""
    toks = tokens(text)
    out = {"w:" + t for t in toks}
    out.update(f"b:{a}_{b}" for a, b in zip(toks, toks[1:]))
    words = set(toks)
    if words & _MODAL:
        out.add("f:modal")
    if words & _NEGATION:
        out.add("f:negation")
    if words & _HEDGE:
        out.add("f:hedge")
    if words & _MODAL and not words & _HEDGE and not words & _NEGATION:
        out.add("f:bare_modal")
    if words & _UNIVERSAL:
        out.add("f:universal")
    if "?" in words:
        out.add("f:question")
    if "you" in words or "your" in words:
        out.add("f:you")
    if "<num>" in words or "$" in words or "%" in words:
        near = set(tokens(paragraph)) if paragraph else set()
        if "<year>" not in words and "<year>" not in near:
            out.add("f:figure_no_year")
        if not (words | near) & _SOURCE:
            out.add("f:figure_no_source")
    return sorted(out)


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
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
        feats = features(text, paragraph)
        p = self.probability(feats)
        if p < self.threshold:
            return None
        return p, self.policy(feats)

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
