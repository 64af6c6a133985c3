"""Checking external (http/https) links: only on request (``--check-external``).

``check_urls`` checks a set of URLs with threads and returns one ``Result`` per URL:

* bounded concurrency (``links.external_concurrency`` threads) and at most
  ``links.external_per_host`` requests in flight to any one host;
* a timeout per request (``links.external_timeout`` seconds);
* ``HEAD`` first, falling back to ``GET`` when the server answers 405 or 501 (or refuses HEAD);
* retries (``links.external_retries``) with exponential backoff and jitter on time-outs,
  connection errors, 5xx and 429; a host that answers 429 is backed off as a whole, for its
  ``Retry-After`` (seconds or an HTTP date) capped at ``max_retry_after`` seconds;
* a JSON cache of *successes* in ``<cache_dir>/external-links.json``, each entry expiring after
  ``links.external_cache_days`` days minus up to 20% jitter (so a site's links do not all expire
  on the same day); failures are always re-checked. ``external_cache_days = 0`` disables it.

Only ``http`` and ``https`` URLs are ever opened.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

USER_AGENT = "guidelint-link-check/0.1 (+https://github.com/guidelint)"
CACHE_FILE = "external-links.json"


@dataclass(frozen=True)
class Result:
    url: str
    ok: bool
    status: int | None = None  # the last HTTP status, if any
    error: str | None = None  # why it failed, for the message
    attempts: int = 0
    cached: bool = False

    def describe(self) -> str:
        if self.ok:
            return f"HTTP {self.status}" if self.status else "ok"
        return self.error or (f"HTTP {self.status}" if self.status else "failed")


@dataclass
class Options:
    timeout: float = 10.0
    concurrency: int = 8
    per_host: int = 2
    retries: int = 2
    cache_days: int = 7
    cache_dir: Path | None = None
    backoff: float = 0.5  # first retry delay in seconds; doubles each retry
    max_retry_after: float = 60.0  # cap on a Retry-After (and on any backoff)

    @classmethod
    def from_config(cls, config) -> Options:
        links = config.get("links")
        cache_dir = None
        if config["cache"] and links["external_cache_days"] > 0:
            cache_dir = config.resolve_path(config["cache_dir"])
        return cls(
            timeout=float(links["external_timeout"]),
            concurrency=links["external_concurrency"],
            per_host=links["external_per_host"],
            retries=links["external_retries"],
            cache_days=links["external_cache_days"],
            cache_dir=cache_dir,
        )


def well_formed(url: str) -> str | None:
    """Why an http(s) URL cannot work, or None. No network."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    del port
    if parts.scheme.lower() not in ("http", "https"):
        return "only http and https URLs are checked"
    if not parts.hostname:
        return "the URL has no host name"
    if any(c.isspace() for c in url):
        return "the URL contains a space; encode it as %20"
    return None


