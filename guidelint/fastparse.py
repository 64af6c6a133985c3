"""markdown-it-py's block parser, asked fewer questions: the same rules, the same tokens.

markdown-it-py finds the block that starts at a line by calling each block rule in order until
one matches: table, code, fence, blockquote, hr, list, reference, HTML block, heading, setext
heading, paragraph. A paragraph, a list item and a blockquote ask each following line the same
question, through the rules that may interrupt them. Most rules give up on the first character
of the line (and log a debug message on the way in), so on a page of prose nearly every call is
a refusal: on the benchmark site (``benchmarks/``), a quarter of all parsing time.

``install(md)`` keeps every rule and its order and leaves out only the calls that cannot succeed:

* for each first character of a line (the one at ``bMarks + tShift``, where every block rule
  looks), the rules that accept it, in their order: a fence needs a backtick or a tilde, a
  heading ``#``, a blockquote ``>``, a list item a bullet or a digit, and so on;
* the table rule only when the *next* line starts with ``|``, ``-`` or ``:`` (its delimiter row);
* an empty line, or one indented as code, tries every rule;
* the chains through which paragraphs, lists and blockquotes ask whether a line ends them are
  narrowed the same way.

Only markdown-it-py's own rule functions are narrowed, each by the characters its code tests
first; a rule this module does not know (a plugin, a fence rule made with other markers) is
tried on every line. Measured on the 1,000-page benchmark site: parsing 2.45 s -> 1.85 s.

Inline, the same narrowing (of the rules, and of the characters where the text rule stops) was
tried and measured no faster: those rules return before any logging or state change. What costs
is the set-up around them, for every paragraph, heading and table cell. So plain text, with none
of the characters an inline rule starts at (``\\ ` ~ * _ [ ! < &``) and no line ending in a space
or tab, gets its tokens built directly: one text token per line, soft breaks between them, the
following lines' leading blanks skipped, as the newline rule does. Two thirds of the benchmark
site's inline blocks are plain; a serial analysis of its 1,000 pages went 4.2 s -> 3.9 s. A
parser with any other inline rule (a plugin, linkify) keeps the stock path.

Before any rule runs, the block parser indexes the lines (where each begins and ends, its
indent): markdown-it-py does it in a Python loop, a character at a time before 4.3 and a line at a
time from 4.3. ``line_index`` builds the same lists with ``str`` methods over all lines at once: a
5 MB list of 750,000 lines, 0.43 s -> 0.16 s (4.3), 0.37 s -> 0.15 s (4.0); 5 MB of prose on one
line, 0.32 s -> 0.03 s (4.0).

``tests/test_fastparse.py`` checks that the line index and the token stream is markdown-it-py's, on the site, on
hostile inputs and on generated Markdown and inline text.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate, compress, repeat
from operator import add, sub
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock

BlockRule = Callable[["StateBlock", int, int, bool], bool]

_VERSIONS = ("3.", "4.")  # markdown-it-py versions whose block rules this was checked against


# --------------------------------------------------------------------------- blocks
def _block_first_chars() -> dict[Any, str]:
    """markdown-it-py's block rules that refuse any line not starting with one of these characters."""
    from markdown_it import rules_block as rb

    return {
        rb.fence: "`~",
        rb.blockquote: ">",
        rb.hr: "*-_",
        rb.list_block: "*-+0123456789",
        rb.reference: "[",
        rb.html_block: "<",
        rb.heading: "#",
    }


class _BlockChain:
    """One chain of block rules, split by first character (and, when the table rule leads the
    chain, by whether the next line may be a table's delimiter row)."""

    __slots__ = ("by_char", "by_char_no_table", "gated", "other", "other_no_table", "rules")

    def __init__(self, rules: list[BlockRule], first: dict[Any, str], table: Any) -> None:
        self.rules = tuple(rules)
        chars = set().union(*(first[r] for r in rules if r in first))
        self.by_char = {
            c: tuple(r for r in rules if r not in first or c in first[r]) for c in chars
        }
        self.other = tuple(r for r in rules if r not in first)
        # the table rule's first tests: two lines at least, the next one starting with | - or :
        self.gated = bool(rules) and rules[0] is table
        drop = 1 if self.gated else 0
        self.by_char_no_table = {c: rules[drop:] for c, rules in self.by_char.items()}
        self.other_no_table = self.other[drop:]

    def candidates(self, state: StateBlock, line: int, end: int) -> tuple[BlockRule, ...]:
        """The rules that may match at ``line``: all of them for an empty or code-indented line."""
        b_marks, t_shift, e_marks = state.bMarks, state.tShift, state.eMarks
        pos = b_marks[line] + t_shift[line]
        if pos >= e_marks[line] or state.sCount[line] - state.blkIndent >= 4:
            return self.rules
        src = state.src
        nxt = line + 1
        if self.gated and nxt < end:
            at = b_marks[nxt] + t_shift[nxt]
            if at < e_marks[nxt] and src[at] in "|-:":
                return self.by_char.get(src[pos], self.other)
        return self.by_char_no_table.get(src[pos], self.other_no_table)

    def terminator(self) -> BlockRule:
        """A single rule standing for the whole chain (how paragraphs, lists and quotes ask)."""
        candidates = self.candidates

        def any_rule(state: StateBlock, line: int, end: int, silent: bool) -> bool:
            return any(rule(state, line, end, silent) for rule in candidates(state, line, end))

        return any_rule


