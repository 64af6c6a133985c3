"""What guidelint reads back from its cache is authenticated before it is unpickled.

The result cache (``guidelint.cache``), the site snapshot (``guidelint.snapshot``) and the
record of trusted schemas hold pickles, which run code when they are loaded. A cache folder can
hold files nobody on this machine wrote: a snapshot force-committed to the repository, a CI
cache restored from a shared store, a folder someone else can write to. So every entry, every
snapshot frame and every trusted-schemas record carries an HMAC-SHA256 tag made with a key that
never lives in the work tree, and a file whose tag does not verify (``hmac.compare_digest``) is
never unpickled: it counts as a miss and is written again.

The key is per user, 32 random bytes (``os.urandom``) in, first found:

1. the file named by ``$GUIDELINT_CACHE_KEY_FILE`` (in CI, a file written from a secret, so that
   a restored cache stays usable across jobs while a planted one is refused);
2. ``$XDG_STATE_HOME/guidelint/cache.key``;
3. ``~/.local/state/guidelint/cache.key``.

A missing key file (in any of these places) is created with mode 0600 in a folder of mode 0700, atomically (written
under a temporary name, then linked into place, so two runs starting at once agree on one key).
An existing key is used only if it is a regular file of at least 16 bytes that no other user
(root aside) owns and that neither group nor others may write, and (for a run) only if it is
not inside the cache folder or the content root: whoever can plant files there (a shared CI
cache, a commit) could then plant the key too. When no key can be had, the run
goes on without any cache and says so once on standard error.

Cache files are opened with ``O_NOFOLLOW | O_NONBLOCK`` and used only if ``fstat`` says they
are regular files: a FIFO, a device or a symlink put in place of a snapshot never blocks a run
or sends it elsewhere (``open_regular``).
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

KEY_ENV = "GUIDELINT_CACHE_KEY_FILE"
KEY_BYTES = 32
MIN_KEY_BYTES = 16
TAG_BYTES = 32  # HMAC-SHA256
_MAX_KEY_FILE = 4096


class KeyUnavailable(Exception):
    """The cache key cannot be read or created; the message says why."""


def key_path() -> Path:
    explicit = os.environ.get(KEY_ENV)
    if explicit:
        return Path(explicit).expanduser()
    state = os.environ.get("XDG_STATE_HOME")
    base = Path(state) if state and os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "guidelint" / "cache.key"


def open_regular(path: Path | str) -> BinaryIO | None:
    """A binary file object for ``path`` if it is a regular file (never following a symlink and
    never waiting on a FIFO), else None. Raises nothing for a missing or odd file."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            return None
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except OSError:
        with contextlib.suppress(OSError):
            os.close(fd)
        return None


def read_regular(path: Path | str) -> bytes | None:
    """The bytes of ``path`` if it is a regular file (see ``open_regular``), else None."""
    fh = open_regular(path)
    if fh is None:
        return None
    try:
        with fh:
            data: bytes = fh.read()
            return data
    except OSError:
        return None


def _read_key(path: Path) -> bytes:
    # the key file may be a symlink (a mounted secret), but what it names must be a regular file
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KeyUnavailable(f"{path} is not a regular file")
        uid = os.getuid() if hasattr(os, "getuid") else None
        if uid is not None and st.st_uid not in (uid, 0):
            raise KeyUnavailable(f"{path} belongs to another user")
        if st.st_mode & 0o022:
            raise KeyUnavailable(f"{path} can be written by other users (chmod 600 it)")
        os.set_blocking(fd, True)
        data = os.read(fd, _MAX_KEY_FILE + 1)
    finally:
        os.close(fd)
    if len(data) < MIN_KEY_BYTES or len(data) > _MAX_KEY_FILE:
        raise KeyUnavailable(f"{path} must hold {MIN_KEY_BYTES} to {_MAX_KEY_FILE} bytes")
    return data


def _create_key(path: Path) -> bytes:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache.key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(os.urandom(KEY_BYTES))
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another run made one first: use that one
            os.link(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return _read_key(path)


@functools.lru_cache(maxsize=1)
def _key_or_reason() -> tuple[bytes | None, str | None]:
    path = key_path()
    try:
        try:
            return _read_key(path), None
        except FileNotFoundError:
            return _create_key(path), None
    except KeyUnavailable as exc:
        return None, str(exc)
    except OSError as exc:
        return None, f"{path}: {exc.strerror or exc}"


_WARNED: list[bool] = []


def _inside(path: Path, folders: Iterable[Path | str]) -> Path | None:
    """The first of ``folders`` that holds ``path`` (both resolved), or None."""
    try:
        real = Path(os.path.realpath(path))
    except (OSError, ValueError):
        return None
    for folder in folders:
        try:
            base = Path(os.path.realpath(folder))
        except (OSError, ValueError):
            continue
        if real == base or base in real.parents:
            return base
    return None


def key(outside: Iterable[Path | str] = ()) -> bytes | None:
    """The cache key, or None (after saying once on standard error why the cache is off).
    ``outside``: folders the key file must not be in (the cache folder, the content root:
    whoever can write there could then write the key too)."""
    folder = _inside(key_path(), outside) if outside else None
    reason: str | None
    if folder is not None:  # (checked first: such a key is not even created)
        found, reason = None, f"{key_path()} is inside {folder}, where a planted cache could put it"
    else:
        found, reason = _key_or_reason()
    if found is None and not _WARNED:
        _WARNED.append(True)
        with contextlib.suppress(Exception):
            print(
                f"guidelint: running without a cache: no cache key ({reason}); "
                f"set ${KEY_ENV} to a private file to enable it",
                file=sys.stderr,
            )
    return found


def tag(secret: bytes, label: bytes, payload: bytes | memoryview) -> bytes:
    """HMAC-SHA256 of ``label`` (what the bytes are, so a tag is never valid for another kind of
    record) and ``payload``."""
    mac = hmac.new(secret, label + b"\0", "sha256")
    mac.update(payload)
    return mac.digest()


def verify(secret: bytes, label: bytes, payload: bytes | memoryview, expected: bytes) -> bool:
    return hmac.compare_digest(tag(secret, label, payload), expected)


def seal(label: bytes, payload: bytes) -> bytes | None:
    """``tag + payload``, or None without a key."""
    secret = key()
    if secret is None:
        return None
    return tag(secret, label, payload) + payload


def unseal(label: bytes, blob: bytes | memoryview) -> bytes | memoryview | None:
    """The payload of a ``seal``-ed blob if its tag verifies, else None."""
    secret = key()
    if secret is None or len(blob) < TAG_BYTES:
        return None
    view = memoryview(blob)
    payload = view[TAG_BYTES:]
    if not verify(secret, label, payload, bytes(view[:TAG_BYTES])):
        return None
    return payload


def read_sealed(
    path: Path | str, magic: bytes, label: bytes, head: bytes
) -> bytes | memoryview | None:
    """What follows ``head`` in the file at ``path`` written as ``magic + seal(label, head +
    payload)``: the payload, or None if the file is missing or not a regular file, starts with
    other bytes, fails its tag or was made for another ``head``. Nothing is unpickled here."""
    blob = read_regular(path)
    if blob is None or not blob.startswith(magic):
        return None
    body = unseal(label, memoryview(blob)[len(magic) :])
    if body is None or bytes(body[: len(head)]) != head:
        return None
    return body[len(head) :]
