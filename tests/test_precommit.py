"""guidelint as a real pre-commit hook in a real git repository.

The hook repository is a snapshot of this working tree (tracked and untracked, not ignored
files) committed into a temporary git repository, so the test also covers uncommitted changes
(``pre-commit try-repo`` would only carry modified *tracked* files). pre-commit then builds the
hook's virtual environment with pip (needs PyPI), which takes a while: the test is marked slow
(deselect with ``-m "not slow"``) but runs in the default suite.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 300

GOOD = """---
title: Medical assistant jobs
description: Where medical assistants work, how to read a job posting, and red flags to avoid.
type: guide
status: draft
last_reviewed: 2026-11-01
sources:
  - title: Medical assistants
    publisher: Example Agency
    url: https://example.org/ma
    period: May 2024
related: [other]
---

# Medical assistant jobs

Text.

## What to read next

- [Other](other.md)
"""


def _git(*args, cwd, env, check=True, timeout=TIMEOUT):
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=check,
        timeout=timeout,
    )


@pytest.fixture
def git_env(tmp_path):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text(
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n", encoding="utf-8"
    )
    venv_bin = str(Path(sys.executable).parent)
    env = dict(
        os.environ,
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.org",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.org",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GUIDELINT_TODAY="2026-11-25",
        NO_COLOR="1",
        PATH=venv_bin + os.pathsep + os.environ.get("PATH", ""),
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def _snapshot(dest: Path, env) -> str:
    """Commit this working tree (as it is now) into a fresh repository; returns the commit id."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode("utf-8")
        .split("\0")
    )
    dest.mkdir()
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file() and not rel.startswith(("content/", "benchmarks/")):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    _git("init", "-q", cwd=dest, env=env)
    _git("add", "-A", cwd=dest, env=env)
    _git("commit", "-q", "-m", "snapshot", "--no-verify", cwd=dest, env=env)
    return _git("rev-parse", "HEAD", cwd=dest, env=env).stdout.strip()


@pytest.mark.slow
def test_precommit_hook_blocks_bad_pages_and_reports_only_changed_files(tmp_path, git_env):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = git_env
    hook_repo = tmp_path / "guidelint-hook"
    sha = _snapshot(hook_repo, env)

    site = tmp_path / "site"
    (site / "content").mkdir(parents=True)
    shutil.copytree(REPO / "schemas", site / "schemas")
    (site / "pyproject.toml").write_text(
        '[tool.guidelint]\ncontent_root = "content"\nschemas = "schemas"\n'
        "# the test is about the hook, not about rules other engineers are still tuning\n"
        'select = ["GL1", "GL5", "GL9"]\n',
        encoding="utf-8",
    )
    (site / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {hook_repo.as_posix()}\n    rev: {sha}\n    hooks:\n"
        "      - id: guidelint\n        files: ^content/\n",
        encoding="utf-8",
    )
    (site / "content" / "jobs.md").write_text(GOOD, encoding="utf-8")
    (site / "content" / "other.md").write_text(
        GOOD.replace("related: [other]", "related: [jobs]").replace(
            "[Other](other.md)", "[Jobs](jobs.md)"
        ),
        encoding="utf-8",
    )
    _git("init", "-q", cwd=site, env=env)
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=site,
        env=env,
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )

    # 1. a clean site commits (the first run builds the hook's environment)
    _git("add", "-A", cwd=site, env=env)
    first = _git("commit", "-m", "site", cwd=site, env=env, check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "guidelint" in first.stdout + first.stderr

    # 2. an old, stale page is already in the repository (committed without the hook)
    (site / "content" / "old.md").write_text(
        GOOD.replace("2026-11-01", "2019-01-15"), encoding="utf-8"
    )
    _git("add", "-A", cwd=site, env=env)
    _git("commit", "-q", "-m", "old", "--no-verify", cwd=site, env=env)

    # 3. a bad new page: the commit is refused with guidelint's message, about that page only
    bad = GOOD.replace("last_reviewed: 2026-11-01\n", "")
    (site / "content" / "new.md").write_text(bad, encoding="utf-8")
    _git("add", "content/new.md", cwd=site, env=env)
    refused = _git("commit", "-m", "new page", cwd=site, env=env, check=False)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "content/new.md:1:1: GL102" in output and "last_reviewed" in output
    assert "old.md" not in output
    assert _git("rev-list", "--count", "HEAD", cwd=site, env=env).stdout.strip() == "2"

    # 4. fixed: the commit goes through, and the stale page nobody touched is not reported
    (site / "content" / "new.md").write_text(GOOD, encoding="utf-8")
    _git("add", "content/new.md", cwd=site, env=env)
    ok = _git("commit", "-m", "new page", cwd=site, env=env, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "old.md" not in ok.stdout + ok.stderr
    assert _git("rev-list", "--count", "HEAD", cwd=site, env=env).stdout.strip() == "3"


def test_hook_manifest_and_repo_config_are_valid():
    pre_commit = [sys.executable, "-m", "pre_commit"]
    for args in (
        ["validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        ["validate-config", str(REPO / ".pre-commit-config.yaml")],
    ):
        proc = subprocess.run(pre_commit + args, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    import yaml

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "guidelint" and hook["entry"] == "guidelint check"
    assert (
        hook["language"] == "python"
        and hook["types"] == ["markdown"]
        and hook["pass_filenames"] is True
    )
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    for repo in config["repos"]:
        assert repo["repo"] in ("local", "meta"), (
            "CI has no network to GitHub: local and meta hooks only"
        )
