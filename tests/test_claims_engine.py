"""Claims engine: clause scope, negation, hedges, questions, myths, actors, lead-ins, figures."""

import pytest

from guidelint.claims import Engine, FigureContext

ENGINE = Engine.load()


def codes(sentence, **kw):
    return sorted({m.code for m in ENGINE.check(sentence, **kw)})


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # negation governs only its own clause
        ("Certification is not required by law, but most employers in this area require it.", []),
        ("Training is not free, and you must be certified to work.", ["GL401"]),
        # contractions
        ("Certification isn't required.", []),
        ("You don't need to be certified.", []),
        ("You aren't required to get certified.", []),
        ("You won't need a certification for office roles.", []),
        # double negatives assert the claim
        ("You cannot work as a medical assistant without certification.", ["GL401"]),
        ("No clinic will hire you without a CMA.", ["GL401"]),
        ("Neither federal law nor most states require medical assistants to be certified.", []),
        # questions assert nothing
        ("Do you need certification?", []),
        ("Is a medical assistant a nurse?", []),
        # quoted or rejected myths
        ("A common myth is that you must be certified.", []),
        ("Ignore ads claiming 'instant certification'.", []),
        ("That you must be certified is a myth.", []),
        ("People often say certification is mandatory, but that is a misconception.", []),
        # hedges and aggravators
        ("Many employers require certification.", []),
        ("Employers always require certification.", ["GL401"]),
        # other professions and neutral mentions
        ("Nurses must be licensed.", []),
        ("A medical assistant supports licensed providers.", []),
        ("This guide explains certification, licensing, training length, and pay.", []),
        # several claims in one sentence
        ("You must be certified and hold a medical assistant license.", ["GL401", "GL402"]),
        # pronouns refer back inside the sentence
        ("Certification isn't cheap, but it is required for all medical assistants.", ["GL401"]),
    ],
)
def test_scope(sentence, expected):
    assert codes(sentence) == expected


def test_offsets_underline_the_claim():
    s = "Training is not free, and you must be certified to work."
    (m,) = ENGINE.check(s)
    assert s[m.start : m.end] == m.text == "must be certified"
    assert m.policy == "P1" and m.suggestion and m.why and m.severity == "error"


def test_multiple_matches_are_separate():
    s = "You must be certified, and it takes 9 months to become a medical assistant."
    ms = ENGINE.check(s)
    assert [m.code for m in ms] == ["GL401", "GL405"]
    assert ms[0].end <= ms[1].start


def test_curly_quotes_and_apostrophes():
    assert codes("You don\u2019t need to be certified.") == []
    assert codes("Ignore ads claiming \u201cinstant certification, no exam\u201d.") == []


def test_lead_in_context():
    assert codes("a CMA or RMA credential", lead_in="Some employers ask for:") == []
    ms = ENGINE.check(
        "a national certification such as the CMA",
        lead_in="To work as a medical assistant you must have:",
    )
    assert [m.code for m in ms] == ["GL401"]
    assert ms[0].start >= 0 and ms[0].end <= len("a national certification such as the CMA")
    assert (
        codes("instant certification with no exam", lead_in="Red flags to watch for include:") == []
    )
    # only the lead-in's last sentence governs the list
    assert (
        codes(
            "bring any credential you hold",
            lead_in="Nothing here is legally allowed to do. When you move:",
        )
        == []
    )


def test_section_heading_rejects():
    s = "Postings that promise a guaranteed job."
    assert codes("Promised a guaranteed job after graduation.") == ["GL408"]
    assert (
        codes("Promised a guaranteed job after graduation.", section=["Red flags in postings"])
        == []
    )
    assert codes(s, section=["What to avoid before paying for a program"]) == []


def test_headings_and_table_cells():
    assert codes("Do you need certification?", kind="heading") == []
    assert codes("Voluntary, but often preferred by employers", kind="table") == []
    assert (
        codes("Certification required", kind="table") == []
    )  # no verb: not asserted as a sentence


