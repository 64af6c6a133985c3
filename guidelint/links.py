"""Link resolution: one place that turns a link's target into a page, an anchor or a file.

Every GL3xx rule uses ``resolve`` (through ``site_links``, which resolves each link of the site
once per run and keeps the result on the ``SiteIndex``). Nothing here opens a network address;
a target that leaves the content root is classified, never read.

How a target is read (``from_rel`` is the linking page's path below the content root):

* ``http://``, ``https://`` and ``//host`` targets are *external* (checked only with
  ``--check-external``, GL310); other schemes (``mailto:``, ``tel:``...) are *other*, never checked.
* ``#anchor`` alone is an anchor on the same page.
* A relative path is joined to the linking page's folder. ``page.md``, ``page`` (no extension),
  ``folder/`` and ``folder`` all find a page: the exact file, then ``<path>.md`` (each configured
  extension), then ``<path>/index.md``.
* A site-absolute path (``/certification``) is mapped to the content root through
  ``links.site_prefixes``: a table of URL-path prefix = content folder, longest prefix first, e.g.
  ``{"/guides/" = "", "/states/" = "states/"}``. Without the table, ``/`` maps to the content root.
  With the table, a site-absolute path that matches no prefix belongs to another part of the web
  site and is not checked.
* ``links.redirects`` maps an old page slug to its new one (``"old-name" = "new-name"``); a link to
  the old slug resolves to the new page.
* A path that climbs out of the content root (``../../README.md``) *escapes* (GL304), and so
  does one that leads out of it through a symbolic link (a folder linked to ``/etc``): the
  real path of every file looked up must lie below the content root's.
* Any other file (an image, a PDF) is looked up on disk below the content root.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:  # pragma: no cover
    from guidelint.config import Config
    from guidelint.page import Link
    from guidelint.site import IndexedPage, SiteIndex

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")

# Resolution kinds
EXTERNAL = "external"  # http(s) URL
OTHER = "other"  # mailto:, tel:, a site-absolute path outside the mapped prefixes, an empty target
PAGE = "page"  # a page of the site (``page`` set; ``anchor`` may be set)
FILE = "file"  # an existing non-page file below the content root
MISSING = "missing"  # nothing at that path (``rel`` is the path looked for)
ESCAPES = "escapes"  # the path leaves the content root


@dataclass(frozen=True, slots=True)
class Resolution:
    kind: str
    rel: str | None = None  # the page or file below the content root (or the path looked for)
    anchor: str | None = None  # the fragment, percent-decoded; None when the target has no '#'
    page: IndexedPage | None = None
    url: str | None = None  # for external links: the URL as written
    redirected_from: str | None = None  # the slug a links.redirects entry sent us from
    site_absolute: bool = False

    @property
    def ok(self) -> bool:
        return self.kind in (PAGE, FILE, EXTERNAL, OTHER)


class Resolver:
    """Resolves targets against one site; built once per run (see ``resolver_for``)."""

    def __init__(self, site: SiteIndex, config: Config | None = None) -> None:
        self.site = site
        links_cfg = config.get("links") if config is not None else {}
        self.prefixes = sorted(
            (links_cfg.get("site_prefixes") or {}).items(), key=lambda kv: -len(kv[0])
        )
        self.redirects = {
            _norm_slug(k): _norm_slug(v) for k, v in (links_cfg.get("redirects") or {}).items()
        }
        self.extensions = (
            tuple(config["extensions"]) if config is not None else (".md", ".markdown")
        )
        self.root: Path | None = config.content_root if config is not None else None
        # what was looked up on disk (not in the site index): the site snapshot re-checks these
        self._exists: dict[str, bool | str] = {}  # OUTSIDE for a path that leaves the root
        self._listings: dict[str, tuple[str, ...] | None] = {}
        self._suggestions: dict[tuple, str | None] = {}
        self._asked: set[tuple] = set()
        self._resolved: dict[tuple[str, str], Resolution] = {}
        self._among: dict[frozenset[str], list[str]] = {}
        self._slugs: dict[str, Resolution] = {}
        self._folded: dict[str, str] | None = None
        self._names: tuple | None = None
        # the generator's URL model (guidelint/sitemodel.py)
        from guidelint import sitemodel

        self.config = config
        self.index_names = sitemodel.index_names(config)
        self.lower_urls = sitemodel.lowercase_urls(config)
        self.url_style = config.get("links.url_style") if config is not None else "files"
        self.baseurl = (config.get("links.baseurl") if config is not None else "").rstrip("/")
        self.site_url = (config.get("links.site_url") if config is not None else "").rstrip("/")
        self.fallback_root = (
            bool(config.get("links.fallback_root")) if config is not None else False
        )
        self._by_url: dict[str, IndexedPage] | None = None
        self._posts: dict[str, IndexedPage] | None = None
        self._template_urls: dict[str, str] | None = None
        self._extras: set[str] | None = None
        # with published URLs, a relative link depends on the page's own URL, not only its folder
        self.per_page = any(page.urls for page in site.pages)

    # ------------------------------------------------------------------ public
    def resolve(self, target: str, from_rel: str) -> Resolution:
        """Resolve ``target`` written on the page at ``from_rel``. A target that names a path
        resolves the same from every page of one folder: those results are memoised (a site
        links to the same pages from many places)."""
        first = target.lstrip()[:1]
        if first in ("", "#", "?"):  # no path: the linking page itself
            return self._resolve(target, from_rel)
        key = (from_rel if self.per_page else posixpath.dirname(from_rel), target)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolved[key] = self._resolve(target, from_rel)
        return found

    def _resolve(self, target: str, from_rel: str) -> Resolution:
        target = target.strip()
        if not target:
            return Resolution(OTHER)
        if self.site_url and target.startswith(self.site_url):
            rest = target[len(self.site_url) :]
            if rest[:1] in ("", "/", "#", "?"):  # a full URL of this site: checked as a path
                target = rest if rest[:1] == "/" else "/" + rest
        if target.startswith("//"):
            return Resolution(EXTERNAL, url="https:" + target)
        if target.startswith(("glsrc:", "glpost:", "glref:")):  # template link tags (templates.py)
            return self._template_link(target, from_rel)
        m = _SCHEME.match(target)
        if m:
            scheme = m.group(0)[:-1].lower()
            if scheme in ("http", "https"):
                return Resolution(EXTERNAL, url=target)
            return Resolution(OTHER, url=target)
        path, _, fragment = target.partition("#")
        anchor = unquote(fragment) if _ else None
        path = unquote(path.split("?", 1)[0])
        if not path:
            page = self.site.by_rel.get(from_rel)
            return Resolution(PAGE, from_rel, anchor, page)
        site_absolute = path.startswith("/")
        mapped: str | None = None
        if site_absolute and self.baseurl:
            path = _strip_prefix(path, self.baseurl)
        if site_absolute:
            mapped = self._map_absolute(path)
            if mapped is None:
                return Resolution(OTHER, url=target, site_absolute=True)
            joined = mapped
        else:
            joined = posixpath.join(posixpath.dirname(from_rel), path)
        trailing = path.endswith("/")
        norm = posixpath.normpath(joined) if joined else "."
        if norm == ".." or norm.startswith(("../", "/")):
            as_url = self._page_relative_url(path, from_rel) if not site_absolute else None
            if as_url is None:
                return Resolution(ESCAPES, norm, anchor, site_absolute=site_absolute)
            # pretty URLs publish docs/a.md at /docs/a/, one folder deeper than its file: the
            # browser reads '../../img/x.png' there as /img/x.png, inside the site
            path, site_absolute = as_url, True
            mapped = self._map_absolute(path)  # (as_url has no '..' left: it cannot escape)
            if mapped is None:
                return Resolution(OTHER, url=target, site_absolute=True)
            norm = posixpath.normpath(mapped) if mapped else "."
        if norm == ".":
            norm = ""
        if self.per_page and not site_absolute and not path.endswith(self.extensions):
            # a relative URL (not a Markdown file): the browser reads it against the page's URL
            by_url = self._url_lookup(path, None, from_rel)
            if by_url is not None:
                return Resolution(PAGE, by_url.rel, anchor, by_url)
        found = self._lookup(norm, trailing, anchor, site_absolute)
        if found.kind == MISSING and self.per_page:
            by_url = self._url_lookup(path, mapped if site_absolute else None, from_rel)
            if by_url is not None:
                return Resolution(PAGE, by_url.rel, anchor, by_url, site_absolute=site_absolute)
            source = self._template_page(norm) or self._static_file(norm)
            if source is not None:
                return Resolution(FILE, source, anchor, site_absolute=site_absolute)
            if self._extra_url(path if site_absolute else None, norm):
                return Resolution(OTHER, url=target, site_absolute=site_absolute)
        if found.kind == MISSING and self.fallback_root and not site_absolute:
            # Hugo's link render hook (GetPage): a relative path is also looked up from the root
            if trailing and norm:  # GetPage trims the trailing slash: folder/page/ -> page.md
                again = self._lookup(norm, False, anchor, False)
                if again.kind == PAGE:
                    return again
            rest = path.lstrip("./")
            if rest and not path.startswith(".."):
                root_norm = posixpath.normpath(rest)
                for again in (  # the path below the content root, then as a site URL
                    self._lookup(root_norm, trailing, anchor, False),
                    self._lookup(root_norm, False, anchor, False),
                    self._resolve("/" + target.lstrip("./"), from_rel),
                ):
                    if again.kind in (PAGE, FILE):
                        return again
        return found

    def _page_base(self, from_rel: str) -> str | None:
        """The URL folder relative links on the page at ``from_rel`` are read against, or None."""
        from guidelint.sitemodel import page_base_url

        page = self.site.by_rel.get(from_rel)
        return page_base_url(page.urls, self.config) if page is not None else None

    def _page_relative_url(self, path: str, from_rel: str) -> str | None:
        """A relative link to something other than a Markdown file, read as a browser reads it
        against the linking page's published URL, when that URL is deeper than the source file
        and the result stays inside the site; else None."""
        if not self.per_page or path.endswith(self.extensions):
            return None
        base = self._page_base(from_rel)
        if base is None:
            return None
        parts = [p for p in base.split("/") if p]
        for part in path.split("/"):
            if part == "..":
                if not parts:  # above the site's root even from the page's URL
                    return None
                parts.pop()
            elif part not in ("", "."):
                parts.append(part)
        joined = "/" + "/".join(parts)
        return joined + ("/" if path.endswith("/") and joined != "/" else "")

    def _extra_url(self, path: str | None, norm: str) -> bool:
        """The URL is one of ``links.extra_urls`` (a redirect's source, a generated feed)."""
        if self.config is None or not self.config.get("links.extra_urls"):
            return False
        from guidelint.sitemodel import url_key

        if self._extras is None:
            self._extras = {
                (u.rstrip("*") if u.endswith("*") else url_key(u, self.lower_urls))
                + ("*" if u.endswith("*") else "")
                for u in (
                    _strip_prefix(x, self.baseurl) if self.baseurl else x
                    for x in self.config.get("links.extra_urls")
                )
            }
        wanted = {url_key("/" + norm, self.lower_urls)}
        if path is not None:
            wanted.add(url_key(path, self.lower_urls))
        if not wanted.isdisjoint(self._extras):
            return True
        prefixes = [e[:-1] for e in self._extras if e.endswith("*")]
        return any(w.startswith(p) or w + "/" == p for w in wanted for p in prefixes)

    def _static_file(self, norm: str) -> str | None:
        """A file in one of ``links.static_dirs`` (copied to the site's root as they are)."""
        if self.config is None or not norm:
            return None
        for folder in self.config.get("links.static_dirs"):
            path = self.config.resolve_path(folder) / norm
            if self.root is not None:  # as a disk fact, so the site snapshot re-checks it
                import os

                if self._on_disk(os.path.relpath(path, self.root).replace(os.sep, "/")):
                    return f"{folder.rstrip('/')}/{norm}"
            elif is_file(path):
                return f"{folder.rstrip('/')}/{norm}"
        return None

    def _template_page(self, norm: str) -> str | None:
        """A page the generator builds from another template (``index.njk``, ``about.html``)
        at the path a link names, or None."""
        from guidelint.sitemodel import TEMPLATE_PAGES

        exts = TEMPLATE_PAGES.get(self.config["generator"], ()) if self.config else ()
        if not exts:
            return None
        assert self.config is not None  # exts come from the config
        from guidelint.sitemodel import template_page_urls, url_key

        if self._template_urls is None:
            self._template_urls = template_page_urls(self.root, exts, self.config)
        found = self._template_urls.get(url_key("/" + norm, self.lower_urls))
        if found is not None:
            return found
        stem = norm.rstrip("/")
        if stem.endswith(".html"):
            stem = stem[:-5]
        for base in ([f"{stem}/index"] if stem else ["index"]) + ([stem] if stem else []):
            for ext in exts:
                if self._on_disk(base + ext) is True:  # (not OUTSIDE)
                    return base + ext
        return None

    # ------------------------------------------------------------------ URL model
    def url_index(self) -> dict[str, IndexedPage]:
        """URL key -> page, for every URL and alias of every page (first page wins)."""
        if self._by_url is None:
            index: dict[str, IndexedPage] = {}
            for page in self.site.pages:
                for key in page.urls:
                    index.setdefault(key, page)
            self._by_url = index
        return self._by_url

    def _url_lookup(self, path: str, mapped: str | None, from_rel: str) -> IndexedPage | None:
        """The page published at the URL a link names: a site-absolute path (after the baseurl
        and site_prefixes), or a relative one read against the linking page's own URL."""
        from guidelint.sitemodel import url_key

        index = self.url_index()
        if mapped is not None:
            wanted = [path, "/" + mapped]
        else:
            base = self._page_base(from_rel)
            if base is None:
                return None
            wanted = [posixpath.join(base, path)]
        for url in wanted:
            found = index.get(url_key(url, self.lower_urls))
            if found is not None:
                return found
        return None

    def url_link(self, target: str) -> bool:
        """The link names a URL of a site with published URLs (not a Markdown file)."""
        if not self.per_page or self.url_style == "files":
            return False
        path = target.split("#", 1)[0].split("?", 1)[0].strip()
        if not path or path.startswith(("glsrc:", "glpost:", "glref:")) or _SCHEME.match(path):
            return False
        return not unquote(path).endswith(self.extensions)

    def wanted_url(self, target: str, from_rel: str) -> str:
        """The site URL a URL link asks for (after the baseurl; read against the page's URL)."""
        path = unquote(target.split("#", 1)[0].split("?", 1)[0].strip())
        if path.startswith("/"):
            return _strip_prefix(path, self.baseurl) if self.baseurl else path
        base = self._page_base(from_rel)
        joined = posixpath.normpath(posixpath.join(base or "/", path))
        return joined + ("/" if path.endswith("/") and joined != "/" else "")

    def suggest_url(self, wanted_rel: str, from_rel: str, target: str) -> str | None:
        """``suggest_page``'s page, written as a URL link like ``target`` (relative to the
        linking page's URL when target is relative, else site-absolute with the baseurl)."""
        relative = self.suggest_page(wanted_rel, from_rel)
        if relative is None:
            return None
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), relative))
        page = self.site.by_rel.get(rel)
        if page is None or not page.urls:
            return relative
        url = page.urls[0] or "/"
        if not url.endswith("/") and self.url_style == "pretty":
            url += "/"
        if target.startswith("/"):
            for prefix, folder in self.prefixes:  # back through links.site_prefixes
                folder = folder.strip("/")
                if not folder or url.lstrip("/").startswith(folder + "/"):
                    rest = url.lstrip("/")[len(folder) :].lstrip("/") if folder else url.lstrip("/")
                    url = prefix.rstrip("/") + "/" + rest
                    break
            return (self.baseurl + url) if self.baseurl else url
        base = self._page_base(from_rel)
        if base is None:
            return relative
        out = posixpath.relpath(url, base)
        return out + ("/" if url.endswith("/") and not out.endswith("/") else "")

    def _template_link(self, target: str, from_rel: str) -> Resolution:
        """A link tag of the template language: ``glsrc:`` a source path below the content root
        (Jekyll ``{% link %}``), ``glpost:`` a post's name (``{% post_url %}``), ``glref:`` a
        Hugo ``ref``/``relref`` path (relative to the page's folder, else to the content root)."""
        kind, _, rest = target.partition(":")
        path, hashed, fragment = rest.partition("#")
        anchor = unquote(fragment) if hashed else None
        path = unquote(path).strip()
        if not path:
            page = self.site.by_rel.get(from_rel)
            return Resolution(PAGE, from_rel, anchor, page)
        if kind == "glpost":
            if self._posts is None:
                self._posts = {}
                for page in self.site.pages:
                    parts = page.rel.split("/")
                    if "_posts" in parts:
                        stem = posixpath.splitext(parts[-1])[0]
                        self._posts.setdefault(stem, page)
                        rest_path = "/".join(parts[parts.index("_posts") + 1 :])
                        self._posts.setdefault(posixpath.splitext(rest_path)[0], page)
            page = self._posts.get(path)
            if page is not None:
                return Resolution(PAGE, page.rel, anchor, page)
            return Resolution(MISSING, f"_posts/{path}.md", anchor)
        if kind == "glsrc":
            norm = posixpath.normpath(path.lstrip("/"))
            return self._lookup(norm, path.endswith("/"), anchor, True)
        # glref: Hugo resolves a relative path against the page's folder, then the content root
        tries = []
        if not path.startswith("/"):
            tries.append(posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), path)))
        tries.append(posixpath.normpath(path.lstrip("/")))
        first = None
        for norm in tries:
            if norm.startswith(".."):
                continue
            found = self._lookup(norm, path.endswith("/"), anchor, path.startswith("/"))
            if found.kind != MISSING:
                return found
            first = first or found
        return first or Resolution(ESCAPES, tries[0], anchor)

    def resolve_slug(self, slug: str) -> Resolution:
        """A front-matter slug (``related``): ``certification``, ``states/index``."""
        found = self._slugs.get(slug)
        if found is None:
            found = self._slugs[slug] = self._resolve_slug(slug)
        return found

    def _resolve_slug(self, slug: str) -> Resolution:
        slug = _norm_slug(slug)
        page = self.site.by_slug.get(slug)
        if page is not None:
            return Resolution(PAGE, page.rel, None, page)
        target = self._follow_redirects(slug)
        if target is not None and target in self.site.by_slug:
            page = self.site.by_slug[target]
            return Resolution(PAGE, page.rel, None, page, redirected_from=slug)
        return Resolution(MISSING, slug)

    def seed_suggestions(self, known: dict) -> None:
        """Answers of ``suggest_page`` worked out before for the same set of pages (the snapshot's)."""
        self._suggestions.update(known)

    def suggestions(self) -> dict:
        """The ``suggest_page`` answers this run asked for, by (path wanted without extension,
        candidates): what the snapshot keeps (answers no longer asked for are dropped)."""
        return {key: self._suggestions[key] for key in self._asked}

    def suggest_page(
        self, wanted: str, from_rel: str, among: frozenset[str] | None = None
    ) -> str | None:
        """The closest existing page to ``wanted`` (a path below the root), written relative to
        the linking page, or None. ``among`` limits the candidates to these page paths."""
        stem = _strip_ext(wanted, self.extensions)
        key = (stem, among)
        self._asked.add(key)
        if key not in self._suggestions:
            self._suggestions[key] = self._closest_slug(stem, among)
        slug = self._suggestions[key]
        if slug is None:
            return None
        return relative_link(self.site.by_slug[slug].rel, from_rel)

    def _closest_slug(self, stem: str, among: frozenset[str] | None) -> str | None:
        if among is not None:
            if among not in self._among:
                self._among[among] = [
                    s.slug for s in self.site.pages if s.rel in among and s.slug is not None
                ]
            slugs = self._among[among]
            return _closest(stem, slugs, {posixpath.basename(x): x for x in reversed(slugs)})
        if self._names is None:
            slugs = sorted(
                s.slug for s in self.site.pages if s.slug is not None and s.rel is not None
            )
            bases: dict[str, str] = {}
            for slug in slugs:
                bases.setdefault(posixpath.basename(slug), slug)
            self._names = (_NameIndex(slugs), _NameIndex(sorted(bases)), bases)
        full, base_index, bases = self._names
        if self._folded is None:
            self._folded = {}
            for slug in full.names:
                self._folded.setdefault(slug.casefold(), slug)
        # a page whose path differs only in case ('migration/' for MIGRATION.md) comes first
        for folded in (stem.casefold(), stem.casefold().removesuffix("/index")):
            if folded in self._folded:
                return self._folded[folded]
        # compare both full slugs and last path parts, so a wrong folder still finds the page
        match = full.closest(stem)
        if match is None:
            base = base_index.closest(posixpath.basename(stem))
            match = bases[base] if base is not None else None
        return match

    # ------------------------------------------------------------------ internals
    def _map_absolute(self, path: str) -> str | None:
        if not self.prefixes:
            return path.lstrip("/")
        for prefix, folder in self.prefixes:
            if (
                path == prefix.rstrip("/")
                or path.startswith(prefix if prefix.endswith("/") else prefix + "/")
                or prefix == "/"
            ):
                rest = path[len(prefix) :] if path.startswith(prefix) else ""
                return posixpath.join(folder, rest.lstrip("/")) if folder else rest.lstrip("/")
        return None

    def _candidates(self, norm: str, trailing: bool) -> list[str]:
        names = self.index_names
        if trailing or norm == "":
            base = f"{norm}/" if norm else ""
            return [f"{base}{name}{ext}" for name in names for ext in self.extensions]
        out = [norm]
        if not norm.endswith(self.extensions):
            out += [norm + ext for ext in self.extensions]
            out += [f"{norm}/{name}{ext}" for name in names for ext in self.extensions]
        return out

    def _lookup(
        self, norm: str, trailing: bool, anchor: str | None, site_absolute: bool
    ) -> Resolution:
        candidates = self._candidates(norm, trailing)
        for cand in candidates:
            page = self.site.by_rel.get(cand)
            if page is not None:
                return Resolution(PAGE, cand, anchor, page, site_absolute=site_absolute)
        slug = _strip_ext(norm, self.extensions).rstrip("/")
        redirected = self._follow_redirects(slug) if self.redirects else None
        if redirected is not None and redirected in self.site.by_slug:
            page = self.site.by_slug[redirected]
            return Resolution(
                PAGE, page.rel, anchor, page, redirected_from=slug, site_absolute=site_absolute
            )
        for cand in candidates:
            state = self._on_disk(cand)
            if state == OUTSIDE:  # through a symbolic link to a folder outside the root
                return Resolution(ESCAPES, cand, anchor, site_absolute=site_absolute)
            if state:
                return Resolution(FILE, cand, anchor, site_absolute=site_absolute)
        wanted = (
            norm + ("/" if trailing and norm else "")
            if (norm.endswith(self.extensions) or "." in posixpath.basename(norm))
            else (candidates[0] if trailing or not norm else norm + self.extensions[0])
        )
        return Resolution(MISSING, wanted, anchor, site_absolute=site_absolute)

    def _follow_redirects(self, slug: str) -> str | None:
        seen = set()
        current = slug
        while current in self.redirects and current not in seen:
            seen.add(current)
            current = self.redirects[current]
        return current if current != slug else None

    def files_in(self, folder: str) -> tuple[str, ...] | None:
        """Names of the regular files in ``folder`` below the content root (None: no such folder)."""
        if self.root is None:
            return None
        if folder not in self._listings:
            self._listings[folder] = list_folder(self.root / folder)
        return self._listings[folder]

    def disk_facts(self) -> tuple[dict[str, bool | str], dict[str, tuple[str, ...] | None]]:
        """Everything this resolver learnt from the file system (besides the pages themselves)."""
        return dict(self._exists), dict(self._listings)

    def _on_disk(self, rel: str) -> bool | str:
        """True (a file), False (nothing) or OUTSIDE, for ``rel`` below the content root."""
        if self.root is None or not rel:
            return False
        if rel not in self._exists:
            self._exists[rel] = file_state(self.root, rel)
        return self._exists[rel]


