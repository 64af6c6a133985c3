"""What a static-site generator makes of a page: its published URLs, its type and status when the
front matter does not say, and the navigation that links to it.

Configuration (``[tool.guidelint]`` ``generator`` and ``[tool.guidelint.links]``):

* ``url_style``: ``files`` (a link names the Markdown file; the default), ``pretty`` (``a/b.md``
  is published at ``/a/b/``) or ``html`` (``/a/b.html``). A folder's index page (``index.md``,
  and per generator ``_index.md`` for Hugo, ``README.md`` for MkDocs and Docusaurus, or
  ``links.index_files``) is published at ``/a/``. Front matter ``permalink`` (Jekyll, Eleventy),
  ``url`` (Hugo) or an absolute ``slug`` (Docusaurus) set the URL; a relative ``slug`` (Hugo,
  Docusaurus) replaces the last part. Hugo lowercases URLs. ``redirect_from`` (Jekyll) and
  ``aliases`` (Hugo) are URLs of the page too.
* ``collections``: source folder = URL folder (Jekyll's ``_docs`` = ``docs``).
* ``baseurl``: the prefix the site is served under; stripped from site-absolute links.

URLs are compared as *keys*: leading ``/``, no trailing ``/``, no ``index.html``, no ``.html``
(``/docs/``, ``/docs/index.html`` and ``/docs`` are one page), lowercase for Hugo.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.frontmatter import FrontMatter

_INDEX_NAMES = {
    "plain": ("index",),
    "jekyll": ("index",),
    "hugo": ("_index", "index"),
    "mkdocs": ("index", "README"),
    "eleventy": ("index",),
    "docusaurus": ("index", "README"),
}
_SYNTAX = {"jekyll": "liquid", "eleventy": "liquid", "hugo": "hugo"}
_NUMBER_PREFIX = re.compile(r"^\d+[-_.]")  # Docusaurus drops "01-" from file names
_PERMALINK_PLACEHOLDER = re.compile(r":[a-z_]+|\{\{|\{%")


def template_syntax(config: Config) -> str:
    syntax = config.get("links.template_syntax")
    if syntax != "auto":
        return syntax
    return _SYNTAX.get(config["generator"], "none")


def index_names(config: Config | None) -> tuple[str, ...]:
    if config is None:
        return ("index",)
    names = config.get("links.index_files")
    if names:
        return tuple(names)
    return _INDEX_NAMES.get(config["generator"], ("index",))


# ---------------------------------------------------------------- type and status
def apply_page_defaults(fm: FrontMatter | None, rel: str | None, config: Config) -> None:
    """Give a page without ``type:`` the type of the first ``[[types]]`` glob its path matches,
    and a page without ``status:`` ``draft`` when the generator would not publish it
    (``draft: true``, ``published: false``) or else ``default_status``. The front matter's own
    values always win. Changes ``fm.data`` in place."""
    if fm is None or rel is None:
        return
    data = fm.data
    if "type" not in data:
        for globs, page_type in config["types"]:
            if any(fnmatch.fnmatch(rel, g) for g in globs):
                data["type"] = page_type
                break
    if "status" not in data:
        if (
            data.get("draft") is True
            or data.get("published") is False
            or data.get("permalink") is False  # Eleventy: not written out
            or "pagination" in data  # a template for other pages, not a page of its own
        ):
            data["status"] = "draft"
        elif config["default_status"]:
            data["status"] = config["default_status"]


# ---------------------------------------------------------------- URLs
def url_key(url: str, lower: bool = False) -> str:
    """A URL path as compared: ``/docs/``, ``/docs/index.html``, ``/docs.html`` -> ``/docs``."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/"):
        path = "/" + path
    path = posixpath.normpath(path) if path not in ("", "/") else "/"
    if path.startswith("//"):
        path = path[1:]
    for suffix in ("/index.html", "/index.htm", "/index.php"):
        if path.endswith(suffix):
            path = path[: -len(suffix) + 1]
    if path.endswith(".html"):
        path = path[:-5]
    elif path.endswith(".htm"):
        path = path[:-4]
    path = path.rstrip("/")
    if path.endswith("/index"):  # /a/index is /a/ (Docusaurus slug: index, servers' index files)
        path = path[: -len("/index")]
    return path.lower() if lower else path


