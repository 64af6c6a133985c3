"""Page analysis in worker processes: the part of ``guidelint.parallel`` that runs once the
caches have served what they could.

A *task* is one page to read (unless its bytes came with it), analyse and, for a file outside
the content root, store in the per-file cache (``analyze_task``: the same in this process and in
a worker). ``analyze_in_pool`` forks the workers (they inherit the loaded rules, schemas and
parser), feeds them chunks of tasks and gets back pickled results in the tasks' order. Workers
ignore Ctrl-C: the parent stops the pool and keeps the results that came back.
"""

from __future__ import annotations

import pickle
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from guidelint import cache as cache_mod
from guidelint.analysis import analyze
from guidelint.atomic import store
from guidelint.config import Config
from guidelint.discovery import FileItem
from guidelint.reading import read_item
from guidelint.results import INTERNAL_ERROR, AnalysedPage, PageResult, problem_result

# a task: (display, rel, path or None, preloaded bytes or None, cache entry path or None)
Task = tuple[str, "str | None", "str | None", "bytes | None", "str | None"]


def analyze_task(
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
        result, file_digest = analyze_task(task, _WORKER["config"], _WORKER["selected"])
        out.append(
            (
                pickle.dumps(result.summary, pickle.HIGHEST_PROTOCOL),
                pickle.dumps((result.findings, result.lines), pickle.HIGHEST_PROTOCOL),
                file_digest,
            )
        )
    return out


def analyze_in_pool(
    workers: int,
    todo: list[tuple[int, Task]],
    results: list[AnalysedPage | None],
    digests: list[bytes | None],
    summaries: dict[int, bytes],
    config: Config,
    selected: frozenset[str],
) -> None:
    """Analyse the ``todo`` tasks in ``workers`` processes; each result goes to ``results`` at
    its index, with the hash of its bytes in ``digests`` and its pickled summary in
    ``summaries``. Interrupted (Ctrl-C), the results that came back are there all the same."""
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
            pickled[k] = None  # each pickle freed as its result is built: never both whole at once
