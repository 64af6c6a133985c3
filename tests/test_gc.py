"""The command line turns the cycle collector off (guidelint.cli.main): that is sound only while
a run leaves no reference cycles behind. These tests keep it so."""

import gc
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from guidelint import parallel, pool
from guidelint.config import load_config
from guidelint.loading import load_packs
from guidelint.registry import all_rules
from guidelint.runner import analyze, run
from guidelint.testing import EXAMPLE_TODAY

REPO = Path(__file__).resolve().parent.parent
BROKEN = [
    b"---\ntitle: [unclosed\n---\n# x\n",
    b"\x00\x01binary",
    b"\xff\xfe bad utf8",
    b"",
    b"> " * 200 + b"deep",
    b"---\ntype: guide\n---\n" + b"[x](y.md) " * 6000,
    b"- " * 120 + b"x",
    b"---\ntype: nope\nextra: 1\n---\n# Title\n\nYou must be certified.\n",
]


@contextmanager
def collected_garbage():
    """Cyclic garbage made inside the block, as a list (the collector is paused meanwhile)."""
    was = gc.isenabled()
    gc.disable()
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    found: list = []
    try:
        yield found
    finally:
        gc.collect()
        found.extend(gc.garbage)
        gc.garbage.clear()
        gc.set_debug(0)
        if was:
            gc.enable()


def _config():
    config = load_config(REPO / "pyproject.toml").with_today(EXAMPLE_TODAY)
    load_packs(config)
    return config, frozenset(r.code for r in all_rules())


def test_analysing_pages_leaves_no_reference_cycles():
    config, selected = _config()
    pages = sorted((REPO / "content").rglob("*.md"))
    analyze(
        str(pages[0]), pages[0].name, pages[0].read_bytes(), config, selected
    )  # lazy imports first
    gc.collect()
    with collected_garbage() as garbage:
        for page in pages:
            analyze(
                str(page),
                page.relative_to(REPO / "content").as_posix(),
                page.read_bytes(),
                config,
                selected,
            )
        for i, data in enumerate(BROKEN):
            analyze(f"content/broken-{i}.md", f"broken-{i}.md", data, config, selected)
    assert len(pages) >= 10 and garbage == []


def test_a_whole_run_leaves_no_reference_cycles(tmp_path, monkeypatch):
    config, selected = _config()
    monkeypatch.chdir(REPO)
    run(
        [], config, selected, analyzer=parallel.make_analyzer(1, config, use_cache=False)
    )  # imports, once
    cached = config.with_overrides(cache_dir=str(tmp_path / "cache"))
    with collected_garbage() as garbage:
        report = run(
            [], config, selected, analyzer=parallel.make_analyzer(1, config, use_cache=False)
        )
        cold = run([], cached, selected, analyzer=parallel.make_analyzer(1, cached, use_cache=True))
        warm = run([], cached, selected, analyzer=parallel.make_analyzer(1, cached, use_cache=True))
        one = run(
            ["content/certification.md"],
            cached,
            selected,
            analyzer=parallel.make_analyzer(1, cached, use_cache=True),
        )
    assert report.site_pages >= 10 and garbage == []
    assert cold.diagnostics == warm.diagnostics == report.diagnostics and one.files_checked == 1


def test_the_command_line_runs_without_the_collector_and_workers_with_it():
    code = (
        "import gc, sys; import guidelint.cli as c; from guidelint import pool;"
        "sys.argv = ['guidelint', '--version'];\n"
        "try:\n    c.main()\nexcept SystemExit:\n    pass\n"
        "print(gc.isenabled());"
        "pool._init_worker(None, frozenset(), True); print(gc.isenabled(), gc.get_threshold())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[-3:-1] == ["False", f"True {pool.WORKER_GC_THRESHOLDS}"]
