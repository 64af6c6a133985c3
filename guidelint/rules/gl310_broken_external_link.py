from __future__ import annotations

from typing import TYPE_CHECKING

from guidelint.diagnostics import Severity
from guidelint.links import EXTERNAL, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import reported

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from guidelint.finding import Finding
    from guidelint.registry import SiteContext
    from guidelint.site import SiteIndex


@register
class BrokenExternalLink(Rule):
    """An external (http/https) link or image is malformed or, with ``--check-external``, broken.

    What it checks: the http(s) links and images of the body, and with ``--check-external`` also
    the http(s) URLs among the front matter's values (a source's ``url``, say; their shape is the
    schema's to check, GL101). Always (no network), that each body URL has a host name, a valid
    port and no spaces. Only when external checks are switched on (``--check-external``, or
    ``links.check_external = true``), each distinct URL is requested: ``HEAD``, then ``GET`` if
    the server refuses HEAD; redirects are followed; 2xx and 3xx count as working. Requests run
    in ``links.external_concurrency`` threads, at most ``links.external_per_host`` at a time per
    host, each with a ``links.external_timeout``-second timeout and ``links.external_retries``
    retries with exponential backoff (a host answering 429 is backed off for its Retry-After,
    capped). Successes are cached for ``links.external_cache_days`` days (minus up to 20%
    jitter) in ``<cache_dir>/external-links.json``; failures are always re-checked.

    Where requests may go: every host name is resolved and every address it resolves to is
    checked, at every redirect (followed one by one, at most 10); a loopback, private,
    link-local, multicast, reserved or unspecified address (in any spelling: ``[::1]``,
    ``2130706433``, ``0x7f.1``, IPv4 inside IPv6) is not requested, and the link gets a warning
    saying it was *not checked* and why, unless ``--allow-private-hosts``
    (``links.external_allow_private = true``) is given. The connection goes to the address that
    was checked, with the URL's host name in the Host header and TLS SNI, so a second DNS answer
    cannot send it elsewhere. One deadline of ``links.external_timeout`` seconds covers each
    attempt whole: resolution, connection, TLS, every redirect and every header byte. When not
    one URL resolves or connects (two hosts at least), one finding says the network is
    unreachable instead of one per URL.

    Why: sources and official references move; a dead link to a state board is a reader stuck
    without the rule they came to check.

    ```markdown fail
    # Jobs

    Search the [job finder](https:///jobs).
    ```

    ```markdown pass
    # Jobs

    Search the [job finder](https://www.careeronestop.org/).
    ```
    """

    code = "GL310"
    name = "broken-external-link"
    summary = "An external link is malformed, or (with --check-external) does not answer"
    severity = Severity.WARNING
    scope = "site"
    locality = "links"  # (and a run that requests URLs does not use the site snapshot)

    def check_site(self, site: SiteIndex, ctx: SiteContext) -> Iterable[tuple[str, Finding]]:
        # (page, url, span, what it is): body links first, then the front matter's URLs
        urls = [
            (sl.source, sl.resolution.url, sl.link.span, "external link")
            for sl in site_links(site, ctx.config)
            if sl.resolution.kind == EXTERNAL
            and sl.resolution.url is not None  # (always: an external resolution has its URL)
            and reported(sl.source, ctx)
        ]
        external = ctx.config.get("links.check_external")
        if external:
            urls += [
                (page, url, span, "front-matter URL")
                for page in site.pages
                if page.ok and reported(page, ctx)
                for url, span in page.front_matter_urls
            ]
        if not urls:
            return
        from guidelint.external import (  # sockets, threads: only when needed
            check_config,
            network_down,
            well_formed,
        )

        good = []
        for page, url, span, what in urls:
            problem = well_formed(url)
            if problem is None:
                good.append((page, url, span, what))
            elif (
                what == "external link"
            ):  # a malformed front-matter value is the schema's finding (GL101)
                yield (
                    page.rel,
                    self.finding(span, f"{what} '{url}' cannot work: {problem}; fix the URL"),
                )
        if not good or not external:
            return
        results = check_config([url for _page, url, _span, _what in good], ctx.config)
        down = network_down(results)
        if down is not None:  # said once, on the first URL, instead of blaming every one
            page, url, span, what = good[0]
            count, hosts = down
            yield (
                page.rel,
                self.finding(
                    span,
                    f"external links were not checked: the network is unreachable (none of "
                    f"{count} URL(s) on {hosts} hosts resolved or connected); run the check "
                    "again with a network connection",
                ),
            )
            return
        for page, url, span, what in good:
            result = results.get(url.split("#", 1)[0])
            if result is None or result.ok:
                continue
            if result.not_checked:
                yield (
                    page.rel,
                    self.finding(
                        span,
                        f"{what} '{url}' was not checked: {result.error}; guidelint requests "
                        "no loopback, private, link-local, multicast or reserved address unless "
                        "--allow-private-hosts (links.external_allow_private) is set",
                    ),
                )
                continue
            yield (
                page.rel,
                self.finding(
                    span,
                    f"{what} '{url}' is broken: {result.describe()} after "
                    f"{result.attempts} attempt(s); update it to the page's current "
                    "address or remove it",
                ),
            )
