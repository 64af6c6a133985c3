from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING

from guidelint.diagnostics import Span
from guidelint.registry import Rule, register
from guidelint.slug import normalize_label

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


# [text][label] and [text][] (not preceded by a backslash); images too, through the '!'
_FULL = re.compile(r"(?<!\\)(!?)\[((?:[^\[\]\\\n]|\\.){0,999})\]\[((?:[^\[\]\\]|\\.){0,999})\]")


def _mask_code(text: str) -> str:
    """Blank out inline code spans so brackets inside them are ignored."""
    out = list(text)
    i = 0
    n = len(text)
    while i < n:
        if text[i] == "`":
            j = i
            while j < n and text[j] == "`":
                j += 1
            ticks = text[i:j]
            close = text.find(ticks, j)
            if close == -1:
                i = j
                continue
            for k in range(i, close + len(ticks)):
                if out[k] != "\n":
                    out[k] = " "
            i = close + len(ticks)
            continue
        i += 1
    return "".join(out)


CODE = "GL312"


@register
class UndefinedReference(Rule):
    """A reference-style link uses a label that has no definition.

    What it checks: ``[text][label]`` and ``[text][]`` (links and images) in the page's prose
    whose label matches no ``[label]: target`` definition. Markdown renders them as plain text
    with the brackets showing, so no link checker sees them. Shortcut references (``[label]``
    alone) are not checked: brackets around words are often just brackets. Code is skipped.

    Why: the reader sees "[BLS][bls-data]" instead of a link; the writer believes the source is
    cited.

    ```markdown fail
    # Salary

    Pay data comes from the [BLS][bls-data].

    [bls]: https://www.bls.gov/
    ```

    ```markdown pass
    # Salary

    Pay data comes from the [BLS][bls], and `[x][y]` is code.

    [bls]: https://www.bls.gov/
    ```
    """

    code = CODE
    name = "undefined-reference"
    summary = "A [text][label] link has no definition for its label"

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        if "][" not in page.text:
            return  # no [text][label] anywhere: the common case, decided without a walk
        if page.cache.get("generated_references"):
            return  # template tags write some definitions ([#{{ n }}]: ...): labels are unknown
        defined = {d.label for d in page.definitions}
        if ctx.config is not None and ctx.config.get("links.shared_definitions"):
            from guidelint.sitemodel import shared_labels

            defined |= shared_labels(ctx.config)  # appended to every page (snippets auto_append)
        seen = set()
        for tok in page.tokens:
            if tok.type != "inline" or not tok.map:
                continue
            first, last = tok.map[0], tok.map[1]
            if (first, last) in seen:
                continue  # table cells of one row share the row's lines
            seen.add((first, last))
            text = "\n".join(page.lines[first:last])
            if "][" not in text:
                continue
            raw, text = text, _mask_code(text)
            starts = [0]
            for line in text.split("\n")[:-1]:
                starts.append(starts[-1] + len(line) + 1)
            for m in _FULL.finditer(text):
                group = 3 if m.group(3).strip() else 2
                label = raw[m.start(group) : m.end(group)]  # code spans in a label are its text
                if not label.strip() or normalize_label(label) in defined:
                    continue
                if label.startswith("^"):
                    continue  # a footnote reference ([^2]), not a link
                start = m.start()
                # (the lines the match starts and ends on, by bisection: a scan of the
                # paragraph's lines for each label took 246 s for 45,000 one-line labels)
                li = bisect_right(starts, start) - 1
                end_li = bisect_right(starts, m.end() - 1) - 1
                span = Span(
                    first + li + 1,
                    start - starts[li] + 1,
                    first + end_li + 1,
                    m.end() - starts[end_li] + 1,
                )
                what = "image" if m.group(1) else "link"
                yield self.finding(
                    span,
                    f"{what} label [{label}] has no definition, so the page shows the brackets "
                    f"as text; add '[{label}]: <url>' below the paragraph or fix the label",
                )
