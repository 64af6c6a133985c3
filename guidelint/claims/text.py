"""Text helpers for the claims engine: normalisation, tokens, clauses, quotes.

Everything here is generic English; nothing knows about any profession or policy.
Offsets are always character offsets into the caller's sentence: normalisation
replaces characters one for one, so it never shifts an offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One-for-one replacements (length preserving).
NORMALISE = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
        "\u2011": "-",
    }
)


def normalise(text: str) -> str:
    """Straighten quotes and dashes without changing the length of ``text``."""
    return text if text.isascii() else text.translate(NORMALISE)  # only non-ASCII characters change


_WORD = re.compile(r"[\w$%]+(?:['.\-][\w$%]+)*")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


# Clause terminators (NegEx/ConText style): scope of a cue never crosses one of these.
# Strong terminators also end the forward scope of a "rejection" cue ("A myth is that ..., but ...").
_STRONG = (
    r"(?:\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\bwhereas\b|\byet\b|\bexcept\b|;|\s-\s|\?\s)"
)
# "because of" heads a phrase, not a clause ("Because of their training, they ..."): no boundary
_WEAK = (
    r"(?:[:]|,\s*(?:and|so|while|whereas|because(?!\s+of\b)|since)\b|,(?=\s*which\b)|\bwhile\b"
    r"|\bbecause\b(?!\s+of\b))"
)
# What every match of _STRONG begins with: a cue word's first letter at the start of a word,
# ';', '?' or whitespace before a dash; _WEAK adds ',' and ':'. Compared under the same flags,
# these lookaheads change no match (they consume nothing, and every alternative implies its
# own), but they spare the regex engine trying every alternative inside words and at every
# space: the clause split is the claims stage's most expensive regex (~2x faster).
_FIRST_STRONG = r"(?=[;?]|\s-|\b[abehtwy])"
_FIRST = r"(?=[;?,:]|\s-|\b[abehtwy])"
_STRONG_RE = re.compile(f"{_FIRST_STRONG}{_STRONG}", re.IGNORECASE)
_BOUNDARY_RE = re.compile(f"{_FIRST}(?:{_STRONG}|{_WEAK})", re.IGNORECASE)
# Every match of _STRONG contains one of _STRONG_CUES, and every match of _WEAK one of _WEAK_CUES
# (lower-case; "though" stands for "although", "-" for "\s-\s"): an ASCII sentence without them is
# one clause, which is what most sentences are, without running the regex.
_STRONG_CUES = ("but", "however", "though", "whereas", "yet", "except", ";", "-", "?")
_WEAK_CUES = (":", ",", "while", "because")
_BOUNDARY_CUES = _STRONG_CUES + _WEAK_CUES


@dataclass(frozen=True, slots=True)
class Clause:
    start: int
    end: int


# A colon after a list lead-in ("the requirements are: ...", "you will need: ...") introduces the
# list that completes it, as the lead-in of a Markdown list does: it is not a clause boundary.
_LEAD_IN_COLON = re.compile(
    r"\b(?:requirements?|prerequisites?|steps|includes?|including|needs?|following|are|is)\s*:$",
    re.IGNORECASE,
)
# A fronted concessive clause ends at its comma: "Although you can work without it, it is ..."
_CONCESSIVE = ("although", "though", "whereas", "even if")


# cue tuple -> one regex finding any of its cues (one scan instead of one per cue)
_CUE_RES: dict[tuple[str, ...], re.Pattern[str]] = {}


def _split(
    text: str, rx: re.Pattern[str], cues: tuple[str, ...], structure: bool = False
) -> list[Clause]:
    if text.isascii():  # else re.IGNORECASE may match a non-ASCII letter ("ſ" for "s"): no shortcut
        cue_rx = _CUE_RES.get(cues)
        if cue_rx is None:
            cue_rx = _CUE_RES[cues] = re.compile("|".join(map(re.escape, cues)))
        if not cue_rx.search(text.lower()):
            return [Clause(0, len(text))]
    out: list[Clause] = []
    pos = 0
    for m in rx.finditer(text):
        if structure:
            cue = m.group().strip().lower()
            if cue == ":" and _LEAD_IN_COLON.search(text, max(0, m.end() - 16), m.end()):
                continue  # a list lead-in, not a boundary
            if (
                cue.startswith(",")
                and cue[1:].strip() in ("and", "or")
                and "," in text[pos : m.start()]
            ):
                continue  # ", and" closing a series ("finish A, B, and pass C"): the list goes on
        if m.start() > pos:
            out.append(Clause(pos, m.start()))
        pos = max(pos, m.end())
        if structure and m.group().strip().lower() in _CONCESSIVE:
            comma = text.find(",", pos)
            if comma != -1 and not any(t in text[pos:comma] for t in ";?"):
                out.append(Clause(pos, comma))
                pos = comma + 1
    if pos < len(text) or not out:
        out.append(Clause(pos, len(text)))
    return out


def clauses(text: str) -> list[Clause]:
    """Split ``text`` into clauses at terminators (but, however, although, ';', ':', ', and' ...).

    Clause structure kept: a colon after a list lead-in and the ", and" that closes a series do not
    split (the list completes what introduces it); a fronted concessive clause ("Although ..., ")
    ends at its comma."""
    return _split(text, _BOUNDARY_RE, _BOUNDARY_CUES, structure=True)


def segments(text: str) -> list[Clause]:
    """Split only at strong terminators (but, however, ';' ...): the forward scope of rejection cues."""
    return _split(text, _STRONG_RE, _STRONG_CUES)


def clause_at(cl: list[Clause], pos: int) -> Clause:
    for c in cl:
        if c.start <= pos < c.end:
            return c
    # a position on a terminator belongs to the following clause
    for c in cl:
        if c.start >= pos:
            return c
    return cl[-1]


_QUOTED = re.compile(r'"[^"]{1,200}"|(?:(?<=[\s(])|^)\'[^\']{1,200}\'(?=[\s.,;:!?)]|$)')


def quoted_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(text)]


def is_question(text: str) -> bool:
    return text.rstrip().rstrip("\"')]").endswith("?")


def words_between(toks: list[Token], start: int, end: int) -> int:
    """How many word tokens lie entirely within [start, end)."""
    return sum(1 for t in toks if t.start >= start and t.end <= end)


_SENT_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def last_sentence(text: str) -> str:
    """The last sentence of a (lead-in) paragraph: only it governs the list that follows."""
    parts = _SENT_END.split(text.strip())
    return parts[-1] if parts else text