def test_figures_and_promises():
    assert codes("Medical assistants earn about $40,000 a year.") == ["GL420"]
    assert codes("You will earn $50,000 a year.") == ["GL408"]  # the promise covers the figure
    assert codes("Tuition costs $3,000.") == []
    assert codes("According to the BLS (May 2024 data), median pay was $44,200.") == []
    s = "Medical assistants earn about $40,000 a year."
    assert codes(s, figures=FigureContext(front_matter_dated_source=True)) == []
    assert codes(s, figures=FigureContext(source_in_paragraph=True, period_in_paragraph=True)) == []
    assert codes(s, figures=FigureContext(source_in_paragraph=True)) == ["GL420"]
    # the paragraph's sources may be given as a function: asked only for a figure with a period
    asked = []

    def sources(answer):
        def ask():
            asked.append(answer)
            return answer

        return ask

    assert codes(s, figures=FigureContext(source_in_paragraph=sources(True))) == ["GL420"]
    assert asked == []  # no period: reported whatever the sources say
    dated = FigureContext(source_in_paragraph=sources(True), period_in_paragraph=True)
    assert codes(s, figures=dated) == [] and asked == [True]
    dated = FigureContext(source_in_paragraph=sources(False), period_in_paragraph=True)
    assert codes(s, figures=dated) == ["GL420"] and asked == [True, False]
    assert [f[2] for f in ENGINE.find_figures("Jobs are projected to grow 14 percent.")] == [
        "GL420"
    ]
    assert [m.code for m in ENGINE.find_promises("Guaranteed job placement.")] == ["GL408"]


def test_required_claims():
    reqs = {q.name: q for q, _ in ENGINE.requirements_for("guide", "certification")}
    q = reqs["certification-voluntary-stated"]
    assert ENGINE.requirement_met(q, ["Certification is generally voluntary."])
    assert ENGINE.requirement_met(q, ["It is not a legal requirement in most states."])
    assert not ENGINE.requirement_met(q, ["Certification is not voluntary."])
    assert not ENGINE.requirement_met(q, ["Is certification voluntary?"])
    assert not ENGINE.requirement_met(q, ["Certification helps you get hired."])
    hub = ENGINE.requirements_for("hub", "how-to-become-a-medical-assistant")
    assert [a.section.pattern for _, a in hub] == ["^do you need certification"]
    ((scope, _),) = ENGINE.requirements_for("guide", "scope-of-practice")
    assert ENGINE.requirement_met(
        scope, ["What you may do depends on state law, employer policy and supervision."]
    )
    assert not ENGINE.requirement_met(scope, ["What you may do depends on state law."])


def test_very_long_sentence_still_finds_its_one_violation():
    """A 50 KB run-on sentence (one clause, many near-claims) is checked in full: the engine
    scans each clause once per pattern instead of once per match (behaviour only, no timing)."""
    from guidelint.claims import Engine

    engine = Engine.load()
    filler = (
        "the clinic schedules the patient visit and it is required that this office keeps "
        "the records current for the physician who reviews them "
    )
    words = []
    while sum(len(w) + 1 for w in words) < 26_000:
        words.append(filler)
    text = " ".join(words) + " you must be certified to work here " + " ".join(words)
    text = text.replace("it is required that", "it is noted that")
    assert len(text) > 50_000
    found = [m for m in engine.check(text) if m.code == "GL401"]
    assert len(found) == 1
    assert found[0].text == "must be certified"
    assert text[found[0].start : found[0].end] == "must be certified"


