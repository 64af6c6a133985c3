from __future__ import annotations

from guidelint.diagnostics import Span
from guidelint.finding import Finding
from guidelint.registry import Rule, register

CODE = "GL908"


@register
class FileTooLarge(Rule):
    """The file is larger than ``limits.max_file_bytes`` (5 MiB by default), or has more lines than
    ``limits.max_lines`` (200,000), more Markdown blocks than ``limits.max_blocks`` (100,000 of
    the parser's block tokens), or more inline elements than ``limits.max_inline_tokens``
    (100,000 of the parser's inline tokens).

    What it checks: the file's size before it is read, and its lines before it is parsed; while
    the page is parsed, the number of block tokens and of inline tokens made so far (parsing
    stops, at the line reported, when either goes over).

    Why: a guide page is a few kilobytes; a file of many megabytes is a generated dump or a
    mistake, and reading it would slow every run. The parser keeps an object for every
    paragraph, list item and table cell, and inside them for every line, emphasis mark, code
    span and link: a 5 MB list or table took 2 GB of memory and a minute, a 5 MB paragraph of
    ``*a*`` 2 GB and 35 s, and a blockquote of 1.3 million short lines 9 s. The largest pages of
    six real documentation sites have at most 9,700 lines and make 23,000 block and 10,600
    inline tokens.
    """

    code = CODE
    emitted_by = (
        "guidelint.reading.read_item and guidelint.source.decode (size, with this module's "
        "check_size), guidelint.analysis.analyze (limits.max_blocks, with too_many_blocks)"
    )
    name = "file-too-large"
    summary = "The file is over the size limit"
    scope = "input"


def check_size(size: int, max_bytes: int) -> Finding | None:
    """The finding for a file of ``size`` bytes over ``limits.max_file_bytes``, if it is."""
    if size <= max_bytes:
        return None
    return Finding(
        CODE,
        Span.point(1),
        f"file is {size:,} bytes, over the limit of {max_bytes:,} "
        "(limits.max_file_bytes); split the page or raise the limit",
    )


def too_many_blocks(line: int, max_blocks: int) -> Finding:
    """The finding for a page whose parsing stopped at ``line``, over ``limits.max_blocks``
    (``guidelint.fastparse.TooManyBlocks``)."""
    return Finding(
        CODE,
        Span.point(line),
        f"the page has more than {max_blocks:,} Markdown blocks (limits.max_blocks: "
        f"paragraphs, list items, table cells, headings...), parsing stopped at line "
        f"{line:,}; it is not checked; split the page or raise the limit",
    )


def too_many_inline(line: int, max_inline: int) -> Finding:
    """The finding for a page whose inline parsing stopped at ``line``, over
    ``limits.max_inline_tokens`` (``guidelint.fastparse.TooManyInline``)."""
    return Finding(
        CODE,
        Span.point(line),
        f"the page has more than {max_inline:,} inline Markdown elements "
        f"(limits.max_inline_tokens: lines of a paragraph, emphasis marks, code spans, links...), "
        f"parsing stopped at line {line:,}; it is not checked; split the page or raise the limit",
    )


def too_many_lines(lines: int, max_lines: int) -> Finding:
    """The finding for a page of more than ``limits.max_lines`` lines, found before it is parsed."""
    return Finding(
        CODE,
        Span.point(max_lines + 1),
        f"the page has {lines:,} lines, over the limit of {max_lines:,} (limits.max_lines); "
        "it is not checked; split the page or raise the limit",
    )
