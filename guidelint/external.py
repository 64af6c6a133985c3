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

import contextlib
import email.utils
import errno
import http.client
import ipaddress
import json
import os
import random
import re
import socket
import ssl
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

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
    # how the last attempt ended: "http" (an answer), "refused" (not requested: a private
    # address, see address_problem), "offline" (no name resolved, no connection), "timeout", "error"
    kind: str = "http"

    @property
    def not_checked(self) -> bool:
        return self.kind == "refused"

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
    allow_private: bool = False  # request loopback, private, link-local... addresses too

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
            allow_private=bool(links.get("external_allow_private", False)),
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
            from guidelint.trust import read_regular  # (a FIFO there never blocks the run)

            try:
                blob = read_regular(self.path)
                data = json.loads(blob.decode("utf-8")) if blob is not None else None
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


# --------------------------------------------------------------------------- where requests may go
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
MAX_REDIRECTS = 10
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LEGACY_PART = re.compile(r"^(?:0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$")


def legacy_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """``host`` read as the C library's ``inet_aton`` reads it (``2130706433``, ``0x7f.1``,
    ``0177.0.0.1``, ``127.1``: all 127.0.0.1), or None if it is not such a number."""
    parts = host.lower().split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # a trailing dot
    if not 1 <= len(parts) <= 4 or not all(_LEGACY_PART.match(p) for p in parts):
        return None
    values = []
    for p in parts:
        if p.startswith("0x"):
            values.append(int(p[2:] or "0", 16))
        elif len(p) > 1 and p.startswith("0"):
            values.append(int(p, 8))
        else:
            values.append(int(p))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    number = last
    for i, v in enumerate(head):
        number += v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address ``host`` spells, in any form a resolver would accept, or None for a name."""
    host = unquote(host).strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return legacy_ipv4(host)


def address_problem(ip) -> str | None:
    """Why ``ip`` is not a public internet address (loopback, private...), or None."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = (
            ip.ipv4_mapped
            or ip.sixtofour
            or (ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in _NAT64 else None)
        )
        if embedded is not None:
            inner = address_problem(embedded)
            return f"{inner} (IPv4 inside IPv6)" if inner else None
        if ip.teredo:
            return "reserved (Teredo)"
    for test, name in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),
        ("is_private", "private"),
    ):
        if getattr(ip, test):
            return name
    if not ip.is_global:
        return "not publicly routable"
    return None


class NotChecked(Exception):
    """A URL that was not requested, and why (a private address, a redirect to one)."""


class _Timeout(Exception):
    pass


class _Deadline:
    """One deadline for a whole request: name resolution, connection, TLS, every redirect, every
    header byte. ``left`` raises once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        remaining = self.end - time.monotonic()
        if remaining <= 0:
            raise _Timeout()
        return remaining

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.end


def _getaddrinfo(host: str, port: int, deadline: _Deadline) -> list:
    """``socket.getaddrinfo`` bounded by the deadline (it cannot be interrupted, so it runs in a
    daemon thread that is left behind if it overstays)."""
    box: dict = {}

    def work() -> None:
        try:
            box["ok"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except Exception as exc:  # gaierror, UnicodeError for a bad IDN
            box["error"] = exc

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    thread.join(deadline.left())
    if thread.is_alive():
        raise _Timeout()
    if "error" in box:
        raise _Unresolved(f"could not resolve {host} ({box['error']})")
    return box["ok"]


class _Unresolved(OSError):
    pass


def _vetted_addresses(host: str, port: int, deadline: _Deadline, allow_private: bool) -> list:
    """(family, sockaddr) to connect to for ``host``: each one checked, so that the connection goes
    to an address that passed (a second lookup could answer differently: DNS rebinding)."""
    literal = literal_ip(host)
    if literal is not None:
        problem = address_problem(literal)
        if problem and not allow_private:
            raise NotChecked(f"{host} is a {problem} address")
        family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        sockaddr = (str(literal), port, 0, 0) if literal.version == 6 else (str(literal), port)
        return [(family, sockaddr)]
    found = []
    for family, _type, _proto, _name, sockaddr in _getaddrinfo(host, port, deadline):
        ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        problem = address_problem(ip)
        if problem and not allow_private:
            raise NotChecked(f"{host} resolves to {ip}, a {problem} address")
        found.append((family, sockaddr))
    if not found:
        raise _Unresolved(f"could not resolve {host} (no address)")
    return found


def _connect(addresses: list, deadline: _Deadline, timeout: float, sockets: list):
    """A socket connected to the first of ``addresses`` that answers (kept in ``sockets`` so the
    watchdog can cut it)."""
    error: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        sockets.append(sock)
        try:
            sock.settimeout(min(timeout, deadline.left()))
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            error = exc
            sock.close()
    raise error or OSError("no address to connect to")


class _Connection(http.client.HTTPConnection):
    """An HTTP connection whose socket comes from ``opener`` (connected to an address checked
    beforehand); the Host header still names the URL's host."""

    def __init__(self, host, port, opener, timeout) -> None:
        super().__init__(host, port, timeout=timeout)
        self._create_connection = lambda *_args, **_kw: opener()


