#!/usr/bin/env python3
"""How long an HTML report takes to open in headless Chromium, and how large it is.

    python benchmarks/gen_site.py 1000 /tmp/s1k
    (cd /tmp/s1k && guidelint check --format html -o /tmp/s1k.html)
    python benchmarks/html_report.py /tmp/s1k.html [--runs 5]

Drives Chromium (Debian package ``chromium``) over the DevTools protocol (``pip install -e
'.[bench]'``, websocket-client): for each run a fresh tab loads the file and the script reads the page's
navigation timing (DOMContentLoaded, load event) and first contentful paint, the time until the
tab answers after a layout (``document.body.scrollHeight``; off-screen sections are skipped, the
report styles them ``content-visibility: auto``), and the time to lay out every section, as
scrolling through the whole report would.
Prints the median of each. Not part of the test suite (no timed assertions in tests).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


def _wait_for_port(profile: Path, proc: subprocess.Popen, timeout: float = 20.0) -> int:
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("chromium exited early")
        if port_file.exists():
            text = port_file.read_text().split()
            if text:
                return int(text[0])
        time.sleep(0.05)
    raise RuntimeError("chromium did not open its DevTools port")


class Tab:
    def __init__(self, ws_url: str) -> None:
        import websocket  # websocket-client

        self.ws = websocket.create_connection(ws_url, timeout=60)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})

    def wait_event(self, name: str) -> dict:
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("method") == name:
                return msg.get("params", {})

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.ws.close()


def measure(report: Path, runs: int) -> dict:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found (Debian package 'chromium')")
    url = report.resolve().as_uri()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp)
        proc = subprocess.Popen(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "--window-size=1280,900",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            port = _wait_for_port(profile, proc)
            for _ in range(runs):
                req = urllib.request.Request(
                    f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT"
                )
                with urllib.request.urlopen(req, timeout=10) as resp:
                    target = json.load(resp)
                tab = Tab(target["webSocketDebuggerUrl"])
                tab.call("Page.enable")
                start = time.perf_counter()
                tab.call("Page.navigate", url=url)
                tab.wait_event("Page.loadEventFired")
                loaded = time.perf_counter() - start
                timing = tab.evaluate(
                    "(() => { const n = performance.getEntriesByType('navigation')[0];"
                    " const p = performance.getEntriesByName('first-contentful-paint')[0];"
                    " return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,"
                    " fcp: p ? p.startTime : null}; })()"
                )
                tab.evaluate("document.body.scrollHeight")  # layout (off-screen sections skipped)
                laid_out = time.perf_counter() - start
                before = time.perf_counter()
                tab.evaluate(  # every section laid out, as scrolling through the whole report would
                    "document.querySelectorAll('main > section').forEach("
                    "s => s.style.contentVisibility = 'visible'); document.body.scrollHeight"
                )
                everything = time.perf_counter() - before
                rows.append(
                    {
                        **timing,
                        "wall_load": loaded * 1000,
                        "wall_layout": laid_out * 1000,
                        "full_layout": everything * 1000,
                    }
                )
                tab.close()
                urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/json/close/{target['id']}", timeout=10
                ).close()
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return {
        key: statistics.median(r[key] for r in rows if r[key] is not None)
        for key in ("dcl", "fcp", "load", "wall_load", "wall_layout", "full_layout")
        if any(r[key] is not None for r in rows)
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    size = args.report.stat().st_size
    result = measure(args.report, args.runs)
    print(f"{args.report}: {size / 1e6:.2f} MB")
    names = {
        "dcl": "DOMContentLoaded",
        "fcp": "first contentful paint",
        "load": "load event end",
        "wall_load": "navigate -> load event (wall)",
        "wall_layout": "navigate -> first screen laid out (wall)",
        "full_layout": "then laying out every section (wall)",
    }
    for key, value in result.items():
        print(f"  {names[key]:<40} {value:8.0f} ms (median of {args.runs})")


if __name__ == "__main__":
    main()
