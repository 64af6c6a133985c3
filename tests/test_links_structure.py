"""GL2xx structure and GL3xx links: the defect fixture site, slugs, link resolution, and the
changed-files behaviour (a run on some files still sees what they break elsewhere)."""

import json
import shutil
from pathlib import Path

import pytest

from guidelint.config import load_config
from guidelint.diagnostics import Span
from guidelint.links import (
    ESCAPES,
    EXTERNAL,
    FILE,
    MISSING,
    OTHER,
    PAGE,
    Resolver,
    relative_link,
    resolve,
    suggest_anchor,
)
from guidelint.page import Link
from guidelint.registry import selected_codes
from guidelint.runner import run
from guidelint.site import HeadingInfo, PageSummary, SiteIndex
from guidelint.slug import Slugger, slugify

FIXTURE = Path(__file__).parent / "fixtures" / "site_defects"
# this rules (other GL3xx rules, such as GL320 for --fix, have their own tests)
SELECT = (
    "GL201",
    "GL202",
    "GL203",
    "GL204",
    "GL205",
    "GL206",
    "GL207",
    "GL210",
    "GL211",
    "GL212",
    "GL213",
    *(f"GL3{n:02d}" for n in range(1, 13)),
)

# Every defect of the fixture site, exactly: (path, line, column, code).
EXPECTED = [
    ("content/hub.md", 17, 3, "GL210"),  # row 3 numbered 4
    ("content/hub.md", 17, 37, "GL212"),  # Go deeper links only a draft
    ("content/hub.md", 17, 37, "GL303"),  # /states/texas is a draft (site-absolute link)
    ("content/hub.md", 23, 4, "GL211"),  # step 2 title differs from row 2
    ("content/island-a.md", 7, 3, "GL309"),  # island-a and island-b link only each other
    ("content/island-b.md", 7, 3, "GL309"),
    ("content/jobs.md", 11, 10, "GL301"),  # trainig.md
    ("content/jobs.md", 11, 37, "GL302"),  # salary.md#what-changes-pay
    ("content/jobs.md", 12, 5, "GL303"),  # states/texas.md is a draft
    ("content/jobs.md", 12, 52, "GL304"),  # ../../notes.md
    ("content/jobs.md", 13, 12, "GL310"),  # https:///jobs (no host; no network)
    ("content/jobs.md", 16, 1, "GL311"),  # images/chart.png
    ("content/no-h1.md", 6, 1, "GL201"),  # no What to read next
    ("content/no-h1.md", 6, 1, "GL207"),  # no H1
    ("content/orphan.md", 7, 3, "GL308"),
    ("content/salary.md", 5, 17, "GL307"),  # related: salaries-guide
    ("content/salary.md", 10, 44, "GL312"),  # [survey][survey-2024]
    ("content/salary.md", 13, 1, "GL306"),  # [BLS] defined twice
    ("content/salary.md", 14, 1, "GL305"),  # [onet] unused
    ("content/structure.md", 9, 4, "GL202"),  # What to read next is not last
    ("content/structure.md", 17, 4, "GL203"),  # Requirements twice
    ("content/structure.md", 21, 4, "GL204"),  # Empty
    ("content/structure.md", 25, 6, "GL205"),  # H2 -> H4
    ("content/titles.md", 7, 3, "GL207"),  # H1 differs from title
    ("content/titles.md", 11, 3, "GL206"),  # second H1
    ("content/titles.md", 15, 4, "GL213"),  # What to read next without a link
]


def _run(paths, cwd, monkeypatch, select=SELECT):
    monkeypatch.chdir(cwd)
    config = load_config(cwd / "guidelint.toml")
    return run(paths, config, selected_codes(select, ())).diagnostics


def _keys(diags):
    return sorted((d.path, d.line, d.column, d.code) for d in diags)


def test_fixture_site_exact_diagnostics(monkeypatch):
    found = _run([], FIXTURE, monkeypatch)
    assert _keys(found) == sorted(EXPECTED)
    # every GL2xx/GL3xx rule (but the opt-in network part of GL310) has an instance
    codes = {c for *_rest, c in EXPECTED}
    assert codes == set(selected_codes(SELECT, ()))