OUTSIDE = "outside"  # file_state: the path leads out of the content root through a symbolic link


def file_state(root: Path, rel: str) -> bool | str:
    """Whether ``rel`` below ``root`` is a file (True or False), or OUTSIDE when a symbolic link
    on the way leads out of the root (whether or not anything is there: the answer must not
    tell what exists outside). A site snapshot stores these answers and compares them again."""
    path = root / rel
    if rel.startswith("../"):  # a configured folder beside the root (links.static_dirs): links
        return path.is_file()  # that climb out lexically are GL304 before any lookup
    try:
        real = os.path.realpath(path)
        base = _real_root(root)
        if real != base and not real.startswith(base.rstrip(os.sep) + os.sep):
            return OUTSIDE
        return path.is_file()
    except (OSError, ValueError):
        return False


def _real_root(root: Path) -> str:
    key = str(root)
    found = _REAL_ROOTS.get(key)
    if found is None:
        found = _REAL_ROOTS[key] = os.path.realpath(root)
    return found


_REAL_ROOTS: dict[str, str] = {}


def _strip_prefix(path: str, prefix: str) -> str:
    if path == prefix or path.startswith(prefix + "/"):
        return path[len(prefix) :] or "/"
    return path


def is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:
        return False


def list_folder(path: Path) -> tuple[str, ...] | None:
    try:
        return tuple(sorted(p.name for p in path.iterdir() if p.is_file()))
    except OSError:  # not a folder, gone, unreadable
        return None


