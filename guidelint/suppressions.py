"""Inline suppressions: HTML comments that silence named rules on a line, a block or a file.

Directives (codes or prefixes, comma- or space-separated; a reason after `` -- ``)::

    <!-- guidelint-disable-next-line GL401 -- the quote is from the law itself -->
    <!-- guidelint-disable GL401,GL3 -- a table copied from the board's site -->
    ...
    <!-- guidelint-enable GL401,GL3 -->          (or just <!-- guidelint-enable --> to close all)
    <!-- guidelint-disable-file GL501 -- archived page, kept for old links -->

They are read from ``PageSummary.comments``, so they work for site-rule findings and for pages
served from the cache. Problems with the directives themselves are reported as GL950 (a
suppression that matched nothing, for a rule that ran), GL951 (an unknown code), GL952 (no
reason, when ``suppressions.require_reason`` is on) and GL953 (a malformed directive, an
``enable`` without an open ``disable``, or a ``disable`` block that is never closed). These
GL95x findings cannot themselves be suppressed inline: fix the comment, or use ``ignore`` /
``per_file_ignores`` in the configuration.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from guidelint.diagnostics import CommentRemoval, Diagnostic, Edit, Span
from guidelint.source import Finding

PREFIX = "guidelint-"
KINDS = ("disable-next-line", "disable-file", "disable", "enable")
META_CODES = ("GL950", "GL951", "GL952", "GL953")
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
    findings: list[Finding] = field(default_factory=list)  # GL951-GL953


def _known_codes() -> list[str]:
    from guidelint.registry import all_rules

    return [r.code for r in all_rules()]


def parse(comments: Iterable, require_reason: bool) -> Parsed:
    """Read the directives of a page's comments (``page.Comment``: text, span, standalone)."""
    out = Parsed()
    known = _known_codes()
    open_blocks: list[tuple[Directive, Entry]] = []
    for comment in sorted(comments, key=lambda c: (c.span.line, c.span.column)):
        text = comment.text.strip()
        if not text.lower().startswith(PREFIX):
            continue
        m = _DIRECTIVE.match(text)
        kind = m.group("kind").lower() if m else ""
        if kind not in KINDS:
            word = text.split()[0]
            out.findings.append(
                Finding(
                    "GL953",
                    comment.span,
                    f"unknown directive '{word}'; write one of "
                    + ", ".join(PREFIX + k for k in KINDS),
                )
            )
            continue
        assert m is not None  # a known kind comes from a match
        rest = m.group("rest")
        codes_part, sep, reason = rest.partition(" -- ")
        if not sep and rest.strip().startswith("--"):
            codes_part, reason, sep = "", rest.strip()[2:], "--"
        reason = reason.strip() or None
        tokens = [t.strip().upper() for t in re.split(r"[,\s]+", codes_part) if t.strip()]
        entries: list[Entry] = []
        bad = False
        for tok in tokens:
            if not _CODE.match(tok):
                out.findings.append(
                    Finding(
                        "GL953",
                        comment.span,
                        f"'{tok}' in {PREFIX}{kind} is not a rule code or prefix (such as "
                        f"GL401 or GL4); put the reason after ' -- '",
                    )
                )
                bad = True
                continue
            if not any(k.startswith(tok) for k in known):
                out.findings.append(
                    Finding(
                        "GL951",
                        comment.span,
                        f"{tok} in {PREFIX}{kind}: no rule has this code or prefix "
                        "(see 'guidelint rules'); correct or remove it",
                    )
                )
                continue
            entries.append(Entry(tok))
        if kind == "enable":
            _enable(comment, tokens, open_blocks, out)
            continue
        if not tokens:
            if not bad:
                out.findings.append(
                    Finding(
                        "GL953",
                        comment.span,
                        f"{PREFIX}{kind} names no rule; name the codes to silence, e.g. "
                        f"<!-- {PREFIX}{kind} GL401 -- reason -->",
                    )
                )
            continue
        if require_reason and not reason:
            out.findings.append(
                Finding(
                    "GL952",
                    comment.span,
                    f"{PREFIX}{kind} {','.join(tokens)} gives no reason; add one after "
                    "' -- ', e.g. -- quoted from the state law",
                )
            )
        if not entries:
            continue
        d = Directive(kind, comment.span, entries, reason, comment.standalone, text=comment.text)
        if kind == "disable-next-line":
            d.first = comment.span.end_line + 1
        elif kind == "disable":
            d.first = comment.span.line
            open_blocks.extend((d, e) for e in entries)
        out.directives.append(d)
    for d, e in open_blocks:
        out.findings.append(
            Finding(
                "GL953",
                d.span,
                f"{PREFIX}disable {e.token} is never closed, so it runs to the end of the "
                f"file; add <!-- {PREFIX}enable {e.token} --> where it should end, or use "
                f"{PREFIX}disable-file",
            )
        )
    return out


