"""Scanning a link's source: the brackets and parentheses that close its text and destination,
its style (inline or reference) and its destination as written."""

from __future__ import annotations

import functools
import re
from typing import Any


def match_bracket(s: str, i: int) -> int:
    """Index of the ']' closing the '[' at ``i`` (or -1)."""
    depth = 0
    j = i
    n = len(s)
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "`":
            k = j
            while k < n and s[k] == "`":
                k += 1
            ticks = s[j:k]
            close = s.find(ticks, k)
            j = close + len(ticks) if close != -1 else k
            continue
        if c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


_PAREN_STOPS = re.compile(r"[\\<()]")  # what match_paren looks at; it passes over the rest


def match_paren(s: str, i: int) -> int:
    """Index of the ')' closing the '(' at ``i`` (or -1). A ``<`` right after the '(' (blanks
    aside) opens a ``<...>`` destination, read to its ``>``; a backslash escapes what follows."""
    depth = 0
    j = i
    n = len(s)
    first = -1  # the first non-blank after the '(' (found when a '<' asks)
    while j < n:
        stop = _PAREN_STOPS.search(s, j)  # (a 4 MB destination: one search, not a loop)
        if stop is None:
            return -1
        j = stop.start()
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "<" and depth == 1:
            if first == -1:
                first = i + 1
                while first < n and s[first].isspace():
                    first += 1
            if j == first:  # only blanks between the '(' and this '<'
                close = s.find(">", j)
                if close != -1:
                    j = close + 1
                    continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    return -1


def link_tail(content: str, close: int, text: str) -> tuple[int, str, str | None]:
    """From the ']' closing a link's text: (end offset, style, reference label)."""
    nxt = content[close + 1 : close + 2]
    if nxt == "(":
        paren = match_paren(content, close + 1)
        return (paren + 1 if paren != -1 else close + 1), "inline", None
    if nxt == "[":
        end = content.find("]", close + 2)
        if end != -1:
            label = content[close + 2 : end]
            return end + 1, "reference", (label if label.strip() else text)
    return close + 1, "reference", text


def unescape_url(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


def raw_target(
    content: str, close: int, style: str, label: str | None, href: str, env: dict[str, Any]
) -> str:
    """The destination as the writer wrote it (markdown-it percent-encodes its hrefs)."""
    if style == "inline":
        inner = content[close + 2 :]
        inner = inner.lstrip()
        if inner.startswith("<"):
            end = inner.find(">")
            if end != -1:
                return inner[1:end]
        if inner.startswith(")"):  # an empty destination (a masked template tag)
            return ""
        # where markdown-it ends the destination: at a blank, or at a ')' that closes no '(' of
        # the destination (`wiki/Foo_(bar))`, `alert(1))`), a backslash escaping what follows
        found = _destination_reader()(inner, 0, len(inner))
        if found.ok and found.pos > 0:
            return inner[: found.pos]
    return unescape_url(href)


@functools.cache
def _destination_reader() -> Any:
    """The page parser's ``parseLinkDestination`` (markdown-it-py's, behind guidelint's fast
    path where it is installed): a destination ends here where the parser ended it."""
    from guidelint.page.parse import markdown_parser

    return markdown_parser().helpers.parseLinkDestination
