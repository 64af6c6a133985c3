"""The data of the page model: a ``Page`` and what it holds (headings, sections, links, reference
definitions, tables, prose blocks, sentences, HTML comments), as ``build_page`` makes them.

Lines and columns are 1-based; columns count characters (code points); end columns are exclusive.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import PickleAsTuple, Span

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it.token import Token

    from guidelint.frontmatter import FrontMatter


# Heading, Sentence (and Span, Finding, Diagnostic) are not frozen: a frozen dataclass's __init__
# sets each field through object.__setattr__, 3x as slow, and a page makes one of these for each
# heading and each sentence (327,000 sentences on 5 MB of prose). Treat them as immutable all the
# same; they hash on their fields, as frozen ones would.
@dataclass(slots=True, unsafe_hash=True)
class Heading:
    index: int
    level: int
    text: str  # plain text
    anchor: str
    span: Span  # the heading's text
    line: int  # the heading's first source line


@dataclass(slots=True)
class Section:
    heading: int  # index into Page.headings
    level: int
    title: str
    start_line: int  # the heading line
    end_line: int  # last line before the next heading of the same or a higher level
    parent: int | None  # index into Page.sections of the enclosing section
    blocks: int = 0  # content blocks directly under the heading (before any sub-heading)


@dataclass(frozen=True, slots=True)
class Link(PickleAsTuple):
    kind: str  # "link" | "image"
    target: str  # the destination as written (after reference resolution), not percent-encoded
    text: str  # link text or image alt
    span: Span  # the whole link source, e.g. [text](target)
    style: str  # "inline" | "reference" | "autolink" | "html"
    label: str | None  # reference label for reference-style links
    section: int | None  # index of the heading the link sits under
    block: int | None  # index into Page.blocks
    cell: tuple[int, int, int] | None = None  # (table, row, column) when in a table cell


@dataclass(frozen=True, slots=True)
class Definition(PickleAsTuple):
    label: str  # normalised (case-folded, whitespace collapsed)
    raw_label: str
    target: str
    span: Span


@dataclass(frozen=True, slots=True)
class Comment(PickleAsTuple):
    text: str  # between <!-- and -->
    span: Span
    standalone: bool  # the comment is the only thing on its line(s)


@dataclass(slots=True)
class Cell:
    text: str
    span: Span
    block: int | None  # index into Page.blocks


@dataclass(slots=True)
class Table:
    span: Span
    header: list[Cell]
    rows: list[list[Cell]]
    section: int | None


_FIRST = itemgetter(0)


@dataclass(slots=True)
class Block:
    """A run of prose with inline markup removed. ``segments`` map text offsets to positions."""

    kind: str  # paragraph | list_item | blockquote | table_cell | heading
    text: str
    segments: tuple[tuple[int, int, int], ...]  # (text offset, line, column), sorted
    section: int | None
    lead_in: str | None = None  # for list items: the paragraph introducing the list
    has_link: bool = False

    def position(self, offset: int) -> tuple[int, int]:
        # (bisected by key: a list of the offsets, made on each call, cost a paragraph of 40,000
        # lines with a finding on each line 54 s)
        i = bisect.bisect_right(self.segments, offset, key=_FIRST) - 1
        if i < 0:
            return (self.segments[0][1], self.segments[0][2]) if self.segments else (1, 1)
        start, line, col = self.segments[i]
        return line, col + (offset - start)

    def span(self, start: int, end: int) -> Span:
        line, col = self.position(start)
        if end <= start:
            return Span(line, col, line, col + 1)
        eline, ecol = self.position(end - 1)
        return Span(line, col, eline, ecol + 1)


@dataclass(slots=True, unsafe_hash=True)
class Sentence:
    text: str
    block: int  # index into Page.blocks
    start: int  # offset of the sentence in its block's text
    end: int


@dataclass
class Page:
    path: str  # as displayed
    rel: str | None  # posix path below the content root, or None outside it
    slug: str | None
    text: str
    lines: list[str]
    front_matter: FrontMatter | None
    tokens: list[Token] = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    html_anchors: list[str] = field(default_factory=list)  # id= and name= of raw HTML elements
    max_depth: int = 0
    cache: dict[str, Any] = field(
        default_factory=dict
    )  # shared per-page results rules compute once

    # ------------------------------------------------------------- front matter
    @property
    def meta(self) -> dict[str, Any]:
        return self.front_matter.data if self.front_matter else {}

    @property
    def type(self) -> str | None:
        value = self.meta.get("type")
        return value if isinstance(value, str) else None

    @property
    def status(self) -> str | None:
        value = self.meta.get("status")
        # default_status also covers pages without front matter (guidelint.sitemodel)
        return value if isinstance(value, str) else self.cache.get("default_status")

    @property
    def title(self) -> str | None:
        value = self.meta.get("title")
        return value if isinstance(value, str) else None

    @property
    def body_start(self) -> int:
        """The first line (1-based) after the front matter."""
        return self.front_matter.end_line + 1 if self.front_matter else 1

    def sentence_span(self, sentence: Sentence, start: int = 0, end: int | None = None) -> Span:
        block = self.blocks[sentence.block]
        end = sentence.end - sentence.start if end is None else end
        return block.span(sentence.start + start, sentence.start + end)
