"""guidelint.fastparse narrows markdown-it-py's block rule chains and builds plain text's inline
tokens directly; the tokens must not change.

Each test parses the same text with a stock parser and a narrowed one and compares the whole
token streams (children, maps, markup, attributes): on the site, on the hostile inputs, on a
benchmark site, and on generated Markdown built from lines that start with every character the
block rules look at, nested in lists and quotes and indented by 0 to 5 spaces or tabs.
"""

from pathlib import Path

import markdown_it
import pytest
from conftest import gen_site
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from guidelint import fastparse
from guidelint.page import markdown_parser

REPO = Path(__file__).resolve().parent.parent


def stock() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "maxNesting": 100}).enable("table")


STOCK = stock()
FAST = fastparse.install(stock())


def tokens(md: MarkdownIt, text: str) -> list[dict]:
    return [t.as_dict() for t in md.parse(text)]


def assert_same(text: str, fast: MarkdownIt = FAST, plain: MarkdownIt = STOCK) -> None:
    assert tokens(fast, text) == tokens(plain, text)


def test_installed_on_the_page_parser():
    md = markdown_parser()
    assert md.block.tokenize is not type(md.block).tokenize.__get__(md.block)
    assert "tokenize" in vars(md.block)  # the narrowed tokenizer, bound to this parser only
    assert "tokenize" not in vars(STOCK.block)


def test_same_tokens_on_the_site_and_the_test_pages():
    pages = sorted((REPO / "content").rglob("*.md")) + sorted(
        (REPO / "tests" / "fixtures").rglob("*.md")
    )
    assert len(pages) > 20
    for page in pages:
        text = page.read_bytes().decode("utf-8", "replace")
        assert_same(text)


def test_same_tokens_on_a_benchmark_site(tmp_path):
    gen_site().main(["30", str(tmp_path)])  # as `python benchmarks/gen_site.py 30 FOLDER` does
    pages = sorted(tmp_path.rglob("*.md"))
    assert len(pages) >= 30
    for page in pages:
        assert_same(page.read_text(encoding="utf-8"))


HOSTILE = [
    "",
    "\n\n\n",
    "> " * 150 + "deep quote\n",
    "".join("  " * i + "- item\n" for i in range(120)),
    "- a\n" * 500,
    "| a | b |\n|---|---|\n" + "| x | y |\n" * 300,
    "para\n---\nmore\n===\n",
    "    code\n\n    more code\n\ttabbed\n",
    "```\nunclosed fence\n",
    "~~~ info\n~~~\n",
    "<div>\n*html*\n</div>\n\n<!-- comment\nspanning -->\n",
    "[ref]: /url 'title'\n[ref]\n\n[other]:\n  <x y>\n",
    "1) one\n2) two\n10. ten\n1234567890. not a list\n",
    "* * *\n- - -\n_ _ _\n***bold***\n",
    "#heading\n# heading #\n####### seven\n",
    "a\n> b\n- c\n1. d\n# e\n<div>\n```\n| f |\n|---|\n",
    "text\n|---|\nnot a table\n\n| a |\n| - |\n",
    "\x00\ufffd\u00a0\u2003line\n",
    "\t- tab list\n \t> tab quote\n",
    "x" * 20_000 + "\n",
    "& < &amp; &#1; &x <a> <.b@c.d> <http://e.f> < > &\n&#\n<\n",
    "fish & chips < 5 &\n< and &; &1 <1 <! <? </ <-a@b.c>\n",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_same_tokens_on_hostile_input(text):
    assert_same(text)


# lines that start with every character a block rule tests first, and with ordinary text
STARTS = [
    "",
    " ",
    "  ",
    "   ",
    "    ",
    "     ",
    "\t",
    "> ",
    ">",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "9. ",
    "0) ",
    "# ",
    "## ",
    "|:-:|",
    ":--|--:",
    "| :-- |",
    "```",
    "~~~",
    "---",
    "***",
    "___",
    "===",
    "|",
    ":",
    "[a]: /x",
    "[a]",
    "<div>",
    "<!--",
    "-->",
    "</div>",
    "<p>",
    "text ",
    "x",
    "a | b",
    "|---|---|",
    "| --- |",
    ":-:",
    "-:",
    "-",
    "_",
    "=",
    "\\",
    "`",
    "1.",
]
TAILS = ["", "text", " | b |", "x y z", "```", "-", "*", "<", "[b]", " 2", "\t", "  ", "> q"]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(STARTS), st.sampled_from(STARTS), st.sampled_from(TAILS)),
        max_size=25,
    )
)
def test_same_tokens_on_generated_markdown(lines):
    assert_same("\n".join(a + b + c for a, b, c in lines) + "\n")


