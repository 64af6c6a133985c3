"""GL503 source-is-homepage and the state schema's rule for last_reviewed on drafts."""

import json

import pytest

from guidelint.rules.gl503_source_is_homepage import is_homepage


def _page(urls, extra=""):
    sources = "".join(
        f"  - title: Source {i}\n    publisher: Someone\n    url: {u}\n    accessed: 2026-11-20\n"
        for i, u in enumerate(urls)
    )
    return (
        "---\ntitle: Certification guide\n"
        "description: A guide page written only to exercise the source checks in this test file.\n"
        "type: guide\nstatus: published\nlast_reviewed: 2026-11-20\n"
        f"sources:\n{sources}related: [other]\n{extra}---\n\n# Certification guide\n\nText.\n\n"
        "## What to read next\n\n- [Other](other.md)\n"
    )


OTHER = (
    "---\ntitle: Other guide\n"
    "description: The page the certification guide links to, so that no link is broken here.\n"
    "type: guide\nstatus: published\nlast_reviewed: 2026-11-20\n"
    "sources:\n  - title: A page\n    publisher: Someone\n    url: https://example.org/a/page\n"
    "    accessed: 2026-11-20\nrelated: [cert]\n---\n\n# Other guide\n\nText.\n\n"
    "## What to read next\n\n- [Certification](cert.md)\n"
)


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://www.aama-ntl.org/", True),
        ("https://www.aama-ntl.org", True),
        ("http://example.org/", True),
        ("https://www.aama-ntl.org/cma-aama-exam/eligibility", False),
        ("https://example.org/?page=fees", False),
        ("https://example.org/#fees", True),
        ("ftp://example.org/", False),
        ("not a url", False),
    ],
)
def test_is_homepage(url, expected):
    assert is_homepage(url) is expected


def _gl503(run_cli, root):
    code, out, err = run_cli(
        "check", "--no-cache", "--format", "json", "--select", "GL503", cwd=root
    )
    assert "Traceback" not in err
    return code, [d for d in json.loads(out or "[]") if d["code"] == "GL503"]


def test_homepage_source_is_a_warning_at_the_url(run_cli, site):
    root = site(
        {
            "cert.md": _page(
                ["https://www.bls.gov/ooh/healthcare/x.htm", "https://www.aama-ntl.org/"]
            ),
            "other.md": OTHER,
        }
    )
    code, found = _gl503(run_cli, root)
    assert code == 1
    assert len(found) == 1
    d = found[0]
    assert d["severity"] == "warning" and d["path"] == "content/cert.md"
    assert d["line"] == 14 and d["column"] == 10  # the url value of sources[1]
    assert "sources[1].url" in d["message"] and "aama-ntl.org" in d["message"]


def test_allow_homepages_accepts_a_listed_host(run_cli, site):
    pages = {
        "cert.md": _page(["https://www.aama-ntl.org/", "https://example.com/"]),
        "other.md": OTHER,
    }
    root = site(pages, '[tool.guidelint.sources]\nallow_homepages = ["aama-ntl.org"]\n')
    code, found = _gl503(run_cli, root)
    assert code == 1
    assert [d["line"] for d in found] == [14]  # example.com is still reported
    assert "example.com" in found[0]["message"]


def test_allow_homepages_must_be_a_list_of_strings(run_cli, site):
    root = site({"other.md": OTHER}, "[tool.guidelint.sources]\nallow_homepages = 3\n")
    code, _out, err = run_cli("check", "--no-cache", cwd=root)
    assert code == 2 and "Traceback" not in err
    assert "allow_homepages" in err


STATE = (
    "---\ntitle: Medical assistant rules in Ohio\n"
    "description: A page about a state whose rules nobody has checked yet, for this test only.\n"
    "type: state\nstatus: {status}\n{reviewed}state: OH\nrelated: [index]\n---\n\n"
    "# Medical assistant rules in Ohio\n\nUnreviewed draft.\n\n## Where to check the rules\n\n"
    "The state medical board.\n\n## What to read next\n\n- [Index](index.md)\n"
)
INDEX = (
    "---\ntitle: Rules by state\n"
    "description: The index page of the state guides, written for this test of the state schema.\n"
    "type: index\nstatus: published\nlast_reviewed: 2026-11-20\nrelated: [ohio]\n---\n\n"
    "# Rules by state\n\nText.\n\n## What varies by state\n\nText.\n\n"
    "## How to check your state's rules\n\nText.\n\n## State guides\n\nText.\n\n"
    "## What to read next\n\n- [Ohio](ohio.md)\n"
)


@pytest.mark.parametrize(
    "status,reviewed,missing",
    [
        ("draft", "", False),  # an unreviewed draft may leave the date out
        ("draft", "last_reviewed: 2026-11-20\n", False),
        ("published", "last_reviewed: 2026-11-20\n", False),
        ("published", "", True),  # a published state page must say when it was checked
    ],
)
def test_state_last_reviewed_required_only_when_published(run_cli, site, status, reviewed, missing):
    state = STATE.format(status=status, reviewed=reviewed)
    root = site({"ohio.md": state, "index.md": INDEX})
    code, out, err = run_cli(
        "check", "--no-cache", "--format", "json", "--select", "GL1", "content/ohio.md", cwd=root
    )
    assert "Traceback" not in err
    found = [d for d in json.loads(out or "[]") if d["code"] == "GL102"]
    if missing:
        assert code == 1
        assert [(d["line"], d["column"]) for d in found] == [(1, 1)]
        assert "'last_reviewed' (needed unless status is 'draft')" in found[0]["message"]
    else:
        assert found == [] and code == 0, out