# ------------------------------------------------------------------ the prefilter skips work only
PREFILTER_EDGE_CASES = [
    "YOU MUST BE CERTIFIED TO WORK.",
    "You muſt be certified to work.",  # not ASCII: re.IGNORECASE matches "ſ" for "s"
    "Licenſed medical aſſiſtants earn $45,000 a year.",
    "Become a medical assistant within 6 weeks, or in 6 weeks, or built-in 6 weeks.",
    "You must be certified;but not everywhere.",
    "Certification is required-but only in some states.",
    "Guaranteed 100%placement, 100% placement, 100%-placement.",
    "MAs must be licensed.",
    "mas must be licensed.",
    "The CMAs are licensed nurses.",
    "Our CAHEEP-accredited program and the ABHESS school.",
    "Earn 45,000 dollars (USD) per year, or 12 percent more.",
    "Medical assistants earn about $40,000 a year (2024 data).",
    "It is a myth that you must be certified.",
    "Red flags: certification is mandatory.",
    "Certification\tis\nrequired.",
    "Certification is\u00a0required.",
    "\u201cYou must be certified,\u201d they say.",
]


def _prefilter_sentences():
    from pathlib import Path

    from guidelint.claims.evaluate import load_set

    here = Path(__file__).parent / "claims"
    items = [
        (it.text, it.lead_in)
        for name in ("devset", "heldout", "reviewer-heldout", "real/dev")
        for it in load_set(here / f"{name}.yaml")
    ]
    items += [
        (s, None)
        for r in [*ENGINE.rules, *ENGINE.figure_rules]
        for s in (*r.examples.ok, *r.examples.violation)
    ]
    items += [(s, None) for s in PREFILTER_EDGE_CASES]
    items += [(s, "You must:") for s in PREFILTER_EDGE_CASES]
    return items


def test_prefilter_changes_no_result(monkeypatch):
    """The prefilter only skips rules, patterns and cues that cannot match: without it (every
    sentence treated like a non-ASCII one) every sentence gets the same matches."""
    from guidelint.claims.prefilter import Prefilter

    items = _prefilter_sentences()
    required = [patterns for q in ENGINE.requirements for patterns in (q.any, *q.all) if patterns]
    sections = [(), ("Red flags",)]

    def run():
        return (
            [
                ENGINE.check(s, lead_in=lead_in, section=sections[i % 2])
                for i, (s, lead_in) in enumerate(items)
            ],
            [
                [ENGINE.asserts(s, patterns, lead_in=lead_in) for patterns in required]
                for s, lead_in in items
            ],
        )

    with_prefilter = run()
    assert sum(map(len, with_prefilter[0])) > 100 and any(map(any, with_prefilter[1]))
    monkeypatch.setattr(Prefilter, "bits", lambda self, full: None)
    assert run() == with_prefilter


def test_cue_branches_change_no_result(monkeypatch):
    """Scanning only the branches of a cue alternation whose literals a sentence has finds what
    scanning the whole alternation finds."""
    from guidelint.claims.engine import _Sentence

    items = _prefilter_sentences()
    sections = [(), ("Red flags",)]

    def run():
        return [
            ENGINE.check(s, lead_in=lead_in, section=sections[i % 2])
            for i, (s, lead_in) in enumerate(items)
        ]

    by_branch = run()
    assert sum(map(len, by_branch)) > 100
    assert any(rx.parts for rx in ENGINE._cue_regexes())
    monkeypatch.setattr(_Sentence, "branches", lambda self, rx: [rx] if rx is not None else [])
    assert run() == by_branch


def test_prefilter_rules_out_sentences_by_whole_words():
    pf = ENGINE.prefilter()
    assert pf.screen("The clinic opens at nine and closes at five.") is None
    # "in" and "year" are words here, not parts of "within" and "yearly": GL405 cannot match
    assert pf.screen("Train within the yearly budget.") is None
    _bits, plan, figures = pf.screen("Become a medical assistant in 6 weeks.")
    assert [r.code for r, _ in plan] == ["GL405"] and figures == []
    assert pf.screen("Medical assistants earn $40,000 a year.")[2] == ENGINE.figure_rules


