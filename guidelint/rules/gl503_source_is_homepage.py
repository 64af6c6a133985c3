from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from guidelint.diagnostics import Severity
from guidelint.registry import Rule, register

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.page import Page
    from guidelint.registry import PageContext


def is_homepage(url: str) -> bool:
    """True when ``url`` is a site's front page: an http(s) address whose path is empty or "/".

    >>> is_homepage("https://www.aama-ntl.org/")
    True
    >>> is_homepage("https://www.bls.gov")
    True
    >>> is_homepage("https://www.bls.gov/ooh/healthcare/medical-assistants.htm")
    False
    >>> is_homepage("https://example.org/?page=fees")
    False
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return parts.path in ("", "/") and not parts.query


def _host(url: str) -> str:
    host = (urlsplit(url.strip()).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


@register
class SourceIsHomepage(Rule):
    """A front-matter ``sources`` URL is a site's home page, not the page that holds the fact.

    What it checks: each ``sources[N].url``. An http(s) address whose path is empty or ``/``
    (and has no query) is a home page. Hosts listed in ``[tool.guidelint.sources]
    allow_homepages`` are accepted (a leading ``www.`` is ignored), for the rare source whose
    front page is the page that supports the fact.

    Why: a reader who wants to check a fee, a renewal rule or a pay figure needs the page that
    states it. A home page only says which organization to search, and it proves nothing when the
    site changes. Point each source at the specific page you checked.

    ```markdown fail
    ---
    title: Certification
    sources:
      - title: CMA (AAMA) recertification
        publisher: American Association of Medical Assistants
        url: https://www.aama-ntl.org/
        accessed: 2026-12-06
    ---
    ```

    ```markdown pass
    ---
    title: Certification
    sources:
      - title: CMA (AAMA) recertification policies
        publisher: American Association of Medical Assistants
        url: https://www.aama-ntl.org/cma-aama-exam/recertification-policies
        accessed: 2026-12-06
    ---
    ```
    """

    code = "GL503"
    name = "source-is-homepage"
    summary = "A sources URL is a bare home page, not the page that supports the fact"
    severity = Severity.WARNING

    def check(self, page: Page, ctx: PageContext) -> Iterable[Finding]:
        sources = page.meta.get("sources")
        if not isinstance(sources, list):
            return
        allowed = {
            _host(h if "//" in h else "//" + h) for h in ctx.config.get("sources.allow_homepages")
        }
        for i, source in enumerate(sources):
            if not isinstance(source, dict):
                continue
            url = source.get("url")
            if not isinstance(url, str) or not is_homepage(url):
                continue
            if _host(url) in allowed:
                continue
            assert page.front_matter is not None  # the value was read from it
            yield self.finding(
                page.front_matter.value_span(("sources", i, "url")),
                f"sources[{i}].url: {url} is a home page; point it at the page that states the "
                "fact (or list the host in [tool.guidelint.sources] allow_homepages)",
            )