def _norm_slug(value: str) -> str:
    value = value.strip().strip("/")
    for ext in (".md", ".markdown"):
        if value.endswith(ext):
            value = value[: -len(ext)]
    return value


def _strip_ext(path: str, extensions: tuple[str, ...]) -> str:
    for ext in extensions:
        if path.endswith(ext):
            return path[: -len(ext)]
    return path


def relative_link(to_rel: str, from_rel: str) -> str:
    """How a page at ``from_rel`` writes a relative link to ``to_rel``."""
    return posixpath.relpath(to_rel, posixpath.dirname(from_rel) or ".")


def resolver_for(site: SiteIndex, config: Config | None) -> Resolver:
    resolver = site.cache.get("links.resolver")
    if resolver is None:
        resolver = site.cache["links.resolver"] = Resolver(site, config)
    return resolver


def resolve(
    link: Link | str, from_rel: str, site: SiteIndex, config: Config | None = None
) -> Resolution:
    """Resolve one link (or target string) written on the page at ``from_rel``."""
    target = link if isinstance(link, str) else link.target
    return resolver_for(site, config).resolve(target, from_rel)


@dataclass(frozen=True, slots=True)
class SiteLink:
    source: IndexedPage
    link: Link
    resolution: Resolution


def site_links(site: SiteIndex, config: Config | None) -> list[SiteLink]:
    """Every link and image of every readable page, resolved once per run. When the index has a
    ``link_scope`` (a partial run served by the site snapshot), only the links of its pages: the
    snapshot chose them as every page whose links can change a finding on the reported pages."""
    cached = site.cache.get("links.all")
    if cached is not None:
        return cached
    resolver = resolver_for(site, config)
    focus = site.link_scope.pages if site.link_scope is not None else None
    out = []
    for page in site.pages:
        if page.rel is None or not page.ok or (focus is not None and page.rel not in focus):
            continue
        for link in page.links:
            out.append(SiteLink(page, link, resolver.resolve(link.target, page.rel)))
    site.cache["links.all"] = out
    return out