def test_prefilter_matches_the_plain_computation():
    """The prefilter's shortcuts (token bits found through the texts' first characters, plans
    remembered by the bits they depend on) give each sentence the bits and the plan that the plain
    computation gives: every literal looked for in every token, every anchor's patterns tried."""
    import re

    from guidelint.claims.patterns import WORD_RUN
    from guidelint.claims.prefilter import Prefilter

    others = [*ENGINE._required_patterns(), *ENGINE._cue_regexes(), *ENGINE._cue_parts()]
    fresh = Prefilter(ENGINE.rules, ENGINE.figure_rules, others)  # its memos start empty

    def plain_bits(pf, full):
        bits = 0
        for tok in full.split():
            low = tok.lower()
            for run in WORD_RUN.findall(tok):
                bits |= pf._words.get(run.lower(), 0) | pf._cased_words.get(run, 0)
                for (prefix, cased), b in pf._prefixes.items():
                    if (run if cased else run.lower()).startswith(prefix):
                        bits |= b
            for (text, cased), b in pf._texts.items():
                if text in (tok if cased else low):
                    bits |= b
        return bits

    def plain_plan(pf, bits):
        figures = [fr for fr, need in pf._figure_needs if bits & need == need]
        found = list(pf._always)
        for anchor, pats in sorted(pf._filed.items()):  # (anchor bits, lowest first)
            if bits & anchor:
                found += [(i, pat) for i, pat, need in pats if bits & need == need]
        by_rule: dict = {}
        for i, pat in sorted(found, key=lambda f: f[0]):
            by_rule.setdefault(i, []).append(pat)
        plan = [(pf._rules[i], pats) for i, pats in by_rule.items()]
        return (bits, plan, figures) if plan or figures else None

    items = [s for s, _ in _prefilter_sentences()]
    items += [s.upper() for s in items[:300]] + [re.sub(r"\s+", " ", s) for s in items[:300]]
    planned = screened = 0
    for full in items:
        if not full.isascii():
            continue
        bits = fresh.bits(full)
        assert bits == plain_bits(fresh, full), full
        expected = plain_plan(fresh, bits) if bits & fresh._any_bit else None
        assert fresh.screen(full) == expected, full
        planned += expected is not None
        screened += bool(bits & fresh._any_bit)
    # sentences with the same plan bits share a remembered plan
    assert planned > 1000 and len(fresh._plans) < screened


def test_clause_split_lookahead_changes_no_match():
    """The clause regexes look at a match's first character before trying their alternatives:
    the same matches as without that look, in ASCII text and in text whose letters fold under
    re.IGNORECASE ("ſ" for "s", "K", the Kelvin sign, for "k")."""
    import re

    from guidelint.claims import text as tx

    plain = {
        tx._BOUNDARY_RE: re.compile(f"{tx._STRONG}|{tx._WEAK}", re.IGNORECASE),
        tx._STRONG_RE: re.compile(tx._STRONG, re.IGNORECASE),
    }
    assert tx._BOUNDARY_RE.pattern.startswith(tx._FIRST)
    assert tx._STRONG_RE.pattern.startswith(tx._FIRST_STRONG)
    samples = [s for s, _ in _prefilter_sentences()]
    samples += [
        f"{a}{j}{w} x"
        for a in ("a", "")
        for w in ("but", "WHILE", "yet", "since", "which", "because of", "Because")
        for j in (" ", ",", ", ", ":", ";", " - ", "? ", "\u00a0-\u00a0", "\t")
    ]
    samples += [s.replace("s", "\u017f").replace("k", "\u212a") for s in samples[:500]]
    samples += [s.upper() for s in samples[:500]]
    found = 0
    for sample in samples:
        for fast, slow in plain.items():
            got = [(m.span(), m.group()) for m in fast.finditer(sample)]
            assert got == [(m.span(), m.group()) for m in slow.finditer(sample)], sample
            found += len(got)
    assert found > 1000


