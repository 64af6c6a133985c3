"""Blind second reader for the round-3 rows of the real-text corpus (see README.md, "Second reader").

Three steps, run from the repository root:

    python tests/claims/real/second_reader.py extract   # writes second-reader/work.txt and key.tsv
    (label every row of work.txt by hand into second-reader/labels.tsv, without opening the splits)
    python tests/claims/real/second_reader.py compare   # agreement, Cohen's kappa, confusion tables
    python tests/claims/real/second_reader.py apply     # marks disagreements doubtful (reason appended)

`extract` takes ALL round-3 rows of heldout.yaml and a random sample of 400 round-3 rows of
dev.yaml (fixed seed), shuffles them and writes only an id, the text, the paragraph (if any) and
the source URL: never the policy, label, reason or doubtful flag. `key.tsv` maps an id to its
split and row index, nothing else.

labels.tsv, one line per row: ``id<TAB>policies<TAB>judgement<TAB>note`` where policies is a
comma-separated subset of P1..P9 the sentence breaks as a reader would take it (``-`` for none),
judgement is ``J`` when the second reader finds the row a judgement call (``-`` otherwise), and
note is a one-line view.
"""

from __future__ import annotations

import random
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent
OUT = HERE / "second-reader"
SEED = 17
DEV_SAMPLE = 400
ROUND3_MARK = "# round 3 (corpus17a)"
POLICIES = [f"P{i}" for i in range(1, 10)]


def _round3_start(path: Path) -> int:
    """Index of the first round-3 row: the number of rows before the round-3 marker comment."""
    count = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() == ROUND3_MARK:
            return count
        if line.startswith("- text:"):
            count += 1
    raise SystemExit(f"{path}: no '{ROUND3_MARK}' marker")


def _rows(split: str) -> list[dict]:
    return yaml.safe_load((HERE / f"{split}.yaml").read_text(encoding="utf-8"))


def extract() -> None:
    rng = random.Random(SEED)
    picked: list[tuple[str, int]] = []
    for split in ("heldout", "dev"):
        start = _round3_start(HERE / f"{split}.yaml")
        idx = list(range(start, len(_rows(split))))
        if split == "dev":
            idx = sorted(rng.sample(idx, DEV_SAMPLE))
        picked += [(split, i) for i in idx]
    rng.shuffle(picked)
    rows = {s: _rows(s) for s in ("dev", "heldout")}
    OUT.mkdir(exist_ok=True)
    work, key = [], ["id\tsplit\tindex"]
    for n, (split, i) in enumerate(picked, 1):
        rid = f"s{n:03d}"
        row = rows[split][i]
        work.append(f"[{rid}] {row['source_url']}\n  T: {row['text']}")
        if row.get("paragraph"):
            work.append(f"  PARA: {row['paragraph']}")
        key.append(f"{rid}\t{split}\t{i}")
    (OUT / "work.txt").write_text("\n".join(work) + "\n", encoding="utf-8")
    (OUT / "key.tsv").write_text("\n".join(key) + "\n", encoding="utf-8")
    print(f"{len(picked)} rows written to {OUT / 'work.txt'}")


