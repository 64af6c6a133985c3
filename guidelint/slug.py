"""Heading slugs: the anchor a renderer gives a heading.

``github`` (default) follows github-slugger, which GitHub, and most static-site generators that
copy it, use: lowercase the heading's text; remove every character that is not a letter, a digit,
a space, a hyphen or an underscore; turn each space into a hyphen (runs are *not* collapsed).
A repeated heading gets ``-1``, ``-2``... on its second, third... occurrence.
``gitlab`` is the same but collapses runs of hyphens; ``plain`` lowercases and joins words with
single hyphens, dropping underscores too.
"""

from __future__ import annotations

import re
import unicodedata

_GITHUB_DROP = re.compile(r"[^\w\- ]", re.UNICODE)
_PLAIN_WORDS = re.compile(r"[^\W_]+", re.UNICODE)


def _github(text: str) -> str:
    text = text.strip().lower()
    # github-slugger strips emoji and punctuation; \w keeps letters, digits, underscore.
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "S" or ch in "-_")
    return _GITHUB_DROP.sub("", text).replace(" ", "-")


def _gitlab(text: str) -> str:
    return re.sub(r"-{2,}", "-", _github(text))


def _plain(text: str) -> str:
    return "-".join(_PLAIN_WORDS.findall(text.lower()))


STYLES = {"github": _github, "gitlab": _gitlab, "plain": _plain}


def slugify(text: str, style: str = "github") -> str:
    return STYLES[style](text)


class Slugger:
    """Gives unique anchors for the headings of one page, in document order."""

    def __init__(self, style: str = "github") -> None:
        self.style = style
        self.seen: dict[str, int] = {}

    def slug(self, text: str) -> str:
        base = slugify(text, self.style)
        if base not in self.seen:
            self.seen[base] = 0
            return base
        while True:
            self.seen[base] += 1
            candidate = f"{base}-{self.seen[base]}"
            if candidate not in self.seen:
                self.seen[candidate] = 0
                return candidate


_WS = re.compile(r"\s+")


def normalize_label(label: str) -> str:
    """A reference label as CommonMark matches it: case-folded, inner whitespace collapsed."""
    return _WS.sub(" ", label.strip()).casefold()
