"""Configuration: ``[tool.guidelint]`` in pyproject.toml, or guidelint.toml.

The configuration is validated against ``SPEC``: an unknown key or a bad value is a
``ConfigError`` (exit code 2) naming the key. Paths are relative to the file that sets them.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

CONFIG_FILES = ("guidelint.toml", "pyproject.toml")
GENERATORS = ("plain", "jekyll", "hugo", "mkdocs", "eleventy", "docusaurus")
# links.slug_style (guidelint/slug.py; kept here so reading the configuration imports no more)
SLUG_STYLES = (
    "github",
    "gitlab",
    "plain",
    "docusaurus",
    "kramdown",
    "jekyll",
    "hugo",
    "goldmark",
    "python-markdown",
    "python-markdown-unicode",
    "markdown-it-anchor",
    "eleventy",
    "sindresorhus-slugify",
)
SEVERITIES = ("error", "warning", "info")
CODE_RE = re.compile(r"^GL[0-9]{0,3}$")


class ConfigError(Exception):
    """A configuration problem; the CLI prints it and exits 2."""


# ---------------------------------------------------------------- value checkers
def _str(v: Any) -> str:
    if not isinstance(v, str) or not v:
        raise ValueError("expected a non-empty string")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise ValueError("expected true or false")
    return v


def _int(minimum: int = 0) -> Callable[[Any], int]:
    def check(v: Any) -> int:
        if isinstance(v, bool) or not isinstance(v, int) or v < minimum:
            raise ValueError(f"expected a whole number >= {minimum}")
        return v

    return check


def _choice(*choices: str) -> Callable[[Any], str]:
    def check(v: Any) -> str:
        if v not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}")
        return v

    return check


def _str_list(v: Any) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
        raise ValueError("expected a list of strings")
    return tuple(v)


def _codes(v: Any) -> tuple[str, ...]:
    items = _str_list(v)
    for item in items:
        if item.upper() != "ALL" and not CODE_RE.match(item.upper()):
            raise ValueError(f"{item!r} is not a rule code or prefix (such as GL4 or GL401)")
    return tuple(x.upper() for x in items)


def _severity_map(v: Any) -> dict[str, str]:
    if not isinstance(v, dict):
        raise ValueError("expected a table of CODE = severity")
    out = {}
    for k, sev in v.items():
        if not CODE_RE.match(k.upper()):
            raise ValueError(f"{k!r} is not a rule code or prefix")
        if sev not in SEVERITIES:
            raise ValueError(f"{k} = {sev!r}: expected one of {', '.join(SEVERITIES)}")
        out[k.upper()] = sev
    return out


def _per_file(v: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(v, dict):
        raise ValueError('expected a table of "glob" = ["CODE", ...]')
    return {str(k): _codes(codes) for k, codes in v.items()}


def _str_map(v: Any) -> dict[str, str]:
    if not isinstance(v, dict) or not all(
        isinstance(k, str) and isinstance(x, str) for k, x in v.items()
    ):
        raise ValueError('expected a table of "from" = "to" strings')
    return dict(v)


def _grade_map(v: Any) -> dict[str, float]:
    """[readability] max_grade: page type = highest Flesch-Kincaid grade (GL520). Setting any
    ceiling needs the optional textstat package (pip install 'guidelint[readability]')."""
    if not isinstance(v, dict):
        raise ValueError("expected a table of page type = grade, such as { guide = 10 }")
    out = {}
    for k, grade in v.items():
        if isinstance(grade, bool) or not isinstance(grade, (int, float)) or not 0 < grade <= 30:
            raise ValueError(f"{k} = {grade!r}: expected a grade between 0 and 30")
        out[str(k)] = float(grade)
    if out:
        from guidelint.readability import available

        if not available():
            raise ValueError(
                "reading-grade ceilings need the textstat package; "
                "install it with: pip install 'guidelint[readability]'"
            )
    return out


def _any_str(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("expected a string")
    return v


def _regexes(v: Any) -> tuple[str, ...]:
    items = _str_list(v)
    for item in items:
        try:
            regex = re.compile(item)
        except re.error as exc:
            raise ValueError(f"{item!r} is not a regular expression: {exc}") from None
        if "target" not in regex.groupindex:
            raise ValueError(f"{item!r} has no named group (?P<target>...)")
    return items


def _types(v: Any) -> tuple[tuple[tuple[str, ...], str], ...]:
    """[[tool.guidelint.types]] entries: glob (a string or a list) and type."""
    if not isinstance(v, list):
        raise ValueError("expected an array of tables [[types]] with glob and type")
    out = []
    for i, entry in enumerate(v):
        if not isinstance(entry, dict) or set(entry) != {"glob", "type"}:
            raise ValueError(f"entry {i + 1}: expected exactly the keys glob and type")
        if not isinstance(entry["type"], str) or not entry["type"]:
            raise ValueError(f"entry {i + 1}: type must be a non-empty string")
        out.append((_str_list(entry["glob"]), entry["type"]))
    return tuple(out)


def _date(v: Any) -> _dt.date:
    if isinstance(v, _dt.date):
        return v
    try:
        return _dt.date.fromisoformat(str(v))
    except ValueError:
        raise ValueError("expected a date written YYYY-MM-DD") from None


# key -> (checker, default). Nested tables are dicts of the same shape.
SPEC: dict[str, Any] = {
    "content_root": (_str, "content"),
    "schemas": (_str, None),
    "select": (_codes, ()),
    "extend_select": (_codes, ()),
    "ignore": (_codes, ()),
    "severity": (_severity_map, {}),
    "per_file_ignores": (_per_file, {}),
    "exclude": (_str_list, ()),
    "extensions": (_str_list, (".md", ".markdown")),
    "fail_on": (_choice(*SEVERITIES), "warning"),
    "review_max_age_days": (_int(1), 365),
    "cache_dir": (_str, ".guidelint_cache"),
    "cache": (_bool, True),
    "jobs": (_int(0), 0),
    # the site's generator: its URL, index-page and template conventions (guidelint/sitemodel.py)
    "generator": (_choice(*GENERATORS), "plain"),
    "types": (_types, ()),  # [[types]] glob -> page type, for pages without type:
    "default_status": (_any_str, ""),  # status of pages without one ("" = none)
    "claims": {
        "builtin": (_bool, True),
        "packs": (_str_list, ()),
    },
    "links": {
        "slug_style": (_choice(*SLUG_STYLES), "github"),
        "site_prefixes": (_str_map, {}),
        "redirects": (_str_map, {}),
        "url_style": (_choice("files", "pretty", "html"), "files"),
        "baseurl": (_any_str, ""),  # URL prefix the site is served under ("/project")
        "fallback_root": (_bool, False),
        "extra_urls": (_str_list, ()),
        "shared_definitions": (_str_list, ()),  # files whose [label]: url every page may use
        "listed": (
            _str_list,
            (),
        ),  # globs of pages a generated listing links (posts, sections)  # URLs that exist without a page (redirects, feeds)
        "slug_drop": (_any_str, ""),  # characters the site's slug function deletes first
        "static_dirs": (
            _str_list,
            (),
        ),  # folders copied to the site root as they are (static/)  # a relative link that finds nothing: try the root too
        "site_url": (_any_str, ""),  # the site's own origin: full URLs to it are checked as paths
        "collections": (_str_map, {}),  # source folder = URL folder ("_docs" = "docs")
        "index_files": (_str_list, ()),  # names of folder index pages (default: generator's)
        "nav_files": (_str_list, ()),  # navigation files whose entries count as inbound links
        "template_syntax": (_choice("auto", "none", "liquid", "hugo"), "auto"),
        "templates": (_regexes, ()),  # the site's own link tags: regexes with (?P<target>...)
        "check_external": (_bool, False),
        "external_timeout": (_int(1), 10),
        "external_concurrency": (_int(1), 8),
        "external_per_host": (_int(1), 2),
        "external_retries": (_int(0), 2),
        "external_cache_days": (_int(0), 7),
        "external_allow_private": (_bool, False),
    },
    "suppressions": {
        "require_reason": (_bool, True),
    },
    "names": {  # GL510 known-name-spelling: names to spell exactly, from data files and this table
        "builtin": (_bool, True),  # the name lists shipped in guidelint/packs/names/
        "files": (_str_list, ()),  # more YAML name lists (see guidelint/packs/names/)
        "spellings": (_str_map, {}),  # "misspelling" = "Right Name"
    },
    "readability": {  # GL520 reading-grade (optional extra: pip install 'guidelint[readability]')
        "max_grade": (_grade_map, {}),  # page type = highest Flesch-Kincaid grade; empty = off
        "min_words": (_int(1), 150),  # pages with fewer words of prose are not graded
    },
    "sources": {  # GL503 source-is-homepage
        # hosts whose front page may be a source, e.g. "example.org"
        "allow_homepages": (_str_list, ()),
    },
    "limits": {
        "max_file_bytes": (_int(1), 5 * 1024 * 1024),
        "max_front_matter_bytes": (_int(1), 64 * 1024),
        "max_yaml_nodes": (_int(1), 10_000),
        "max_links": (_int(1), 5_000),
        "max_nesting": (_int(1), 50),
        "max_lines": (_int(1), 200_000),  # the parser's work is by line (GL908)
        "max_blocks": (_int(1), 100_000),  # the parser's block tokens (GL908): memory and time
        # the parser's inline tokens (GL908): lines, marks, code spans... of paragraphs
        "max_inline_tokens": (_int(1), 100_000),
        # characters of a page's sentences the claims rules read (GL911): their time
        "max_claim_chars": (_int(1), 100_000),
    },
}


# keys whose value is a nested table ([tool.guidelint.links] ...), as opposed to a map value such as severity
_TABLES = frozenset(k for k, v in SPEC.items() if isinstance(v, dict))


def _validate(table: dict, spec: dict, where: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in table.items():
        norm = key.replace("-", "_")
        if norm not in spec:
            known = ", ".join(sorted(spec))
            raise ConfigError(f"unknown key '{where}.{key}'; known keys: {known}")
        entry = spec[norm]
        if isinstance(entry, dict):
            if not isinstance(value, dict):
                raise ConfigError(f"'{where}.{key}' must be a table")
            out[norm] = _validate(value, entry, f"{where}.{key}")
            continue
        checker, _default = entry
        try:
            out[norm] = checker(value)
        except ValueError as exc:
            raise ConfigError(f"'{where}.{key}' = {value!r}: {exc}") from None
    return out


def _defaults(spec: dict) -> dict:
    return {k: (_defaults(v) if isinstance(v, dict) else v[1]) for k, v in spec.items()}


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(base[k], v) if isinstance(v, dict) and k in _TABLES else v
    return out


_RESOLVED: dict[tuple, Path] = {}


def _resolved(root: Path, value: str, cwd: str) -> Path:
    """``(root / value).resolve()``, once per process and working folder: the analysis asks for
    the schemas folder on every page, and resolving a path is a system call per component."""
    key = (root, value, cwd)
    found = _RESOLVED.get(key)
    if found is None:
        found = _RESOLVED[key] = (root / value).resolve()
    return found


@dataclass(frozen=True)
class Config:
    """The resolved configuration. Picklable; part of the cache key."""

    root: Path
    source: Path | None
    values: dict
    today: _dt.date = field(default_factory=_dt.date.today)

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, dotted: str) -> Any:
        node: Any = self.values
        for part in dotted.split("."):
            node = node[part]
        return node

    @property
    def content_root(self) -> Path:
        return _resolved(self.root, self.values["content_root"], os.getcwd())

    @property
    def schemas_dir(self) -> Path:
        if self.values["schemas"]:
            return _resolved(self.root, self.values["schemas"], os.getcwd())
        return builtin_schemas_dir()

    def resolve_path(self, value: str) -> Path:
        return (self.root / value).resolve()

    def with_overrides(self, **values: Any) -> Config:
        return replace(self, values=_merge(self.values, values))

    def with_today(self, today: _dt.date) -> Config:
        return replace(self, today=today)

    def fingerprint(self) -> str:
        """A stable text of everything that changes analysis results (for the cache)."""
        values = {k: v for k, v in self.values.items() if k not in _NOT_IN_FINGERPRINT}
        nav = ""
        links = self.values["links"]
        if links.get("nav_files") or links.get("shared_definitions"):  # their contents count
            import hashlib

            from guidelint.sitemodel import nav_file_text

            nav = hashlib.sha256(nav_file_text(self).encode()).hexdigest()
        return repr((sorted(_flat(values)), str(self.root), self.today.isoformat(), nav))

    def per_file_ignored(self, rel: str) -> set[str]:
        codes: set[str] = set()
        for pattern, ignored in self.values["per_file_ignores"].items():
            if fnmatch.fnmatch(rel, pattern):
                codes.update(ignored)
        return codes


# how results are computed and kept, not what they are: changing these keeps the cache valid
_NOT_IN_FINGERPRINT = frozenset({"cache", "cache_dir", "jobs"})


def _flat(d: dict, prefix: str = "") -> list[tuple[str, str]]:
    out = []
    for k, v in d.items():
        if isinstance(v, dict) and k in _TABLES:
            out.extend(_flat(v, f"{prefix}{k}."))
        else:
            out.append((f"{prefix}{k}", repr(v)))
    return out


def builtin_schemas_dir() -> Path:
    here = Path(__file__).resolve().parent
    packaged = here / "_schemas"
    return packaged if packaged.is_dir() else here.parent / "schemas"


def find_config(start: Path) -> Path | None:
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and not _has_tool_table(candidate):
                    continue
                return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return "tool.guidelint" in text  # ours, but broken: load_config reports it
    return "guidelint" in data.get("tool", {})


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Load and validate the configuration; raises ConfigError."""
    start = start or Path.cwd()
    if path is None:
        path = find_config(start)
    if path is None:
        return Config(root=start.resolve(), source=None, values=_defaults(SPEC), today=_today())
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get("guidelint", {})
        where = "tool.guidelint"
    else:
        table = data
        where = path.name
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [{where}] must be a table")
    try:
        values = _merge(_defaults(SPEC), _validate(table, SPEC, where))
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return Config(root=path.parent.resolve(), source=path, values=values, today=_today())


def _today() -> _dt.date:
    """Today, or the date in GUIDELINT_TODAY (for reproducible runs and tests)."""
    env_today = os.environ.get("GUIDELINT_TODAY")
    if not env_today:
        return _dt.date.today()
    try:
        return _date(env_today)
    except ValueError:
        raise ConfigError(
            f"GUIDELINT_TODAY={env_today!r}: expected a date written YYYY-MM-DD"
        ) from None
