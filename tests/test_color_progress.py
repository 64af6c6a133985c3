"""Colour only on a terminal (NO_COLOR honoured); progress only on a watched terminal, never in CI
or machine formats, never on standard output."""

import io
import os
import pty
import subprocess
import sys
import time

from guidelint import progress

OLD = "---\ntitle: An old page\nlast_reviewed: 2019-01-15\n---\n\n# An old page\n"
ESC = "\x1b["


def _run_in_pty(args, cwd, env):
    """Run the CLI with standard output and error on a pseudo-terminal; returns (code, output)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "guidelint", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_unless_no_color(site, tmp_path):
    site({"old.md": OLD})
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")}
    env.update(GUIDELINT_TODAY="2026-11-25", TERM="xterm")
    code, out = _run_in_pty(["check", "--select", "GL5"], tmp_path, env)
    assert code == 1 and ESC in out
    code, out = _run_in_pty(["check", "--select", "GL5"], tmp_path, dict(env, NO_COLOR="1"))
    assert code == 1 and ESC not in out and "GL501" in out
    code, out = _run_in_pty(["check", "--select", "GL5", "--no-color"], tmp_path, env)
    assert ESC not in out
    code, out = _run_in_pty(
        ["check", "--select", "GL5", "--format", "json", "--color"], tmp_path, env
    )
    assert ESC not in out  # machine formats never carry colour


def test_colour_flags_when_piped(site, run_cli):
    site({"old.md": OLD})
    assert ESC not in run_cli("check", "--select", "GL5")[1]  # not a terminal
    assert ESC in run_cli("check", "--select", "GL5", "--color")[1]  # forced


class _Stream(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


def test_progress_only_when_watched(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert progress.wanted("text", _Stream(True))
    assert not progress.wanted("json", _Stream(True))
    assert not progress.wanted("sarif", _Stream(True))
    assert not progress.wanted("text", _Stream(False))
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted("text", _Stream(True))


def test_progress_line_appears_on_long_runs_and_is_erased(monkeypatch):
    monkeypatch.setattr(progress, "DELAY", 0.05)
    stream = _Stream(True)
    with progress.Progress(True, stream) as p:
        analyze = p.wrap(lambda items, config, selected: time.sleep(0.3) or [])
        analyze([1, 2, 3], None, frozenset())
    text = stream.getvalue()
    assert "analysing 3 pages" in text and text.endswith("\r\x1b[K")
    quiet = _Stream(True)
    with progress.Progress(True, quiet):
        pass  # a short run shows nothing
    assert quiet.getvalue() == ""


def test_no_progress_on_stdout_or_when_piped(site, run_cli):
    site({"old.md": OLD})
    _code, out, err = run_cli("check", "--select", "GL5", env={"CI": ""})
    assert "guidelint:" not in out and "analysing" not in err
