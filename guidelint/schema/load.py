"""Which schema set a run uses: the folder looked at once per run (``refresh_folder``), each
state of it read once per process (``read.read_schemas``), and a trusted record from the cache
(``adopt_trusted``, see ``guidelint.schema.trusted``) standing in for that read when it matches.
"""

from __future__ import annotations

import functools
from pathlib import Path

from guidelint.schema import trusted
from guidelint.schema.model import SchemaSet
from guidelint.schema.read import read_schemas

# the folder's state: its file names and modification times
Stamp = tuple[tuple[str, int], ...]
Entry = tuple[Path, Stamp]  # (resolved folder, stamp)

_STAMPS: dict[Path, Entry] = {}  # folder as configured -> its last look
_WHOLE: dict[Entry, SchemaSet] = {}  # its whole read in this process
_TRUSTED: dict[Entry, trusted.Facts] = {}  # what a trusted record says about it


def mtimes(directory: Path) -> Stamp:
    """The stamp of ``directory``: its entries' names and modification times (empty if unlisted)."""
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in directory.iterdir()))
    except OSError:
        return ()


def refresh_folder(directory: Path) -> None:
    """Look at the folder again (cheap: no schema is read). ``runner.run`` calls this once per run;
    the schemas themselves load on first use, when a page is analysed or the site rules run."""
    _STAMPS[directory] = (directory.resolve(), mtimes(directory))


def load_schemas(directory: Path, refresh: bool = False) -> SchemaSet:
    """The schemas of ``directory``. The folder is looked at (resolved, listed, stat-ed) on the
    first call and when ``refresh`` is true: ``runner.run`` refreshes once per run, and the
    per-page calls in between reuse that look instead of listing the folder for every page."""
    entry = _STAMPS.get(directory)
    if refresh or entry is None:
        entry = _STAMPS[directory] = (directory.resolve(), mtimes(directory))
    return _load(*entry)


def adopt_trusted(directory: Path, path: Path) -> None:
    """Use the trusted record at ``path`` (in the cache context of these schemas' bytes), if it
    verifies (``trusted.read``)."""
    facts = trusted.read(path)
    if facts is None:
        return
    entry = _STAMPS.get(directory) or (directory.resolve(), mtimes(directory))
    _TRUSTED[entry] = facts


def save_trusted(directory: Path, path: Path) -> None:
    """Write what a whole load of ``directory`` learnt, if this process did one and did not
    trust ``path`` already (a missing or damaged record is written again)."""
    entry = _STAMPS.get(directory)
    if entry is None or entry in _TRUSTED:
        return
    whole = _WHOLE.get(entry)
    if whole is not None:
        trusted.write(path, whole)


@functools.lru_cache(maxsize=8)
def _load(directory: Path, stamp: Stamp) -> SchemaSet:
    facts = _TRUSTED.get((directory, stamp))
    if facts is not None:
        return trusted.schema_set(
            directory, facts, functools.partial(_load_whole, directory, stamp)
        )
    return _load_whole(directory, stamp)


def _load_whole(directory: Path, stamp: Stamp) -> SchemaSet:
    """Read, check and compile every schema of ``directory`` (imports jsonschema), once."""
    found = _WHOLE.get((directory, stamp))
    if found is None:
        found = _WHOLE[(directory, stamp)] = read_schemas(directory)
    return found
