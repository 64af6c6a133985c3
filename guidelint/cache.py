"""The result cache: one ``PageResult`` per file, reused while nothing it depends on changes.

Pages below the content root are kept by the site snapshot (``guidelint.snapshot``), which lives
in the same context folder; entries here are for files checked outside the content root.

An entry is found by the file's display and rel paths under a *context*: a hash of everything
else an analysis depends on (the guidelint version and source files, the schemas, the claim
packs, the configuration fingerprint, which includes today's date, and the selected codes).
It is used only if the hash of the file's bytes matches the one stored in it, so a changed page
is analysed again and its entry replaced: the cache holds one entry per file and context.

Several runs may share a cache at once without a lock: entries are written to a temporary file
and moved into place with ``os.replace`` (atomic), and an entry that cannot be read or does not
have the expected shape (a partial write from a crashed run, another version) is ignored.

Layout: ``<cache_dir>/v1/<context>/<2 hex>/<entry>``. Context folders unused for
``PRUNE_DAYS`` days are removed. An entry holds a pickle, unpickled only after its HMAC tag
verifies under the user's cache key (``guidelint.trust``): an entry planted in the folder (a
committed or shared cache) is a miss, never code that runs.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import shutil
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from guidelint import __version__, trust
from guidelint.atomic import atomic_write as _atomic_write
from guidelint.tempfiles import stale_in

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.results import PageResult

FORMAT = "v1"
MAGIC = b"guidelint-cache-2\n"
ENTRY_LABEL = b"guidelint cache entry"
PRUNE_DAYS = 7
STAMP = ".used"
# configuration keys whose values name data files that page rules read: their bytes are in the key
DATA_FILE_KEYS = (("claims", "packs"), ("names", "files"))
_PACKAGE = Path(__file__).resolve().parent


def digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=20).digest()


def _tree_digest(h: hashlib.blake2b, root: Path, suffixes: tuple[str, ...] | None = None) -> None:
    """Feed every file below ``root`` (name and bytes, sorted) into ``h``."""
    if root.is_file():
        h.update(root.name.encode() + b"\0")
        try:
            h.update(root.read_bytes())
        except OSError:
            h.update(b"<unreadable>")
        return
    if not root.is_dir():
        h.update(b"<missing>" + str(root).encode())
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and not d.startswith("."))
        for name in sorted(filenames):
            if suffixes and not name.endswith(suffixes):
                continue
            path = Path(dirpath) / name
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            try:
                h.update(path.read_bytes())
            except OSError:
                h.update(b"<unreadable>")


@functools.lru_cache(maxsize=1)
def code_digest() -> str:
    """Hash of guidelint's own source, rules and built-in packs (an edited rule invalidates entries)."""
    h = hashlib.blake2b(digest_size=20)
    _tree_digest(h, _PACKAGE, (".py", ".yaml", ".yml", ".json", ".toml", ".txt"))
    return h.hexdigest()


def context_key(config: Config, selected: Iterable[str]) -> str:
    h = hashlib.blake2b(digest_size=20)
    for part in (
        FORMAT,
        __version__,
        f"{sys.version_info[0]}.{sys.version_info[1]}",
        code_digest(),
        config.fingerprint(),
        ",".join(sorted(selected)),
    ):
        h.update(part.encode("utf-8") + b"\0")
    _tree_digest(h, config.schemas_dir)
    for (
        table,
        key,
    ) in DATA_FILE_KEYS:  # data files named in the configuration (claim packs, name lists)
        for value in (config.values.get(table) or {}).get(key, ()):
            _tree_digest(h, config.resolve_path(value))
    return h.hexdigest()


class Cache:
    """Entries of one context. Every method swallows file-system errors: a cache never fails a run."""

    def __init__(self, root: Path, context: str, setting: str | None = None) -> None:
        self.root = root
        self.context = context
        self.folder = root / FORMAT / context[:24]
        self.hits = 0
        self.misses = 0
        self.writes = 0
        self.enabled = self._prepare(setting)

    @classmethod
    def for_run(cls, config: Config, selected: Iterable[str]) -> Cache:
        return cls(
            config.resolve_path(config["cache_dir"]),
            context_key(config, selected),
            setting=config["cache_dir"],
        )

    def _prepare(self, setting: str | None = None) -> bool:
        """Ready the folders; False if the file system refuses. Raises ConfigError for a
        cache_dir that guidelint must not write into (``prepare_cache_dir``)."""
        try:
            prepare_cache_dir(self.root, setting)
            self.folder.mkdir(parents=True, exist_ok=True)
            remove_stale_temps(self.folder)
            stamp = self.folder / STAMP
            stamp.touch()
            return True
        except OSError:
            return False

    def entry_path(self, display: str, rel: str | None) -> Path:
        key = hashlib.blake2b(
            f"{display}\0{rel}".encode("utf-8", "surrogateescape"), digest_size=16
        ).hexdigest()
        return self.folder / key[:2] / key

    def get(self, path: Path, file_digest: bytes) -> PageResult | None:
        """The stored result for a file with these bytes, if the entry at ``path`` is a regular
        file whose tag verifies (``guidelint.trust``): an entry this user's guidelint did not
        write is never unpickled, and counts as a miss (the run writes it again)."""
        if not self.enabled:
            return None
        try:
            payload = _open_entry(path, file_digest)
            result: PageResult | None = pickle.loads(payload) if payload is not None else None
        except Exception:
            result = None
        if result is None:
            self.misses += 1
            return None
        self.hits += 1
        return result

    def prune(self, now: float | None = None) -> None:
        """Remove context folders not used for PRUNE_DAYS days (other dates, old configurations)."""
        now = now or time.time()
        base = self.root / FORMAT
        try:
            folders = list(base.iterdir())
        except OSError:
            return
        for folder in folders:
            if folder == self.folder or not folder.is_dir():
                continue
            try:
                used = (folder / STAMP).stat().st_mtime
            except OSError:
                used = folder.stat().st_mtime if folder.exists() else now
            if now - used > PRUNE_DAYS * 86400:
                shutil.rmtree(folder, ignore_errors=True)


