"""The page model: one Markdown file, parsed once, with positions in the original file.

``build_page`` is a pure function of (text, config-derived options). It parses the body with
markdown-it-py (CommonMark + tables) and exposes headings (a section tree), links and images
(inline, reference-style, autolinks), reference definitions, tables and their cells, prose blocks
(paragraphs, list items, table cells, blockquotes, headings) with inline markup removed but every
character's position kept, the sentences of that prose, and HTML comments (for suppressions).

Lines and columns are 1-based; columns count characters (code points); end columns are exclusive.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import PickleAsTuple, Span
from guidelint.frontmatter import FrontMatter
from guidelint.slug import Slugger, next_line_id, normalize_label, split_explicit_id

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt
    from markdown_it.token import Token


@functools.cache
def markdown_parser() -> MarkdownIt:
    """The Markdown parser, built on first use: a run served from the cache never imports markdown-it."""
    from markdown_it import MarkdownIt

    from guidelint.fastparse import install

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": 100}).enable("table")
    # every link is a link: markdown-it turns javascript:, vbscript:, file: and most data: links
    # into plain text (its renderer's safety), but other renderers publish them, so they are
    # kept and reported (GL313) rather than hidden
    md.validateLink = _any_link  # type: ignore[method-assign]  # markdown-it's per-instance hook
    return install(md)  # limits.PARSER_MAX_NESTING


def _any_link(url: str) -> bool:
    return True


# --------------------------------------------------------------------------- data
@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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


# --------------------------------------------------------------------------- helpers
_REF_DEF = re.compile(
    r"^(?P<prefix>(?:[ \t]*>)*[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])?[ \t]*)\[(?P<label>(?:[^\]\\]|\\.){1,999})\]:[ \t]*(?P<target><[^>\n]*>|\S+)"
)
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)  # what _comments finds, for whole-text matches


def _comments(html: str) -> list[tuple[int, int]]:
    """(start, end) of each HTML comment in ``html``: the matches of ``_COMMENT.finditer`` found
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


def _strip_comments(html: str) -> str:
    """``html`` without its comments (``_COMMENT.sub("", html)`` in linear time)."""
    found = _comments(html)
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
_HTML_ANCHOR = re.compile(
    r"""<[A-Za-z][\w-]*(?:\s+[^\s>"'=/<]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'<>]+))?)*?"""
    r"""\s+(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""",
    re.IGNORECASE,
)
# opening and closing tokens that are not a level of list or blockquote nesting (limits.max_nesting) ...
_NOT_CONTAINER_OPEN = frozenset({"heading_open", "paragraph_open", "table_open"})
_NOT_CONTAINER_CLOSE = frozenset({"heading_close", "paragraph_close", "table_close"})
# ... and the leaf blocks, whose lines cannot hold a reference definition
_LEAF = frozenset(
    {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "table_open", "hr"}
)


def _match_bracket(s: str, i: int) -> int:
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


def _match_paren(s: str, i: int) -> int:
    """Index of the ')' closing the '(' at ``i`` (or -1)."""
    depth = 0
    j = i
    n = len(s)
    while j < n:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == "<" and depth == 1 and s[i + 1 : j].strip() == "":
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


def _column(part: str, src: str) -> int:
    """0-based column in its source line ``src`` where the content line ``part`` begins."""
    stripped = part.strip()
    if not stripped:
        return len(src) - len(src.lstrip())
    src_r = src.rstrip()
    part_r = part.rstrip()
    if src_r.endswith(part_r):
        return len(src_r) - len(part_r)
    k = src.find(stripped)
    return k - (len(part) - len(part.lstrip())) if k >= 0 else len(src) - len(src.lstrip())


