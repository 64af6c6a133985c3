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
        if data.get("draft") is True or data.get("published") is False:
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
            folder = target.strip("/") + folder[len(source) :]
            break
    if generator == "docusaurus":
        folder = "/".join(_NUMBER_PREFIX.sub("", part) for part in folder.split("/") if part)
        name = _NUMBER_PREFIX.sub("", name)
    doc_id = meta.get("id")
    if generator == "docusaurus" and isinstance(doc_id, str) and doc_id.strip():
        name = doc_id.strip().strip("/")  # the doc id replaces the file name
    index = name in index_names(config)
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


def page_base_url(urls: tuple[str, ...], config: Config | None) -> str | None:
    """The folder a relative link on the page is read against, in URL space, or None."""
    if not urls or config is None:
        return None
    own = urls[0]
    if config.get("links.url_style") == "html":
        return posixpath.dirname(own) or "/"
    return own + "/" if own else "/"


def is_menu_page(meta: dict[str, Any]) -> bool:
    """The page puts itself in the site navigation: Hugo's ``menu``/``menus``, Eleventy's
    ``eleventyNavigation`` front matter."""
    return bool(meta.get("menu") or meta.get("menus") or meta.get("eleventyNavigation"))


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
    for name in config.get("links.nav_files"):
        path = config.resolve_path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        suffix = path.suffix.lower()
        if suffix in (".js", ".ts", ".mjs", ".cjs", ".mts"):
            if "autogenerated" in text:
                everything = True
            found.extend(m.group(2) for m in re.finditer(r"(['\"])([^'\"\n]{1,300})\1", text))
            continue
        data = _load_lenient(text, suffix)
        if path.name in ("mkdocs.yml", "mkdocs.yaml"):
            if not isinstance(data, dict) or "nav" not in data:
                everything = True
                continue
            data = data["nav"]
        found.extend(_strings(data))
    return everything, tuple(dict.fromkeys(found))


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


def nav_file_text(config: Config) -> str:
    """The navigation files' contents, for the cache key (a changed nav changes orphans)."""
    parts = []
    for name in config.get("links.nav_files"):
        try:
            parts.append(Path(config.resolve_path(name)).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            parts.append("")
    return "\0".join(parts)
