"""benchmarks/claims_fresh.py: which commit's engine is fresh for a dev row (git blame, with queue
moves and rewordings), and running an extracted checkout's engine in a child Python. Real git."""

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"


def _module(name: str):
    sys.path.insert(0, str(BENCH))
    try:
        spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(BENCH))
    return mod


fresh = _module("claims_fresh")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def _row(text: str, url: str, label: str = "ok") -> str:
    return (
        f'- text: "{text}"\n  source_url: "{url}"\n  policy: P1\n  label: {label}\n  reason: "r"\n'
    )


def _commit(repo: Path, files: dict[str, str], message: str) -> str:
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", message)
    return _git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path):
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "config", "user.email", "t@example.invalid")
    _git(tmp_path, "config", "user.name", "t")
    return tmp_path


def test_fresh_commit_is_the_add_the_queue_move_or_the_page_first_dev_commit(repo):
    import yaml

    dev, queue = fresh.DEV, fresh.QUEUE
    a = _commit(
        repo,
        {dev: _row("one", "https://x.invalid/a"), queue: _row("two", "https://x.invalid/b")},
        "rows added; page b queued",
    )
    _commit(repo, {"guidelint/claims/engine.py": "# tuned\n"}, "tuning")
    # a later rewording of page a's row: its fresh engine is still the one of commit a
    _commit(repo, {dev: _row("one, reworded", "https://x.invalid/a")}, "reword")
    d = _commit(
        repo,
        {
            dev: _row("one, reworded", "https://x.invalid/a") + _row("two", "https://x.invalid/b"),
            queue: "[]\n",
        },
        "page b leaves the queue",
    )
    e = _commit(
        repo,
        {
            dev: _row("one, reworded", "https://x.invalid/a")
            + _row("two", "https://x.invalid/b")
            + _row("three", "https://x.invalid/c", "violation")
        },
        "page c added",
    )
    rows = yaml.safe_load((repo / dev).read_text(encoding="utf-8"))
    assert fresh.fresh_commits(repo, rows) == [a, d, e]


def test_commits_differing_only_in_the_gl490_weights_share_an_engine(repo):
    w = "guidelint/claims/model_weights.json"
    a = _commit(repo, {"guidelint/claims/engine.py": "x = 1\n", w: "{}\n"}, "a")
    b = _commit(repo, {w: '{"bias": 1}\n'}, "weights retrained")
    c = _commit(repo, {"guidelint/claims/engine.py": "x = 2\n"}, "engine changed")
    keys = [fresh._engine_key(repo, rev) for rev in (a, b, c)]
    assert keys[0] == keys[1] != keys[2]


def test_an_extracted_checkout_runs_in_its_own_python(repo):
    """The child runs the committed copy (it asserts where guidelint comes from), not this
    checkout's editable install: a pack rule removed from the copy no longer flags its sentence."""
    shutil.copytree(
        REPO / "guidelint", repo / "guidelint", ignore=shutil.ignore_patterns("__pycache__")
    )
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "engine")
    rows = [
        {"text": "Every medical assistant must be certified to work in a clinic."},
        {"text": "Some clinics ask applicants about their schedule."},
    ]
    got = fresh._run_engine(repo, "HEAD", rows)
    assert got[0]["flagged"] == ["P1"] and "P1" in got[0]["cues"]
    assert got[1] == {"flagged": [], "cues": []}
    assert fresh.score(
        [
            {**rows[0], "source_url": "u", "label": "violation", "policy": "P1"},
            {**rows[1], "source_url": "u", "label": "ok", "policy": "none"},
        ],
        {fresh.row_key("u", rows[i]["text"]): {"engine": "e", **got[i]} for i in range(len(rows))},
    ) == {"e": [1, 0, 0], "all": [1, 0, 0]}


@pytest.mark.parametrize("script", ["claims_fresh.py", "claims_fresh_model.py"])
def test_fresh_scripts_help(script):
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and "--repo" in proc.stdout and "fresh" in proc.stdout
