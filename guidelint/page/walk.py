"""Building a page: parse its body, then walk the token stream once to fill the page model."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from guidelint.diagnostics import Span
from guidelint.page.brackets import link_tail, match_bracket, raw_target, unescape_url
from guidelint.page.html import COMMENT, HTML_ANCHOR, comment_spans, strip_comments
from guidelint.page.model import (
    Block,
    Cell,
    Comment,
    Definition,
    Heading,
    Link,
    Page,
    Section,
    Sentence,
    Table,
)
from guidelint.page.parse import markdown_parser
from guidelint.page.positions import InlinePositions, ProseBuilder, source_column
from guidelint.page.sentences import SENTENCES_CUT, split_sentences_bounded
from guidelint.slug import Slugger, next_line_id, normalize_label, split_explicit_id

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it.token import Token

    from guidelint.frontmatter import FrontMatter

_REF_DEF = re.compile(
    r"^(?P<prefix>(?:[ \t]*>)*[ \t]{0,3}(?:[-*+]|\d{1,9}[.)])?[ \t]*)\[(?P<label>(?:[^\]\\]|\\.){1,999})\]:[ \t]*(?P<target><[^>\n]*>|\S+)"
)

# opening and closing tokens that are not a level of list or blockquote nesting (limits.max_nesting;
# gl910_nesting_too_deep counts the same way) ...
_NOT_CONTAINER_OPEN = frozenset({"heading_open", "paragraph_open", "table_open"})
_NOT_CONTAINER_CLOSE = frozenset({"heading_close", "paragraph_close", "table_close"})
# ... and the leaf blocks, whose lines cannot hold a reference definition
_LEAF = frozenset(
    {"paragraph_open", "heading_open", "fence", "code_block", "html_block", "table_open", "hr"}
)


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
    max_inline: int | None = None,
    max_definitions: int | None = None,
    max_sentence_ends: int | None = None,
) -> Page:
    """Parse and walk a page. With ``max_blocks``, raises ``TooManyBlocks`` (from
    ``guidelint.fastparse``) as soon as the parser has made more block tokens than that; with
    ``max_inline``, ``TooManyInline`` past that many inline tokens; with ``max_definitions``,
    ``TooManyDefinitions`` past that many reference definitions. With ``max_sentence_ends``,
    the page's prose is split into sentences at no more than that many places where a sentence
    may end: the sentences stop there, and ``page.cache[SENTENCES_CUT]`` is (block, offset).
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
    if max_inline is not None:
        from guidelint.fastparse import MAX_INLINE_TOKENS

        env[MAX_INLINE_TOKENS] = max_inline
    if max_definitions is not None:
        from guidelint.fastparse import MAX_DEFINITIONS

        env[MAX_DEFINITIONS] = max_definitions
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
    _Walker(page, lines, env, slug_style, max_sentence_ends).walk()
    return page


class _Walker:
    def __init__(
        self,
        page: Page,
        lines: list[str],
        env: dict[str, Any],
        slug_style: str,
        max_sentence_ends: int | None = None,
    ) -> None:
        self.max_sentence_ends = max_sentence_ends
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
                if not COMMENT.fullmatch(tok.content.strip()):
                    self._count_block()
            i += 1
        page.max_depth = max_depth
        self._close_sections(len(self.lines))
        self._definitions(leaves)
        sentences = page.sentences
        left = self.max_sentence_ends
        for bi, block in enumerate(page.blocks):
            text = block.text
            spans, looked, cut = split_sentences_bounded(text, left)
            for s, e in spans:
                sentences.append(Sentence(text[s:e], bi, s, e))
            if left is not None:
                left -= looked
                if cut is not None:  # no sentence from here on (GL911 reports it)
                    page.cache[SENTENCES_CUT] = (bi, cut)
                    break

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
        children = inline.children or []
        if len(children) == 1 and children[0].type == "text":  # (what _plain_children returns)
            plain = children[0].content.strip()
        else:
            plain = _plain_children(children).strip()
        if block and block.text:
            segments = block.segments
            if len(segments) == 1 and segments[0][0] == 0:  # block.span(0, len) of one piece
                line, col = segments[0][1], segments[0][2]
                span = Span(line, col, line, col + len(block.text))
            else:
                span = block.span(0, len(block.text))
        else:
            span = Span.point(line0 + 1)
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
                fixed = InlinePositions(content, self.lines, cursor_line, fixed=[k])
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
        inline: InlinePositions | None = None,
        cell: tuple[int, int, int] | None = None,
    ) -> Block | None:
        page = self.page
        content = tok.content
        line0 = tok.map[0] if tok.map else 0
        section = self.current_section if section is None else section
        children = tok.children or []
        if inline is None and len(children) == 1 and "\n" not in content:
            # one line of plain text (most headings, list items, short paragraphs): what the
            # general loop below makes of one "text" child found near the start of its line
            only = children[0]
            if only.type == "text":
                piece = only.content
                k = content.find(piece)
                if 0 <= k < 200:
                    src = self.lines[line0] if line0 < len(self.lines) else ""
                    segments = ((0, line0 + 1, source_column(content, src) + k + 1),)
                    return self._add_block(
                        Block(kind, piece, segments if piece else (), section, lead_in, False),
                        content,
                        line0,
                        cell,
                    )
        pos = inline or InlinePositions(content, self.lines, line0)
        prose = ProseBuilder(pos)
        block_index = len(page.blocks)
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
                    target = unescape_url(href)
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
                    close = match_bracket(content, k)
                    if close == -1:
                        close = cursor
                    text = prose.text()[prose_start:]
                    # a [**label**][] reference matches by its source text, markup included
                    end, style, label = link_tail(content, close, content[k + 1 : close])
                    href = str(open_tok.attrGet("href") or "")
                    target = raw_target(content, close, style, label, href, self.env)
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
                close = match_bracket(content, k + 1)
                if close == -1:
                    close = k + 1
                end, style, label = link_tail(content, close, c.content)
                src = str(c.attrGet("src") or "")
                target = raw_target(content, close, style, label, src, self.env)
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
        block = Block(kind, prose.text(), tuple(prose.segments), section, lead_in, has_link)
        return self._add_block(block, content, line0, cell)

    def _add_block(
        self, block: Block, content: str, line0: int, cell: tuple[int, int, int] | None
    ) -> Block | None:
        page = self.page
        flood = self.env.get("guidelint.bracket_flood")  # fastparse.BRACKET_FLOOD
        if flood and content in flood:
            page.cache.setdefault("bracket_flood", []).append(line0 + 1)
        long_labels = self.env.get("guidelint.long_labels")  # fastparse.LONG_LABELS
        if long_labels and content in long_labels:
            page.cache.setdefault("long_labels", []).append(line0 + 1)
        if not block.text.strip() and cell is None and block.kind != "heading":
            return None
        page.blocks.append(block)
        return block

    def _html_anchors(self, html: str) -> None:
        if "id" in html or "name" in html:
            for m in HTML_ANCHOR.finditer(strip_comments(html)):
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
        inline: InlinePositions | None = None,
        offset: int = 0,
    ) -> None:
        if block_level:
            self._html_anchors(html)
        newlines = 0  # counted from the end of the previous comment, not from the start each time
        counted = 0
        stripped = html.strip()
        alone = stripped.startswith("<!--") and stripped.endswith("-->")
        for m_start, m_end in comment_spans(html):
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
