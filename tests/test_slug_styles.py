"""Anchor slug styles: each generator's heading ids, on headings chosen to tell them apart.

Expected values for github, eleventy and markdown-it-anchor were produced by running the real
JavaScript packages (github-slugger 2.0.0, @sindresorhus/slugify 2 with ``decamelize: false``, and
markdown-it-anchor's default slugify) on these headings; the python-markdown rows are checked
against Python-Markdown itself below. kramdown, Hugo and goldmark are derived from their source
(kramdown ``basic_generate_id`` and kramdown-parser-gfm ``generate_gfm_header_id``, Hugo
``markup/goldmark/autoid.go``, goldmark ``parser/parser.go``), as written in guidelint/slug.py.
"""

from __future__ import annotations

import unicodedata

import pytest

from guidelint.page import build_page
from guidelint.slug import STYLES, Slugger, slugify, split_explicit_id

NFD_CAFE = unicodedata.normalize("NFD", "Café résumé")

# heading -> {style: expected slug}
CASES = {
    "What's new?": {
        "github": "whats-new",
        "kramdown": "whats-new",
        "jekyll": "whats-new",
        "hugo": "whats-new",
        "goldmark": "whats-new",
        "python-markdown": "whats-new",
        "markdown-it-anchor": "what's-new?",
        "eleventy": "whats-new",
    },
    "Fees & funding": {
        "github": "fees--funding",
        "kramdown": "fees--funding",
        "jekyll": "fees--funding",
        "hugo": "fees--funding",
        "python-markdown": "fees-funding",
        "markdown-it-anchor": "fees-&-funding",
        "eleventy": "fees-and-funding",
    },
    "Café résumé": {
        "github": "café-résumé",
        "kramdown": "caf-rsum",
        "jekyll": "café-résumé",
        "hugo": "café-résumé",
        "goldmark": "caf-rsum",
        "python-markdown": "cafe-resume",
        "python-markdown-unicode": "café-résumé",
        "eleventy": "cafe-resume",
    },
    # the same heading in NFD: github-slugger keeps the combining accents (category M)
    NFD_CAFE: {
        "github": unicodedata.normalize("NFD", "café-résumé"),
        "kramdown": "cafe-resume",
        "hugo": "cafe-resume",  # Hugo keeps letters only: the marks go
        "python-markdown": "cafe-resume",
        "eleventy": "cafe-resume",
    },
    "हिन्दी में वेतन": {
        "github": "हिन्दी-में-वेतन",  # vowel signs and virama kept
        "jekyll": "हिन्दी-में-वेतन",
        "hugo": "हनद-म-वतन",  # Hugo drops combining marks
        "kramdown": "section",
        "goldmark": "--",
        "python-markdown": "",
        "eleventy": "",
    },
    "x² and ½ cup": {
        "github": "x-and--cup",  # ² and ½ are Other_Number: dropped
        "hugo": "x-and--cup",
        "python-markdown": "x2-and-12-cup",  # NFKD turns them into digits
        "eleventy": "x-and-cup",
    },
    "🎉 Party time 🎉": {
        "github": "-party-time-",
        "kramdown": "party-time-",
        "hugo": "-party-time-",
        "python-markdown": "party-time",
        "eleventy": "party-time",
    },
    "Step 1 -- start": {
        "github": "step-1----start",
        "jekyll": "step-1--start",  # kramdown turns '--' into an en dash
        "kramdown": "step-1----start",
        "python-markdown": "step-1-start",
        "eleventy": "step-1-start",
    },
    "snake_case_name": {
        "github": "snake_case_name",
        "hugo": "snake_case_name",
        "goldmark": "snake-case-name",
        "kramdown": "snakecasename",
        "python-markdown": "snake_case_name",
        "eleventy": "snake-case-name",
    },
    "Größe ändern": {
        "github": "größe-ändern",
        "eleventy": "groesse-aendern",
        "python-markdown": "groe-andern",
    },
    "Ⓐ circled": {"github": "ⓐ-circled"},  # alphabetic symbols survive github-slugger
    "2024 update": {"kramdown": "update", "github": "2024-update", "hugo": "2024-update"},
    "Привет мир": {"github": "привет-мир", "eleventy": "privet-mir"},
}


