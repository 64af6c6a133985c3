#!/usr/bin/env python3
"""Would a learned tier trained on *fresh* rule verdicts help? Measured, not shipped.

    python benchmarks/claims_fresh_model.py              # words + cues (the richer model)
    python benchmarks/claims_fresh_model.py --no-words   # GL490's generic and pack cues only

GL490 (guidelint/claims/train.py) learns from what today's rules leave on dev, but today's rules
were tuned on dev: they flag most of its violations, while on new text they leave most of them.
This script trains the same kind of logistic regression (train.fit) on what the *fresh* rules left
(benchmarks/claims_fresh.py: the engine of the commit that brought each row into dev), to tell
the P8 violations among the rows they leave from the rest. Features: model.features (generic cues,
the fresh commit's pack cues) and, unless ``--no-words``, the sentence's words (model.tokens
without a few function words). Settings (L2, class weight; words seen on one training row only
get no weight) and the threshold are chosen by page-grouped cross-validation, maximising F1 of
fresh rules + model among thresholds where the model's own findings are right at least half the
time. It reports:

1. nested cross-validation by page over every dev row (settings chosen inside each outer fold):
   fresh rules alone against fresh rules + the model, per policy, with TP/FP/FN;
2. the model's findings in (1) by the round (fresh engine) of their rows;
3. forward in time: trained on the rows of the rounds before, tested on the next round's rows.
   This is what shipping does (a model trained on past rows, on pages nobody has read yet).

The never-tuned split (heldout.yaml) is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_fresh import DEV, build, expected, prf, row_key

from guidelint.claims.model import features, tokens
from guidelint.claims.train import fit

TARGET = "P8"  # per-policy models for P1, P2 and P7 added only false alarms (see the note)
GRID = [
    {"l2": l2, "min_count": 2, "pos_weight": pw} for l2 in (3e-3, 1e-2, 3e-2) for pw in (1.0, 3.0)
]
THRESHOLDS = tuple(i / 100 for i in range(5, 96))
MIN_PRECISION = 0.5
_STOP_WORDS = (
    "the a an of and or to in for on at by with is are be as it its this that these those from"
)
STOP = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Row:
    feats: tuple[str, ...]
    label: int  # breaks TARGET
    policies: frozenset[str]
    page: str
    flagged: frozenset[str]  # what the fresh rules flag
    engine: str  # the fresh engine (one per corpus round)


def fold(url: str, k: int, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}:{url}".encode()).hexdigest(), 16) % k


def load_rows(repo: Path, words: bool) -> tuple[list[Row], list[str]]:
    import yaml

    data = build(repo)
    out = []
    for row in yaml.safe_load((repo / DEV).read_text(encoding="utf-8")):
        if row.get("doubtful"):
            continue
        got = data["rows"][row_key(str(row["source_url"]), str(row["text"]))]
        para = str(row["paragraph"]) if row.get("paragraph") else None
        feats = set(features(str(row["text"]), para, frozenset(got["cues"])))
        if words:
            feats |= {"w:" + w for w in tokens(str(row["text"])) if w not in STOP}
        gold = frozenset(expected(row))
        out.append(
            Row(
                tuple(sorted(feats)),
                int(TARGET in gold),
                gold,
                str(row["source_url"]),
                frozenset(got["flagged"]),
                got["engine"],
            )
        )
    return out, list(data["engines"])


def probability(model: tuple[float, dict[str, float]], row: Row) -> float:
    b, w = model
    z = b + sum(w.get(f, 0.0) for f in row.feats)
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def train(rows: list[Row], settings: dict) -> tuple[float, dict[str, float]]:
    """Fitted on the rows the fresh rules leave (the ones the tier would score)."""
    return fit([r for r in rows if not r.flagged], **settings)


def counts(rows: list[Row], probs: list[float] | None, t: float) -> dict[str, list[int]]:
    per: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        pred = set(r.flagged)
        if probs is not None and not r.flagged and probs[i] >= t:
            pred.add(TARGET)
        for pol in pred | r.policies:
            c = per.setdefault(pol, [0, 0, 0])
            c[0 if pol in pred and pol in r.policies else 1 if pol in pred else 2] += 1
    return per


def total(per: dict[str, list[int]]) -> list[int]:
    return [sum(c[i] for c in per.values()) for i in range(3)]


def choose(rows: list[Row], folds: list[int], k: int) -> tuple[dict, float]:
    """Settings and threshold by cross-validation over ``folds`` (see the module docstring)."""
    alone = total(counts(rows, None, 0.0))
    best: tuple = (-1.0, 0.0, GRID[0], 1.0)
    for settings in GRID:
        probs = [0.0] * len(rows)
        for f in range(k):
            m = train([r for r, g in zip(rows, folds) if g != f], settings)
            for i, r in enumerate(rows):
                if folds[i] == f:
                    probs[i] = probability(m, r)
        for t in THRESHOLDS:
            c = total(counts(rows, probs, t))
            added_tp, added = c[0] - alone[0], c[0] + c[1] - alone[0] - alone[1]
            if added and added_tp < MIN_PRECISION * added:
                continue
            f1 = round(prf(*c)[2], 6)
            if (f1, settings["l2"]) > best[:2]:
                best = (f1, settings["l2"], settings, t)
    return best[2], best[3]


def table(title: str, before: dict[str, list[int]], after: dict[str, list[int]]) -> str:
    lines = [
        title,
        f"{'policy':<8} {'TP/FP/FN':>12} {'P':>6} {'R':>6} {'F1':>6}   ->"
        f" {'TP/FP/FN':>12} {'P':>6} {'R':>6} {'F1':>6}",
    ]
    for key in [*sorted(set(before) | set(after)), "overall"]:
        a = total(before) if key == "overall" else before.get(key, [0, 0, 0])
        w = total(after) if key == "overall" else after.get(key, [0, 0, 0])
        pa, pw = prf(*a), prf(*w)
        lines.append(
            f"{key:<8} {'/'.join(map(str, a)):>12} {pa[0]:>6.3f} {pa[1]:>6.3f} {pa[2]:>6.3f}   ->"
            f" {'/'.join(map(str, w)):>12} {pw[0]:>6.3f} {pw[1]:>6.3f} {pw[2]:>6.3f}"
        )
    return "\n".join(lines)


def nested(rows: list[Row], engines: list[str]) -> None:
    outer = [fold(r.page, 5, "fold") for r in rows]
    inner = [fold(r.page, 4, "inner") for r in rows]
    after: dict[str, list[int]] = {}
    found = {e: [0, 0] for e in engines}
    for k in range(5):
        tr = [i for i in range(len(rows)) if outer[i] != k]
        sub = [rows[i] for i in tr]
        settings, t = choose(sub, [inner[i] for i in tr], 4)
        m = train(sub, settings)
        test = [rows[i] for i in range(len(rows)) if outer[i] == k]
        probs = [probability(m, r) for r in test]
        for pol, c in counts(test, probs, t).items():
            acc = after.setdefault(pol, [0, 0, 0])
            for j in range(3):
                acc[j] += c[j]
        for r, p in zip(test, probs):
            if not r.flagged and p >= t:
                found[r.engine][0 if TARGET in r.policies else 1] += 1
        print(f"  outer fold {k}: {settings}, threshold {t:.2f}", file=sys.stderr)
    print(
        table(
            f"1. nested cross-validation by page ({len(rows)} rows): fresh rules -> + model",
            counts(rows, None, 0.0),
            after,
        )
    )
    print("\n2. the model's findings in 1 by round (fresh engine): right / wrong")
    for n, e in enumerate(engines, 1):
        print(f"   round {n} ({e}): {found[e][0]} / {found[e][1]}")


def forward(rows: list[Row], engines: list[str]) -> None:
    print("\n3. forward in time: trained on the rounds before, tested on the next round")
    before: dict[str, list[int]] = {}
    after: dict[str, list[int]] = {}
    for n in range(1, len(engines)):
        sub = [r for r in rows if engines.index(r.engine) < n]
        test = [r for r in rows if r.engine == engines[n]]
        settings, t = choose(sub, [fold(r.page, 5, "fold") for r in sub], 5)
        m = train(sub, settings)
        a = counts(test, None, 0.0)
        w = counts(test, [probability(m, r) for r in test], t)
        for src, dst in ((a, before), (w, after)):
            for pol, c in src.items():
                acc = dst.setdefault(pol, [0, 0, 0])
                for j in range(3):
                    acc[j] += c[j]
        ca, cw = total(a), total(w)
        pa, pw = prf(*ca), prf(*cw)
        print(
            f"   round {n + 1} ({len(test)} rows; threshold {t:.2f}): "
            f"{'/'.join(map(str, ca))} P {pa[0]:.3f} R {pa[1]:.3f} F1 {pa[2]:.3f} -> "
            f"{'/'.join(map(str, cw))} P {pw[0]:.3f} R {pw[1]:.3f} F1 {pw[2]:.3f}"
        )
    print(table("   pooled over rounds 2-:", before, after))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repo", default=".", help="the git checkout (its HEAD's dev split)")
    ap.add_argument("--no-words", action="store_true", help="generic and pack cues only")
    args = ap.parse_args(argv)
    rows, engines = load_rows(Path(args.repo).resolve(), not args.no_words)
    nested(rows, engines)
    forward(rows, engines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