def _bigrams(text: str) -> frozenset[str]:
    padded = f" {text.lower()} "
    return frozenset(padded[i : i + 2] for i in range(len(padded) - 1))


def _closest(
    word: str, names: list[str], bases: dict[str, str] | None = None, cutoff: float = 0.6
) -> str | None:
    match = difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    if match:
        return match[0]
    if bases:
        base = difflib.get_close_matches(posixpath.basename(word), list(bases), n=1, cutoff=0.6)
        return bases[base[0]] if base else None
    return None


class _NameIndex:
    """Finds the closest name (difflib ratio >= 0.6) among many without comparing against all.

    A bigram index: names that share ``word``'s rarest bigrams are scored by bigram overlap (at
    most MAX_CANDIDATES of them), and difflib decides among the best few. Scanning every page with
    difflib made broken-link suggestions 85% of a warm run on a 10,000-page site.
    """

    SHORTLIST = 12
    MAX_CANDIDATES = 1500

    def __init__(
        self, names: list[str], cutoff: float = 0.6, max_candidates: int = MAX_CANDIDATES
    ) -> None:
        self.names = names
        self.cutoff = cutoff
        self.max_candidates = max_candidates
        # each name's bigrams as the bits of one integer (bit k: the k-th bigram seen): an overlap
        # is then one AND and a bit count. Frozensets of fresh two-letter strings took 26 MB at
        # 10,000 pages (most of the site rules' peak memory) and scoring them most of a GL301 pass.
        self.vocab: dict[str, int] = {}
        self.masks: list[int] = []
        self.postings: dict[str, list[int]] = {}
        for i, name in enumerate(names):
            mask = 0
            for g in _bigrams(name):
                bit = self.vocab.get(g)
                if bit is None:
                    bit = self.vocab[g] = len(self.vocab)
                mask |= 1 << bit
                self.postings.setdefault(g, []).append(i)
            self.masks.append(mask)
        self.sizes = [m.bit_count() for m in self.masks]

    def closest(self, word: str, budget: SuggestionBudget | None = None) -> str | None:
        if len(self.names) <= 64:
            cost = len(word) * sum(map(len, self.names)) + _NAME_COST * len(self.names)
            if budget is not None and not budget.take(cost):
                return None
            return _closest(word, self.names, cutoff=self.cutoff)
        grams = _bigrams(word)
        # Score only names that share the word's rarest bigrams, gathered rarest first up to a
        # bounded number of candidates (a deterministic bound: order by rarity, then index).
        order = sorted(grams, key=lambda g: (len(self.postings.get(g, ())), g))
        if budget is not None:
            gathered = 0
            for g in order:
                gathered += len(self.postings.get(g, ()))
                if gathered >= self.max_candidates:
                    break
            if not budget.take(gathered * _SCORE_COST):
                return None
        candidates: dict[int, None] = {}
        for g in order:
            for i in self.postings.get(g, ()):
                candidates.setdefault(i, None)
            if len(candidates) >= self.max_candidates:
                break
        vocab, masks, sizes = self.vocab, self.masks, self.sizes
        word_mask = 0
        for g in grams:
            if g in vocab:
                word_mask |= 1 << vocab[g]
        n = len(grams)
        scored = sorted(
            [(-(word_mask & masks[i]).bit_count() / (n + sizes[i]), i) for i in candidates]
        )
        shortlist = [self.names[i] for _score, i in scored[: self.SHORTLIST]]
        cost = len(word) * sum(map(len, shortlist)) + _RATIO_COST * len(shortlist)
        if budget is not None and not budget.take(cost):
            return None
        return _closest(word, shortlist, cutoff=self.cutoff)


