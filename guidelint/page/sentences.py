"""Splitting prose into sentences: at '.', '!' or '?' followed by space and a word that does not
start in lower case, except after abbreviations, initials, "No." before a number and list numbers."""

from __future__ import annotations

import re

_ABBREV = {
    "e.g",
    "i.e",
    "etc",
    "vs",
    "dr",
    "mr",
    "mrs",
    "ms",
    "st",
    "u.s",
    "u.k",
    "inc",
    "ltd",
    "co",
    "jr",
    "sr",
    "approx",
    "dept",
    "est",
    "fig",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mt",
    "ft",
    "a.m",
    "p.m",
    "ph.d",
    "m.d",
    "r.n",
    "b.s",
    "a.s",
}
_BOUNDARY = re.compile(r"[.!?]+[\"')\]”’]*(?=\s+|$)")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")  # "a", "u.s.a"
_DIGIT_NEXT = re.compile(r"\s*\d")
_NEXT_CHAR = re.compile(r"\s*(\S)")


def _word_start(text: str, start: int, dot: int) -> int:
    """Where the run of word characters and periods that ends at ``dot`` begins (not before ``start``)."""
    k = dot
    while k > start:
        c = text[k - 1]
        if c.isalnum() or c == "." or c == "_":  # the characters of the pattern [\w.]
            k -= 1
        else:
            break
    return k


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split prose into sentences; returns (start, end) offsets with surrounding space trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        nxt = _NEXT_CHAR.match(text, end)
        if nxt is None:
            break  # only space follows: the rest is one sentence whether or not this ends it
        if nxt.group(1).islower():
            continue  # the next word must not be lowercase (e.g. "approx. ten")
        dot = m.start()
        mark = m.group(0)
        if mark[0] == "." and len(mark.rstrip("\"')]”’")) == 1:
            k = _word_start(text, start, dot)  # the word before a single period
            if k < dot:
                word = text[k:dot].lower()
                if word in _ABBREV or _INITIALS.fullmatch(word):
                    continue
                if word in ("no", "nos") and _DIGIT_NEXT.match(text, end):
                    continue  # "No. 5"
                if word.isdigit() and not text[start:k].strip():
                    continue  # "1. Understand the role": a list number, not a sentence
        spans.append((start, end))
        start = end
    if start < n:
        spans.append((start, n))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out
