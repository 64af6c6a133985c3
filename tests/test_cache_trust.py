"""Nothing read from the cache runs code (guidelint/trust.py): planted pickles, FIFOs, symlinks.

An attacker who can put files in the cache folder (a snapshot force-committed to the repository,
a CI cache restored from a shared store) but does not hold the user's cache key writes a pickle
whose ``__reduce__`` would create a marker file. Every run here goes through the real command
line: in this process with a new process's state (tests/conftest.py), and where a FIFO could
block it, in a subprocess with a timeout (a blocked run fails the test, it does not hang).
"""

import builtins
import os
import pickle
import stat
import struct

import pytest
from conftest import REPO, run_cli_in_process, run_cli_subprocess

from guidelint import trust

PAGES = {
    "index.md": "---\ntype: hub\ntitle: Start\nstatus: published\n---\n# Start\n\nSee [jobs](jobs.md).\n",
    "jobs.md": "# Jobs\n\nSee [missing](nowhere.md) and [start](index.md).\n",
}
DRAFT = "# Draft\n\nA [broken link](gone.md).\n"


class Payload:
    """Unpickling this creates ``marker`` (it calls ``open(marker, 'w')``)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (builtins.open, (self.marker, "w"))


def _cli(folder, *args, key_file, real_process=False):
    """``guidelint check ARGS`` with this key file: in this process (a new process's state, see
    tests/conftest.py), or with ``real_process`` in a new interpreter whose timeout guards against
    a run blocked on a FIFO."""
    run = run_cli_subprocess if real_process else run_cli_in_process
    return run("check", *args, cwd=folder, env={"GUIDELINT_CACHE_KEY_FILE": str(key_file)})


@pytest.fixture
def clone(tmp_path):
    """A site with pages below the content root (site snapshot) and a file outside it (a
    per-file cache entry), as a fresh clone would have it."""
    folder = tmp_path / "clone"
    (folder / "content").mkdir(parents=True)
    (folder / "drafts").mkdir()
    (folder / "pyproject.toml").write_text(
        f'[tool.guidelint]\ncontent_root = "content"\nschemas = "{(REPO / "schemas").as_posix()}"\n'
    )
    for name, text in PAGES.items():
        (folder / "content" / name).write_text(text)
    (folder / "drafts" / "draft.md").write_text(DRAFT)
    return folder


def _cache_files(folder):
    return sorted(
        p
        for p in (folder / ".guidelint_cache").rglob("*")
        if p.is_file() and p.name not in ("CACHEDIR.TAG", ".gitignore", ".used")
    )


def _forged(path, payload: bytes) -> bytes:
    """A file in the current format whose tag was made without the user's key."""
    fake_tag = b"\x00" * trust.TAG_BYTES
    if path.suffix == ".snapshot":
        from guidelint.snapshot import MAGIC

        return MAGIC + fake_tag + struct.pack(">Q", len(payload)) + payload
    from guidelint.cache import MAGIC

    return MAGIC + fake_tag + b"\x00" * 20 + payload


@pytest.mark.parametrize("victim", ["other-user", "same-user"])
def test_planted_pickles_never_run(clone, tmp_path, victim):
    attacker_key = tmp_path / "attacker" / "cache.key"
    victim_key = tmp_path / "victim" / "cache.key"
    args = ("content", "drafts")
    expected = _cli(clone, "--no-cache", *args, key_file=victim_key)
    assert expected[0] == 1 and "GL301" in expected[1]
    # the attacker runs guidelint in the same place (so the files sit where the victim looks)...
    assert (
        _cli(clone, *args, key_file=attacker_key if victim == "other-user" else victim_key)[:2]
        == expected[:2]
    )
    planted = _cache_files(clone)
    kinds = {p.suffix for p in planted}
    assert {".snapshot", ""} <= kinds and len(planted) >= 2, planted  # snapshot, entry
    # ...then replaces every cache file with a payload: as a bare pickle (the old format) and
    # in the current format with a forged tag
    marker = tmp_path / "PWNED"
    evil = pickle.dumps(Payload(marker))
    assert not marker.exists()
    for round_ in ("bare", "forged"):
        for path in planted:
            path.write_bytes(evil if round_ == "bare" else _forged(path, evil))
        got = _cli(clone, *args, key_file=victim_key)
        assert not marker.exists(), f"a {round_} planted pickle ran"
        assert got[:2] == expected[:2]
        # the run treated them as misses and wrote its own, authentic files again
        again = _cli(clone, *args, key_file=victim_key)
        assert again[:2] == expected[:2] and not marker.exists()
    # what the victim's run wrote loads (the cache still works: a warm run reads it)
    from guidelint.snapshot import load

    snapshot = next(p for p in _cache_files(clone) if p.suffix == ".snapshot")
    old = os.environ.get(trust.KEY_ENV)
    os.environ[trust.KEY_ENV] = str(victim_key)
    trust._key_or_reason.cache_clear()
    try:
        loaded = load(snapshot)
        assert loaded is not None and set(loaded.pages) == set(PAGES)
        # one flipped byte anywhere in a frame and it is refused whole
        blob = bytearray(snapshot.read_bytes())
        blob[-5] ^= 1
        snapshot.write_bytes(bytes(blob))
        assert load(snapshot) is None
    finally:
        os.environ[trust.KEY_ENV] = old
        trust._key_or_reason.cache_clear()


