"""The result cache and the process pool: same results as a plain sequential run, whatever the
cache holds (nothing, everything, stale, corrupt) and however many runs share it."""

import importlib.util
import json
import os
import pickle
import signal
import subprocess
import sys
import time
import typing
from pathlib import Path

import pytest

from guidelint import cache as cache_mod
from guidelint import parallel, pool
from guidelint.config import Config, load_config
from guidelint.registry import all_rules
from guidelint.runner import run
from guidelint.testing import EXAMPLE_TODAY

REPO = Path(__file__).resolve().parent.parent


def _gen_site(n: int, out: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_site", REPO / "benchmarks" / "gen_site.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.Site(n, 7).write(out)


@pytest.fixture
def gen_site(tmp_path, monkeypatch):
    def make(n: int) -> Config:
        _gen_site(n, tmp_path)
        monkeypatch.chdir(tmp_path)
        return load_config(tmp_path / "pyproject.toml").with_today(EXAMPLE_TODAY)

    return make


def _selected(claims: bool = False):
    """Every rule; without the claim rules (the slowest) unless asked, to keep these tests fast."""
    from guidelint.loading import load_packs

    load_packs(load_config(REPO / "pyproject.toml"))
    return frozenset(r.code for r in all_rules() if claims or not r.code.startswith("GL4"))


def _check(config, selected, jobs=1, use_cache=False):
    analyzer = parallel.make_analyzer(jobs, config, use_cache=use_cache)
    report = run([], config, selected, analyzer=analyzer)
    return report.diagnostics, dict(analyzer.stats)


def test_pool_and_cache_give_the_sequential_results(gen_site):
    config = gen_site(80)
    selected = _selected(claims=True)
    plain = run([], config, selected).diagnostics
    assert plain, "the generated site has findings to compare"
    seq, stats = _check(config, selected, jobs=1)
    assert seq == plain and stats["workers"] == 1
    cold, stats = _check(config, selected, jobs=2, use_cache=True)
    assert cold == plain and stats["workers"] == 2 and stats["analysed"] == 80
    warm, stats = _check(config, selected, jobs=2, use_cache=True)
    assert warm == plain and stats["analysed"] == 0 and stats["cached"] == 80


def test_one_changed_file_is_analysed_again(gen_site, tmp_path):
    config = gen_site(60)
    selected = _selected()
    _check(config, selected, jobs=1, use_cache=True)
    page = tmp_path / "content" / "guide-00003.md"
    page.write_text(page.read_text() + "\nSee the [missing page](nowhere.md).\n")
    after, stats = _check(config, selected, jobs=1, use_cache=True)
    assert stats["analysed"] == 1
    assert after == run([], config, selected).diagnostics
    assert any(d.path == "content/guide-00003.md" and "nowhere.md" in d.message for d in after)


def test_context_changes_invalidate(gen_site):
    config = gen_site(20)
    selected = _selected()
    _check(config, selected, use_cache=True)
    _, stats = _check(config.with_today(EXAMPLE_TODAY.replace(day=26)), selected, use_cache=True)
    assert stats["analysed"] == 20  # GL501/GL502 depend on today's date
    _, stats = _check(config, selected - {"GL301"}, use_cache=True)
    assert stats["analysed"] == 20
    _, stats = _check(config.with_overrides(review_max_age_days=30), selected, use_cache=True)
    assert stats["analysed"] == 20
    _, stats = _check(config.with_overrides(jobs=3), selected, use_cache=True)
    assert stats["analysed"] == 0  # how results are computed is not part of the key


def test_corrupt_partial_and_foreign_entries_are_ignored(gen_site, tmp_path):
    """Both caches: per-file entries (files outside the content root) and the site snapshot
    (pages below it), damaged in every way a crash or another program could damage them."""
    config = gen_site(30)
    selected = _selected()
    outside = tmp_path / "drafts"
    outside.mkdir()
    for page in sorted((tmp_path / "content").glob("guide-*.md"))[:10]:
        (outside / page.name).write_text(
            page.read_text().replace("status: published", "status: bogus")
        )

    def check():
        analyzer = parallel.make_analyzer(1, config, use_cache=True)
        return run(["drafts"], config, selected, analyzer=analyzer).diagnostics, dict(
            analyzer.stats
        )

    expected, stats = check()
    assert expected and stats["analysed"] == stats["pages"] == 40
    entries = sorted(
        p for p in (tmp_path / ".guidelint_cache").rglob("*") if p.is_file() and len(p.name) == 32
    )
    assert (
        len(entries) == 10
    )  # one per file outside the root; the pages below it are in the snapshot
    for i, entry in enumerate(entries):
        blob = entry.read_bytes()
        entry.write_bytes(
            [b"", blob[: len(blob) // 2], b"garbage", pickle.dumps(("x", 1, 2)), pickle.dumps(42)][
                i % 5
            ]
        )
    snapshots = list((tmp_path / ".guidelint_cache").rglob("*.snapshot"))
    assert len(snapshots) == 1
    snapshots[0].write_bytes(snapshots[0].read_bytes()[:1000])  # a partial write
    again, stats = check()
    assert again == expected and stats["analysed"] == 40 and stats["unchanged"] == 0
    warm, stats = check()
    assert warm == expected and stats["analysed"] == 0 and stats["unchanged"] == 30


def _report(config, selected, paths=()):
    analyzer = parallel.make_analyzer(1, config, use_cache=True)
    report = run(list(paths), config, selected, analyzer=analyzer)
    return report.diagnostics, {**analyzer.stats, **report.stats}


def _age(paths, seconds=60):
    """Make pages look edited a minute ago (a page edited in the run's clock tick is re-hashed)."""
    past = time.time() - seconds
    for path in paths:
        os.utime(path, (past, past))


def test_snapshot_serves_unchanged_pages_and_reuses_site_findings(gen_site, tmp_path):
    config = gen_site(40)
    selected = _selected()
    pages = sorted((tmp_path / "content").rglob("*.md"))
    _age(pages)
    cold, stats = _report(config, selected)
    assert stats["analysed"] == 40 and stats["site_rules"] == "ran"
    warm, stats = _report(config, selected)
    assert (
        warm == cold
        and stats["unchanged"] == 40
        and stats["analysed"] == 0
        and stats["site_rules"] == "reused"
    )
    # prose added at the end moves no link or heading: only that page is analysed, site findings hold
    page = tmp_path / "content" / "guide-00003.md"
    page.write_text(page.read_text() + "\nOne more plain sentence.\n")
    after, stats = _report(config, selected)
    assert stats["analysed"] == 1 and stats["site_rules"] == "reused"
    assert after == run([], config, selected).diagnostics
    # a page-changing edit that keeps the size and the modification time is still seen (ctime moved)
    st = page.stat()
    text = page.read_text()
    page.write_text(text.replace("One more plain sentence.", "One more plain sentinel."))
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))
    again, stats = _report(config, selected)
    assert stats["analysed"] == 1 and again == run([], config, selected).diagnostics