MANY_ANCHORS = 200  # a page with more anchors: suggestions through a bigram index

# Work one page's GL302 suggestions may take, in units of about 7.5 ns: a suggestion among a
# few anchors costs the anchor's length times theirs and a quick filter of each; one through
# the bigram index its candidates scored and its shortlist compared by difflib. 200 headings and
# 4,900 broken anchor links took 2.6 s, 16,000 headings 6.1 s, and 300 pages of 300 broken
# links into one page of 16,000 headings 58 s: a page may spend a floor and a share for each of
# its links, up to a cap (0.15 s); past that a broken anchor is still reported, without a
# suggestion. The pages of the 1,000-page benchmark site spend under 1 % of their floor.
SUGGESTION_BUDGET = 20_000_000  # the cap
SUGGESTION_FLOOR = 1_000_000
SUGGESTION_PER_LINK = 2_000
_SCORE_COST = 64  # one candidate of the bigram index scored
_NAME_COST = 400  # one anchor put through difflib's quick filters
_RATIO_COST = 3_000  # one name of a shortlist compared by difflib
_UNMETERED = 1 << 62
ANCHOR_CANDIDATES = 300  # candidates scored for one anchor (page names: _NameIndex.MAX_CANDIDATES)


def page_budget(links: int) -> int:
    """The suggestion work a page of ``links`` links may spend (see SUGGESTION_BUDGET)."""
    return min(SUGGESTION_BUDGET, SUGGESTION_FLOOR + SUGGESTION_PER_LINK * links)