def test_the_snapshot_does_not_survive_a_change_of_key(clone, tmp_path):
    """A snapshot written under one key is a miss under another: the run analyses every page."""
    first, second = tmp_path / "k1", tmp_path / "k2"
    expected = _cli(clone, "--no-cache", "content", key_file=first)
    assert _cli(clone, "content", key_file=first)[:2] == expected[:2]
    planted = [p for p in _cache_files(clone) if p.suffix == ".snapshot"]
    before = planted[0].read_bytes()
    assert _cli(clone, "content", key_file=second)[:2] == expected[:2]
    assert planted[0].read_bytes() != before  # rewritten under the second key


@pytest.mark.parametrize("how", ["fifo", "symlink-to-fifo"])
def test_a_fifo_in_place_of_cache_files_never_blocks(clone, tmp_path, how):
    key_file = tmp_path / "key"
    args = ("content", "drafts")
    expected = _cli(clone, "--no-cache", *args, key_file=key_file, real_process=True)
    assert _cli(clone, *args, key_file=key_file, real_process=True)[:2] == expected[:2]
    planted = _cache_files(clone)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in planted:
        path.unlink()
        if how == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(fifo)
    got = _cli(clone, *args, key_file=key_file, real_process=True)  # (its timeout is the guard)
    assert got[:2] == expected[:2]


def test_open_regular_refuses_fifos_symlinks_and_folders(tmp_path):
    regular = tmp_path / "file"
    regular.write_bytes(b"data")
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to(regular)
    assert trust.read_regular(regular) == b"data"
    assert trust.read_regular(tmp_path / "fifo") is None
    assert trust.read_regular(tmp_path / "link") is None
    assert trust.read_regular(tmp_path) is None
    assert trust.read_regular(tmp_path / "missing") is None


def test_key_is_created_private_and_reused(clone, tmp_path):
    key_file = tmp_path / "state" / "guidelint" / "cache.key"
    assert _cli(clone, "content", key_file=key_file)[0] == 1
    mode = stat.S_IMODE(key_file.stat().st_mode)
    assert mode == 0o600 and stat.S_IMODE(key_file.parent.stat().st_mode) == 0o700
    first = key_file.read_bytes()
    assert len(first) == trust.KEY_BYTES
    _cli(clone, "content", key_file=key_file)
    assert key_file.read_bytes() == first
    assert not list(tmp_path.glob("state/guidelint/.cache.key-*"))  # no temporary left


def test_default_key_location_is_outside_the_work_tree(monkeypatch, tmp_path):
    monkeypatch.delenv(trust.KEY_ENV, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert trust.key_path() == tmp_path / "xdg" / "guidelint" / "cache.key"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert trust.key_path() == tmp_path / "home" / ".local" / "state" / "guidelint" / "cache.key"


@pytest.mark.parametrize("problem", ["writable", "folder", "cannot-create"])
def test_no_usable_key_runs_without_cache_and_says_so_once(clone, tmp_path, problem):
    if problem == "writable":
        key_file = tmp_path / "key"
        key_file.write_bytes(os.urandom(32))
        key_file.chmod(0o666)
    elif problem == "folder":
        key_file = tmp_path / "key"
        key_file.mkdir()
    else:
        blocker = tmp_path / "blocker"
        blocker.write_text("a file, not a folder")
        key_file = blocker / "cache.key"
    args = ("content", "drafts")
    expected = _cli(clone, "--no-cache", *args, key_file=key_file)
    code, out, err = _cli(clone, *args, key_file=key_file)
    assert (code, out) == expected[:2]
    assert err.count("running without a cache") == 1, err
    assert str(key_file) in err
    assert not (clone / ".guidelint_cache").exists() or not _cache_files(clone)


@pytest.mark.parametrize("where", [".guidelint_cache/cache.key", "content/.key"])
def test_a_key_inside_the_cache_or_content_is_refused(clone, where):
    """Whoever can plant the cache (a shared CI cache, a commit) could plant such a key too."""
    key_file = clone / where
    expected = _cli(clone, "--no-cache", "content", key_file=key_file)
    code, out, err = _cli(clone, "content", key_file=key_file)
    assert (code, out) == expected[:2]
    assert err.count("running without a cache") == 1 and "planted cache" in err, err
    assert not [p for p in _cache_files(clone) if p.suffix == ".snapshot"]
    assert not key_file.exists()  # and it was not created there
