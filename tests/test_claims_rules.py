"""GL4xx through the real pipeline: spans, messages, required claims, figure context, extra packs."""

from pathlib import Path

import pytest

from guidelint.registry import get_rule
from guidelint.testing import run_files

GUIDE = """---
title: {title}
---

# {title}

{body}
"""


def diags(files, select=("GL4",)):
    from guidelint.registry import all_rules

    codes = frozenset(r.code for r in all_rules() if any(r.code.startswith(p) for p in select))
    return run_files(files, codes)


def test_claim_span_and_message():
    body = "Training is not free, and you must be certified to work.\n"
    (d,) = diags({"page.md": GUIDE.format(title="A page", body=body)})
    assert d.code == "GL401" and d.line == 7
    line = body.splitlines()[0]
    assert line[d.column - 1 : d.end_column - 1] == "must be certified"
    assert d.message.startswith("P1: ") and "Suggestion:" in d.message


def test_inline_markup_and_list_lead_in():
    body = "To work as a medical assistant you must have:\n\n- a **national certification** such as the CMA\n"
    ds = diags({"page.md": GUIDE.format(title="A page", body=body)})
    assert [d.code for d in ds] == ["GL401"] and ds[0].line == 9


@pytest.mark.parametrize(
    "lead, expected",
    [
        # the claim is whole in an earlier clause of the lead-in: reported once, at the lead-in
        ("The field is future-proof, and you can work in many settings, such as:", [("GL408", 7)]),
        # the list completes the lead-in's claim: each item that completes it is reported
        (
            "Federal law requires every medical assistant to complete:",
            [("GL404", 7), ("GL404", 9), ("GL404", 10)],
        ),
    ],
)
def test_a_lead_in_claim_is_repeated_only_where_its_items_complete_it(lead, expected):
    body = f"{lead}\n\n- clinics in your area\n- hospitals with outpatient wings\n"
    ds = diags({"page.md": GUIDE.format(title="A page", body=body)})
    assert [(d.code, d.line) for d in ds if d.line > 6] == expected


def test_red_flags_section_is_not_a_claim():
    body = "## Red flags\n\n- Programs that promise a guaranteed job.\n- Instant certification with no exam.\n"
    assert diags({"page.md": GUIDE.format(title="A page", body=body)}) == []


def test_required_claim_on_h1_and_section():
    page = GUIDE.format(title="Certification", body="Certification helps you stand out.\n")
    (d,) = diags({"certification.md": page}, select=("GL410",))
    assert d.code == "GL410" and d.line == 5
    ok = GUIDE.format(title="Certification", body="Certification is a voluntary credential.\n")
    assert diags({"certification.md": ok}, select=("GL410",)) == []
    hub = (
        "---\ntitle: Hub\ntype: hub\n---\n\n# Hub\n\n## Do you need certification?\n\n"
        "It helps with jobs.\n\n## Do you need a degree?\n\nNot necessarily.\n"
    )
    (d,) = diags({"hub.md": hub}, select=("GL410",))
    assert d.line == 8


def test_figure_attribution_uses_page_context():
    """GL420 only: the opt-in model tier (GL490) reads no front matter or links."""
    body = "Medical assistants earn about $40,000 a year.\n"
    assert [
        d.code for d in diags({"page.md": GUIDE.format(title="Pay", body=body)}, ("GL42",))
    ] == ["GL420"]
    sourced = (
        "---\ntitle: Pay\nsources:\n  - {title: OES, publisher: BLS, url: 'https://www.bls.gov/oes/', "
        "period: May 2024}\n---\n\n# Pay\n\n" + body
    )
    assert diags({"page.md": sourced}, ("GL42",)) == []
    linked = "Medical assistants earn about $40,000 a year ([BLS, May 2024](https://www.bls.gov/oes/)).\n"
    assert diags({"page.md": GUIDE.format(title="Pay", body=linked)}, ("GL42",)) == []
    # a source and a period named in another sentence of the same paragraph attribute the figure
    para = (
        "According to the Bureau of Labor Statistics, pay data are for May 2024. "
        "The lowest tenth earned under $30,000 a year.\n"
    )
    assert diags({"page.md": GUIDE.format(title="Pay", body=para)}, ("GL42",)) == []
    # ... but not from another paragraph, and a source without a period is not enough
    split = para.replace(". The", ".\n\nThe")
    assert [
        d.code for d in diags({"page.md": GUIDE.format(title="Pay", body=split)}, ("GL42",))
    ] == ["GL420"]
    no_period = "The Bureau of Labor Statistics publishes pay data. The lowest tenth earned under $30,000 a year.\n"
    assert [
        d.code for d in diags({"page.md": GUIDE.format(title="Pay", body=no_period)}, ("GL42",))
    ] == ["GL420"]