# --------------------------------------------------------------------------- cache
class _Cache:
    def __init__(self, directory: Path | None, days: int, now: Callable[[], float]) -> None:
        self.path = directory / CACHE_FILE if directory is not None and days > 0 else None
        self.days = days
        self.now = now
        self.lock = threading.Lock()
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if self.path is not None:
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                if isinstance(data, dict) and isinstance(data.get("urls"), dict):
                    self.entries = data["urls"]
            except (OSError, ValueError):
                self.entries = {}

    def get(self, url: str) -> dict | None:
        entry = self.entries.get(url)
        if (
            isinstance(entry, dict)
            and isinstance(entry.get("expires"), (int, float))
            and entry["expires"] > self.now()
        ):
            return entry
        return None

    def put(self, url: str, status: int | None) -> None:
        if self.path is None:
            return
        now = self.now()
        life = self.days * 86400 * random.uniform(0.8, 1.0)
        with self.lock:
            self.entries[url] = {"status": status, "checked": int(now), "expires": int(now + life)}
            self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        now = self.now()
        live = {
            u: e
            for u, e in self.entries.items()
            if isinstance(e, dict) and e.get("expires", 0) > now
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".external-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"version": 1, "urls": live}, fh, indent=0, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


# --------------------------------------------------------------------------- hosts
class _Hosts:
    """Per-host concurrency limits and 429 back-off."""

    def __init__(
        self, per_host: int, sleep: Callable[[float], None], now: Callable[[], float]
    ) -> None:
        self.per_host = per_host
        self.sleep = sleep
        self.now = now
        self.lock = threading.Lock()
        self.slots: dict[str, threading.BoundedSemaphore] = {}
        self.not_before: dict[str, float] = {}

    def slot(self, host: str) -> threading.BoundedSemaphore:
        with self.lock:
            if host not in self.slots:
                self.slots[host] = threading.BoundedSemaphore(self.per_host)
            return self.slots[host]

    def wait(self, host: str) -> None:
        while True:
            with self.lock:
                delay = self.not_before.get(host, 0) - self.now()
            if delay <= 0:
                return
            self.sleep(min(delay, 1.0))

    def back_off(self, host: str, seconds: float) -> None:
        with self.lock:
            self.not_before[host] = max(self.not_before.get(host, 0), self.now() + seconds)


def retry_after(value: str | None, cap: float, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped; None if absent."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), cap)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, min(when.timestamp() - now, cap))


class _NoRedirectToOtherSchemes(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener():
    """Built per run, so proxy settings (http_proxy, no_proxy) are read when the check starts."""
    return urllib.request.build_opener(_NoRedirectToOtherSchemes())


def _request(opener, url: str, method: str, timeout: float) -> tuple[int | None, dict, str | None]:
    """(status, headers, error). Never raises."""
    req = urllib.request.Request(
        url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        with opener.open(req, timeout=timeout) as resp:
            if method == "GET":
                resp.read(1024)
            return resp.status, dict(resp.headers), None
    except urllib.error.HTTPError as exc:
        headers = dict(exc.headers or {})
        exc.close()
        return exc.code, headers, None
    except (TimeoutError, OSError) as exc:  # URLError is an OSError
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return None, {}, "no answer (timed out)"
        return None, {}, f"could not connect ({reason})"
    except Exception as exc:
        return None, {}, f"could not check ({type(exc).__name__}: {exc})"


def _check_one(
    opener,
    url: str,
    opts: Options,
    hosts: _Hosts,
    sleep: Callable[[float], None],
    now: Callable[[], float],
) -> Result:
    problem = well_formed(url)
    if problem:
        return Result(url, False, error=problem)
    host = (urlsplit(url).hostname or "").lower()
    method = "HEAD"
    attempts = 0
    status: int | None = None
    error: str | None = None
    tries = opts.retries + 1
    while attempts < tries:
        hosts.wait(host)
        with hosts.slot(host):
            hosts.wait(host)
            status, headers, error = _request(opener, url, method, opts.timeout)
        attempts += 1
        if status is not None and 200 <= status < 400:
            return Result(url, True, status, None, attempts)
        if method == "HEAD" and status in (405, 501, 403, 400):
            method = "GET"  # servers that refuse HEAD; this does not use up a retry
            tries += 1
            continue
        delay = None
        if status == 429:
            lower = {k.lower(): v for k, v in headers.items()}
            delay = retry_after(lower.get("retry-after"), opts.max_retry_after, now())
            if delay is None:
                delay = min(opts.backoff * (2 ** (attempts - 1)), opts.max_retry_after)
            hosts.back_off(host, delay)
            error = "HTTP 429 (too many requests)"
        elif status is not None and status < 500:
            return Result(url, False, status, f"HTTP {status}", attempts)
        elif status is not None:
            error = f"HTTP {status}"
        if attempts >= tries:
            break
        if delay is None:
            delay = min(
                opts.backoff * (2 ** (attempts - 1)), opts.max_retry_after
            ) * random.uniform(1.0, 1.25)
            sleep(delay)
    return Result(url, False, status, error, attempts)


def check_urls(
    urls: Iterable[str],
    options: Options | None = None,
    *,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> dict[str, Result]:
    """Check each distinct URL (the fragment is ignored); returns url -> Result."""
    opts = options or Options()
    wanted = sorted({u.split("#", 1)[0] for u in urls if u})
    cache = _Cache(opts.cache_dir, opts.cache_days, now)
    results: dict[str, Result] = {}
    todo = []
    for url in wanted:
        hit = cache.get(url)
        if hit is not None:
            results[url] = Result(url, True, hit.get("status"), None, 0, cached=True)
        else:
            todo.append(url)
    hosts = _Hosts(opts.per_host, sleep, now)
    opener = _opener()
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(opts.concurrency, len(todo)))) as pool:
            for result in pool.map(lambda u: _check_one(opener, u, opts, hosts, sleep, now), todo):
                results[result.url] = result
                if result.ok:
                    cache.put(result.url, result.status)
    cache.save()
    return results


def check_config(urls: Iterable[str], config) -> dict[str, Result]:
    """What the CLI calls: options from ``links.*``, ``cache`` and ``cache_dir``."""
    return check_urls(urls, Options.from_config(config))