def test_fixture_messages_suggest_fixes(monkeypatch):
    found = {(d.path, d.line, d.code): d.message for d in _run([], FIXTURE, monkeypatch)}
    assert "did you mean '#what-moves-pay'?" in found[("content/jobs.md", 11, "GL302")]
    assert "it was not opened" in found[("content/jobs.md", 12, "GL304")]
    assert "#requirements-1" in found[("content/structure.md", 17, "GL203")]


def test_file_by_file_gives_the_same_cross_file_findings(monkeypatch):
    """Each page checked alone (as pre-commit does) gets its whole-site findings, plus only the
    findings that point at it from unchecked pages, each naming a link the whole run reports."""
    whole = _run([], FIXTURE, monkeypatch)
    by_path = {}
    for d in whole:
        by_path.setdefault(d.path, set()).add((d.path, d.line, d.column, d.code, d.message))
    whole_locations = {(d.path.removeprefix("content/"), d.line, d.code) for d in whole}
    pages = sorted(p.relative_to(FIXTURE).as_posix() for p in (FIXTURE / "content").rglob("*.md"))
    attributed = 0
    for page in pages:
        alone = {
            (d.path, d.line, d.column, d.code, d.message)
            for d in _run([page], FIXTURE, monkeypatch)
        }
        assert {d[0] for d in alone} <= {page}
        assert by_path.get(page, set()) <= alone, page
        for extra in alone - by_path.get(page, set()):
            attributed += 1
            assert "not checked in this run" in extra[4], extra
            # each listed link is reported by the whole-site run on the linking page
            listed = extra[4].split(": ", 1)[1].split(";")[0].split(" (")[-1].rstrip(")")
            for loc in listed.replace(" and", ",").split(", "):
                rel, line = loc.rsplit(":", 1)
                assert (rel, int(line), extra[3]) in whole_locations, (extra, loc)
    assert attributed == 2  # salary.md (#what-changes-pay) and states/texas.md (linked as a draft)


@pytest.fixture
def site_copy(tmp_path):
    dest = tmp_path / "site"
    shutil.copytree(FIXTURE, dest)
    (dest / "guidelint.toml").write_text(
        (FIXTURE / "guidelint.toml")
        .read_text()
        .replace(
            '"../../../schemas"', json.dumps((FIXTURE.parent.parent.parent / "schemas").as_posix())
        )
    )
    return dest


def test_cli_one_changed_file_reports_the_anchors_it_breaks(site_copy, run_cli):
    page = site_copy / "content" / "salary.md"
    page.write_text(page.read_text().replace("## What moves pay?", "## What affects pay?"))
    code, out, err = run_cli(
        "check", "content/salary.md", "--select", "GL302", "--format", "json", cwd=site_copy
    )
    assert code == 1, err
    diags = json.loads(out)
    diags = diags["diagnostics"] if isinstance(diags, dict) else diags
    assert {d["path"] for d in diags} == {"content/salary.md"}
    broke = [d for d in diags if "#what-moves-pay" in d["message"]]
    assert len(broke) == 1 and broke[0]["line"] == 16  # at the renamed heading
    assert "jobs.md:10" in broke[0]["message"] and "What affects pay?" in broke[0]["message"]


def test_cli_renamed_page_reports_the_links_to_its_old_path(site_copy, run_cli):
    content = site_copy / "content"
    (content / "salary.md").rename(content / "salary-guide.md")
    code, out, err = run_cli(
        "check", "content/salary-guide.md", "--select", "GL301", "--format", "json", cwd=site_copy
    )
    assert code == 1, err
    diags = json.loads(out)
    diags = diags["diagnostics"] if isinstance(diags, dict) else diags
    msgs = [d["message"] for d in diags if d["path"] == "content/salary-guide.md"]
    assert any("'salary.md'" in m and "hub.md:29" in m and "jobs.md:11" in m for m in msgs), msgs
    # the whole-site run reports each broken link on its own page instead
    code, out, _ = run_cli("check", "--select", "GL301", "--format", "json", cwd=site_copy)
    diags = json.loads(out)
    diags = diags["diagnostics"] if isinstance(diags, dict) else diags
    assert not [d for d in diags if d["path"] == "content/salary-guide.md"]
    assert any(
        d["path"] == "content/hub.md" and "did you mean 'salary-guide.md'" in d["message"]
        for d in diags
    )


