"""Page analysis at site scale: the result caches, then a process pool for what is left.

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
import pickle
import signal
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guidelint import cache as cache_mod
from guidelint import schema, snapshot, trust
from guidelint.analysis import analyze
from guidelint.atomic import store
from guidelint.config import Config
from guidelint.discovery import FileItem
from guidelint.reading import read_item
from guidelint.results import INTERNAL_ERROR, AnalysedPage, PageResult, problem_result

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


# a task: (display, rel, path or None, preloaded bytes or None, cache entry path or None)
Task = tuple[str, "str | None", "str | None", "bytes | None", "str | None"]


def _analyze_task(
    task: Task, config: Config, selected: frozenset[str]
) -> tuple[PageResult, bytes | None]:
    """Read (unless preloaded), analyse and store one page. Returns (result, the hash of the bytes
    analysed or None if unreadable)."""
    display, rel, path, data, entry = task
    if data is None:
        assert path is not None  # a task without bytes names its file
        data, problem = read_item(
            FileItem(Path(path), display, rel), config["limits"]["max_file_bytes"]
        )
        if problem is not None:
            return problem_result(display, rel, problem), None
        assert data is not None  # read_item gives the bytes or a problem
    result = analyze(display, rel, data, config, selected)
    file_digest = cache_mod.digest(data)
    if entry is None or any(f.code == INTERNAL_ERROR for f in result.findings):
        return result, file_digest  # a page that crashed a rule is analysed again next time
    blob = cache_mod.encode(file_digest, pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    if blob is not None:  # (None: no cache key)
        store(Path(entry), blob)
    return result, file_digest


# ------------------------------------------------------------------ worker side
_WORKER: dict[str, Any] = {}


WORKER_GC_THRESHOLDS = (50_000, 20, 100)  # the defaults (700, 10, 10) cost ~10% of a cold run


def _init_worker(config: Config, selected: frozenset[str], packs_loaded: bool) -> None:
    import gc

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    gc.set_threshold(*WORKER_GC_THRESHOLDS)  # the command line turned the collector off (cli.main)
    gc.enable()
    _WORKER["config"] = config
    _WORKER["selected"] = selected
    if not packs_loaded:  # spawned (not forked) workers register the claim packs again
        from guidelint.loading import load_packs

        load_packs(config)


def _work(chunk: list[Task]) -> list[tuple[bytes, bytes, bytes | None]]:
    """(pickled summary, pickled findings and lines, hash of the bytes) for each task. The summary
    is pickled on its own because the site snapshot stores it so: this process pickles it once,
    not the workers and then the parent again."""
    out: list[tuple[bytes, bytes, bytes | None]] = []
    for task in chunk:
        result, file_digest = _analyze_task(task, _WORKER["config"], _WORKER["selected"])
        out.append(
            (
                pickle.dumps(result.summary, pickle.HIGHEST_PROTOCOL),
                pickle.dumps((result.findings, result.lines), pickle.HIGHEST_PROTOCOL),
                file_digest,
            )
        )
    return out


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
                    results[i], digests[i] = _analyze_task(task, config, selected)
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
        # warm up what forked workers inherit (schemas, rules, the Markdown parser, the claims engine)
        from guidelint import claims
        from guidelint.page import markdown_parser
        from guidelint.registry import all_rules
        from guidelint.schema import load_schemas

        all_rules()
        markdown_parser()
        load_schemas(config.schemas_dir)
        compile_engine: Callable[[Config, frozenset[str]], object] = claims.compile_engine
        compile_engine(config, selected)
        import multiprocessing  # (a run served by the caches starts no pool: 10 ms of imports saved)

        methods = multiprocessing.get_all_start_methods()
        method = "fork" if sys.platform.startswith("linux") and "fork" in methods else None
        ctx = multiprocessing.get_context(method)
        size = max(1, min(32, len(todo) // (workers * 6)))
        chunks = [todo[k : k + size] for k in range(0, len(todo), size)]
        # A Ctrl-C while the workers are being forked would interrupt fork handlers (logging's
        # lock release) and print "Exception ignored ... KeyboardInterrupt": hold it until the
        # pool exists, then let it arrive inside the try below, which stops the pool.
        mask = getattr(signal, "pthread_sigmask", None)
        held = mask(signal.SIG_BLOCK, {signal.SIGINT}) if mask else None
        try:
            pool = ctx.Pool(
                workers, initializer=_init_worker, initargs=(config, selected, method == "fork")
            )
        except BaseException:
            if mask:
                mask(signal.SIG_SETMASK, held)
            raise
        # (index, pickled summary, pickled findings and lines, hash of the bytes)
        pickled: list[tuple[int, bytes, bytes, bytes | None] | None] = []
        try:
            if mask:
                mask(signal.SIG_SETMASK, held)  # a Ctrl-C held back is raised here
            for chunk, out in zip(chunks, pool.imap(_work, [[t for _, t in c] for c in chunks])):
                pickled.extend((i, *answer) for (i, _task), answer in zip(chunk, out))
            pool.close()
        except BaseException:
            pool.terminate()
            raise
        finally:
            pool.join()
            # unpickled once the workers are gone: results as objects take ~3x their pickles' memory,
            # and while the workers run, their memory and this process's add up. Also when
            # interrupted: the caller saves the results that came back.
            for k, answer in enumerate(pickled):
                assert answer is not None  # (each is cleared after it is read, below)
                i, summary, rest, file_digest = answer
                results[i] = PageResult(pickle.loads(summary), *pickle.loads(rest))
                summaries[i] = summary
                digests[i] = file_digest
                pickled[k] = (
                    None  # each pickle freed as its result is built: never both whole at once
                )


def make_analyzer(
    jobs: int | None, config: Config, use_cache: bool | None = None
) -> CachedParallelAnalyzer:
    """``jobs``: None for the configuration's value; ``use_cache``: None for the configuration's."""
    use = config["cache"] if use_cache is None else use_cache
    return CachedParallelAnalyzer(resolve_jobs(jobs, config), use)