class _TLSConnection(http.client.HTTPSConnection):
    """The same for https: the URL's host is the SNI name and the name the certificate must
    match (through a proxy, the tunnel's host)."""

    def __init__(self, host, port, opener, timeout, context) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._create_connection = lambda *_args, **_kw: opener()


def _proxy_for(scheme: str, host: str) -> tuple[str, int] | None:
    """The proxy (host, port) the environment sets for this URL (``http_proxy``...), if any."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    parts = urlsplit(proxy if "://" in proxy else "http://" + proxy)
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or 80


def _hop(
    url: str, method: str, opts: Options, deadline: _Deadline, sockets: list
) -> tuple[int, dict]:
    """One request (no redirect followed): (status, headers). Raises NotChecked, _Timeout,
    _Unresolved, OSError or http.client errors."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    port = parts.port or (443 if scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    proxy = _proxy_for(scheme, host)
    if proxy is None:
        addresses = _vetted_addresses(host, port, deadline, opts.allow_private)
        target = (host, port)
    else:  # the proxy connects; what can be checked here is checked (an address, a known name)
        with contextlib.suppress(_Unresolved):  # (then only the proxy can resolve it)
            _vetted_addresses(host, port, deadline, opts.allow_private)
        addresses = _vetted_addresses(proxy[0], proxy[1], deadline, True)
        target = proxy

    def opener():
        return _connect(addresses, deadline, opts.timeout, sockets)

    timeout = min(opts.timeout, deadline.left())
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*", "Connection": "close"}
    conn: http.client.HTTPConnection
    if scheme == "https":
        conn = _TLSConnection(target[0], target[1], opener, timeout, ssl.create_default_context())
        if proxy is not None:
            conn.set_tunnel(host, port)
    else:
        conn = _Connection(target[0], target[1], opener, timeout)
        if proxy is not None:  # the absolute form, for the proxy
            path = url.split("#", 1)[0]
            headers["Host"] = parts.netloc.rsplit("@", 1)[-1]
    try:
        conn.request(method, path, headers=headers)
        resp = conn.getresponse()
        if method == "GET":
            resp.read(1024)
        # a response cut short by the watchdog can parse as complete: past the deadline, it is not
        deadline.left()
        return resp.status, dict(resp.headers)
    finally:
        conn.close()