@pytest.mark.parametrize(
    "change",
    [
        "new broken link",
        "heading renamed",
        "page deleted",
        "page added",
        "image deleted",
        "image added",
    ],
)
def test_snapshot_site_findings_follow_every_kind_of_change(gen_site, tmp_path, change):
    config = gen_site(30)
    selected = _selected()
    content = tmp_path / "content"
    (content / "figure.png").write_bytes(b"\x89PNG fake")
    page = content / "guide-00002.md"
    page.write_text(page.read_text() + "\n![A figure](figure.png) ![Later](later.png)\n")
    _age(content.rglob("*"))
    _report(config, selected)
    target = content / "guide-00005.md"
    if change == "new broken link":
        page.write_text(page.read_text().replace("![A figure]", "[gone](gone.md) ![A figure]"))
    elif change == "heading renamed":
        target.write_text(target.read_text().replace("\n## ", "\n## Renamed ", 1))
    elif change == "page deleted":
        target.unlink()
    elif change == "page added":
        (content / "guide-09999.md").write_text((content / "guide-00001.md").read_text())
    elif change == "image deleted":
        (content / "figure.png").unlink()
    else:
        (content / "later.png").write_bytes(b"\x89PNG fake")
    # a pre-commit-like run on a few pages first (the snapshot narrows link resolution when it can)
    for few in (["content/guide-00002.md"], ["content/guide-00001.md", "content/guide-00009.md"]):
        partial, _stats = _report(config, selected, few)
        assert partial == run(few, config, selected).diagnostics, few
    after, stats = _report(config, selected)
    plain = run([], config, selected).diagnostics
    assert stats["site_rules"] == "ran" and after == plain
    if change in (
        "image deleted",
        "image added",
    ):  # the site findings changed with the file on disk
        assert any("figure.png" in d.message for d in after) == (change == "image deleted")
        assert any("later.png" in d.message for d in after) == (change != "image added")


