from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


# the prose that is graded: running text, not headings or table cells (often fragments)
_PROSE = frozenset({"paragraph", "list_item", "blockquote"})


@register
class ReadingGrade(Rule):
    """A page's prose reads above the reading grade set for its page type.

    What it checks: the Flesch-Kincaid grade of the page's paragraphs, list items and block
    quotes (not headings, tables, code or front matter), against ``[tool.guidelint.readability]
    max_grade``, a table of page type = highest grade. Types without a ceiling, and pages with
    fewer than ``min_words`` words of prose (150 by default), are not graded. The finding points
    at the page's hardest sentence. Off unless a ceiling is set; a ceiling needs the optional
    textstat package (``pip install 'guidelint[readability]'``).

    Why: readers deciding on a career or a course read guides on a phone, often in a second
    language. Short sentences and plain words keep the facts and the hedges understood. The grade
    is a rough measure, so use it as a prompt to rewrite, not as a target to game.

    ```markdown fail
    === guidelint.toml ===
    [readability]
    max_grade = { guide = 9 }
    min_words = 20
    === dense.md ===
    ---
    type: guide
    ---
    # Dense

    Prospective medical assisting practitioners contemplating credentialing considerations should
    systematically investigate jurisdictional delegation regulations, institutional accreditation
    documentation, examination eligibility prerequisites, and recertification obligations
    established by organizational certification authorities before financially committing to
    educational programming.
    ```

    ```markdown pass
    === guidelint.toml ===
    [readability]
    max_grade = { guide = 9 }
    min_words = 20
    === plain.md ===
    ---
    type: guide
    ---
    # Plain

    Check your state's rules before you pay for a course. Ask which exam the course prepares you
    for. Read the exam's rules yourself. Look at local job posts to see what employers want. Then
    choose the course that fits.
    ```
    """

    code = "GL520"
    name = "reading-grade"
    summary = "A page's prose reads above the grade set for its page type"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        ceilings = ctx.config.get("readability.max_grade")
        ceiling = ceilings.get(page.type or "") if ceilings else None
        if ceiling is None:
            return
        from guidelint import readability

        sentences = [s for s in page.sentences if page.blocks[s.block].kind in _PROSE]
        text = readability.prose_text([s.text for s in sentences])
        if readability.word_count(text) < ctx.config.get("readability.min_words"):
            return
        value = readability.grade(text)
        if value <= ceiling:
            return
        hardest = max(
            (s for s in sentences if readability.word_count(s.text) >= 8),
            key=lambda s: (readability.grade(readability.prose_text([s.text])), -s.start),
            default=sentences[0],
        )
        yield self.finding(
            page.sentence_span(hardest),
            f"reading grade {value:g} (Flesch-Kincaid) is over {ceiling:g}, the ceiling for "
            f"type {page.type}; shorten long sentences and prefer short words, starting with "
            "this one (the hardest on the page)",
        )
