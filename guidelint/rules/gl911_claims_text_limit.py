from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from guidelint.finding import Finding
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.page import Page


CODE = "GL911"
LONG_SENTENCE = 2_000  # characters: a longer sentence is not read by the claims rules


@register
class ClaimsTextLimit(Rule):
    """The page has more sentence text than ``limits.max_claim_chars`` (100,000 characters by
    default): the claims rules stop there.

    What it checks: the claims rules (GL401-GL490) read a page's sentences in order, and count
    their characters (with, for a list item's first sentence, the last sentence of the text that
    introduces the list, which they read with it). The sentence that takes the count over the
    limit is where they stop: the finding points at it, and no sentence from there on is checked
    for claims, figures or required claims (a required claim the checked part lacks is not
    reported, since it may come later). The page's other rules still run on the whole page. The
    finding is made only when a claims rule is selected.

    Why: the claims rules cost up to about a tenth of a millisecond for each sentence that names
    a claim, so a five-megabyte page of such sentences took ten seconds, where every other page
    of that size takes under two. Real guide pages are far below the limit (the longest page of
    this repository's guide counts about 21,000 characters). Split the page, or raise
    ``limits.max_claim_chars`` if it is meant to be that long: each 100,000 characters more can
    add up to about half a second.

    Example (with ``max_claim_chars = 40`` in ``[tool.guidelint.limits]``): on
    ``You must be certified. Pay is set by the employer. Ask the board.`` the second sentence
    takes the count to 49 characters: it is reported, and it and the third are not checked.

    Also reported: a sentence longer than 2,000 characters (run-on text with no full stop, often
    a pasted list), and the first item of a list whose introduction's last sentence makes its
    items' first sentences longer than that. The claims engine's work on one sentence grows
    faster than its length (one of 150,000 characters took four seconds), so such a sentence is
    not read by the claims rules; the finding points at it, and checking goes on after it. Break
    it into sentences.

    And: a page's prose is split into sentences at no more than ``limits.max_claim_chars`` places
    where a sentence may end (a full stop, ``!`` or ``?`` before a blank). The claims rules can
    never read more sentences than that, since a sentence has a character at least; past it no
    sentence is made, and the finding points where splitting stopped. Five megabytes of one-word
    sentences made 1.3 million of them (2.6 s and 406 MiB). The reading grade (GL520) is worked
    out on the sentences made.
    """

    code = CODE
    emitted_by = (
        "guidelint.limits.check_page (after the page is built, when a claims rule is selected), "
        "with this module's check_limit"
    )
    name = "claims-text-limit"
    summary = "The page has more sentence text than limits.max_claim_chars; claims stop there"
    scope = "input"


class Budget(NamedTuple):
    """Which sentences of a page the claims rules read: those before ``stop`` but for ``long``."""

    stop: int  # index of the first sentence not read (len(page.sentences): none)
    long: frozenset[int]  # sentences before ``stop`` too long to read (with their list's lead-in)
    # the characters of the page's sentences, counted as the claims rules read them (on a page
    # read whole, with each list item's lead-in counted once for the item: at least that)
    total: int
    # (sentence index, its length, the length of its lead-in's last sentence) of the long
    # sentences to report: each one too long alone, and the first of each list whose lead-in
    # makes its items' first sentences too long
    reported: tuple[tuple[int, int, int], ...] = ()
    # the page's prose was not all split into sentences (limits.max_claim_chars places where a
    # sentence may end were looked at): its sentences stop early, and the page is not read whole
    cut: bool = False

    def reads(self, index: int) -> bool:
        return index < self.stop and index not in self.long

    def complete(self, count: int) -> bool:
        """Whether all ``count`` sentences of the page, and so the whole page, are read."""
        return self.stop >= count and not self.long and not self.cut


def lead_sentences(page: Page) -> dict[str, str]:
    """The page's list lead-ins, each with the part the claims engine reads with a list item's
    first sentence: its last sentence (``guidelint.claims.text.last_sentence``), worked out once
    a page, for the budget and for the claims integration."""
    got: dict[str, str] | None = page.cache.get("claims.lead_sentences")
    if got is None:
        got = page.cache["claims.lead_sentences"] = {}
    return got


def lead_sentence(page: Page, lead: str) -> str:
    """The last sentence of the lead-in ``lead`` (remembered for the page)."""
    lasts = lead_sentences(page)
    got = lasts.get(lead)
    if got is None:
        from guidelint.claims.text import last_sentence

        got = lasts[lead] = last_sentence(lead)
    return got