def test_snapshot_partial_runs_match_plain_runs(gen_site, tmp_path):
    config = gen_site(30)
    selected = _selected()
    _age((tmp_path / "content").rglob("*.md"))
    _report(config, selected)
    one = ["content/guide-00004.md"]
    partial, stats = _report(config, selected, one)
    assert stats["unchanged"] == 30 and partial == run(one, config, selected).diagnostics
    assert stats["site_rules"] == "reused"  # nothing changed: the whole site's findings still hold
    warm, stats = _report(config, selected)  # the partial run kept the whole-site findings
    assert stats["site_rules"] == "reused" and warm == run([], config, selected).diagnostics
    # a page edited without moving any link or heading: the site findings still hold, and the
    # partial run reports that page's new page findings with them
    page = tmp_path / "content" / "guide-00004.md"
    page.write_text(page.read_text() + "\nLook for programs accredited by CAHEEP.\n")
    partial, stats = _report(config, selected, one)
    assert stats["analysed"] == 1 and stats["site_rules"] == "reused"
    assert partial == run(one, config, selected).diagnostics and any(
        d.code == "GL510" for d in partial
    )
    # a page edited so that its links change: only the pages that matter are resolved again
    page.write_text(page.read_text() + "\nSee [the missing guide](guide-0404.md).\n")
    partial, stats = _report(config, selected, one)
    assert stats["site_focus"] is not None and stats["site_focus"] < 30
    assert partial == run(one, config, selected).diagnostics and any(
        d.code == "GL301" for d in partial
    )


@pytest.mark.parametrize(
    "edit",
    [
        "rename a heading others link to",
        "unpublish",
        "remove the links out",
        "link to a missing page",
    ],
)
def test_snapshot_partial_run_sees_links_from_pages_it_does_not_check(gen_site, tmp_path, edit):
    """A pre-commit run on one changed page still reports what the change broke elsewhere
    (links into it from unchanged pages, its place in the link graph)."""
    config = gen_site(40)
    selected = _selected()
    _age((tmp_path / "content").rglob("*.md"))
    _report(config, selected)
    plain_before = run([], config, selected).diagnostics
    target = tmp_path / "content" / "guide-00006.md"
    text = target.read_text()
    if edit == "rename a heading others link to":
        text = text.replace("\n## ", "\n## Renamed ")
    elif edit == "unpublish":
        text = text.replace("status: published", "status: draft")
    elif edit == "remove the links out":
        import re

        text = re.sub(r"\]\([^)]*\)", "]", text)
    else:
        text += "\nSee [the old guide](guide-0006.md).\n"
    target.write_text(text)
    one = ["content/guide-00006.md"]
    partial, stats = _report(config, selected, one)
    assert stats["analysed"] == 1 and stats["site_focus"] is not None
    assert partial == run(one, config, selected).diagnostics
    after = run([], config, selected).diagnostics
    assert after != plain_before  # the edit changed the site's findings
    again, stats = _report(config, selected)
    assert again == after


