"""The Markdown parser of the page model: markdown-it-py with CommonMark and tables, patched for
speed and hostile input (``guidelint.fastparse``), built once per process on first use."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt

# markdown-it's cap on container depth (its option maxNesting): deeper content is not parsed
# (the nesting rule, gl910_nesting_too_deep, reports a page that reaches it)
MAX_NESTING = 100


@functools.cache
def markdown_parser() -> MarkdownIt:
    """The Markdown parser, built on first use: a run served from the cache never imports markdown-it."""
    from markdown_it import MarkdownIt

    from guidelint.fastparse import install

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": MAX_NESTING}).enable("table")
    # every link is a link: markdown-it turns javascript:, vbscript:, file: and most data: links
    # into plain text (its renderer's safety), but other renderers publish them, so they are
    # kept and reported (GL313) rather than hidden
    md.validateLink = _any_link  # type: ignore[method-assign]  # markdown-it's per-instance hook
    return install(md)


def _any_link(url: str) -> bool:
    return True