class SuggestionBudget:
    """What is left of one page's suggestion work (``SUGGESTION_BUDGET``); ``spent`` once a
    suggestion was not looked for because the budget ran out."""

    __slots__ = ("left", "spent", "units")

    def __init__(self, units: int = SUGGESTION_BUDGET) -> None:
        self.units = units
        self.left = units
        self.spent = False

    def take(self, cost: int) -> bool:
        """Whether work of ``cost`` may be done (then it is charged)."""
        if cost > self.left:
            self.left = 0
            self.spent = True
            return False
        self.left -= cost
        return True


def suggest_anchor(
    anchor: str,
    anchors,
    budget: SuggestionBudget | None = None,
    tables: dict[frozenset[str], AnchorTable] | None = None,
) -> str | None:
    """The anchor of ``anchors`` closest to ``anchor`` (difflib ratio >= 0.5), or None. On a page
    with more than MANY_ANCHORS anchors, through a bigram index of them made once (each of 5,000
    broken anchor links compared with 16,000 headings took 206 s).

    With a ``budget``, a match that differs only in case is still found, but nothing is compared
    once the budget cannot pay for it. What a suggestion costs depends only on the anchor and
    the anchors (the bigram index of a page's anchors is made once a run, like the page itself,
    and charged to no page), so a page gets the same suggestions whatever other pages asked.
    Answers are remembered with their cost: the same broken anchor linked from many pages is
    compared once. ``tables``: the look-up tables of the run, by page anchors (else the last
    eight are kept: a page linking in turn to nine pages of many anchors would make each again)."""
    key = frozenset(anchors)
    if tables is None:
        table = _anchor_table(key)
    else:
        table = tables.get(key) or tables.setdefault(key, AnchorTable(key))
    found = table.lowered.get(anchor.lower())
    if found is not None or (budget is not None and budget.spent):
        return found
    many = len(table.names) > MANY_ANCHORS
    known = table.answers.get(anchor)
    if known is None:
        # the work, counted; stopped where the budget would have run out
        meter = SuggestionBudget(budget.left if budget is not None else _UNMETERED)
        near = None
        if many:
            if table.index is None:
                table.index = _NameIndex(table.names, 0.5, ANCHOR_CANDIDATES)
            near = table.index.closest(anchor, meter)
        elif meter.take(len(anchor) * table.chars + _NAME_COST * len(table.names)):
            near = _closest(anchor, list(anchors), cutoff=0.5)
        if meter.spent:
            assert budget is not None  # (an unmetered count never runs out)
            budget.take(budget.left + 1)
            return None
        known = table.answers[anchor] = (near, meter.units - meter.left)
    near, cost = known
    if budget is not None and not budget.take(cost):
        return None
    return near