LONELY = """---
title: Lonely guide
description: A page only one other page links to.
type: guide
status: published
last_reviewed: 2026-01-05
---

# Lonely guide

Nothing here links anywhere.
"""


@pytest.mark.parametrize(
    "edit",
    [
        "line added at the top",
        "heading renamed",
        "broken link added",
        "link to the lonely page removed",
        "links out removed",
        "unpublished",
    ],
)
def test_whole_site_run_after_an_edit_checks_only_the_neighbourhood_again(gen_site, tmp_path, edit):
    """After an edit that moves or changes links, a whole-site run checks again the edited page
    and the pages linking to it, recomputes the link graph for orphans and reachability, and
    keeps every other page's stored findings: the report is the plain run's."""
    config = gen_site(40)
    selected = _selected()
    content = tmp_path / "content"
    (content / "lonely.md").write_text(LONELY)
    page = content / "guide-00006.md"
    # (and a broken link: a finding that moves when a line is added above it)
    page.write_text(
        page.read_text() + "\nSee also [the lonely guide](lonely.md) and [this](gone-page.md).\n"
        "\n## Where to check\n\nAsk the state board.\n"
    )
    other = content / "guide-00010.md"  # links to a heading of the page
    other.write_text(other.read_text() + "\nSee [where to check](guide-00006.md#where-to-check).\n")
    _age(content.rglob("*.md"))
    before, stats = _report(config, selected)
    assert stats["site_rules"] == "ran"
    assert not any(d.path.endswith("lonely.md") and d.code == "GL308" for d in before)
    text = page.read_text()
    end = text.index("\n---\n", 4) + 5
    if edit == "line added at the top":  # every link and heading below moves, nothing else changes
        text = text[:end] + "\nA new first line.\n" + text[end:]
    elif edit == "heading renamed":  # links into it from other pages break
        text = text.replace("\n## ", "\n## Renamed ")
    elif edit == "broken link added":
        text = text[:end] + "\nSee [the missing guide](guide-0404.md).\n" + text[end:]
    elif (
        edit == "link to the lonely page removed"
    ):  # a page the edit does not touch becomes an orphan
        text = text.replace("[the lonely guide](lonely.md)", "the lonely guide")
    elif edit == "links out removed":
        import re

        text = re.sub(r"\]\([^)]*\)", "]", text)
    else:
        text = text.replace("status: published", "status: draft")
    page.write_text(text)
    after, stats = _report(config, selected)
    plain = run([], config, selected).diagnostics
    assert after == plain and after != before
    if (
        edit == "unpublished"
    ):  # the page's identity changed (what other pages and the graph read of it)
        assert stats["site_rules"] == "ran"
    else:
        assert stats["site_rules"] == "incremental" and 1 <= stats["site_focus"] < 41
    if edit == "link to the lonely page removed":
        assert any(d.path.endswith("lonely.md") and d.code == "GL308" for d in after)
    if edit == "heading renamed":  # found on a page the edit did not touch
        assert any(d.path.endswith("guide-00010.md") and d.code == "GL302" for d in after)
    # the next runs start from what this one stored: nothing changed, then one more edit
    again, stats = _report(config, selected)
    assert stats["site_rules"] == "reused" and again == plain
    page.write_text(page.read_text()[:end] + "\nOne more first line.\n" + page.read_text()[end:])
    more, stats = _report(config, selected)
    assert stats["site_rules"] == "incremental" and more == run([], config, selected).diagnostics


