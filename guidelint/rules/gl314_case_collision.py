from __future__ import annotations

import unicodedata
from bisect import bisect_left
from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity, Span
from guidelint.registry import Rule, register
from guidelint.rules._links import page_span, reported

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


def fold(path: str) -> str:
    """How a case-insensitive file system (macOS, Windows) compares names: case folded, and
    Unicode-normalised (macOS stores ``é`` decomposed)."""
    return _nfc(path).casefold()


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collisions(rels: list[str]) -> dict[str, list[tuple[str, list[str]]]]:
    """Page paths and folders that others differ from only by case: for the first page at or
    below each colliding spelling, (that spelling, the other spellings). ``rels``: sorted."""
    groups: dict[str, set[str]] = {}
    for rel in rels:
        parts = rel.split("/")
        for depth in range(1, len(parts) + 1):
            path = "/".join(parts[:depth])
            groups.setdefault(fold(path), set()).add(path)
    found: dict[str, list[tuple[str, list[str]]]] = {}
    for names in groups.values():
        if len(names) < 2:
            continue
        for name in sorted(names):
            page = _first_at_or_below(rels, name)
            found.setdefault(page, []).append((name, sorted(names - {name})))
    return found


def _first_at_or_below(rels: list[str], name: str) -> str:
    """The first of the sorted ``rels`` that is ``name`` or below the folder ``name`` (the same as
    the smallest such path; by bisection, not a scan of every page for every colliding name)."""
    i = bisect_left(rels, name)
    if i < len(rels) and rels[i] == name:
        return rels[i]  # (a path below the folder sorts after the name itself)
    i = bisect_left(rels, name + "/")
    return rels[i]  # (the name is a folder of some page: one is below it)


@register
class CaseCollision(Rule):
    """Two pages (or folders) have paths that differ only by upper and lower case.

    What it checks: the paths of the pages below the content root, compared the way macOS and
    Windows compare names (case folded, Unicode-normalised): ``Jobs.md`` beside ``jobs.md``,
    or a ``States/`` folder beside ``states/``. The finding sits on the first page of each
    spelling and names the other.

    Why: on a case-insensitive file system, only one of the two files can exist. A clone on a
    Mac or a Windows machine silently keeps one page, git then shows the other as modified,
    and the site built there is missing a page. Links that work on Linux break elsewhere.

    ```markdown fail
    === jobs.md ===
    # Jobs
    === Jobs.md ===
    # Jobs, again
    ```

    ```markdown pass
    === jobs.md ===
    # Jobs
    === job-search.md ===
    # Job search
    ```
    """

    code = "GL314"
    name = "case-collision"
    summary = "Two page paths differ only by case (breaks checkouts on macOS and Windows)"
    severity = Severity.WARNING
    scope = "site"
    locality = "links"  # depends on nothing but the set of pages

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        rels = sorted(page.rel for page in site.pages)
        for rel, clashes in sorted(collisions(rels).items()):
            page = site.by_rel[rel]
            if not reported(page, ctx):
                continue
            span = page_span(page) if page.ok else Span.point(1)
            for name, others in clashes:
                kind = "page" if name == rel else "folder"
                suffix = "" if kind == "page" else "/"
                listed = " and ".join(f"'{other}{suffix}'" for other in others)
                how = (
                    "only in how its accents are encoded (composed or decomposed Unicode)"
                    if all(_nfc(other) == _nfc(name) for other in others)
                    else "only by case"
                )
                yield (
                    rel,
                    self.finding(
                        span,
                        f"{kind} '{name}{suffix}' differs from {listed} {how}: a checkout "
                        "on macOS or Windows keeps only one of them; rename one",
                    ),
                )