def strip_baseurl(path: str, config: Config | None) -> str:
    base = (config.get("links.baseurl") if config is not None else "").rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        return path[len(base) :] or "/"
    return path


def lowercase_urls(config: Config | None) -> bool:
    return config is not None and config["generator"] == "hugo"


def page_urls(rel: str, meta: dict[str, Any], config: Config | None) -> tuple[str, ...]:
    """The URL keys a page is published at: its own first, then its aliases (empty with the
    ``files`` URL style and no front-matter URL, where links name files)."""
    if config is None:
        return ()
    generator = config["generator"]
    if config.get("links.url_style") == "files" and generator == "plain":
        return ()
    lower = lowercase_urls(config)
    own = _own_url(rel, meta, config)
    keys = [url_key(own, lower)] if own is not None else []
    folder_url = posixpath.dirname(own.rstrip("/")) if own else "/"
    for name in ("redirect_from", "aliases"):
        values = meta.get(name)
        if isinstance(values, str):
            values = [values]
        if isinstance(values, list):
            for value in values:
                if isinstance(value, str) and value.strip():
                    value = value.strip()
                    if not value.startswith("/"):
                        value = posixpath.join(folder_url, value)
                    keys.append(url_key(value, lower))
    return tuple(dict.fromkeys(keys))


def _own_url(rel: str, meta: dict[str, Any], config: Config) -> str | None:
    generator = config["generator"]
    for key in ("permalink", "url"):
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            if _PERMALINK_PLACEHOLDER.search(value):
                break  # a pattern (/:categories/:title/) or a template: computed below
            return value.strip()
        if value is False:
            return None  # Eleventy: not written out
    stem, _ext = posixpath.splitext(rel)
    folder, name = posixpath.split(stem)
    for source, target in config.get("links.collections").items():
        source = source.strip("/")
        if folder == source or folder.startswith(source + "/"):
            if ":" in target:  # a permalink pattern: /news/:year/:month/:day/:title/
                return _expand(target, stem[len(source) + 1 :], meta, config)
            folder = target.strip("/") + folder[len(source) :]
            break
    if generator == "docusaurus":
        folder = "/".join(_NUMBER_PREFIX.sub("", part) for part in folder.split("/") if part)
        name = _NUMBER_PREFIX.sub("", name)
    doc_id = meta.get("id")
    if generator == "docusaurus" and isinstance(doc_id, str) and doc_id.strip():
        name = doc_id.strip().strip("/")  # the doc id replaces the file name
    index = name in index_names(config)
    if generator in ("eleventy", "docusaurus") and folder and name == posixpath.basename(folder):
        index = True  # folder/folder.md is the folder's index page
    slug = meta.get("slug")
    if isinstance(slug, str) and slug.strip() and generator in ("hugo", "docusaurus"):
        slug = slug.strip()
        if slug.startswith("/"):
            return slug if slug.endswith("/") else slug + "/"
        if index:  # a page bundle or section: the slug replaces the folder's name
            folder = posixpath.join(posixpath.dirname(folder), slug) if folder else slug
        else:
            name = slug
    if index:
        return "/" + (folder + "/" if folder else "")
    path = posixpath.join(folder, name) if folder else name
    if config.get("links.url_style") == "html":
        return f"/{path}.html"
    return f"/{path}/"


_DATED = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$")


def _expand(pattern: str, path: str, meta: dict[str, Any], config: Config) -> str:
    """A Jekyll permalink pattern for a collection document at ``path`` (below the collection
    folder, no extension): :year :month :day (from a dated file name), :title, :name, :path,
    :categories, :output_ext."""
    name = posixpath.basename(path)
    m = _DATED.match(name)
    year, month, day, title = m.groups() if m else ("", "", "", name)
    categories = meta.get("categories", meta.get("category"))
    if isinstance(categories, str):
        categories = categories.split()
    cats = "/".join(str(c) for c in categories) if isinstance(categories, list) else ""
    ext = ".html" if config.get("links.url_style") == "html" else "/"
    values = {
        "year": year,
        "month": month,
        "day": day,
        "i_month": month.lstrip("0"),
        "i_day": day.lstrip("0"),
        "title": str(meta.get("slug") or title),
        "slug": str(meta.get("slug") or title),
        "name": name,
        "path": path,
        "categories": cats,
        "output_ext": ext,
    }
    url = re.sub(r":([a-z_]+)", lambda k: values.get(k.group(1), k.group(0)), pattern)
    return "/" + re.sub(r"/{2,}", "/", url).lstrip("/")