def test_a_site_rule_of_unknown_reach_runs_on_the_whole_site(gen_site, tmp_path):
    from guidelint.registry import Rule, add_rule, remove_rules

    class Counting(Rule):
        code, name, summary, scope = "GL399", "counting", "Counts the pages it sees", "site"
        seen: typing.ClassVar[list] = []

        def check_site(self, site, ctx):
            Counting.seen.append(len([p for p in site.pages if ctx.report_rels is None]))
            return ()

    add_rule(Counting())
    try:
        config = gen_site(20)
        selected = _selected() | {"GL399"}
        _age((tmp_path / "content").rglob("*.md"))
        _report(config, selected)
        page = tmp_path / "content" / "guide-00003.md"
        text = page.read_text()
        end = text.index("\n---\n", 4) + 5
        page.write_text(text[:end] + "\nA new first line.\n" + text[end:])
        after, stats = _report(config, selected)
        assert stats["site_rules"] == "ran" and Counting.seen[-1] == 20
        assert after == run([], config, selected).diagnostics
    finally:
        remove_rules(["GL399"])


def _text(config, selected, use_cache=True, before_format=None):
    """The text report of a whole-site run, as the command line writes it."""
    from guidelint.formatters import FormatContext
    from guidelint.formatters.text import format_report

    report = run(
        [], config, selected, analyzer=parallel.make_analyzer(1, config, use_cache=use_cache)
    )
    if before_format is not None:
        before_format()
    return format_report(report, FormatContext(known=report.sources))


@pytest.mark.parametrize("change", ["prose added", "heading renamed", "page deleted"])
def test_text_report_with_source_lines_is_the_same_from_the_snapshot(gen_site, tmp_path, change):
    """The source lines under each finding come from the analysis (fresh or stored in the site
    snapshot) instead of reading every file again; a finding on a line the snapshot did not keep
    (a new site finding on an unchanged page) reads the file."""
    config = gen_site(30)
    selected = _selected()
    content = tmp_path / "content"
    _age(content.rglob("*.md"))
    cold = _text(config, selected)
    assert "   | " in cold and "^" in cold  # source lines and markers are shown
    assert _text(config, selected) == cold == _text(config, selected, use_cache=False)
    target = content / "guide-00005.md"
    if change == "prose added":
        target.write_text(target.read_text() + "\nOne more plain sentence.\n")
    elif change == "heading renamed":
        target.write_text(target.read_text().replace("\n## ", "\n## Renamed "))
    else:
        target.unlink()
    after = _text(config, selected)
    assert after == _text(config, selected, use_cache=False)
    if change == "page deleted":
        assert after != cold  # links elsewhere now find nothing: new findings on unchanged pages


def test_text_report_shows_the_lines_that_were_checked(gen_site, tmp_path):
    """A page deleted between the check and the report still shows its lines: the report prints
    what was analysed, not what the disk holds by then."""
    config = gen_site(20)
    selected = _selected()
    page = tmp_path / "content" / "guide-00002.md"
    page.write_text(page.read_text() + "\nSee [the old guide](guide-0002.md).\n")
    expected = _text(config, selected, use_cache=False)
    shown = _text(config, selected, use_cache=False, before_format=page.unlink)
    assert "guide-0002.md" in shown and shown == expected


def test_snapshot_rewrites_only_the_shard_of_a_changed_page(gen_site, tmp_path):
    from guidelint import snapshot

    config = gen_site(40)
    selected = _selected()
    _age((tmp_path / "content").rglob("*.md"))
    _report(config, selected)
    [path] = list((tmp_path / ".guidelint_cache").rglob("*.snapshot"))
    before = snapshot.load(path)
    assert before is not None and len(before.pages) == 40
    page = tmp_path / "content" / "guide-00007.md"
    page.write_text(page.read_text() + "\nOne more plain sentence.\n")
    _report(config, selected)
    after = snapshot.load(path)
    changed = [i for i, (a, b) in enumerate(zip(before.shard_blobs, after.shard_blobs)) if a != b]
    assert changed == [snapshot.shard_of("guide-00007.md")]
    assert after.pages["guide-00007.md"].digest != before.pages["guide-00007.md"].digest
    assert after.site_findings == before.site_findings and after.pages.keys() == before.pages.keys()


