"""The page model: one Markdown file, parsed once, with positions in the original file.

``build_page`` is a pure function of (text, config-derived options). It parses the body with
markdown-it-py (CommonMark + tables) and exposes headings (a section tree), links and images
(inline, reference-style, autolinks), reference definitions, tables and their cells, prose blocks
(paragraphs, list items, table cells, blockquotes, headings) with inline markup removed but every
character's position kept, the sentences of that prose, and HTML comments (for suppressions).

Lines and columns are 1-based; columns count characters (code points); end columns are exclusive.

One job a module:

* ``model``: the data (``Page``, ``Heading``, ``Section``, ``Link``, ``Block``, ``Sentence``...);
* ``parse``: the Markdown parser (``markdown_parser``);
* ``walk``: ``build_page``, which parses the body and walks the tokens once to fill a ``Page``;
* ``positions``: source positions inside inline content, and prose built with them;
* ``brackets``: a link's source (closing brackets, style, destination as written);
* ``html``: HTML comments and ``id``/``name`` anchors in raw HTML;
* ``sentences``: ``split_sentences``.

Rules import the data types from here (``from guidelint.page import Page``).
"""

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
from guidelint.page.sentences import SENTENCES_CUT, split_sentences
from guidelint.page.walk import build_page

__all__ = [
    "SENTENCES_CUT",
    "Block",
    "Cell",
    "Comment",
    "Definition",
    "Heading",
    "Link",
    "Page",
    "Section",
    "Sentence",
    "Table",
    "build_page",
    "markdown_parser",
    "split_sentences",
]
