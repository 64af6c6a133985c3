"""``--format html``: the report's content (parsed with the standard library's HTML parser) and the
report as headless Chromium renders it (Debian package ``chromium``): no console message, the
link graph's node count, and page text that stays text."""

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

EVIL_TITLE = "<script>alert(1)</script>"


def page(title, body="", *, type_=None, status="published", reviewed="2026-11-01", extra=""):
    fm = f"---\ntitle: '{title}'\nstatus: {status}\nlast_reviewed: {reviewed}\n"
    if type_:
        fm += f"type: {type_}\n"
    return fm + extra + f"---\n\n# {title}\n\n{body}\n"


SOURCES = (
    "sources:\n"
    "  - title: 'A handbook \"><img src=x onerror=alert(2)>'\n"
    "    publisher: Example Board\n"
    "    url: https://example.org/handbook\n"
    "    accessed: 2026-10-01\n"
)

FILES = {
    # the hub reaches jobs and salary; salary reaches a draft
    "hub.md": page("Start here", "Read [jobs](jobs.md) and [pay](salary.md).", type_="hub"),
    "jobs.md": page("Jobs guide", "See [pay](salary.md).", extra=SOURCES),
    "salary.md": page(
        "Salary guide",
        "Pay varies by state. You must be certified to work as a medical assistant in a clinic.\n"
        "See [the draft](draft.md).",
        reviewed="2019-01-15",
    ),
    "draft.md": page("Draft notes", "Nothing yet.", status="draft"),
    # linked only from each other: published, not orphans, not reached from the hub
    "island-a.md": page("Island A", "See [B](island-b.md)."),
    "island-b.md": page("Island B", "See [A](island-a.md)."),
    # no inbound link at all, and a title that must stay text
    "evil.md": page(EVIL_TITLE, "<em>You must be certified to work as a medical assistant.</em>"),
}


@pytest.fixture
def report_site(site):
    return site(FILES, "review_max_age_days = 365\n")


VOID = frozenset({"meta", "br", "img", "input", "link", "hr", "path", "circle", "rect", "line"})