@pytest.mark.parametrize(
    "heading,style,expected",
    [(h, s, e) for h, row in CASES.items() for s, e in row.items()],
)
def test_slug_styles_on_tricky_headings(heading, style, expected):
    assert slugify(heading, style) == expected


@pytest.mark.parametrize(
    "heading,expected",
    [  # @sindresorhus/slugify 3.0.1 with default options, run with node
        ("addPassthroughCopy", "add-passthrough-copy"),
        ("Using the APISection", "using-the-api-section"),
        ("FOO360 bar", "foo-360-bar"),
        ("Eleventy’s Data Cascade", "eleventys-data-cascade"),
        ("APIs are fun", "apis-are-fun"),
        ("Café & crème", "cafe-and-creme"),
    ],
)
def test_sindresorhus_slugify_defaults(heading, expected):
    assert slugify(heading, "sindresorhus-slugify") == expected


def test_eleventy_filter_does_not_split_camel_case():
    assert slugify("addPassthroughCopy", "eleventy") == "addpassthroughcopy"


def test_docusaurus_is_github_slugger():
    for heading in CASES:
        assert slugify(heading, "docusaurus") == slugify(heading, "github")


@pytest.mark.parametrize(
    "style,expected",
    [
        ("github", ["faq", "faq-1", "faq-1-1", "faq-2"]),
        ("kramdown", ["faq", "faq-1", "faq-1", "faq-2"]),  # no check against taken ids
        ("jekyll", ["faq", "faq-1", "faq-1", "faq-2"]),
        ("hugo", ["faq", "faq-1", "faq-1-1", "faq-2"]),
        ("markdown-it-anchor", ["faq", "faq-1", "faq-1-1", "faq-2"]),
        ("python-markdown", ["faq", "faq_1", "faq-1", "faq_2"]),
    ],
)
def test_repeated_headings_per_style(style, expected):
    s = Slugger(style)
    assert [s.slug(t) for t in ["FAQ", "FAQ", "FAQ 1", "FAQ"]] == expected


def test_python_markdown_style_matches_python_markdown_itself():
    import re

    import markdown

    headings = [h for h in CASES if h.strip()] + ["FAQ", "FAQ", "FAQ_1", "FAQ", "a -- b", "x"]
    source = "\n\n".join(f"## {h}" for h in headings)
    html = markdown.markdown(source, extensions=["toc"])
    theirs = re.findall(r'<h2 id="([^"]*)"', html)
    page = build_page(source, "p.md", "p.md", "p", None, None, "python-markdown")
    ours = [h.anchor for h in page.headings]
    assert ours == theirs


@pytest.mark.parametrize(
    "text,style,expected",
    [
        ("Pay rates {#pay}", "hugo", ("Pay rates", "pay")),
        ("Pay rates {: #pay .wide}", "kramdown", ("Pay rates", "pay")),
        ("Pay rates {#pay}", "docusaurus", ("Pay rates", "pay")),
        ("Pay rates {#pay}", "github", ("Pay rates {#pay}", None)),  # GitHub shows it as text
        ("Sets {a, b}", "hugo", ("Sets {a, b}", None)),
    ],
)
def test_explicit_heading_ids(text, style, expected):
    assert split_explicit_id(text, style) == expected


def test_explicit_ids_become_anchors_and_leave_the_heading_text():
    page = build_page("# Pay {#pay}\n\n## Pay\n", "p.md", "p.md", "p", None, None, "hugo")
    assert [(h.text, h.anchor) for h in page.headings] == [("Pay", "pay"), ("Pay", "pay-1")]


def test_every_style_is_configurable():
    from guidelint.config import SLUG_STYLES

    assert set(SLUG_STYLES) == set(STYLES)


def test_github_ascii_fast_path_equals_the_per_character_rule():
    """ASCII headings take one regular expression; it must drop exactly what github-slugger's
    categories drop, for every ASCII character in every position."""
    from guidelint import slug

    for cp in range(128):
        for text in (chr(cp), f"a{chr(cp)}b", f"Pay {chr(cp)} Benefits"):
            slow = "".join(c for c in text.lower() if slug._github_keep(c)).replace(" ", "-")
            assert slug._github(text) == slow, (cp, text)
