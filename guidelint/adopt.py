"""``guidelint init``: adopt guidelint on an existing site without editing its pages.

Run at a site's root, it detects the generator from its configuration file (Jekyll
``_config.yml``, Hugo ``hugo.toml``/``config.*``, MkDocs ``mkdocs.yml``, Eleventy
``.eleventy.js``/``eleventy.config.*``, Docusaurus ``docusaurus.config.*``; plain Markdown
otherwise), reads from it the content root, the URL style, the heading-id style and the base URL,
and infers a draft page-type schema per folder from the front matter the pages have (the keys,
their YAML types, and which keys nearly every page has). It writes ``guidelint.toml`` and the
schemas (never over existing files), says what it decided and why, and runs a first check.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from guidelint.rules.gl312_undefined_reference import CODE as undefined_reference

CONFIG_NAME = "guidelint.toml"
SCHEMAS_DIR = "guidelint-schemas"
REQUIRED_SHARE = 0.95  # a key on at least this share of a type's pages is required
MIN_PAGES_FOR_REQUIRED = 3
MAX_PAGES_READ = 5000
_NOT_CONTENT = (
    "_site/**",
    "_includes/**",
    "_layouts/**",
    "_data/**",
    "_sass/**",
    "vendor/**",
    "node_modules/**",
    "public/**",
    "resources/**",
    "site/**",
    "build/**",
    ".git/**",
    ".github/**",
    ".guidelint_cache/**",
)


class InitError(Exception):
    """Init cannot proceed (a file exists, the folder is unreadable): exit code 2."""


@dataclass
class Plan:
    root: Path
    generator: str = "plain"
    content_root: str = "."
    url_style: str = "files"
    slug_style: str = "github"
    baseurl: str = ""
    collections: dict[str, str] = field(default_factory=dict)
    nav_files: list[str] = field(default_factory=list)
    site_prefixes: dict[str, str] = field(default_factory=dict)
    site_url: str = ""
    site_dir: Path | None = None  # the folder of the generator's configuration
    listed: list[str] = field(default_factory=list)
    fallback_root: bool = False
    static_dirs: list[str] = field(default_factory=list)
    extra_urls: list[str] = field(default_factory=list)
    shared_definitions: list[str] = field(default_factory=list)
    extensions: list[str] = field(default_factory=lambda: [".md", ".markdown"])
    exclude: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    types: list[tuple[list[str], str]] = field(default_factory=list)
    schemas: dict[str, dict[str, Any]] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def why(self, text: str) -> None:
        self.reasons.append(text)


# ---------------------------------------------------------------- reading the site
def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _yaml(text: str) -> Any:
    from guidelint.sitemodel import _load_lenient

    return _load_lenient(text, ".yml")


def _toml(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 (as guidelint.config)
        import tomli as tomllib  # type: ignore[no-redef,import-not-found,unused-ignore]

    try:
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return {}
    return data


def _first(root: Path, names: tuple[str, ...]) -> Path | None:
    for name in names:
        if (root / name).is_file():
            return root / name
    return None


def _js_string(text: str, key: str) -> str | None:
    m = re.search(rf"""\b{key}\s*:\s*(['"`])([^'"`]*)\1""", text)
    return m.group(2) if m else None


def detect(root: Path) -> Plan:
    """What guidelint should assume about the site at ``root``, with the reasons."""
    plan = Plan(root=root)
    for sub in ("", "docs", "site", "website"):
        base = root / sub if sub else root
        if not base.is_dir():
            continue
        found = _detect_in(base, plan, sub)
        if found:
            plan.site_dir = base
            break
    else:
        _plain(plan)
    plan.exclude = list(dict.fromkeys([*plan.exclude, *_NOT_CONTENT]))
    _redirect_sources(plan)
    return plan


def _redirect_sources(plan: Plan) -> None:
    """The source URLs of the host's redirects (vercel.json, netlify.toml, _redirects): links
    to them work, though no page has that URL."""
    found: list[str] = []
    where: list[str] = []
    for folder in dict.fromkeys(
        [plan.root, plan.site_dir or plan.root, plan.root / plan.content_root]
    ):
        vercel = folder / "vercel.json"
        if vercel.is_file():
            try:
                data = json.loads(_read(vercel))
            except ValueError:
                data = {}
            for key in ("redirects", "rewrites"):
                for entry in data.get(key, []) if isinstance(data, dict) else []:
                    if isinstance(entry, dict) and isinstance(entry.get("source"), str):
                        found.append(entry["source"])
            where.append(vercel.relative_to(plan.root).as_posix())
        netlify = folder / "netlify.toml"
        if netlify.is_file():
            for entry in _toml(_read(netlify)).get("redirects", []):
                if isinstance(entry, dict) and isinstance(entry.get("from"), str):
                    found.append(entry["from"])
            where.append(netlify.relative_to(plan.root).as_posix())
        redirects = folder / "_redirects"
        if redirects.is_file():
            for line in _read(redirects).splitlines():
                parts = line.split()
                if parts and parts[0].startswith("/"):
                    found.append(parts[0])
            where.append(redirects.relative_to(plan.root).as_posix())
    urls = []
    for url in found:  # "/speedlify/(.*)" and "/news/:path*": every URL below the prefix
        prefix = re.sub(r"(?:\(\.\*\)|:path\*|\*|:splat)$", "*", url)
        if prefix.startswith("/") and not re.search(r"[:(]", prefix) and "*" not in prefix[:-1]:
            urls.append(prefix)
    if urls:
        plan.extra_urls.extend(urls)
        plan.why(f"{len(urls)} redirect source URLs from {', '.join(where)} count as existing")


def _rel_to_root(plan: Plan, sub: str, path: str) -> str:
    path = path.strip("/") or "."
    if sub:
        return f"{sub}/{path}" if path != "." else sub
    return path


def _detect_in(base: Path, plan: Plan, sub: str) -> bool:
    where = f"{sub}/" if sub else ""
    jekyll = _first(base, ("_config.yml", "_config.yaml"))
    if jekyll is not None:
        _jekyll(plan, base, jekyll, sub, where)
        return True
    hugo = _first(
        base,
        (
            "hugo.toml",
            "hugo.yaml",
            "hugo.yml",
            "hugo.json",
            "config/_default/hugo.toml",
            "config/_default/config.toml",
            "config.toml",
            "config.yaml",
            "config.yml",
        ),
    )
    if hugo is not None and ((base / "content").is_dir() or hugo.name.startswith("hugo")):
        _hugo(plan, base, hugo, sub, where)
        return True
    mkdocs = _first(base, ("mkdocs.yml", "mkdocs.yaml"))
    if mkdocs is not None:
        _mkdocs(plan, base, mkdocs, sub, where)
        return True
    eleventy = _first(
        base,
        (
            ".eleventy.js",
            ".eleventy.cjs",
            ".eleventy.mjs",
            "eleventy.config.js",
            "eleventy.config.mjs",
            "eleventy.config.cjs",
            "eleventy.config.ts",
        ),
    )
    if eleventy is not None:
        _eleventy(plan, base, eleventy, sub, where)
        return True
    docusaurus = _first(
        base,
        ("docusaurus.config.js", "docusaurus.config.ts", "docusaurus.config.mjs"),
    )
    if docusaurus is not None:
        _docusaurus(plan, base, docusaurus, sub, where)
        return True
    return False


def _jekyll(plan: Plan, base: Path, cfg_path: Path, sub: str, where: str) -> None:
    cfg = _yaml(_read(cfg_path))
    cfg = cfg if isinstance(cfg, dict) else {}
    plan.generator = "jekyll"
    plan.content_root = _rel_to_root(plan, sub, str(cfg.get("source") or "."))
    plan.why(f"generator jekyll: found {where}{cfg_path.name}")
    kramdown = cfg.get("kramdown")
    kramdown = kramdown if isinstance(kramdown, dict) else {}
    md_input = str(kramdown.get("input") or "GFM")
    plan.slug_style = "jekyll" if md_input.lower() == "gfm" else "kramdown"
    plan.why(
        f"slug style {plan.slug_style}: kramdown input {md_input} "
        f"({'GFM header ids' if plan.slug_style == 'jekyll' else 'basic_generate_id'})"
    )
    permalink = str(cfg.get("permalink") or "")
    pretty = permalink == "pretty" or permalink.endswith("/")
    collections = cfg.get("collections")
    if isinstance(collections, list):
        collections = {name: {} for name in collections if isinstance(name, str)}
    if isinstance(collections, dict):
        for name, spec in collections.items():
            spec = spec if isinstance(spec, dict) else {}
            if name != "posts" and not spec.get("output", False):
                continue
            link = str(spec.get("permalink") or "/:collection/:path")
            if name != "posts":
                pretty = pretty or link.endswith("/")
            link = link.replace(":collection", name)
            if link.rstrip("/").endswith("/:path"):
                prefix = link.rstrip("/")[: -len("/:path")].strip("/")
                plan.collections[f"_{name}"] = prefix
                plan.why(f"collection {name}: _{name}/PAGE.md is published at /{prefix}/PAGE")
            else:
                plan.collections[f"_{name}"] = link
                plan.why(f"collection {name}: published at {link}")
    if "_posts" not in plan.collections and (base / "_posts").is_dir():
        link = permalink if ":" in permalink else "/:categories/:year/:month/:day/:title:output_ext"
        if permalink == "pretty":
            link = "/:categories/:year/:month/:day/:title/"
        plan.collections["_posts"] = link
        plan.why(f"posts: published at {link}")
    if (base / "_posts").is_dir():
        plan.listed.append("_posts/**")
        plan.why("listed: _posts/** (the blog's index lists every post)")
    plan.url_style = "pretty" if pretty else "html"
    plan.why(
        f"url style {plan.url_style}: permalink settings "
        f"{'end in /' if pretty else 'give .html pages'}"
    )
    baseurl = str(cfg.get("baseurl") or "").strip()
    if baseurl and baseurl != "/":
        plan.baseurl = "/" + baseurl.strip("/")
        plan.why(f"baseurl {plan.baseurl}: from {cfg_path.name}")
    data_dir = base / str(cfg.get("data_dir") or "_data")
    prefix = f"{sub}/" if sub else ""
    plan.nav_files = _nav_data_files(plan, data_dir, (f"{prefix}_includes", f"{prefix}_layouts"))
    plan.site_url = _origin(str(cfg.get("url") or ""))
    excludes = cfg.get("exclude")
    if isinstance(excludes, list):
        plan.exclude.extend(
            f"{str(x).strip('/')}/**" if not str(x).endswith((".md", ".markdown")) else str(x)
            for x in excludes
            if isinstance(x, str)
        )


def _nav_data_files(plan: Plan, data_dir: Path, templates: tuple[str, ...] = ()) -> list[str]:
    """Data files (navigation lists) and layouts/includes (the links every page shows): what they
    link to counts as linked."""
    found = []
    if data_dir.is_dir():
        rel = data_dir.relative_to(plan.root).as_posix()
        for ext in ("yml", "yaml", "json"):
            if any(data_dir.rglob(f"*.{ext}")):
                found.append(f"{rel}/**/*.{ext}")
    for folder in templates:
        path = plan.root / folder
        if path.is_dir():
            rel = path.relative_to(plan.root).as_posix()
            for ext in ("html", "njk", "liquid"):
                if any(path.rglob(f"*.{ext}")):
                    found.append(f"{rel}/**/*.{ext}")
    if found:
        plan.why(
            f"navigation: {', '.join(found)} (data files and layouts: what they link to counts "
            "as linked)"
        )
    return found


def _origin(url: str) -> str:
    m = re.match(r"^(https?://[^/]+)", url.strip())
    return m.group(1) if m else ""


def _hugo(plan: Plan, base: Path, cfg_path: Path, sub: str, where: str) -> None:
    text = _read(cfg_path)
    cfg = _toml(text) if cfg_path.suffix == ".toml" else _yaml(text)
    cfg = cfg if isinstance(cfg, dict) else {}
    plan.generator = "hugo"
    content = str(cfg.get("contentDir") or cfg.get("contentdir") or "content")
    module = cfg.get("module")
    module = module if isinstance(module, dict) else {}
    mounts = module.get("mounts")
    mounts = mounts if isinstance(mounts, list) else []
    for mount in mounts:  # [[module.mounts]] source = "content/en", target = "content"
        if isinstance(mount, dict) and mount.get("target") == "content" and mount.get("source"):
            content = str(mount["source"])
            plan.why(f"content mounted from {content} ([[module.mounts]])")
            break
    plan.content_root = _rel_to_root(plan, sub, content)
    rel_cfg = cfg_path.relative_to(base).as_posix()
    plan.why(f"generator hugo: found {where}{rel_cfg}; content in {plan.content_root}/")
    plan.url_style = "html" if cfg.get("uglyURLs") or cfg.get("uglyurls") else "pretty"
    plan.why(
        f"url style {plan.url_style}: uglyURLs is {'on' if plan.url_style == 'html' else 'off'}"
    )
    parser = (
        (((cfg.get("markup") or {}).get("goldmark") or {}).get("parser") or {})
        if isinstance(cfg.get("markup"), dict)
        else {}
    )
    id_type = str(parser.get("autoHeadingIDType") or "github")
    plan.slug_style = "hugo"
    plan.why(f"slug style hugo: autoHeadingIDType {id_type}")
    base_url = str(cfg.get("baseURL") or cfg.get("baseurl") or "")
    m = re.match(r"^[a-z]+://[^/]+(/.*)?$", base_url)
    path = (m.group(1) or "") if m else ""
    if path.strip("/"):
        plan.baseurl = "/" + path.strip("/")
        plan.why(f"baseurl {plan.baseurl}: the path of baseURL")
    plan.why("navigation: pages with menu: front matter count as linked")
    plan.listed.append("*/**")
    plan.why("listed: */** (a section's list page links the pages of its section)")
    if (base / "static").is_dir():
        plan.static_dirs = [_rel_to_root(plan, sub, "static")]
        plan.why(f"static files: {plan.static_dirs[0]}/ is served at the site's root")
    for hook in ("layouts/_markup/render-link.html", "layouts/_default/_markup/render-link.html"):
        if "GetPage" in _read(base / hook):
            plan.fallback_root = True
            plan.why(
                f"links: {hook} looks pages up with GetPage, so a relative path that "
                "finds nothing is also tried from the content root"
            )
            break
    plan.site_url = _origin(base_url)
    prefix = f"{sub}/" if sub else ""
    plan.nav_files = _nav_data_files(plan, base / "data", (f"{prefix}layouts",))


def _mkdocs(plan: Plan, base: Path, cfg_path: Path, sub: str, where: str) -> None:
    text = _read(cfg_path)
    cfg = _yaml(text)
    cfg = cfg if isinstance(cfg, dict) else {}
    plan.generator = "mkdocs"
    plan.content_root = _rel_to_root(plan, sub, str(cfg.get("docs_dir") or "docs"))
    plan.why(f"generator mkdocs: found {where}{cfg_path.name}; pages in {plan.content_root}/")
    directory_urls = cfg.get("use_directory_urls", True) is not False
    plan.url_style = "pretty" if directory_urls else "html"
    plan.why(f"url style {plan.url_style}: use_directory_urls is {directory_urls}")
    plan.slug_style = "python-markdown"
    if "uslugify" in text or "slugify_unicode" in text:
        plan.slug_style = "python-markdown-unicode"
    plan.why(f"slug style {plan.slug_style}: the toc extension's slugify")
    site_url = str(cfg.get("site_url") or "")
    plan.site_url = _origin(site_url)
    m = re.match(r"^[a-z]+://[^/]+(/.*)?$", site_url)
    if m and (m.group(1) or "").strip("/"):
        plan.baseurl = "/" + m.group(1).strip("/")
        plan.why(f"baseurl {plan.baseurl}: the path of site_url")
    if re.search(r"^\s*-\s*(?:autorefs|mkdocstrings)\b", text, re.M):
        plan.ignore.append(undefined_reference)
        plan.why(
            f"ignore {undefined_reference}: the autorefs/mkdocstrings plugin resolves [text][identifier] "
            "references that have no definition on the page"
        )
    appended = re.search(r"auto_append\s*:\s*\n((?:\s+-\s*\S+\n?)+)", text)
    if appended:
        base_dir = str(cfg.get("docs_dir") or "docs")
        for item in re.findall(r"-\s*(\S+)", appended.group(1)):
            for folder in (base_dir, "."):  # snippets' base_path: the docs folder or the root
                path = base / folder / item
                if path.is_file():
                    plan.shared_definitions.append(path.relative_to(plan.root).as_posix())
                    break
        if plan.shared_definitions:
            plan.why(
                f"reference definitions of {', '.join(plan.shared_definitions)} hold on every "
                "page (pymdownx.snippets auto_append)"
            )
    plan.nav_files = [cfg_path.relative_to(plan.root).as_posix()]
    plan.why(
        "navigation: the nav of mkdocs.yml"
        + ("" if "nav" in cfg else " (none: MkDocs lists every page, so none is an orphan)")
    )


def _eleventy(plan: Plan, base: Path, cfg_path: Path, sub: str, where: str) -> None:
    text = _read(cfg_path)
    plan.generator = "eleventy"
    input_dir = _js_string(text, "input") or "."
    plan.content_root = _rel_to_root(plan, sub, input_dir)
    plan.why(f"generator eleventy: found {where}{cfg_path.name}; input folder {input_dir}")
    plan.url_style = "pretty"
    plan.why("url style pretty: Eleventy writes page.md to /page/")
    # the configuration and the local modules it may import (config/*.js, _config/*.js)
    code = text + "".join(
        _read(p)
        for folder in ("config", "_config", "eleventy", "lib")
        if (base / folder).is_dir()
        for p in sorted((base / folder).glob("*.*js"))[:50]
    )
    own_slugify = "@sindresorhus/slugify" in code
    if "IdAttributePlugin" in code or "markdown-it-anchor" in code:
        plugin = "IdAttributePlugin" if "IdAttributePlugin" in code else "markdown-it-anchor"
        if own_slugify:
            plan.slug_style = "sindresorhus-slugify"
            plan.why(
                f"slug style sindresorhus-slugify: {plugin} with the site's own "
                "@sindresorhus/slugify function (its defaults split camelCase)"
            )
        elif plugin == "IdAttributePlugin" or re.search(r"slugify\s*:", code):
            plan.slug_style = "eleventy"
            plan.why(f"slug style eleventy: {plugin} with Eleventy's slugify filter")
        else:
            plan.slug_style = "markdown-it-anchor"
            plan.why("slug style markdown-it-anchor: its default slugify")
    else:
        plan.slug_style = "github"
        plan.why("slug style github: no heading-id plugin found in the Eleventy configuration")
    # files the configuration writes (feeds, sitemaps): outputPath: "/blog/feed.xml"
    outputs = re.findall(r"""\b(?:outputPath|permalink)\s*:\s*['"`](/[^'"`{}\s]+)['"`]""", code)
    if outputs:
        plan.extra_urls.extend(outputs)
        plan.why(f"{len(outputs)} URLs the configuration writes (outputPath) count as existing")
    # directory data files: blog/blog.json {"permalink": "/blog/{{ page.fileSlug }}/"}
    input_root = base / input_dir
    for data_file in sorted(input_root.rglob("*.json"))[:500]:
        folder = data_file.parent
        if data_file.name not in (f"{folder.name}.json", f"{folder.name}.11tydata.json"):
            continue
        try:
            data = json.loads(_read(data_file))
        except ValueError:
            continue
        if isinstance(data, dict) and (data.get("eleventyNavigation") or data.get("tags")):
            rel = folder.relative_to(input_root).as_posix()
            plan.listed.append(f"{rel}/**")
            plan.why(f"listed: {rel}/** (its {data_file.name} puts them in a navigation or tag)")
        link = data.get("permalink") if isinstance(data, dict) else None
        if isinstance(link, str) and "{{" in link:
            pattern = re.sub(r"\{\{-?\s*page\.fileSlug\s*-?\}\}", ":title", link)
            if "{{" not in pattern:
                rel = folder.relative_to(input_root).as_posix()
                plan.collections[rel] = pattern
                plan.why(f"{rel}/: published at {pattern} ({data_file.name})")
    if "InputPathToUrl" in code:
        plan.fallback_root = True
        plan.why(
            "links: the InputPathToUrl plugin reads a link to a source file from the input "
            "folder too (docs/page.md from any page)"
        )
    data_dir = _js_string(text, "data") or "_data"
    includes = _js_string(text, "includes") or "_includes"
    layouts = _js_string(text, "layouts")
    folders = [f"{plan.content_root}/{includes}"] + (
        [f"{plan.content_root}/{layouts}"] if layouts else []
    )
    plan.nav_files = _nav_data_files(plan, base / input_dir / data_dir, tuple(folders))


def _docusaurus(plan: Plan, base: Path, cfg_path: Path, sub: str, where: str) -> None:
    text = _read(cfg_path)
    plan.generator = "docusaurus"
    docs_block = re.search(r"\bdocs\s*:\s*\{(.{0,800})", text, re.S)
    docs_path = _js_string(docs_block.group(1), "path") if docs_block else None
    plan.content_root = _rel_to_root(plan, sub, docs_path or "docs")
    if docs_path and docs_path.startswith(".."):  # ../docs: a folder next to the site's
        plan.content_root = str(
            (plan.root / (sub or ".") / docs_path).resolve().relative_to(plan.root.resolve())
        )
    plan.why(f"generator docusaurus: found {where}{cfg_path.name}; docs in {plan.content_root}/")
    plan.slug_style = "docusaurus"
    plan.why("slug style docusaurus: github-slugger, with {#id} headings")
    if re.search(r"\btrailingSlash\s*:\s*true", text):
        plan.url_style = "pretty"
        plan.why("url style pretty: trailingSlash is true")
    else:
        plan.url_style = "html"
        plan.why(
            "url style html: pages are served at /a/b (no trailing slash), so a relative URL is read against /a/"
        )
    plan.fallback_root = True
    plan.why(
        "links: Docusaurus looks a Markdown file link up from the page's folder, then from the docs folder"
    )
    plan.exclude += ["_*", "**/_*"]
    plan.why("exclude _* and **/_*: files starting with _ are partials, not pages")
    route = _js_string(docs_block.group(1), "routeBasePath") if docs_block else None
    route = route if route is not None else _js_string(text, "routeBasePath")
    route = "/docs" if route is None else route
    plan.site_prefixes = {"/" + route.strip("/") + ("/" if route.strip("/") else ""): ""}
    plan.why(f"docs served under {next(iter(plan.site_prefixes))} (routeBasePath)")
    plan.site_url = _origin(_js_string(text, "url") or "")
    base_url = _js_string(text, "baseUrl") or "/"
    if base_url.strip("/"):
        plan.baseurl = "/" + base_url.strip("/")
        plan.why(f"baseurl {plan.baseurl}: baseUrl")
    plan.extensions = [".md", ".mdx"]
    if (base / "static").is_dir():
        plan.static_dirs = [_rel_to_root(plan, sub, "static")]
        plan.why(f"static files: {plan.static_dirs[0]}/ is served at the site's root")
    sidebars = _first(base, ("sidebars.js", "sidebars.ts", "sidebars.json", "sidebars.mjs"))
    if sidebars is not None:
        plan.nav_files = [sidebars.relative_to(plan.root).as_posix()]
        plan.why(f"navigation: {plan.nav_files[0]}")


def _plain(plan: Plan) -> None:
    plan.generator = "plain"
    for candidate in ("content", "docs", "."):
        if (plan.root / candidate).is_dir():
            plan.content_root = candidate
            break
    plan.why(
        "generator plain: no Jekyll, Hugo, MkDocs, Eleventy or Docusaurus configuration found; "
        f"links name files, content in {plan.content_root}/"
    )


# ---------------------------------------------------------------- page types
def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def _type_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return name or "page"


def infer_types(plan: Plan) -> tuple[int, int]:
    """Group the pages by their own ``type:`` or else their top folder, and infer one draft
    schema per group. Returns (pages read, pages without front matter)."""
    from guidelint import frontmatter

    root = (plan.root / plan.content_root).resolve()
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    folders: dict[str, Counter[str]] = defaultdict(Counter)
    read = missing = 0
    from fnmatch import fnmatch

    for path in sorted(root.rglob("*")):
        if read >= MAX_PAGES_READ:
            break
        if path.suffix not in plan.extensions or not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if any(fnmatch(rel, g) for g in plan.exclude) or "/." in "/" + rel:
            continue
        read += 1
        lines = _read(path).split("\n")
        split = frontmatter.split(lines)
        data: dict[str, Any] = {}
        if split.front_matter_lines and not split.findings:
            start, end = split.front_matter_lines
            fm, _findings = frontmatter.parse(split.yaml_text, start, end, 10_000, 65_536)
            data = fm.data if fm is not None and isinstance(fm.data, dict) else {}
        else:
            missing += 1
        top = rel.split("/")[0] if "/" in rel else ""
        own = data.get("type")
        if isinstance(own, str) and own.strip():
            group = _type_name(own)
            groups[group].append(data)
            continue
        group = _type_name(top.lstrip("_")) if top else "page"
        groups[group].append(data)
        folders[group][top] += 1
    # small folders share the general type
    for group in [g for g, pages in groups.items() if g != "page" and g in folders]:
        if len(groups[group]) < 5:
            groups["page"].extend(groups.pop(group))
            folders["page"].update(folders.pop(group))
    for group, pages in sorted(groups.items()):
        plan.schemas[group] = _schema(group, pages)
        tops = sorted(t for t in folders.get(group, ()) if t)
        if group == "page":
            continue
        if tops:
            plan.types.append(([f"{t}/**" for t in tops], group))
    if "page" in groups or not plan.types:
        plan.types.append((["**"], "page"))
        plan.schemas.setdefault("page", _schema("page", groups.get("page", [])))
    # a glob "**" must come last: fnmatch's * crosses folders, so "docs/**" also matches docs/x.md
    return read, missing


def _schema(name: str, pages: list[dict[str, Any]]) -> dict[str, Any]:
    keys: dict[str, set[str]] = defaultdict(set)
    counts: Counter[str] = Counter()
    for data in pages:
        for key, value in data.items():
            if isinstance(key, str):
                keys[key].add(_json_type(value))
                counts[key] += 1
    props: dict[str, Any] = {}
    for key in sorted(keys):
        if key in ("type", "status"):
            continue
        types = sorted(keys[key])
        if "integer" in types and "number" in types:
            types.remove("integer")
        props[key] = {"type": types[0] if len(types) == 1 else types}
    props["type"] = {"const": name}
    props["status"] = {"enum": ["draft", "published"]}
    n = len(pages)
    required = (
        sorted(
            k
            for k, c in counts.items()
            if c >= REQUIRED_SHARE * n and k not in ("type", "status") and k in props
        )
        if n >= MIN_PAGES_FOR_REQUIRED
        else []
    )
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{name} pages (draft inferred by guidelint init from {n} pages)",
        "type": "object",
        "properties": props,
        "additionalProperties": True,
    }
    if required:
        schema["required"] = required
    return schema


