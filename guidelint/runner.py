"""The engine's entry point: ``run`` checks a site (or some of its pages) and returns a ``Report``.

The pipeline, one module per job:

* ``guidelint.discovery``: the files of the run (``gather``);
* ``guidelint.reading``: a file's bytes, within the size limit (``read_item``);
* ``guidelint.analysis``: per page, a pure function of (bytes, configuration): ``analyze``,
  and the analyzers that apply it to a run's files (``guidelint.parallel`` adds the caches and
  the worker pool);
* ``guidelint.incremental``: the site rules, and what the site snapshot lets a run skip;
* here: orchestration, and findings turned into diagnostics for the files the user asked about.

The names other parts of guidelint use are imported here as well (``FileItem``, ``analyze``,
``read_item``, ``display_path``...): ``guidelint.runner`` is the engine's interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, Any

from guidelint.analysis import Analyzer, analyze, analyze_items, shown_lines
from guidelint.config import Config
from guidelint.diagnostics import Diagnostic, Severity
from guidelint.discovery import FileItem, discover, display_path, gather, rel_path
from guidelint.incremental import site_findings
from guidelint.reading import escaped_result, read_item
from guidelint.results import AnalysedPage, FindingRow, PageResult, rows_to_diagnostics

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable, Sequence

    from guidelint.sitedata import SiteData

__all__ = [
    "Analyzer",
    "FileItem",
    "PageResult",
    "Report",
    "analyze",
    "analyze_items",
    "discover",
    "display_path",
    "gather",
    "read_item",
    "rel_path",
    "run",
    "shown_lines",
    "to_diagnostics",
]


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    files_checked: int
    site_pages: int
    stats: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # display paths of the checked files (junit)
    # display path -> the source lines the report may show (AnalysedPage.lines)
    sources: dict[str, dict[int, str | None]] = field(default_factory=dict)
    site: SiteData | None = None  # pages, link graph and reviews, when the run was asked for them


def run(
    paths: list[str],
    config: Config,
    selected: frozenset[str],
    *,
    stdin: FileItem | None = None,
    analyzer: Analyzer | None = None,
    site_data: bool = False,
) -> Report:
    """Check ``paths`` (default: the whole site). ``site_data``: also describe the site (its
    pages, link graph and reviews) in ``Report.site``, for the html report."""
    from guidelint.schema import refresh_folder

    # the schemas load when first needed (a run served whole by the site snapshot needs none; the
    # snapshot exists only for these schemas' bytes, which loaded then)
    refresh_folder(config.schemas_dir)
    site_items, targets = gather(paths, config)
    if stdin is not None:
        if stdin.rel is not None:
            site_items = [i for i in site_items if i.rel != stdin.rel] + [stdin]
        targets = [stdin]
    # analyse every page of the site once, plus targets outside the content root
    site_keys = {_key(i) for i in site_items}
    extra = [t for t in targets if _key(t) not in site_keys]
    all_items = site_items + extra
    analyzer = analyzer or analyze_items
    results = _analyze_all(analyzer, all_items, config, selected)
    report_keys = {_key(t) for t in targets}
    whole_site = not paths and stdin is None
    keyed = [(_key(i), i, r) for i, r in zip(all_items, results)]
    by_page, site_stats = site_findings(
        keyed,
        config,
        selected,
        report_keys,
        whole_site,
        analyzer.site_snapshot if stdin is None else None,
    )

    diagnostics: list[Diagnostic] = []
    severities: dict[str, Severity] = {}
    sources: dict[str, dict[int, str | None]] = {}
    reported = [(key, item, result) for key, item, result in keyed if key in report_keys]
    for key, item, result in reported:
        sources[item.display] = result.lines or {}
        rows = chain(result.finding_rows(), by_page.get(key, ()))
        diagnostics.extend(to_diagnostics(item, rows, config, selected, severities))
    from guidelint.suppressions import suppress_report  # inline <!-- guidelint-disable ... -->

    diagnostics = suppress_report(
        diagnostics, [(item, result) for _key, item, result in reported], config, selected
    )
    # one of each, in the order made (a set would shuffle them: the rules make them in order,
    # which the sort then only merges; 150,000 findings sorted in 0.25 s -> 0.1 s)
    diagnostics = sorted(dict.fromkeys(diagnostics), key=Diagnostic.sort_key)
    outside = sum(1 for t in targets if t.rel is None and t.path is not None and not t.escapes)
    site = None
    if site_data:
        from guidelint.sitedata import collect

        site = collect([r.summary for _k, i, r in keyed if i.rel is not None], config)
    return Report(
        diagnostics,
        files_checked=len(targets),
        site_pages=len(site_items),
        stats={"outside_root": outside, **site_stats},
        files=[t.display for t in targets],
        sources=sources,
        site=site,
    )


def _analyze_all(
    analyzer: Analyzer, items: list[FileItem], config: Config, selected: frozenset[str]
) -> Sequence[AnalysedPage]:
    """The analyzer's results for ``items``; symbolic links that leave the root are not read."""
    if not any(item.escapes for item in items):
        return analyzer(items, config, selected)
    inner = iter(analyzer([i for i in items if not i.escapes], config, selected))
    return [escaped_result(item) if item.escapes else next(inner) for item in items]


def _key(item: FileItem) -> str:
    """How a run names a file: its path below the content root, else its display path."""
    return item.rel if item.rel is not None else item.display


def to_diagnostics(
    item: FileItem,
    rows: Iterable[FindingRow],
    config: Config,
    selected: frozenset[str],
    severities: dict[str, Severity],
) -> list[Diagnostic]:
    """The diagnostics of one file's finding rows (selection, per-file ignores, severities)."""
    ignored = config.per_file_ignored(item.rel or item.display)
    return rows_to_diagnostics(item.display, rows, config, selected, ignored, severities)
