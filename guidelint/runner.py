"""The pipeline: files -> Page -> page rules -> PageSummary -> site rules -> Diagnostics.

``analyze`` is a pure function of (display path, rel path, bytes, config, selected codes) and
returns a picklable ``PageResult``: that is what the cache stores and what worker processes
return. ``run`` gathers files, analyses every page of the site once, runs the site rules on the
shared index and turns findings into diagnostics for the files the user asked about.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from guidelint.config import Config, ConfigError
from guidelint.diagnostics import Diagnostic, Severity, Span, escape_message
from guidelint.registry import PageContext, SiteContext, get_rule, iter_rules, matches
from guidelint.results import PageResult, severity_for
from guidelint.site import PageSummary, SiteIndex, slug_for
from guidelint.source import SOURCE_LINE_MAX, Finding, decode
from guidelint.tempfiles import PAGE_SUFFIX

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.sitedata import SiteData

# The page model, YAML and the schemas are imported where a page is analysed: a run that the site
# snapshot serves without analysing a page never loads the Markdown parser or jsonschema.


@dataclass
class FileItem:
    path: Path | None  # None for standard input
    display: str
    rel: str | None
    data: bytes | None = None  # preloaded bytes (standard input)
    escapes: bool = False  # a symbolic link below the content root to a file outside it: never read


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    files_checked: int
    site_pages: int
    stats: dict = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # display paths of the checked files (junit)
    sources: dict[str, dict] = field(default_factory=dict)  # display path -> PageResult.lines
    site: SiteData | None = None  # pages, link graph and reviews, when the run was asked for them


# ------------------------------------------------------------------ per page
def analyze(
    display: str, rel: str | None, data: bytes, config: Config, selected: frozenset[str]
) -> PageResult:
    """Analyse one page. Raises only ConfigError (an unusable schemas folder: exit code 2, not a
    finding on every page); any other unexpected error becomes a GL900 finding."""
    try:
        return _analyze(display, rel, data, config, selected)
    except ConfigError:
        raise
    except Exception as exc:
        summary = PageSummary(display, rel, slug_for(rel) if rel else None, ok=False)
        return PageResult(
            summary,
            [
                Finding(
                    "GL900",
                    Span.point(1),
                    f"internal error while checking this file ({type(exc).__name__}: {exc}); "
                    "please report it with the file",
                )
            ],
        )


def _analyze(
    display: str, rel: str | None, data: bytes, config: Config, selected: frozenset[str]
) -> PageResult:
    from guidelint import frontmatter
    from guidelint.limits import check_page as check_limits
    from guidelint.page import build_page
    from guidelint.schema import load_schemas
    from guidelint.site import summarize
    from guidelint.structure import spec_for

    slug = slug_for(rel) if rel else None
    limits = config["limits"]
    text, findings = decode(data, limits["max_file_bytes"])
    if text is None:
        return PageResult(PageSummary(display, rel, slug, ok=False), findings)
    lines = text.split("\n")

    def unreadable() -> (
        PageResult
    ):  # the page could not be parsed: its findings, no summary to speak of
        return PageResult(
            PageSummary(display, rel, slug, ok=False), findings, shown_lines(lines, findings)
        )

    split = frontmatter.split(lines)
    findings.extend(split.findings)
    if split.findings:
        return unreadable()
    fm = None
    if split.front_matter_lines:
        start, end = split.front_matter_lines
        fm, fm_findings = frontmatter.parse(
            split.yaml_text, start, end, limits["max_yaml_nodes"], limits["max_front_matter_bytes"]
        )
        findings.extend(fm_findings)
        if fm is None and any(f.code in ("GL101", "GL905", "GL907") for f in fm_findings):
            return unreadable()
    from guidelint import sitemodel, templates

    sitemodel.apply_page_defaults(fm, rel, config)  # [[types]] globs, default_status
    body_start = (
        sum(len(line) + 1 for line in lines[: split.front_matter_lines[1]])
        if split.front_matter_lines
        else 0
    )
    page_text = templates.mask_for(text, config, body_start)  # Liquid, shortcodes: never prose
    from guidelint.fastparse import TooManyBlocks

    try:
        page = build_page(
            page_text,
            display,
            rel,
            slug,
            fm,
            split.front_matter_lines,
            config.get("links.slug_style"),
            limits["max_blocks"],
            lines if page_text == text else None,  # (masked text has lines of its own)
        )
    except TooManyBlocks as exc:
        findings.append(
            Finding(
                "GL908",
                Span.point(exc.line),
                f"the page has more than {limits['max_blocks']:,} Markdown blocks (limits.max_blocks: "
                f"paragraphs, list items, table cells, headings...), parsing stopped at line "
                f"{exc.line:,}; it is not checked; split the page or raise the limit",
            )
        )
        return unreadable()
    except RecursionError:
        findings.append(
            Finding(
                "GL910",
                Span.point(1),
                "the page is nested too deeply to parse "
                "(limits.max_nesting); flatten its lists and blockquotes",
            )
        )
        return unreadable()
    if rel is not None:
        page.cache["site_urls"] = sitemodel.page_urls(rel, page.meta, config)
        page.cache["site_menu"] = sitemodel.is_menu_page(page.meta)
        if page_text is not text and templates.builds_references(text, body_start):
            page.cache["generated_references"] = True
        if config["generator"] != "plain":
            if templates.includes_content(text, body_start):
                page.cache["open_anchors"] = True
            page.html_anchors.extend(templates.attribute_ids(page_text, body_start))
            page.html_anchors.extend(templates.footnote_ids(page_text, body_start))
        if config.get("links.slug_drop"):  # the site's slug function deletes these first
            templates.reslug(page, config.get("links.slug_style"), config.get("links.slug_drop"))
        if config["generator"] == "hugo":  # autoDefinitionTermID: a definition's term gets an id
            templates.number_with_terms(page, text, body_start, config.get("links.slug_style"))
        # (a "---js" or "---json" front matter is not read: such a page gets no status)
        if fm is None and config["default_status"] and not text.startswith("---"):
            page.cache["default_status"] = config["default_status"]
    findings.extend(check_limits(page, limits))
    schemas = load_schemas(config.schemas_dir)
    ctx = PageContext(config=config, schemas=schemas, selected=selected)
    for rule in iter_rules("page", selected):
        findings.extend(rule.check(page, ctx))
    findings = _drop_superseded(findings)
    spec = spec_for(page.type, schemas)
    summary = summarize(page, tables=spec is not None and spec.steps is not None)
    return PageResult(summary, findings, shown_lines(lines, findings, summary))


def _drop_superseded(findings: list[Finding]) -> list[Finding]:
    """One problem, one finding: a finding that carries a fix, from a rule that ``supersedes``
    other codes, hides their findings on the same span (a misspelt accreditor: GL510, which
    --fix corrects, over the claims pack's GL411)."""
    hidden: set[tuple[str, Span]] = set()
    for f in findings:
        if f.fix:
            rule = get_rule(f.code)
            if rule is not None and rule.supersedes:
                hidden.update((code, f.span) for code in rule.supersedes)
    if not hidden:
        return findings
    return [f for f in findings if (f.code, f.span) not in hidden]


def shown_lines(
    lines: list[str], findings: list[Finding], summary: PageSummary | None = None
) -> dict:
    """The lines of ``lines`` a report may show: those of the findings, and for the site rules'
    findings those of the links, headings and title (other lines are read again if needed)."""
    wanted = {f.span.line for f in findings}
    wanted.add(1)
    if summary is not None:
        wanted.update(link.span.line for link in summary.links)
        wanted.update(h.span.line for h in summary.headings)
        wanted.update(span.line for _slug, span in summary.related)
        if summary.title_span is not None:
            wanted.add(summary.title_span.line)
    n = len(lines)
    return {
        i: (lines[i - 1] if len(lines[i - 1]) <= SOURCE_LINE_MAX else None)
        for i in wanted
        if 0 < i <= n
    }


# ------------------------------------------------------------------ files
def _resolve(path: Path) -> Path:
    """``path.resolve()``, or its absolute path when it is a symbolic-link loop (read_item reports it)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def display_path(path: Path) -> str:
    real = _resolve(path)
    try:
        return real.relative_to(_cwd()).as_posix()
    except ValueError:
        return real.as_posix()


_CWD: dict[str, Path] = {}


def _cwd() -> Path:
    """The resolved working folder, resolved once per working folder (gather calls this per file)."""
    here = os.getcwd()
    if here not in _CWD:
        _CWD[here] = Path(here).resolve()
    return _CWD[here]


def _rel(path: Path, root: Path) -> str | None:
    try:
        return _resolve(path).relative_to(root).as_posix()
    except ValueError:
        return None


def discover(folder: Path, config: Config) -> list[Path]:
    """Markdown files below ``folder``, sorted; symbolic links to folders are not followed."""
    return [path for path, _rel_path in _walk(folder, config)]


def _walk(folder: Path, config: Config) -> list[tuple[Path, str | None]]:
    """(path, rel) for the Markdown files below ``folder``."""
    return [(path, rel) for path, rel, _link in _scan(folder, config)]


def _scan(
    folder: Path, config: Config, temps: list[str] | None = None
) -> list[tuple[Path, str | None, bool]]:
    """(path, rel, is a symbolic link) for the Markdown files below ``folder``, sorted by folder
    then name, files before subfolders, as ``os.walk`` lists them; hidden files and folders are
    skipped and symbolic links to folders are not followed. Below the (resolved) content root a
    regular file's rel is computed from the walk itself: resolving every path costs more than the
    rest of a warm run's file handling. ``os.scandir`` tells symbolic links apart without a
    system call per file. ``temps`` collects the temporary files of ``--fix`` found beside pages
    (a killed run's leftovers, see guidelint.tempfiles)."""
    import fnmatch

    exts = tuple(config["extensions"])
    excludes = config["exclude"]
    root = config.content_root
    root_prefix = _prefix(root)
    folder_str = str(folder)
    lexical = folder_str == str(root) or folder_str.startswith(root_prefix)
    out: list[tuple[Path, str | None, bool]] = []

    stack = [
        folder_str
    ]  # depth first, files before subfolders (a loop: a recursive closure is a cycle)
    while stack:
        dirpath = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError:  # unreadable or vanished folder: nothing to list (as os.walk)
            continue
        subdirs = []
        for entry in sorted(entries, key=lambda e: e.name):
            try:
                is_dir = entry.is_dir()
            except OSError:  # a symbolic-link loop: listed as a file, reported when read
                is_dir = False
            name = entry.name
            if is_dir:
                if not name.startswith(".") and not entry.is_symlink():
                    subdirs.append(entry.path)
                continue
            if not name.endswith(exts) or name.startswith("."):
                if temps is not None and name.endswith(PAGE_SUFFIX) and name.startswith("."):
                    temps.append(entry.path)
                continue
            full = entry.path
            link = entry.is_symlink()
            path = Path(full)
            rel: str | None
            if lexical and not link:
                rel = full[len(root_prefix) :].replace(os.sep, "/")
            else:
                rel = _rel(path, root)
            if excludes and any(
                fnmatch.fnmatch(rel or path.as_posix(), pattern) for pattern in excludes
            ):
                continue
            out.append((path, rel, link))
        stack.extend(reversed(subdirs))
    return out


def _prefix(folder: Path) -> str:
    """The text that starts the path of everything below ``folder``: ``/`` for the root folder
    itself, not ``//`` (a content root of "/" lost the first character of every page's path)."""
    text = str(folder)
    return text if text.endswith(os.sep) else text + os.sep


def _display_fast(path: Path, cwd_prefix: str) -> str:
    """display_path for a regular file found by walking the resolved content root."""
    full = str(path)
    if full.startswith(cwd_prefix):
        return full[len(cwd_prefix) :].replace(os.sep, "/")
    return display_path(path)


def gather(paths: list[str], config: Config) -> tuple[list[FileItem], list[FileItem]]:
    """(site files, target files). Raises ConfigError for a bad content root or a missing path."""
    root = config.content_root
    if root.exists() and not root.is_dir():
        raise ConfigError(f"content root '{config['content_root']}' is a file, not a folder")
    site: list[FileItem] = []
    if root.is_dir():
        cwd_prefix = _prefix(_cwd())
        temps: list[str] = []
        site = [
            FileItem(
                p,
                _display_fast(p, cwd_prefix) if rel is not None and not link else display_path(p),
                rel,
            )
            if rel is not None or not link
            else _escaping(p)
            for p, rel, link in _scan(root, config, temps)
        ]
        if temps:  # left by a killed --fix run
            from guidelint.tempfiles import remove_stale

            remove_stale(temps)
    elif not paths:
        raise ConfigError(
            f"content root '{config['content_root']}' does not exist; "
            "pass the pages to check or set content_root in [tool.guidelint]"
        )
    if not paths:
        return site, list(site)
    by_rel = {item.rel: item for item in site if item.rel is not None}
    targets: list[FileItem] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = discover(p, config)
        elif p.exists() or p.is_symlink():
            found = [p]
        else:
            raise ConfigError(f"path '{raw}' does not exist")
        for f in found:
            rel = _rel(f, root)
            item = by_rel.get(rel) if rel is not None else None
            if item is None and rel is None and _lexically_inside(f, root):
                item = _escaping(f)
            item = item or FileItem(f, display_path(f), rel)
            targets.append(item)
    seen = set()
    unique = []
    for item in targets:
        key = _resolve(item.path) if item.path else item.display
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return site, unique


def _lexically_inside(path: Path, root: Path) -> bool:
    """``path`` is below ``root`` as written (symbolic links not followed)."""
    return os.path.abspath(path).startswith(str(root) + os.sep)


def _escaping(path: Path) -> FileItem:
    """A symbolic link below the content root whose file is outside it: named by the link's own
    path, never read (``escaped_result``)."""
    full = os.path.abspath(path)
    cwd_prefix = str(_cwd()) + os.sep
    display = full[len(cwd_prefix) :] if full.startswith(cwd_prefix) else full
    return FileItem(path, display.replace(os.sep, "/"), None, escapes=True)


def escaped_result(item: FileItem) -> PageResult:
    """The result of a page that is a symbolic link leaving the content root: GL304, no lines."""
    return PageResult(
        PageSummary(item.display, None, None, ok=False),
        [
            Finding(
                "GL304",
                Span.point(1),
                "this page is a symbolic link to a file outside the content root; it was not "
                "read (and --fix never writes through it): move the page into the content root",
            )
        ],
        {1: None},  # no source line to show
    )


def read_item(item: FileItem, max_bytes: int) -> tuple[bytes | None, Finding | None]:
    if item.data is not None:
        return item.data, None
    assert item.path is not None
    try:
        st = item.path.stat()
        if stat.S_ISDIR(st.st_mode):
            return None, Finding("GL901", Span.point(1), "is a folder, not a page")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
            return None, Finding(
                "GL901",
                Span.point(1),
                "is not a regular file (a pipe, socket or device); "
                "only Markdown text pages belong in the content root",
            )
        size = st.st_size
        if size > max_bytes:
            return None, Finding(
                "GL908",
                Span.point(1),
                f"file is {size:,} bytes, over the limit of "
                f"{max_bytes:,} (limits.max_file_bytes); split the page or raise the limit",
            )
        with open(item.path, "rb") as fh:
            # read(size + 1), not read(max_bytes + 1): that allocates the whole limit for every page
            data = fh.read(size + 1)
            if len(data) > size:  # grew since the stat: read on, up to just past the limit
                data += fh.read(max_bytes + 1 - len(data))
        return data, None
    except FileNotFoundError:
        return None, Finding(
            "GL901", Span.point(1), "file disappeared while checking (or is a broken symbolic link)"
        )
    except PermissionError:
        return None, Finding("GL901", Span.point(1), "file cannot be read: permission denied")
    except OSError as exc:
        return None, Finding("GL901", Span.point(1), f"file cannot be read: {exc.strerror or exc}")


Analyzer = Callable[[list[FileItem], Config, frozenset[str]], list[PageResult]]


def analyze_items(
    items: list[FileItem], config: Config, selected: frozenset[str]
) -> list[PageResult]:
    """Sequential analysis; the cache and the process pool wrap this (guidelint.parallel)."""
    results = []
    max_bytes = config["limits"]["max_file_bytes"]
    for item in items:
        data, problem = read_item(item, max_bytes)
        if problem is not None:
            results.append(
                PageResult(
                    PageSummary(
                        item.display, item.rel, slug_for(item.rel) if item.rel else None, ok=False
                    ),
                    [problem],
                )
            )
            continue
        assert data is not None  # read_item gives the bytes or a problem
        results.append(analyze(item.display, item.rel, data, config, selected))
    return results


# ------------------------------------------------------------------ the run
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

    refresh_folder(
        config.schemas_dir
    )  # the schemas load when first needed (a run served whole by the
    # site snapshot needs none; the snapshot exists only for these schemas' bytes, which loaded then)
    site_items, targets = gather(paths, config)
    if stdin is not None:
        if stdin.rel is not None:
            site_items = [i for i in site_items if i.rel != stdin.rel] + [stdin]
        targets = [stdin]
    # analyse every page of the site once, plus targets outside the content root
    site_keys = {_key(i) for i in site_items}
    extra = [t for t in targets if _key(t) not in site_keys]
    all_items = site_items + extra
    results = _analyze_all(analyzer or analyze_items, all_items, config, selected)
    report_keys = {_key(t) for t in targets}
    whole_site = not paths and stdin is None
    keyed = [(_key(i), i, r) for i, r in zip(all_items, results)]

    site_findings, site_stats = _site_findings(
        keyed,
        config,
        selected,
        report_keys,
        whole_site,
        _session(analyzer) if stdin is None else None,
    )

    diagnostics: list[Diagnostic] = []
    severities: dict = {}
    sources: dict[str, dict] = {}
    for key, item, result in keyed:
        if key in report_keys:
            sources[item.display] = getattr(result, "lines", None) or {}
            page = getattr(result, "packed", None)  # served by the site snapshot: plain tuples
            diagnostics.extend(
                _convert(
                    item,
                    chain(
                        page if page is not None else result.findings, site_findings.get(key, ())
                    ),
                    config,
                    selected,
                    severities,
                )
            )
    from guidelint.suppressions import (
        suppress_report,
    )  # inline <!-- guidelint-disable ... --> comments

    diagnostics = suppress_report(
        diagnostics,
        [(item, result) for key, item, result in keyed if key in report_keys],
        config,
        selected,
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
) -> list:
    """The analyzer's results for ``items``; symbolic links that leave the root are not read."""
    if not any(item.escapes for item in items):
        return analyzer(items, config, selected)
    inner = iter(analyzer([i for i in items if not i.escapes], config, selected))
    return [escaped_result(item) if item.escapes else next(inner) for item in items]


def _key(item: FileItem) -> str:
    """How a run names a file: its path below the content root, else its display path."""
    return item.rel if item.rel is not None else item.display


def _site_findings(
    keyed,
    config: Config,
    selected: frozenset[str],
    report_keys: set[str],
    whole_site: bool,
    session,
) -> tuple[dict[str, list], dict]:
    """Run the site rules, or take their findings from the site snapshot (``session``), which:

    * reuses the last whole-site findings when no page's summary or disk fact changed;
    * for a run on a few pages, limits link resolution to the pages that can matter to them
      (``SiteIndex.focus``; the other pages stay pickled behind a SummaryStub);
    * for a whole-site run after an edit that moved links, does the same around the edited pages
      ("links" rules), reruns the "graph" rules on every page and keeps the other pages' stored
      findings (``Rule.locality``);
    * learns from this run for the next one (``Session.save``).
    """
    from guidelint.snapshot import StoredResult

    rules = list(iter_rules("site", selected))
    pages = [(i.rel, r) for _k, i, r in keyed if i.rel is not None and i.path is not None]
    usable = session is not None and not config.get("links.check_external") and bool(rules)
    known = session.site_findings(pages) if usable else None
    if known is not None:  # the whole site's findings still hold: also those of the pages reported
        session.save(pages, known, session.previous_disk())
        return known, {"site_rules": "reused"}
    report_rels = None if whole_site else frozenset(report_keys)
    focus = session.neighbourhood(pages, set(report_keys)) if usable and not whole_site else None
    graph_rules: list = []
    if usable and whole_site and all(r.locality in ("links", "graph") for r in rules):
        # an edit that moved links: check again the edited pages and those linking to them
        # ("links" rules), and the whole graph from stored edges ("graph" rules); the other pages
        # keep their stored "links" findings
        focus = session.edited_neighbourhood(pages)
        if focus is not None:
            report_rels = frozenset(focus)
            graph_rules = [r for r in rules if r.locality == "graph"]
    if focus is not None:
        index = SiteIndex(
            [
                # a SummaryStub stands in for its PageSummary (duck-typed: issue 19 item 3)
                r.stub()  # type: ignore[misc]
                if isinstance(r, StoredResult) and k not in focus
                else r.summary
                for k, _i, r in keyed
            ]
        )
        index.focus, index.stored_edges = focus, session.stored_edges
    else:
        index = SiteIndex([r.summary for _k, _i, r in keyed])
    from guidelint.links import resolver_for
    from guidelint.schema import load_schemas

    stored_suggestions = session.suggestions(pages) if usable else {}
    if usable:
        resolver_for(index, config).seed_suggestions(stored_suggestions)
    ctx = SiteContext(
        config=config,
        schemas=load_schemas(config.schemas_dir),
        selected=selected,
        report_rels=report_rels,
    )
    whole = replace(ctx, report_rels=None)
    found: dict[str, list] = {}
    for rule in rules:
        for rel, finding in rule.check_site(index, whole if rule in graph_rules else ctx):
            found.setdefault(rel, []).append(finding)
    if whole_site and focus is not None:  # the other pages: their stored "links" findings
        again = {r.code for r in graph_rules}
        for rel, _result in pages:
            if rel not in focus:
                kept = [f for f in session.stored_site_findings(rel) if f[0] not in again]
                if kept:
                    found[rel] = kept + found.get(rel, [])
    if usable:
        from guidelint.links import link_data

        resolver = resolver_for(index, config)
        disk = resolver.disk_facts()
        suggestions = resolver.suggestions()
        if (
            focus is not None
        ):  # facts about the other pages' links: the snapshot's, checked by neighbourhood()
            before = session.previous_disk()
            disk = ({**before[0], **disk[0]}, {**before[1], **disk[1]})
            # and their "did you mean" answers: the pages are the same, so the stored answers hold
            suggestions = {**stored_suggestions, **suggestions}
        session.save(
            pages, found if whole_site else known, disk, link_data(index, config), suggestions
        )
    elif session is not None:
        session.save(pages, None, None)
    index.cache.clear()  # the link resolver it holds refers back to the index: no cycle left behind
    return found, {
        "site_rules": "incremental" if whole_site and focus is not None else "ran",
        "site_focus": len(focus) if focus is not None else None,
    }


def _session(analyzer):
    """The site snapshot session of the analyzer (or of the analyzer it wraps), if any."""
    while analyzer is not None:
        session = getattr(analyzer, "session", None)
        if session is not None:
            return session
        analyzer = getattr(analyzer, "inner", None)
    return None


def _convert(
    item: FileItem, findings: Iterable, config: Config, selected: frozenset[str], severities: dict
) -> list[Diagnostic]:
    """Diagnostics of ``findings``: Finding objects, or the snapshot's packed tuples
    (code, line, column, end_line, end_column, message, fix), which skip building Findings."""
    ignored = config.per_file_ignored(item.rel or item.display)
    display = item.display
    out: list[Diagnostic] = []
    append = out.append
    # per code: its severity, or None when the code is not reported on this page (a page of
    # 150,000 findings has a handful of codes)
    verdicts: dict[str, Severity | None] = {}
    for f in findings:
        if type(f) is tuple:
            code, line, column, end_line, end_column, message, fix = f
        else:
            s = f.span
            code, line, column, end_line, end_column, message, fix = (
                f.code,
                s.line,
                s.column,
                s.end_line,
                s.end_column,
                f.message,
                f.fix,
            )
        if code in verdicts:
            severity = verdicts[code]
        else:
            severity = verdicts[code] = (
                None
                if (code not in selected and code != "GL900")
                or (ignored and matches(code, ignored))
                else severities.get(code) or severities.setdefault(code, severity_for(code, config))
            )
        if severity is None:
            continue
        append(
            Diagnostic(
                display,
                line,
                column,
                end_line,
                end_column,
                code,
                severity,
                # page text quoted raw would hide NUL or zero-width characters
                message if message.isprintable() else escape_message(message),
                fix,
            )
        )
    return out
