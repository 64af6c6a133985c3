"""The engine's one interface for a page's result (results.AnalysedPage): a page served by the site
snapshot reads exactly as the same page analysed afresh, and the runner finds the site snapshot by
asking the analyzer, through any wrapper."""

from __future__ import annotations

import pickle

from conftest import write_site

from guidelint.analysis import analyze_items
from guidelint.config import load_config
from guidelint.discovery import gather
from guidelint.fixes import overlay_analyzer
from guidelint.parallel import CachedParallelAnalyzer
from guidelint.progress import Progress
from guidelint.registry import all_rules
from guidelint.results import PageResult, finding_from_row, finding_row
from guidelint.runner import run
from guidelint.site import PageSummary
from guidelint.snapshot import StoredPageResult, StoredSummary

PAGES = {
    "index.md": "---\ntitle: Start here\ntype: guide\n---\n\n# Start here\n\n"
    "Read [the exam page](exam.md#dates) and [a page that is gone](gone.md).\n",
    "exam.md": "---\ntitle: The exam\ntype: guide\nstatus: draft\n---\n\n# The exam\n\n"
    "## When it runs\n\nTwice a year. See [the start](index.md).\n\n"
    "<!-- guidelint-disable GL313 -- no unsafe link here: an unused directive -->\n",
    "broken.md": "---\ntitle: [unclosed\n---\n\nText.\n",
}


def _site(tmp_path, monkeypatch):
    write_site(tmp_path, PAGES)
    monkeypatch.chdir(tmp_path)
    config = load_config(tmp_path / "pyproject.toml")
    return config, frozenset(r.code for r in all_rules())


def test_a_stored_page_reads_as_the_page_analysed_afresh(tmp_path, monkeypatch):
    config, selected = _site(tmp_path, monkeypatch)
    analyzer = CachedParallelAnalyzer(1, use_cache=True)
    first = run([], config, selected, analyzer=analyzer)  # writes the site snapshot
    assert first.diagnostics  # the pages have findings of page and site rules
    site_items, _targets = gather([], config)
    fresh = analyze_items(site_items, config, selected)
    stored = analyzer(site_items, config, selected)
    assert analyzer.stats["unchanged"] == len(site_items) == 3
    for new, old in zip(fresh, stored):
        assert isinstance(new, PageResult) and isinstance(old, StoredPageResult)
        assert list(old.finding_rows()) == new.finding_rows()
        assert [finding_from_row(row) for row in old.finding_rows()] == new.findings
        assert old.summary == new.summary
        assert (old.ok, old.comments) == (new.ok, new.comments)
        assert set(old.lines) <= set(new.lines)  # the lines the last report could show
        assert all(new.lines[n] == text for n, text in old.lines.items())
    assert [r.ok for r in stored] == [False, True, True]  # broken.md's front matter
    # the suppression comment (unused: GL950) is read from the stored page, unpickling nothing
    assert stored[1].comments and ("content/exam.md", "GL950") in {
        (d.path, d.code) for d in first.diagnostics
    }
    # and the report of a run served by the snapshot is the report of a run without it
    assert run([], config, selected, analyzer=analyzer).diagnostics == first.diagnostics


def test_a_stored_summary_is_a_page_summary_that_unpickles_only_when_read(tmp_path, monkeypatch):
    config, selected = _site(tmp_path, monkeypatch)
    analyzer = CachedParallelAnalyzer(1, use_cache=True)
    run([], config, selected, analyzer=analyzer)
    site_items, _targets = gather([], config)
    stored = analyzer(site_items, config, selected)
    fresh = analyze_items(site_items, config, selected)
    exam = stored[1]
    light = exam.index_summary()
    assert isinstance(light, StoredSummary) and isinstance(light, PageSummary)
    # what identifies the page is at hand without unpickling the stored summary
    assert (light.rel, light.type, light.status, light.title) == (
        "exam.md",
        "guide",
        "draft",
        "The exam",
    )
    assert not light.published and "_full" not in light.__dict__
    # any other field unpickles it once
    full = fresh[1].summary
    assert light.headings == full.headings and light.links == full.links
    assert "_full" in light.__dict__ and light.anchors == full.anchors
    assert pickle.loads(pickle.dumps(light)) == full  # pickled as the full summary
    # once the result's summary is unpickled, the index gets it, not a stand-in
    assert exam.summary == full and exam.index_summary() is exam.summary


def test_findings_round_trip_through_rows():
    from guidelint.diagnostics import CheckedEdit, Span
    from guidelint.source import Finding

    found = Finding(
        "GL302", Span(3, 4, 3, 9), "no anchor", (CheckedEdit(Span(3, 4, 3, 9), "a", expect="b"),)
    )
    row = finding_row(found)
    assert row == ("GL302", 3, 4, 3, 9, "no anchor", found.fix)
    assert finding_from_row(row) == found


def test_the_site_snapshot_is_asked_of_the_analyzer_through_its_wrappers(tmp_path, monkeypatch):
    config, selected = _site(tmp_path, monkeypatch)
    analyzer = CachedParallelAnalyzer(1, use_cache=True)
    wrapped = Progress(enabled=True).wrap(analyzer)
    assert wrapped is not analyzer
    report = run([], config, selected, analyzer=wrapped)
    assert analyzer.site_snapshot is not None and wrapped.site_snapshot is analyzer.site_snapshot
    again = run([], config, selected, analyzer=wrapped)
    assert again.stats["site_rules"] == "reused" and again.diagnostics == report.diagnostics
    # --fix's overlay shows it for a plain run, hides it while files are read from memory
    assert overlay_analyzer(wrapped, {}).site_snapshot is analyzer.site_snapshot
    hidden = overlay_analyzer(wrapped, {"content/exam.md": PAGES["exam.md"].encode()})
    assert hidden.site_snapshot is None
    overlaid = run([], config, selected, analyzer=hidden)
    assert overlaid.stats["site_rules"] == "ran" and overlaid.diagnostics == report.diagnostics
    # an analyzer without a snapshot: the site rules run
    plain = run([], config, selected, analyzer=analyze_items)
    assert analyze_items.site_snapshot is None and plain.stats["site_rules"] == "ran"
    assert plain.diagnostics == report.diagnostics
