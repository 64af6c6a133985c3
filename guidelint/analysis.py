"""Per-page analysis: a pure function of (display path, rel path, bytes, configuration, selected
codes) that returns a picklable ``PageResult``, and the analyzers that turn a run's files into
results.

An *analyzer* (the ``Analyzer`` protocol) takes a run's ``FileItem``s and returns one result per
item, in order. ``analyze_items`` reads and analyses every file in this process;
``guidelint.parallel.CachedParallelAnalyzer`` serves unchanged pages from the site snapshot and
the per-file cache and analyses the rest in worker processes; the language server and ``--fix``
wrap analyzers of their own. An analyzer may hold the site snapshot of its last call
(``site_snapshot``), which the runner hands to the site-rules policy (``guidelint.incremental``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from guidelint.config import Config, ConfigError
from guidelint.diagnostics import Span
from guidelint.discovery import FileItem
from guidelint.reading import read_item
from guidelint.registry import PageContext, get_rule, iter_rules
from guidelint.results import AnalysedPage, PageResult, problem_result
from guidelint.site import PageSummary, slug_for
from guidelint.source import SOURCE_LINE_MAX, Finding, decode

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.incremental import SiteSnapshot

# The page model, YAML and the schemas are imported where a page is analysed: a run that the site
# snapshot serves without analysing a page never loads the Markdown parser or jsonschema.


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
        from guidelint.rules.gl900_internal_error import from_exception

        return problem_result(display, rel, from_exception(exc))


def _analyze(
    display: str, rel: str | None, data: bytes, config: Config, selected: frozenset[str]
) -> PageResult:
    from guidelint import frontmatter
    from guidelint.limits import check_page as check_limits
    from guidelint.page import build_page
    from guidelint.rules import gl101_invalid_value as invalid_value
    from guidelint.rules import gl905_yaml_syntax as yaml_syntax
    from guidelint.rules import gl907_yaml_limits as yaml_limits
    from guidelint.rules import gl908_file_too_large as file_too_large
    from guidelint.rules import gl910_nesting_too_deep as nesting_too_deep
    from guidelint.schema import load_schemas
    from guidelint.site import summarize
    from guidelint.structure import spec_for

    slug = slug_for(rel) if rel else None
    limits = config["limits"]
    text, findings = decode(data, limits["max_file_bytes"])
    if text is None:
        return PageResult(PageSummary(display, rel, slug, ok=False), findings)
    line_count = text.count("\n") + 1  # (counted before the lines are made)
    if line_count > limits["max_lines"]:
        over = file_too_large.too_many_lines(line_count, limits["max_lines"])
        return PageResult(PageSummary(display, rel, slug, ok=False), [*findings, over])
    lines = text.split("\n")

    def unreadable() -> PageResult:  # not parsed: its findings, no summary to speak of
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
        # a front matter with one of these findings and no value: no page is built
        unreadable_codes = (invalid_value.CODE, yaml_syntax.CODE, yaml_limits.CODE)
        if fm is None and any(f.code in unreadable_codes for f in fm_findings):
            return unreadable()
    from guidelint import sitemodel, templates

    sitemodel.apply_page_defaults(fm, rel, config)  # [[types]] globs, default_status
    body_start = (
        sum(len(line) + 1 for line in lines[: split.front_matter_lines[1]])
        if split.front_matter_lines
        else 0
    )
    page_text = templates.mask_for(text, config, body_start)  # Liquid, shortcodes: never prose
    from guidelint.fastparse import TooManyBlocks, TooManyDefinitions, TooManyInline
    from guidelint.rules import gl909_too_many_links as too_many_links

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
            limits["max_inline_tokens"],
            limits["max_links"],  # (a reference definition is a link's target)
            # the claims rules read at most this many sentences (each has a character at least)
            limits["max_claim_chars"],
        )
    except TooManyBlocks as exc:
        findings.append(file_too_large.too_many_blocks(exc.line, limits["max_blocks"]))
        return unreadable()
    except TooManyDefinitions as exc:
        findings.append(too_many_links.too_many_definitions(exc.line, limits["max_links"]))
        return unreadable()
    except TooManyInline as exc:
        findings.append(file_too_large.too_many_inline(exc.line, limits["max_inline_tokens"]))
        return unreadable()
    except RecursionError:
        findings.append(nesting_too_deep.too_deep_to_parse())
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
    from guidelint.claims.integration import claim_codes

    findings.extend(check_limits(page, limits, not selected.isdisjoint(claim_codes(config))))
    schemas = load_schemas(config.schemas_dir)
    ctx = PageContext(config=config, schemas=schemas, selected=selected)
    from guidelint.rules import gl912_pattern_time_bound as pattern_time_bound
    from guidelint.saferegex import CLOCK

    CLOCK.start_page()  # the site's own regular expressions share one time budget a page
    for rule in iter_rules("page", selected):
        findings.extend(rule.check(page, ctx))
    findings.extend(pattern_time_bound.findings_for(CLOCK.take(), page.body_start))
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
) -> dict[int, str | None]:
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


# ------------------------------------------------------------------ analyzers
class Analyzer(Protocol):
    """Turns a run's files into results, one per item, in the items' order."""

    @property
    def site_snapshot(self) -> SiteSnapshot | None:
        """The site snapshot of the last call (None: none), for the site-rules policy."""
        ...

    def __call__(
        self, items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> Sequence[AnalysedPage]: ...


class SequentialAnalyzer:
    """Reads and analyses every file in this process; no cache, no site snapshot."""

    site_snapshot: SiteSnapshot | None = None

    def __call__(
        self, items: list[FileItem], config: Config, selected: frozenset[str]
    ) -> list[PageResult]:
        results = []
        max_bytes = config["limits"]["max_file_bytes"]
        for item in items:
            data, problem = read_item(item, max_bytes)
            if problem is not None:
                results.append(problem_result(item.display, item.rel, problem))
                continue
            assert data is not None  # read_item gives the bytes or a problem
            results.append(analyze(item.display, item.rel, data, config, selected))
        return results


analyze_items = SequentialAnalyzer()  # the analyzer of a run given none
