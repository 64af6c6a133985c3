"""A progress line on standard error for long runs, only where a person is watching.

Shown only when standard error is a terminal, the ``CI`` environment variable is not set, the
output format is ``text`` and the run lasts longer than ``DELAY`` seconds. It never writes to
standard output and erases itself when the run ends.
"""

from __future__ import annotations

import os
import sys
import threading
import time

DELAY = 0.8
FRAMES = "|/-\\"


def wanted(fmt: str, stream=None) -> bool:
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return fmt == "text" and tty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Progress:
    def __init__(self, enabled: bool, stream=None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.phase = "checking"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._shown = False
        self._start = time.monotonic()

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(
                target=self._loop, name="guidelint-progress", daemon=True
            )
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1)
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def wrap(self, analyzer):
        """An analyzer that names its phase (how many pages) in the progress line."""
        if not self.enabled:
            return analyzer

        def analyze(items, config, selected):
            self.phase = f"analysing {len(items):,} page{'s' if len(items) != 1 else ''}"
            try:
                return analyzer(items, config, selected)
            finally:
                self.phase = "running site-wide checks (links, anchors)"

        if hasattr(analyzer, "stats"):
            analyze.stats = analyzer.stats  # type: ignore[attr-defined]
        analyze.inner = analyzer  # type: ignore[attr-defined] # runner.run finds the site snapshot through it
        return analyze

    def _loop(self) -> None:
        if self._stop.wait(DELAY):
            return
        i = 0
        while not self._stop.is_set():
            elapsed = time.monotonic() - self._start
            self.stream.write(f"\r\033[Kguidelint: {FRAMES[i % 4]} {self.phase}... {elapsed:.1f} s")
            self.stream.flush()
            self._shown = True
            i += 1
            self._stop.wait(0.1)