_FM_PERMALINK = re.compile(r"^permalink:\s*[\"']?([^\"'\s#]+)", re.M)
_SKIP_FOLDERS = frozenset({"_site", "_includes", "_layouts", "node_modules", ".git", "vendor"})


def template_page_urls(root: Path | None, exts: tuple[str, ...], config: Config) -> dict[str, str]:
    """URL key -> path for the pages built from other templates (``pages/index.html`` with
    ``permalink: /``): by their front-matter permalink, else by their path."""
    import os

    found: dict[str, str] = {}
    if root is None:
        return found
    lower = lowercase_urls(config)
    count = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_FOLDERS and not d.startswith(".")]
        for name in files:
            if not name.endswith(exts):
                continue
            count += 1
            if count > 20_000:
                return found
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            try:
                with open(path, encoding="utf-8", errors="replace") as fh:
                    head = fh.read(4096)
            except OSError:
                continue
            if head.startswith("---"):
                end = head.find("\n---", 3)
                m = _FM_PERMALINK.search(head[: end if end != -1 else len(head)])
                if m and not _PERMALINK_PLACEHOLDER.search(m.group(1)):
                    found.setdefault(url_key(m.group(1), lower), rel)
                    continue
            stem = rel
            for ext in exts:
                if stem.endswith(ext):
                    stem = stem[: -len(ext)]
                    break
            base = posixpath.basename(stem)
            if base == "index" or base == posixpath.basename(posixpath.dirname(stem)):
                stem = posixpath.dirname(stem)
            found.setdefault(url_key("/" + stem, lower), rel)
    return found


def page_base_url(urls: tuple[str, ...], config: Config | None) -> str | None:
    """The folder a relative link on the page is read against, in URL space, or None."""
    if not urls or config is None:
        return None
    own = urls[0]
    if config.get("links.url_style") == "html":
        return posixpath.dirname(own) or "/"
    return own + "/" if own else "/"


def is_menu_page(meta: dict[str, Any]) -> bool:
    """The page puts itself in the site navigation (Hugo's ``menu``/``menus``, Eleventy's
    ``eleventyNavigation``) or keeps itself out of listings by design
    (``eleventyExcludeFromCollections``): either way, no inbound link is expected."""
    return bool(
        meta.get("menu")
        or meta.get("menus")
        or meta.get("eleventyNavigation")
        or meta.get("eleventyExcludeFromCollections") is True  # hidden by design
    )


# pages a generator builds from other templates than Markdown (a link to one is not broken)
TEMPLATE_PAGES = {
    "jekyll": (".html",),
    "eleventy": (
        ".njk",
        ".liquid",
        ".html",
        ".11ty.js",
        ".11ty.cjs",
        ".hbs",
        ".pug",
        ".ejs",
        ".webc",
    ),
    "plain": (),
    "hugo": (),
    "mkdocs": (),
    "docusaurus": (".js", ".jsx", ".tsx"),
}


