"""The page model: positions in the original file for headings, links, cells and sentences."""

from guidelint.frontmatter import parse, split
from guidelint.page import build_page, split_sentences

PAGE = """---
title: Test page
type: guide
---

# Test page

Intro with a [link](other.md#x "t") and **bold** text. Second sentence, e.g. this one. Third!

## Section *two*

- Item one has [ref link][Ref] and `code`.
- Item two: ![alt text](img.png)

> Quoted <!-- guidelint-disable-next-line GL401 -- because --> text.

| Step | What | Go deeper |
|---|---|---|
| 1. Understand | Know it | [What is](what.md), [Duties](duties.md) |

Visit <https://example.org/x> now.

[ref]: https://example.com
[unused]: x.md

```
[not a link](nowhere.md)
```
"""


def make(text=PAGE):
    lines = text.split("\n")
    sp = split(lines)
    fm, _ = (
        parse(sp.yaml_text, *sp.front_matter_lines, max_nodes=100, max_bytes=10_000)
        if sp.front_matter_lines
        else (None, [])
    )
    return build_page(text, "t.md", "t.md", "t", fm, sp.front_matter_lines)


def test_headings_and_sections():
    page = make()
    assert [(h.level, h.text, h.anchor, h.line) for h in page.headings] == [
        (1, "Test page", "test-page", 6),
        (2, "Section two", "section-two", 10),
    ]
    assert page.headings[1].span.column == 4
    assert page.sections[1].parent == 0
    assert page.sections[0].blocks == 1


def test_links_with_positions_and_styles():
    page = make()
    links = [
        (ln.kind, ln.target, ln.style, ln.span.line, ln.span.column, ln.span.end_column)
        for ln in page.links
    ]
    assert ("link", "other.md#x", "inline", 8, 14, 36) in links
    assert ("link", "https://example.com", "reference", 12, 16, 31) in links
    assert ("image", "img.png", "inline", 13, 13, 33) in links
    assert ("link", "https://example.org/x", "autolink", 21, 7, 30) in links
    assert not any(ln.target == "nowhere.md" for ln in page.links)  # code is not prose
    cell_links = [ln for ln in page.links if ln.cell]
    assert [(ln.target, ln.cell) for ln in cell_links] == [
        ("what.md", (0, 0, 2)),
        ("duties.md", (0, 0, 2)),
    ]


def test_link_targets_keep_the_parentheses_they_balance():
    # a destination ends at a blank or at a ')' that closes no '(' of its own (CommonMark);
    # Hugo's docs link `wiki/Interval_(mathematics)` and 11ty's an anchor `#...-(optional)`
    text = (
        "# T\n\n"
        "[a](b_(x).md) [w](https://en.wikipedia.org/wiki/Interval_(mathematics)) "
        '[j](javascript:alert(1)) [t](c_(y).md "title") [e](d\\)e.md) [g](<f (z).md>) '
        "![i](img_(1).png)\n"
    )
    assert [(ln.kind, ln.target) for ln in make(text).links] == [
        ("link", "b_(x).md"),
        ("link", "https://en.wikipedia.org/wiki/Interval_(mathematics)"),
        ("link", "javascript:alert(1)"),
        ("link", "c_(y).md"),
        ("link", "d\\)e.md"),
        ("link", "f (z).md"),
        ("image", "img_(1).png"),
    ]


def test_reference_definitions_and_comments():
    page = make()
    assert [(d.label, d.span.line) for d in page.definitions] == [("ref", 23), ("unused", 24)]
    assert page.comments[0].text.startswith("guidelint-disable-next-line GL401")
    assert page.comments[0].span.line == 15 and page.comments[0].span.column == 10


def test_table_cells():
    page = make()
    table = page.tables[0]
    assert [c.text for c in table.header] == ["Step", "What", "Go deeper"]
    assert table.rows[0][0].text == "1. Understand"
    assert (table.rows[0][0].span.line, table.rows[0][0].span.column) == (19, 3)


def test_sentences_map_back_to_source():
    page = make()
    by_text = {s.text: page.sentence_span(s) for s in page.sentences}
    span = by_text["Intro with a link and bold text."]
    assert (span.line, span.column, span.end_column) == (8, 1, 55)
    span = by_text["Second sentence, e.g. this one."]
    assert (span.line, span.column) == (8, 56)
    assert "Quoted  text." in by_text  # the comment is not prose


def test_crlf_columns_and_lead_in():
    text = "Some employers ask for:\n\n- a credential\n- experience\n"
    page = make(text)
    items = [b for b in page.blocks if b.kind == "list_item"]
    assert [b.lead_in for b in items] == ["Some employers ask for:"] * 2
    assert page.blocks[-1].span(0, 10).line == 4


def test_multiline_paragraph_positions():
    text = "> first line of a quote\n> second line is here\n"
    page = make(text)
    block = page.blocks[0]
    offset = block.text.index("second")
    assert block.position(offset) == (2, 3)


def test_split_sentences():
    assert [t[a:b] for t in ["Ask the U.S. Bureau. Then go."] for a, b in split_sentences(t)] == [
        "Ask the U.S. Bureau.",
        "Then go.",
    ]
    assert len(split_sentences("1. Understand the role")) == 1
    assert len(split_sentences("Is it required? No. It is voluntary!")) == 3


def test_block_positions_on_a_long_paragraph():
    # positions are bisected over the segments by key (no list made per call); the same answers
    # as bisecting a list of the segments' offsets, at every offset of a many-line paragraph
    import bisect

    lines = [f"{'  ' * (i % 3)}line {i} of the paragraph" for i in range(300)]
    page = make("---\ntitle: T\n---\n\n" + "\n".join(lines) + "\n")
    [block] = [b for b in page.blocks if b.kind == "paragraph"]
    assert len(block.segments) >= 300
    offsets = [s[0] for s in block.segments]
    for offset in range(-1, len(block.text) + 2):
        i = bisect.bisect_right(offsets, offset) - 1
        start, line, col = block.segments[max(i, 0)]
        want = (line, col + (offset - start)) if i >= 0 else (line, col)
        assert block.position(offset) == want
    assert block.position(block.text.index("line 299")) == (5 + 299, 1 + 2 * (299 % 3))