def _labels() -> dict[str, tuple[set[str], bool, str]]:
    out = {}
    for line in (OUT / "labels.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rid, pols, judge, *note = line.split("\t")
        got = set() if pols.strip() == "-" else {p.strip() for p in pols.split(",")}
        assert got <= set(POLICIES), line
        out[rid] = (got, judge.strip() == "J", note[0].strip() if note else "")
    return out


def _doubtful_before() -> dict[str, bool]:
    """applied.tsv (written by `apply`): the rows `apply` changed and their flag before it ran."""
    path = OUT / "applied.tsv"
    if not path.exists():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()[1:]
    return {ln.split("\t")[0]: ln.split("\t")[3] == "true" for ln in lines}


def _joined() -> list[dict]:
    """One record per labeled row: the first reader's fields and the second reader's set."""
    labels = _labels()
    rows = {s: _rows(s) for s in ("dev", "heldout")}
    out = []
    for line in (OUT / "key.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        rid, split, i = line.split("\t")
        if rid not in labels:
            continue
        row = rows[split][int(i)]
        pol = row["policy"]
        pols = [pol] if isinstance(pol, str) else list(pol)
        second, judge, note = labels[rid]
        before = _doubtful_before().get(rid)
        first_v = row["label"] == "violation"
        second_v = bool(set(pols) & second) if pols != ["none"] else False
        out.append(
            {
                "id": rid,
                "split": split,
                "index": int(i),
                "policies": pols,
                "first": first_v,
                "second": second_v,
                "second_set": second,
                "judge": judge,
                "note": note,
                # the first reader's flag: as it was before `apply` added the second reader's
                "doubtful": bool(row.get("doubtful")) if before is None else before,
                "other": sorted(second - set(pols)),
                "text": row["text"],
            }
        )
    return out


def _kappa(pairs: list[tuple[bool, bool]]) -> tuple[int, float, float | None, list[int]]:
    n = len(pairs)
    tt = sum(1 for a, b in pairs if a and b)
    tf = sum(1 for a, b in pairs if a and not b)
    ft = sum(1 for a, b in pairs if not a and b)
    ff = n - tt - tf - ft
    if not n:
        return 0, 0.0, None, [0, 0, 0, 0]
    po = (tt + ff) / n
    pe = ((tt + tf) * (tt + ft) + (ff + ft) * (ff + tf)) / (n * n)
    kappa = None if pe == 1 else (po - pe) / (1 - pe)
    return n, po, kappa, [tt, tf, ft, ff]


def _fmt(name: str, pairs: list[tuple[bool, bool]]) -> str:
    n, po, k, (tt, tf, ft, ff) = _kappa(pairs)
    ks = "n/a" if k is None else f"{k:.2f}"
    return f"| {name} | {n} | {po:.3f} | {ks} | {tt} | {tf} | {ft} | {ff} |"


def compare() -> list[dict]:
    recs = _joined()
    head = (
        "| rows | n | agreement | kappa | both violation | first only | second only | both ok |\n"
        "|---|---|---|---|---|---|---|---|"
    )
    print("All sampled rows (first label vs. 'second reader's set contains the row's policy'):")
    print(head)
    for split in ("dev", "heldout"):
        print(_fmt(split, [(r["first"], r["second"]) for r in recs if r["split"] == split]))
    print(_fmt("both", [(r["first"], r["second"]) for r in recs]))
    print("\nRows the first reader scored (not doubtful):")
    print(head)
    for split in ("dev", "heldout"):
        sel = [r for r in recs if r["split"] == split and not r["doubtful"]]
        print(_fmt(split, [(r["first"], r["second"]) for r in sel]))
    print("\nPer policy (both splits; a row with two policies counts under each):")
    print(head)
    for p in POLICIES + ["none"]:
        sel = [r for r in recs if p in r["policies"]]
        if p == "none":
            sel = [r for r in recs if r["policies"] == ["none"]]
        print(_fmt(p, [(r["first"], r["second"]) for r in sel]))
    for split in ("dev", "heldout"):
        print(f"\nPer policy, {split}:")
        print(head)
        for p in POLICIES:
            sel = [r for r in recs if r["split"] == split and p in r["policies"]]
            print(_fmt(p, [(r["first"], r["second"]) for r in sel]))
    dis = [r for r in recs if r["first"] != r["second"]]
    print(f"\nDisagreements: {len(dis)}")
    for split in ("dev", "heldout"):
        for lab in (True, False):
            sel = [r for r in dis if r["split"] == split and r["first"] == lab]
            already = sum(1 for r in sel if r["doubtful"])
            print(
                f"  {split} first={'violation' if lab else 'ok'}: {len(sel)} "
                f"(already doubtful {already})"
            )
    judged = [r for r in recs if r["judge"]]
    print(f"Second reader's judgement calls: {len(judged)}")
    print("\nFirst reader's doubtful flag vs. second reader's judgement call:")
    print(head)
    for split in ("dev", "heldout"):
        print(_fmt(split, [(r["doubtful"], r["judge"]) for r in recs if r["split"] == split]))
    other = [r for r in recs if r["other"]]
    print(f"\nOther policy flagged by the second reader: {len(other)}")
    for r in other:
        print(f"  {r['split']}#{r['index']} {r['policies']} +{r['other']}: {r['text'][:90]}")
    return recs


def apply() -> None:
    """Disagreeing rows become doubtful, reason gets the second reader's view; nothing else."""
    recs = [r for r in _joined() if r["first"] != r["second"]]
    if (OUT / "applied.tsv").exists():
        raise SystemExit("already applied (second-reader/applied.tsv exists)")
    applied = ["id\tsplit\tindex\tdoubtful_before"]
    applied += [
        f"{r['id']}\t{r['split']}\t{r['index']}\t{str(r['doubtful']).lower()}"
        for r in sorted(recs, key=lambda r: r["id"])
    ]
    for split in ("dev", "heldout"):
        path = HERE / f"{split}.yaml"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        starts = [n for n, ln in enumerate(lines) if ln.startswith("- text:")]
        todo = {r["index"]: r for r in recs if r["split"] == split}
        for idx in sorted(todo, reverse=True):
            rec = todo[idx]
            if not rec["note"]:
                raise SystemExit(f"{rec['id']}: a disagreement needs a note in labels.tsv")
            lo = starts[idx]
            hi = starts[idx + 1] if idx + 1 < len(starts) else len(lines)
            block = lines[lo:hi]
            r_at = next(k for k, ln in enumerate(block) if ln.startswith("  reason:"))
            m = re.match(r'(  reason: )"(.*)"(\s*)$', block[r_at], re.S)
            assert m, block[r_at]
            # a note written after the comparison carries a bracketed marker in labels.tsv only
            note = rec["note"].split(" [note added")[0].replace('"', "'")
            block[r_at] = f'{m.group(1)}"{m.group(2)} (second reader: {note})"{m.group(3)}'
            if not any(ln.startswith("  doubtful:") for ln in block):
                last = max(k for k, ln in enumerate(block) if ln.startswith("  ") and ln.strip())
                block.insert(last + 1, "  doubtful: true\n")
            lines[lo:hi] = block
        path.write_text("".join(lines), encoding="utf-8")
        check = yaml.safe_load(path.read_text(encoding="utf-8"))
        for idx, rec in todo.items():
            assert check[idx]["doubtful"] is True and check[idx]["text"] == rec["text"]
        print(f"{split}: {len(todo)} rows marked doubtful")
    (OUT / "applied.tsv").write_text("\n".join(applied) + "\n", encoding="utf-8")


if __name__ == "__main__":
    {"extract": extract, "compare": compare, "apply": apply}[sys.argv[1]]()
