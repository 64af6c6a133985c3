#!/usr/bin/env python3
"""Fresh rule verdicts for the dev split: what the pattern rules said about each row before they
could have been tuned on it.

    python benchmarks/claims_fresh.py                   # P/R/F1 of the fresh verdicts, per engine
    python benchmarks/claims_fresh.py --out fresh.json  # also write the verdicts, one per row

Rows of the real-text corpus are labelled and committed before any engine run; tuning comes after.
So the engine and pack of the commit that brought a row into the dev split had never seen it. That
commit is found with ``git blame`` on the row's ``- text:`` line, with two corrections:

* a row moved from ``queued-dev.yaml`` keeps the move commit (queued rows were never scored);
* a row reworded after its page was already in ``dev.yaml`` (a rewording pass, possibly after
  tuning) goes back to the commit that first brought its page into ``dev.yaml``.

Each such commit's ``guidelint/`` is extracted with ``git archive`` into a temporary folder and run
in a child Python on the rows it is fresh for (commits with the same claims code and packs, the
GL490 weights aside, share one run). For each row: the policies its rules flagged, and the
policies whose rules have their words in it (the prefilter's cues, with that commit's pack).
Round 4's rows give 11/7/19 (TP/FP/FN), the before-tuning number recorded by claims18.

benchmarks/claims_fresh_model.py trains and measures a learned tier on these verdicts. The
never-tuned split (heldout.yaml) is never read.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

DEV = "tests/claims/real/dev.yaml"
QUEUE = "tests/claims/real/queued-dev.yaml"
_URL = re.compile(r"^\s*source_url:\s*\"?([^\"\n]+?)\"?\s*$", re.MULTILINE)

# run in a child Python with the extracted checkout first on the path (the editable install's
# finder, which would serve this checkout's guidelint, is removed first)
_RUNNER = r"""
import json, sys
root = sys.argv[1]
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, root)
import guidelint
assert guidelint.__file__.startswith(root), guidelint.__file__
from guidelint.claims import text as tx
from guidelint.claims.engine import Engine, FigureContext
eng = Engine.load()
pol = {r.code: r.policy for r in eng.all_rules()}
out = []
for row in json.load(sys.stdin):
    figs = None
    if row.get("paragraph"):
        para = tx.normalise(row["paragraph"])
        figs = FigureContext(
            source_in_paragraph=any(f.sources.search(para) for f in eng.figure_rules),
            period_in_paragraph=any(f.periods.search(para) for f in eng.figure_rules),
        )
    found = eng.check(row["text"], lead_in=None, kind="text", figures=figs)
    got = eng.prefilter().screen(tx.normalise(row["text"]))
    cues = [] if got is None else sorted({r.policy for r, _ in got[1]} | {f.policy for f in got[2]})
    out.append({"flagged": sorted({pol[m.code] for m in found}), "cues": cues})
json.dump(out, sys.stdout)
"""


def row_key(source_url: str, text: str) -> str:
    """A row's key in the fresh file: its page and text."""
    return hashlib.sha256(f"{source_url}\n{text}".encode()).hexdigest()[:16]


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def _blame(repo: Path) -> list[str]:
    """The commit of each row's ``- text:`` line of the dev split, in row order."""
    out = _git(repo, "blame", "--line-porcelain", "HEAD", "--", DEV)
    commits, sha = [], ""
    for line in out.splitlines():
        if re.match(r"^[0-9a-f]{40} ", line):
            sha = line.split()[0]
        elif line.startswith("\t- text:"):
            commits.append(sha)
    return commits


def _pages_at(repo: Path, rev: str, path: str) -> set[str]:
    try:
        return {m.strip() for m in _URL.findall(_git(repo, "show", f"{rev}:{path}"))}
    except subprocess.CalledProcessError:
        return set()


def fresh_commits(repo: Path, rows: list[dict]) -> list[str]:
    """For each dev row, the commit whose engine had not yet been tuned on it."""
    blamed = _blame(repo)
    if len(blamed) != len(rows):
        raise SystemExit(f"{DEV}: {len(rows)} rows but {len(blamed)} '- text:' lines")
    # the commit that first brought each page into the dev split
    first_dev: dict[str, str] = {}
    for rev in _git(repo, "log", "--topo-order", "--reverse", "--format=%H", "--", DEV).split():
        for url in _pages_at(repo, rev, DEV):
            first_dev.setdefault(url, rev)
    out = []
    parents: dict[str, set[str]] = {}
    for row, rev in zip(rows, blamed):
        if rev not in parents:
            parents[rev] = _pages_at(repo, f"{rev}^", DEV)
        url = str(row["source_url"])
        # the page was already in dev.yaml: the blamed commit rewords the row, it did not add it
        out.append(first_dev[url] if url in parents[rev] else rev)
    return out


