"""Page analysis at site scale: the result caches, then a process pool (``guidelint.pool``) for
what is left.

``make_analyzer`` returns a ``CachedParallelAnalyzer``, the command line's analyzer
(``guidelint.analysis.Analyzer``; ``analysis.analyze_items`` reads and analyses every file
without any of this):

1. a page below the content root that the site snapshot knows unchanged (same ``stat``
   signature, or same bytes) is served from it without being read (``guidelint.snapshot``);
   the snapshot is the cache of those pages. A file outside the content root is read and
   hashed here and looked up in the per-file cache (``guidelint.cache``);
2. the pages not found are analysed here when they are few, else in a pool of worker processes
   (``jobs``; 0 means one per core). Workers read the files themselves (so this process never
   holds the whole site's bytes), hash and analyse them, write the per-file entries of files
   outside the content root and send back the pickled results;
3. results come back in the order of the items, so the output never depends on scheduling;
4. an interrupted run (Ctrl-C) saves what it analysed to the snapshot before it stops, so the
   next run starts where it left off.

Pages below the root get no per-file entry: the snapshot holds the same results, and writing a
file per page was a fifth of a cold run (1,000 pages: 4.0 s with the entries, 3.3 s without).

The pool starts only when there are at least ``POOL_MIN_PAGES`` uncached pages: below that,
starting and feeding workers costs more than it saves (measured below).
"""

from __future__ import annotations

import os
import stat
from typing import Any

from guidelint import cache as cache_mod
from guidelint import pool, schema, snapshot, trust
from guidelint.config import Config
from guidelint.discovery import FileItem
from guidelint.pool import Task
from guidelint.reading import read_item
from guidelint.results import AnalysedPage, problem_result

# Measured on 2 cores (forked workers inherit the loaded rules, so a pool starts in ~40 ms):
# with every rule, the pool wins from 4 pages (8 pages: 0.29 s alone, 0.19 s pooled); without
# the claim rules it breaks even at 16 pages and wins clearly at 32. (Measured when the claim
# rules cost 5 ms a page; they now cost under 1 ms, so 16 is, if anything, a little low.)
POOL_MIN_PAGES = 16  # uncached pages below which the analysis stays in this process
MIN_PAGES_PER_WORKER = 8
TRUSTED_SCHEMAS = (
    "schemas.trusted"  # in the cache context folder (see guidelint.schema.adopt_trusted)
)


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def resolve_jobs(jobs: int | None, config: Config) -> int:
    jobs = config["jobs"] if jobs is None else jobs
    return jobs if jobs else cpu_count()


