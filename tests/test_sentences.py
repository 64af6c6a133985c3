"""``page.split_sentences`` reads each run of text once (linear in the text); its sentences are
those of the previous implementation, a regex per sentence end and a walk back over the word
before each period, kept below as the reference and compared on hand-picked and generated text."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guidelint.page import split_sentences
from guidelint.page.sentences import _ABBREV, split_sentences_bounded

# ------------------------------------------------------------------ the previous implementation
# (the abbreviation list is data both implementations read: the comparison is of the algorithm)
_BOUNDARY = re.compile(r"[.!?]+[\"')\]”’]*(?=\s+|$)")
_INITIALS = re.compile(r"(?:[a-z]\.)*[a-z]")
_DIGIT_NEXT = re.compile(r"\s*\d")
_NEXT_CHAR = re.compile(r"\s*(\S)")


def _word_start(text: str, start: int, dot: int) -> int:
    k = dot
    while k > start:
        c = text[k - 1]
        if c.isalnum() or c == "." or c == "_":
            k -= 1
        else:
            break
    return k


def reference(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    n = len(text)
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        nxt = _NEXT_CHAR.match(text, end)
        if nxt is None:
            break
        if nxt.group(1).islower():
            continue
        dot = m.start()
        mark = m.group(0)
        if mark[0] == "." and len(mark.rstrip("\"')]”’")) == 1:
            k = _word_start(text, start, dot)
            if k < dot:
                word = text[k:dot].lower()
                if word in _ABBREV or _INITIALS.fullmatch(word):
                    continue
                if word in ("no", "nos") and _DIGIT_NEXT.match(text, end):
                    continue
                if word.isdigit() and not text[start:k].strip():
                    continue
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


# ------------------------------------------------------------------ the tests
TEXTS = [
    "",
    "   ",
    "One.",
    "One. Two.",
    "  One.  Two!  Three?  ",
    "Ask the U.S. Bureau. Then go.",
    "1. Understand the role",
    "Step 1. Go on.",
    "Is it required? No. It is voluntary!",
    "See No. 5 and nos. 6. Then no. 7 here.",
    "Dr. Smith arrived. Approx. Ten came. e.g. This. I.e. That.",
    "It rose (a lot). Then fell.",
    'He said "stop." Then left.',
    "He said \u201cstop.\u201d Then left.",
    "Wait... What? Really?! Yes.",
    "End.) Next. End.] Next.",
    "x.. Y. a.b. C. .net. Done.",
    "under_score. Next. _. Next.",
    "Caf\u00e9. \u00c9t\u00e9 vient. \u00e9t\u00e9. Fin.",
    "Tab.\tNext.\nLine.\u00a0Nbsp.\u2003Em space. Done",
    "A.B.C. Initials. a. b. Lower.",
    "Trailing space.   ",
    "No end mark at all",
    "!!! Marks only. ???",
    "...\n... Dots. ...",
    "1.2. Numbers. 3. Four.",
]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_same_sentences_as_before(text):
    assert split_sentences(text) == reference(text)


PIECES = [
    " ", "  ", "\n", "\t", "\u00a0", ".", "..", "!", "?", "?!", ")", "]", '"', "'", "\u201d",
    "\u2019", "(", "a", "A", "word", "Word", "1", "12", "No", "nos", "5", "Dr", "U.S", "e.g",
    "approx", "_", "\u00e9", "\u00c9", "x.y", ".net", "\u0661",
]  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_same_sentences_on_generated_text(parts):
    text = "".join(parts)
    assert split_sentences(text) == reference(text)


@pytest.mark.parametrize("abbrev", sorted(_ABBREV))
def test_an_abbreviation_does_not_end_a_sentence(abbrev):
    for word in (abbrev, abbrev.capitalize(), abbrev.upper()):
        text = f"See {word}. Smith at home. Then go."
        assert [text[a:b] for a, b in split_sentences(text)] == [
            f"See {word}. Smith at home.",
            "Then go.",
        ]


@pytest.mark.parametrize("unit", ["!", "?", "?!", ".", "a.", ").", ".)", "Ab. ", "a!"])
def test_long_runs_of_marks_are_read_once(unit):
    # the previous regex tried every '!' of a run as a sentence end, each up to the run's end:
    # 40,000 '!' before a letter took 8 s, a million would take hours; these take milliseconds
    text = unit * 200_000 + "x"
    spans = split_sentences(text)
    assert spans and spans[0][0] == 0 and spans[-1][1] == len(text)


@pytest.mark.parametrize(
    ("text", "max_ends", "expected"),
    [
        ("One. Two. Three. Four.", 2, ([(0, 4), (5, 9)], 2, 10)),  # stops at the third place
        ("One. Two.", 2, ([(0, 4), (5, 9)], 2, None)),  # two places: all looked at
        ("One. Two.", 0, ([], 0, 0)),
        ("No marks here", 0, ([(0, 13)], 0, None)),  # no place a sentence may end
        ("A. B. C. Done. Next.", 3, ([], 3, 0)),  # initials: places looked at, no end
        ("Dr. Who. Next.", 5, ([(0, 8), (9, 14)], 3, None)),
    ],
)
def test_bounded_split_stops_after_max_ends_places(text, max_ends, expected):
    assert split_sentences_bounded(text, max_ends) == expected
    spans, _looked, cut = expected
    if cut is None:
        assert split_sentences(text) == spans
    else:  # the sentences before the cut are the unbounded split's
        assert split_sentences(text)[: len(spans)] == spans
