"""Check editor buffers against the whole site, fast enough to run on every edit.

This is the engine entry point the language server uses: "check these pages, with these unsaved
texts in place of their files, against the site". It reuses ``runner.run`` (so the diagnostics,
suppressions, per-file ignores and fixes are exactly those of ``guidelint check``) with two
in-memory pieces plugged into it:

* ``MemoryAnalyzer`` keeps every page's ``PageResult`` between runs, keyed by the file's ``stat``
  signature (a page that changed on disk is analysed again) or, for an open buffer, by its text;
  so an edit re-analyses one page, not a thousand;
* ``MemorySession`` plays the part of the site snapshot (``guidelint.incremental.SiteSnapshot``,
  as ``guidelint.snapshot.Session`` does on the command line) without
  writing anything: it remembers which pages each page's links reach and its graph edges, so the
  site rules resolve only the links that can change a finding on the reported pages (the pages
  reported, the pages that changed since, the pages linking into the reported ones and the pages
  with a link that finds nothing), and take the other pages' edges as they were.

Nothing here writes to disk: buffers are never saved and the result cache is not touched.

``Site`` adds what an editor session needs on top: the configuration found from the page's
folder, reloaded (with the claim packs) when the configuration file, the schemas folder or a
pack or name-list file changes, and a result cache that is dropped when they do.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from guidelint.config import Config, ConfigError, find_config, load_config
from guidelint.diagnostics import Diagnostic
from guidelint.results import AnalysedPage
from guidelint.runner import FileItem, analyze, analyze_items
from guidelint.site import PageSummary

Signature = tuple


def _signature(path: Path) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_mode)


class MemorySession:
    """The in-memory stand-in for the site snapshot's session (see the module docstring). It never
    reuses whole-site findings; it only narrows link resolution for runs on a few pages."""

    def __init__(self) -> None:
        self.keys: frozenset[str] | None = None  # the pages the link data was computed for
        self.links: dict[str, tuple[frozenset[str], tuple[str, ...], bool]] = {}
        self.basis: dict[str, object] = {}  # rel -> the PageResult its link data came from
        self.stored_suggestions: dict = {}
        self.last_focus: set[str] | None = (
            None  # for tests and benchmarks: what the last run resolved
        )

    def _holds(self, pages) -> bool:
        return (
            self.keys is not None
            and len(pages) == len(self.keys)
            and all(key in self.keys and key in self.links for key, _r in pages)
        )

    # -------------------------------------------------------- the SiteSnapshot interface
    def site_findings(self, pages):
        return None

    def edited_neighbourhood(self, pages):
        return None  # whole-site runs resolve every link

    def neighbourhood(self, pages, report: set[str]) -> set[str] | None:
        if not self._holds(pages):
            self.last_focus = None
            return None
        focus = set(report)
        for key, result in pages:
            if self.basis.get(key) is not result:
                focus.add(key)  # changed since its links were resolved
        for key, (targets, _edges, missing) in self.links.items():
            if missing or not targets.isdisjoint(report):
                focus.add(key)
        self.last_focus = focus
        return focus

    def previous_disk(self):
        return ({}, {})

    def stored_edges(self, key: str) -> tuple[str, ...]:
        return self.links[key][1]

    def suggestions(self, pages) -> dict:
        return dict(self.stored_suggestions) if self._holds(pages) else {}

    def stored_site_findings(self, key: str):
        return ()

    def save(self, pages, site_findings, disk, link_data=None, suggestions=None) -> None:
        if link_data is None:
            return
        keys = frozenset(key for key, _r in pages)
        if keys != self.keys:
            self.links, self.basis = {}, {}
            self.keys = keys
        results = dict(pages)
        for key, data in link_data.items():
            self.links[key] = data
            self.basis[key] = results.get(key)
        if suggestions is not None:
            self.stored_suggestions = dict(suggestions)

    def inbound(self, rel: str) -> list[str]:
        """The pages whose links reached ``rel`` when they were last resolved."""
        return sorted(
            k for k, (targets, _e, _m) in self.links.items() if rel in targets and k != rel
        )


class MemoryAnalyzer:
    """An ``Analyzer`` (``guidelint.analysis``) that keeps results in memory; ``overlay`` maps a
    resolved file path to the text of its open buffer, analysed instead of the file."""

    def __init__(self) -> None:
        self.clear()

    @property
    def site_snapshot(self) -> MemorySession:
        return self.session

    def clear(self) -> None:
        """Forget everything (the configuration, schemas or packs changed)."""
        self.session = MemorySession()
        self.overlay: dict[str, bytes] = {}
        self._disk: dict[str, tuple[Signature, AnalysedPage]] = {}
        self._buffers: dict[str, tuple[bytes, AnalysedPage]] = {}
        self.by_rel: dict[str, AnalysedPage] = {}  # the latest result of every page of the site
        self.analysed = 0  # pages analysed (not served from memory) by the last call
        self.stats: dict = {}

    def __call__(
        self, items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> list[AnalysedPage]:
        out: list = [None] * len(items)  # the result of each item once filled in
        analysed = 0
        overlay = self.overlay
        cold: list[tuple[int, str, Signature | None]] = []  # files not known, or changed on disk
        for n, item in enumerate(items):
            key = str(item.path) if item.path is not None else None
            data = item.data
            if data is None and key is not None and key in overlay:
                data = overlay[key]
            if data is not None:
                memo_key = key or f"-{item.display}"
                known = self._buffers.get(memo_key)
                if known is not None and known[0] == data:
                    out[n] = known[1]
                else:
                    result = analyze(item.display, item.rel, data, config, selected)
                    self._buffers[memo_key] = (data, result)
                    out[n] = result
                    analysed += 1
                continue
            assert item.path is not None and key is not None
            sig = _signature(item.path)
            known_disk = self._disk.get(key)
            if sig is not None and known_disk is not None and known_disk[0] == sig:
                out[n] = known_disk[1]
            else:
                cold.append((n, key, sig))
        if cold:
            fresh = self._analyze_files([items[n] for n, _k, _s in cold], config, selected)
            for (n, key, sig), analysed_page in zip(cold, fresh):
                out[n] = analysed_page
                if sig is not None:
                    self._disk[key] = (sig, analysed_page)
            analysed += len(cold)
        for item, result in zip(items, out):
            if item.rel is not None:
                self.by_rel[item.rel] = result
        self.analysed = analysed
        return out

    @staticmethod
    def _analyze_files(
        items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> list[AnalysedPage]:
        """Read and analyse files: in a pool of worker processes when there are many (the first
        check reads the whole site), without the on-disk cache (nothing is written)."""
        from guidelint.parallel import POOL_MIN_PAGES, CachedParallelAnalyzer, resolve_jobs

        if len(items) >= POOL_MIN_PAGES:
            jobs = resolve_jobs(None, config)
            if jobs > 1:
                return CachedParallelAnalyzer(jobs, use_cache=False)(items, config, selected)
        return list(analyze_items(items, config, selected))


@dataclass
class CheckResult:
    """Diagnostics by resolved file path (every reported file has an entry, maybe empty)."""

    by_path: dict[str, list[Diagnostic]]
    outside_root: set[str] = field(default_factory=set)  # reported files outside the content root
    analysed: int = 0
    focus: int | None = None  # pages whose links the site rules resolved (None: all)


def _resolved(path: str | Path) -> str:
    try:
        return str(Path(path).resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


class Site:
    """One configuration's site, as an editor sees it: disk plus open buffers."""

    def __init__(self, config_file: Path | None, folder: Path) -> None:
        self.config_file = config_file
        self.folder = folder  # where a site without a configuration file starts
        self.config: Config | None = None
        self.selected: frozenset[str] = frozenset()
        self.error: str | None = None  # the configuration error, if the configuration is bad
        self.analyzer = MemoryAnalyzer()
        self._stamp: tuple | None = None
        self.reloads = 0

    # ---------------------------------------------------------------- configuration
    def _stamp_now(self) -> tuple:
        parts: list = [_signature(self.config_file) if self.config_file else None]
        config = self.config
        if config is not None:
            from guidelint.schema.load import mtimes as _mtimes

            parts.append(_mtimes(config.schemas_dir))
            for name in ("claims.packs", "names.files"):
                for value in config.get(name):
                    parts.append(_signature(config.root / value))
        return tuple(parts)

    def refresh(self) -> bool:
        """Reload the configuration if its file, the schemas or a pack changed (a few ``stat``
        calls; run before every check). Returns True when it was (re)loaded."""
        stamp = self._stamp_now()
        if stamp == self._stamp and (self.config is not None or self.error is not None):
            return False
        self._load()
        self._stamp = self._stamp_now()  # the schemas folder may only now be known
        return True

    def _load(self) -> None:
        from guidelint.registry import selected_codes

        self.analyzer.clear()
        self.reloads += 1
        try:
            config = load_config(self.config_file, start=self.folder)
            activate(config)
        except (ConfigError, Exception) as exc:  # a bad pack raises its own errors
            self.config, self.error = None, f"{self.config_file or self.folder}: {exc}"
            return
        self.config, self.error = config, None
        self.selected = selected_codes(config["select"], config["ignore"], config["extend_select"])

    # ---------------------------------------------------------------- checks
    def check(self, buffers: dict[str, bytes], report: list[str]) -> CheckResult:
        """Check the files ``report`` (resolved paths) with ``buffers`` (resolved path -> bytes)
        in place of those files' contents, against the whole site. Raises ConfigError."""
        from guidelint.runner import run

        self.refresh()
        if self.config is None:
            raise ConfigError(self.error or "no configuration")
        activate(self.config)
        analyzer = self.analyzer
        analyzer.overlay = dict(buffers)
        report = list(dict.fromkeys(report))
        missing = [p for p in report if not os.path.exists(p)]
        by_path: dict[str, list[Diagnostic]] = {p: [] for p in report}
        outside: set[str] = set()
        root = str(self.config.content_root) + os.sep
        for p in report:
            if not p.startswith(root):
                outside.add(p)
        on_disk = [p for p in report if p not in missing]
        if on_disk:
            self._collect(run(on_disk, self.config, self.selected, analyzer=analyzer), by_path)
        for p in missing:  # a new page not saved yet: as standard input, named by its path
            rel = p[len(root) :].replace(os.sep, "/") if p.startswith(root) else None
            from guidelint.runner import display_path

            item = FileItem(None, display_path(Path(p)), rel, buffers.get(p, b""))
            if self.config.content_root.is_dir():
                report_ = run([], self.config, self.selected, stdin=item, analyzer=analyzer)
                self._collect(report_, by_path, {item.display: p})
            else:  # no site to resolve against: page checks only (run needs a content root)
                by_path[p] = self._page_only(item)
        focus = analyzer.session.last_focus
        return CheckResult(
            by_path, outside, analyzer.analysed, len(focus) if focus is not None else None
        )

    def _page_only(self, item: FileItem) -> list[Diagnostic]:
        """The page checks of ``item`` (its bytes in ``item.data``), without the site: what a run
        reports for a page outside the content root, except that a suppression naming a site
        rule is not called unused (no site rule ran)."""
        from guidelint.registry import get_rule
        from guidelint.runner import to_diagnostics
        from guidelint.suppressions import suppress_report

        assert self.config is not None and item.data is not None
        result = analyze(item.display, item.rel, item.data, self.config, self.selected)
        found = to_diagnostics(item, result.finding_rows(), self.config, self.selected, {})
        ran = frozenset(
            c for c in self.selected if (rule := get_rule(c)) is not None and rule.scope != "site"
        )
        kept = suppress_report(found, [(item, result)], self.config, ran)
        return sorted(set(kept), key=Diagnostic.sort_key)

    def page_checks(self, path: str, data: bytes) -> list[Diagnostic]:
        """The page checks alone for the buffer of ``path`` (milliseconds: no site is read), for a
        first answer while the site is read for the first time. Raises ConfigError."""
        from guidelint.runner import display_path

        self.refresh()
        if self.config is None:
            raise ConfigError(self.error or "no configuration")
        activate(self.config)
        root = str(self.config.content_root) + os.sep
        rel = path[len(root) :].replace(os.sep, "/") if path.startswith(root) else None
        return self._page_only(FileItem(None, display_path(Path(path)), rel, data))

    @property
    def cold(self) -> bool:
        """No page of the site has been read yet (the next check reads them all)."""
        return not self.analyzer.by_rel

    @staticmethod
    def _collect(report, by_path: dict, names: dict | None = None) -> None:
        for d in report.diagnostics:
            path = (names or {}).get(d.path) or _resolved(d.path)
            by_path.setdefault(path, []).append(d)

    def inbound(self, path: str) -> list[str]:
        """Resolved paths of the pages whose links reached ``path`` when last resolved."""
        if self.config is None:
            return []
        root = str(self.config.content_root) + os.sep
        if not path.startswith(root):
            return []
        rel = path[len(root) :].replace(os.sep, "/")
        return [root + k.replace("/", os.sep) for k in self.analyzer.session.inbound(rel)]

    def summaries(self) -> dict[str, PageSummary]:
        """The latest summary of every page analysed so far, by path below the content root."""
        return {rel: r.summary for rel, r in self.analyzer.by_rel.items()}


_ACTIVE: list = [None]


def activate(config: Config) -> None:
    """Register the claim packs of ``config`` (they live in the rule registry, one set at a time),
    unless they are already the active ones."""
    if _ACTIVE[0] is config:
        return
    from guidelint.loading import load_packs

    try:
        load_packs(config)
    except ConfigError:
        raise
    _ACTIVE[0] = config


class Sites:
    """The sites of an editor session, one per configuration file (found from a page's folder)."""

    def __init__(self) -> None:
        self.sites: dict[str, Site] = {}

    def for_path(self, path: str) -> Site:
        folder = Path(path).parent
        config_file = find_config(folder) if folder.is_dir() else None
        key = str(config_file) if config_file else f"dir:{folder}"
        site = self.sites.get(key)
        if site is None:
            site = self.sites[key] = Site(config_file, folder)
        return site


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()
