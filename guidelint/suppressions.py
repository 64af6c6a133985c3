"""Inline suppressions: HTML comments that silence named rules on a line, a block or a file.

Directives (codes or prefixes, comma- or space-separated; a reason after `` -- ``)::

    <!-- guidelint-disable-next-line GL401 -- the quote is from the law itself -->
    <!-- guidelint-disable GL401,GL3 -- a table copied from the board's site -->
    ...
    <!-- guidelint-enable GL401,GL3 -->          (or just <!-- guidelint-enable --> to close all)
    <!-- guidelint-disable-file GL501 -- archived page, kept for old links -->

They are read from ``PageSummary.comments``, so they work for site-rule findings and for pages
served from the cache. Problems with the directives themselves are findings of four rules,
which word them: ``gl950_unused_suppression`` (a suppression that matched nothing, for a rule
that ran), ``gl951_unknown_suppression_code`` (an unknown code), ``gl952_suppression_without_reason``
(no reason, when ``suppressions.require_reason`` is on) and ``gl953_malformed_suppression`` (a
malformed directive, an ``enable`` without an open ``disable``, or a ``disable`` block that is
never closed). Their findings cannot themselves be suppressed inline: fix the comment, or use
``ignore`` / ``per_file_ignores`` in the configuration.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from guidelint.rules import gl950_unused_suppression as unused_suppression
from guidelint.rules import gl951_unknown_suppression_code as unknown_code
from guidelint.rules import gl952_suppression_without_reason as without_reason
from guidelint.rules import gl953_malformed_suppression as malformed

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.diagnostics import Diagnostic, Span
    from guidelint.finding import Finding
    from guidelint.page import Comment

PREFIX = "guidelint-"
KINDS = ("disable-next-line", "disable-file", "disable", "enable")
# the codes of the directives' own findings, which no directive can silence
META_CODES = (unused_suppression.CODE, unknown_code.CODE, without_reason.CODE, malformed.CODE)
_DIRECTIVE = re.compile(r"^guidelint-(?P<kind>[A-Za-z-]+)(?P<rest>(?:\s.*)?)$", re.S)
_CODE = re.compile(r"^GL[0-9]{0,3}$")


@dataclass
class Entry:
    token: str  # a code or a prefix, upper case
    used: bool = False
    end: int = 0  # for disable blocks: the line of the enable closing this entry (0: end of file)


@dataclass
class Directive:
    kind: str
    span: Span  # the comment
    entries: list[Entry]
    reason: str | None
    standalone: bool
    first: int = 0  # next-line: the line covered; disable: the block's first line
    text: str = ""  # the comment's text (between <!-- and -->, stripped)

    def covers(self, entry: Entry, d: Diagnostic) -> bool:
        if self.kind == "disable-file":
            return True
        if self.kind == "disable-next-line":
            return d.line <= self.first <= max(d.end_line, d.line)
        return d.line >= self.first and (entry.end == 0 or d.line <= entry.end)


@dataclass
class Parsed:
    directives: list[Directive] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # problems with the directives themselves


def _known_codes() -> list[str]:
    from guidelint.registry import all_rules

    return [r.code for r in all_rules()]


def parse(comments: Iterable[Comment], require_reason: bool) -> Parsed:
    """Read the directives of a page's comments (``page.Comment``: text, span, standalone)."""
    out = Parsed()
    known = _known_codes()
    # every prefix of a rule code: a known token is one look-up, not a scan of every code
    prefixes = {code[:k] for code in known for k in range(len(code) + 1)}
    valid = {p for p in prefixes if _CODE.match(p)}
    open_blocks = _OpenBlocks()
    for comment in sorted(comments, key=lambda c: (c.span.line, c.span.column)):
        text = comment.text.strip()
        if not text.lower().startswith(PREFIX):
            continue
        m = _DIRECTIVE.match(text)
        kind = m.group("kind").lower() if m else ""
        if kind not in KINDS:
            word = text.split()[0]
            out.findings.append(
                malformed.unknown_directive(comment.span, word, (PREFIX + k for k in KINDS))
            )
            continue
        assert m is not None  # a known kind comes from a match
        rest = m.group("rest")
        codes_part, sep, reason = rest.partition(" -- ")
        if not sep and rest.strip().startswith("--"):
            codes_part, reason, sep = "", rest.strip()[2:], "--"
        reason = reason.strip() or None
        tokens = [t.strip().upper() for t in re.split(r"[,\s]+", codes_part) if t.strip()]
        directive = PREFIX + kind
        entries: list[Entry] = []
        bad = False
        for tok in tokens:
            if tok in valid:  # (a code or prefix of a rule: the common case, one look-up)
                entries.append(Entry(tok))
                continue
            if not _CODE.match(tok):
                out.findings.append(malformed.not_a_code(comment.span, tok, directive))
                bad = True
                continue
            if tok not in prefixes:  # (else check_known finds it known: no finding)
                unknown = unknown_code.check_known(comment.span, tok, directive, known)
                if unknown is not None:
                    out.findings.append(unknown)
                    continue
            entries.append(Entry(tok))
        if kind == "enable":
            _enable(comment, tokens, open_blocks, out)
            continue
        if not tokens:
            if not bad:
                out.findings.append(malformed.names_no_rule(comment.span, directive))
            continue
        no_reason = without_reason.check_reason(
            comment.span, directive, tokens, reason, require_reason
        )
        if no_reason is not None:
            out.findings.append(no_reason)
        if not entries:
            continue
        d = Directive(kind, comment.span, entries, reason, comment.standalone, text=comment.text)
        if kind == "disable-next-line":
            d.first = comment.span.end_line + 1
        elif kind == "disable":
            d.first = comment.span.line
            for e in entries:
                open_blocks.open(d, e)
        out.directives.append(d)
    for d, e in open_blocks.left():
        out.findings.append(malformed.never_closed(d.span, e.token, PREFIX))
    return out


