"""Raw HTML in Markdown, in linear time: HTML comments (suppressions live in them) and the ``id``
and ``name`` attributes that make link targets."""

from __future__ import annotations

import re

COMMENT = re.compile(r"<!--(.*?)-->", re.S)  # what comment_spans finds, for whole-text matches


def comment_spans(html: str) -> list[tuple[int, int]]:
    """(start, end) of each HTML comment in ``html``: the matches of ``COMMENT.finditer`` found
    in linear time. The regex tries every ``<!--`` against the rest of the text when one is never
    closed: 50,000 unclosed openers took a minute. Here the first opener without a closing
    ``-->`` ends the search, since no later opener can be closed either."""
    out: list[tuple[int, int]] = []
    pos = 0
    while True:
        start = html.find("<!--", pos)
        if start == -1:
            return out
        close = html.find("-->", start + 4)
        if close == -1:
            return out
        pos = close + 3
        out.append((start, pos))


def strip_comments(html: str) -> str:
    """``html`` without its comments (``COMMENT.sub("", html)`` in linear time)."""
    found = comment_spans(html)
    if not found:
        return html
    parts = []
    pos = 0
    for start, end in found:
        parts.append(html[pos:start])
        pos = end
    parts.append(html[pos:])
    return "".join(parts)


# an id or name attribute of an HTML start tag (<a id="eligibility"></a>): a link target, as on GitHub.
# The attributes before it hold no '<' outside quotes: each tag start is then tried up to the next
# '<', not to the end of the block (an HTML block of 10,000 "<a b " took 16 s).
HTML_ANCHOR = re.compile(
    r"""<[A-Za-z][\w-]*(?:\s+[^\s>"'=/<]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*?"""
    r"""\s+(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
    re.IGNORECASE,
)