# --------------------------------------------------------------------------- slugs
@pytest.mark.parametrize(
    "text,expected",
    [
        ("How to check your state's rules", "how-to-check-your-states-rules"),
        ("Step 1: Understand the role", "step-1-understand-the-role"),
        ("Pay & benefits", "pay--benefits"),
        ("What moves pay?", "what-moves-pay"),
        ("CMA (AAMA) vs. RMA", "cma-aama-vs-rma"),
        ("snake_case stays", "snake_case-stays"),
        ("Café au lait", "café-au-lait"),
    ],
)
def test_github_slugs_documented_examples(text, expected):
    assert slugify(text) == expected


def test_slug_styles():
    assert slugify("Pay & benefits", "gitlab") == "pay-benefits"
    assert slugify("Pay & snake_case", "plain") == "pay-snake-case"


def test_duplicate_headings_get_numbered_anchors():
    s = Slugger()
    assert [s.slug(t) for t in ["FAQ", "FAQ", "FAQ", "FAQ 1"]] == [
        "faq",
        "faq-1",
        "faq-2",
        "faq-1-1",
    ]


def test_page_anchors_follow_configured_style(site):
    from guidelint.testing import run_files

    files = {"a.md": "# A\n\n## Pay & benefits\n\n[x](#pay-benefits)\n"}
    assert [d.code for d in run_files(files, frozenset({"GL302"}))] == ["GL302"]
    root = site({})
    config = load_config(root / "pyproject.toml").with_overrides(links={"slug_style": "gitlab"})
    assert run_files(files, frozenset({"GL302"}), config=config) == []


def test_raw_html_ids_are_anchors_but_not_in_code_or_comments():
    from guidelint.testing import run_files

    files = {
        "a.md": "# A\n\nSee [one](#eligibility), [two](b.md#pay-table), [three](#old-name), [four](#in-code) "
        'and [five](b.md#in-fence).\n\nSome text <a id="eligibility"></a> inline.\n\n'
        '<!-- <a id="old-name"></a> -->\n\n`<a id="in-code">`\n',
        "b.md": "# B\n\n<div class=\"x\" id='pay-table'>\n\n| a |\n|---|\n| 1 |\n\n</div>\n\n"
        '```html\n<a id="in-fence"></a>\n```\n<p data-id="data">\n',
    }
    found = run_files(files, frozenset({"GL302"}))
    import re

    assert sorted(re.search(r"'(#[\w-]+)'", d.message).group(1) for d in found) == [
        "#in-code",
        "#in-fence",
        "#old-name",
    ]
    assert all(d.path.endswith("a.md") for d in found)


# --------------------------------------------------------------------------- resolution
def _summary(rel, status="published", headings=()):
    hs = tuple(HeadingInfo(2, h, slugify(h), Span.point(1)) for h in headings)
    return PageSummary(rel, rel, rel.rsplit(".", 1)[0], True, status=status, headings=hs)


@pytest.fixture
def resolver(tmp_path):
    site = SiteIndex(
        [
            _summary("jobs.md", headings=["How to apply"]),
            _summary("salary.md"),
            _summary("states/index.md"),
            _summary("states/texas.md", "draft"),
        ]
    )
    (tmp_path / "content" / "images").mkdir(parents=True)
    (tmp_path / "content" / "images" / "a.png").write_bytes(b"png")
    config = load_config(None, start=tmp_path).with_overrides(
        links={
            "site_prefixes": {"/guides/": "", "/states/": "states/"},
            "redirects": {"old-jobs": "jobs"},
        }
    )
    return Resolver(site, config)


