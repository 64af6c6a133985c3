#!/usr/bin/env python3
"""Compare two versions of guidelint on one generated site, alternating them run by run.

    python benchmarks/ab.py --base HEAD~3                 # the work tree against a commit
    python benchmarks/ab.py --base main --rounds 9 --pages 1000 --instructions

On a machine shared with other jobs, one run of a fraction of a second moves by a tenth with
whatever else runs, and runs made minutes apart see different loads. So each scenario runs the
two versions one after the other, ``--rounds`` times (A B A B ...), and the table gives the minimum
and the median of the wall and CPU time (user + system of the process tree, from wait4) of each.
``--instructions`` adds the number of instructions of one run of each (valgrind's callgrind, if
installed; not for the cold run): a count that other jobs do not change, for differences
smaller than the noise.

The scenarios, on a site from benchmarks/gen_site.py (as in benchmarks/run.py): a warm run
(nothing changed), a single-file check with a warm cache (unchanged page, the pre-commit hook),
a single-file check of a page just edited, one changed page in a whole-site run, and a cold run
(empty cache). Both versions run from copies of their ``guidelint`` package, byte-compiled, each
with a cache of its own; their reports are compared byte for byte in every scenario.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def package(source: str, dest: Path) -> Path:
    """``guidelint/`` of a git revision (or of the work tree, ``source == "."``) in ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    if source == ".":
        shutil.copytree(
            REPO / "guidelint", dest / "guidelint", ignore=shutil.ignore_patterns("__pycache__")
        )
    else:
        blob = subprocess.run(
            ["git", "archive", "--format=tar", source, "guidelint"],
            cwd=REPO,
            check=True,
            capture_output=True,
        ).stdout
        with tarfile.open(fileobj=BytesIO(blob)) as tar:
            tar.extractall(dest, filter="data")
    compileall.compile_dir(dest, quiet=1)
    return dest


def run_once(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, bytes]:
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(cmd)} failed ({code}):\n{err.read().decode()[-2000:]}")
        return wall, usage.ru_utime + usage.ru_stime, out.read()


def instructions(cmd: list[str], cwd: Path, env: dict) -> int | None:
    if not shutil.which("valgrind"):
        return None
    proc = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    for line in proc.stderr.splitlines():
        if "Collected :" in line:
            return int(line.rsplit(":", 1)[1].strip())
    return None


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--base", required=True, help="git revision to compare with (A)")
    ap.add_argument("--new", default=".", help="git revision, or '.' for the work tree (B)")
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=7, help="runs of each version per scenario")
    ap.add_argument("--cold-rounds", type=int, default=3)
    ap.add_argument("--instructions", action="store_true", help="also count instructions")
    ap.add_argument("--scratch", type=Path, default=HERE / "out" / "ab")
    args = ap.parse_args(argv)

    scratch = args.scratch
    versions = {"A": package(args.base, scratch / "A"), "B": package(args.new, scratch / "B")}
    sites = {}
    for name in versions:
        site = scratch / f"site-{name}"
        if site.exists():
            shutil.rmtree(site)
        subprocess.run(
            [sys.executable, str(HERE / "gen_site.py"), str(args.pages), str(site)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        sites[name] = site
    envs = {
        name: dict(os.environ, PYTHONPATH=str(pkg), NO_COLOR="1", GUIDELINT_TODAY="2026-11-25")
        for name, pkg in versions.items()
    }
    gl = [sys.executable, "-m", "guidelint", "check", "--format", "json"]
    page = "content/guide-00001.md"
    originals = {name: (site / page).read_bytes() for name, site in sites.items()}
    counter = [0]

    def restore(name: str) -> None:
        (sites[name] / page).write_bytes(originals[name])
        run_once(gl, sites[name], envs[name])  # recorded by a whole-site run

    def edit(name: str) -> None:
        (sites[name] / page).write_bytes(
            originals[name] + f"\nOne more sentence, edit {counter[0]}.\n".encode()
        )

    def clear(name: str) -> None:
        shutil.rmtree(sites[name] / ".guidelint_cache", ignore_errors=True)

    scenarios = [
        ("warm (nothing changed)", gl, None, args.rounds),
        ("single file, warm cache", [*gl, page], None, args.rounds),
        ("single file just edited", [*gl, page], edit, args.rounds),
        ("one page changed, whole site", gl, edit, args.rounds),
        ("cold (empty cache)", gl, clear, args.cold_rounds),
    ]
    for name in versions:  # fill each cache, and the pack cache (written by the second run)
        for _ in range(3):
            run_once(gl, sites[name], envs[name])
    rows = []
    for label, cmd, before, rounds in scenarios:
        times: dict[str, list[tuple[float, float]]] = {"A": [], "B": []}
        outputs: dict[str, list[bytes]] = {"A": [], "B": []}
        for _ in range(rounds):
            counter[0] += 1  # (the same edit for both versions in a round)
            for name in versions:
                if before is not None:
                    restore(name)
                    before(name)
                wall, cpu, out = run_once(cmd, sites[name], envs[name])
                times[name].append((wall, cpu))
                outputs[name].append(out.replace(str(sites[name]).encode(), b"<site>"))
        same = outputs["A"] == outputs["B"]
        counts = {}
        if args.instructions and before is not clear:  # (a cold run takes minutes in valgrind)
            for name in versions:
                if before is not None:
                    restore(name)
                    before(name)
                counts[name] = instructions(cmd, sites[name], envs[name])
        for name in versions:
            restore(name)
        rows.append((label, times, same, counts))
        print(f"{label}: done", file=sys.stderr)

    def ms(values: list[float]) -> str:
        return f"{min(values) * 1e3:.0f} / {statistics.median(values) * 1e3:.0f}"

    print(
        f"{args.pages:,} pages, {args.rounds} alternated rounds (cold: {args.cold_rounds}); "
        f"A = {args.base}, B = {args.new}; times in ms, min / median\n"
    )
    head = "| run | A wall | B wall | A CPU | B CPU |"
    if args.instructions:
        head += " A instructions | B instructions |"
    print(head + " same report |")
    print("|---" * (head.count("|") - 1 + 1) + "|")
    for label, times, same, counts in rows:
        a, b = times["A"], times["B"]
        line = (
            f"| {label} | {ms([w for w, _ in a])} | {ms([w for w, _ in b])} "
            f"| {ms([c for _, c in a])} | {ms([c for _, c in b])} |"
        )
        if args.instructions:
            line += "".join(
                f" {counts[n] / 1e6:,.0f} M |" if counts.get(n) else " - |" for n in versions
            )
        print(line + f" {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