def _request(url: str, method: str, opts: Options) -> tuple[int | None, dict, str | None, str]:
    """(status, headers, error, kind) of ``url``, following redirects (each hop checked like the
    first) within one deadline of ``opts.timeout`` seconds. ``kind``: "http" (an answer),
    "refused" (not requested: NotChecked), "offline" (no name resolved, no connection made),
    "timeout" or "error". Never raises."""
    deadline = _Deadline(opts.timeout)
    sockets: list[socket.socket] = []
    timer = threading.Timer(opts.timeout, _cut, (sockets,))
    timer.daemon = True
    timer.start()
    try:
        for hop in range(MAX_REDIRECTS + 1):
            try:
                status, headers = _hop(url, method, opts, deadline, sockets)
            except NotChecked as exc:
                if hop:
                    raise NotChecked(f"it redirects to {url}, and {exc}") from None
                raise
            location = {k.lower(): v for k, v in headers.items()}.get("location")
            if status not in REDIRECT_STATUSES or not location:
                return status, headers, None, "http"
            following = urljoin(url, location.strip())
            if urlsplit(following).scheme.lower() not in ("http", "https"):
                return status, headers, None, "http"  # a redirect elsewhere counts as an answer
            problem = well_formed(following)
            if problem:
                return None, {}, f"redirects to '{following}': {problem}", "error"
            url = following
            if status == 303:
                method = "GET"
        return None, {}, f"more than {MAX_REDIRECTS} redirects", "error"
    except NotChecked as exc:
        return None, {}, str(exc), "refused"
    except _Timeout:
        return None, {}, f"no answer within {opts.timeout:g} s (timed out)", "timeout"
    except _Unresolved as exc:
        return None, {}, str(exc), "offline"
    except Exception as exc:
        if deadline.passed:
            return None, {}, f"no answer within {opts.timeout:g} s (timed out)", "timeout"
        if isinstance(exc, (TimeoutError, socket.timeout)):
            return None, {}, "no answer (timed out)", "timeout"
        if isinstance(exc, (ConnectionRefusedError, OSError)) and not isinstance(
            exc, (ssl.SSLError, http.client.HTTPException)
        ):
            reason = exc.strerror or str(exc) or type(exc).__name__
            kind = "offline" if _offline_error(exc) else "error"
            return None, {}, f"could not connect ({reason})", kind
        return None, {}, f"could not check ({type(exc).__name__}: {exc})", "error"
    finally:
        timer.cancel()
        _cut(sockets)


_OFFLINE_ERRNOS = {
    errno.ECONNREFUSED,
    errno.ENETUNREACH,
    errno.EHOSTUNREACH,
    errno.ENETDOWN,
    errno.EADDRNOTAVAIL,
}


def _offline_error(exc: OSError) -> bool:
    return exc.errno in _OFFLINE_ERRNOS


def _cut(sockets: list) -> None:
    """The watchdog: shut every socket of a request down, so that a read blocked on a server that
    dribbles bytes returns now."""
    for sock in list(sockets):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            sock.close()


def _check_one(
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
    kind = "http"
    tries = opts.retries + 1
    while attempts < tries:
        hosts.wait(host)
        with hosts.slot(host):
            hosts.wait(host)
            status, headers, error, kind = _request(url, method, opts)
        attempts += 1
        if kind == "refused":  # never requested: no retry either
            return Result(url, False, None, error, attempts, kind=kind)
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
            return Result(url, False, status, f"HTTP {status}", attempts, kind=kind)
        elif status is not None:
            error = f"HTTP {status}"
        if attempts >= tries:
            break
        if delay is None:
            delay = min(
                opts.backoff * (2 ** (attempts - 1)), opts.max_retry_after
            ) * random.uniform(1.0, 1.25)
            sleep(delay)
    return Result(url, False, status, error, attempts, kind=kind)


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
        if hit is not None and not opts.allow_private and _private_literal(url):
            hit = None  # cached by a run that allowed private hosts: not this one's answer
        if hit is not None:
            results[url] = Result(url, True, hit.get("status"), None, 0, cached=True)
        else:
            todo.append(url)
    hosts = _Hosts(opts.per_host, sleep, now)
    if todo:
        with ThreadPoolExecutor(max_workers=max(1, min(opts.concurrency, len(todo)))) as pool:
            for result in pool.map(lambda u: _check_one(u, opts, hosts, sleep, now), todo):
                results[result.url] = result
                if result.ok:
                    cache.put(result.url, result.status)
    cache.save()
    return results


def _private_literal(url: str) -> bool:
    try:
        ip = literal_ip(urlsplit(url).hostname or "")
    except ValueError:
        return False
    return ip is not None and address_problem(ip) is not None


def network_down(results: dict[str, Result]) -> tuple[int, int] | None:
    """(URLs, hosts) when no request of this check got anywhere: not one answer, and every URL
    tried failed to resolve or to connect, on at least two hosts (one host down is that host's
    problem). Then the network is unreachable, and blaming each URL would be wrong."""
    tried = [r for r in results.values() if not r.cached and r.attempts and not r.not_checked]
    hosts = {(urlsplit(r.url).hostname or "").lower() for r in tried}
    if len(hosts) < 2 or any(r.kind != "offline" for r in tried):
        return None
    return len(tried), len(hosts)


def check_config(urls: Iterable[str], config) -> dict[str, Result]:
    """What the CLI calls: options from ``links.*``, ``cache`` and ``cache_dir``."""
    return check_urls(urls, Options.from_config(config))
