"""limits.max_claim_chars and GL911: the claims rules read a page's sentences up to a budget of
characters, skip a sentence too long to read, and say where they stopped; under the budget nothing
changes. Also: the claims integration's per-page shortcuts (a list's lead-in reduced once, the
blocks with a link out found once) give the engine exactly what it was given before."""

import json

import pytest
from conftest import write_site

from guidelint.claims import integration
from guidelint.claims.engine import FigureContext
from guidelint.page import build_page
from guidelint.rules import gl911_claims_text_limit as gl911

FM = "---\ntitle: Work\ntype: guide\n---\n\n# Work\n\n"
LIMITS = "\n[tool.guidelint.limits]\nmax_claim_chars = {}\n"


def _check(run_cli, root, *args):
    code, out, err = run_cli("check", "--format", "json", "--no-cache", *args, cwd=root)
    assert "Traceback" not in err and code in (0, 1), (code, err)
    return json.loads(out)


def _lines(found, code):
    return sorted(d["line"] for d in found if d["code"] == code)


def test_claims_stop_at_the_sentence_over_the_limit(tmp_path, run_cli):
    # the H1 (4 characters) and three claim sentences of 22 on lines 8, 10, 12: 50 reads two
    page = FM + "You must be certified.\n\nYou must be certified.\n\nYou must be certified.\n"
    write_site(tmp_path, {"page.md": page}, LIMITS.format(50))
    found = _check(run_cli, tmp_path)
    assert _lines(found, "GL401") == [8, 10]
    [stop] = [d for d in found if d["code"] == "GL911"]
    assert stop["line"] == 12 and stop["column"] == 1
    assert "70 characters of sentences, over the limit of 50" in stop["message"]
    assert "limits.max_claim_chars" in stop["message"]


def test_under_the_limit_the_report_is_the_same(tmp_path, run_cli):
    page = FM + "You must be certified.\n\nYou must be certified.\n\nYou must be certified.\n"
    # exactly the page's 70 characters (the H1 is 4)
    write_site(tmp_path, {"page.md": page}, LIMITS.format(70))
    at_limit = _check(run_cli, tmp_path)
    write_site(tmp_path, {"page.md": page})  # the default, 100,000
    assert _check(run_cli, tmp_path) == at_limit
    assert _lines(at_limit, "GL401") == [8, 10, 12] and not _lines(at_limit, "GL911")


def test_no_finding_when_no_claims_rule_runs(tmp_path, run_cli):
    page = FM + "You must be certified.\n\nYou must be certified.\n\nYou must be certified.\n"
    write_site(tmp_path, {"page.md": page}, LIMITS.format(30))
    assert _lines(_check(run_cli, tmp_path), "GL911") == [10]
    assert _lines(_check(run_cli, tmp_path, "--ignore", "GL4"), "GL911") == []
    write_site(
        tmp_path,
        {"page.md": page},
        "[tool.guidelint.claims]\nbuiltin = false\n" + LIMITS.format(30),
    )
    assert _lines(_check(run_cli, tmp_path), "GL911") == []


def test_a_required_claim_is_not_reported_missing_on_a_page_not_read_whole(tmp_path, run_cli):
    # the certification page must say certification is voluntary: here it does, after the stop
    body = "Certification helps.\n\nCertification is a voluntary credential.\n"
    files = {"certification.md": "---\ntitle: Certification\ntype: guide\n---\n\n" + body}
    write_site(tmp_path, files, LIMITS.format(30))
    found = _check(run_cli, tmp_path)
    assert _lines(found, "GL911") == [8] and not _lines(found, "GL410")
    write_site(tmp_path, files)  # read whole: the claim is there
    assert not _lines(_check(run_cli, tmp_path), "GL410")
    files["certification.md"] = files["certification.md"].replace("a voluntary", "a useful")
    write_site(tmp_path, files)  # read whole, and missing: reported
    assert _lines(_check(run_cli, tmp_path), "GL410")


def test_sentences_stop_after_max_claim_chars_places_where_one_may_end(tmp_path, run_cli):
    # "A." is an initial: 40 places where a sentence may end, and none does before the claim
    page = FM + "A. " * 40 + "You must be certified.\n"
    write_site(tmp_path, {"page.md": page})
    found = _check(run_cli, tmp_path)
    assert [(d["line"], d["column"]) for d in found if d["code"] == "GL401"] == [(8, 125)]
    assert not _lines(found, "GL911")
    write_site(tmp_path, {"page.md": page}, LIMITS.format(30))  # looks at 30 of the 41
    found = _check(run_cli, tmp_path)
    assert not _lines(found, "GL401")  # the claim is past where sentences stop
    [cut] = [d for d in found if d["code"] == "GL911"]
    assert (cut["line"], cut["column"]) == (8, 1)  # the sentence under way starts the paragraph
    assert "more than 30 places where a sentence may end" in cut["message"]