MAX_BLOCK_TOKENS = "guidelint.max_block_tokens"  # the env key of the block-token budget


MAX_DEFINITIONS = "guidelint.max_definitions"  # the env key of the reference-definition budget
_DEFINITIONS = "guidelint.definitions"  # the env key of the definitions read so far


class TooManyDefinitions(Exception):
    """The page's reference definitions went over ``env[MAX_DEFINITIONS]``; parsing stops.

    A definition makes no token (the block budget does not see it) and is one of the parser's
    slowest blocks: 199,000 of them took 5.6 s."""

    def __init__(self, count: int, line: int) -> None:
        super().__init__(f"{count:,} reference definitions by line {line + 1}")
        self.count = count
        self.line = line + 1  # 1-based: the line of the first definition over the budget


class TooManyBlocks(Exception):
    """The page's block tokens went over the budget in ``env[MAX_BLOCK_TOKENS]``; parsing stops.

    markdown-it-py keeps a Python object of about 400 bytes per token, and a list item or a table
    cell makes several: a 5 MB list took 2 GB before a single rule ran. The block parser counts its
    tokens as it goes (the inline tokens come later, about as many again)."""

    def __init__(self, tokens: int, line: int) -> None:
        super().__init__(f"{tokens:,} block tokens by line {line + 1}")
        self.tokens = tokens
        self.line = line + 1  # 1-based: the line where parsing stopped


MAX_INLINE_TOKENS = "guidelint.max_inline_tokens"  # the env key of the inline-token budget


class TooManyInline(Exception):
    """The page's inline tokens went over the budget in ``env[MAX_INLINE_TOKENS]``; parsing stops.

    Inside a paragraph every line, emphasis mark, code span, autolink or entity is a token, and
    the block budget does not see them: one 5 MB paragraph of ``*a* `` made 6 million tokens,
    2 GB and 35 s, before a single rule ran."""

    def __init__(self, tokens: int, line: int) -> None:
        super().__init__(f"{tokens:,} inline tokens by line {line + 1}")
        self.tokens = tokens
        self.line = line + 1  # 1-based: the line where parsing stopped


class _Spent(Exception):
    """Raised by ``_CountedTokens`` when the budget is spent."""


class _Budget:
    """What is left of a page's inline-token budget, shared by its paragraphs' counting lists."""

    __slots__ = ("left",)

    def __init__(self, left: int) -> None:
        self.left = left


class _CountedTokens(list[Any]):
    """A token list that refuses tokens past its budget: markdown-it-py's inline state adds every
    token (and every run of text) to the list it was given with ``append``."""

    __slots__ = ("budget",)

    def __init__(self, tokens: list[Any], budget: _Budget) -> None:
        super().__init__(tokens)
        self.budget = budget

    def append(self, token: Any) -> None:
        budget = self.budget
        if budget.left <= 0:
            raise _Spent
        budget.left -= 1
        super().append(token)


_COUNTING = "guidelint.inline_budget"  # env key: the budget of the paragraph being counted


