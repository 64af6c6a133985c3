"""Smoke tests for the benchmark tools (the benchmark itself is not part of the suite)."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _gen(n: int, out: Path) -> dict[str, bytes]:
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "gen_site.py"), str(n), str(out)],
        check=True,
        capture_output=True,
    )
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted((out / "content").rglob("*.md"))
    }


def test_generator_is_deterministic_and_realistic(tmp_path):
    a = _gen(120, tmp_path / "a")
    b = _gen(120, tmp_path / "b")
    assert a == b and len(a) == 120
    average = sum(map(len, a.values())) / len(a)
    assert 4_000 < average < 8_000  # about 5.8 KB, like the peers' corpus
    assert any(
        b"-missing.md" in data or b"#no-such-section" in data for data in a.values()
    )  # some broken links
    assert all(data.startswith(b"---\n") for data in a.values())


def test_run_script_help():
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "run.py"), "--help"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "--sizes" in proc.stdout


def test_ab_script_help():
    proc = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "ab.py"), "--help"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0 and "--base" in proc.stdout and "alternat" in proc.stdout


def test_a_new_run_is_added_above_the_hand_written_sections():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import run
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    hand = "# Benchmark results\n\n## Hostile pages (by hand)\n\n| page | time |\n"
    out = run.insert_run(hand, "## Run of today\n\n| cold | 2 s |\n")
    assert out.startswith("# Benchmark results\n\n## Run of today\n")
    assert out.endswith("## Hostile pages (by hand)\n\n| page | time |\n")
    assert out.count("# Benchmark results") == 1
    assert run.insert_run("", "## Run\n") == "# Benchmark results\n\n## Run\n"
