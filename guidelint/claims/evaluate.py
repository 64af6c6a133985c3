"""Measure the claims engine on a labeled sentence set (precision/recall/F1 per policy and overall).

Two set formats (YAML), told apart by their first entry:

* code-labeled (``tests/claims/devset.yaml``): a list of groups ``{policy: P1, items: [...]}``; an
  item is either ``[[codes...], "sentence"]`` or ``{codes: [...], text, lead_in, kind}``. Scoring
  is sentence-level per code: each (sentence, code) pair is a TP, FP or FN, counted under the
  code's policy.
* policy-labeled rows (``tests/claims/real/*.yaml``): a list of ``{text, source_url, policy,
  label, reason}`` with optional ``paragraph`` (the rest of the paragraph, read for a figure's
  source and period) and ``doubtful: true`` (loaded, counted, left out of the score). Scoring is
  per policy: a ``violation`` row expects its policy; any policy the engine flags on a row (its
  codes mapped to their policies) that the row does not expect is a false positive.

The keyword baseline flags a sentence for a rule when any subject and any claim pattern of the rule
occur anywhere in it (sentence level), ignoring clauses, negation, hedges, questions, quotes and
rejections, which is what a keyword/"existence" linter does.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import text as tx
from .engine import Engine, FigureContext
from .model import cue_policies, features


@dataclass
class Item:
    policy: str
    text: str
    codes: frozenset[str]
    lead_in: str | None = None
    kind: str = "text"
    # policy-labeled rows only:
    policies: frozenset[str] | None = None  # the policies the row expects flagged (empty: none)
    doubtful: bool = False
    paragraph: str | None = None
    source_url: str | None = None

    @property
    def expected(self) -> frozenset[str]:
        return self.codes if self.policies is None else self.policies


POLICIES = frozenset(f"P{n}" for n in range(1, 10))
_ROW_FIELDS = {"text", "source_url", "policy", "label", "reason", "paragraph", "doubtful"}


def _load_rows(path: str | Path, data: list) -> list[Item]:
    out = []
    for i, row in enumerate(data, 1):
        where = f"{path}: row {i}"
        if not isinstance(row, dict):
            raise ValueError(
                f"{where}: a row is a mapping {{text, source_url, policy, label, reason}}"
            )
        missing = {"text", "source_url", "policy", "label", "reason"} - set(row)
        if missing:
            raise ValueError(f"{where}: missing {', '.join(sorted(missing))}")
        unknown = set(row) - _ROW_FIELDS
        if unknown:
            raise ValueError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        label = str(row["label"])
        # one policy, or a list when one sentence breaks several ("[P4, P1]")
        pols = row["policy"] if isinstance(row["policy"], list) else [row["policy"]]
        pols = [str(p) for p in pols]
        policy = pols[0] if pols else ""
        if not pols or any(p not in POLICIES | {"none"} for p in pols):
            raise ValueError(f"{where}: policy must be P1..P9 or none, not {row['policy']!r}")
        if label not in ("violation", "ok"):
            raise ValueError(f"{where}: label must be violation or ok, not {label!r}")
        if label == "violation" and policy == "none":
            raise ValueError(f"{where}: a violation names the policy it breaks")
        out.append(
            Item(
                policy,
                str(row["text"]),
                frozenset(),
                policies=frozenset(pols) if label == "violation" else frozenset(),
                doubtful=bool(row.get("doubtful", False)),
                paragraph=str(row["paragraph"]) if row.get("paragraph") else None,
                source_url=str(row["source_url"]),
            )
        )
    return out


def load_set(path: str | Path) -> list[Item]:
    import yaml  # (here: guidelint.claims imports this module, and a cached run needs no YAML)

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: a labeled set is a list of {{policy, items}} groups or of rows")
    if data and isinstance(data[0], dict) and "label" in data[0]:
        return _load_rows(path, data)
    out = []
    for group in data:
        policy = str(group["policy"])
        for it in group["items"]:
            if isinstance(it, list):
                codes, text = it
                out.append(Item(policy, str(text), frozenset(codes)))
            else:
                out.append(
                    Item(
                        policy,
                        str(it["text"]),
                        frozenset(it.get("codes", [])),
                        it.get("lead_in"),
                        it.get("kind", "text"),
                    )
                )
    return out


def _baseline(engine: Engine, item: Item) -> set[str]:
    full = tx.normalise(((item.lead_in or "") + " " + item.text).strip())
    found = set()
    for r in engine.rules:
        if any(c.regex.search(full) for c in r.claims) and (
            not r.subjects or any(s.regex.search(full) for s in r.subjects)
        ):
            found.add(r.code)
    for f in engine.figure_rules:
        if f.figures.search(full) and f.context.search(full):
            found.add(f.code)
    return found


def _prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def _error(kind: str, code: str, it: Item) -> dict[str, Any]:
    err = {"type": kind, "code": code, "text": it.text, "lead_in": it.lead_in}
    if it.source_url:
        err["source_url"] = it.source_url
    return err


def _figure_context(engine: Engine, item: Item) -> FigureContext | None:
    """What a row's ``paragraph`` says about figures (the page integration reads the paragraph)."""
    if not item.paragraph:
        return None
    para = tx.normalise(item.paragraph)
    return FigureContext(
        source_in_paragraph=any(f.sources.search(para) for f in engine.figure_rules),
        period_in_paragraph=any(f.periods.search(para) for f in engine.figure_rules),
    )


