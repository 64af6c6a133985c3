"""The real-text corpus (tests/claims/real): its split, its format, and the engine's floor on it."""

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from guidelint.claims import evaluate
from guidelint.claims.evaluate import load_set
from guidelint.cli import cli

REAL = Path(__file__).parent / "claims" / "real"


def _never_tuned(url: str) -> bool:
    """The split rule written in real/README.md, fixed before the engine ran on any row."""
    return int(hashlib.sha256(url.encode()).hexdigest(), 16) % 4 == 0


def test_every_row_sits_in_the_split_its_page_belongs_to():
    dev = yaml.safe_load((REAL / "dev.yaml").read_text(encoding="utf-8"))
    held = yaml.safe_load((REAL / "heldout.yaml").read_text(encoding="utf-8"))
    assert all(not _never_tuned(r["source_url"]) for r in dev)
    assert all(_never_tuned(r["source_url"]) for r in held)
    dev_pages = {r["source_url"] for r in dev}
    held_pages = {r["source_url"] for r in held}
    assert not dev_pages & held_pages
    assert len(held_pages) * 4 >= len(dev_pages | held_pages), "at least a quarter of the pages"


def test_corpus_size_and_shape():
    dev, held = load_set(REAL / "dev.yaml"), load_set(REAL / "heldout.yaml")
    rows = dev + held
    assert len(rows) >= 800
    assert len({r.source_url for r in rows}) >= 80
    texts = [r.text for r in rows]
    assert len(set(texts)) == len(texts), "duplicate rows"
    scored = [r for r in rows if not r.doubtful]
    assert sum(1 for r in scored if r.expected) >= 60
    assert sum(1 for r in scored if not r.expected and r.policy != "none") >= 300  # hard "ok" rows
    for split in (dev, held):
        assert any(r.doubtful for r in split)
    old = {
        i.text
        for name in ("devset", "heldout", "reviewer-heldout")
        for i in load_set(REAL.parent / f"{name}.yaml")
    }
    assert not old & set(texts), "real rows must not repeat the hand-written sets"


def _rows_without_untuned_pages(split: str, tmp_path: Path) -> Path:
    """The split's rows minus the pages listed in real/untuned-pages.txt: pages added to the
    corpus after the floor was set, which the engine has not been tuned on yet (the tuner
    removes a page from that list once the engine has been tuned with it in dev)."""
    listed = REAL / "untuned-pages.txt"
    untuned = set(listed.read_text(encoding="utf-8").split()) if listed.exists() else set()
    rows = yaml.safe_load((REAL / f"{split}.yaml").read_text(encoding="utf-8"))
    out = tmp_path / f"{split}.yaml"
    out.write_text(yaml.safe_dump([r for r in rows if r["source_url"] not in untuned]))
    return out


def test_real_dev_split_meets_its_floor(tmp_path):
    """Tuned on: a regression fails CI. (Measured when the floor was set: P 1.000, R 0.891 on
    595 rows; after tuning on round 2's rows too: P 0.990, R 0.932 on 1,113; after round 3's:
    P 0.995, R 0.901 on 2,413.) Pages added since and not yet tuned on are left out (see
    _rows_without_untuned_pages)."""
    res = evaluate(_rows_without_untuned_pages("dev", tmp_path))
    overall = res["engine"]["overall"]
    assert overall["precision"] >= 0.95 and overall["recall"] >= 0.85, res["engine"]
    assert overall["f1"] > res["baseline"]["overall"]["f1"] + 0.25
    assert res["doubtful"] > 50 and res["pages"] >= 100


def test_never_tuned_split_loads():
    """Never tuned on; its numbers are reported in the README and notes, not asserted here
    beyond the file being well formed. Round 1 (230 rows, after tuning on dev only): precision
    0.900, recall 0.818, F1 0.857; keyword baseline F1 0.590; before the work 0.75 / 0.41.
    Round 2 (401 rows, after tuning on the round-2 dev rows too): 0.692 / 0.545, F1 0.610,
    baseline F1 0.404; the round-1 engine scored 0.679 / 0.576 on the same rows."""
    held = load_set(REAL / "heldout.yaml")
    assert len(held) >= 200 and len({r.source_url for r in held}) >= 40