def test_a_page_cut_short_is_counted_at_least(tmp_path, run_cli):
    # 40 claim sentences on one line, 30 split: the claims stop at the second (H1 4 + 22 + 22)
    page = FM + "You must be certified. " * 40 + "\n"
    write_site(tmp_path, {"page.md": page}, LIMITS.format(30))
    found = _check(run_cli, tmp_path)
    assert _lines(found, "GL401") == [8]
    [stop] = [d for d in found if d["code"] == "GL911"]
    assert "at least 664 characters of sentences" in stop["message"]  # 4 + 30 x 22


def test_a_sentence_too_long_to_read_is_skipped_and_reported(tmp_path, run_cli):
    run_on = "you must be certified, " * 100  # 2,300 characters, no full stop
    page = FM + "You must be certified.\n\nSo " + run_on + "ok.\n\nYou must be certified.\n"
    write_site(tmp_path, {"page.md": page})
    found = _check(run_cli, tmp_path)
    assert _lines(found, "GL401") == [8, 12]  # not one of the run-on sentence's hundred
    [long] = [d for d in found if d["code"] == "GL911"]
    assert long["line"] == 10 and "2,306 characters long, over the 2,000" in long["message"]


def test_a_lead_in_too_long_to_read_with_its_items_is_reported_once(tmp_path, run_cli):
    lead = "So " + "and also " * 230 + "you must:"  # one sentence of 2,082 characters
    page = FM + lead + "\n\n- be certified\n- be licensed\n\n## After\n\nYou must be certified.\n"
    write_site(tmp_path, {"page.md": page})
    found = _check(run_cli, tmp_path)
    long = [d for d in found if d["code"] == "GL911"]
    assert [d["line"] for d in long] == [8, 10]  # the lead-in sentence, the list's first item
    assert "introduces the list (2,082 characters)" in long[1]["message"]
    assert _lines(found, "GL401") == [15]


def test_budget_counts_what_the_engine_reads():
    page = build_page(
        FM + "Intro one. Then you must:\n\n- be certified. And more.\n- be licensed\n",
        "p.md",
        None,
        None,
        None,
        None,
    )
    texts = [s.text for s in page.sentences]
    # the items' first sentences are read after the lead-in's last sentence, "Then you must:"
    lead = len("Then you must:")
    sizes = [len(t) for t in texts]
    sizes[-3] += lead
    sizes[-1] += lead
    whole = gl911.budget(page, 10**6)
    assert whole.stop == len(texts) and not whole.long and whole.total == sum(sizes)
    for limit in range(1, sum(sizes) + 1):
        got = gl911.budget(page, limit)
        read = 0
        while read < len(sizes) and sum(sizes[: read + 1]) <= limit:
            read += 1
        assert got.stop == read, limit


# -- the integration's shortcuts give the engine what it was given before ----------------------
def _naive_matches(page):
    """page_matches as it was: every sentence to the engine with its block's whole lead-in, and
    each figure context looking through every link of the page."""
    engine = integration.engine_for(None)
    out = []
    for si, sent in enumerate(page.sentences):
        block = page.blocks[sent.block]

        def context(b=sent.block, text=block.text):
            return FigureContext(
                source_in_paragraph=any(
                    ln.block == b
                    and ln.kind == "link"
                    and ln.target.startswith(("http://", "https://"))
                    for ln in page.links
                )
                or any(f.sources.search(text) for f in engine.figure_rules),
                period_in_paragraph=any(f.periods.search(text) for f in engine.figure_rules),
                front_matter_dated_source=False,
            )

        lead = block.lead_in if block.kind == "list_item" else None
        for m in engine.check(
            sent.text,
            lead_in=lead if sent.start == 0 else None,
            kind=integration._KINDS.get(block.kind, "text"),
            figures=context,
            section=integration._section_titles(page, block.section),
        ):
            out.append((si, m))
    return out


LEAD_INS = [
    "Graduates often ask about jobs. Employers:",
    "Some facts. Dr. Smith says you must:",
    "Pay varies! In most states you will:",
    "A question? You need to:",
    "One. Two. Three. Under state law, you are not required to:",
    "   ",
    'Read this (note 2). "Quoted." Then you must:',
    "e.g. some words. you must:",
]
ITEMS = [
    "be certified",
    "earn $50,000 a year.",
    "get a job. Pay is $40,000.",
    "hold a license",
    "be a nurse",
]


@pytest.mark.parametrize("lead", LEAD_INS)
def test_page_matches_equal_the_engine_on_every_sentence(lead):
    text = (
        FM
        + f"{lead}\n\n"
        + "".join(f"- {item}\n" for item in ITEMS)
        + "\n## Pay\n\nSee [the survey](https://example.org/pay): pay is $30,000 a year.\n\n"
        + "Pay is $35,000 a year. [More](pay.md)\n\n"
        + f"{lead}\n\n1. {ITEMS[1]}\n2. {ITEMS[0]}\n"
    )
    page = build_page(text, "p.md", None, None, None, None)
    expected = _naive_matches(page)
    assert integration.page_matches(page, None) == expected
    assert expected  # the page has claims to find