def test_unwritable_cache_dir_does_not_fail_the_run(gen_site, tmp_path):
    config = gen_site(10)
    (tmp_path / "blocker").write_text("a file where the cache folder should be")
    config = config.with_overrides(cache_dir="blocker/cache")
    selected = _selected()
    diags, stats = _check(config, selected, use_cache=True)
    assert diags == run([], config, selected).diagnostics and stats["cache"] is False


def test_old_contexts_are_pruned(tmp_path):
    old = tmp_path / "v1" / ("0" * 24)
    old.mkdir(parents=True)
    (old / cache_mod.STAMP).touch()
    past = time.time() - (cache_mod.PRUNE_DAYS + 1) * 86400
    os.utime(old / cache_mod.STAMP, (past, past))
    recent = tmp_path / "v1" / ("1" * 24)
    recent.mkdir()
    (recent / cache_mod.STAMP).touch()
    store = cache_mod.Cache(tmp_path, "f" * 40)
    store.prune()
    assert not old.exists() and recent.exists() and store.folder.exists()


# ------------------------------------------------------------------ several processes
def _cli(root: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, GUIDELINT_TODAY=EXAMPLE_TODAY.isoformat(), NO_COLOR="1")
    return subprocess.Popen(
        [sys.executable, "-m", "guidelint", "check", "--format", "json", "--ignore", "GL4", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        # Ctrl-C as a terminal sends it, whatever started the suite: a shell's background job
        # (`cmd &`, nohup) runs with SIGINT ignored, which Python then keeps ignored
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=300)
    return proc.returncode, out.decode(), err.decode()


def _entries_all_valid(cache_root: Path) -> int:
    count = 0
    for entry in cache_root.rglob("*"):
        if entry.is_file() and len(entry.name) == 32:
            magic, digest, payload = pickle.loads(entry.read_bytes())
            assert magic == cache_mod.MAGIC and len(digest) == 20
            pickle.loads(payload)
            count += 1
    return count


def test_eight_simultaneous_runs_share_one_cache(tmp_path):
    _gen_site(60, tmp_path)
    reference = _finish(_cli(tmp_path, "--no-cache"))
    assert reference[0] == 1 and "Traceback" not in reference[2]
    procs = [_cli(tmp_path) for _ in range(8)]
    results = [_finish(p) for p in procs]
    for code, out, err in results:
        assert "Traceback" not in err, err
        assert (code, json.loads(out)) == (reference[0], json.loads(reference[1]))
    assert (
        _entries_all_valid(tmp_path / ".guidelint_cache") == 0
    )  # pages below the root: in the snapshot only
    assert not list((tmp_path / ".guidelint_cache").rglob(".tmp-*"))
    from guidelint import snapshot

    snapshots = list((tmp_path / ".guidelint_cache").rglob("*.snapshot"))
    assert len(snapshots) == 1  # one per content root and working folder, whoever wrote it last
    stored = snapshot.load(snapshots[0])
    assert stored is not None and len(stored.pages) == 60 and stored.site_findings is not None
    warm = _finish(_cli(tmp_path))
    assert json.loads(warm[1]) == json.loads(reference[1])


def test_interrupted_run_leaves_a_usable_cache(tmp_path):
    """Ctrl-C in the middle of a pooled run: exit code 130, no traceback, and the next run gives
    the results of a clean one (from whatever the interrupted run managed to save)."""
    _gen_site(400, tmp_path)
    proc = _cli(tmp_path, "--jobs", "2")
    deadline = time.time() + 120
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    # Signal as soon as the pool's workers exist: analysis is then under way and cannot have
    # finished (400 pages take far longer than one poll), whatever the machine's load.
    started = False
    while time.time() < deadline and proc.poll() is None:
        if children.exists() and len(children.read_text().split()) >= 2:
            started = True
            break
        time.sleep(0.005)
    assert started, "the run ended before its worker pool was seen"
    proc.send_signal(signal.SIGINT)
    code, _out, err = _finish(proc)
    assert "Traceback" not in err, err
    assert code == 130, (code, err)
    from guidelint import snapshot

    for path in (tmp_path / ".guidelint_cache").rglob("*.snapshot"):
        assert snapshot.load(path) is not None  # whole, if written at all
    again = _finish(_cli(tmp_path))
    cold = _finish(_cli(tmp_path, "--no-cache"))
    assert "Traceback" not in again[2] and again[0] == cold[0]
    assert json.loads(again[1]) == json.loads(cold[1])


@pytest.mark.parametrize("jobs", [1, 2])
def test_interrupted_run_saves_what_it_analysed(gen_site, tmp_path, monkeypatch, jobs):
    """The snapshot of an interrupted run holds the pages analysed before the interruption: the
    next run analyses only the rest."""
    config = gen_site(40)
    selected = _selected()
    _age((tmp_path / "content").rglob("*.md"))
    real = pool.analyze
    done = []

    def interrupted(display, rel, data, *args):
        if len(done) == 25:
            raise KeyboardInterrupt
        done.append(rel)
        return real(display, rel, data, *args)

    monkeypatch.setattr(pool, "analyze", interrupted)
    monkeypatch.setattr(parallel, "POOL_MIN_PAGES", 10_000)  # in this process: the patch must apply
    with pytest.raises(KeyboardInterrupt):
        _report(config, selected)
    monkeypatch.setattr(pool, "analyze", real)
    monkeypatch.setattr(parallel, "POOL_MIN_PAGES", 2 if jobs > 1 else 10_000)
    monkeypatch.setattr(parallel, "MIN_PAGES_PER_WORKER", 1)
    analyzer = parallel.make_analyzer(jobs, config, use_cache=True)
    resumed = run([], config, selected, analyzer=analyzer).diagnostics
    assert analyzer.stats["unchanged"] == 25 and analyzer.stats["analysed"] == 15
    assert analyzer.stats["workers"] == jobs
    assert resumed == run([], config, selected).diagnostics


def test_link_suggestions_are_reused_while_the_pages_are_the_same(gen_site, tmp_path, monkeypatch):
    """ "Did you mean" answers depend only on the set of pages: a run whose site rules run again
    over the same pages takes them from the snapshot; a new page makes them be worked out again."""
    from guidelint import links

    config = gen_site(30)
    selected = _selected()
    content = tmp_path / "content"
    page = content / "guide-00004.md"
    page.write_text(page.read_text() + "\nSee [the page](guide-0012.md).\n")
    _age(content.rglob("*.md"))
    real = links.Resolver._closest_slug
    calls = []

    def counting(self, stem, among):
        calls.append(stem)
        return real(self, stem, among)

    monkeypatch.setattr(links.Resolver, "_closest_slug", counting)
    first, _ = _report(config, selected)
    assert "guide-0012" in calls
    hint = [d.message for d in first if "guide-0012.md" in d.message]
    assert hint and "guide-00012.md" in hint[0]
    calls.clear()
    text = page.read_text()
    end = text.index("\n---\n", 4) + 5
    page.write_text(text[:end] + "\nA new first line.\n" + text[end:])  # every link below moves
    moved, stats = _report(config, selected)
    assert stats["site_rules"] == "incremental" and calls == []
    assert moved == run([], config, selected).diagnostics
    # a run over the whole site again (a title changed: the graph rules' facts moved) still finds
    # every answer, also those of pages the incremental run did not check again
    page.write_text(page.read_text().replace("title: ", "title: Renamed ", 1))
    calls.clear()
    retitled, stats = _report(config, selected)
    assert stats["site_rules"] == "ran" and calls == []
    assert retitled == run([], config, selected).diagnostics
    (content / "guide-09999.md").write_text(
        (content / "guide-00001.md").read_text()
    )  # another set of pages
    calls.clear()
    added, stats = _report(config, selected)
    assert "guide-0012" in calls  # worked out again
    assert added == run([], config, selected).diagnostics
