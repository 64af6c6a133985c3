#!/usr/bin/env python3
"""Time and peak memory of ``guidelint check`` on the hostile pages of issue 15, one page a site.

    python benchmarks/hostile.py                     # every case
    python benchmarks/hostile.py setext-50k list-5mb # some
    python benchmarks/hostile.py --runs 5 prose-5mb  # best and median of five runs
    python benchmarks/hostile.py --report 500000     # JSON, SARIF and JUnit of 500,000 synthetic findings
    python benchmarks/hostile.py --report 500000 junit  # one format (its own peak memory)
    python benchmarks/hostile.py --list              # the cases' names

Each case runs ``python -m guidelint check --no-cache --format json`` in a fresh child process;
wall seconds, the child's CPU seconds (user + system) and its peak resident memory (ru_maxrss
from wait4) are printed with the codes found; with ``--runs N``, the best and the median of N
runs (the machine may be shared: CPU time varies less than wall time). ``--report N`` formats N
synthetic diagnostics to /dev/null and prints the time and the memory the formatting adds to the
report itself (the peak is the process's: give one format for its own).
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FM = "---\ntitle: A hostile page\ntype: guide\n---\n\n# A hostile page\n\n"
LIMIT = 5 * 1024 * 1024 - 4096  # just under the default max_file_bytes
MANY_CODES = " ".join(
    f"GL{n}"
    for n in (101, 102, 103, 104, 105, 106, 201, 202, 203, 204, 205, 206, 207, 210, 211, 212)
    + (213, 301, 302, 303, 305, 306, 307, 308, 309, 311, 312, 313, 401, 402, 403, 404, 405)
    + (406, 410, 420, 501, 502, 503, 510, 520)
)


def _fill(unit: str) -> str:
    return FM + unit * ((LIMIT - len(FM)) // len(unit))


def _claims(limit: int = LIMIT) -> str:
    """Lines of claim sentences, no two alike: subjects x verbs x places, and a numbered note;
    ten to a line (a sentence a line would be over limits.max_inline_tokens: GL908)."""
    subjects = ["You", "Every medical assistant", "All graduates", "Each new hire", "MAs"]
    verbs = [
        "must be certified",
        "are required to hold a license",
        "need a state license",
        "must pass the national exam",
        "will be guaranteed a job",
    ]
    places = ["to work in any clinic", "before the first shift", "in every state", "to give shots"]
    out, size, n = [FM], len(FM), 0
    while True:
        for s in subjects:
            for v in verbs:
                for p in places:
                    n += 1
                    line = f"{s} {v} {p}. Note {n}." + ("\n" if n % 10 == 0 else " ")
                    size += len(line)
                    if size > limit:
                        return "".join(out)
                    out.append(line)


CASES: dict[str, Callable[[], str | dict[str, str]]] = {
    "comments-50k": lambda: FM + "<!--\n" * 50_000,
    "setext-50k": lambda: FM + "Title\n=====\n\n" * 50_000,
    "html-a-b-10k": lambda: FM + "<div id=x>\n" + "<a b " * 10_000 + "\n</div>\n",
    "brackets-100k": lambda: FM + "[" * 100_000 + "\n",
    "table-5mb": lambda: FM + "| a | b |\n|---|---|\n" + "| x y | z w |\n" * ((LIMIT - 200) // 14),
    "list-5mb": lambda: _fill("- item\n"),
    "prose-5mb": lambda: _fill("Word word word. "),
    # one paragraph, a claim on each of its lines: each finding's position was found by making a
    # list of the paragraph's line offsets (54 s); what remains is the claims engine's own work
    "claims-40k": lambda: FM + "You must be certified to work.\n" * 40_000,
    # a 5 MB paragraph of claim sentences, no two alike: 9.6 s in the claims engine before
    # limits.max_claim_chars (GL911) stopped the claims rules after 100,000 characters
    "claims-5mb": _claims,
    # a list after a paragraph of 500 KB: each item's claims were read after the paragraph's
    # last sentence, found by splitting the whole paragraph again for every item (148 s)
    # (19,000 items: a list item makes 5 block tokens, and 20,000 are over limits.max_blocks)
    "lead-in-19k": lambda: (
        FM + "Some words here. " * 30_000 + "You must:\n\n" + "- be certified\n" * 19_000
    ),
    # figures in 19,000 list items and 4,900 links: each item's figure looked through every link
    # of the page for a link out of its own paragraph
    "figures-links": lambda: (
        FM
        + "[a](https://example.org/a) [b](b.md) " * 2_450
        + "\n\n## Pay\n\n"
        + "- Pay is $50,000 a year.\n" * 19_000
    ),
    # inline tokens (limits.max_inline_tokens, GL908): a paragraph of short lines, of emphasis,
    # code spans, autolinks or entities; and just under the budget, analysed whole
    "softwrap-5mb": lambda: _fill("MAs are nurses.\n"),
    "hardbreak-5mb": lambda: _fill("MAs are nurses.  \n"),
    "emph-5mb": lambda: _fill("*a* "),
    "code-5mb": lambda: _fill("`a` "),
    "autolink-5mb": lambda: _fill("<http://a.b> "),
    "entity-5mb": lambda: _fill("&amp; "),
    "softwrap-49k": lambda: FM + "MAs are nurses.\n" * 49_000,
    "autolink-24k": lambda: FM + "".join(f"<http://a.b/{i}> " for i in range(24_000)),
    # '&' and '<' that start nothing, and links in a paragraph of more than 10,000 '[' (GL909):
    # no tokens, but every inline rule was tried at each
    "amp-lt-5mb": lambda: _fill("& < "),
    "links-5mb": lambda: _fill("[a](b) "),
    # limits.max_lines (before parsing), reference definitions (limits.max_links, GL909), and
    # headings just under limits.max_blocks (three findings each)
    "quote-5mb": lambda: _fill("> a\n"),
    "refdefs-199k": lambda: FM + "".join(f"[a{i}]: /u{i}\n" for i in range(199_000)),
    "setext-33k": lambda: FM + "Title\n=====\n\n" * 33_000,
    # one-word sentences and initials: sentences split at no more than limits.max_claim_chars
    # places where one may end (GL911)
    "words-5mb": lambda: _fill("Ab. "),
    "initials-5mb": lambda: _fill("A. "),
    # one link, one 4 MB destination: read a character at a time by markdown-it-py and the walker
    "destination-4mb": lambda: FM + "[a](" + "x" * 4_000_000 + ")\n",
    "autolink-4mb": lambda: FM + "<http://" + "a" * 4_000_000 + ">\n",
    # a link whose text is 5 MB of emphasis: the walk to its ']' (GL909 past 200,000 steps)
    "linktext-5mb": lambda: FM + "[" + "*a* " * 1_300_000 + "](x.md)\n",
    # one page's site and report work: next-line suppressions, broken anchors among many headings
    "suppressions-20k": lambda: (
        FM
        + "".join(
            f"<!-- guidelint-disable-next-line GL401 -->\nYou must be certified {i}.\n\n"
            for i in range(20_000)
        )
    ),
    # site-level: a page linking in turn into nine pages of many headings (an anchor table kept
    # for the last eight pages only), and 300 pages of 300 broken links into one of 16,000
    "site-nine-targets": lambda: {
        **{
            f"t{k}.md": FM + "".join(f"## T{k} heading {i}\n\n" for i in range(5_000))
            for k in range(9)
        },
        "from.md": FM + "".join(f"[x](t{i % 9}.md#nope-{i}) " for i in range(4_900)) + "\n",
    },
    "site-300-linkers": lambda: {
        "target.md": FM + "".join(f"## Target heading {i}\n\n" for i in range(16_000)),
        **{
            f"p{k}.md": FM
            + "".join(f"[x](target.md#target-headin-{k}-{i}) " for i in range(300))
            + "\n"
            for k in range(300)
        },
    },
    # disable blocks (each compared with every finding: 14 s), nested ones closed one by one
    # (each enable scanned every open block: 28 s) and blocks never closed (18 s)
    "blocks-15k": lambda: (
        FM
        + "".join(
            f"<!-- guidelint-disable GL401 -- quoted -->\nYou must be certified {i}.\n"
            "<!-- guidelint-enable GL401 -->\n\n"
            for i in range(15_000)
        )
    ),
    "blocks-nested-10k": lambda: (
        FM
        + "".join(
            f"<!-- guidelint-disable GL401 -- quoted -->\nYou must be certified {i}.\n\n"
            for i in range(10_000)
        )
        + "<!-- guidelint-enable GL401 -->\n\n" * 10_000
    ),
    "blocks-open-20k": lambda: (
        FM
        + "".join(
            f"<!-- guidelint-disable GL401 -- quoted -->\nYou must be certified {i}.\n\n"
            for i in range(20_000)
        )
    ),
    # --fix and --diff of its 16,256 unused suppressions: difflib's diff of 60,000 lines (85 s)
    "suppressions-20k-fix": lambda: CASES["suppressions-20k"](),
    "suppressions-20k-diff": lambda: CASES["suppressions-20k"](),
    "anchors-16k": lambda: FM + "".join(f"## H {i}\n\n[x](#nope-{i})\n\n" for i in range(16_000)),
    # broken anchors among 200 headings: each suggestion compared with every heading by difflib
    "anchors-200": lambda: (
        FM
        + "".join(f"## Heading number {i}\n\n" for i in range(200))
        + "".join(f"[x](#heading-nmber-{i}) " for i in range(4_900))
    ),
    # '<' and '&' where no rule can match, though the character after them could start one:
    # every inline rule was tried at each (unclosed comments 2.3 s, with a '>' at the end 3.6 s;
    # '<a' 10.3 s; '<!' 8.5 s; '&a ' 4.8 s)
    "comment-run-5mb": lambda: _fill("a <!-- x ") + "\n",
    "comment-run-gt-5mb": lambda: _fill("a <!-- x ") + ">\n",
    "lt-a-gt-5mb": lambda: _fill("<a") + ">\n",
    "lt-bang-gt-5mb": lambda: _fill("<!") + ">\n",
    "amp-a-5mb": lambda: _fill("&a "),
    # one-line reference labels with no definition: GL312 found each label's line by scanning
    # every line of its paragraph (246 s)
    "undef-refs-45k": lambda: FM + "".join(f"[a][nope{i}]\n" for i in range(45_000)),
    # directives naming 41 codes each: GL950 asked of every entry whether a rule that ran has its
    # code (5.3 s); and 120,000 directives on one line
    "directives-many-codes": lambda: (
        FM
        + "".join(
            f"<!-- guidelint-disable-next-line {MANY_CODES} -- r -->\nText {i}.\n\n"
            for i in range(15_000)
        )
    ),
    "directives-one-line": lambda: FM + "<!-- guidelint-disable GL401 -- r -->" * 120_000 + "\n",
    # 30,000 H1 headings, and level skips: three or four findings a heading
    "h1-30k": lambda: FM + "# A\n\n" * 30_000,
    "skip-16k": lambda: FM + "# A\n\n### B\n\n" * 16_000,
    "dup-refdefs-4900": lambda: FM + "".join(f"[a]: /x{i}\n" for i in range(4_900)) + "[b][a]\n",
    # a hub of 4,000 steps: GL212 looked through every link of the page for each row (3.9 s)
    "hub-steps-4k": lambda: (
        "---\ntitle: A hub\ntype: hub\n---\n\n# A hub\n\n## The steps at a glance\n\n"
        "| Step | What it involves | Go deeper |\n|---|---|---|\n"
        + "".join(f"| {i + 1}. Do {i} | Work | [more](p{i}.md) |\n" for i in range(4_000))
        + "\n"
        + "".join(f"## Step {i + 1}: Do {i + 1}\n\nText.\n\n" for i in range(4_000))
        + "## What to read next\n\n[a](b.md)\n"
    ),
    "bangs-1mb": lambda: FM + "!" * 1_000_000 + "x\n",  # sentence ends, tried once per run
    "bangs-5mb": lambda: _fill("!!!!!!!!!!") + "x\n",  # a paragraph no inline rule starts in
    "marks-5mb": lambda: _fill("#$%@^-+=:! ") + "x\n",  # characters no stock rule starts at
}


def _site(name: str, scratch: Path) -> tuple[Path, int]:
    made = CASES[name]()
    pages = made if isinstance(made, dict) else {"page.md": made}  # (a site of several pages)
    root = scratch / name
    shutil.rmtree(root, ignore_errors=True)
    (root / "content").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n'
    )
    for rel, text in pages.items():
        (root / "content" / rel).write_text(text)
    return root, sum(len(text.encode()) for text in pages.values())


# cases run with other options than ``--format json`` (the page is written again for each run)
OPTIONS = {"suppressions-20k-fix": ["--fix"], "suppressions-20k-diff": ["--diff"]}


def run_once(
    root: Path, timeout: float, options: list[str] | None = None
) -> tuple[float, float, float, int, dict[str, int]]:
    """One ``check`` of the site at ``root``: wall s, CPU s, peak MiB, exit code, codes found."""
    start = time.time()
    with open(root / "out.json", "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "guidelint", "check", "--no-cache", "--format", "json"]
            + (options or []),
            cwd=root,
            stdout=out,
            stderr=subprocess.DEVNULL,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
    wall = time.time() - start
    codes: dict[str, int] = {}
    try:
        for d in json.loads((root / "out.json").read_text()):
            codes[d["code"]] = codes.get(d["code"], 0) + 1
    except ValueError:
        codes = {"(no report)": 0}  # (--diff prints a diff)
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), codes


def run_case(name: str, scratch: Path, timeout: float, runs: int = 1) -> str:
    results = []
    for _ in range(runs):
        root, size = _site(name, scratch)
        results.append(run_once(root, timeout, OPTIONS.get(name)))
    walls = sorted(r[0] for r in results)
    cpus = sorted(r[1] for r in results)
    peak = max(r[2] for r in results)
    _wall, _cpu, _peak, code, codes = results[-1]
    if runs == 1:
        times = f"{walls[0]:6.2f} s wall {cpus[0]:6.2f} s CPU"
    else:
        mid = runs // 2
        times = (
            f"{walls[0]:5.2f}/{walls[mid]:5.2f} s wall {cpus[0]:5.2f}/{cpus[mid]:5.2f} s CPU "
            "(best/median)"
        )
    return f"{name:16s} {size / 1e6:5.2f} MB {times} {peak:5.0f} MiB  exit {code}  {codes}"


def report_memory(count: int, formats: list[str]) -> None:
    sys.path.insert(0, str(REPO))
    from guidelint.diagnostics import Diagnostic, Severity
    from guidelint.formatters import FormatContext, iter_format
    from guidelint.runner import Report

    message = (
        "P1: certification is described as a legal requirement (\u201cmust be certified\u201d)"
    )
    diags = [
        Diagnostic(
            f"content/p{i // 10}.md", i % 10 + 1, 1, i % 10 + 1, 9, "GL401", Severity.ERROR, message
        )
        for i in range(count)
    ]
    report = Report(diags, count // 10, count // 10)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for fmt in formats:
        start = time.time()
        cpu = time.process_time()
        with open(os.devnull, "w", encoding="utf-8") as out:
            for chunk in iter_format(fmt, report, FormatContext()):
                out.write(chunk)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{fmt:6s} {count:,} findings: {time.time() - start:6.1f} s "
            f"({time.process_time() - cpu:.1f} s CPU), peak {peak:.0f} MiB "
            f"(the findings alone {base:.0f} MiB)"
        )


def main() -> None:
    args = sys.argv[1:]
    if args[:1] in (["-h"], ["--help"], ["--list"]):
        print(__doc__.strip() if args[0] != "--list" else "\n".join(CASES))
        return
    unknown = [a for a in args if a not in CASES and not a.startswith("--") and not a.isdigit()]
    if args[:1] != ["--report"] and unknown:
        sys.exit(f"hostile.py: no case {', '.join(unknown)} (--list prints the cases)")
    if args[:1] == ["--report"]:
        report_memory(
            int(args[1]) if len(args) > 1 else 500_000, args[2:] or ["json", "sarif", "junit"]
        )
        return
    runs = 1
    if args[:1] == ["--runs"]:
        runs = int(args[1])
        args = args[2:]
    with tempfile.TemporaryDirectory(prefix="guidelint-hostile-") as scratch:
        for name in args or list(CASES):
            print(run_case(name, Path(scratch), timeout=600, runs=runs), flush=True)


if __name__ == "__main__":
    main()
