"""Temporary files left behind by a killed run, and when it is safe to remove them.

guidelint writes every file it replaces (a fixed page, a cache entry, the site snapshot) to a
temporary file beside it, then moves that into place. A run killed between the two leaves the
temporary file: ``.<page>.<random>.<pid>.guidelint-tmp`` beside a page, ``.tmp-<random>.<pid>``
in the cache. The next run removes those that are *stale*: older than ``STALE_SECONDS`` and
either written by a process that no longer runs on this machine, or older than
``ABANDONED_SECONDS`` (a process id can be reused, and a shared cache can be written from
another machine). A temporary file that another run is writing right now is never touched.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable

STALE_SECONDS = 60
ABANDONED_SECONDS = 24 * 3600
PAGE_SUFFIX = ".guidelint-tmp"  # .<page name>.<random>.<pid>.guidelint-tmp beside a page


def writer_pid(name: str) -> int | None:
    """The process id written in a temporary file's name (its last dotted part before any
    ``PAGE_SUFFIX``), or None."""
    name = name.removesuffix(PAGE_SUFFIX)
    tail = name.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _running(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):  # someone else's process, or cannot tell: assume it runs
        return True
    return True


def is_stale(path: str, now: float | None = None) -> bool:
    """Whether the temporary file ``path`` was abandoned by a run that is over."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    age = (now if now is not None else time.time()) - st.st_mtime
    if age < STALE_SECONDS:
        return False
    if age >= ABANDONED_SECONDS:
        return True
    pid = writer_pid(os.path.basename(path))
    return pid is None or not _running(pid)


def remove_stale(paths: Iterable[str], now: float | None = None) -> list[str]:
    """Remove the stale ones of ``paths`` (regular files only); returns those removed."""
    removed = []
    for path in paths:
        with contextlib.suppress(OSError):
            if is_stale(path, now) and os.path.isfile(path) and not os.path.islink(path):
                os.unlink(path)
                removed.append(path)
    return removed


def stale_in(folder: str, prefix: str, now: float | None = None) -> list[str]:
    """Remove the stale temporary files named ``prefix*`` directly in ``folder``."""
    try:
        with os.scandir(folder) as it:
            names = [e.path for e in it if e.name.startswith(prefix)]
    except OSError:
        return []
    return remove_stale(names, now)
