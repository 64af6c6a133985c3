"""What analysing a page gives (``PageResult``), and how a finding becomes a reported diagnostic.

``PageResult`` is what worker processes return and the cache and site snapshot store; it is
picklable and holds no reference to the page's text beyond the lines a report may show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from guidelint.diagnostics import Diagnostic, Severity, escape_message
from guidelint.registry import get_rule

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.page import Comment
    from guidelint.site import PageSummary
    from guidelint.source import Finding


@dataclass
class PageResult:
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
