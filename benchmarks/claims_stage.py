#!/usr/bin/env python3
"""Time the claims stage alone: every claim and figure rule on every sentence of a generated site.

    python benchmarks/claims_stage.py                 # 1,000 pages, best of 7, CPU time
    python benchmarks/claims_stage.py --pages 200 --repeat 3
    python benchmarks/claims_stage.py --model         # also time the opt-in GL490 model tier

Pages are parsed once (not timed); then ``claims.integration.page_matches`` runs on every page,
with the page caches emptied before each repetition. CPU time (``time.process_time``) is reported,
because wall time on a shared machine moves by a third from one run to the next. The garbage
collector runs with the thresholds of guidelint's workers. Compare two
checkouts by running this script with each one first on ``PYTHONPATH``.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument(
        "--model",
        action="store_true",
        help="also time GL490 (the statistical tier) on the sentences the patterns leave",
    )
    args = ap.parse_args(argv)

    from guidelint.claims import integration
    from guidelint.page import build_page

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, str(HERE / "gen_site.py"), str(args.pages), tmp],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        files = sorted(Path(tmp, "content").rglob("*.md"))
        pages = [
            build_page(f.read_text(encoding="utf-8"), str(f), None, None, None, None) for f in files
        ]
    engine = integration.engine_for(None)
    engine.compile()
    # the garbage collector as guidelint runs it: the command line turns it off and the pool's
    # workers raise its thresholds (guidelint.pool.WORKER_GC_THRESHOLDS). With the defaults a
    # collection walks every object alive, here 1,000 parsed pages, so the loop's time would
    # depend on how many objects the version holds rather than on its claims work.
    gc.set_threshold(50_000, 20, 100)
    best = float("inf")
    matches = 0
    for _ in range(args.repeat):
        for p in pages:
            p.cache.clear()
        t0 = time.process_time()
        matches = sum(len(integration.page_matches(p, None)) for p in pages)
        best = min(best, time.process_time() - t0)
    sentences = sum(len(p.sentences) for p in pages)
    print(
        f"{len(pages)} pages, {sentences} sentences, {matches} matches: "
        f"claims stage {1000 * best / len(pages):.3f} ms CPU per page (best of {args.repeat})"
    )
    if args.model:
        _time_model(pages, args.repeat)
    return 0


def _time_model(pages: list, repeat: int) -> None:
    """GL490's own cost: the pattern matches are computed first (not timed; a run that selects
    GL490 with the pattern rules reuses theirs), then the rule scores the sentences they leave."""
    from guidelint.claims import integration
    from guidelint.claims.model import shipped
    from guidelint.registry import PageContext, all_rules, get_rule

    rule = get_rule("GL490")
    assert rule is not None
    ctx = PageContext(None, None, frozenset(r.code for r in all_rules()))
    shipped()  # the weights are read once per process (not timed)
    best = float("inf")
    found = 0
    for _ in range(repeat):
        for p in pages:
            p.cache.clear()
            integration.page_matches(p, None, ctx.selected)
        t0 = time.process_time()
        found = sum(len(list(rule.check(p, ctx))) for p in pages)
        best = min(best, time.process_time() - t0)
    print(
        f"GL490 model tier {1000 * best / len(pages):.3f} ms CPU per page on top of the stage, "
        f"{found} findings (best of {repeat})"
    )


if __name__ == "__main__":
    raise SystemExit(main())