class _Inline:
    """Positions inside one inline token's ``content``."""

    def __init__(
        self, content: str, lines: list[str], first_line: int, fixed: list[int] | None = None
    ):
        self.content = content
        self.first_line = first_line  # 0-based file line of content line 0
        parts = content.split("\n")
        self.starts: list[int] = [0]  # content offset where each content line begins
        offset = 0
        for part in parts[:-1]:
            offset += len(part) + 1
            self.starts.append(offset)
        if fixed is not None:
            self.cols = fixed  # 0-based column of each content line in its source line
            return
        n = len(lines)
        self.cols = [
            _column(part, lines[first_line + i] if first_line + i < n else "")
            for i, part in enumerate(parts)
        ]

    def pos(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a content offset."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.first_line + i + 1, self.cols[i] + (offset - self.starts[i]) + 1

    def span(self, start: int, end: int) -> Span:
        line, col = self.pos(start)
        if end <= start:
            return Span(line, col, line, col + 1)
        eline, ecol = self.pos(end - 1)
        return Span(line, col, eline, ecol + 1)


class _ProseBuilder:
    """The prose of one inline token: text pieces, and the source position of each piece."""

    def __init__(self, inline: _Inline) -> None:
        self.inline = inline
        self.parts: list[str] = []
        self.length = 0
        self.segments: list[tuple[int, int, int]] = []

    def add(self, text: str, offset: int | None = None) -> None:
        """Add ``text``, found at ``offset`` in the inline content (None: it is not in the source)."""
        if not text:
            return
        if offset is not None:
            line, col = self.inline.pos(offset)
            self.segments.append((self.length, line, col))
        self.parts.append(text)
        self.length += len(text)

    def add_aligned(self, text: str, cursor: int) -> int:
        """Add ``text`` found in the inline content at or after ``cursor``; return the new cursor."""
        content = self.inline.content
        k = content.find(text, cursor)
        if k != -1 and (k - cursor) < 200:
            self.add(text, k)
            return k + len(text)
        # escapes or entities changed the text: align character by character
        for ch in text:
            j = content.find(ch, cursor, cursor + 12)
            if j == -1:
                self.add(ch)
                continue
            self.add(ch, j)
            cursor = j + 1
        return cursor

    def text(self) -> str:
        return "".join(self.parts)


def _plain_children(children: list[Token]) -> str:
    out = []
    for t in children:
        if t.type in ("text", "code_inline"):
            out.append(t.content)
        elif t.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t.type == "image":
            out.append(t.content)
    return "".join(out)


# --------------------------------------------------------------------------- sentences
_ABBREV = {
    "e.g",
    "i.e",
    "etc",
    "vs",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "u.s",
    "u.k",
    "inc",
    "ltd",
    "co",
    "jr",
    "sr",
    "approx",
    "dept",
    "est",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "a.m",
    "p.m",
    "ph.d",
    "m.d",
    "r.n",
    "b.s",
    "a.s",
}
# a sentence end: marks (the first of a run: each run is tried once, so the search is linear in
# the text), closing quotes or brackets, then a blank or the end; and, looked at but not taken,
# the first character after the blanks (none: only blanks follow)
_SENTENCE_END = re.compile(r"[.!?](?<![.!?]{2})[.!?]*([\"')\]”’]*)(?=\s|$)(?=\s*(\S)|)")
_WORD = re.compile(r"[\w.]*")  # in the reversed text: the word before a period, backwards
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")  # "a", "u.s.a"
_DIGIT_NEXT = re.compile(r"\s*\d")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split prose into sentences; returns (start, end) offsets with surrounding space trimmed.

    A sentence ends at ``.``, ``!`` or ``?`` (closing quotes and brackets included) before a blank,
    unless the next word is lowercase ("approx. ten") or the period is a single one after an
    abbreviation ("Dr."), initials ("U.S."), "No." before a number, or a list number at the start
    of the sentence ("1. Understand the role"). The word before a period is the run of word
    characters and periods that ends there."""
    start = len(text) - len(text.lstrip())  # where the current sentence starts (trimmed)
    if "." not in text and "!" not in text and "?" not in text:  # (headings, cells, most items)
        end = len(text.rstrip())
        return [(start, end)] if end > start else []
    spans: list[tuple[int, int]] = []
    n = len(text)
    backwards = ""
    for m in _SENTENCE_END.finditer(text):
        nxt = m.group(2)
        if nxt is None:
            break  # only space follows: the rest is one sentence whether or not this ends it
        if nxt.islower():
            continue  # the next word must not be lowercase (e.g. "approx. ten")
        dot = m.start()
        if text[dot] == "." and m.start(1) == dot + 1:  # a single period
            if not backwards:
                backwards = text[::-1]
            back = _WORD.match(backwards, n - dot)  # (always matches, if only nothing)
            k = n - back.end() if back else dot  # where the word before the period starts
            if k < dot:
                word = text[k:dot].lower()
                if word in _ABBREV or (
                    (len(word) == 1 or word[1] == ".") and _INITIALS.fullmatch(word) is not None
                ):
                    continue
                if (word == "no" or word == "nos") and _DIGIT_NEXT.match(text, m.end()):
                    continue  # "No. 5"
                if k == start and word.isdigit():
                    continue  # "1. Understand the role": a list number, not a sentence
        spans.append((start, m.end()))  # (it ends with a mark: no blank to trim)
        start = m.start(2)
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


# --------------------------------------------------------------------------- builder
def build_page(
    text: str,
    path: str,
    rel: str | None,
    slug: str | None,
    front_matter: FrontMatter | None,
    fm_lines: tuple[int, int] | None,
    slug_style: str = "github",
    max_blocks: int | None = None,
    lines: list[str] | None = None,
) -> Page:
    """Parse and walk a page. With ``max_blocks``, raises ``TooManyBlocks`` (from
    ``guidelint.fastparse``) as soon as the parser has made more block tokens than that.
    ``lines``: ``text.split("\\n")`` if the caller has it (a 5 MB page's lines take 40 MB)."""
    if lines is None:
        lines = text.split("\n")
    body_lines = list(lines)
    if fm_lines is not None:
        for i in range(fm_lines[0] - 1, min(fm_lines[1], len(lines))):
            body_lines[i] = ""
    body = "\n".join(body_lines)
    env: dict[str, Any] = {}
    if max_blocks is not None:
        from guidelint.fastparse import MAX_BLOCK_TOKENS

        env[MAX_BLOCK_TOKENS] = max_blocks
    tokens = markdown_parser().parse(body, env)
    page = Page(
        path=path,
        rel=rel,
        slug=slug,
        text=text,
        lines=lines,
        front_matter=front_matter,
        tokens=tokens,
    )
    _Walker(page, lines, env, slug_style).walk()
    return page


def _link_tail(content: str, close: int, text: str) -> tuple[int, str, str | None]:
    """From the ']' closing a link's text: (end offset, style, reference label)."""
    nxt = content[close + 1 : close + 2]
    if nxt == "(":
        paren = _match_paren(content, close + 1)
        return (paren + 1 if paren != -1 else close + 1), "inline", None
    if nxt == "[":
        end = content.find("]", close + 2)
        if end != -1:
            label = content[close + 2 : end]
            return end + 1, "reference", (label if label.strip() else text)
    return close + 1, "reference", text


def _unescape_url(href: str) -> str:
    from urllib.parse import unquote

    return unquote(href)


def _raw_target(
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
        m = re.match(r"(\S+?)(?:\s+[\"'(]|\s*\)|\s*$)", inner)
        if m:
            return m.group(1)
    return _unescape_url(href)


class _Walker:
    def __init__(self, page: Page, lines: list[str], env: dict[str, Any], slug_style: str) -> None:
        self.page = page
        self.lines = lines
        self.env = env
        self.slugger = Slugger(slug_style)
        self.current_section: int | None = None
        self.section_stack: list[int] = []  # indices into page.sections
        self.used_labels: set[str] = set()

    # -------------------------------------------------------------- block walk
    def walk(self) -> None:
        page = self.page
        tokens = page.tokens
        container: list[str] = []
        last_paragraph: dict[int, str] = {}  # depth -> text of the last paragraph at that depth
        list_lead: list[str | None] = []
        leaves: list[
            list[int]
        ] = []  # line ranges of the leaf blocks: no reference definition in them
        depth = max_depth = 0
        i = 0
        n = len(tokens)
        while i < n:
            tok = tokens[i]
            t = tok.type
            if tok.nesting == 1 and t not in _NOT_CONTAINER_OPEN:
                depth += 1
                max_depth = max(max_depth, depth)
            elif tok.nesting == -1 and t not in _NOT_CONTAINER_CLOSE:
                depth -= 1
            if t in _LEAF and tok.map:
                leaves.append(tok.map)
            if t == "heading_open":
                last_paragraph.clear()
                inline = tokens[i + 1]
                self._heading(tok, inline)
                i += 3
                continue
            if t in ("bullet_list_open", "ordered_list_open"):
                container.append("list")
                list_lead.append(last_paragraph.get(depth - 1))
            elif t in ("bullet_list_close", "ordered_list_close"):
                container.pop()
                list_lead.pop()
                last_paragraph.pop(depth, None)
            elif t == "blockquote_open":
                container.append("blockquote")
            elif t == "blockquote_close":
                container.pop()
            elif t == "paragraph_open":
                inline = tokens[i + 1]
                kind = "paragraph"
                if container:
                    kind = "list_item" if container[-1] == "list" else "blockquote"
                lead = list_lead[-1] if (kind == "list_item" and list_lead) else None
                block = self._inline_block(inline, kind, lead)
                last_paragraph[depth] = block.text if block else ""
                self._count_block()
                i += 3
                continue
            elif t == "table_open":
                last_paragraph.pop(depth, None)
                i = self._table(i)
                self._count_block()
                continue
            elif t in ("fence", "code_block", "hr"):
                self._count_block()
            elif t == "html_block":
                self._html(tok.content, tok.map[0] if tok.map else 0, block_level=True)
                if not _COMMENT.fullmatch(tok.content.strip()):
                    self._count_block()
            i += 1
        page.max_depth = max_depth
        self._close_sections(len(self.lines))
        self._definitions(leaves)
        sentences = page.sentences
        for bi, block in enumerate(page.blocks):
            text = block.text
            for s, e in split_sentences(text):
                sentences.append(Sentence(text[s:e], bi, s, e))

    def _count_block(self) -> None:
        if self.section_stack:
            self.page.sections[self.section_stack[-1]].blocks += 1

    def _close_sections(self, before_line: int, level: int = 0) -> None:
        while self.section_stack and self.page.sections[self.section_stack[-1]].level >= level:
            sec = self.page.sections[self.section_stack.pop()]
            sec.end_line = max(sec.start_line, before_line)

    # -------------------------------------------------------------- headings
    def _heading(self, tok: Token, inline: Token) -> None:
        page = self.page
        level = int(tok.tag[1])
        line0 = tok.map[0] if tok.map else 0
        self._close_sections(line0, level)
        index = len(page.headings)
        self.current_section = index
        block = self._inline_block(inline, "heading", None, section=index)
        plain = _plain_children(inline.children or []).strip()
        span = block.span(0, len(block.text)) if block and block.text else Span.point(line0 + 1)
        plain, explicit = split_explicit_id(plain, self.slugger.style)  # "Title {#id}"
        if explicit is None and tok.markup.startswith("#"):  # kramdown: "{: #id}" on the next line
            explicit = next_line_id(self.lines, line0 + 1, self.slugger.style)
        anchor = self.slugger.slug(plain, explicit)
        page.headings.append(Heading(index, level, plain, anchor, span, line0 + 1))
        parent = self.section_stack[-1] if self.section_stack else None
        page.sections.append(Section(index, level, plain, line0 + 1, line0 + 1, parent))
        self.section_stack.append(len(page.sections) - 1)

    # -------------------------------------------------------------- tables
    def _table(self, i: int) -> int:
        page = self.page
        tokens = page.tokens
        start = tokens[i]
        table = Table(Span.point((start.map or [0])[0] + 1), [], [], self.current_section)
        table_index = len(page.tables)
        page.tables.append(table)
        row: list[Cell] | None = None
        in_head = False
        cursor_line = -1
        cursor = 0
        i += 1
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                row = []
                cursor_line = tok.map[0] if tok.map else cursor_line + 1
                cursor = 0
            elif tok.type == "tr_close":
                if row is not None:
                    if in_head:
                        table.header = row
                    else:
                        table.rows.append(row)
                row = None
            elif tok.type == "inline" and row is not None:
                src = self.lines[cursor_line] if 0 <= cursor_line < len(self.lines) else ""
                content = tok.content
                bar = src.find("|", cursor) if cursor or src.lstrip().startswith("|") else -1
                search_from = bar + 1 if bar != -1 else cursor
                k = src.find(content, search_from) if content else -1
                if k == -1:
                    k = search_from
                fixed = _Inline(content, self.lines, cursor_line, fixed=[k])
                row_index = -1 if in_head else len(table.rows)
                block = self._inline_block(
                    tok, "table_cell", None, inline=fixed, cell=(table_index, row_index, len(row))
                )
                cell_span = (
                    fixed.span(0, len(content)) if content else Span.point(cursor_line + 1, k + 1)
                )
                row.append(
                    Cell(
                        block.text if block else "",
                        cell_span,
                        len(page.blocks) - 1 if block else None,
                    )
                )
                cursor = k + len(content)
            i += 1
        if start.map:
            last = min(start.map[1], len(self.lines)) - 1
            table.span = Span(start.map[0] + 1, 1, last + 1, len(self.lines[last]) + 1)
        return i + 1

    def _inline_block(
        self,
        tok: Token,
        kind: str,
        lead_in: str | None,
        *,
        section: int | None = None,
        inline: _Inline | None = None,
        cell: tuple[int, int, int] | None = None,
    ) -> Block | None:
        page = self.page
        content = tok.content
        line0 = tok.map[0] if tok.map else 0
        pos = inline or _Inline(content, self.lines, line0)
        section = self.current_section if section is None else section
        prose = _ProseBuilder(pos)
        block_index = len(page.blocks)
        children = tok.children or []
        cursor = 0
        link_stack: list[
            tuple[Token, int, int]
        ] = []  # (token, start offset, prose length at start)
        has_link = False
        i = 0
        while i < len(children):
            c = children[i]
            t = c.type
            if t == "text":
                cursor = prose.add_aligned(c.content, cursor)
            elif t in ("softbreak", "hardbreak"):
                nl = content.find("\n", cursor)
                prose.add(" ")
                cursor = nl + 1 if nl != -1 else cursor
            elif t == "code_inline":
                k = content.find(c.markup, cursor)
                if k != -1:
                    close = content.find(c.markup, k + len(c.markup) + max(len(c.content) - 2, 0))
                    cursor = close + len(c.markup) if close != -1 else k + len(c.markup)
                prose.add(" ")
            elif t == "html_inline":
                k = content.find(c.content, cursor)
                if k != -1:
                    if c.content.startswith("<!--"):
                        self._html(c.content, None, block_level=False, inline=pos, offset=k)
                    cursor = k + len(c.content)
                if not c.content.startswith("<!--"):
                    self._html_anchors(c.content)
            elif t == "link_open":
                has_link = True
                if c.markup == "autolink":
                    k = content.find("<", cursor)
                    end = content.find(">", k) + 1 if k != -1 else cursor
                    k = cursor if k == -1 else k
                    href = str(c.attrGet("href") or "")  # (a str: markdown-it's link attribute)
                    target = _unescape_url(href)
                    page.links.append(
                        Link(
                            "link",
                            target,
                            target,
                            pos.span(k, end),
                            "autolink",
                            None,
                            section,
                            block_index,
                            cell,
                        )
                    )
                    # skip the autolink's text and close
                    j = i + 1
                    while j < len(children) and children[j].type != "link_close":
                        j += 1
                    i = j + 1
                    cursor = max(cursor, end)
                    prose.add(" ")
                    continue
                k = content.find("[", cursor)
                if k == -1:
                    k = cursor
                link_stack.append((c, k, prose.length))
                cursor = k + 1
            elif t == "link_close":
                if link_stack:
                    open_tok, k, prose_start = link_stack.pop()
                    close = _match_bracket(content, k)
                    if close == -1:
                        close = cursor
                    text = prose.text()[prose_start:]
                    # a [**label**][] reference matches by its source text, markup included
                    end, style, label = _link_tail(content, close, content[k + 1 : close])
                    href = str(open_tok.attrGet("href") or "")
                    target = _raw_target(content, close, style, label, href, self.env)
                    if style == "reference" and label:
                        self.used_labels.add(normalize_label(label))
                    page.links.append(
                        Link(
                            "link",
                            target,
                            text.strip(),
                            pos.span(k, end),
                            style,
                            label,
                            section,
                            block_index,
                            cell,
                        )
                    )
                    cursor = max(cursor, end)
            elif t == "image":
                has_link = True
                k = content.find("![", cursor)
                if k == -1:
                    k = cursor
                close = _match_bracket(content, k + 1)
                if close == -1:
                    close = k + 1
                end, style, label = _link_tail(content, close, c.content)
                src = str(c.attrGet("src") or "")
                target = _raw_target(content, close, style, label, src, self.env)
                if style == "reference" and label:
                    self.used_labels.add(normalize_label(label))
                page.links.append(
                    Link(
                        "image",
                        target,
                        c.content,
                        pos.span(k, end),
                        style,
                        label,
                        section,
                        block_index,
                        cell,
                    )
                )
                cursor = max(cursor, end)
                prose.add(" ")
            i += 1
        flood = self.env.get("guidelint.bracket_flood")  # fastparse.BRACKET_FLOOD
        if flood and content in flood:
            page.cache.setdefault("bracket_flood", []).append(line0 + 1)
        text = prose.text()
        block = Block(kind, text, tuple(prose.segments), section, lead_in, has_link)
        if not text.strip() and cell is None and kind != "heading":
            return None
        page.blocks.append(block)
        return block

    def _html_anchors(self, html: str) -> None:
        if "id" in html or "name" in html:
            for m in _HTML_ANCHOR.finditer(_strip_comments(html)):
                value = (
                    m.group(1)
                    if m.group(1) is not None
                    else m.group(2)
                    if m.group(2) is not None
                    else m.group(3)
                )
                if value:
                    self.page.html_anchors.append(value)

    def _html(
        self,
        html: str,
        line0: int | None,
        *,
        block_level: bool,
        inline: _Inline | None = None,
        offset: int = 0,
    ) -> None:
        if block_level:
            self._html_anchors(html)
        newlines = 0  # counted from the end of the previous comment, not from the start each time
        counted = 0
        stripped = html.strip()
        alone = stripped.startswith("<!--") and stripped.endswith("-->")
        for m_start, m_end in _comments(html):
            if block_level:
                assert line0 is not None
                newlines += html.count("\n", counted, m_start)
                start_line = line0 + newlines
                newlines += html.count("\n", m_start, m_end)
                counted = m_end
                end_line = line0 + newlines
                line_text = self.lines[start_line] if start_line < len(self.lines) else ""
                col = line_text.find("<!--")
                col = col if col >= 0 else 0
                end_text = self.lines[end_line] if end_line < len(self.lines) else ""
                end_col = end_text.find("-->")
                end_col = end_col + 3 if end_col >= 0 else len(end_text)
                span = Span(start_line + 1, col + 1, end_line + 1, end_col + 1)
                standalone = alone
            else:
                assert inline is not None
                span = inline.span(offset + m_start, offset + m_end)
                standalone = False
            self.page.comments.append(
                Comment(html[m_start + 4 : m_end - 3].strip(), span, standalone)
            )

    def _definitions(self, leaves: list[list[int]]) -> None:
        leaf_lines: set[int] | None = None  # built on the first line that may hold a definition
        for i, line in enumerate(self.lines):
            if "]:" not in line:
                continue
            if leaf_lines is None:
                leaf_lines = {k for start, end in leaves for k in range(start, end)}
            if i in leaf_lines:
                continue
            m = _REF_DEF.match(line)
            if not m:
                continue
            raw = m.group("label")
            target = m.group("target")
            if target.startswith("<") and target.endswith(">"):
                target = target[1:-1]
            span = Span(i + 1, m.start("label"), i + 1, m.end("target") + 1)
            self.page.definitions.append(Definition(normalize_label(raw), raw, target, span))
        self.page.cache["used_labels"] = frozenset(self.used_labels)