TEMPLATES = [
    "{c}\n",
    "{c}{c}{c}\n",
    "{c} x\n",
    "{c}x\n",
    "para\n{c}\n",
    "para\n{c}{c}{c}\n",
    "para\n{c} x\n",
    "- item\n  {c} x\n- item\n{c}{c}{c}\n",
    "> q\n> {c} x\n{c}{c}{c}\n",
    "a | b\n{c}-|--\n",
    "a\n{c}-\n",
    "| a |\n{c}{c}{c}\n",
    "1. x\n\n   {c}{c}{c}\n",
    "{c}{c}{c} x\ny\n{c}{c}{c}\n",
    "    {c}\n{c}\n",
    "{c}[x]: /y\n",
]


@pytest.mark.parametrize("template", TEMPLATES)
def test_same_tokens_for_every_ascii_first_character(template):
    for c in [chr(i) for i in range(0x20, 0x7F)] + ["\t", "\u00a0", "\u3000"]:
        for digit_run in ("", "1", "12345"):
            assert_same(template.replace("{c}", c).replace("x\n", "x" + digit_run + "\n"))


def test_an_unknown_rule_is_tried_on_every_line():
    # a plugin rule for lines starting with "%%": the narrowed parser must still find it,
    # inside lists and quotes too, and as a paragraph interrupter
    def percent(state, start, end, silent):
        pos = state.bMarks[start] + state.tShift[start]
        if state.src[pos : pos + 2] != "%%":
            return False
        if not silent:
            token = state.push("percent", "", 0)
            token.map = [start, start + 1]
        state.line = start + 1
        return True

    def with_plugin() -> MarkdownIt:
        md = stock()
        md.block.ruler.before(
            "paragraph", "percent", percent, {"alt": ["paragraph", "blockquote", "list"]}
        )
        return md

    plain, fast = with_plugin(), fastparse.install(with_plugin())
    text = "para\n%% one\n- item\n  %% two\n> quote\n> %% three\n%% four\n"
    assert_same(text, fast, plain)
    assert [t.type for t in fast.parse(text)].count("percent") == 4


def test_an_unknown_markdown_it_version_is_left_alone(monkeypatch):
    monkeypatch.setattr(markdown_it, "__version__", "99.0.0")
    md = fastparse.install(stock())
    assert "tokenize" not in vars(md.block)
    assert_same("# title\n\ntext\n", md)


INLINE_ALPHABET = (
    list("ab Z9.,;:#%()'\"/-+=|")
    + ["\n", "\t", "  ", "\n  ", " \n", "  \n", "\t\n", "\n\t"]
    + list("!&*<[]\\_`~")
    + ["&amp;", "[x](/y)", "*e*", "`c`", "<b>", "\u00a0", "\u2028"]
    + ["![i](/j)", "!!", "![", "!\n[", "#", "$", "@", "^", "{", "}", "-", "!]"]
    + ["& ", "&#", "&a", "&1", "< ", "<a", "<.", "<1", "<@", "<!", "<?", "</", "<-", ">", "@b.c"]
    # the ends of HTML constructs and entities, and what goes between: where '<' and '&' can
    # start a rule depends on what comes after them
    + ["-->", "?>", "]]>", "<!--", "<![CDATA[", "<!a", "&a;", "&amp", "&#x4;", "&#65;", "&#x;"]
    + ["=", "'", '"', " b='c'", ' d="<e>"', "<a b=c>", "</a >", "<a/>", "<x@y.z>", "a:b"]
)


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(INLINE_ALPHABET), max_size=30))
def test_same_inline_tokens_for_plain_and_marked_up_text(parts):
    # parseInline hands the text to the inline parser as it is: no block rule strips or splits it,
    # so leading and trailing newlines, blank and tab-only lines and trailing spaces all reach it
    text = "".join(parts)
    assert [t.as_dict() for t in FAST.parseInline(text)] == [
        t.as_dict() for t in STOCK.parseInline(text)
    ]
    assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "plain words",
        "one\ntwo",
        "one\n   two\n\tthree",
        "hard  \nbreak",
        "soft \nbreak",
        "tab\t\nend",
        "\nlead",
        "trail\n",
        "a\n\t\nb",
        "",
        "x: y # z",
    ],
)
def test_plain_text_shortcut_matches_the_rules(text):
    assert [t.as_dict() for t in FAST.parseInline(text)] == [
        t.as_dict() for t in STOCK.parseInline(text)
    ]