def _score(
    items: list[Item], predicted: list[set[str]], code_policy: dict[str, str]
) -> dict[str, Any]:
    per: dict[str, list[int]] = {}
    tot = [0, 0, 0]
    errors = []
    for it, pred in zip(items, predicted):
        if it.doubtful:
            continue
        if it.policies is not None:  # policy-labeled row: compare policies, not codes
            pred = {code_policy.get(c, "?") for c in pred}
        gold = it.expected
        for code in pred | gold:
            pol = code if it.policies is not None else code_policy.get(code, "?")
            c = per.setdefault(pol, [0, 0, 0])
            if code in pred and code in gold:
                c[0] += 1
                tot[0] += 1
            elif code in pred:
                c[1] += 1
                tot[1] += 1
                errors.append(_error("FP", code, it))
            else:
                c[2] += 1
                tot[2] += 1
                errors.append(_error("FN", code, it))
    return {
        "per_policy": {k: _prf(*v) for k, v in sorted(per.items())},
        "overall": _prf(*tot),
        "errors": errors,
    }


def evaluate(path: str | Path, engine: Engine | None = None) -> dict[str, Any]:
    """Evaluate the engine (built-in packs by default) on a labeled set; returns a JSON-able dict."""
    engine = engine or Engine.load()
    items = load_set(path)
    code_policy = {r.code: r.policy for r in engine.all_rules()}
    engine.compile()  # the time measured is that of checking sentences, not of compiling the packs
    t0 = time.perf_counter()
    predicted = [
        {
            m.code
            for m in engine.check(
                it.text, lead_in=it.lead_in, kind=it.kind, figures=_figure_context(engine, it)
            )
        }
        for it in items
    ]
    elapsed = time.perf_counter() - t0
    base = [_baseline(engine, it) for it in items]
    engine_score = _score(items, predicted, code_policy)
    base_score = _score(items, base, code_policy)
    base_score.pop("errors")
    result = {
        "set": str(path),
        "sentences": len(items),
        "violating_sentences": sum(1 for it in items if it.expected and not it.doubtful),
        "doubtful": sum(1 for it in items if it.doubtful),
        "pages": len({it.source_url for it in items if it.source_url}),
        "engine": engine_score,
        "baseline": base_score,
        "ms_per_sentence": round(1000 * elapsed / max(len(items), 1), 4),
    }
    if items and items[0].policies is not None:
        result["model"] = _model_scores(items, predicted, code_policy, engine)
    return result


def _model_scores(
    items: list[Item], predicted: list[set[str]], code_policy: dict[str, str], engine: Engine
) -> dict[str, Any]:
    """The statistical tier (GL490, guidelint.claims.model) on policy-labeled rows: alone, on the
    rows the pattern rules leave unflagged (what GL490 reports), and combined with the rules.

    Rows of pages the shipped model was trained on get cross-validated predictions (a model
    refitted with the shipped settings without the row's fold of pages), never the training fit."""
    from .model import shipped
    from .train import out_of_fold, page_key, rows_from_items

    model = shipped()
    pages = set(model.meta.get("pages", ()))
    seen = [
        i
        for i, it in enumerate(items)
        if it.source_url and not it.doubtful and page_key(it.source_url) in pages
    ]
    probs: dict[int, tuple[float, str]] = {}
    if seen:
        verdicts = [frozenset(code_policy.get(c, "?") for c in predicted[i]) for i in seen]
        rows = rows_from_items([items[i] for i in seen], verdicts, engine)
        probs = dict(zip(seen, out_of_fold(rows, model.meta["settings"])))
    alone: list[set[str]] = []
    for i, it in enumerate(items):
        if i not in probs:
            feats = features(it.text, it.paragraph, cue_policies(engine, it.text))
            probs[i] = (model.probability(feats), model.policy(feats))
        p, pol = probs[i]
        alone.append({pol} if p >= model.threshold else set())
    policy_of = {**code_policy, **{p: p for p in POLICIES}}
    flagged = [bool(pred) for pred in predicted]
    combined = [pred if f else m for pred, f, m in zip(predicted, flagged, alone)]
    rest = [i for i, f in enumerate(flagged) if not f]
    unflagged = _score([items[i] for i in rest], [alone[i] for i in rest], policy_of)
    return {
        "predictions": (
            "cross-validated by page"
            if len(seen) == len(items) - sum(it.doubtful for it in items)
            else "shipped model"
            if not seen
            else f"cross-validated by page on {len(seen)} training rows, shipped model on the rest"
        ),
        "threshold": model.threshold,
        "alone": _score(items, alone, policy_of),
        "unflagged": unflagged,
        "combined": _score(items, combined, policy_of),
    }


