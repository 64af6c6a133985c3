from guidelint.diagnostics import Severity
from guidelint.links import EXTERNAL, site_links
from guidelint.registry import Rule, register
from guidelint.rules._links import reported


@register
class BrokenExternalLink(Rule):
    """An external (http/https) link or image is malformed or, with ``--check-external``, broken.

    What it checks: always (no network), that each http(s) URL has a host name, a valid port and
    no spaces. Only when external checks are switched on (``--check-external``, or
    ``links.check_external = true``), each distinct URL is requested: ``HEAD``, then ``GET`` if
    the server refuses HEAD; redirects are followed; 2xx and 3xx count as working. Requests run
    in ``links.external_concurrency`` threads, at most ``links.external_per_host`` at a time per
    host, each with a ``links.external_timeout``-second timeout and ``links.external_retries``
    retries with exponential backoff (a host answering 429 is backed off for its Retry-After,
    capped). Successes are cached for ``links.external_cache_days`` days (minus up to 20%
    jitter) in ``<cache_dir>/external-links.json``; failures are always re-checked.

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

    def check_site(self, site, ctx):
        links = [sl for sl in site_links(site, ctx.config)
                 if sl.resolution.kind == EXTERNAL and reported(sl.source, ctx)]
        if not links:
            return
        from guidelint.external import check_config, well_formed  # urllib.request, threads: only when needed

        good = []
        for sl in links:
            problem = well_formed(sl.resolution.url)
            if problem:
                yield sl.source.rel, self.finding(sl.link.span, f"external link '{sl.resolution.url}' cannot work: "
                                                                f"{problem}; fix the URL")
            else:
                good.append(sl)
        if not good or not ctx.config.get("links.check_external"):
            return
        results = check_config([sl.resolution.url for sl in good], ctx.config)
        for sl in good:
            result = results.get(sl.resolution.url.split("#", 1)[0])
            if result is None or result.ok:
                continue
            yield sl.source.rel, self.finding(sl.link.span, f"external link '{sl.resolution.url}' is broken: "
                                                            f"{result.describe()} after {result.attempts} attempt(s); "
                                                            "update it to the page's current address or remove it")
