"""Issue 17, item 4: the smaller things a new user hit (the README's pre-commit snippet, claim
packs switched off, impossible dates, one finding per misspelt name, standard input without a
file name, the --fix hint, SARIF's tool address)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from test_precommit import _git, _snapshot, git_env  # noqa: F401 - the same git sandbox

from guidelint import __version__

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")

PAGE = """---
title: Medical assistant jobs
description: Where medical assistants work, what the work is like day to day and how to find openings.
type: guide
status: draft
last_reviewed: {date}
---
# Medical assistant jobs

Choose a program accredited by CAHEEP or ABHES.
"""


def _snippet() -> str:
    m = re.search(r"### pre-commit\n.*?```yaml\n(.*?)```", README, re.S)
    assert m, "README lacks the pre-commit snippet"
    return m.group(1)


def test_readme_precommit_rev_is_this_versions_tag():
    assert re.search(rf"^\s+rev: v{re.escape(__version__)}\b", _snippet(), re.M)


def test_readme_precommit_snippet_works_with_pre_commit(tmp_path, git_env):  # noqa: F811
    """The snippet as written, pointed at a local clone tagged as the README says: pre-commit
    accepts it, and `pre-commit autoupdate` (the documented way to move rev) lands on that tag."""
    env = git_env
    hook_repo = tmp_path / "guidelint-clone"
    _snapshot(hook_repo, env)
    _git("tag", "v0.0.1", cwd=hook_repo, env=env)
    _git("commit", "-q", "--allow-empty", "-m", "release", cwd=hook_repo, env=env)
    _git("tag", f"v{__version__}", cwd=hook_repo, env=env)
    site = tmp_path / "site"
    site.mkdir()
    _git("init", "-q", cwd=site, env=env)
    config = re.sub(r"(repo: )\S+", rf"\g<1>{hook_repo.as_posix()}", _snippet())
    (site / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    pre_commit = [sys.executable, "-m", "pre_commit"]
    ok = subprocess.run(
        [*pre_commit, "validate-config", ".pre-commit-config.yaml"],
        cwd=site,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    old = config.replace(f"rev: v{__version__}", "rev: v0.0.1")
    (site / ".pre-commit-config.yaml").write_text(old, encoding="utf-8")
    up = subprocess.run(
        [*pre_commit, "autoupdate"], cwd=site, env=env, capture_output=True, text=True, timeout=120
    )
    assert up.returncode == 0, up.stdout + up.stderr
    updated = (site / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert f"rev: v{__version__}" in updated


@pytest.fixture
def site_without_builtin_claims(site):
    return site(
        {"jobs.md": PAGE.format(date="2026-02-20")}, "[tool.guidelint.claims]\nbuiltin = false\n"
    )


def test_builtin_claims_off_removes_the_rules(site_without_builtin_claims, run_cli):
    root = site_without_builtin_claims
    code, out, _err = run_cli("rules", cwd=root)
    assert code == 0 and "GL1" in out
    assert not re.search(r"^GL4", out, re.M)
    code, _out, err = run_cli("check", "--select", "GL401", cwd=root)
    assert code == 2 and "GL401" in err


def test_impossible_date_says_no_such_date(site, run_cli):
    root = site({"jobs.md": PAGE.format(date="2026-02-30")})
    code, out, _err = run_cli("check", "--select", "GL101", "--format", "json", cwd=root)
    assert code == 1
    [finding] = json.loads(out)
    assert "no such date" in finding["message"] and finding["line"] == 6
    root2 = site({"jobs.md": PAGE.format(date="2026-13-01")})
    _code, out, _err = run_cli("check", "--select", "GL101", "--format", "json", cwd=root2)
    assert "is not a date" in json.loads(out)[0]["message"]


def test_one_misspelt_name_one_finding(site, run_cli):
    root = site({"jobs.md": PAGE.format(date="2026-02-20")})
    _code, out, _err = run_cli(
        "check", "--select", "GL411,GL510", "--format", "json", "--no-cache", cwd=root
    )
    found = [(d["line"], d["column"], d["code"]) for d in json.loads(out)]
    assert found == [(10, 32, "GL510")]  # the finding that carries the fix
    _code, out, _err = run_cli("check", "--select", "GL411", "--format", "json", cwd=root)
    assert [d["code"] for d in json.loads(out)] == ["GL411"]  # alone, GL411 still reports it
    code, _out, _err = run_cli("check", "--select", "GL411,GL510", "--fix", "--no-cache", cwd=root)
    assert code == 0 and "CAHEEP" not in (root / "content" / "jobs.md").read_text()


def test_stdin_without_filename_warns_and_offers_no_fix(site, run_cli):
    root = site({})
    page = PAGE.format(date="2026-02-20")
    code, out, err = run_cli("check", "-", "--select", "GL510", input=page.encode(), cwd=root)
    assert code == 1
    assert "without --stdin-filename" in err and "links" in err
    assert "fixable with --fix" not in out  # --fix cannot write to standard input
    (root / "content" / "jobs.md").write_text(page, encoding="utf-8")
    _code, out, err = run_cli("check", "content/jobs.md", "--select", "GL510", cwd=root)
    assert "1 fixable with --fix" in out and "stdin-filename" not in err


def test_sarif_names_no_made_up_home(site, run_cli):
    root = site({"jobs.md": PAGE.format(date="2026-02-20")})
    _code, out, _err = run_cli("check", "--select", "GL510", "--format", "sarif", cwd=root)
    driver = json.loads(out)["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    assert all("helpUri" not in rule for rule in driver["rules"])
    assert driver["rules"] and all(rule["help"]["text"] for rule in driver["rules"])