def _enable(comment, tokens: list[str], open_blocks: list, out: Parsed) -> None:
    if not tokens:
        if not open_blocks:
            out.findings.append(
                Finding(
                    "GL953",
                    comment.span,
                    f"{PREFIX}enable without an open {PREFIX}disable block; remove it",
                )
            )
        closing = list(open_blocks)
        open_blocks.clear()
    else:
        closing = []
        for tok in tokens:
            match = [ob for ob in open_blocks if ob[1].token == tok]
            if not match:
                out.findings.append(
                    Finding(
                        "GL953",
                        comment.span,
                        f"{PREFIX}enable {tok} without an open {PREFIX}disable {tok} "
                        "block; the codes must match the disable comment's",
                    )
                )
                continue
            closing.append(match[-1])
            open_blocks.remove(match[-1])
    for _d, e in closing:  # entries of one block may end at different enable comments
        e.end = comment.span.line


def _matches(code: str, token: str) -> bool:
    return code.startswith(token)


def apply(
    diagnostics: list[Diagnostic],
    comments: Iterable,
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
    kept = []
    for diag in diagnostics:
        suppressed = False
        if diag.code not in META_CODES:
            for d in parsed.directives:
                for e in d.entries:
                    if _matches(diag.code, e.token) and d.covers(e, diag):
                        e.used = True
                        suppressed = True
        if not suppressed:
            kept.append(diag)
    findings = list(parsed.findings)
    if page_ok:
        for d in parsed.directives:
            unused = [e for e in d.entries if not e.used and any(_matches(c, e.token) for c in ran)]
            if not unused:
                continue
            names = ",".join(e.token for e in unused)
            if len(unused) == len(d.entries):
                msg = f"unused suppression: nothing it covers triggers {names}; remove the comment"
                fix = (_removal(d, d.text),) if d.standalone else ()
            else:
                msg = f"{names} in this suppression matched nothing; remove {'it' if len(unused) == 1 else 'them'}"
                fix = ()
            if any(m.startswith(e.token) for e in unused for m in META_CODES):
                msg += (
                    " (GL95x findings cannot be suppressed inline: use ignore or per_file_ignores)"
                )
            findings.append(Finding("GL950", d.span, msg, fix))
    return kept, findings


def _removal(d: Directive, text: str) -> Edit:
    """Delete the line(s) of a standalone comment whose text is ``text`` (applied only if those
    lines hold that comment and nothing else)."""
    return CommentRemoval(Span(d.span.line, 1, d.span.end_line + 1, 1), "", comment=text)


def suppress_report(
    diagnostics: list[Diagnostic], pages: list[tuple], config, selected: frozenset[str]
) -> list[Diagnostic]:
    """Apply every reported page's directives. ``pages``: (FileItem, result) pairs, where a result
    has the page's ``comments`` and ``ok`` (a PageResult, or one served by the site snapshot)."""
    from guidelint.registry import matches
    from guidelint.results import to_diagnostic

    by_path: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
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
        out.extend(to_diagnostic(item.display, f, config) for f in findings if f.code in ran)
    for rest in by_path.values():
        out.extend(rest)
    return out
