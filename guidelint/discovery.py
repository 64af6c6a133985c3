"""Finding the files of a run: the pages below the content root and the paths the user named.

``gather`` walks the content root once (hidden files and folders, ``exclude`` patterns and
symbolic links to folders are skipped) and returns ``FileItem``s: where each file is, how the
report names it and its path below the content root. Nothing here reads a page's bytes
(``guidelint.reading`` does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from guidelint.config import Config, ConfigError
from guidelint.tempfiles import PAGE_SUFFIX


@dataclass
class FileItem:
    """A file a run checks: where it is, how the report names it, its path below the content
    root (None outside it)."""

    path: Path | None  # None for standard input
    display: str
    rel: str | None
    data: bytes | None = None  # preloaded bytes (standard input)
    escapes: bool = False  # a symbolic link below the content root to a file outside it: never read


def _resolve(path: Path) -> Path:
    """``path.resolve()``, or its absolute path when it is a symbolic-link loop (read_item reports it)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return Path(os.path.abspath(path))


def display_path(path: Path) -> str:
    real = _resolve(path)
    try:
        return real.relative_to(_cwd()).as_posix()
    except ValueError:
        return real.as_posix()


_CWD: dict[str, Path] = {}


def _cwd() -> Path:
    """The resolved working folder, resolved once per working folder (gather calls this per file)."""
    here = os.getcwd()
    if here not in _CWD:
        _CWD[here] = Path(here).resolve()
    return _CWD[here]


def rel_path(path: Path, root: Path) -> str | None:
    """The posix path of ``path`` below ``root`` (resolved), or None when it is not below it."""
    try:
        return _resolve(path).relative_to(root).as_posix()
    except ValueError:
        return None


def discover(folder: Path, config: Config) -> list[Path]:
    """Markdown files below ``folder``, sorted; symbolic links to folders are not followed."""
    return [path for path, _rel_path in _walk(folder, config)]


def _walk(folder: Path, config: Config) -> list[tuple[Path, str | None]]:
    """(path, rel) for the Markdown files below ``folder``."""
    return [(path, rel) for path, rel, _link in _scan(folder, config)]


def _scan(
    folder: Path, config: Config, temps: list[str] | None = None
) -> list[tuple[Path, str | None, bool]]:
    """(path, rel, is a symbolic link) for the Markdown files below ``folder``, sorted by folder
    then name, files before subfolders, as ``os.walk`` lists them; hidden files and folders are
    skipped and symbolic links to folders are not followed. Below the (resolved) content root a
    regular file's rel is computed from the walk itself: resolving every path costs more than the
    rest of a warm run's file handling. ``os.scandir`` tells symbolic links apart without a
    system call per file. ``temps`` collects the temporary files of ``--fix`` found beside pages
    (a killed run's leftovers, see guidelint.tempfiles)."""
    import fnmatch

    exts = tuple(config["extensions"])
    excludes = config["exclude"]
    root = config.content_root
    root_prefix = _prefix(root)
    folder_str = str(folder)
    lexical = folder_str == str(root) or folder_str.startswith(root_prefix)
    out: list[tuple[Path, str | None, bool]] = []

    stack = [
        folder_str
    ]  # depth first, files before subfolders (a loop: a recursive closure is a cycle)
    while stack:
        dirpath = stack.pop()
        try:
            with os.scandir(dirpath) as it:
                entries = list(it)
        except OSError:  # unreadable or vanished folder: nothing to list (as os.walk)
            continue
        subdirs = []
        for entry in sorted(entries, key=lambda e: e.name):
            try:
                is_dir = entry.is_dir()
            except OSError:  # a symbolic-link loop: listed as a file, reported when read
                is_dir = False
            name = entry.name
            if is_dir:
                if not name.startswith(".") and not entry.is_symlink():
                    subdirs.append(entry.path)
                continue
            if not name.endswith(exts) or name.startswith("."):
                if temps is not None and name.endswith(PAGE_SUFFIX) and name.startswith("."):
                    temps.append(entry.path)
                continue
            full = entry.path
            link = entry.is_symlink()
            path = Path(full)
            rel: str | None
            if lexical and not link:
                rel = full[len(root_prefix) :].replace(os.sep, "/")
            else:
                rel = rel_path(path, root)
            if excludes and any(
                fnmatch.fnmatch(rel or path.as_posix(), pattern) for pattern in excludes
            ):
                continue
            out.append((path, rel, link))
        stack.extend(reversed(subdirs))
    return out


def _prefix(folder: Path) -> str:
    """The text that starts the path of everything below ``folder``: ``/`` for the root folder
    itself, not ``//`` (a content root of "/" lost the first character of every page's path)."""
    text = str(folder)
    return text if text.endswith(os.sep) else text + os.sep


def _display_fast(path: Path, cwd_prefix: str) -> str:
    """display_path for a regular file found by walking the resolved content root."""
    full = str(path)
    if full.startswith(cwd_prefix):
        return full[len(cwd_prefix) :].replace(os.sep, "/")
    return display_path(path)


def gather(paths: list[str], config: Config) -> tuple[list[FileItem], list[FileItem]]:
    """(site files, target files). Raises ConfigError for a bad content root or a missing path."""
    root = config.content_root
    if root.exists() and not root.is_dir():
        raise ConfigError(f"content root '{config['content_root']}' is a file, not a folder")
    site: list[FileItem] = []
    if root.is_dir():
        cwd_prefix = _prefix(_cwd())
        temps: list[str] = []
        site = [
            FileItem(
                p,
                _display_fast(p, cwd_prefix) if rel is not None and not link else display_path(p),
                rel,
            )
            if rel is not None or not link
            else _escaping(p)
            for p, rel, link in _scan(root, config, temps)
        ]
        if temps:  # left by a killed --fix run
            from guidelint.tempfiles import remove_stale

            remove_stale(temps)
    elif not paths:
        raise ConfigError(
            f"content root '{config['content_root']}' does not exist; "
            "pass the pages to check or set content_root in [tool.guidelint]"
        )
    if not paths:
        return site, list(site)
    by_rel = {item.rel: item for item in site if item.rel is not None}
    targets: list[FileItem] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = discover(p, config)
        elif p.exists() or p.is_symlink():
            found = [p]
        else:
            raise ConfigError(f"path '{raw}' does not exist")
        for f in found:
            rel = rel_path(f, root)
            item = by_rel.get(rel) if rel is not None else None
            if item is None and rel is None and _lexically_inside(f, root):
                item = _escaping(f)
            item = item or FileItem(f, display_path(f), rel)
            targets.append(item)
    seen = set()
    unique = []
    for item in targets:
        key = _resolve(item.path) if item.path else item.display
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return site, unique


def _lexically_inside(path: Path, root: Path) -> bool:
    """``path`` is below ``root`` as written (symbolic links not followed)."""
    return os.path.abspath(path).startswith(str(root) + os.sep)


def _escaping(path: Path) -> FileItem:
    """A symbolic link below the content root whose file is outside it: named by the link's own
    path, never read (``guidelint.reading.escaped_result``)."""
    full = os.path.abspath(path)
    cwd_prefix = str(_cwd()) + os.sep
    display = full[len(cwd_prefix) :] if full.startswith(cwd_prefix) else full
    return FileItem(path, display.replace(os.sep, "/"), None, escapes=True)
