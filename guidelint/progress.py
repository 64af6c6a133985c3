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
from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # pragma: no cover
    from types import TracebackType

    from guidelint.analysis import Analyzer
    from guidelint.config import Config
    from guidelint.discovery import FileItem
    from guidelint.incremental import SiteSnapshot
    from guidelint.results import AnalysedPage

DELAY = 0.8
FRAMES = "|/-\\"


def wanted(fmt: str, stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return fmt == "text" and tty and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"


class Progress:
    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
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

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(1)
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()

    def wrap(self, analyzer: Analyzer) -> Analyzer:
        """An analyzer that names its phase (how many pages) in the progress line."""
        return _PhaseNaming(self, analyzer) if self.enabled else analyzer

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


class _PhaseNaming:
    """``analyzer``, naming the phase of the run in the progress line (an ``Analyzer`` itself)."""

    def __init__(self, progress: Progress, analyzer: Analyzer) -> None:
        self.progress = progress
        self.analyzer = analyzer

    @property
    def site_snapshot(self) -> SiteSnapshot | None:
        return self.analyzer.site_snapshot

    def __call__(
        self, items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> Sequence[AnalysedPage]:
        n = len(items)
        self.progress.phase = f"analysing {n:,} page{'s' if n != 1 else ''}"
        try:
            return self.analyzer(items, config, selected)
        finally:
            self.progress.phase = "running site-wide checks (links, anchors)"