class _OpenBlocks:
    """The entries of ``disable`` blocks not yet closed: a stack per code or prefix, so that an
    ``enable`` finds the latest block it closes without scanning every open one (10,000 open
    blocks closed one by one took 28 s)."""

    def __init__(self) -> None:
        self.stacks: dict[str, list[tuple[int, Directive, Entry]]] = {}
        self.count = 0
        self.opened = 0

    def open(self, d: Directive, e: Entry) -> None:
        self.stacks.setdefault(e.token, []).append((self.opened, d, e))
        self.opened += 1
        self.count += 1

    def close(self, token: str) -> Entry | None:
        """The latest open entry for ``token``, closed; None when there is none."""
        stack = self.stacks.get(token)
        if not stack:
            return None
        self.count -= 1
        return stack.pop()[2]

    def close_all(self) -> list[Entry]:
        out = [e for stack in self.stacks.values() for _n, _d, e in stack]
        self.stacks.clear()
        self.count = 0
        return out

    def left(self) -> list[tuple[Directive, Entry]]:
        """The entries still open, in the order they were opened."""
        return [
            (d, e)
            for _n, d, e in sorted(
                (t for stack in self.stacks.values() for t in stack), key=lambda t: t[0]
            )
        ]


def _enable(comment: Comment, tokens: list[str], open_blocks: _OpenBlocks, out: Parsed) -> None:
    enable, disable = PREFIX + "enable", PREFIX + "disable"
    if not tokens:
        if not open_blocks.count:
            out.findings.append(malformed.enable_without_block(comment.span, enable, disable))
        closing = open_blocks.close_all()
    else:
        closing = []
        for tok in tokens:
            entry = open_blocks.close(tok)
            if entry is None:
                out.findings.append(malformed.enable_unmatched(comment.span, enable, disable, tok))
                continue
            closing.append(entry)
    for e in closing:  # entries of one block may end at different enable comments
        e.end = comment.span.line


def _matches(code: str, token: str) -> bool:
    return code.startswith(token)


_END = 1 << 62  # the line after any page's last


def _block_suppressed(blocks: list[Directive], diagnostics: list[Diagnostic]) -> set[int]:
    """The indices of ``diagnostics`` that a ``disable`` block or ``disable-file`` directive of
    ``blocks`` covers; every entry that covers one is marked used. The same as comparing each
    diagnostic with each entry (``Directive.covers``), in O((entries + diagnostics) log): for each
    code or prefix named, its entries' line ranges and the lines of the diagnostics it matches are
    sorted; an entry is used when a line falls in its range (bisection), a diagnostic suppressed
    when its line falls in the union of the ranges (a merge)."""
    ranges: dict[str, list[tuple[int, int, Entry]]] = {}
    for d in blocks:
        for e in d.entries:
            if d.kind == "disable-file":
                first, last = -_END, _END
            else:
                first, last = d.first, e.end or _END
            ranges.setdefault(e.token, []).append((first, last, e))
    out: set[int] = set()
    if not ranges:
        return out
    lines: dict[str, list[tuple[int, int]]] = {}
    for n, diag in enumerate(diagnostics):
        if diag.code in META_CODES:
            continue
        code = diag.code
        for k in range(1, len(code) + 1):  # (a token matches the codes it is a prefix of)
            if code[:k] in ranges:
                lines.setdefault(code[:k], []).append((diag.line, n))
    for token, found in lines.items():
        found.sort()
        at = [line for line, _n in found]
        spans = sorted(ranges[token], key=lambda r: (r[0], r[1]))
        for first, last, e in spans:
            i = bisect_left(at, first)
            if i < len(at) and at[i] <= last:
                e.used = True
        # the union of the ranges, then each line against it
        merged: list[list[int]] = []
        for first, last, _e in spans:
            if merged and first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], last)
            else:
                merged.append([first, last])
        starts = [m[0] for m in merged]
        for line, n in found:
            j = bisect_right(starts, line) - 1
            if j >= 0 and line <= merged[j][1]:
                out.add(n)
    return out