# ---------------------------------------------------------------- navigation files
def nav_entries(config: Config) -> tuple[bool, tuple[str, ...]]:
    """(every page is in the navigation, the strings the navigation files list), read from
    ``links.nav_files`` (paths relative to the configuration file). MkDocs without a ``nav`` key
    and Docusaurus ``autogenerated`` sidebars put every page in the navigation."""
    everything = False
    found: list[str] = []
    for path in nav_paths(config):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        suffix = path.suffix.lower()
        if suffix in _TEMPLATE_SUFFIXES:  # a layout or include: the links it writes on pages
            found.extend(_template_links(text))
            continue
        if suffix in (".js", ".ts", ".mjs", ".cjs", ".mts"):
            if "autogenerated" in text:
                everything = True
            found.extend(m.group(2) for m in re.finditer(r"(['\"])([^'\"\n]{1,300})\1", text))
            continue
        data = _load_lenient(text, suffix)
        if path.name in ("mkdocs.yml", "mkdocs.yaml"):  # only its nav
            if not isinstance(data, dict) or "nav" not in data:
                everything = True
                continue
            data = data["nav"]
        found.extend(_strings(data))
    return everything, tuple(dict.fromkeys(found))


_TEMPLATE_SUFFIXES = (".html", ".htm", ".njk", ".liquid", ".hbs")
_HREF = re.compile(r"""href\s*=\s*["']([^"'<>]+)["']""")
_LINK_TAG = re.compile(r"\{%-?\s*link\s+(\S+?)\s*-?%\}")
_PREFIX_TAG = re.compile(r"\{\{-?\s*site\.(?:baseurl|url)\s*-?\}\}")
_URL_FILTER = re.compile(r"\{\{-?\s*['\"]([^'\"]+)['\"]\s*\|\s*(?:relative_url|absolute_url|url)\b")


_CONTAINS = re.compile(r"""\burl\s+contains\s+['"](/[^'"]+)['"]""")


def _template_links(text: str) -> list[str]:
    out = ["glsrc:" + m.group(1) for m in _LINK_TAG.finditer(text)]
    # a listing filtered by URL (where_exp: "doc", "doc.url contains '/step-by-step/'")
    out.extend("contains:" + m.group(1) for m in _CONTAINS.finditer(text))
    out.extend(m.group(1) for m in _URL_FILTER.finditer(text))
    for m in _HREF.finditer(text):
        href = _PREFIX_TAG.sub("", m.group(1))
        if "{" not in href and "%" not in href:
            out.append(href)
    return out


def nav_paths(config: Config) -> list[Path]:
    """The files ``links.nav_files`` names (globs allowed), relative to the configuration."""
    out: list[Path] = []
    for name in config.get("links.nav_files"):
        if any(ch in name for ch in "*?["):
            out.extend(sorted(p for p in config.root.glob(name) if p.is_file()))
        else:
            out.append(config.resolve_path(name))
    return out[:5000]


def _load_lenient(text: str, suffix: str) -> Any:
    if suffix == ".json":
        import json

        try:
            return json.loads(text)
        except ValueError:
            return None
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def unknown(loader, _suffix, node):  # mkdocs.yml's !!python/name:... and !ENV tags
        return None

    Loader.add_multi_constructor("", unknown)
    Loader.add_multi_constructor("!", unknown)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", unknown)
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError:
        return None


def _strings(node: Any) -> list[str]:
    out: list[str] = []
    stack = [node]
    while stack and len(out) < 100_000:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item.strip())
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return out


_SHARED: dict[tuple, frozenset[str]] = {}


def shared_labels(config: Config) -> frozenset[str]:
    """Reference labels defined in ``links.shared_definitions`` (pymdownx.snippets
    ``auto_append`` files): defined on every page. Read once per process and configuration."""
    from guidelint.slug import normalize_label

    names = tuple(config.get("links.shared_definitions"))
    if not names:
        return frozenset()
    key = (str(config.root), names)
    if key not in _SHARED:
        labels = set()
        for name in names:
            try:
                text = config.resolve_path(name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            for m in re.finditer(r"^[ \t]{0,3}\[([^\]\n]+)\]:[ \t]*\S", text, re.M):
                labels.add(normalize_label(m.group(1)))
        _SHARED[key] = frozenset(labels)
    return _SHARED[key]


def nav_file_text(config: Config) -> str:
    """The navigation and shared-definition files' contents, for the cache key."""
    parts = []
    shared = [config.resolve_path(n) for n in config.get("links.shared_definitions")]
    for path in nav_paths(config) + shared:
        try:
            parts.append(path.as_posix() + "\0" + path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            parts.append("")
    return "\0".join(parts)