def _install_inline_budget(md: MarkdownIt) -> None:
    """markdown-it-py's core rule ``inline`` (parse each block's inline content), counting the
    tokens made against ``env[MAX_INLINE_TOKENS]`` when it is set.

    A paragraph makes fewer tokens than it has characters (a token takes one character at least:
    a line break, an emphasis mark; an image's description, parsed apart, is part of those
    characters), so only a paragraph longer than what is left of the budget is parsed into a
    counting list; the others pay nothing for the count. While one is counted, the inline
    parser's other calls (an image's description) count against the same budget: 200,000
    emphasized words in one image's description took 4.6 s and 393 MiB."""
    inner = md.inline.parse

    def parse(src: str, md: MarkdownIt, env: Any, tokens: list) -> list:
        budget = env.get(_COUNTING) if env else None
        if budget is None or isinstance(tokens, _CountedTokens):
            return inner(src, md, env, tokens)
        counted = _CountedTokens([], budget)  # (the caller keeps its own list: fill it)
        inner(src, md, env, counted)
        tokens.extend(counted)
        return tokens

    md.inline.parse = parse  # type: ignore[method-assign]

    def inline(state: Any) -> None:
        md = state.md
        env = state.env
        limit = env.get(MAX_INLINE_TOKENS)
        budget = None if limit is None else _Budget(limit)
        for token in state.tokens:
            if token.type != "inline":
                continue
            if token.children is None:
                token.children = []
            if budget is None or 2 * len(token.content) + 2 < budget.left:
                md.inline.parse(token.content, md, env, token.children)
                if budget is not None:
                    budget.left -= len(token.children)
                continue
            counted = _CountedTokens(token.children, budget)
            env[_COUNTING] = budget
            try:
                md.inline.parse(token.content, md, env, counted)
            except _Spent:
                first = token.map[0] if token.map else 0
                breaks = sum(1 for t in counted if t.type in ("softbreak", "hardbreak"))
                raise TooManyInline(limit or 0, first + breaks) from None
            finally:
                del env[_COUNTING]
            token.children = list(counted)

    md.core.ruler.at("inline", inline)


def _count_pushes(state: StateBlock, max_tokens: int) -> None:
    """Make ``state.push`` raise TooManyBlocks past ``max_tokens`` tokens. Every block rule makes
    its tokens through ``push``, the table rule a whole table's in one call."""
    stock_push = state.push
    tokens = state.tokens

    def push(ttype: str, tag: str, nesting: Any) -> Any:
        if len(tokens) >= max_tokens:
            raise TooManyBlocks(len(tokens), state.line)
        return stock_push(ttype, tag, nesting)

    state.push = push  # type: ignore[method-assign]


def _install_block(md: MarkdownIt) -> None:
    from markdown_it import rules_block as rb

    block = md.block
    ruler = block.ruler
    first = _block_first_chars()
    main = _BlockChain(ruler.getRules(""), first, rb.table)
    names = {alt for rule in ruler.__rules__ if rule.enabled for alt in rule.alt}
    chains = {
        name: [_BlockChain(ruler.getRules(name), first, rb.table).terminator()] for name in names
    }
    stock_get = ruler.getRules

    def get_rules(chain: str) -> list[BlockRule]:
        return chains[chain] if chain in chains else stock_get(chain)

    reference = rb.reference

    def _count_definition(state: StateBlock, line: int) -> None:
        env = state.env
        budget = env.get(MAX_DEFINITIONS)
        if budget is not None:
            count = env[_DEFINITIONS] = env.get(_DEFINITIONS, 0) + 1
            if count > budget:
                raise TooManyDefinitions(count, line)

    def _loop(
        state: StateBlock, line: int, end: int, max_nesting: int, had_empty: bool, candidates: Any
    ) -> None:
        while line < end:
            state.line = line = state.skipEmptyLines(line)
            if line >= end or state.sCount[line] < state.blkIndent:
                break
            if state.level >= max_nesting:
                state.line = end
                break
            for rule in candidates(state, line, end):
                if rule(state, line, end, False):
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    if rule is reference:
                        _count_definition(state, line)
                    break
            else:
                raise RuntimeError("none of the block rules matched")
            state.tight = not had_empty
            line = state.line
            if line - 1 < end and state.isEmpty(line - 1):
                had_empty = True
            if line < end and state.isEmpty(line):
                had_empty = True
                line += 1
                state.line = line

    def tokenize(state: StateBlock, start: int, end: int) -> None:
        # markdown-it-py's ParserBlock.tokenize, with the rules at each line narrowed
        line = start
        max_nesting = state.md.options.maxNesting
        had_empty = False
        candidates = main.candidates
        max_tokens = state.env.get(MAX_BLOCK_TOKENS)
        counting = False
        if max_tokens is not None and "push" not in vars(state):
            counting = True
            _count_pushes(state, max_tokens)
        try:
            _loop(state, line, end, max_nesting, had_empty, candidates)
        finally:
            if counting:  # the counting push refers to the state: no cycle left behind
                del state.push

    # (the instance's own functions, unbound: markdown-it's signatures take self)
    ruler.getRules = get_rules  # type: ignore[method-assign, assignment]
    block.tokenize = tokenize  # type: ignore[method-assign, assignment]