# ------------------------------------------------------------------ the cache folder itself
# guidelint marks a cache folder it created with CACHEDIR.TAG (backup tools skip the folder) and
# a .gitignore of "*" (git does not see it). Written into a folder that holds other files (a
# cache_dir of "." or of the content root), those two files hide the user's work from git and
# from backups; so only a folder guidelint created gets them, and an existing folder that holds
# other files is refused.
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n# guidelint's result cache; safe to delete.\n"
)
MARKERS = (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", "# created by guidelint\n*\n"))
# what guidelint itself keeps in a cache folder: format folders, the external-link cache, temporary
# files and the markers. (A new file or folder at the top of the cache must be named here, or
# every cache folder holding it is refused.)
_OWN_NAME = re.compile(
    r"v[0-9]+|external-links\.json|\.tmp-.*|\.external-.*\.json|CACHEDIR\.TAG|\.gitignore"
)


def is_own_cache_dir(root: Path) -> bool:
    """``root`` holds guidelint's CACHEDIR.TAG: guidelint created it."""
    try:
        with open(root / "CACHEDIR.TAG", "rb") as fh:
            return b"guidelint" in fh.read(4096)
    except OSError:
        return False


def prepare_cache_dir(root: Path, setting: str | None = None) -> None:
    """Create the cache folder ``root`` with its markers, or check that an existing one may be
    used: it must hold nothing but what guidelint keeps there. It gets the markers only if
    guidelint created it (now, or before: its CACHEDIR.TAG is guidelint's). Raises ConfigError
    (exit code 2) when ``root`` is not a folder or holds other files; OSError when it cannot be
    created (the caller then runs without a cache)."""
    from guidelint.config import ConfigError

    shown = f"cache_dir = '{setting}'" if setting is not None else "cache_dir"
    if root.exists() and not root.is_dir():
        raise ConfigError(f"{shown}: {root} is a file, not a folder; set cache_dir to a folder")
    created = False
    if not root.exists():
        try:
            root.mkdir(parents=True)
            created = True
        except FileExistsError:  # another run created it just now
            pass
    if not created:
        with os.scandir(root) as it:
            foreign = sorted(e.name for e in it if not _OWN_NAME.fullmatch(e.name))
        if foreign:
            listed = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            older = (
                " (CACHEDIR.TAG and .gitignore there were written by an older guidelint: "
                "delete them, or git and backups keep skipping that folder)"
                if is_own_cache_dir(root)
                else ""
            )
            raise ConfigError(
                f"{shown}: the folder {root} holds files that guidelint did not put there "
                f"({listed}); guidelint keeps its cache only in a folder of its own. Set "
                f"cache_dir to a new folder, such as .guidelint_cache{older}"
            )
    if created or is_own_cache_dir(root):  # markers only in a folder guidelint created
        for name, text in MARKERS:
            marker = root / name
            if not marker.exists():
                _atomic_write(marker, text.encode())
    stale_in(str(root), ".tmp-")
    stale_in(str(root), ".external-")  # guidelint.external's temporary files


def remove_stale_temps(folder: Path) -> None:
    """Remove the temporary files that killed runs left in a context folder and its entry
    folders (``guidelint.tempfiles``); never one that a running process is writing."""
    try:
        with os.scandir(folder) as it:
            subfolders = [e.path for e in it if len(e.name) == 2 and e.is_dir()]
    except OSError:
        return
    for path in [str(folder), *subfolders]:
        stale_in(path, ".tmp-")


def encode(file_digest: bytes, payload: bytes) -> bytes | None:
    """An entry's bytes (``payload`` is the pickled ``PageResult``): ``MAGIC``, then the HMAC tag
    of the rest, the hash of the file's bytes and the payload. None without a cache key."""
    sealed = trust.seal(ENTRY_LABEL, file_digest + payload)
    return None if sealed is None else MAGIC + sealed


def _open_entry(path: Path, file_digest: bytes) -> bytes | memoryview | None:
    """The verified payload of the entry at ``path`` for a file whose bytes hash to
    ``file_digest``, or None (missing, not a regular file, foreign, damaged or stale)."""
    return trust.read_sealed(path, MAGIC, ENTRY_LABEL, file_digest)