def test_plain_text_shortcut_is_off_with_an_unknown_inline_rule():
    # a plugin's inline rule at "%": text without markup must still reach it
    def percent(state, silent):
        if state.src[state.pos] != "%":
            return False
        if not silent:
            state.push("percent", "", 0)
        state.pos += 1
        return True

    def with_plugin() -> MarkdownIt:
        md = stock()
        md.inline.ruler.before("text", "percent", percent)
        return md

    plain, fast = with_plugin(), fastparse.install(with_plugin())
    assert _runs_the_rules(fast, "50 of them")
    assert_same("50% of them\n", fast, plain)
    assert "percent" in [
        c.type for t in fast.parse("50% of them\n") if t.children for c in t.children
    ]
    assert not _runs_the_rules(FAST, "50 of them")  # the stock rules: the shortcut is installed


def _runs_the_rules(md: MarkdownIt, text: str) -> bool:
    """Whether parsing ``text`` runs the inline rules (ParserInline.tokenize)."""
    calls = []
    stock_tokenize = md.inline.tokenize

    def spy(state):
        calls.append(state.src)
        return stock_tokenize(state)

    md.inline.tokenize = spy
    try:
        md.parse(text)
    finally:
        del md.inline.tokenize
    return bool(calls)


@pytest.mark.parametrize("text", ["[`a`c`", "x [`y` z`", "[[`a`]`b`", "[`a` b"])
def test_unclosed_labels_around_code_spans_give_the_stock_tokens(text):
    """A '[' with no ']' after it, before code spans: markdown-it-py before 4.3 leaves the label
    walk's backtick cache behind (the text stays one token), so the label guard that skips the
    walk is only installed where the walk leaves no trace (CI runs this on the oldest release)."""
    assert [t.as_dict() for t in FAST.parseInline(text)] == [
        t.as_dict() for t in STOCK.parseInline(text)
    ]


def test_the_label_guard_is_installed_from_4_3_on():
    assert not fastparse._label_walk_leaves_no_trace("4.2.0")
    assert fastparse._label_walk_leaves_no_trace("4.3.0")
    assert fastparse._label_walk_leaves_no_trace("5.0.1")
    assert not fastparse._label_walk_leaves_no_trace("dev")


# ------------------------------------------------------------------ the line index
def stock_index(src: str) -> tuple:
    state = StateBlock(src, STOCK, {}, [])
    return state.bMarks, state.eMarks, state.tShift, state.sCount, state.bsCount, state.lineMax


def fast_index(src: str) -> tuple:
    b_marks, e_marks, t_shift, s_count = fastparse.line_index(src)
    return b_marks, e_marks, t_shift, s_count, [0] * len(b_marks), len(b_marks) - 1


LINE_TEXTS = [
    "",
    "a",
    "a\n",
    "\n",
    "\n\n\n",
    " ",
    "\t",
    " \t \t",
    "a\n  ",  # a last line of blanks and no newline: no entry
    "a\n  \n",  # with its newline: an entry, indented by 2
    "a\n\t",
    "\ta",
    " \ta",  # the tab goes to column 4
    "   \ta\n  \t\tb\n\t \t c\n",  # tabs after spaces, tabs after tabs
    "\t\t\t\t\t\tdeep\n",
    "x\n\n  \n\t\n",
    "- item\n  - nested\n\t- tabbed\n",
    "    code\n\tcode\n",
    "\u00a0nbsp is not a blank\n\u3000nor an ideographic space\n",
    "\x00nul\n\ufffdreplaced\n",
    "cr\r\nlf\rmixed\r",  # (normalize turns \r into \n before the block parser; stock counts it as text)
    "\u2028line separator\u2029paragraph separator\n",
    "emoji \U0001f600\n  \U0001f600 indented",
    "trailing spaces   \nand tabs\t\t\n",
    "no final newline",
    "a\nb\nc",
]


@pytest.mark.parametrize("src", LINE_TEXTS, ids=range(len(LINE_TEXTS)))
def test_line_index_is_markdown_its(src):
    assert fast_index(src) == stock_index(src)
    assert_same(src)


@settings(max_examples=600, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [" ", "  ", "\t", "\n", "a", "-", "> ", "\r", "\x00", "é", "\u00a0", "```"]
        ),
        max_size=40,
    )
)
def test_line_index_on_generated_text(parts):
    src = "".join(parts)
    assert fast_index(src) == stock_index(src)
    assert_same(src)