# --------------------------------------------------------------------------- line index
def line_index(src: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """markdown-it-py's line index of ``src``: bMarks, eMarks, tShift and sCount, each with the
    extra entry (``len(src)``, ``len(src)``, 0, 0) that StateBlock adds after the last line.

    StateBlock builds these in Python, a character (before markdown-it-py 4.3) or a line (4.3) at
    a time; here the work is done by ``str`` methods over all lines at once. A line's indent is
    its leading spaces and tabs (``tShift``); ``sCount`` counts a tab to the next multiple of 4,
    which is what ``expandtabs(4)`` does. A last line of only spaces and tabs with no newline
    after it is not a line (stock markdown-it-py gives it no entry), nor is the empty text after
    a final newline."""
    lines = src.split("\n")
    if not lines[-1].lstrip(" \t"):
        lines.pop()
    length = len(src)
    lens = list(map(len, lines))
    b_marks = list(accumulate(map((1).__add__, lens), initial=0))
    b_marks[-1] = length  # (the fake entry: the sum would count a newline the text may lack)
    e_marks = list(map(add, b_marks, lens))
    e_marks.append(length)
    if "\n " in src or "\n\t" in src or src.startswith((" ", "\t")):
        t_shift = list(map(sub, lens, map(len, map(str.lstrip, lines, repeat(" \t")))))
        t_shift.append(0)
    else:  # no line starts with a space or a tab
        t_shift = [0] * len(b_marks)
    s_count = t_shift.copy()
    if "\t" in src:
        for i in compress(range(len(lines)), t_shift):
            lead = lines[i][: t_shift[i]]
            if "\t" in lead:
                s_count[i] = len(lead.expandtabs(4))
    return b_marks, e_marks, t_shift, s_count


def _install_line_index(md: MarkdownIt) -> None:
    """Build each StateBlock's line index with ``line_index``: 750,000 lines (a 5 MB list) took
    0.9 s in markdown-it-py 4.3's loop and more in the character loop of 4.0 to 4.2."""
    from markdown_it.rules_block import StateBlock

    block = md.block

    def parse(src: str, md: MarkdownIt, env: Any, outTokens: list) -> list | None:
        # markdown-it-py's ParserBlock.parse, with the line index built by line_index: the stock
        # set-up runs on an empty text (the fake entry only), then the index is put in
        if not src:
            return None
        state = StateBlock("", md, env, outTokens)
        state.src = src
        state.bMarks, state.eMarks, state.tShift, state.sCount = line_index(src)
        state.bsCount = [0] * len(state.bMarks)
        state.lineMax = len(state.bMarks) - 1  # (the fake entry is not a line)
        block.tokenize(state, state.line, state.lineMax)
        return state.tokens

    block.parse = parse  # type: ignore[method-assign]


# --------------------------------------------------------------------------- inline
# markdown-it-py's inline rules, each with the characters at which it can start; the rules after
# tokenizing (balance_pairs, emphasis, strikethrough, fragments_join) only rework what these made
_INLINE_STARTS = {
    "text": "",
    "newline": "\n",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "link": "[",
    "image": "!",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}
_INLINE_AFTER = {"balance_pairs", "strikethrough", "emphasis", "fragments_join"}


# what must follow a character for the only rules starting at it to match (a character class's
# insides): an image is ``![``; an entity ``&#`` or ``&`` and a letter; an HTML tag ``<`` and a
# letter, ``!``, ``?`` or ``/``; an autolink ``<`` and a scheme's first letter or an e-mail
# address's first character
_NEXT = {
    "!": {"image": r"\["},
    "&": {"entity": "#A-Za-z"},
    "<": {"html_inline": "A-Za-z!?/", "autolink": r"A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-"},
}


# the ends that HTML constructs need after their '<' (a key of _precise_ahead: which are ahead)
_ENDS = ((">", "g"), ("-->", "c"), ("?>", "p"), ("]]>", "d"))
_ENTITY_AHEAD = r"#(?:[xX][0-9a-fA-F]{1,6}|[0-9]{1,7});|[A-Za-z][A-Za-z0-9]{1,31};"


def _html_alternatives() -> tuple[str, str] | None:
    """markdown-it-py's open and close tag patterns (without their '<'), when its HTML and entity
    patterns are the ones ``_precise_ahead`` was written for; else None (a different version:
    the stops stay by the character after '<' and '&')."""
    import sys

    from markdown_it.common import html_re

    open_tag = getattr(html_re, "open_tag", "")
    close_tag = getattr(html_re, "close_tag", "")
    tag_re = getattr(html_re, "HTML_TAG_RE", None)
    expected = (
        f"(?:{open_tag}|{close_tag}|<!---?>|<!--(?:[^-]|-[^-]|--[^>])*-->|<[?][\\s\\S]*?[?]>|"
        "<![A-Za-z][^>]*>|<!\\[CDATA\\[[\\s\\S]*?\\]\\]>)"
    )
    entity = sys.modules.get("markdown_it.rules_inline.entity")
    digital = getattr(getattr(entity, "DIGITAL_RE", None), "pattern", "")
    named = getattr(getattr(entity, "NAMED_RE", None), "pattern", "")
    if (
        tag_re is None
        or tag_re.pattern.lstrip("^") != expected
        or not open_tag.startswith("<")
        or not close_tag.startswith("<")
        or digital.lstrip("^") != "&#((?:x[a-f0-9]{1,6}|[0-9]{1,7}));"
        or named.lstrip("^") != "&([a-z][a-z0-9]{1,31});"
    ):
        return None
    return open_tag[1:], close_tag[1:]


def _precise_ahead(char: str, active: list[str], ahead: str) -> str:
    """What must follow ``char`` ('&' or '<') for an active rule to match there, as a pattern
    (empty: nothing can). ``ahead``: which ends occur later in the text ('g' a '>', 'c' a '-->',
    'p' a '?>', 'd' a ']]>'). An entity is '&', a name or number and ';'. A tag, comment,
    declaration or autolink needs a later '>': an open or close tag is markdown-it-py's own
    pattern, a comment (but '<!-->' and '<!--->') a later '-->', a processing instruction a
    later '?>', CDATA a later ']]>', an autolink no '<' or space before its '>'. The rules fail
    everywhere else, and the text they add is the text rule's (5 MB of '<a' with a '>' at the
    end took 10 s; of '&a ' 4.8 s)."""
    if char == "&":
        return _ENTITY_AHEAD if "entity" in active else ""
    if "g" not in ahead:
        return ""
    tags = _html_alternatives()
    assert tags is not None  # (only asked for when the patterns are known)
    alts = []
    if "autolink" in active:  # (first: a short scan that settles most '<' of ordinary text)
        alts.append(r"[^<>\x00-\x20]*>")
    if "html_inline" in active:
        alts += [tags[0], tags[1], "![A-Za-z]", "!---?>"]
        alts += ["!--"] if "c" in ahead else []
        alts += ["[?]"] if "p" in ahead else []
        alts += [r"!\[CDATA\["] if "d" in ahead else []
    return "|".join(alts)


def _starts_pattern(
    active: list[str], flood: bool = False, newline: bool = True, ahead: str | None = None
) -> str:
    """A regular expression for the places where an active inline rule (of ``_INLINE_STARTS``)
    may start, the text rule excepted: its first character, and for ``&`` and ``<`` the one after
    it (``& `` or ``< `` starts nothing: markdown-it-py tries every rule there and adds the
    character to the text). ``flood``: a paragraph whose links are off (``_install_label_guard``),
    where ``[`` and ``![`` start nothing either. ``newline``: whether line ends count. ``ahead``:
    the ends of HTML constructs that occur later in the text (a key of ``_precise_ahead``): then
    ``<`` and ``&`` count only where their rules can match (None: by the character after them)."""
    import re

    chars = {c for name in active if name != "text" for c in _INLINE_STARTS[name]}
    if not newline:
        chars.discard("\n")
    if flood:
        chars -= {"[", "!"}
    alts = []
    if ahead is not None:
        for char in ("&", "<"):
            if char in chars:
                chars.discard(char)
                pattern = _precise_ahead(char, active, ahead)
                if pattern:
                    alts.append(re.escape(char) + "(?=" + pattern + ")")
    plain = sorted(c for c in chars if c not in _NEXT)
    if plain:
        alts.insert(0, "[" + re.escape("".join(plain)) + "]")
    for char in sorted(_NEXT.keys() & chars):
        starters = {name for name in active if char in _INLINE_STARTS[name]}
        if starters <= _NEXT[char].keys():
            nxt = "".join(_NEXT[char][name] for name in sorted(starters))
            alts.append(re.escape(char) + "(?=[" + nxt + "])")
        else:  # (not reached with the stock rules)
            alts.append(re.escape(char))
    return "|".join(alts) or "(?!)"


def _install_inline(md: MarkdownIt, flood: Callable[[str], bool] | None) -> None:
    """Plain text (no place any inline rule can start at, no line ending in a space) parses to
    text tokens and soft breaks: build those directly instead of running the inline rules.
    ``flood``: the label guard's test for a paragraph whose links are off (None: no guard)."""
    import re

    from markdown_it.token import Token

    inline = md.inline
    active = inline.ruler.get_active_rules()
    if (
        not set(active) <= set(_INLINE_STARTS)
        or not set(inline.ruler2.get_active_rules()) <= _INLINE_AFTER
    ):
        return  # a plugin's rule (or linkify): every text goes through the rules
    special = re.compile(_starts_pattern(active, newline=False))
    newline = "newline" in active
    stock_parse = inline.parse
    _install_text_rule(md, active, flood)

    def parse(src: str, md: MarkdownIt, env: Any, tokens: list) -> list:
        if special.search(src) is None:
            if "\n" not in src:
                if src:
                    tokens.append(Token("text", "", 0, content=src))
                return tokens
            if newline:
                parts = src.split("\n")
                if all(
                    part and part[-1] not in " \t" for part in parts
                ):  # else a hard break, or an empty line
                    # the newline rule: a soft break, and the next line's leading spaces and tabs skipped
                    tokens.append(Token("text", "", 0, content=parts[0]))
                    for part in parts[1:]:
                        tokens.append(Token("softbreak", "br", 0))
                        tokens.append(Token("text", "", 0, content=part.lstrip(" \t")))
                    return tokens
        return stock_parse(src, md, env, tokens)

    inline.parse = parse  # type: ignore[method-assign]


def _install_text_rule(
    md: MarkdownIt, active: list[str], flood: Callable[[str], bool] | None
) -> None:
    """The text rule stops only where an active rule can start (and at ``]``, which ends a link
    label): at ``!`` only before ``[``, at ``&`` and ``<`` only before a character that can follow
    them in an entity, a tag or an autolink. markdown-it-py's rule also stops at characters no
    stock rule starts at (``#``, ``$``, ``-``, ``!`` before anything but ``[``, ``& ``...), where
    every rule is tried and fails and the character is added to the pending text alone. That
    pending text, and so every token, is the same; a paragraph of 1 MB of ``!`` took 2 s, 5 MB of
    ``& `` 6.5 s and of ``< `` 7.9 s.

    In a paragraph whose links are off (more ``[`` than ``MAX_LABEL_BRACKETS``, see
    ``_install_label_guard``) no label is walked and no ``[`` or ``![`` starts a link or an image,
    so the text rule does not stop at ``[``, ``]`` or ``!`` there: 5 MB of ``[a](b)`` took 3.6 s."""
    import re

    from markdown_it.rules_inline.state_inline import StateInline

    if "text" not in active:
        return
    precise = _html_alternatives() is not None
    patterns: dict[tuple[bool, str], re.Pattern[str]] = {}

    def stops(flooded: bool, ahead: str) -> re.Pattern[str]:
        """The stops of a paragraph (flooded: its links are off) at a place where ``ahead`` says
        which ends of HTML constructs occur later (compiled once for each)."""
        found = patterns.get((flooded, ahead))
        if found is None:
            pattern = _starts_pattern(active, flood=flooded, ahead=ahead if precise else None)
            found = patterns[(flooded, ahead)] = re.compile(pattern + ("" if flooded else r"|\]"))
        return found

    buffered = hasattr(StateInline, "append_pending")  # (4.3: pending text kept in a list)
    # the paragraph last seen, whether it is a flood, where the last of each end is in it, and
    # where its last '>' is (every end has one: past it, none is ahead)
    # (and the last answer of ahead_of with the positions it holds for)
    seen: list[Any] = [None, False, (), -1, "", 0, 0]

    def ahead_of(pos: int) -> str:
        if pos >= seen[3]:
            return ""
        if seen[5] <= pos < seen[6]:
            return seen[4]
        ahead = "".join(flag for last, flag in seen[2] if last > pos)
        seen[4] = ahead  # the same from the last end behind pos up to the first ahead of it
        seen[5] = max((last + 1 for last, _flag in seen[2] if last <= pos), default=0)
        seen[6] = min(last for last, _flag in seen[2] if last > pos)
        return ahead

    def text(state: Any, silent: bool) -> bool:
        pos = state.pos
        src = state.src
        if src is not seen[0]:
            seen[0] = src
            seen[1] = flood is not None and flood(src)
            seen[2] = tuple((src.rfind(end), flag) for end, flag in _ENDS)
            seen[3] = seen[2][0][0] if precise else -1  # (not precise: one set of stops)
            seen[5] = seen[6] = 0
            if seen[1]:
                state.env.setdefault(BRACKET_FLOOD, set()).add(src)
        ahead = "" if pos >= seen[3] else ahead_of(pos)
        stop = (patterns.get((seen[1], ahead)) or stops(seen[1], ahead)).search(src, pos)
        # past an end's last place, what needs it starts nothing: search again from there
        while stop is not None and ahead and ahead_of(stop.start()) != ahead:
            ahead = ahead_of(stop.start())
            stop = stops(seen[1], ahead).search(src, stop.start())
        end = stop.start() if stop else state.posMax
        if end > state.posMax:
            end = state.posMax
        if end == pos:
            return False
        if not silent:
            if buffered:
                state.append_pending(src[pos:end])
            else:
                state.pending += src[pos:end]
        state.pos = end
        return True

    md.inline.ruler.at("text", text)


# --------------------------------------------------------------------------- link labels
MAX_LABEL_BRACKETS = 10_000  # '[' in one paragraph beyond which none of its links is parsed
BRACKET_FLOOD = "guidelint.bracket_flood"  # env key: the texts of such paragraphs


def is_flood(src: str) -> bool:
    """Whether a paragraph has more ``[`` than ``MAX_LABEL_BRACKETS``: its links are off."""
    return src.count("[") > MAX_LABEL_BRACKETS


def _flood_test() -> Callable[[str], bool]:
    """``is_flood``, remembered for the paragraph last asked about: the text rule and the label
    guard both ask, and the paragraph's ``[`` are counted once (the text is held, so a new
    paragraph is never taken for it)."""
    last: list[Any] = [None, False]

    def flooded(src: str) -> bool:
        if src is not last[0]:
            last[0] = src
            last[1] = is_flood(src)
        return bool(last[1])

    return flooded


def _install_label_guard(md: MarkdownIt, flooded: Callable[[str], bool] = is_flood) -> None:
    """Answer "no label here" at once for a ``[`` with no ``]`` after it.

    markdown-it-py's ``parseLinkLabel`` walks from a ``[`` to the end of the paragraph looking for
    its ``]``, trying every inline rule on the way (nested brackets down to ``maxNesting`` levels):
    a paragraph of 100,000 ``[`` took 12 s. A label can only end at a ``]`` the walk reaches, so
    when the paragraph holds no ``]`` after the ``[`` the answer is -1 without the walk: the same
    answer, and the same state, since the walk restores ``state.pos`` and only fills a cache.
    The last ``]`` of each paragraph is looked up once (the source is held, so its id is not reused).

    With ``]`` after them the walks still cost, about ``maxNesting`` steps a ``[``: 40,000 ``[``
    and one ``]`` took 7 s. So a paragraph (an inline token's text) with more than
    ``MAX_LABEL_BRACKETS`` ``[`` gets no links at all, and its text is added to the set
    ``env[BRACKET_FLOOD]``: the page reports it (GL909), and none of its links is checked."""
    from types import SimpleNamespace

    helpers = md.helpers
    last_close: dict[int, int] = {}  # paragraph end -> its last ]
    current: list[Any] = [None, False]  # the source last_close was computed for; over the limit

    def parseLinkLabel(state: Any, start: int, disableNested: bool = False) -> int:
        src = state.src
        if current[0] is not src:
            current[0] = src
            current[1] = flooded(src)
            if current[1]:
                state.env.setdefault(BRACKET_FLOOD, set()).add(src)
            last_close.clear()
        if current[1]:
            return -1
        last = last_close.get(state.posMax)
        if last is None:
            last = last_close[state.posMax] = src.rfind("]", 0, state.posMax)
        if last <= start:
            return -1
        steps = state.env.setdefault(_LABEL_STEPS, {})
        left = steps.get(id(src))
        if left is None or left[0] is not src:  # (the source is held: its id is its own)
            left = steps[id(src)] = [src, MAX_LABEL_STEPS]
        if left[1] <= 0:
            return -1
        end = _walk_label(state, start, disableNested, left)
        if end is None:  # the paragraph's walks ran out of steps: no more links in it
            left[1] = 0
            state.env.setdefault(LONG_LABELS, set()).add(src)
            return -1
        return end

    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        parseLinkDestination=_destination_parser(helpers.parseLinkDestination),
        parseLinkLabel=parseLinkLabel,
        parseLinkTitle=helpers.parseLinkTitle,
    )


