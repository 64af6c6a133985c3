"""Train the claims model (GL490) from the labeled corpus's dev split; pure Python, deterministic.

    python -m guidelint.claims.train                 # retrain, write guidelint/claims/model_weights.json
    python -m guidelint.claims.train --check         # exit 1 if the shipped weights differ

Only the training file is read (default tests/claims/real/dev.yaml). Doubtful rows are left out.
Each row's features are the model's text features (model.features) plus, when the built-in pattern
rules flag the row, ``r:<policy>`` for each policy they flag. Those explain away the violations
the rules already catch, so the text features' weights are learned mostly from what the rules
leave; at run time GL490 scores only sentences no rule flagged, where every ``r:`` is absent.

Hyper-parameters (L2 strength, minimum feature count, weight of the violation class) and the
decision threshold are chosen by 5-fold cross-validation grouped by page (``source_url``): all the
rows of a page fall in the same fold. They maximise F0.5 (precision counts twice as much as
recall) of the pooled out-of-fold predictions on the rows the rules leave (what GL490 reports),
scored per policy: a hit must name a policy the row breaks. The final model is then fitted on every
training row with the chosen settings. The never-tuned split is never read here.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .model import WEIGHTS_PATH, Model, cue_policies, dumps, features

FOLDS = 5
SEED = 16
EPOCHS = 12
# about thirty features: the grid is small and a full training takes a few seconds
GRID_L2 = (3e-3, 1e-2, 3e-2)
GRID_MIN_COUNT = (1,)
GRID_POS_WEIGHT = (1.0, 3.0)
RULE_PREFIX = "r:"  # training-only features: the policies the pattern rules flag on the row
THRESHOLDS = tuple(i / 100 for i in range(5, 96))
NB_ALPHA = 0.5
DEFAULT_DATA = "tests/claims/real/dev.yaml"


@dataclass(frozen=True)
class Row:
    feats: tuple[str, ...]
    label: int  # 1: breaks a policy
    policies: tuple[str, ...]
    page: str


def page_fold(url: str, folds: int = FOLDS) -> int:
    """The cross-validation fold of a page (salted, so it is unrelated to the corpus's split)."""
    return int(hashlib.sha256(f"fold:{url}".encode()).hexdigest(), 16) % folds


def page_key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def rule_policies(items: Sequence, engine=None) -> list[frozenset[str]]:
    """The policies the pattern rules (the built-in pack by default) flag on each row, read the
    way eval-claims reads them (lead-in, kind, the paragraph's source and period)."""
    from .engine import Engine
    from .evaluate import _figure_context

    if engine is None:
        engine = Engine.load()
    policy = {r.code: r.policy for r in engine.all_rules()}
    return [
        frozenset(
            policy[m.code]
            for m in engine.check(
                it.text, lead_in=it.lead_in, kind=it.kind, figures=_figure_context(engine, it)
            )
        )
        for it in items
    ]


def rows_from_items(
    items: Sequence, verdicts: Sequence[frozenset[str]] | None = None, engine=None
) -> list[Row]:
    """Training rows from evaluate.Item rows (doubtful rows left out). ``verdicts``: the policies
    the rules flag on each item (computed when None). ``engine``: the pattern engine whose
    verdicts and cue policies are read (the built-in pack when None)."""
    if engine is None:
        from .engine import Engine

        engine = Engine.load()
    if verdicts is None:
        verdicts = rule_policies(items, engine)
    out = []
    for it, flagged in zip(items, verdicts):
        if it.doubtful:
            continue
        pols = tuple(sorted(it.expected))
        cues = cue_policies(engine, it.text)
        feats = features(it.text, it.paragraph, cues) + [RULE_PREFIX + p for p in sorted(flagged)]
        out.append(Row(tuple(feats), int(bool(pols)), pols, it.source_url or ""))
    return out


def text_features(row: Row) -> list[str]:
    """A row's features without the rules' verdicts: what the model sees at run time."""
    return [f for f in row.feats if not f.startswith(RULE_PREFIX)]


def flagged_by_rules(row: Row) -> bool:
    return any(f.startswith(RULE_PREFIX) for f in row.feats)


def fit(
    rows: Sequence[Row], *, l2: float, min_count: int, pos_weight: float, seed: int = SEED
) -> tuple[float, dict[str, float]]:
    """Logistic regression by stochastic gradient descent (L2 applied to a row's active features)."""
    counts: dict[str, int] = {}
    for r in rows:
        for f in r.feats:
            counts[f] = counts.get(f, 0) + 1
    # features as list indices: the same arithmetic in the same order as with a dict of names,
    # about twice as fast (the shipped-weights test retrains the whole settings grid)
    index: dict[str, int] = {}
    for f, c in counts.items():
        if c >= min_count:
            index[f] = len(index)
    data = [([index[f] for f in r.feats if f in index], r.label) for r in rows]
    w = [0.0] * len(index)
    get = w.__getitem__
    b = 0.0
    rng = random.Random(seed)
    order = list(range(len(data)))
    for epoch in range(EPOCHS):
        rng.shuffle(order)
        eta = 0.5 / (1.0 + epoch)
        for i in order:
            feats, y = data[i]
            z = b + sum(map(get, feats))
            p = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
            g = (p - y) * (pos_weight if y else 1.0)
            b -= eta * g
            for k in feats:
                wk = w[k]
                w[k] = wk - eta * (g + l2 * wk)
    weights = {f: round(w[k], 6) for f, k in sorted(index.items()) if abs(w[k]) >= 1e-6}
    return round(b, 6), weights


def fit_policies(rows: Sequence[Row]) -> tuple[dict, dict, dict]:
    """Naive Bayes over the violation rows: which policy a flagged sentence most likely breaks."""
    by_pol: dict[str, dict[str, int]] = {}
    n_pol: dict[str, int] = {}
    vocab: set[str] = set()
    for r in rows:
        if not r.label:
            continue
        vocab.update(r.feats)
        for pol in r.policies:
            n_pol[pol] = n_pol.get(pol, 0) + 1
            c = by_pol.setdefault(pol, {})
            for f in r.feats:
                c[f] = c.get(f, 0) + 1
    total = sum(n_pol.values())
    prior, logp, unseen = {}, {}, {}
    for pol in sorted(by_pol):
        c = by_pol[pol]
        denom = sum(c.values()) + NB_ALPHA * len(vocab)
        prior[pol] = round(math.log(n_pol[pol] / total), 6)
        unseen[pol] = round(math.log(NB_ALPHA / denom), 6)
        logp[pol] = {f: round(math.log((k + NB_ALPHA) / denom), 6) for f, k in sorted(c.items())}
    return prior, logp, unseen


def _model(rows: Sequence[Row], settings: dict, threshold: float, meta: dict) -> Model:
    b, w = fit(
        rows,
        l2=settings["l2"],
        min_count=settings["min_count"],
        pos_weight=settings["pos_weight"],
    )
    prior, logp, unseen = fit_policies(rows)
    return Model(b, w, threshold, prior, logp, unseen, meta)


def out_of_fold(rows: Sequence[Row], settings: dict) -> list[tuple[float, str]]:
    """(probability, policy) for every row, from a model fitted without the row's fold."""
    out: list[tuple[float, str]] = [(0.0, "")] * len(rows)
    folds = [page_fold(r.page) for r in rows]
    for k in range(FOLDS):
        train = [r for r, f in zip(rows, folds) if f != k]
        m = _model(train, settings, 0.5, {})
        for i, (r, f) in enumerate(zip(rows, folds)):
            if f == k:
                feats = text_features(r)
                out[i] = (m.probability(feats), m.policy(feats))
    return out


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f05 = 1.25 * p * r / (0.25 * p + r) if p + r else 0.0
    return p, r, f05


def best_threshold(
    rows: Sequence[Row], predictions: Sequence[tuple[float, str]]
) -> tuple[float, tuple[float, float, float]]:
    """The threshold with the best F0.5 on the rows the rules leave, a hit counting only when it
    names a policy the row breaks (ties: the higher threshold), and its (P, R, F0.5)."""
    left = [(r, p) for r, p in zip(rows, predictions) if not flagged_by_rules(r)]
    best = (-1.0, 0.0, (0.0, 0.0, 0.0))
    for t in THRESHOLDS:
        tp = fp = fn = 0
        for r, (p, pol) in left:
            hit = p >= t and pol in r.policies
            tp += hit
            fp += p >= t and not hit
            fn += len(r.policies) - hit
        prf = _prf(tp, fp, fn)
        if prf[2] >= best[0]:
            best = (prf[2], t, prf)
    return best[1], best[2]


def train(items: Sequence, source: str = DEFAULT_DATA, log=None) -> Model:
    """Choose settings and threshold by grouped cross-validation, then fit on every row."""
    rows = rows_from_items(items)
    labels = [r.label for r in rows]
    grid = []
    for l2 in GRID_L2:
        for min_count in GRID_MIN_COUNT:
            for pos_weight in GRID_POS_WEIGHT:
                settings = {"l2": l2, "min_count": min_count, "pos_weight": pos_weight}
                t, (p, r, f05) = best_threshold(rows, out_of_fold(rows, settings))
                grid.append((f05, settings, t, p, r))
                if log:
                    log(f"{settings}: threshold {t:.2f} P {p:.3f} R {r:.3f} F0.5 {f05:.3f}")
    # best F0.5; ties go to the stronger L2 and the larger minimum count (the smaller model)
    f05, settings, t, p, r = max(
        grid, key=lambda g: (round(g[0], 6), g[1]["l2"], g[1]["min_count"])
    )
    meta = {
        "trained_on": source,
        "rows": len(rows),
        "violations": sum(labels),
        "violations_rules_leave": sum(1 for x in rows if x.label and not flagged_by_rules(x)),
        "pages": sorted({page_key(r.page) for r in rows}),
        "folds": FOLDS,
        "seed": SEED,
        "epochs": EPOCHS,
        "settings": settings,
        # pooled out-of-fold, on the rows the rules leave, at the threshold chosen on them
        "cv": {
            "threshold": t,
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f05": round(f05, 4),
        },
    }
    return _model(rows, settings, t, meta)


def main(argv: list[str] | None = None) -> int:
    from .evaluate import load_set

    ap = argparse.ArgumentParser(prog="python -m guidelint.claims.train", description=__doc__)
    ap.add_argument("--data", default=DEFAULT_DATA, help="the training rows (the dev split)")
    ap.add_argument("--out", default=str(WEIGHTS_PATH), help="where to write the weights")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing")
    args = ap.parse_args(argv)
    model = train(load_set(args.data), args.data, log=lambda s: print(s, file=sys.stderr))
    text = dumps(model)
    out = Path(args.out)
    cv = model.meta["cv"]
    print(
        f"chose {model.meta['settings']}, threshold {model.threshold:.2f} "
        f"(cross-validated on the rows the rules leave: P {cv['precision']:.3f} "
        f"R {cv['recall']:.3f}); "
        f"{len(model.weights)} weights"
    )
    if args.check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{out}: {'up to date' if same else 'DIFFERS from a fresh training run'}")
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