class AnchorTable:
    __slots__ = ("answers", "chars", "index", "lowered", "names")

    def __init__(self, anchors: frozenset[str]) -> None:
        self.names = sorted(anchors)
        # (in the set's own order on a page of few anchors, as before: of two anchors that differ
        # only in case, the same one wins)
        self.lowered = {
            a.lower(): a for a in (self.names if len(anchors) > MANY_ANCHORS else anchors)
        }
        self.chars = sum(map(len, self.names)) + len(self.names)
        self.index: _NameIndex | None = None
        self.answers: dict[str, tuple[str | None, int]] = {}  # anchor: (suggestion, its cost)


_ANCHOR_TABLES: dict[frozenset[str], AnchorTable] = {}


def _anchor_table(anchors: frozenset[str]) -> AnchorTable:
    """The look-up table of a page's anchors, kept for the last eight pages asked about."""
    table = _ANCHOR_TABLES.pop(anchors, None)
    if table is None:
        table = AnchorTable(anchors)
        while len(_ANCHOR_TABLES) >= 8:
            del _ANCHOR_TABLES[next(iter(_ANCHOR_TABLES))]
    _ANCHOR_TABLES[anchors] = table  # (last: the most recently used)
    return table


def inbound_edges(site: SiteIndex, config: Config | None) -> list[tuple[str, str]]:
    """(from page, to page), as paths below the content root, for every body link and ``related``
    entry between two pages, and the site navigation's entries (once per run)."""
    cached = site.cache.get("links.all_edges")
    if cached is None:
        cached = site.cache["links.all_edges"] = _link_edges(site, config) + nav_edges(site, config)
    return cached