def test_the_line_index_is_built_by_the_page_parser():
    md = markdown_parser()
    assert "parse" in vars(md.block)  # the block parser's own parse, with line_index
    assert "parse" not in vars(STOCK.block)
    seen = []

    def spy(state, start, end, silent):  # a rule that records the index it is given
        seen.append((state.bMarks, state.eMarks, state.tShift, state.sCount, state.bsCount))
        seen.append(state.lineMax)
        return False

    fast = stock()
    fast.block.ruler.before("table", "spy", spy)
    fastparse.install(fast)
    src = "  a\n\tb\n\n- c\n  "
    fast.parse(src)
    assert seen[:2] == [stock_index(src)[:5], stock_index(src)[5]]


@pytest.mark.parametrize(
    "text",
    [
        "!" * 50,
        "wow!!! [a](/b) !![c](/d)",
        "![alt ![inner](/i) text](/o)",
        "[label !x] [label ![y](/z)]",
        "# $ % @ ^ { } - + = : not markup",
        "a!\nb!",
        "!\\![x](/y)",
        "[![badge](/b.svg)](/link)",
        # '<' after the text's last '>' (no tag or autolink can end), and before it
        "a <!-- x " * 200,
        "a <!-- x " * 50 + "-->" + " <b <c <!-- d",
        "<a <b> <c <http://d <e@f.g <!x",
        "x <y [z <w](/v) u> <t",
        "[a <b](/c) <d>",
        "<!-- a --> <!-- b",
        "<?x <![CDATA[ y <! z",
    ],
)
def test_text_rule_skips_characters_no_rule_starts_at(text):
    assert [t.as_dict() for t in FAST.parseInline(text)] == [
        t.as_dict() for t in STOCK.parseInline(text)
    ]
    assert_same(text)


def test_text_rule_is_replaced_only_for_the_stock_rules():
    assert FAST.inline.ruler.__rules__[0].fn is not STOCK.inline.ruler.__rules__[0].fn

    def with_plugin() -> MarkdownIt:  # a plugin's rule (it may stop at any character)
        md = stock()
        md.inline.ruler.before("text", "percent", lambda state, silent: False)
        return md

    plain, fast = with_plugin(), fastparse.install(with_plugin())
    text_rule = [r.fn for r in fast.inline.ruler.__rules__ if r.name == "text"]
    assert text_rule == [r.fn for r in plain.inline.ruler.__rules__ if r.name == "text"]


FLOOD = "[" * (fastparse.MAX_LABEL_BRACKETS + 1)


@pytest.mark.skipif(
    not fastparse._label_walk_leaves_no_trace(markdown_it.__version__),
    reason="the label guard (and so the flood shortcut) needs markdown-it-py 4.3",
)
@pytest.mark.parametrize(
    "text",
    [
        FLOOD + "]\n",
        FLOOD + " [a](/b) ![c](/d) [e] *f* `g` & <h> <http://i.j> ]!\n",
        "[x](/y) " * 2_000 + "[" * 9_000 + " ![z](/w)\n",
        "![" * 6_000 + "*a* \\[ ]\n",
    ],
)
def test_text_rule_in_a_bracket_flood_gives_the_guarded_tokens(text):
    """In a paragraph whose links are off (more '[' than MAX_LABEL_BRACKETS), the text rule runs
    over '[', ']' and '!': the tokens are those of the same parser with the stock stops."""
    guarded = stock()
    fastparse._install_inline(guarded, None)  # the text rule stops at every '[', ']', '!['
    fastparse._install_label_guard(guarded)
    fast = markdown_parser()
    env: dict = {}
    assert tokens(fast, text) == tokens(guarded, text)
    assert [t.as_dict() for t in fast.parse(text, env)] == tokens(guarded, text)
    flooded = text.count("[") > fastparse.MAX_LABEL_BRACKETS
    assert bool(env.get(fastparse.BRACKET_FLOOD)) == flooded


@pytest.mark.parametrize("budget", [1, 7, 8, 50])
def test_inline_budget_stops_at_the_token_past_it(budget):
    md = markdown_parser()
    text = "intro *a* b\n\n" + "line\n" * 30  # 5 tokens, then 59 (text and soft breaks)
    with pytest.raises(fastparse.TooManyInline) as raised:
        md.parse(text, {fastparse.MAX_INLINE_TOKENS: budget})
    if budget < 5:
        assert raised.value.line == 1
    else:  # the (budget - 5 + 1)th token of the second paragraph, on its line
        assert raised.value.line == 3 + (budget - 5) // 2
    # at the page's own count it parses, with the same tokens as without a budget
    assert tokens(md, text) == [
        t.as_dict() for t in md.parse(text, {fastparse.MAX_INLINE_TOKENS: 64})
    ]
    with pytest.raises(fastparse.TooManyInline):
        md.parse(text, {fastparse.MAX_INLINE_TOKENS: 63})


