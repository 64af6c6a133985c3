"""Claims engine: clause scope, negation, hedges, questions, myths, actors, lead-ins, figures."""


import pytest

from guidelint.claims import Engine, FigureContext

ENGINE = Engine.load()


def codes(sentence, **kw):
    return sorted({m.code for m in ENGINE.check(sentence, **kw)})


@pytest.mark.parametrize("sentence,expected", [
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
])
def test_scope(sentence, expected):
    assert codes(sentence) == expected


def test_offsets_underline_the_claim():
    s = "Training is not free, and you must be certified to work."
    (m,) = ENGINE.check(s)
    assert s[m.start:m.end] == m.text == "must be certified"
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
    ms = ENGINE.check("a national certification such as the CMA", lead_in="To work as a medical assistant you must have:")
    assert [m.code for m in ms] == ["GL401"]
    assert ms[0].start >= 0 and ms[0].end <= len("a national certification such as the CMA")
    assert codes("instant certification with no exam", lead_in="Red flags to watch for include:") == []
    # only the lead-in's last sentence governs the list
    assert codes("bring any credential you hold", lead_in="Nothing here is legally allowed to do. When you move:") == []


def test_section_heading_rejects():
    s = "Postings that promise a guaranteed job."
    assert codes("Promised a guaranteed job after graduation.") == ["GL408"]
    assert codes("Promised a guaranteed job after graduation.", section=["Red flags in postings"]) == []
    assert codes(s, section=["What to avoid before paying for a program"]) == []


def test_headings_and_table_cells():
    assert codes("Do you need certification?", kind="heading") == []
    assert codes("Voluntary, but often preferred by employers", kind="table") == []
    assert codes("Certification required", kind="table") == []  # no verb: not asserted as a sentence


def test_figures_and_promises():
    assert codes("Medical assistants earn about $40,000 a year.") == ["GL420"]
    assert codes("You will earn $50,000 a year.") == ["GL408"]  # the promise covers the figure
    assert codes("Tuition costs $3,000.") == []
    assert codes("According to the BLS (May 2024 data), median pay was $44,200.") == []
    s = "Medical assistants earn about $40,000 a year."
    assert codes(s, figures=FigureContext(front_matter_dated_source=True)) == []
    assert codes(s, figures=FigureContext(source_in_paragraph=True, period_in_paragraph=True)) == []
    assert codes(s, figures=FigureContext(source_in_paragraph=True)) == ["GL420"]
    assert [f[2] for f in ENGINE.find_figures("Jobs are projected to grow 14 percent.")] == ["GL420"]
    assert [m.code for m in ENGINE.find_promises("Guaranteed job placement.")] == ["GL408"]


def test_required_claims():
    reqs = dict((q.name, q) for q, _ in ENGINE.requirements_for("guide", "certification"))
    q = reqs["certification-voluntary-stated"]
    assert ENGINE.requirement_met(q, ["Certification is generally voluntary."])
    assert ENGINE.requirement_met(q, ["It is not a legal requirement in most states."])
    assert not ENGINE.requirement_met(q, ["Certification is not voluntary."])
    assert not ENGINE.requirement_met(q, ["Is certification voluntary?"])
    assert not ENGINE.requirement_met(q, ["Certification helps you get hired."])
    hub = ENGINE.requirements_for("hub", "how-to-become-a-medical-assistant")
    assert [a.section.pattern for _, a in hub] == ["^do you need certification"]
    (scope, _), = ENGINE.requirements_for("guide", "scope-of-practice")
    assert ENGINE.requirement_met(scope, ["What you may do depends on state law, employer policy and supervision."])
    assert not ENGINE.requirement_met(scope, ["What you may do depends on state law."])


def test_very_long_sentence_still_finds_its_one_violation():
    """A 50 KB run-on sentence (one clause, many near-claims) is checked in full: the engine
    scans each clause once per pattern instead of once per match (behaviour only, no timing)."""
    from guidelint.claims import Engine

    engine = Engine.load()
    filler = ("the clinic schedules the patient visit and it is required that this office keeps "
              "the records current for the physician who reviews them ")
    words = []
    while sum(len(w) + 1 for w in words) < 26_000:
        words.append(filler)
    text = " ".join(words) + " you must be certified to work here " + " ".join(words)
    text = text.replace("it is required that", "it is noted that")
    assert len(text) > 50_000
    found = [m for m in engine.check(text) if m.code == "GL401"]
    assert len(found) == 1
    assert found[0].text == "must be certified"
    assert text[found[0].start:found[0].end] == "must be certified"