def _engine_key(repo: Path, rev: str) -> str:
    """Commits with the same claims code and packs (the GL490 weights aside) share a key."""
    listing = _git(repo, "ls-tree", "-r", rev, "guidelint/")
    kept = [line for line in listing.splitlines() if "model_weights.json" not in line]
    return hashlib.sha256("\n".join(kept).encode()).hexdigest()[:16]


def _run_engine(repo: Path, rev: str, rows: list[dict]) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="guidelint-fresh-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(repo), "archive", rev, "guidelint"], capture_output=True, check=True
        ).stdout
        tar_path = Path(tmp) / "src.tar"
        tar_path.write_bytes(archive)
        with tarfile.open(tar_path) as tar:
            tar.extractall(tmp, filter="data")
        payload = json.dumps([{"text": r["text"], "paragraph": r.get("paragraph")} for r in rows])
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, tmp],
            input=payload,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(f"the engine of {rev[:12]} failed:\n{done.stderr[-2000:]}")
        return json.loads(done.stdout)


def build(repo: Path) -> dict:
    import yaml

    rows = yaml.safe_load((repo / DEV).read_text(encoding="utf-8"))
    commits = fresh_commits(repo, rows)
    by_engine: dict[str, list[int]] = {}
    rev_of_key: dict[str, str] = {}
    for i, rev in enumerate(commits):
        key = _engine_key(repo, rev)
        rev_of_key.setdefault(key, rev)
        by_engine.setdefault(key, []).append(i)
    verdicts: dict[str, dict] = {}
    engines = {}
    for key, idx in sorted(by_engine.items(), key=lambda kv: kv[1][0]):
        rev = rev_of_key[key]
        engines[rev[:12]] = len(idx)
        for i, got in zip(idx, _run_engine(repo, rev, [rows[i] for i in idx])):
            row = rows[i]
            verdicts[row_key(str(row["source_url"]), str(row["text"]))] = {
                "commit": commits[i][:12],
                "engine": rev[:12],
                **got,
            }
    return {
        "about": "fresh pattern-rule verdicts per dev row (python -m guidelint.claims.fresh)",
        "engines": engines,
        "rows": dict(sorted(verdicts.items())),
    }


def dumps(data: dict) -> str:
    return json.dumps(data, sort_keys=True, indent=0, separators=(",", ":")) + "\n"


def expected(row: dict) -> set[str]:
    """The policies a dev row breaks (none for an ``ok`` row)."""
    if row["label"] != "violation":
        return set()
    pol = row["policy"]
    return {str(p) for p in (pol if isinstance(pol, list) else [pol])}


def score(rows: list[dict], verdicts: dict[str, dict]) -> dict[str, list[int]]:
    """TP/FP/FN per fresh engine (and ``all``) over the rows that are not doubtful."""
    out: dict[str, list[int]] = {}
    for row in rows:
        if row.get("doubtful"):
            continue
        got = verdicts[row_key(str(row["source_url"]), str(row["text"]))]
        gold, pred = expected(row), set(got["flagged"])
        for key in (got["engine"], "all"):
            c = out.setdefault(key, [0, 0, 0])
            for pol in gold | pred:
                c[0 if pol in gold and pol in pred else 1 if pol in pred else 2] += 1
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv: list[str] | None = None) -> int:
    import yaml

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--repo", default=".", help="the git checkout (its HEAD's dev split)")
    ap.add_argument("--out", help="write the verdicts (JSON, keyed by row_key) here")
    args = ap.parse_args(argv)
    repo = Path(args.repo).resolve()
    data = build(repo)
    if args.out:
        Path(args.out).write_text(dumps(data), encoding="utf-8")
    rows = yaml.safe_load((repo / DEV).read_text(encoding="utf-8"))
    per = score(rows, data["rows"])
    print(f"{'engine (commit)':<16} {'rows':>5} {'TP/FP/FN':>12} {'P':>6} {'R':>6} {'F1':>6}")
    for key in [*data["engines"], "all"]:
        c = per.get(key, [0, 0, 0])
        n = data["engines"].get(key, len(rows))
        p, r, f = prf(*c)
        print(f"{key:<16} {n:>5} {'/'.join(map(str, c)):>12} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