def test_inline_budget_counts_an_image_description():
    """An image's description is parsed apart from its paragraph (into the image token's
    children): its tokens count against the same budget."""
    md = markdown_parser()
    text = "![" + "*a* " * 50 + "](x.png)\n"  # one image token, 200 tokens in its description
    [_, inline, _] = md.parse(text, {fastparse.MAX_INLINE_TOKENS: 1_000})
    assert len(inline.children[0].children) == 200
    assert tokens(md, text) == [
        t.as_dict() for t in md.parse(text, {fastparse.MAX_INLINE_TOKENS: 1_000})
    ]
    with pytest.raises(fastparse.TooManyInline) as raised:
        md.parse(text, {fastparse.MAX_INLINE_TOKENS: 150})
    assert raised.value.line == 1


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("<>()\\ \n\t\x00\x7fx&;#é%") + ["&amp;", "\\(", "\\>"]),
        max_size=24,
    ).map("".join),
    st.integers(0, 3),
)
def test_destination_fast_path_gives_the_stock_result(text, cut):
    """The link destination parser's regex fast path: the stock function's result (ok, end,
    unescaped text) at every start, with the paragraph's end anywhere."""
    from markdown_it.helpers import parseLinkDestination as stock_destination

    fast = fastparse._destination_parser(stock_destination)
    maximum = max(len(text) - cut, 0)
    for pos in range(len(text) + 1):
        a, b = fast(text, pos, maximum), stock_destination(text, pos, maximum)
        assert (a.ok, a.pos, a.str) == (b.ok, b.pos, b.str), (text, pos, maximum)


def _match_paren_by_character(s: str, i: int) -> int:
    """guidelint.page.brackets.match_paren as it was written first: a character at a time."""
    depth, j = 0, i
    while j < len(s):
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


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(list("()<>\\ \tx\u2003")), max_size=30).map("".join))
def test_match_paren_jumps_to_what_it_looks_at(text):
    """A link's closing ')' found by searching for the characters that matter gives the same
    answer as reading every character (a 4 MB destination took 0.6 s that way)."""
    from guidelint.page.brackets import match_paren

    for i in range(len(text)):
        if text[i] == "(":
            assert match_paren(text, i) == _match_paren_by_character(text, i), (text, i)


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("aZ09;/?:@&=+$,-_.!~*'()#% \u00e9\ud800\U0001f600") + ["%4A", "%zz"])
    ).map("".join),
    st.sampled_from([";/?:@&=+$,-_.!~*'()#", "-_.!~*'()", "", "%"]),
    st.booleans(),
)
def test_fast_encode_gives_mdurls_result(text, exclude, keep_escaped):
    """mdurl.encode as guidelint installs it: a text it would keep as it is comes back at once;
    the result is mdurl's own for any text."""
    import mdurl

    assert getattr(mdurl.encode, "guidelint_fast", False)  # (installed with the page parser)
    stock = mdurl.encode.stock
    got = mdurl.encode(text, exclude, keep_escaped=keep_escaped)
    assert got == stock(text, exclude, keep_escaped=keep_escaped)


@pytest.mark.skipif(
    not fastparse._label_walk_leaves_no_trace(markdown_it.__version__),
    reason="the label guard (and so the bounded walk) needs markdown-it-py 4.3",
)
def test_label_walks_stop_after_their_steps(monkeypatch):
    """A link's text is found by a walk of silent steps; a paragraph's walks share
    MAX_LABEL_STEPS, and past them its links are text and the paragraph is recorded."""
    from guidelint.page import build_page
    from guidelint.rules.gl909_too_many_links import check_limit

    text = "See [" + "*a* " * 30 + "](x.md) and [b](y.md).\n\nNext [c](z.md).\n"
    md = markdown_parser()
    links = [t.attrGet("href") for t in md.parse(text)[1].children if t.type == "link_open"]
    assert links == ["x.md", "y.md"]  # under the default, both links are read
    monkeypatch.setattr(fastparse, "MAX_LABEL_STEPS", 40)  # 30 emphases take about 120 steps
    env: dict = {}
    tokens_ = md.parse(text, env)
    assert [t.type for t in tokens_[1].children if t.type == "link_open"] == []
    assert [t.attrGet("href") for t in tokens_[4].children if t.type == "link_open"] == ["z.md"]
    assert env[fastparse.LONG_LABELS] == {tokens_[1].content}
    page = build_page(text, "p.md", "p.md", "p", None, None)
    [finding] = check_limit(page, 5_000)
    assert finding.code == "GL909" and finding.span.line == 1
    assert "link texts are too long to read" in finding.message
