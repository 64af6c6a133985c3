"""``--format html``: one self-contained HTML file, a site health report.

Sections: a summary (counts by severity, by code and by page), the site's link graph (static SVG
laid out here: layers by link steps from the hub), sources and review dates by page (stale ones
marked), claims findings (GL4xx) with the sentence and the span marked, every finding with its
code frame, and the documentation of every rule that has a finding.

Rule documentation links: a finding's code links to ``#gl101`` (the rule's code in lower case),
the documentation of that rule inside the report; the same anchor names the rule in
``docs/rules.md`` (``docs/rules.md#gl101``), which ``guidelint rules --format docs`` generates.

Safety and size: every piece of page text is escaped with ``html.escape`` (a title of
``<script>...</script>`` stays text), the report has no script at all and a Content-Security-Policy
that forbids scripts and every network request (styles are inline), and tables, links and
expandable sections work without JavaScript. The output is deterministic for the same report.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator

from guidelint import __version__

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
OPEN_FINDINGS_UP_TO = 300  # a report with more findings shows each page's list collapsed
CONTEXT_LINES_UP_TO = 1000  # a report with more findings frames only the span's own lines
LABELS_UP_TO = 80
BY_PAGE_FIRST = 25  # the summary by page lists the worst pages first; the rest fold away  # a graph with more pages shows names as tooltips only
FRAME_MAX_LINES = 6
SHOW_LINE_MAX = 400  # characters of a source line shown in a code frame

FIXABLE = '<span class="tag">fixable</span>'
STALE_ROW = ' class="stale"'
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]]*\s")
_LIST_ITEM = re.compile(r"\s*([-*+]|\d+[.)])\s")
_MARKERS = re.compile(r"\s*(?:>\s?)+(?:[-*+]\s|\d+[.)]\s)?|\s*(?:[-*+]|\d+[.)])\s")
_BLOCK_START = ("#", "---", "```", "~~~", "|", "<!--", ">")


def e(value) -> str:
    """Escaped text (also safe inside a quoted attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def rule_anchor(code: str) -> str:
    """The anchor of a rule's documentation: in this report and in docs/rules.md."""
    return code.lower()


STYLE = """
:root{--err:#b42318;--warn:#a15c00;--info:#1d5fa8;--ok:#137333;--line:#d0d7de;--muted:#57606a;
--bg:#fff;--soft:#f6f8fa;--mark:#fff0a8}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;
color:#1f2328;background:var(--bg)}
header{padding:16px 24px;border-bottom:1px solid var(--line);background:var(--soft)}
header h1{margin:0 0 4px;font-size:22px}
nav a{margin-right:14px}
main{padding:8px 24px 40px;max-width:1400px}
main>section{content-visibility:auto;contain-intrinsic-size:auto 900px}
h2{border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:32px}
a{color:#0b57d0}
table{border-collapse:collapse;margin:8px 0 16px;font-size:14px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft)}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
.card b{display:block;font-size:22px}
.error{color:var(--err)}.warning{color:var(--warn)}.info{color:var(--info)}.clean{color:var(--ok)}
.tag{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:600;
border:1px solid currentColor;margin-left:4px}
tr.stale td{background:#fff4e5}
.finding{border-left:4px solid var(--line);padding:4px 10px;margin:10px 0}
.finding.error{border-color:var(--err)}.finding.warning{border-color:var(--warn)}
.finding.info{border-color:var(--info)}
.finding .msg{color:#1f2328}
pre{background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:6px 8px;
overflow-x:auto;font:13px/1.4 ui-monospace,"DejaVu Sans Mono",Menlo,monospace;tab-size:4;margin:4px 0}
pre b{color:var(--muted);font-weight:400;user-select:none}
mark{background:var(--mark);border-bottom:2px solid var(--err);color:inherit}
blockquote.claim{margin:6px 0;padding:6px 12px;border-left:4px solid var(--warn);background:#fffaf0}
details{margin:6px 0}
summary{cursor:pointer;font-weight:600}
.graph{overflow:auto;border:1px solid var(--line);border-radius:6px;max-height:80vh}
svg text{font:11px system-ui,"DejaVu Sans",sans-serif;fill:#1f2328}
.legend span{margin-right:16px}
.muted{color:var(--muted)}
code{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
"""


def format_report(report, ctx) -> str:
    return "".join(iter_report(report, ctx))


def iter_report(report, ctx) -> Iterator[str]:
    """The report in pieces (the command line may write them as they come)."""
    from guidelint.registry import get_rule

    diagnostics = report.diagnostics
    site = report.site
    counts = Counter(d.severity.value for d in diagnostics)
    by_code = Counter(d.code for d in diagnostics)
    by_path: dict[str, list] = {}
    for d in diagnostics:
        by_path.setdefault(d.path, []).append(d)
    file_ids = {path: f"f-{i}" for i, path in enumerate(by_path)}
    page_ids = {p.path: f"p-{i}" for i, p in enumerate(site.pages)} if site else {}
    claims = [d for d in diagnostics if d.code.startswith("GL4")]
    finding_ids = {id(d): f"d-{i}" for i, d in enumerate(claims)}

    total = len(diagnostics)
    title = (
        f"guidelint report: {total} problem{'s' if total != 1 else ''} in "
        f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    )
    yield (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="guidelint {e(__version__)}">\n'
        f"<title>{e(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    )
    when = f" on {site.today.isoformat()}" if site else ""
    yield (
        f'<header><h1>guidelint site report</h1><div class="muted">guidelint {e(__version__)}'
        f"{e(when)}: {report.files_checked} file(s) checked, {report.site_pages} page(s) in the "
        "site</div>\n<nav>"
        '<a href="#summary">Summary</a><a href="#graph">Link graph</a>'
        '<a href="#reviews">Sources and reviews</a><a href="#claims">Claims</a>'
        '<a href="#findings">Findings</a><a href="#rules">Rules</a></nav></header>\n<main>\n'
    )

    # ------------------------------------------------------------ summary
    out = ['<section id="summary"><h2>Summary</h2>\n<div class="cards">']
    if total:
        out.append(f'<div class="card"><b>{total}</b>problems</div>')
    else:
        out.append('<div class="card clean"><b>0</b>problems: all checks passed</div>')
    for sev in ("error", "warning", "info"):
        out.append(f'<div class="card {sev}"><b>{counts[sev]}</b>{sev}s</div>')
    out.append(f'<div class="card"><b>{len(by_path)}</b>files with problems</div>')
    if site:
        stale = sum(1 for p in site.pages if site.is_stale(p))
        out.append(f'<div class="card"><b>{len(site.orphans)}</b>orphan pages</div>')
        out.append(
            f'<div class="card"><b>{len(site.unreachable)}</b>unreachable from the hub</div>'
        )
        out.append(f'<div class="card"><b>{stale}</b>stale reviews</div>')
    out.append("</div>\n<h3>By code</h3>\n")
    if by_code:
        out.append(
            '<table class="by-code"><thead><tr><th>code</th><th>rule</th><th>severity</th>'
            "<th>findings</th></tr></thead><tbody>\n"
        )
        for code, n in sorted(by_code.items(), key=lambda kv: (-kv[1], kv[0])):
            rule = get_rule(code)
            sev = next(d.severity.value for d in diagnostics if d.code == code)
            out.append(
                f'<tr><td><a href="#{rule_anchor(code)}">{e(code)}</a></td>'
                f'<td>{e(rule.name if rule else "")}</td><td class="{sev}">{sev}</td>'
                f'<td class="n">{n}</td></tr>\n'
            )
        out.append("</tbody></table>\n")
    else:
        out.append("<p>No findings.</p>\n")
    out.append("<h3>By page</h3>\n")
    if by_path:
        out.append(
            '<table class="by-page"><thead><tr><th>page</th><th>title</th><th>errors</th>'
            "<th>warnings</th><th>infos</th><th>total</th></tr></thead><tbody>\n"
        )
        titles = {p.path: p.title for p in site.pages} if site else {}
        ranked = sorted(
            by_path.items(),
            key=lambda kv: (
                -sum(1 for d in kv[1] if d.severity.value == "error"),
                -len(kv[1]),
                kv[0],
            ),
        )
        for i, (path, items) in enumerate(ranked):
            if i == BY_PAGE_FIRST and len(ranked) > BY_PAGE_FIRST:
                out.append(
                    "</tbody></table>\n<details><summary>The other "
                    f"{len(ranked) - BY_PAGE_FIRST} pages with problems</summary>\n"
                    '<table class="by-page"><tbody>\n'
                )
            c = Counter(d.severity.value for d in items)
            out.append(
                f'<tr><td><a href="#{file_ids[path]}">{e(path)}</a></td>'
                f"<td>{e(titles.get(path) or '')}</td>"
                f'<td class="n">{c["error"]}</td><td class="n">{c["warning"]}</td>'
                f'<td class="n">{c["info"]}</td><td class="n">{len(items)}</td></tr>\n'
            )
        out.append("</tbody></table>\n")
        if len(ranked) > BY_PAGE_FIRST:
            out.append("</details>\n")
    else:
        out.append("<p>No page has a finding.</p>\n")
    out.append("</section>\n")
    yield "".join(out)

    # ------------------------------------------------------------ graph
    yield '<section id="graph"><h2>Link graph</h2>\n'
    if site:
        yield graph_svg(site, page_ids)
    else:
        yield "<p>Not available for this run (the site was not described).</p>\n"
    yield "</section>\n"

    # ------------------------------------------------------------ reviews
    yield '<section id="reviews"><h2>Sources and reviews</h2>\n'
    if site:
        yield reviews_table(site, page_ids, file_ids)
    else:
        yield "<p>Not available for this run.</p>\n"
    yield "</section>\n"

    # ------------------------------------------------------------ claims
    out = [f'<section id="claims"><h2>Claims ({len(claims)})</h2>\n']
    if not claims:
        out.append("<p>No claims findings (GL4xx).</p>\n")
    for d in claims:
        before, marked, after = claim_context(ctx, d)
        out.append(
            f'<div class="claim-finding"><a href="#{rule_anchor(d.code)}">{e(d.code)}</a> '
            f'<a href="#{finding_ids[id(d)]}">{e(d.path)}:{d.line}:{d.column}</a> '
            f"{e(_headline(d.message))}"
            f'<blockquote class="claim">{e(before)}<mark>{e(marked)}</mark>{e(after)}'
            "</blockquote></div>\n"
        )
    out.append("</section>\n")
    yield "".join(out)

    # ------------------------------------------------------------ findings
    yield f'<section id="findings"><h2>Findings ({total})</h2>\n'
    if not by_path:
        yield "<p>All checks passed.</p>\n"
    is_open = " open" if total <= OPEN_FINDINGS_UP_TO else ""
    context = total <= CONTEXT_LINES_UP_TO
    for path, items in by_path.items():
        c = Counter(d.severity.value for d in items)
        parts = ", ".join(f"{c[s]} {s}{'s' if c[s] != 1 else ''}" for s in c)
        out = [
            f'<details id="{file_ids[path]}"{is_open}><summary>{e(path)} '
            f'<span class="muted">({e(parts)})</span></summary>\n'
        ]
        for d in items:
            sev = d.severity.value
            anchor = finding_ids.get(id(d))
            attr = f' id="{anchor}"' if anchor else ""
            out.append(
                f'<div class="finding {sev}"{attr}><a href="#{rule_anchor(d.code)}">{e(d.code)}</a> '
                f'<span class="tag {sev}">{sev}</span> <code>{d.line}:{d.column}</code> '
                f'<span class="msg">{e(d.message)}</span>'
                f"{FIXABLE if d.fix else ''}\n"
                f"{code_frame(ctx, d, context)}</div>\n"
            )
        out.append("</details>\n")
        yield "".join(out)
    yield "</section>\n"

    # ------------------------------------------------------------ rules
    out = ['<section id="rules"><h2>Rules with findings</h2>\n']
    if not by_code:
        out.append("<p>None.</p>\n")
    for code in sorted(by_code):
        rule = get_rule(code)
        out.append(f'<article id="{rule_anchor(code)}"><h3>{e(code)}')
        if rule is not None:
            out.append(
                f' {e(rule.name)} <span class="muted">({e(rule.severity.value)} by default; '
                f"<code>guidelint rule {e(code)}</code>; docs/rules.md#{rule_anchor(code)})"
                f"</span></h3><pre>{e(rule.doc.strip())}</pre>"
            )
        else:
            out.append("</h3><p>No documentation for this code.</p>")
        out.append("</article>\n")
    out.append("</section>\n</main>\n</body>\n</html>\n")
    yield "".join(out)


def _headline(message: str) -> str:
    """The first sentence of a message (the claims section shows the full one once, below)."""
    m = _SENTENCE_END.search(message + " ")
    head = message[: m.end()].strip() if m else message
    return head if len(head) <= 160 else head[:159] + "…"


def rules_markdown(rules) -> str:
    """docs/rules.md: every rule's documentation under a heading that is its code alone, so that
    the anchor (``#gl101``) stays the same when a rule's name changes."""
    out = [
        "# Rules\n\n"
        "Generated from the rule registry by `guidelint rules --format docs > docs/rules.md` (a test "
        "fails when it drifts). Each rule's anchor is its code in lower case, `docs/rules.md#gl101`; "
        "the HTML report (`--format html`) uses the same anchors for the rules it embeds.\n"
    ]
    for rule in rules:
        flags = [f"`{rule.name}`", rule.severity.value, f"{rule.scope} rule"]
        if rule.fixable:
            flags.append("fixable with `--fix`")
        out.append(f"\n## {rule.code}\n\n{' · '.join(flags)}: {rule.summary}.\n\n")
        out.append(rule.doc.strip() + "\n")
        if rule.emitted_by:
            out.append(f"\nEmitted by: `{rule.emitted_by}`.\n")
    return "".join(out)


# ------------------------------------------------------------------ code frames
def _marked_line(text: str, start: int, end: int) -> str:
    """``text`` escaped, the characters [start, end) (0-based) inside <mark>."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    if end == start:  # an empty span (end of line): mark the place with a space
        return e(text[:start]) + "<mark> </mark>" + e(text[start:])
    return e(text[:start]) + "<mark>" + e(text[start:end]) + "</mark>" + e(text[end:])


def code_frame(ctx, d, context: bool = True) -> str:
    """The lines of the finding's span (and with ``context`` one line either side), the span
    marked."""
    if not ctx.show_source:
        return ""
    first = max(1, d.line - context)
    last = min(d.end_line, d.line + FRAME_MAX_LINES - 2) + context
    rows = []
    for n in range(first, last + 1):
        text = ctx.line(d.path, n)
        if text is None:
            if n == d.line:
                rows.append(f"<b>{n:>5} </b><i>(line not shown)</i>")
            continue
        if len(text) > SHOW_LINE_MAX:
            text = text[:SHOW_LINE_MAX] + "…"
        gutter = f"<b>{n:>5} </b>"
        if d.line <= n <= d.end_line:
            start = d.column - 1 if n == d.line else 0
            end = d.end_column - 1 if n == d.end_line else len(text)
            rows.append(gutter + _marked_line(text, start, end))
        else:
            rows.append(gutter + e(text))
    if not rows:
        return ""
    return '<pre class="frame">' + "\n".join(rows) + "</pre>"


def claim_context(ctx, d) -> tuple[str, str, str]:
    """(text before, the span, text after) within the sentence that holds the finding's span:
    the paragraph (or list item) around the span, cut at sentence ends."""
    path = d.path
    lines: dict[int, str] = {}
    for n in range(d.line, d.end_line + 1):
        text = ctx.line(path, n)
        if text is None:
            return ("", "", "")
        lines[n] = text
    n = d.line
    while d.line - n < 6 and not _LIST_ITEM.match(lines[n]):  # back to the paragraph's start
        prev = ctx.line(path, n - 1) if n > 1 else None
        if prev is None or not prev.strip() or prev.lstrip().startswith(_BLOCK_START):
            break
        n -= 1
        lines[n] = prev
    n = d.end_line
    while n - d.end_line < 6:  # on to its end
        nxt = ctx.line(path, n + 1)
        if (
            nxt is None
            or not nxt.strip()
            or nxt.lstrip().startswith(_BLOCK_START)
            or _LIST_ITEM.match(nxt)
        ):
            break
        n += 1
        lines[n] = nxt
    for k, text in lines.items():  # quote and list markers are not part of the sentence
        m = _MARKERS.match(text)
        if m:
            lines[k] = " " * m.end() + text[m.end() :]
    numbers = sorted(lines)
    offsets = {}
    pos = 0
    for k in numbers:
        offsets[k] = pos
        pos += len(lines[k]) + 1
    text = "\n".join(lines[k] for k in numbers).replace("\n", " ")
    start = offsets[d.line] + d.column - 1
    end = max(start, offsets[d.end_line] + d.end_column - 1)
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    m = _SENTENCE_END.search(text, end)
    stop = m.end() if m else len(text)
    before, marked, after = text[begin:start], text[start:end], text[end:stop]
    before = " ".join(before.split()) + (" " if before[-1:].isspace() else "")
    after = (" " if after[:1].isspace() else "") + " ".join(after.split())
    if len(before) > 300:
        before = "…" + before[-300:]
    if len(after) > 300:
        after = after[:300] + "…"
    return before.lstrip(), marked, after


# ------------------------------------------------------------------ reviews
def reviews_table(site, page_ids: dict[str, str], file_ids: dict[str, str]) -> str:
    stale_n = sum(1 for p in site.pages if site.is_stale(p))
    out = [
        f"<p>Review age limit: {site.review_max_age_days} days (<code>review_max_age_days</code>);"
        f" today: {site.today.isoformat()}. {stale_n} page(s) stale.</p>\n"
        '<table class="reviews"><thead><tr><th>page</th><th>title</th><th>type</th>'
        "<th>status</th><th>last reviewed</th><th>age (days)</th><th>sources</th>"
        "</tr></thead><tbody>\n"
    ]
    for p in site.pages:
        age = site.review_age(p)
        stale = site.is_stale(p)
        if p.last_reviewed is None:
            reviewed = '<span class="muted">none</span>'
        elif age is None:
            reviewed = f'{e(p.last_reviewed)} <span class="tag error">not a date</span>'
        else:
            reviewed = e(p.last_reviewed) + (
                ' <span class="tag warning">stale</span>' if stale else ""
            )
        name = e(p.path)
        if p.path in file_ids:
            name = f'<a href="#{file_ids[p.path]}">{name}</a>'
        if p.sources:
            items = "".join(
                "<li>"
                + (
                    f'<a href="{e(url)}" rel="noreferrer">{e(t or url)}</a>'
                    if url.startswith(("http://", "https://"))
                    else e(t or url)
                )
                + (f' <span class="muted">{e(pub)}</span>' if pub else "")
                + (f' <span class="muted">(accessed {e(acc)})</span>' if acc else "")
                + "</li>"
                for t, pub, url, acc in p.sources
            )
            sources = f"<details><summary>{len(p.sources)}</summary><ul>{items}</ul></details>"
        else:
            sources = '<span class="muted">0</span>'
        out.append(
            f'<tr id="{page_ids[p.path]}"{STALE_ROW if stale else ""}><td>{name}</td>'
            f"<td>{e(p.title or '')}</td><td>{e(p.type or '')}</td><td>{e(p.status or '')}</td>"
            f'<td>{reviewed}</td><td class="n">{"" if age is None else age}</td>'
            f"<td>{sources}</td></tr>\n"
        )
    out.append("</tbody></table>\n")
    return "".join(out)


# ------------------------------------------------------------------ graph
def graph_layout(site) -> tuple[list[list[str]], dict[str, tuple[float, float]], int, int]:
    """Layers (by link steps from the hub; pages it does not reach last), node positions, the
    drawing's width and height. Deterministic: pages sorted by path within a layer."""
    labels = len(site.pages) <= LABELS_UP_TO
    per_row = 8 if labels else 40
    dx, dy, row_dy = (128, 90, 60) if labels else (26, 60, 26)
    layers: dict[int, list[str]] = {}
    last = max(site.depth.values(), default=-1) + 1
    for p in site.pages:
        layers.setdefault(site.depth.get(p.rel, last), []).append(p.rel)
    ordered = [layers[k] for k in sorted(layers)]
    pos: dict[str, tuple[float, float]] = {}
    widest = max((min(len(layer), per_row) for layer in ordered), default=1)
    width = widest * dx + 40
    y = 30.0
    for layer in ordered:
        for start in range(0, len(layer), per_row):
            row = layer[start : start + per_row]
            x0 = 20 + (width - 40 - len(row) * dx) / 2 + dx / 2
            for i, rel in enumerate(row):
                pos[rel] = (round(x0 + i * dx, 1), round(y, 1))
            y += row_dy
        y += dy - row_dy
    return ordered, pos, int(width), int(y - (dy - row_dy) + (10 if labels else 0))


def _short(rel: str) -> str:
    name = rel.rsplit(".", 1)[0] if rel.endswith((".md", ".markdown")) else rel
    return name if len(name) <= 18 else name[:17] + "…"


def graph_svg(site, page_ids: dict[str, str]) -> str:
    _layers, pos, width, height = graph_layout(site)
    labels = len(site.pages) <= LABELS_UP_TO
    reached = site.depth
    out = [
        f"<p>{len(site.pages)} pages, {len(site.edges)} links between pages (body links and "
        "<code>related</code> entries). Rows: link steps from the hub"
        + (f" (<code>{e(site.hub)}</code>)" if site.hub else " (no single hub page: no layers)")
        + "; pages the hub does not reach are in the last row. Each node links to the page's "
        "row in the table below; hover for its path.</p>\n"
        '<p class="legend"><span>● published</span><span class="muted">○ draft or other</span>'
        '<span class="error">■ orphan (no inbound link)</span>'
        '<span class="warning">◆ unreachable from the hub</span><span>⬤ hub (large)</span></p>\n'
        f'<div class="graph"><svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="link graph of {len(site.pages)} pages">\n'
    ]
    # all edges in one path (a large site has thousands); edges within a row arc above it
    steps = []
    for a, b in site.edges:
        if a in pos and b in pos:
            (x1, y1), (x2, y2) = pos[a], pos[b]
            if y1 == y2:
                bend = min(abs(x2 - x1) / 4, 40)
                steps.append(f"M{x1:g} {y1:g}Q{(x1 + x2) / 2:g} {y1 - bend:g} {x2:g} {y2:g}")
            else:
                steps.append(f"M{x1:g} {y1:g}L{x2:g} {y2:g}")
    out.append(
        f'<path class="edges" stroke="#8c959f" stroke-opacity="{0.5 if labels else 0.3}" '
        'stroke-width="1" fill="none" '
        f'd="{"".join(steps)}"/>\n'
    )
    kinds = {}
    for p in site.pages:
        if p.rel == site.hub:
            kinds[p.rel] = "hub"
        elif p.rel in site.orphans:
            kinds[p.rel] = "orphan"
        elif p.rel in site.unreachable:
            kinds[p.rel] = "unreachable"
        elif p.status == "published":
            kinds[p.rel] = "published"
        else:
            kinds[p.rel] = "other"
    for p in site.pages:
        x, y = pos[p.rel]
        kind = kinds[p.rel]
        tip = f"{p.rel} — {p.title or 'untitled'} ({kind}"
        tip += f", {reached[p.rel]} step(s) from the hub)" if p.rel in reached else ")"
        if kind == "orphan":
            shape = f'<rect x="{x - 6}" y="{y - 6}" width="12" height="12" fill="#b42318"/>'
        elif kind == "unreachable":
            shape = f'<path d="M{x} {y - 8}L{x + 8} {y}L{x} {y + 8}L{x - 8} {y}Z" fill="#a15c00"/>'
        elif kind == "hub":
            shape = f'<circle cx="{x}" cy="{y}" r="10" fill="#1f2328"/>'
        elif kind == "published":
            shape = f'<circle cx="{x}" cy="{y}" r="6" fill="#0b57d0"/>'
        else:
            shape = (
                f'<circle cx="{x}" cy="{y}" r="6" fill="#fff" stroke="#57606a" stroke-width="1.5"/>'
            )
        label = (
            f'<text x="{x}" y="{y + 20}" text-anchor="middle">{e(_short(p.rel))}</text>'
            if labels
            else ""
        )
        out.append(
            f'<a href="#{page_ids[p.path]}"><g class="node {kind}" data-rel="{e(p.rel)}">'
            f"<title>{e(tip)}</title>{shape}{label}</g></a>\n"
        )
    out.append("</svg></div>\n")
    if site.orphans or site.unreachable:
        out.append("<p>")
        if site.orphans:
            out.append(
                "<b>Orphans:</b> "
                + ", ".join(f"<code>{e(r)}</code>" for r in sorted(site.orphans))
                + ". "
            )
        if site.unreachable:
            out.append(
                "<b>Unreachable from the hub:</b> "
                + ", ".join(f"<code>{e(r)}</code>" for r in sorted(site.unreachable))
                + "."
            )
        out.append("</p>\n")
    return "".join(out)