# ---------------------------------------------------------------- writing
def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _toml_list(values: Iterable[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def _toml_table(values: dict[str, str]) -> str:
    return "{ " + ", ".join(f"{_toml_str(k)} = {_toml_str(v)}" for k, v in values.items()) + " }"


def render_config(plan: Plan) -> str:
    lines = [
        "# Written by `guidelint init`: review it, then keep it with the site.",
        "# Every key is described in guidelint's README (Configuration; Adopt guidelint on your site).",
        "[tool.guidelint]",
        f"content_root = {_toml_str(plan.content_root)}",
        f"generator = {_toml_str(plan.generator)}",
        f"schemas = {_toml_str(SCHEMAS_DIR)}",
        'default_status = "published"  # pages without status: are live (draft: true stays a draft)',
        f"exclude = {_toml_list(plan.exclude)}",
        f"extensions = {_toml_list(plan.extensions)}",
    ]
    if plan.ignore:
        lines.append(f"ignore = {_toml_list(plan.ignore)}")
    for globs, page_type in plan.types:
        lines += [
            "",
            "[[tool.guidelint.types]]",
            f"glob = {_toml_list(globs)}",
            f"type = {_toml_str(page_type)}",
        ]
    lines += [
        "",
        "[tool.guidelint.links]",
        f"url_style = {_toml_str(plan.url_style)}",
        f"slug_style = {_toml_str(plan.slug_style)}",
    ]
    if plan.baseurl:
        lines.append(f"baseurl = {_toml_str(plan.baseurl)}")
    if plan.site_url:
        lines.append(f"site_url = {_toml_str(plan.site_url)}")
    if plan.fallback_root:
        lines.append("fallback_root = true")
    if plan.static_dirs:
        lines.append(f"static_dirs = {_toml_list(plan.static_dirs)}")
    if plan.shared_definitions:
        lines.append(f"shared_definitions = {_toml_list(plan.shared_definitions)}")
    if plan.extra_urls:
        lines.append(f"extra_urls = {_toml_list(sorted(set(plan.extra_urls)))}")
    if plan.collections:
        lines.append(f"collections = {_toml_table(plan.collections)}")
    if plan.site_prefixes:
        lines.append(f"site_prefixes = {_toml_table(plan.site_prefixes)}")
    if plan.nav_files:
        lines.append(f"nav_files = {_toml_list(plan.nav_files)}")
    if plan.listed:
        lines.append(f"listed = {_toml_list(plan.listed)}")
    lines += [
        "# the site's own link tags: regular expressions with a group named target, e.g.",
        "# templates = ['\\{% doc_link (?P<target>\\S+) %\\}']",
        "",
        "[tool.guidelint.claims]",
        "builtin = false  # the built-in claim rules are about the medical assistant guide",
        "",
        "[tool.guidelint.names]",
        "builtin = false  # the built-in name lists are about the medical assistant guide",
        "",
    ]
    return "\n".join(lines)


def write(plan: Plan) -> list[Path]:
    """Write guidelint.toml and the draft schemas; refuses when any of them exists."""
    config_path = plan.root / CONFIG_NAME
    pyproject = plan.root / "pyproject.toml"
    from guidelint.config import _has_tool_table

    if pyproject.is_file() and _has_tool_table(pyproject):
        raise InitError(
            "pyproject.toml already has a [tool.guidelint] table, which a new guidelint.toml "
            "would hide; guidelint init leaves an existing configuration alone"
        )
    schemas = plan.root / SCHEMAS_DIR
    targets = [config_path] + [schemas / f"{name}.schema.json" for name in plan.schemas]
    existing = [p for p in targets if p.exists()]
    if existing:
        names = ", ".join(p.relative_to(plan.root).as_posix() for p in existing)
        raise InitError(
            f"{names}: already there; guidelint init never overwrites a file: "
            "move it away or edit it by hand"
        )
    try:
        schemas.mkdir(exist_ok=True)
        for name, schema in plan.schemas.items():
            (schemas / f"{name}.schema.json").write_text(
                json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
            )
        config_path.write_text(render_config(plan), encoding="utf-8")
    except OSError as exc:
        raise InitError(f"cannot write in {plan.root}: {exc.strerror or exc}") from None
    return targets