def nav_edges(site: SiteIndex, config: Config | None) -> list[tuple[str, str]]:
    """Edges for the navigation every page shows (``links.nav_files``, Hugo ``menu:`` front
    matter): from the site's home page (its root index page, else its first page) to each page
    the navigation lists. Not stored with any page's link data: worked out again every run."""
    if config is None or not site.pages:
        return []
    from guidelint import sitemodel

    menu = [p.rel for p in site.pages if p.menu]
    nav_files = config.get("links.nav_files")
    resolver = resolver_for(site, config)
    home = None
    for name in resolver.index_names:
        for ext in resolver.extensions:
            home = home or site.by_rel.get(f"{name}{ext}")
    edges: list[tuple[str, str]] = []
    if home is not None and resolver.per_page:
        # a generated site's layout links every page to its home page
        other = next((p for p in site.pages if p.rel != home.rel and p.published), None)
        if other is not None:
            edges.append((other.rel, home.rel))
    if not menu and not nav_files and not config.get("links.listed"):
        return edges
    if home is None or not home.published:  # the navigation is on every page: any published one
        home = next((p for p in sorted(site.pages, key=lambda p: p.rel) if p.published), None)
        if home is None:
            return edges
    listed: set[str] = set(menu)
    globs = config.get("links.listed")  # pages a generated listing links (posts, sections)
    if globs:
        import fnmatch

        listed.update(p.rel for p in site.pages if any(fnmatch.fnmatch(p.rel, g) for g in globs))
    listed.update(p.rel for p in site.pages if posixpath.basename(p.rel).startswith("404."))
    if nav_files:
        everything, entries = site.cache.get("links.nav") or sitemodel.nav_entries(config)
        site.cache["links.nav"] = (everything, entries)
        if everything:
            listed.update(p.rel for p in site.pages)
        else:
            by_stem: dict[str, str] = {}
            for p in site.pages:
                by_stem.setdefault(posixpath.splitext(posixpath.basename(p.rel))[0], p.rel)
            by_url = resolver.url_index()
            for entry in entries:
                if entry.startswith("contains:"):  # every page whose URL contains the text
                    part = entry[len("contains:") :].rstrip("/")
                    listed.update(p.rel for p in site.pages if p.urls and part in p.urls[0])
                    continue
                if not entry or (_SCHEME.match(entry) and not entry.startswith(("/", "glsrc:"))):
                    continue
                res = resolver.resolve(entry, home.rel)
                if res.kind == PAGE and res.page is not None:
                    listed.add(res.page.rel)
                    continue
                page = by_url.get(sitemodel.url_key(entry, resolver.lower_urls))
                if page is not None:
                    listed.add(page.rel)
                elif entry in by_stem:  # a collection's document name (docs: [install, ...])
                    listed.add(by_stem[entry])
    edges.extend((home.rel, rel) for rel in sorted(listed) if rel != home.rel)
    if home.rel in listed:  # the home page itself is listed: any other published page links it
        other = next((p for p in site.pages if p.rel != home.rel and p.published), None)
        if other is not None:
            edges.append((other.rel, home.rel))
    return edges


def _link_edges(site: SiteIndex, config: Config | None) -> list[tuple[str, str]]:
    cached = site.cache.get("links.edges")
    if cached is not None:
        return cached
    resolver = resolver_for(site, config)
    edges = [
        (sl.source.rel, sl.resolution.page.rel)
        for sl in site_links(site, config)
        if sl.link.kind == "link" and sl.resolution.kind == PAGE and sl.resolution.page is not None
    ]
    scope = site.link_scope
    for page in site.pages:
        rel = page.rel
        if scope is not None and rel not in scope.pages:  # edges the snapshot stored for this page
            edges.extend((rel, to) for to in scope.stored_edges(rel))
            continue
        for slug, _span in page.related:
            res = resolver.resolve_slug(slug)
            if res.page is not None:
                edges.append((rel, res.page.rel))
    site.cache["links.edges"] = edges
    return edges


def link_data(
    site: SiteIndex, config: Config | None
) -> dict[str, tuple[frozenset[str], tuple[str, ...], bool]]:
    """For the site snapshot, for every page whose links this run resolved (all, or the scope's):
    (pages any of its links or images reach, its graph edges as in inbound_edges, whether a link
    or image finds nothing)."""
    reached: dict[str, set[str]] = {}
    missing: set[str] = set()
    for sl in site_links(site, config):
        rel, res = sl.source.rel, sl.resolution
        if res.kind == PAGE and res.page is not None:
            reached.setdefault(rel, set()).add(res.page.rel)
        elif res.kind == MISSING:
            missing.add(rel)
    graph: dict[str, list[str]] = {}
    scope = site.link_scope
    for src, dst in _link_edges(site, config):
        graph.setdefault(src, []).append(dst)
    return {
        page.rel: (
            frozenset(reached.get(page.rel, ())),
            tuple(graph.get(page.rel, ())),
            page.rel in missing,
        )
        for page in site.pages
        if scope is None or page.rel in scope.pages
    }