class Tree(HTMLParser):
    """Elements (tag, attributes, id of the innermost ancestor with an id) and the text, in
    document order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.stack = []
        self.text = []
        self.text_in = {}  # id -> text inside the element with that id

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.elements.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(attrs.get("id"))

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        for ident in self.stack:
            if ident:
                self.text_in[ident] = self.text_in.get(ident, "") + data

    def find(self, tag=None, **attrs):
        return [
            a
            for t, a in self.elements
            if (tag is None or t == tag) and all(a.get(k) == v for k, v in attrs.items())
        ]

    def with_class(self, tag, name):
        return [a for t, a in self.elements if t == tag and name in (a.get("class") or "").split()]


def parse(text: str) -> Tree:
    tree = Tree()
    tree.feed(text)
    tree.close()
    return tree


def make_report(run_cli, *extra):
    code, out, err = run_cli("check", "--format", "html", *extra)
    assert code == 1, err  # the site has findings: the exit code does not depend on --format
    assert "Traceback" not in err
    return out


def test_report_sections_graph_reviews_and_claims(report_site, run_cli):
    out = make_report(run_cli)
    tree = parse(out)
    # self-contained: no script, no external style sheet or image, a policy that forbids both
    assert not tree.find("script") and not tree.find("link") and not tree.find("img")
    [csp] = tree.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert "default-src 'none'" in csp["content"] and "script-src" not in csp["content"]
    for section in ("summary", "graph", "reviews", "claims", "findings", "rules"):
        assert tree.find("section", id=section), section

    # the link graph: one node per page, orphans and unreachable pages marked
    nodes = tree.with_class("g", "node")
    assert len(nodes) == len(FILES)
    kinds = {n["data-rel"]: set(n["class"].split()) - {"node"} for n in nodes}
    assert kinds["hub.md"] == {"hub"}
    assert kinds["evil.md"] == {"orphan"}
    assert kinds["island-a.md"] == kinds["island-b.md"] == {"unreachable"}
    assert kinds["jobs.md"] == kinds["salary.md"] == {"published"}
    assert kinds["draft.md"] == {"other"}

    # reviews: the stale page's row is marked, the others are not; sources are listed
    rows = {r["id"]: r for r in tree.find("tr") if (r.get("id") or "").startswith("p-")}
    assert len(rows) == len(FILES)
    stale = [tree.text_in[i] for i, r in rows.items() if r.get("class") == "stale"]
    assert len(stale) == 1 and "content/salary.md" in stale[0] and "2019-01-15" in stale[0]
    jobs_row = next(tree.text_in[i] for i in rows if "content/jobs.md" in tree.text_in[i])
    assert 'A handbook "><img src=x onerror=alert(2)>' in jobs_row  # text, not an element
    assert "Example Board" in jobs_row

    # claims: the sentence, with the span marked
    quotes = re.findall(r'<blockquote class="claim">(.*?)</blockquote>', out)
    assert quotes == [
        "&lt;em&gt;You <mark>must be certified</mark> to work as a medical assistant.&lt;/em&gt;",
        "You <mark>must be certified</mark> to work as a medical assistant in a clinic.",
    ]

    # every finding links to its rule's documentation, which is in the report
    _code, json_out, _ = run_cli("check", "--format", "json")
    diagnostics = json.loads(json_out)
    counts = Counter(d["code"] for d in diagnostics)
    assert counts["GL308"] == 1 and counts["GL309"] == 2 and counts["GL401"] == 2
    findings = tree.with_class("div", "finding")
    assert len(findings) == len(diagnostics)
    for code_ in counts:
        assert tree.find("article", id=code_.lower()), code_
    rows = re.findall(
        r'<tr><td><a href="#(gl\d+)">(GL\d+)</a></td><td>[a-z-]*</td><td class="\w+">\w+</td>'
        r'<td class="n">(\d+)</td></tr>',
        out,
    )
    assert {code_: int(n) for anchor, code_, n in rows if anchor == code_.lower()} == counts


def test_code_frame_marks_the_span(site, run_cli):
    site({"old.md": page("An old page", reviewed="2019-01-15")})
    out = make_report(run_cli, "--select", "GL501")
    frame = re.search(r'<pre class="frame">(.*?)</pre>', out, re.S).group(1)
    lines = frame.split("\n")
    assert lines[0] == "<b>    3 </b>status: published"  # the line before
    assert lines[1] == "<b>    4 </b>last_reviewed: <mark>2019-01-15</mark>"
    assert lines[2].startswith("<b>    5 </b>---")  # the line after


def test_escaping_holds_in_the_markup(report_site, run_cli):
    out = make_report(run_cli)
    assert EVIL_TITLE not in out and "<img" not in out and "<em>" not in out
    tree = parse(out)
    text = "".join(tree.text)
    assert EVIL_TITLE in text  # shown to the reader as text
    assert not tree.find("script") and not tree.find("img")


def test_report_is_deterministic_and_exit_code_matches_text(report_site, run_cli):
    first = make_report(run_cli, "--no-cache")
    second = make_report(run_cli)  # served by the cache and the site snapshot
    assert first == second
    code, _out, _err = run_cli("check")
    assert code == 1
    code, out, _err = run_cli("check", "--format", "html", "--exit-zero", "-o", "r.html")
    assert code == 0 and out == ""
    assert (report_site / "r.html").read_text(encoding="utf-8") == first


def test_clean_site_report(site, run_cli):
    site({"hub.md": page("Start here", type_="hub")})
    code, out, err = run_cli("check", "--format", "html", "--select", "GL3,GL5")
    assert code == 0, err
    tree = parse(out)
    assert len(tree.with_class("g", "node")) == 1
    assert "all checks passed" in tree.text_in["summary"]


def test_rules_docs_file_is_current(run_cli):
    """docs/rules.md (the anchors the report's rule links share) is generated from the registry."""
    code, out, err = run_cli("rules", "--format", "docs", cwd=REPO)
    assert code == 0, err
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == out, (
        "docs/rules.md is stale: run `guidelint rules --format docs > docs/rules.md`"
    )
    assert "\n## GL101\n" in out and "\n## GL401\n" in out


# ------------------------------------------------------------------ in a real browser
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "chromium is not installed (Debian package 'chromium'; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def render(html_file: Path, profile: Path) -> tuple[str, list[str]]:
    """(the DOM after loading, the console messages) from headless Chromium."""
    proc = subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
            html_file.resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == 0, err[-2000:]
    console = [line for line in err.splitlines() if ":CONSOLE" in line]
    return proc.stdout.decode("utf-8", "replace"), console


def test_chromium_sees_console_messages(tmp_path):
    """The check below is real: a page that logs, throws and breaks its policy is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="script-src '
        "'unsafe-inline'\"><p>x</p><script>console.error('logged'); missingFunction();"
        "</script>",
        encoding="utf-8",
    )
    dom, console = render(bad, tmp_path / "profile")
    assert "<p>x</p>" in dom
    assert any("logged" in line for line in console)
    assert any("missingFunction" in line for line in console)


def test_report_renders_in_chromium(report_site, run_cli, tmp_path):
    out = make_report(run_cli)
    report = report_site / "report.html"
    report.write_text(out, encoding="utf-8")
    dom, console = render(report, tmp_path / "profile")
    assert console == [], console
    tree = parse(dom)
    # the graph as rendered: one node per page
    nodes = tree.with_class("g", "node")
    assert len(nodes) == len(FILES)
    assert sorted(n["data-rel"] for n in nodes) == sorted(FILES)
    # escaping: nothing from page text became an element
    assert not tree.find("script")
    assert not tree.find("img")
    assert not [a for _t, a in tree.elements if any(k.startswith("on") for k in a)]
    text = "".join(tree.text)
    assert EVIL_TITLE in text
    assert 'A handbook "><img src=x onerror=alert(2)>' in text
    assert not tree.find("em")
    assert "<em>You <mark>" not in dom and "&lt;em&gt;You " in dom  # the claim, in context


def test_fix_then_report_describes_the_site(report_site, run_cli):
    """With --fix the report is of what is left, and still has the graph and the reviews."""
    code, out, err = run_cli("check", "--fix", "--format", "html")
    assert code == 1, err
    tree = parse(out)
    assert len(tree.with_class("g", "node")) == len(FILES)
    assert len([r for r in tree.find("tr") if (r.get("id") or "").startswith("p-")]) == len(FILES)
