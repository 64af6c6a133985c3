#!/usr/bin/env python3
"""Measure `guidelint lsp`: how long after an edit the edited page's diagnostics arrive.

    python benchmarks/lsp_latency.py                       # 1,000 pages, 30 edits
    python benchmarks/lsp_latency.py --pages 200 --edits 10

Generates a site (benchmarks/gen_site.py) in a scratch folder, starts the server with pygls'
client over stdio with the change pause (``debounceMs``) set to 0, so that what is measured is
the processing of a change, and then:

* opens a page and times its first diagnostics (the page's own checks, published at once) and
  its whole-site diagnostics (the server reads and analyses the whole site: the cold start an
  editor pays once);
* edits that page's buffer ``--edits`` times, cycling through edit kinds (a sentence appended, a
  broken link added, every H2 renamed, the buffer restored), and times each change from sending
  ``didChange`` to receiving ``publishDiagnostics`` for that version; for the heading renames also
  until the pages linking to them have been published (the second, deferred check);
* opens a second page (warm: the site is in memory) and times its first diagnostics.

Times are end to end at the client (JSON-RPC included). In an editor add the pause (200 ms by
default) before a change is processed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from pygls.uris import from_fs_path

HERE = Path(__file__).resolve().parent


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"median {statistics.median(ms):.0f} ms, p90 {percentile(ms, 0.9):.0f} ms, "
        f"max {max(ms):.0f} ms (n={len(ms)})"
    )


async def measure(site: Path, edits: int) -> dict:
    client = LanguageClient("lsp-latency", "1")
    arrived: dict[str, tuple[int | None, float, int]] = {}

    events: list[tuple[str, float]] = []  # (uri, arrival) of every publish
    server_times: list[tuple[int, float, float]] = []  # (pages reported, wall s, CPU s)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _published(ls, params):
        arrived[params.uri] = (params.version, time.perf_counter(), len(params.diagnostics))
        events.append((params.uri, time.perf_counter()))

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def _logged(ls, params):
        m = re.match(
            r"guidelint timing: (\d+) page\(s\) checked in ([\d.]+) ms wall, ([\d.]+) ms CPU",
            params.message,
        )
        if m:
            server_times.append((int(m[1]), float(m[2]) / 1000, float(m[3]) / 1000))

    await client.start_io(sys.executable, "-m", "guidelint", "lsp", cwd=str(site))
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=from_fs_path(str(site)),
            initialization_options={"debounceMs": 0, "timing": True},
        )
    )
    client.initialized(types.InitializedParams())

    async def wait(uri: str, version: int | None, after: float) -> float:
        while True:
            got = arrived.get(uri)
            if got is not None and got[1] >= after and (version is None or got[0] == version):
                return got[1] - after
            await asyncio.sleep(0.0005)

    content = site / "content"
    # the page most linked to with an anchor: a heading rename has pages to tell
    counts: dict[str, int] = {}
    for page in content.rglob("*.md"):
        for target in re.findall(r"\]\((?:\.\./)*([\w/-]+\.md)#", page.read_text("utf-8")):
            counts[target] = counts.get(target, 0) + 1
    rel = max(sorted(counts), key=counts.get)
    path = content / rel
    uri = from_fs_path(str(path))
    text = path.read_text(encoding="utf-8")

    start = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "markdown", 1, text))
    )
    first = await wait(uri, 1, start)  # the page's own checks (pageChecksFirst)
    while len([e for e in events if e[0] == uri]) < 2:  # then the whole site's
        await asyncio.sleep(0.001)
    cold = [t for u, t in events if u == uri][1] - start

    kinds = {
        "sentence appended": lambda i: text + f"\nOne more sentence, number {i}.\n",
        "broken link added": lambda i: text + f"\nSee [nothing](missing-{i}.md).\n",
        "headings renamed": lambda i: re.sub(r"^## (.*)$", rf"## \1 v{i}", text, flags=re.M),
        "buffer restored": lambda i: text,
    }
    by_kind: dict[str, list[float]] = {k: [] for k in kinds}
    server: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
    linking: list[float] = []
    names = list(kinds)
    while len(server_times) < 2:  # the page, then the pages linking to it
        await asyncio.sleep(0.001)
    await asyncio.sleep(1.0)  # their diagnostics are sent after the timing line
    told = [u for u in arrived if u != uri]  # the pages linking here, published after the open
    for i in range(edits):
        kind = names[i % len(names)]
        version = i + 2
        start = time.perf_counter()
        logged = len(server_times)
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                [types.TextDocumentContentChangeWholeDocument(text=kinds[kind](i))],
            )
        )
        by_kind[kind].append(await wait(uri, version, start))
        # the pages linking here are published by a second check right after
        for other in told:
            await wait(other, None, start)
        if told:
            linking.append(max(arrived[u][1] for u in told) - start)
        while len(server_times) < logged + (2 if told else 1):
            await asyncio.sleep(0.001)
        own = server_times[logged]
        server[kind].append((own[1], own[2]))

    second_rel = sorted(counts)[0] if sorted(counts)[0] != rel else sorted(counts)[1]
    second = content / second_rel
    second_uri = from_fs_path(str(second))
    start = time.perf_counter()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(second_uri, "markdown", 1, second.read_text("utf-8"))
        )
    )
    warm_open = await wait(second_uri, 1, start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {
        "page": rel,
        "cold_open": cold,
        "first_answer": first,
        "warm_open": warm_open,
        "by_kind": by_kind,
        "server": server,
        "told": len(told),
        "linking": linking,
        "all": [v for values in by_kind.values() for v in values],
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--pages", type=int, default=1000)
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--site", type=Path, help="use (or generate) the site here")
    args = ap.parse_args(argv)
    site = args.site or Path(tempfile.mkdtemp(prefix="guidelint-lsp-")) / f"site{args.pages}"
    if not (site / "content").is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "gen_site.py"), str(args.pages), str(site)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    os.environ.setdefault("GUIDELINT_TODAY", "2026-11-25")
    result = asyncio.run(measure(site, args.edits))
    print(
        f"site: {args.pages} pages ({site}); edited page: {result['page']}; {os.cpu_count()} CPUs"
    )
    print(
        f"first open: the page's own checks after {result['first_answer'] * 1000:.0f} ms, "
        f"the whole site's (cold: every page read) after {result['cold_open'] * 1000:.0f} ms"
    )
    print(f"second page opened (warm): {result['warm_open'] * 1000:.0f} ms")
    print("change -> the page's diagnostics at the client (server wall / server CPU, medians):")
    for kind, values in result["by_kind"].items():
        if values:
            walls = [w for w, _c in result["server"][kind]]
            cpus = [c for _w, c in result["server"][kind]]
            print(
                f"  {kind}: {summary(values)}; server {statistics.median(walls) * 1000:.0f} / "
                f"{statistics.median(cpus) * 1000:.0f} ms"
            )
    print(f"  every kind: {summary(result['all'])}")
    if result["linking"]:
        print(
            f"change -> the {result['told']} pages linking to it published too: "
            f"{summary(result['linking'])}"
        )


if __name__ == "__main__":
    main()
