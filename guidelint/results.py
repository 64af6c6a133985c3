"""What a run knows of one page (``AnalysedPage``), and how its findings become diagnostics.

A page's result comes from one of two places, and both have the same typed interface:

* ``PageResult``: the page was analysed in this run (``guidelint.analysis.analyze``). It is what
  worker processes return and the per-file cache stores; picklable, and holding no reference to
  the page's text beyond the lines a report may show.
* ``guidelint.snapshot.StoredPageResult``: the site snapshot knew the page unchanged; its
  findings stay as stored and its summary stays pickled until something reads it.

Findings travel between the engine's parts as ``FindingRow``s, plain tuples of the finding's
values: the site snapshot stores them so (they load several times faster than objects) and the
runner turns them into diagnostics without building a ``Finding`` per row. Rules make ``Finding``
objects; ``finding_row`` and ``finding_from_row`` convert.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from guidelint.diagnostics import Diagnostic, Edit, Severity, Span, escape_message
from guidelint.registry import get_rule, matches
from guidelint.rules import gl900_internal_error as internal_error
from guidelint.source import Finding

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.page import Comment
    from guidelint.site import PageSummary

# a finding as plain values: (code, line, column, end_line, end_column, message, fix)
FindingRow = tuple[str, int, int, int, int, str, tuple[Edit, ...]]

# a rule or the page model raised on the page (GL900): always reported, and a page with it is
# analysed again next time (never cached or stored)
INTERNAL_ERROR = internal_error.CODE


def finding_row(finding: Finding) -> FindingRow:
    s = finding.span
    return (finding.code, s.line, s.column, s.end_line, s.end_column, finding.message, finding.fix)


def finding_from_row(row: FindingRow) -> Finding:
    code, line, column, end_line, end_column, message, fix = row
    return Finding(code, Span(line, column, end_line, end_column), message, fix)


class AnalysedPage(Protocol):
    """One page's result in a run: analysed now (``PageResult``) or served by the site snapshot
    (``guidelint.snapshot.StoredPageResult``). The runner, the suppressions and the site rules'
    index read a page through this interface only."""

    @property
    def summary(self) -> PageSummary:
        """What the site rules need of the page (for a stored page: unpickled now if it was not)."""
        ...

    @property
    def lines(self) -> dict[int, str | None]:
        """The source lines a report may show, by line number (None: too long to show)."""
        ...

    @property
    def comments(self) -> tuple[Comment, ...]:
        """The page's HTML comments (inline suppressions), without unpickling its summary."""
        ...

    @property
    def ok(self) -> bool:
        """False when the file could not be read or parsed."""
        ...

    def finding_rows(self) -> Sequence[FindingRow]:
        """The page rules' findings, as rows."""
        ...

    def index_summary(self) -> PageSummary:
        """The summary for the site index of a run that does not resolve this page's links: for a
        stored page, one whose details are unpickled only if a site rule reads them."""
        ...


@dataclass
class PageResult:
    """A page analysed in this run (``AnalysedPage``)."""

    summary: PageSummary
    findings: list[Finding]
    # source lines the report may show (lines of findings, links and headings), by line number;
    # None for a line too long to show. Saves the text report from reading every file again.
    lines: dict[int, str | None] = field(default_factory=dict)

    @property
    def comments(self) -> tuple[Comment, ...]:
        return self.summary.comments

    @property
    def ok(self) -> bool:
        return self.summary.ok

    def finding_rows(self) -> list[FindingRow]:
        # (finding_row, inlined: a page may have 150,000 findings)
        return [
            (f.code, s.line, s.column, s.end_line, s.end_column, f.message, f.fix)
            for f in self.findings
            for s in (f.span,)
        ]

    def index_summary(self) -> PageSummary:
        return self.summary


def problem_result(display: str, rel: str | None, finding: Finding) -> PageResult:
    """The result of a file that was not analysed (unreadable, too large...): one finding."""
    from guidelint.site import PageSummary, slug_for

    return PageResult(
        PageSummary(display, rel, slug_for(rel) if rel else None, ok=False), [finding]
    )


def severity_for(code: str, config: Config) -> Severity:
    overrides = config["severity"]
    best = max((p for p in overrides if code.startswith(p)), key=len, default=None)
    if best is not None:
        return Severity(overrides[best])
    rule = get_rule(code)
    return rule.severity if rule else Severity.ERROR


def to_diagnostic(display: str, finding: Finding, config: Config) -> Diagnostic:
    s = finding.span
    return Diagnostic(
        display,
        s.line,
        s.column,
        s.end_line,
        s.end_column,
        finding.code,
        severity_for(finding.code, config),
        escape_message(finding.message),
        finding.fix,
    )


def rows_to_diagnostics(
    display: str,
    rows: Iterable[FindingRow],
    config: Config,
    selected: frozenset[str],
    ignored: Collection[str],
    severities: dict[str, Severity],
) -> list[Diagnostic]:
    """The diagnostics of one file's finding rows: only selected codes (GL900 always), none that
    the file's ``per_file_ignores`` (``ignored``) match. ``severities`` memoises severity_for."""
    out: list[Diagnostic] = []
    append = out.append
    # per code: its severity, or None when the code is not reported for this file (a page of
    # 150,000 findings has a handful of codes)
    verdicts: dict[str, Severity | None] = {}
    for code, line, column, end_line, end_column, message, fix in rows:
        if code in verdicts:
            severity = verdicts[code]
        else:
            severity = verdicts[code] = (
                None
                if (code not in selected and code != INTERNAL_ERROR)
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
                escape_message(message),
                fix,
            )
        )
    return out