def _destination_parser(stock: Callable[[str, int, int], Any]) -> Callable[[str, int, int], Any]:
    """markdown-it-py's ``parseLinkDestination``, with the run of characters that cannot end or
    nest a destination read by a regular expression instead of a character at a time (a 4 MB
    destination took 0.7 s). A destination with a ``(`` or a backslash in it goes to the stock
    function, which counts parentheses and skips escapes; the result is the stock one's."""
    import re

    from markdown_it.common.utils import unescapeAll

    result_type = type(stock("", 0, 0))
    plain = re.compile(r"[^\x00-\x20\x7f()\\]*")  # up to a blank, a control, ( ) or \
    angled = re.compile(r"[^<>\n\\]*")  # inside <...>: up to < > a newline or \

    def parseLinkDestination(string: str, pos: int, maximum: int) -> Any:
        if pos >= maximum:
            return stock(string, pos, maximum)
        result = result_type()
        if string[pos] == "<":
            end = angled.match(string, pos + 1, maximum).end()  # type: ignore[union-attr]
            if end == maximum or string[end] in "<\n":
                return result  # no closing '>': not a destination
            if string[end] == "\\":
                return stock(string, pos, maximum)
            result.pos = end + 1
            result.str = unescapeAll(string[pos + 1 : end])
            result.ok = True
            return result
        end = plain.match(string, pos, maximum).end()  # type: ignore[union-attr]
        if end < maximum and string[end] in "(\\":
            return stock(string, pos, maximum)
        if end == pos:
            return result  # (empty: not a destination)
        result.str = unescapeAll(string[pos:end])
        result.pos = end
        result.ok = True
        return result

    return parseLinkDestination