# ------------------------------------------------------------------ this process
class CachedParallelAnalyzer:
    """The command line's analyzer (``guidelint.analysis.Analyzer``): the caches, then the pool
    (see the module docstring); keeps counts in ``stats`` for the report."""

    def __init__(self, jobs: int, use_cache: bool) -> None:
        self.jobs = jobs
        self.use_cache = use_cache
        self.stats: dict[str, Any] = {}
        self.site_snapshot: snapshot.Session | None = None  # the site snapshot of the last call

    def __call__(
        self, items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> list[AnalysedPage]:
        # without a cache key (guidelint.trust) nothing stored could be trusted: no cache at all
        usable = (
            self.use_cache
            and trust.key(outside=(config.resolve_path(config["cache_dir"]), config.content_root))
            is not None
        )
        store = cache_mod.Cache.for_run(config, selected) if usable else None
        if store is not None and not store.enabled:
            store = None
        # pages below the content root are known to the site snapshot; the others only to the cache
        session = self.site_snapshot = (
            snapshot.Session(snapshot.location(store.folder, config), config.content_root)
            if store is not None
            else None
        )
        if (
            store is not None
        ):  # schemas with these bytes passed their checks before (guidelint.schema)
            schema.adopt_trusted(config.schemas_dir, store.folder / TRUSTED_SCHEMAS)
        max_bytes = config["limits"]["max_file_bytes"]
        results: list[AnalysedPage | None] = [None] * len(items)
        digests: list[bytes | None] = [None] * len(items)  # hashes of the bytes the analysis read
        summaries: dict[int, bytes] = {}  # pickled summaries made by the workers
        todo: list[tuple[int, Task]] = []
        sigs: dict[int, snapshot.Signature | None] = {}  # pages the snapshot will record
        for i, item in enumerate(items):
            entry = None
            if session is not None and item.rel is not None and item.path is not None:
                sig = None
                try:  # the signature is taken before the bytes are read (see guidelint.snapshot)
                    st = os.stat(item.path)
                    sig = snapshot.signature(st) if stat.S_ISREG(st.st_mode) else None
                except OSError:
                    pass
                if sig is not None and (stored := session.unchanged(item.rel, sig)) is not None:
                    results[i] = stored
                    continue
                if session.knows(item.rel):  # touched, maybe not changed: compare the bytes
                    data, problem = read_item(item, max_bytes)
                    if problem is not None:
                        results[i] = problem_result(item.display, item.rel, problem)
                        continue
                    assert data is not None  # read_item gives the bytes or a problem
                    if (
                        stored := session.unchanged(item.rel, sig, cache_mod.digest(data))
                    ) is not None:
                        results[i] = stored
                        continue
                sigs[i] = sig
            elif store is not None and item.path is not None:  # outside the content root
                data, problem = read_item(item, max_bytes)
                if problem is not None:
                    results[i] = problem_result(item.display, item.rel, problem)
                    continue
                assert data is not None  # read_item gives the bytes or a problem
                path = store.entry_path(item.display, item.rel)
                hit = store.get(path, cache_mod.digest(data))
                if hit is not None:
                    results[i] = hit
                    continue
                entry = str(path)
            todo.append(
                (
                    i,
                    (
                        item.display,
                        item.rel,
                        str(item.path) if item.path else None,
                        item.data,
                        entry,
                    ),
                )
            )
        workers = self._workers(len(todo))
        try:
            if workers > 1:
                self._pool(workers, todo, results, digests, summaries, config, selected)
            else:
                for i, task in todo:
                    results[i], digests[i] = pool.analyze_task(task, config, selected)
        except KeyboardInterrupt:
            if session is not None:  # keep what was analysed: the next run starts from there
                self._note(session, items, sigs, digests, summaries)
                session.save(
                    [
                        (item.rel, r)
                        for item, r in zip(items, results)
                        if r is not None and item.rel is not None and item.path is not None
                    ],
                    None,
                    None,
                )
            raise
        if session is not None:
            self._note(session, items, sigs, digests, summaries)
        if store is not None:
            schema.save_trusted(config.schemas_dir, store.folder / TRUSTED_SCHEMAS)
            store.prune()
        self.stats.clear()
        self.stats.update(
            {
                "pages": len(items),
                "analysed": len(todo),
                "cached": len(items) - len(todo),
                "unchanged": session.reused if session is not None else 0,
                "workers": workers,
                "cache": store is not None,
            }
        )
        complete = [r for r in results if r is not None]
        assert len(complete) == len(items)  # every item was served, read or analysed
        return complete

    @staticmethod
    def _note(
        session: snapshot.Session,
        items: list[FileItem],
        sigs: dict[int, snapshot.Signature | None],
        digests: list[bytes | None],
        summaries: dict[int, bytes],
    ) -> None:
        for i, sig in sigs.items():
            file_digest, rel = digests[i], items[i].rel
            # read and analysed (an unreadable file is looked at again next time)
            if file_digest is not None and rel is not None:
                session.note(rel, sig, file_digest, summaries.get(i))

    def _workers(self, pending: int) -> int:
        if self.jobs <= 1 or pending < POOL_MIN_PAGES:
            return 1
        return max(1, min(self.jobs, pending // MIN_PAGES_PER_WORKER))

    def _pool(
        self,
        workers: int,
        todo: list[tuple[int, Task]],
        results: list[AnalysedPage | None],
        digests: list[bytes | None],
        summaries: dict[int, bytes],
        config: Config,
        selected: frozenset[str],
    ) -> None:
        pool.analyze_in_pool(workers, todo, results, digests, summaries, config, selected)


def make_analyzer(
    jobs: int | None, config: Config, use_cache: bool | None = None
) -> CachedParallelAnalyzer:
    """``jobs``: None for the configuration's value; ``use_cache``: None for the configuration's."""
    use = config["cache"] if use_cache is None else use_cache
    return CachedParallelAnalyzer(resolve_jobs(jobs, config), use)
