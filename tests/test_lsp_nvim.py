"""`guidelint lsp` with a real client: headless Neovim's built-in LSP client (Debian: neovim).

tests/lsp/nvim_init.lua opens a page of a copy of tests/fixtures/lsp_site, waits for its
diagnostics, edits the buffer (without saving), waits for the new ones, then renames a heading
on another page and waits for the pages that link to it to be told; it writes what
``vim.diagnostic.get()`` returned at each step as JSON. The waits are bounded (20 s each) and
only decide when to look: nothing here asserts a duration.

Without nvim the test is skipped on a workstation, and fails in CI (CI=true), where .ci/run
installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "lsp_site"
INIT = HERE / "lsp" / "nvim_init.lua"


def _nvim() -> str:
    nvim = shutil.which("nvim")
    if nvim is None:
        message = "nvim is not installed (Debian package neovim; .ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return nvim


def _codes(items, file):
    return sorted(d["code"] for d in items if d["file"] == file)


def test_neovim_client_sees_diagnostics_of_unsaved_edits(tmp_path):
    nvim = _nvim()
    root = tmp_path / "site"
    shutil.copytree(FIXTURE, root)
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    out = tmp_path / "out.json"
    env = dict(
        os.environ,
        GL_PY=sys.executable,
        GL_ROOT=str(root),
        GL_OUT=str(out),
        GUIDELINT_TODAY="2026-11-25",
    )
    proc = subprocess.run(
        [nvim, "--headless", "--clean", "-u", str(INIT)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["version"]["major"] > 0 or result["version"]["minor"] >= 7

    # 1. on open: the page's findings, with their codes, from the guidelint source
    assert result["opened_ok"], result["opened"]
    opened = [d for d in result["opened"] if d["file"] == "content/training.md"]
    assert _codes(opened, "content/training.md") == ["GL320", "GL510"]
    misspelt = next(d for d in opened if d["code"] == "GL510")
    assert (misspelt["line"], misspelt["col"]) == (3, 46)
    assert "CAAHEP" in misspelt["message"] and misspelt["source"] == "guidelint"
    assert misspelt["severity"] == 2  # vim.diagnostic.severity.WARN
    # the suppressed GL301 (brochure.md) stays suppressed
    assert not any(d["code"] == "GL301" for d in opened)

    # 2. after the unsaved edit: the misspelling is gone, the new broken link is reported
    assert result["edited_ok"], result["edited"]
    assert _codes(result["edited"], "content/training.md") == ["GL301", "GL320"]
    broken = next(d for d in result["edited"] if d["code"] == "GL301")
    assert broken["line"] == 10 and "exam-guide.md" in broken["message"]

    # 3. a heading renamed in wages.md: the two pages linking to its anchor get GL302
    assert result["renamed_ok"], result["renamed"]
    for page in ("content/index.md", "content/states/index.md"):
        assert _codes(result["renamed"], page) == ["GL302"]
        assert (
            "what-changes-wages"
            in next(d for d in result["renamed"] if d["file"] == page)["message"]
        )

    # nothing was written: the edits lived in the buffers only
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before