MAX_LABEL_STEPS = 200_000  # steps of the label walks of one paragraph, after which no link is read
LONG_LABELS = "guidelint.long_labels"  # env key: the texts of such paragraphs
_LABEL_STEPS = "guidelint.label_steps"  # env key: id(paragraph text) -> [the text, steps left]


def _walk_label(state: Any, start: int, disable_nested: bool, left: list[Any]) -> int | None:
    """markdown-it-py's ``parseLinkLabel`` (4.3), with each step of its walk (a token skipped in
    silent mode) taken from ``left[1]``, the paragraph's steps left, shared by the nested walks:
    None when they run out (the state restored as the stock function restores it).

    The walk to the ``]`` that ends a link's text makes no token, so the inline budget does not
    see it, and it remembers every position it passes: one link whose text was 5 MB of
    ``*a* `` took 9.8 s and 416 MiB. A paragraph whose walks take more than ``MAX_LABEL_STEPS``
    steps gets no more links (from that ``[`` on); its text is added to ``env[LONG_LABELS]``
    and the page reports it (GL909)."""
    old_pos = state.pos
    state.pos = start + 1
    level = 1
    found = False
    skip = state.md.inline.skipToken
    while state.pos < state.posMax:
        marker = state.src[state.pos]
        if marker == "]":
            level -= 1
            if level == 0:
                found = True
                break
        prev_pos = state.pos
        if left[1] <= 0:
            state.pos = old_pos
            return None
        left[1] -= 1
        skip(state)
        if marker == "[":
            if prev_pos == state.pos - 1:
                level += 1  # a '[' that is no token's start: text
            elif disable_nested:
                state.pos = old_pos
                return -1
    end = state.pos if found else -1
    state.pos = old_pos
    return end


