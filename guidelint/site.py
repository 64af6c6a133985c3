"""PageSummary (what site rules need to know of a page) and SiteIndex (all of them at once).

A summary is small and picklable: it is what the cache stores and what crosses process
boundaries, so site rules never need a page's full parse.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

from guidelint.diagnostics import Span

if (
    TYPE_CHECKING
):  # pragma: no cover - the page model (and the Markdown parser) load only when a page is analysed
    from guidelint.page import Comment, Definition, Link, Page


@dataclass(unsafe_hash=True)  # (not frozen: a page may have 50,000 headings; treat as immutable)
class HeadingInfo:
    level: int
    text: str
    anchor: str
    span: Span


@dataclass(frozen=True)
class TableInfo:
    """A table, for site rules that read one (the hub's steps table): cell texts and spans."""

    section: int | None  # index of the heading the table sits under
    header: tuple[str, ...]
    rows: tuple[tuple[tuple[str, Span], ...], ...]  # rows of (cell text, cell span)
    span: Span


@dataclass(frozen=True)
class PageSummary:
    path: str  # as displayed
    rel: str | None  # posix path below the content root
    slug: str | None
    ok: bool  # False when the file could not be read or parsed (input errors)
    type: str | None = None
    status: str | None = None
    title: str | None = None
    title_span: Span | None = None
    related: tuple[tuple[str, Span], ...] = ()
    headings: tuple[HeadingInfo, ...] = ()
    links: tuple[Link, ...] = ()
    definitions: tuple[Definition, ...] = ()
    comments: tuple[Comment, ...] = ()
    tables: tuple[TableInfo, ...] = ()
    extra: dict[str, Any] = field(
        default_factory=dict, compare=False
    )  # rule-specific facts, picklable
    html_anchors: tuple[str, ...] = ()  # id= and name= of raw HTML elements (link targets too)
    front_matter_urls: tuple[
        tuple[str, Span], ...
    ] = ()  # http(s) URLs among the front matter's values
    # for reports (--format html): the front matter's last_reviewed as written, and its sources as
    # (title, publisher, url, accessed) strings ("" where a field is missing or not a string)
    last_reviewed: str | None = None
    sources: tuple[tuple[str, str, str, str], ...] = ()
    urls: tuple[str, ...] = ()  # URL keys the page is published at (guidelint.sitemodel.page_urls)
    open_anchors: bool = False  # it includes content from elsewhere: any anchor may exist
    menu: bool = False  # listed in a site menu by its front matter (Hugo menu:)

    @property
    def anchors(self) -> frozenset[str]:
        """The page's heading anchors and raw HTML ids (computed once; not part of the pickled state)."""
        found = self.__dict__.get("_anchors")
        if found is None:
            found = frozenset(h.anchor for h in self.headings) | frozenset(self.html_anchors)
            if self.open_anchors:
                found = OpenAnchors(found)
            self.__dict__["_anchors"] = found
        return found

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_anchors", None)
        return state

    @property
    def published(self) -> bool:
        return self.status == "published"


class OpenAnchors(frozenset[str]):
    """The anchors of a page that includes content guidelint cannot see: every anchor may be
    there (iteration still gives the known ones, for suggestions)."""

    def __contains__(self, item: object) -> bool:
        return True


def slug_for(rel: str) -> str:
    """``certification.md`` -> ``certification``; ``states/index.md`` -> ``states/index``."""
    root, _ext = posixpath.splitext(rel)
    return root


def summarize(page: Page, tables: bool = True) -> PageSummary:
    """What the site rules need of ``page``. ``tables``: keep its tables (only pages whose type has
    a steps table need them; leaving the others out saves a third of a large site's memory)."""
    related: list[tuple[str, Span]] = []
    values = page.meta.get("related")
    if isinstance(values, list) and page.front_matter:
        for i, value in enumerate(values):
            if isinstance(value, str):
                related.append((value, page.front_matter.value_span(("related", i))))
    title_span = (
        page.front_matter.value_span(("title",))
        if page.front_matter and "title" in page.meta
        else None
    )
    urls = (
        tuple((url, page.front_matter.value_span(path)) for url, path in _urls(page.meta))
        if page.front_matter
        else ()
    )
    return PageSummary(
        path=page.path,
        rel=page.rel,
        slug=page.slug,
        ok=True,
        type=page.type,
        status=page.status,
        title=page.title,
        title_span=title_span,
        related=tuple(related),
        headings=tuple(HeadingInfo(h.level, h.text, h.anchor, h.span) for h in page.headings),
        links=tuple(page.links),
        definitions=tuple(page.definitions),
        comments=tuple(page.comments),
        tables=tuple(
            TableInfo(
                t.section,
                tuple(c.text for c in t.header),
                tuple(tuple((c.text, c.span) for c in row) for row in t.rows),
                t.span,
            )
            for t in (page.tables if tables else ())
        ),
        extra=dict(page.cache.get("summary_extra", {})),
        html_anchors=tuple(page.html_anchors),
        front_matter_urls=urls,
        last_reviewed=_text(page.meta.get("last_reviewed")),
        sources=_sources(page.meta.get("sources")),
        urls=page.cache.get("site_urls", ()),
        menu=page.cache.get("site_menu", False),
        open_anchors=page.cache.get("open_anchors", False),
    )


def _text(value: Any) -> str | None:
    """A front-matter scalar as text (YAML may give a date, a number...); None if missing or not
    a scalar."""
    if value is None or isinstance(value, (dict, list)):
        return None
    return str(value)


def _sources(value: Any) -> tuple[tuple[str, str, str, str], ...]:
    if not isinstance(value, list):
        return ()
    out: list[tuple[str, str, str, str]] = []
    for item in value[:1000]:
        if isinstance(item, dict):
            title, publisher, url, accessed = (
                _text(item.get(k)) or "" for k in ("title", "publisher", "url", "accessed")
            )
            out.append((title, publisher, url, accessed))
        elif isinstance(item, str):
            out.append((item, "", item if item.startswith(_WEB) else "", ""))
    return tuple(out)


_WEB = ("http://", "https://")


def _urls(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[str, tuple[Any, ...]]]:
    """(url, path) for each string value of the front matter that is an http(s) URL (a source's
    ``url``, say), in document order; nesting is bounded by the YAML limits."""
    found: list[tuple[str, tuple[Any, ...]]] = []
    stack = [(path, value)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, str):
            if node.startswith(_WEB):
                found.append((node.strip(), where))
        elif isinstance(node, dict):
            stack.extend(reversed([(where + (k,), v) for k, v in node.items()]))
        elif isinstance(node, list):
            stack.extend(reversed([(where + (i,), v) for i, v in enumerate(node)]))
    return found


if TYPE_CHECKING:  # pragma: no cover - a static view only, never built

    class IndexedPage(PageSummary):
        """A summary in a SiteIndex: every indexed page lies below the content root."""

        rel: str


def _indexed(summary: PageSummary) -> TypeGuard[IndexedPage]:
    return summary.rel is not None


@dataclass(frozen=True, eq=False)  # never compared: no __eq__ built at import
class LinkScope:
    """A run that resolves the links of some pages only (the engine's site-rules plan, see
    guidelint.incremental): ``pages``, whose links are resolved; every other page's graph edges
    are ``stored_edges(rel)``, as they were last resolved. Read by guidelint.links, never by a
    rule: a rule sees the same links and edges either way."""

    pages: frozenset[str]
    stored_edges: Callable[[str], tuple[str, ...]]


class SiteIndex:
    """Every page of the site, built once per run."""

    def __init__(self, summaries: list[PageSummary], link_scope: LinkScope | None = None) -> None:
        self.pages: list[IndexedPage] = [s for s in summaries if _indexed(s)]
        self.by_rel = {s.rel: s for s in self.pages}
        self.by_slug = {s.slug: s for s in self.pages if s.slug is not None}
        hubs = [s for s in self.pages if s.type == "hub"]
        self.hub = hubs[0] if len(hubs) == 1 else None
        self.hubs = hubs
        # per-run results shared by site rules (e.g. resolved links)
        self.cache: dict[str, Any] = {}
        self.link_scope = link_scope  # None: every page's links are resolved

    def __len__(self) -> int:
        return len(self.pages)