def budget(page: Page, max_chars: int) -> Budget:
    """The sentences of ``page`` the claims rules read with ``max_chars`` (computed once)."""
    key = f"claims.budget:{max_chars}"
    got: Budget | None = page.cache.get(key)
    if got is None:
        got = page.cache[key] = _count(page, max_chars)
    return got


def _count(page: Page, max_chars: int) -> Budget:
    sentences = page.sentences
    # most pages: far under the limit, with no long sentence, which an upper bound shows at once
    # (each list item's first sentence read with its lead-in's last sentence: at most once a block)
    lens = [len(s.text) for s in sentences]
    extra = longest_lead = 0
    for block in page.blocks:
        lead = block.lead_in
        if lead and block.kind == "list_item":
            n = len(lead_sentence(page, lead))
            extra += n
            longest_lead = max(longest_lead, n)
    bound = sum(lens) + extra
    # (imported here: a run the cache serves never imports the page model)
    from guidelint.page.sentences import SENTENCES_CUT

    cut = SENTENCES_CUT in page.cache
    if bound <= max_chars and max(lens, default=0) + longest_lead <= LONG_SENTENCE:
        return Budget(len(sentences), frozenset(), bound, cut=cut)
    return _count_each(page, max_chars)._replace(cut=cut)


def _count_each(page: Page, max_chars: int) -> Budget:
    """The budget sentence by sentence (a page over the limit, or with a long sentence)."""
    used = 0
    total = 0
    long: set[int] = set()
    reported: list[tuple[int, int, int]] = []
    last_long_lead: str | None = None
    count = len(page.sentences)
    stop = count
    blocks = page.blocks
    for si, sent in enumerate(page.sentences):
        own = len(sent.text)
        lead_len = 0
        lead = None
        if sent.start == 0:
            block = blocks[sent.block]
            lead = block.lead_in if block.kind == "list_item" else None
            if lead:  # the engine reads the lead-in's last sentence before the item's first
                lead_len = len(lead_sentence(page, lead))
        total += own + lead_len
        if stop < count:  # stopped: only counting, for the message
            continue
        if own > LONG_SENTENCE:
            long.add(si)
            reported.append((si, own, 0))
            continue
        if own + lead_len > LONG_SENTENCE:
            long.add(si)
            if lead != last_long_lead:
                last_long_lead = lead
                reported.append((si, own, lead_len))
            continue
        used += own + lead_len
        if used > max_chars:
            stop = si
    return Budget(stop, frozenset(long), total, tuple(reported))


def check_limit(page: Page, max_chars: int) -> list[Finding]:
    """GL911 findings for a page the claims rules do not read whole: the sentence where they stop
    (over ``max_chars``), and the sentences too long to read before it."""
    got = budget(page, max_chars)
    out: list[Finding] = []
    for si, own, lead_len in got.reported:
        sent = page.sentences[si]
        if lead_len:
            message = (
                f"the claims rules read this list item after the last sentence of the text that "
                f"introduces the list ({lead_len:,} characters): together over the "
                f"{LONG_SENTENCE:,} they read, so the claims of this list's items are not "
                "checked; shorten that sentence"
            )
        else:
            message = (
                f"this sentence is {own:,} characters long, over the {LONG_SENTENCE:,} the "
                "claims rules read: its claims are not checked; break it into sentences"
            )
        out.append(Finding(CODE, page.sentence_span(sent, 0, 1), message))
    if got.stop < len(page.sentences):
        sent = page.sentences[got.stop]
        out.append(
            Finding(
                CODE,
                page.sentence_span(sent, 0, 1),
                f"the page has {'at least ' if got.cut else ''}{got.total:,} characters of "
                f"sentences, over the limit of {max_chars:,} (limits.max_claim_chars): claims "
                "are not checked from this sentence on; split the page or raise the limit",
            )
        )
    elif got.cut:
        from guidelint.page.sentences import SENTENCES_CUT

        block, offset = page.cache[SENTENCES_CUT]
        out.append(
            Finding(
                CODE,
                page.blocks[block].span(offset, offset + 1),
                f"the page has more than {max_chars:,} places where a sentence may end "
                "(limits.max_claim_chars, which also counts them): its text is not split into "
                "sentences, and claims are not checked, from here on; split the page or raise "
                "the limit",
            )
        )
    return out
