import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def run_cli(tmp_path):
    """Run the real command line in a folder; returns (exit code, stdout, stderr)."""

    def _run(*args, cwd=None, input=None, env=None):
        full_env = dict(os.environ, GUIDELINT_TODAY=TODAY.isoformat(), NO_COLOR="1")
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "guidelint", *args],
            cwd=cwd or tmp_path,
            input=input,
            capture_output=True,
            env=full_env,
            timeout=120,
        )
        return (
            proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"),
        )

    return _run


@pytest.fixture
def site(tmp_path):
    """A folder with a pyproject.toml pointing at content/ and the repository's schemas."""

    def _make(files: dict, config: str = ""):
        (tmp_path / "pyproject.toml").write_text(
            f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n{config}',
            encoding="utf-8",
        )
        for name, text in files.items():
            target = tmp_path / "content" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                target.write_bytes(text)
            else:
                target.write_text(text, encoding="utf-8")
        (tmp_path / "content").mkdir(exist_ok=True)
        return tmp_path

    return _make


def pytest_configure(config):
    # the cache key (guidelint.trust) of the tests' runs: never the user's own
    import tempfile

    os.environ["GUIDELINT_CACHE_KEY_FILE"] = os.path.join(
        tempfile.mkdtemp(prefix="guidelint-test-key-"), "cache.key"
    )
    config.addinivalue_line(
        "markers", "slow: a slow test (real pre-commit, PyPI); deselect with -m 'not slow'"
    )