def format_report(result: dict[str, Any], *, errors: bool = True) -> str:
    """A text table: per policy and overall, engine vs keyword baseline."""
    extra = ""
    if result.get("doubtful"):
        extra += f", {result['doubtful']} doubtful (not scored)"
    if result.get("pages"):
        extra += f", from {result['pages']} pages"
    lines = [
        f"claims evaluation: {result['set']} ({result['sentences']} sentences{extra}, "
        f"{result['violating_sentences']} with violations; {result['ms_per_sentence']} ms/sentence)",
        "",
        f"{'policy':<8} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}   "
        f"{'baseline P':>10} {'R':>6} {'F1':>6}",
    ]
    eng, base = result["engine"], result["baseline"]
    keys = list(eng["per_policy"]) + [k for k in base["per_policy"] if k not in eng["per_policy"]]
    for key in sorted(keys) + ["overall"]:
        e = eng["overall"] if key == "overall" else eng["per_policy"].get(key, _prf(0, 0, 0))
        b = base["overall"] if key == "overall" else base["per_policy"].get(key, _prf(0, 0, 0))
        lines.append(
            f"{key:<8} {e['tp']:>4} {e['fp']:>4} {e['fn']:>4} {e['precision']:>6.3f} {e['recall']:>6.3f} "
            f"{e['f1']:>6.3f}   {b['precision']:>10.3f} {b['recall']:>6.3f} {b['f1']:>6.3f}"
        )
    if "model" in result:
        lines += _model_lines(result["model"])
    if errors and eng["errors"]:
        lines += ["", "errors:"]
        for err in eng["errors"]:
            lead = f" [lead-in: {err['lead_in']}]" if err.get("lead_in") else ""
            lines.append(f"  {err['type']} {err['code']}: {err['text']}{lead}")
    return "\n".join(lines)


def _model_lines(model: dict[str, Any]) -> list[str]:
    from guidelint.rules.gl490_claim_model import CODE

    lines = [
        "",
        f"statistical tier {CODE} (threshold {model['threshold']:.2f}; {model['predictions']}):",
        f"{'':<38} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6} {'F1':>6}",
    ]
    for key, label in (
        ("alone", "model alone"),
        ("unflagged", f"model on rows the rules leave ({CODE})"),
        ("combined", f"rules + {CODE}"),
    ):
        s = model[key]["overall"]
        lines.append(
            f"{label:<38} {s['tp']:>4} {s['fp']:>4} {s['fn']:>4} {s['precision']:>6.3f} "
            f"{s['recall']:>6.3f} {s['f1']:>6.3f}"
        )
    return lines


def format_summary(results: list[dict[str, Any]]) -> str:
    """One line per set: overall engine numbers next to the keyword baseline's."""
    lines = [
        f"{'set':<34} {'rows':>5} {'prec':>6} {'recall':>6} {'F1':>6}   "
        f"{'baseline P':>10} {'R':>6} {'F1':>6}   lowest policy recall"
    ]
    for res in results:
        e, b = res["engine"]["overall"], res["baseline"]["overall"]
        per = res["engine"]["per_policy"]
        low = min(
            ((s["recall"], k) for k, s in per.items() if s["tp"] + s["fn"]), default=(1.0, "-")
        )
        name = str(res["set"])
        name = name if len(name) <= 34 else "..." + name[-31:]
        lines.append(
            f"{name:<34} {res['sentences']:>5} {e['precision']:>6.3f} {e['recall']:>6.3f} "
            f"{e['f1']:>6.3f}   {b['precision']:>10.3f} {b['recall']:>6.3f} {b['f1']:>6.3f}   "
            f"{low[1]} {low[0]:.3f}"
        )
    models = [r for r in results if "model" in r]
    if models:
        from guidelint.rules.gl490_claim_model import CODE

        lines += [
            "",
            f"{'set':<34} {CODE + ' alone P':>13} {'R':>6}   {CODE + ' P':>7} {'R':>6}   "
            f"{'rules+' + CODE + ' P':>13} {'R':>6} {'F1':>6}",
        ]
        for res in models:
            a, u, c = (res["model"][k]["overall"] for k in ("alone", "unflagged", "combined"))
            name = str(res["set"])
            name = name if len(name) <= 34 else "..." + name[-31:]
            lines.append(
                f"{name:<34} {a['precision']:>13.3f} {a['recall']:>6.3f}   {u['precision']:>7.3f} "
                f"{u['recall']:>6.3f}   {c['precision']:>13.3f} {c['recall']:>6.3f} {c['f1']:>6.3f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - convenience
    import sys

    argv = sys.argv[1:] if argv is None else argv
    fmt = "text"
    if "--json" in argv:
        argv.remove("--json")
        fmt = "json"
    for path in argv:
        res = evaluate(path)
        print(json.dumps(res, indent=2) if fmt == "json" else format_report(res))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