@pytest.mark.parametrize(
    "target,from_rel,kind,rel,anchor",
    [
        ("jobs.md", "salary.md", PAGE, "jobs.md", None),
        ("jobs", "salary.md", PAGE, "jobs.md", None),
        ("./jobs.md#how-to-apply", "salary.md", PAGE, "jobs.md", "how-to-apply"),
        ("../jobs.md", "states/texas.md", PAGE, "jobs.md", None),
        ("index.md", "states/texas.md", PAGE, "states/index.md", None),
        ("states/", "jobs.md", PAGE, "states/index.md", None),
        ("states", "jobs.md", PAGE, "states/index.md", None),
        ("#how-to-apply", "jobs.md", PAGE, "jobs.md", "how-to-apply"),
        ("#caf%C3%A9", "jobs.md", PAGE, "jobs.md", "café"),
        ("/guides/jobs#how-to-apply", "states/texas.md", PAGE, "jobs.md", "how-to-apply"),
        ("/states/", "jobs.md", PAGE, "states/index.md", None),
        ("/states/texas", "jobs.md", PAGE, "states/texas.md", None),
        (
            "/about",
            "jobs.md",
            OTHER,
            None,
            None,
        ),  # outside the mapped prefixes: another part of the site
        ("old-jobs.md", "salary.md", PAGE, "jobs.md", None),  # links.redirects
        ("images/a.png", "jobs.md", FILE, "images/a.png", None),
        ("../images/a.png", "states/texas.md", FILE, "images/a.png", None),
        ("images/b.png", "jobs.md", MISSING, "images/b.png", None),
        ("salaries.md", "jobs.md", MISSING, "salaries.md", None),
        ("salaries", "jobs.md", MISSING, "salaries.md", None),
        ("../../etc/passwd", "states/texas.md", ESCAPES, "../etc/passwd", None),
        ("../x.md", "jobs.md", ESCAPES, "../x.md", None),
        ("https://www.bls.gov/", "jobs.md", EXTERNAL, None, None),
        ("//example.org/x", "jobs.md", EXTERNAL, None, None),
        ("mailto:a@example.org", "jobs.md", OTHER, None, None),
    ],
)
def test_resolve(resolver, target, from_rel, kind, rel, anchor):
    res = resolver.resolve(target, from_rel)
    assert (res.kind, res.rel, res.anchor) == (kind, rel, anchor)


def test_default_site_prefix_maps_root_to_content(tmp_path):
    site = SiteIndex([_summary("jobs.md")])
    res = resolve(
        Link("link", "/jobs", "", Span.point(1), "inline", None, None, None),
        "jobs.md",
        site,
        load_config(None, start=tmp_path),
    )
    assert (res.kind, res.rel) == (PAGE, "jobs.md")


def test_suggestions(resolver):
    assert resolver.suggest_page("salry.md", "states/texas.md") == "../salary.md"
    assert resolver.suggest_page("states/texsa.md", "jobs.md") == "states/texas.md"
    assert resolver.resolve_slug("old-jobs").redirected_from == "old-jobs"
    assert suggest_anchor("How-To-Apply", ["how-to-apply"]) == "how-to-apply"
    assert suggest_anchor("zzz", ["how-to-apply"]) is None
    assert relative_link("jobs.md", "states/texas.md") == "../jobs.md"


def test_a_page_that_differs_only_in_case_is_the_suggestion(tmp_path):
    """Seen on the just-the-docs site: a link to /migration/ suggested docs/navigation/index.md
    (the closer spelling) while MIGRATION.md, the page meant, differs only in case."""
    site = SiteIndex([_summary("MIGRATION.md"), _summary("docs/navigation/index.md")])
    resolver = Resolver(site, load_config(None, start=tmp_path))
    assert resolver.suggest_page("migration/index.md", "CHANGELOG.md") == "MIGRATION.md"
    assert resolver.suggest_page("docs/Navigation.md", "CHANGELOG.md") == "docs/navigation/index.md"
    assert resolver.suggest_page("docs/navigaton/index.md", "x.md") == "docs/navigation/index.md"
