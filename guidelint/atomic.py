"""Atomic file writes: a temporary file beside the target, then a rename. Used by the cache, the
site snapshot and the trusted-schemas record."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# what to write: the bytes, or a function that writes them to a binary file
Blob = bytes | Callable[[BinaryIO], None]


def store(path: Path, blob: Blob) -> bool:
    """Write ``blob`` (bytes, or a function that writes to a binary file) atomically; False (and
    nothing written) if the file system refuses."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, blob)
        return True
    except OSError:
        return False


def atomic_write(path: Path, blob: Blob) -> None:
    """Write ``blob`` (bytes, or a function that writes to a binary file) to a temporary file
    beside ``path``, then move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=f".{os.getpid()}")
    try:
        with os.fdopen(fd, "wb") as fh:
            if callable(blob):
                blob(fh)
            else:
                fh.write(blob)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
