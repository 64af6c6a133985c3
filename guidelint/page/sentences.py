"""Splitting prose into sentences: at '.', '!' or '?' followed by space and a word that does not
start in lower case, except after abbreviations, initials, "No." before a number and list numbers."""

from __future__ import annotations

import re

# Page.cache key: (block, offset) where a page's sentences stop (build_page's max_sentence_ends)
SENTENCES_CUT = "page.sentences_cut"

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
# a sentence end: marks (the first of a run: each run is tried once, so the search is linear in
# the text), closing quotes or brackets, then a blank or the end; and, looked at but not taken,
# the first character after the blanks (none: only blanks follow)
_SENTENCE_END = re.compile(r"[.!?](?<![.!?]{2})[.!?]*([\"')\]”’]*)(?=\s|$)(?=\s*(\S)|)")
_WORD = re.compile(r"[\w.]*")  # in the reversed text: the word before a period, backwards
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")  # "a", "u.s.a"
_DIGIT_NEXT = re.compile(r"\s*\d")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split prose into sentences; returns (start, end) offsets with surrounding space trimmed
    (see ``split_sentences_bounded``)."""
    return split_sentences_bounded(text, None)[0]


def split_sentences_bounded(
    text: str, max_ends: int | None
) -> tuple[list[tuple[int, int]], int, int | None]:
    """Split prose into sentences, looking at no more than ``max_ends`` places where a sentence
    may end (None: no limit). Returns the (start, end) offsets with surrounding space trimmed,
    the number of places looked at, and the offset where splitting stopped (None: the whole
    text was split); the text from that offset on is in no sentence.

    A sentence ends at ``.``, ``!`` or ``?`` (closing quotes and brackets included) before a blank,
    unless the next word is lowercase ("approx. ten") or the period is a single one after an
    abbreviation ("Dr."), initials ("U.S."), "No." before a number, or a list number at the start
    of the sentence ("1. Understand the role"). The word before a period is the run of word
    characters and periods that ends there."""
    start = len(text) - len(text.lstrip())  # where the current sentence starts (trimmed)
    if "." not in text and "!" not in text and "?" not in text:  # (headings, cells, most items)
        end = len(text.rstrip())
        return ([(start, end)] if end > start else []), 0, None
    spans: list[tuple[int, int]] = []
    n = len(text)
    backwards = ""
    looked = 0
    for m in _SENTENCE_END.finditer(text):
        if max_ends is not None and looked >= max_ends:
            return spans, looked, start  # (the sentence under way is not made)
        looked += 1
        nxt = m.group(2)
        if nxt is None:
            break  # only space follows: the rest is one sentence whether or not this ends it
        if nxt.islower():
            continue  # the next word must not be lowercase (e.g. "approx. ten")
        dot = m.start()
        if text[dot] == "." and m.start(1) == dot + 1:  # a single period
            if not backwards:
                backwards = text[::-1]
            back = _WORD.match(backwards, n - dot)  # (always matches, if only nothing)
            k = n - back.end() if back else dot  # where the word before the period starts
            if k < dot:
                word = text[k:dot].lower()
                if word in _ABBREV or (
                    (len(word) == 1 or word[1] == ".") and _INITIALS.fullmatch(word) is not None
                ):
                    continue
                if (word == "no" or word == "nos") and _DIGIT_NEXT.match(text, m.end()):
                    continue  # "No. 5"
                if k == start and word.isdigit():
                    continue  # "1. Understand the role": a list number, not a sentence
        spans.append((start, m.end()))  # (it ends with a mark: no blank to trim)
        start = m.start(2)
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans, looked, None
