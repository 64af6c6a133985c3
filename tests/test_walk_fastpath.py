"""The page walker's shortcut for a block that is one line of plain text (one ``text`` child):
the page model it builds equals what the general inline walk builds for the same tokens.

The general walk is forced by giving each such inline token a second, empty ``text`` child,
which the general walk adds nothing for (an empty piece of prose has no position)."""

from __future__ import annotations

from dataclasses import astuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it.token import Token

from guidelint.page.model import Page
from guidelint.page.parse import markdown_parser
from guidelint.page.walk import _Walker

CORPUS = [
    "# Title\n\nTitle\n=====\n\nOther\n-----\n",
    "  # Indented title  \n\n   Setext indented\n   ===\n",
    "# Title with &amp; entity\n\nA &copy; paragraph\n",
    "# Escaped \\* star\n\nText with \\# escapes\n",
    "- item\n- item two\n  - nested item\n\n1. first\n2. second\n",
    "> quoted line\n>\n> > deeper quote\n",
    "\tTabbed paragraph? no: code\n\n-\ttab after marker\n",
    "# Title {#custom-id}\n\n## Title\n{: #kramdown}\n\n## \u00c9t\u00e9 \u00e0 Paris\n",
    "para one\npara two\n\n#\n\n# \n\nText\n",
    "- \n- &nbsp;\n- x &#42; y\n",
    "<div>\n\nInside html\n\n</div>\n",
    "| a | b |\n|---|---|\n| x | y |\n",
    "# " + "x" * 300 + "\n\n" + "&amp;" * 50 + " far\n",
    "Emoji \U0001f600 line\n\nNUL \x00 line\n",
]


def _walked(text: str, pad: bool) -> tuple:
    lines = text.split("\n")
    tokens = markdown_parser().parse(text, {})
    if pad:
        for tok in tokens:
            if tok.type == "inline" and tok.children is not None and len(tok.children) == 1:
                tok.children.append(Token("text", "", 0, content=""))
    page = Page(
        path="p.md", rel="p.md", slug="p", text=text, lines=lines, front_matter=None, tokens=tokens
    )
    _Walker(page, lines, {}, "github").walk()
    return (
        [astuple(b) for b in page.blocks],
        [astuple(h) for h in page.headings],
        [astuple(s) for s in page.sections],
        [astuple(s) for s in page.sentences],
        page.links,
        page.max_depth,
    )


def test_corpus_same_model() -> None:
    shortcut_used = False
    for text in CORPUS:
        assert _walked(text, pad=False) == _walked(text, pad=True), text
        tokens = markdown_parser().parse(text, {})
        shortcut_used |= any(
            t.type == "inline" and len(t.children or []) == 1 and "\n" not in t.content
            for t in tokens
        )
    assert shortcut_used


_PIECES = st.sampled_from(
    [
        "word",
        " ",
        "  ",
        "\t",
        "&amp;",
        "&#42;",
        "\\*",
        "\\",
        "#",
        "=",
        "-",
        "*",
        ">",
        "1.",
        "\u00e9",
    ]
)
_LINE = st.lists(_PIECES, max_size=8).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LINE, min_size=1, max_size=8))
def test_random_lines_same_model(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    assert _walked(text, pad=False) == _walked(text, pad=True)