def test_clause_cues_cover_every_terminator():
    """text._split answers "one clause" for an ASCII text without the cue strings: every
    terminator match must contain one of them."""
    from guidelint.claims import text as tx

    words = [
        "but",
        "However",
        "ALTHOUGH",
        "though",
        "Whereas",
        "yet",
        "EXCEPT",
        "while",
        "Because",
        "and",
        "So",
        "since",
        "which",
    ]
    joints = [" ", ", ", ",", "; ", " - ", "? ", ": ", ":", "\t-\t", "?\n", " -", "- "]
    samples = [f"a{j}{w} b" for w in words for j in joints] + [f"a{j}b" for j in joints]
    samples += [s for s, _ in _prefilter_sentences()]
    for sample in samples:
        for rx, cues in ((tx._BOUNDARY_RE, tx._BOUNDARY_CUES), (tx._STRONG_RE, tx._STRONG_CUES)):
            for m in rx.finditer(sample):
                assert any(c in m.group().lower() for c in cues), (sample, m.group())


@pytest.mark.parametrize(
    "sentence,expected",
    [
        # an answer particle is not a negation of what follows
        ("No, certification is not universally required.", []),
        ("Do medical assistants need certification? The answer depends on the job.", []),
        # a colon after a list lead-in does not end the clause the list completes
        ("The requirements are: a diploma, an externship and a certification exam.", ["GL401"]),
        ("Job ads in our area list: a diploma and, often, a certification.", []),
        # the ", and" closing a series keeps the obligation that opened it
        (
            "To work as an MA you must finish high school, a training program, an externship, "
            "and pass a national certification exam.",
            ["GL401"],
        ),
        ("Certification is not required, and many people start working without it.", []),
        # a fronted concessive clause ends at its comma
        ("Although you can work without certification, it is essential to get one.", ["GL401"]),
        ("Although certification is essential for some roles, most clinics train on the job.", []),
        # "because of" heads a phrase, not a clause: the phrase's credential is the claim's cause
        (
            "Because of their certification, CMAs get to perform more advanced clinical tasks, "
            "such as giving medications under supervision.",
            ["GL403"],
        ),
        # a relative clause split off at ", which" still has its subject
        ("Clinics prefer a certification, which is the real requirement everywhere.", ["GL401"]),
        # conditional obligations and state-specific rules are not universal claims
        ("The exam you must pass to earn the CMA is offered by the AAMA.", []),
        ("In New Jersey, you must be certified to give injections.", []),
        ("Graduates have to sit a national certification exam.", ["GL401"]),
        # a possessive actor names whose noun it is, not who acts: the claim is the employer's
        ("Doctors' offices expect every medical assistant to be certified.", ["GL401"]),
        ("A physician's practice requires certification of its assistants.", ["GL401"]),
        ("Physicians expect their nurses to be certified.", []),
        ("Nurses must be licensed.", []),
        # when no actor precedes the claim, the clause's next actor is the one it is about
        ("With training, education and licensing, nurses can advance.", []),
        ("With training, education and licensing, you can advance.", ["GL413"]),
        # ... but only an actor right after the fronted phrase's comma, never the claim's object
        ("Certification is required to work alongside doctors.", ["GL401"]),
        ("Being certified is mandatory for anyone who wants to support physicians.", ["GL401"]),
        # an actor that is a prepositional object is not the one who acts, unless it heads a
        # relative clause ("with professionals who hold licenses")
        ("You must be certified to work with nurses.", ["GL401"]),
        ("Medical assistants, unlike nurses, must be certified.", ["GL401"]),
        ("Medical assistants work with professionals who hold licenses.", []),
        # an other actor coordinated with the guarded one shares the claim
        ("Nurses and medical assistants must be licensed.", ["GL402"]),
        ("Nurses, unlike medical assistants, must be licensed.", []),
        # an elliptical clause asserts the negated claim again, of its own subject, with its own
        # hedges, aggravators and negations
        ("Most states do not require certification, but virtually all employers do.", ["GL401"]),
        ("Most states do not require certification, but many employers do.", []),
        ("Certification is not required by law, and neither employers nor clinics do.", []),
        ("Medical assistants don't need a license, but nurses do.", []),
        # "rarely" and "seldom" negate what they govern
        ("Medical assistants are rarely licensed.", []),
        # "X or not" is no negation
        ("Believe it or not, medical assistants are licensed.", ["GL402"]),
        # a pronoun stands for the nearest actor named before it
        ("An MA's scope is narrower than an LPN's, which is a licensed role.", []),
        (
            "MAs give injections, but their scope varies with the state where they are licensed.",
            ["GL402"],
        ),
        # an embedded "whether" question asserts nothing, up to its comma when it opens the clause
        ("The question is whether an MA needs a license, and the answer is no.", []),
        ("Employers decide whether you must be certified.", []),
        ("Whether you work in a clinic or a hospital, you must be certified.", ["GL401"]),
        ("Whether or not you like it, you must be certified.", ["GL401"]),
        # "which" stands for a subject named before it, as "it" does
        ("After school, the next step is to get certified, which is required to work.", ["GL401"]),
        ("Graduates earn a diploma, which is required to work.", []),
        # a relative clause split off at ", which" is qualified by the hedges of its antecedent
        ("Medical assistant programs usually end in a diploma, which takes about a year.", []),
        ("Medical assistant programs end in a diploma, which takes about a year.", ["GL405"]),
        # a question answered "no" asserts nothing, not even what its words presuppose
        ("Do I need a medical assistant license? Put simply, no.", []),
        ("Do I need a medical assistant license? It depends.", ["GL402"]),
        # a negation of an earlier conjunct does not cancel the one governing the claim
        ("You are not licensed and you are not required to get certified.", []),
        (
            "Medical assistants are not licensed but are required to hold a certification.",
            ["GL401"],
        ),
    ],
)
def test_clause_structure_and_conditions(sentence, expected):
    assert codes(sentence) == expected


