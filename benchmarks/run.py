#!/usr/bin/env python3
"""Benchmark guidelint against its peers on generated guide sites, in one run, on one corpus.

    python benchmarks/run.py                   # 1,000 and 10,000 pages; adds a section to benchmarks/RESULTS.md
    python benchmarks/run.py --sizes 200 --no-peers --results -   # a quick look, printed only

For each size it generates a site (benchmarks/gen_site.py) and times, one after the other:

* the floor: markdown-it-py parsing every page, one core, nothing else;
* guidelint cold (empty cache), warm (nothing changed), after one changed file (a sentence
  appended: no link or heading moves, so the site snapshot keeps the site findings; and a line
  added at the top: every link below moves, and the site rules check again that page and the
  pages linking to it, and the link graph), and a single-file
  check with a warm cache, of an unchanged and of a just-edited page (what the pre-commit hook
  does); also cold --no-cache;
* markdownlint-cli2 (default rules) and remark-cli with remark-validate-links and
  remark-lint-frontmatter-schema, installed with npm into a scratch folder (skipped with a
  message when npm or the registry is unavailable).

guidelint runs from a snapshot of the package copied into the scratch folder and byte-compiled,
so that edits made to the working tree during a run do not invalidate the cache half-way.
Each command is run ``--repeat`` times (default 1) and the fastest run is kept; the sub-second
guidelint runs (warm, one changed file, single file) at least three times, since a single run of
under a second moves by a tenth with whatever else the machine is doing, and so are, at up to
2,000 pages, the runs the targets compare (parse floor, guidelint cold, markdownlint-cli2, remark):
every tool alike. Wall and CPU time
cover the whole process tree (CPU from wait4, which includes reaped worker processes); peak
memory is the largest sum of the resident memory of the process tree, sampled every 20 ms, and
the largest single process (ru_maxrss).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NPM_PACKAGES = [
    "markdownlint-cli2",
    "remark-cli",
    "remark-frontmatter",
    "remark-validate-links",
    "remark-lint-frontmatter-schema",
]


@dataclass
class Measure:
    wall: float
    cpu: float
    rss_tree: int  # bytes
    rss_max: int  # bytes
    code: int


def _tree_rss(root: int) -> int:
    """Sum of VmRSS of ``root`` and its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            ppid, pages = int(stat[1]), int(stat[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def measure(cmd: list[str], cwd: Path, env: dict | None = None) -> Measure:
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss(proc.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    err = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if b"Traceback" in err:
        print(err.decode(errors="replace")[-2000:], file=sys.stderr)
    return Measure(
        wall, usage.ru_utime + usage.ru_stime, peak[0], usage.ru_maxrss * 1024, proc.returncode
    )


def best(cmd, cwd, env=None, repeat=1, before=None) -> Measure:
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(measure(cmd, cwd, env))
    return min(runs, key=lambda m: m.wall)


# ------------------------------------------------------------------ setup
def snapshot(scratch: Path) -> Path:
    dest = scratch / "snapshot"
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(
        REPO / "guidelint", dest / "guidelint", ignore=shutil.ignore_patterns("__pycache__")
    )
    compileall.compile_dir(dest, quiet=1)
    return dest


def npm_tools(scratch: Path) -> Path | None:
    tools = scratch / "npm"
    if (tools / "node_modules" / ".bin" / "remark").exists() and (
        tools / "node_modules" / ".bin" / "markdownlint-cli2"
    ).exists():
        return tools
    if not shutil.which("npm"):
        print("npm not found: skipping markdownlint-cli2 and remark", file=sys.stderr)
        return None
    tools.mkdir(parents=True, exist_ok=True)
    if not (tools / "package.json").exists():
        (tools / "package.json").write_text('{"name": "guidelint-bench-peers", "private": true}\n')
    print("installing peers with npm (once) ...", file=sys.stderr)
    proc = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *NPM_PACKAGES],
        cwd=tools,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if proc.returncode != 0:
        print(f"npm install failed, skipping peers:\n{proc.stderr[-1500:]}", file=sys.stderr)
        return None
    return tools


def remark_config(site: Path, tools: Path) -> None:
    """remark resolves plugins from the site's folder; Ajv there knows no draft 2020-12 keyword
    ``$schema`` and would fetch ``$id`` URLs, so the schemas are copied without those two keys."""
    link = site / "node_modules"
    if not link.exists():
        link.symlink_to(tools / "node_modules")
    folder = site / "remark-schemas"
    folder.mkdir(exist_ok=True)
    for path in (REPO / "schemas").glob("*.schema.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc.pop("$schema", None)
        doc.pop("$id", None)
        (folder / path.name).write_text(json.dumps(doc), encoding="utf-8")
    schemas = {
        "./remark-schemas/guide.schema.json": ["content/guide-*.md"],
        "./remark-schemas/state.schema.json": ["content/states/*-*.md"],
    }
    (site / ".remarkrc.json").write_text(
        json.dumps(
            {
                "plugins": [
                    "remark-frontmatter",
                    ["remark-validate-links", {"repository": False}],
                    ["remark-lint-frontmatter-schema", {"schemas": schemas}],
                ]
            }
        )
    )


PARSE_FLOOR = r"""
import sys, time, pathlib
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark", {"html": True}).enable("table")
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path("content").rglob("*.md"))]
t = time.perf_counter()
for text in texts:
    md.parse(text)
print(time.perf_counter() - t)
"""


# ------------------------------------------------------------------ the run
def bench_size(n: int, scratch: Path, snap: Path, tools: Path | None, repeat: int) -> dict:
    site = scratch / f"site-{n}"
    subprocess.run(
        [sys.executable, str(HERE / "gen_site.py"), str(n), str(site)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    size = sum(p.stat().st_size for p in (site / "content").rglob("*.md"))
    env = dict(os.environ, PYTHONPATH=str(snap), NO_COLOR="1", GUIDELINT_TODAY="2026-11-25")
    gl = [sys.executable, "-m", "guidelint", "check", "-o", os.devnull]
    cache = site / ".guidelint_cache"
    out: dict = {"pages": n, "bytes": size}
    # the runs the targets compare (floor, cold, peers): at up to 2,000 pages, best of at least
    # three for every tool alike, since one run of a few seconds moves by a tenth on a shared machine
    compared = max(repeat, 3) if n <= 2000 else repeat

    floor = [
        float(
            subprocess.run(
                [sys.executable, "-c", PARSE_FLOOR],
                cwd=site,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
        for _ in range(compared)
    ]
    out["floor"] = min(floor)
    print(f"[{n}] parse floor {out['floor']:.2f} s", file=sys.stderr)

    def clear():
        shutil.rmtree(cache, ignore_errors=True)

    out["cold"] = best(gl, site, env, compared, before=clear)  # also fills the cache
    if n <= 2000:  # the extra cold runs take minutes on big sites
        out["cold_nocache"] = best(gl + ["--no-cache"], site, env, compared)
        out["cold_1job"] = best(gl + ["--no-cache", "--jobs", "1"], site, env, 1)
    quick = max(repeat, 3)  # sub-second runs: best of at least three
    out["warm"] = best(gl, site, env, quick)
    page = site / "content" / "guide-00001.md"
    original = page.read_bytes()
    counter = [0]

    def change():
        counter[0] += 1
        page.write_bytes(original + f"\nOne more sentence, edit {counter[0]}.\n".encode())

    out["changed"] = best(gl, site, env, quick, before=change)

    def move():  # a line added near the top: every link and heading below it moves
        counter[0] += 1
        # back to the original first, and a run that records it: otherwise the second of repeated
        # runs would see the links where the first left them, and nothing would have moved
        page.write_bytes(original)
        subprocess.run(gl, cwd=site, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        text = original.decode()
        end = text.index("\n---\n", 4) + 5
        page.write_bytes(
            (text[:end] + f"\nA new first line, edit {counter[0]}.\n" + text[end:]).encode()
        )

    out["changed_moved"] = best(gl, site, env, quick, before=move)
    page.write_bytes(original)
    best(gl, site, env, 1)
    out["single"] = best(gl + ["content/guide-00001.md"], site, env, quick)
    out["single_changed"] = best(gl + ["content/guide-00001.md"], site, env, quick, before=move)
    page.write_bytes(original)
    best(gl, site, env, 1)
    if n <= 2000:
        clear()
        out["single_cold"] = best(gl + ["content/guide-00001.md"], site, env, 1)
    print(
        f"[{n}] guidelint cold {out['cold'].wall:.2f} s, warm {out['warm'].wall:.2f} s, "
        f"changed {out['changed'].wall:.2f} s, single {out['single'].wall:.2f} s",
        file=sys.stderr,
    )

    if tools is not None:
        bin_ = tools / "node_modules" / ".bin"
        out["markdownlint"] = best(
            [str(bin_ / "markdownlint-cli2"), "content/**/*.md"], site, None, compared
        )
        remark_config(site, tools)
        out["remark"] = best(
            [str(bin_ / "remark"), "content", "--quiet", "--no-stdout"], site, None, compared
        )
        print(
            f"[{n}] markdownlint-cli2 {out['markdownlint'].wall:.2f} s, remark {out['remark'].wall:.2f} s",
            file=sys.stderr,
        )
    return out


def rules_present(snap: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(snap))
    proc = subprocess.run(
        [sys.executable, "-m", "guidelint", "rules", "--format", "json"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    codes = [r["code"] for r in json.loads(proc.stdout)]
    families: dict[str, list[str]] = {}
    for code in codes:
        families.setdefault(code[:3] + "xx", []).append(code)
    return "; ".join(f"{fam}: {', '.join(c)}" for fam, c in families.items())


def mib(b: int) -> str:
    return f"{b / 1048576:.0f} MiB"


def report(results: list[dict], rules: str, cores: int) -> str:
    rows = [
        ("guidelint cold (empty cache)", "cold"),
        ("guidelint cold, --no-cache", "cold_nocache"),
        ("guidelint cold, --no-cache --jobs 1", "cold_1job"),
        ("guidelint warm (nothing changed)", "warm"),
        ("guidelint, one file changed (its links and headings did not move)", "changed"),
        ("guidelint, one file changed (a line added at the top: links moved)", "changed_moved"),
        ("guidelint single file, warm cache", "single"),
        ("guidelint single file just edited (pre-commit), warm cache", "single_changed"),
        ("guidelint single file, empty cache", "single_cold"),
        ("markdownlint-cli2 (default rules)", "markdownlint"),
        ("remark + validate-links + frontmatter-schema", "remark"),
    ]
    lines = [
        f"## Run of {time.strftime('%Y-%m-%d %H:%M')} (generated by `python benchmarks/run.py`)\n",
        f"Machine: {cores} cores, Python {sys.version.split()[0]}.\n",
        f"Rules active: {rules}.\n",
    ]
    for r in results:
        lines.append(f"\n### {r['pages']:,} pages ({r['bytes'] / 1e6:.1f} MB)\n")
        lines.append("| run | wall | CPU | peak RSS (tree) | max RSS (one process) |")
        lines.append("|---|---|---|---|---|")
        lines.append(f"| markdown-it-py parse only, one core (floor) | {r['floor']:.2f} s | | | |")
        for label, key in rows:
            m = r.get(key)
            if m is not None:
                lines.append(
                    f"| {label} | {m.wall:.2f} s | {m.cpu:.2f} s | {mib(m.rss_tree)} | {mib(m.rss_max)} |"
                )
        lines.append("")
        lines.append("| target | value | met |")
        lines.append("|---|---|---|")
        cold = r["cold"].wall

        def target(label, value, ok):
            lines.append(f"| {label} | {value} | {'yes' if ok else 'no'} |")

        if r["pages"] == 1000:
            if "markdownlint" in r:
                v = cold / r["markdownlint"].wall
                target("cold <= 0.3x markdownlint-cli2", f"{v:.2f}x", v <= 0.3)
            if "remark" in r:
                v = cold / r["remark"].wall
                target("cold <= 0.1x remark", f"{v:.2f}x", v <= 0.1)
            v = cold / (r["floor"] / cores)
            target(f"cold <= 1.5x (parse floor / {cores} cores)", f"{v:.2f}x", v <= 1.5)
            target(
                "single-file check <= 0.4 s", f"{r['single'].wall:.2f} s", r["single"].wall <= 0.4
            )
            target(
                "single-file check of a just-edited page <= 0.4 s",
                f"{r['single_changed'].wall:.2f} s",
                r["single_changed"].wall <= 0.4,
            )
        v = r["warm"].wall / cold
        target("warm <= 0.1x cold", f"{v:.2f}x", v <= 0.1)
        if r["pages"] == 10000:
            target("one changed file <= 1 s", f"{r['changed'].wall:.2f} s", r["changed"].wall <= 1)
            target(
                "one changed file, links moved <= 1 s",
                f"{r['changed_moved'].wall:.2f} s",
                r["changed_moved"].wall <= 1,
            )
            peak = max(
                r[k].rss_tree for k in ("cold", "warm", "changed", "changed_moved", "single")
            )
            target("peak memory <= 300 MiB", mib(peak), peak <= 300 * 1048576)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000], help="site sizes in pages"
    )
    ap.add_argument(
        "--scratch", type=Path, default=HERE / "out", help="scratch folder (default benchmarks/out)"
    )
    ap.add_argument(
        "--results",
        default=str(HERE / "RESULTS.md"),
        help="where to write the table ('-': print only)",
    )
    ap.add_argument(
        "--repeat", type=int, default=1, help="runs per measurement; the fastest is kept"
    )
    ap.add_argument("--no-peers", action="store_true", help="skip markdownlint-cli2 and remark")
    args = ap.parse_args(argv)
    args.scratch.mkdir(parents=True, exist_ok=True)
    snap = snapshot(args.scratch)
    tools = None if args.no_peers else npm_tools(args.scratch)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover
        cores = os.cpu_count() or 1
    results = [bench_size(n, args.scratch, snap, tools, args.repeat) for n in args.sizes]
    text = report(results, rules_present(snap), cores)
    print(text)
    if args.results != "-":
        path = Path(args.results)
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        path.write_text(insert_run(old, text), encoding="utf-8")


TITLE = "# Benchmark results\n"


def insert_run(existing: str, run: str) -> str:
    """The results file with ``run`` as its first section, under the title; every earlier
    section (the hand-written ones too) is kept as it was."""
    body = existing[len(TITLE) :] if existing.startswith(TITLE) else existing
    return TITLE + "\n" + run + ("\n" + body.lstrip("\n") if body.strip() else "")


if __name__ == "__main__":
    main()
