"""The statistical claims tier (GL490): deterministic training, shipped weights that the training
script reproduces from the corpus, opt-in selection, and the rule's relation to the pattern rules."""

import functools
from pathlib import Path

import pytest
import yaml

from guidelint.claims.evaluate import evaluate, load_set
from guidelint.claims.model import WEIGHTS_PATH, dumps, features, shipped
from guidelint.claims.train import DEFAULT_DATA, page_key, rows_from_items, train
from guidelint.registry import Example, selected_codes
from guidelint.testing import run_example, run_files

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / DEFAULT_DATA
HELDOUT = ROOT / "tests/claims/real/heldout.yaml"


@functools.lru_cache(maxsize=1)
def _dev():
    return load_set(DEV)


def _slice(start: int, stop: int):
    return _dev()[start:stop]


@pytest.fixture
def one_setting(monkeypatch):
    """One point of the settings grid: the tests of the training's mechanics need not search it
    (the shipped-weights test runs the whole grid)."""
    from guidelint.claims import train as train_module

    monkeypatch.setattr(train_module, "GRID_L2", (3e-2,))
    monkeypatch.setattr(train_module, "GRID_MIN_COUNT", (1,))
    monkeypatch.setattr(train_module, "GRID_POS_WEIGHT", (1.0,))


def test_training_is_deterministic(one_setting):
    items = _slice(0, 150)
    first = dumps(train(items, "slice"))
    assert dumps(train(items, "slice")) == first
    # and the weights do depend on the data (a different slice gives a different model)
    assert dumps(train(_slice(150, 300), "slice")) != first


def test_shipped_weights_are_what_the_script_trains_from_the_dev_split():
    """The whole settings grid (6 settings x 5 folds over about thirty features) is retrained
    here: a few seconds, since the model has no word features."""
    fresh = dumps(train(_dev(), DEFAULT_DATA))
    assert WEIGHTS_PATH.read_text(encoding="utf-8") == fresh, (
        "guidelint/claims/model_weights.json is stale: run python -m guidelint.claims.train"
    )


def test_no_never_tuned_page_was_trained_on():
    pages = set(shipped().meta["pages"])
    held = {page_key(it.source_url) for it in load_set(HELDOUT) if it.source_url}
    dev = {page_key(it.source_url) for it in load_set(DEV) if it.source_url and not it.doubtful}
    assert held and not pages & held
    assert pages == dev


def test_rules_verdicts_are_training_features_only():
    from guidelint.claims.train import RULE_PREFIX, text_features

    items = _slice(0, 400)
    rows = rows_from_items(items)
    flagged = [r for r in rows if any(f.startswith(RULE_PREFIX) for f in r.feats)]
    assert flagged and len(flagged) < len(rows)
    # the rules flag mostly violations: their verdicts are what explains those rows away
    assert sum(r.label for r in flagged) > len(flagged) / 2
    for r in flagged:
        assert text_features(r) == [f for f in r.feats if f.startswith("f:")]
    # run time sees only text features, and the shipped model has no word features
    assert all(f.startswith("f:") for f in features("Employers must hire certified staff."))
    assert all(k.split(":")[0] in ("f", "r") for k in shipped().weights)


def test_pack_cues_come_from_the_engine_and_score_like_the_features():
    from guidelint.claims.engine import Engine
    from guidelint.claims.model import cue_policies

    engine = Engine.load()
    # the pack's words for a certification claim are there, though a negation lets it pass
    cues = cue_policies(engine, "Certification is not required to work in most states.")
    assert "P1" in cues and not engine.check(
        "Certification is not required to work in most states."
    )
    assert cue_policies(engine, "The weather was pleasant on the day of the visit.") == frozenset()
    assert "f:no_cue" in features("The weather was pleasant.")
    assert "f:cue_P1" in features("Certification is not required.", cues=frozenset({"P1"}))
    # the fast scoring path (bit sets, memoised sums) is the weights' sum over the named features
    model = shipped()
    for it in _slice(0, 300):
        c = cue_policies(engine, it.text)
        fast = model.score(it.text, it.paragraph, c)
        assert abs(fast - model.probability(features(it.text, it.paragraph, c))) < 1e-12


def test_generic_cues():
    assert "f:not_but" in features("Certification is not just an option but the foundation.")
    assert "f:not_but" not in features("Certification is not required.")
    assert "f:promise2" in features("A stable, rewarding career awaits.")
    assert "f:promise2" not in features("A rewarding career awaits.")
    assert "f:first_person_promise" in features("We guarantee a job.")
    assert "f:first_person_promise" not in features("No school can guarantee a job.")
    question = features("Which certification do I need?")
    assert "f:question" in question and "f:ends_question" in question


def test_doubtful_rows_are_not_trained_on():
    items = load_set(DEV)
    rows = rows_from_items(items)
    assert len(rows) == sum(1 for it in items if not it.doubtful)


def test_figure_features_read_the_paragraph_for_year_and_source():
    bare = features("Assistants earn $40,000 a year.")
    assert "f:figure_no_year" in bare and "f:figure_no_source" in bare
    attributed = features(
        "Assistants earn $40,000 a year.", "According to a 2024 federal survey, pay rose."
    )
    assert "f:figure_no_year" not in attributed and "f:figure_no_source" not in attributed
    assert "f:figure_no_year" not in features("Pay rose in 2024.")  # no figure, no figure cue
    # the paragraph is searched, not tokenized: the same answer as its tokens
    from guidelint.claims.model import _SOURCE, _paragraph_cues, tokens

    for text in ("'data' shows", "data's point", "o'data", "data_x", "the Data.", "datasets"):
        words = set(tokens(text))
        assert _paragraph_cues(text) == ("<year>" in words, bool(words & _SOURCE)), text