def apply(
    diagnostics: list[Diagnostic],
    comments: Iterable[Comment],
    *,
    require_reason: bool,
    ran: frozenset[str],
    page_ok: bool = True,
) -> tuple[list[Diagnostic], list[Finding]]:
    """Drop the diagnostics of one page that a directive covers.

    Returns (kept diagnostics, findings about the directives). ``ran`` is the set of rule codes
    that were run for this page: an unused entry is reported only when a rule it names ran.
    """
    parsed = parse(comments, require_reason)
    if not parsed.directives:
        return diagnostics, parsed.findings
    # next-line directives by the line they cover, found by bisection: a diagnostic is compared
    # with those whose line its span holds, not with every directive of the page (20,000
    # directives and their 20,000 findings took 26 s)
    by_line = sorted(
        (d.first, i) for i, d in enumerate(parsed.directives) if d.kind == "disable-next-line"
    )
    firsts = [first for first, _i in by_line]
    # disable blocks and disable-file: one sweep per code or prefix, not every block compared
    # with every diagnostic (15,000 blocks and their findings took 14 s)
    in_blocks = _block_suppressed(
        [d for d in parsed.directives if d.kind != "disable-next-line"], diagnostics
    )
    kept = []
    for n, diag in enumerate(diagnostics):
        suppressed = n in in_blocks
        if diag.code not in META_CODES and firsts:
            lo = bisect_left(firsts, diag.line)
            hi = bisect_right(firsts, max(diag.end_line, diag.line))
            for _first, i in by_line[lo:hi]:  # (each covers the diagnostic's span)
                for e in parsed.directives[i].entries:
                    if _matches(diag.code, e.token):
                        e.used = True
                        suppressed = True
        if not suppressed:
            kept.append(diag)
    findings = list(parsed.findings)
    if page_ok:
        findings.extend(unused_suppression.unused(parsed.directives, ran, META_CODES))
    return kept, findings


def suppress_report(
    diagnostics: list[Diagnostic],
    pages: list[tuple[Any, Any]],
    config: Config,
    selected: frozenset[str],
) -> list[Diagnostic]:
    """Apply every reported page's directives. ``pages``: (FileItem, result) pairs, where a result
    has the page's ``comments`` and ``ok`` (a PageResult, or one served by the site snapshot)."""
    from guidelint.registry import matches
    from guidelint.results import to_diagnostic

    by_path: dict[str, list[Diagnostic]] = {}
    # (a page's diagnostics come in one run: grouped by runs, not one dict look-up each)
    for path, run in groupby(diagnostics, key=attrgetter("path")):
        by_path.setdefault(path, []).extend(run)
    out: list[Diagnostic] = []
    seen = set()
    require_reason = config.get("suppressions.require_reason")
    for item, summary in pages:  # summary: anything with .comments and .ok
        if item.display in seen:
            continue
        seen.add(item.display)
        page_diags = by_path.pop(item.display, [])
        if not summary.comments:
            out.extend(page_diags)
            continue
        ignored = config.per_file_ignored(item.rel or item.display)
        ran = frozenset(c for c in selected if not (ignored and matches(c, ignored)))
        kept, findings = apply(
            page_diags, summary.comments, require_reason=require_reason, ran=ran, page_ok=summary.ok
        )
        out.extend(kept)
        # one of each (the runner keeps one of each diagnostic anyway): 120,000 directives on one
        # line make 240,000 findings that are two
        out.extend(
            to_diagnostic(item.display, f, config) for f in dict.fromkeys(findings) if f.code in ran
        )
    for rest in by_path.values():
        out.extend(rest)
    return out