def test_rules_are_registered_with_docs():
    rule = get_rule("GL401")
    assert rule is not None and rule.name == "certification-required"
    verdicts = {e.verdict for e in rule.examples()}
    assert verdicts == {"pass", "fail"}
    assert get_rule("GL410").name == "required-claim-missing"


def test_configure_extra_pack_and_builtin_off(tmp_path):
    from guidelint.claims import PackError, configure
    from guidelint.config import load_config

    pack = tmp_path / "extra.yaml"
    pack.write_text(
        Path(__file__)
        .parent.joinpath("test_claims_pack.py")
        .read_text()
        .split('MINIMAL = """\\\n')[1]
        .split('"""')[0],
        encoding="utf-8",
    )
    base = load_config(None)
    cfg = base.with_overrides(claims={"packs": [str(pack)], "builtin": False})
    try:
        engine = configure(cfg)
        assert [r.code for r in engine.all_rules()] == ["XX401"]
        assert get_rule("XX401") is not None and get_rule("GL401") is None
        bad = tmp_path / "bad.yaml"
        bad.write_text("pack: x\nrules: [\n", encoding="utf-8")
        with pytest.raises(PackError) as info:
            configure(base.with_overrides(claims={"packs": [str(bad)], "builtin": True}))
        assert str(bad) in str(info.value)
    finally:
        configure(base)
    assert get_rule("GL401") is not None and get_rule("XX401") is None


@pytest.mark.parametrize(
    "line, found",
    [
        ("Accredited by CAHEEP.", ["'CAHEEP' should be spelt 'CAAHEP'"]),
        (
            "Accredited by CA*HEEP*.",
            ["'CAHEEP' should be spelt 'CAAHEP'"],
        ),  # split by markup in the source
        (
            "Accredités par CAHEEP, à Lyon.",
            ["'CAHEEP' should be spelt 'CAAHEP'"],
        ),  # not ASCII: no quick skip
        ("Accredited by Caahep.", ["'Caahep' should be spelt 'CAAHEP'"]),
        ("Accredited by CAAHEP, see caheep.org.", []),
        ("Nothing to see here.", []),
    ],
)
def test_known_names_found_whatever_the_quick_skip_says(line, found):
    # GL510 skips a page whose lower-cased ASCII prose contains no form; these pages must not be skipped
    got = [d.message for d in diags({"content/a.md": f"# A\n\n{line}\n"}, select=("GL510",))]
    assert got == found


@pytest.mark.parametrize(
    "body,expected",
    [
        # a no answers the question in the next sentence: it takes nothing for granted
        ("Do I need a medical assistant license? No. Ask each employer what it wants.", []),
        # a yes asserts what the question asks; the answer's hedge still counts
        ("Is certification required to work in a clinic? Yes, everywhere.", ["GL401"]),
        ("Is certification required to work in a clinic? Yes, at some clinics.", []),
        # an answer that is neither, or in another paragraph, is not read with the question
        ("Is certification required to work in a clinic? It depends on the employer.", []),
        ("Is certification required to work in a clinic?\n\nYes, everywhere.", []),
    ],
)
def test_question_read_with_its_answer_on_a_page(monkeypatch, body, expected):
    from guidelint.claims import engine as E

    ds = diags({"page.md": GUIDE.format(title="A page", body=body)})
    assert [d.code for d in ds] == expected
    for d in ds:  # the finding stays inside the question
        assert d.line == 7 and d.end_column <= body.index("?") + 2
    monkeypatch.setitem(E.MECHANISMS, "answer_across_sentences", False)
    ds_off = diags({"page.md": GUIDE.format(title="A page", body=body)})
    if body.startswith("Do I need"):
        assert [d.code for d in ds_off] == ["GL402"]  # without it, the presupposition fires
    if "everywhere." in body and "\n" not in body:
        assert ds_off == []