def test_gl490_is_opt_in():
    assert "GL490" not in selected_codes(("ALL",), ())
    assert "GL490" not in selected_codes(("GL4",), ())
    assert "GL401" in selected_codes(("GL4",), ())
    assert "GL490" in selected_codes(("GL490",), ())
    assert "GL490" in selected_codes((), (), ("GL490",))
    assert "GL490" not in selected_codes(("GL490",), ("GL490",))


def _page(sentence: str) -> Example:
    return Example("fail", {"page.md": f"---\ntitle: Pay\n---\n\n{sentence}\n"})


def test_gl490_leaves_sentences_a_pattern_rule_flagged(monkeypatch):
    """With a threshold of 0 the model would report every sentence: GL490 still reports only the
    sentences no pattern rule flags (the shipped weights decide how often that happens, not
    whether the tier stands aside)."""
    import dataclasses

    from guidelint.claims import model as model_module

    eager = dataclasses.replace(shipped(), threshold=0.0)
    monkeypatch.setattr(model_module, "shipped", lambda: eager)
    flagged = (
        "You will earn more than $45,000 right after graduation and a stable, rewarding career."
    )
    fine = "Some clinics ask applicants about their schedule."
    rules = frozenset(selected_codes(("GL4",), ()))  # the pattern rules (GL490 is opt-in)
    assert run_files(_page(flagged).files, rules)  # GL408 flags it
    assert not run_files(_page(fine).files, rules)
    assert not run_example("GL490", _page(flagged))
    assert [d.line for d in run_example("GL490", _page(f"{flagged} {fine}"))] == [5]
    assert run_example("GL490", _page(fine))


def test_gl490_finding_names_a_policy_and_is_info():
    found = run_example(
        "GL490", _page("This career is not just a job but a stable, rewarding path.")
    )
    assert len(found) == 1
    assert found[0].severity.value == "info"
    assert found[0].message.split(":")[0] in {f"P{n}" for n in range(1, 10)}


def test_eval_uses_the_shipped_model_on_pages_it_never_saw(tmp_path):
    rows = [
        {
            "text": "This career is not just a job but a stable, rewarding path.",
            "source_url": "https://example.invalid/never-seen",
            "policy": "P8",
            "label": "violation",
            "reason": "a promise with no figure",
        },
        {
            "text": "Some clinics train new staff on the job.",
            "source_url": "https://example.invalid/never-seen",
            "policy": "none",
            "label": "ok",
            "reason": "hedged",
        },
    ]
    path = tmp_path / "rows.yaml"
    path.write_text(yaml.safe_dump(rows), encoding="utf-8")
    res = evaluate(path)["model"]
    assert res["predictions"] == "shipped model"
    assert res["alone"]["overall"]["tp"] == 1 and res["alone"]["overall"]["fp"] == 0
    # the rules flag neither row, so GL490 is the model on both and the combination adds its hit
    assert res["combined"]["overall"]["tp"] == 1


def test_eval_cross_validates_on_the_training_pages(monkeypatch):
    """eval-claims never scores the shipped model on the rows it was fitted on: those rows get
    predictions from models refitted without their fold of pages, with the shipped settings."""
    from guidelint.claims import train as train_module

    calls = []
    real = train_module.out_of_fold

    def recording(rows, settings):
        calls.append((len(rows), settings))
        return real(rows, settings)

    monkeypatch.setattr(train_module, "out_of_fold", recording)
    res = evaluate(DEV)["model"]
    assert res["predictions"] == "cross-validated by page"
    scored = sum(1 for it in _dev() if not it.doubtful)
    assert calls == [(scored, shipped().meta["settings"])]
    alone = res["alone"]["overall"]
    assert alone["tp"] + alone["fn"] > 0


def test_training_script_writes_and_checks_the_weights(tmp_path, capsys, one_setting):
    from guidelint.claims.train import main

    data = tmp_path / "rows.yaml"
    data.write_text(yaml.safe_dump(yaml.safe_load(DEV.read_text(encoding="utf-8"))[:120]))
    out = tmp_path / "weights.json"
    assert main(["--data", str(data), "--out", str(out)]) == 0
    written = out.read_text(encoding="utf-8")
    assert '"trained_on":' in written and len(written) > 1000
    assert main(["--data", str(data), "--out", str(out), "--check"]) == 0
    out.write_text(written.replace('"threshold":', '"threshold": 0.5, "x":', 1))
    assert main(["--data", str(data), "--out", str(out), "--check"]) == 1
    assert "DIFFERS" in capsys.readouterr().out


def test_gl490_stays_quiet_under_a_heading_that_rejects_what_follows():
    sentence = "This career is not just a job but a stable, rewarding path."
    plain = f"---\ntitle: Pay\n---\n\n## Why this field\n\n{sentence}\n"
    assert run_example("GL490", Example("fail", {"page.md": plain}))
    flags = f"---\ntitle: Pay\n---\n\n## Red flags\n\n- {sentence}\n"
    assert not run_example("GL490", Example("fail", {"page.md": flags}))
