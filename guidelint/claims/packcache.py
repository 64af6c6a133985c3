"""Claim packs as parsed before, read back from the cache instead of parsed again.

Reading a pack means parsing its YAML, translating every pattern to a regular expression,
checking the raw ``re:`` ones for catastrophic backtracking and finding the literals the
prefilter looks for: about 40 ms for the built-in pack, plus 15 ms to import PyYAML. A run that
analyses no page (a warm run, where every page comes from the site snapshot) needs the pack only
for its rules' codes, names and severities, so that work was most of such a run's own time.

So ``guidelint check`` keeps each parsed :class:`~guidelint.claims.pack.Pack` in the cache
folder, at ``<cache_dir>/v1/packs/<hash of the pack's path>.pack``, and reuses it while the
pack's bytes and guidelint's own source (``cache.code_digest``) are the ones it was made from.
Like every other cache file it is a pickle, so it is trusted only as far as
:mod:`guidelint.trust` allows: the file is opened only if it is a regular file, its HMAC tag
(under the user's cache key, with a label naming the pack's path) is checked before anything
is unpickled, and a file that fails any check is a miss: the pack is parsed from its YAML and
the file written again. ``--no-cache`` and ``cache = false`` neither read nor write it; without
a usable cache key there is no pack cache either.

The pack is stored as loaded, except that its regular expressions are stored as their source:
each is compiled on first use, as :class:`~guidelint.claims.patterns.Regex` does, so a run that
analyses no page compiles none (the raw ``re:`` ones, which parsing compiles to check them, were
checked when the entry was made, from the same bytes). Only a folder that an earlier run prepared as a cache
folder (``cache.prepare_cache_dir``: its ``v1`` folder exists) is written to, since this runs
before the run checks ``cache_dir``; the first cold run therefore parses the pack, and the runs
after it read it.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
from pathlib import Path
from typing import Any

from .pack import Pack, load_pack
from .patterns import Literal, Regex

MAGIC = b"guidelint-pack-1\n"
LABEL = b"guidelint claims pack\0"
FOLDER = "packs"
STAMP = ".used"  # (cache.STAMP) a folder of v1/ unused for cache.PRUNE_DAYS days is pruned
_DIGEST = 20


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_DIGEST).digest()


def _regex(pattern: str, flags: int, safe: bool, anchors: Any) -> Regex:
    return Regex(pattern, flags, safe=safe, anchors=anchors)


class _Pickler(pickle.Pickler):
    """Stores a pack's ``Regex`` objects by their source, never compiled, and its prefilter
    ``Literal`` objects by their fields (read back 40 % faster than a frozen dataclass's state)."""

    def reducer_override(self, obj: Any) -> Any:
        if type(obj) is Regex:
            return _regex, (obj.pattern, obj.flags, obj.safe, obj.anchors)
        if type(obj) is Literal:
            return Literal, (obj.text, obj.kind, obj.cased)
        return NotImplemented


def dumps(pack: Pack) -> bytes:
    buf = io.BytesIO()
    _Pickler(buf, pickle.HIGHEST_PROTOCOL).dump(pack)
    return buf.getvalue()


class PackCache:
    """Parsed packs kept in ``folder`` (``<cache_dir>/v1/packs``). ``code``: the digest of
    guidelint's source that the stored packs must have been made by."""

    def __init__(self, folder: Path, code: bytes) -> None:
        self.folder = folder
        self.code = code
        self.hits = 0
        self.misses = 0
        self.writes = 0

    def entry_path(self, path: str) -> Path:
        name = hashlib.blake2b(path.encode("utf-8", "surrogateescape"), digest_size=16)
        return self.folder / f"{name.hexdigest()}.pack"

    def load(self, path: str | Path) -> Pack:
        """The pack at ``path``: from the cache if a verified entry was made from these bytes by
        this guidelint, else parsed (raising PackError as ``load_pack`` does) and stored."""
        path = str(path)
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            return load_pack(path)  # the loader says what is wrong with the file
        label = LABEL + path.encode("utf-8", "surrogateescape")
        head = _digest(data) + self.code
        entry = self.entry_path(path)
        pack = self._read(entry, label, head)
        if pack is not None:
            self.hits += 1
            return pack
        self.misses += 1
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return load_pack(path)  # (the loader's own message)
        pack = load_pack(path, text)
        self._write(entry, label, head, pack)
        return pack

    def _read(self, entry: Path, label: bytes, head: bytes) -> Pack | None:
        from guidelint import trust

        try:
            # authenticated first; then made from these bytes by this guidelint; only then unpickled
            payload = trust.read_sealed(entry, MAGIC, label, head)
            if payload is None:
                return None
            pack = pickle.loads(payload)
        except Exception:
            return None
        if not isinstance(pack, Pack):
            return None
        with contextlib.suppress(OSError):
            os.utime(self.folder / STAMP)
        return pack

    def _write(self, entry: Path, label: bytes, head: bytes, pack: Pack) -> None:
        from guidelint import trust
        from guidelint.atomic import store
        from guidelint.tempfiles import stale_in

        try:
            payload = dumps(pack)
        except Exception:  # pragma: no cover - a pack holds plain data
            return
        sealed = trust.seal(label, head + payload)
        if sealed is None:
            return
        if store(entry, MAGIC + sealed):
            self.writes += 1
            stale_in(str(self.folder), ".tmp-")  # left by runs killed while writing here
            with contextlib.suppress(OSError):
                (self.folder / STAMP).touch()


def for_config(config: Any) -> PackCache | None:
    """The pack cache of a run with this configuration, or None: the configuration turns the
    cache off, the cache folder is not one an earlier run prepared, or there is no usable cache
    key (``trust.key`` then says why on standard error, once, as the run itself would)."""
    if not config["cache"]:
        return None
    from guidelint import cache, trust

    root = config.resolve_path(config["cache_dir"])
    base = root / cache.FORMAT
    if base.is_symlink() or not base.is_dir():
        return None
    if trust.key(outside=(root, config.content_root)) is None:
        return None
    return PackCache(base / FOLDER, bytes.fromhex(cache.code_digest()))