# Round-4 mechanisms (engine.MECHANISMS): each case fails with its mechanism switched off, and the
# cases that must stay silent are silent either way.
MECHANISM_CASES = {
    "answered_yes": [
        ("Is certification required to get a job? Yes.", ["GL401"]),
        ("Do clinics need certified assistants? Definitely, all of them do.", ["GL401"]),
        ("Is a license required to work as a medical assistant? Yes, it is.", ["GL402"]),
    ],
    "expletive_it": [
        ("It is necessary to obtain a certification before your first job.", ["GL401"]),
        ("It is mandatory for new hires to pass the certification exam.", ["GL401"]),
    ],
    "parenthetical_relative": [
        ("Certification, which many employers prefer, is required to work.", ["GL401"]),
        ("The NHA, which gives the CCMA exam, is an accrediting agency.", ["GL414"]),
    ],
    "mandate_complement": [
        ("Clinics require their assistants to hold a certification.", ["GL401"]),
        ("Hospitals require new assistants to earn a CMA credential.", ["GL401"]),
    ],
}

# Silent with every mechanism on: the answer or the clause qualifies or denies the claim.
MECHANISM_SILENT = [
    "Is certification required to get a job? Yes, at some clinics.",
    "Is certification required to get a job? Absolutely not.",
    "Is certification required to get a job?",
    "Is certification required to get a job? Usually, yes.",
    "Can you work without a certification? Yes.",
    "It is not necessary to obtain a certification before your first job.",
    "It is often wise to obtain a certification before your first job.",
    "To earn the CMA credential, you must pass the certification exam.",
    "The exam you must pass to earn the CMA credential is given by the AAMA.",
    "Certification, which many employers prefer, is optional.",
    "The AAMA, which certifies people, does not accredit programs.",
    "Certification, which is voluntary, is preferred by many employers.",
]


@pytest.mark.parametrize(
    "mechanism,sentence,expected",
    [(k, s, e) for k, cases in MECHANISM_CASES.items() for s, e in cases],
)
def test_round4_mechanisms_and_their_switches(monkeypatch, mechanism, sentence, expected):
    from guidelint.claims import engine as E

    assert codes(sentence) == expected
    monkeypatch.setitem(E.MECHANISMS, mechanism, False)
    assert codes(sentence) == []


@pytest.mark.parametrize("sentence", MECHANISM_SILENT)
def test_round4_mechanisms_keep_qualified_claims_silent(sentence):
    assert codes(sentence) == []