def _label_walk_leaves_no_trace(version: str) -> bool:
    """Before markdown-it-py 4.3, the label walk leaves its backtick cache behind and that
    changes the tokens of what follows (``[`a`c``` stays one text token); skipping the walk
    would then give other tokens, so the label guard is installed from 4.3 on only."""
    try:
        major, minor = (int(x) for x in version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (4, 3)


def _install_fast_encode() -> None:
    """mdurl's ``encode`` (markdown-it-py percent-encodes every link destination with it) reads a
    character at a time in Python: a 4 MB destination took 0.4 s. A text made only of the
    characters it keeps as they are (ASCII letters and digits, and those ``exclude`` names) comes
    back unchanged, so that is answered by one regular expression; any other text goes to it.
    Installed once, on the module, since markdown-it-py looks it up there on each call."""
    import re

    import mdurl

    stock = mdurl.encode
    if getattr(stock, "guidelint_fast", False):
        return
    kept: dict[str, re.Pattern[str]] = {}

    def encode(string: str, exclude: str = mdurl.ENCODE_DEFAULT_CHARS, **kwargs: Any) -> str:
        pattern = kept.get(exclude)
        if pattern is None:
            pattern = kept[exclude] = re.compile("[A-Za-z0-9" + re.escape(exclude) + "]*")
        if pattern.fullmatch(string):
            return string
        return stock(string, exclude, **kwargs)

    encode.guidelint_fast = True  # type: ignore[attr-defined]
    encode.stock = stock  # type: ignore[attr-defined]
    mdurl.encode = encode


def install(md: MarkdownIt) -> MarkdownIt:
    """Narrow ``md``'s rule chains (see the module docstring); call after its rules are final."""
    import markdown_it

    if markdown_it.__version__.startswith(_VERSIONS):
        _install_line_index(md)
        _install_block(md)
        guard = _label_walk_leaves_no_trace(markdown_it.__version__)
        flooded = _flood_test()
        _install_inline(md, flooded if guard else None)
        if guard:
            _install_label_guard(md, flooded)
    _install_inline_budget(md)  # (markdown-it-py's public rule API: whatever the version)
    _install_fast_encode()
    return md