@pytest.mark.parametrize(
    "row,message",
    [
        (
            {"text": "x", "source_url": "u", "policy": "P1", "label": "maybe", "reason": "r"},
            "label",
        ),
        ({"text": "x", "source_url": "u", "policy": "P10", "label": "ok", "reason": "r"}, "policy"),
        (
            {"text": "x", "source_url": "u", "policy": "none", "label": "violation", "reason": "r"},
            "names the policy",
        ),
        ({"text": "x", "source_url": "u", "policy": "P1", "label": "ok"}, "missing reason"),
        (
            {
                "text": "x",
                "source_url": "u",
                "policy": "P1",
                "label": "ok",
                "reason": "r",
                "note": 1,
            },
            "unknown field",
        ),
    ],
)
def test_bad_rows_are_reported_with_their_number(tmp_path, row, message):
    good = {"text": "y", "source_url": "u", "policy": "P1", "label": "ok", "reason": "r"}
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump([good, row]), encoding="utf-8")
    with pytest.raises(ValueError, match=rf"row 2: .*{message}"):
        load_set(path)
    res = CliRunner().invoke(cli, ["eval-claims", str(path)])
    assert res.exit_code == 2 and "row 2" in res.output and "Traceback" not in res.output


def test_policy_scoring_doubtful_rows_and_paragraphs(tmp_path):
    rows = [
        # a violation found: TP for P1
        {
            "text": "You must be certified to work.",
            "source_url": "a",
            "policy": "P1",
            "label": "violation",
            "reason": "r",
        },
        # a fine sentence the engine leaves alone
        {
            "text": "Certification is voluntary.",
            "source_url": "a",
            "policy": "P1",
            "label": "ok",
            "reason": "r",
        },
        # doubtful: flagged by the engine, but not scored
        {
            "text": "Certification is required.",
            "source_url": "b",
            "policy": "P1",
            "label": "ok",
            "reason": "r",
            "doubtful": True,
        },
        # the paragraph names the source and the period of the figure
        {
            "text": "Medical assistants earned $44,200 a year.",
            "source_url": "b",
            "policy": "P8",
            "label": "ok",
            "reason": "r",
            "paragraph": "According to the Bureau of Labor Statistics, in May 2024 ...",
        },
        # without it, the same figure is a violation
        {
            "text": "Medical assistants earned $44,200 a year.  ",
            "source_url": "c",
            "policy": "P8",
            "label": "violation",
            "reason": "r",
        },
        # one sentence, two policies
        {
            "text": "Federal law requires medical assistants to be certified.",
            "source_url": "c",
            "policy": ["P4", "P1"],
            "label": "violation",
            "reason": "r",
        },
    ]
    path = tmp_path / "set.yaml"
    path.write_text(yaml.safe_dump(rows), encoding="utf-8")
    res = evaluate(path)
    per = res["engine"]["per_policy"]
    assert per["P1"] == {**per["P1"], "tp": 2, "fp": 0, "fn": 0}
    assert per["P8"] == {**per["P8"], "tp": 1, "fp": 0, "fn": 0}
    assert per["P4"]["tp"] == 1
    assert res["doubtful"] == 1 and res["pages"] == 3 and res["violating_sentences"] == 3


def test_cli_reports_several_sets_with_a_summary(tmp_path):
    runner = CliRunner()
    # a slice of the real dev split (its first 150 rows, under the same name): what is tested
    # is the report of several sets, not the scores, and the whole split takes seconds a run
    rows = yaml.safe_load((REAL / "dev.yaml").read_text(encoding="utf-8"))[:150]
    (tmp_path / "real").mkdir()
    dev = str(tmp_path / "real" / "dev.yaml")
    Path(dev).write_text(yaml.safe_dump(rows), encoding="utf-8")
    old = str(REAL.parent / "heldout.yaml")
    res = runner.invoke(cli, ["eval-claims", dev, old, "--no-errors"])
    assert res.exit_code == 0, res.output
    assert res.output.count("claims evaluation:") == 2
    assert "errors:" not in res.output
    assert "(150 sentences" in res.output
    summary = res.output.split("lowest policy recall")[1]
    assert "real/dev.yaml" in summary and "heldout.yaml" in summary
    res = runner.invoke(cli, ["eval-claims", dev, old, "--format", "json"])
    data = json.loads(res.output)
    assert [d["set"] for d in data] == [dev, old]
    res = runner.invoke(cli, ["eval-claims", str(REAL.parent / "heldout.yaml")])
    assert "errors:" in res.output or res.output.count("FN") == 0
