"""External link checks (guidelint/external.py, GL310) against a local server on 127.0.0.1 only.

Every test is bounded: short timeouts, at most a few retries with tiny backoffs, and a request
counter that the assertions read. No test opens any other network address.
"""

import http.server
import json
import threading
import time
from collections import Counter

import pytest
from conftest import serving

from guidelint.external import Options, check_urls, retry_after, well_formed


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):  # keep the test output clean
        pass

    def _answer(self, body: bool):
        server = self.server
        path = self.path.split("?")[0]
        with server.lock:
            server.hits[(self.command, path)] += 1
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
            n = server.hits[(self.command, path)]
        counted = True
        try:
            status, headers = 200, {}
            if path == "/missing":
                status = 404
            elif path == "/nohead" and self.command == "HEAD":
                status = 405
            elif path == "/slow":
                time.sleep(1.5)
            elif path.startswith("/busy"):
                time.sleep(0.2)
            elif path == "/limited" and n == 1:
                status, headers = 429, {"Retry-After": "1"}
            elif path == "/broken":
                status = 500
            elif path == "/moved":
                status, headers = 301, {"Location": "/ok"}
            # count the request as finished before answering: once the client has the answer it
            # may send the next request before this thread runs again
            with server.lock:
                server.in_flight -= 1
            counted = False
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", "2")
            self.end_headers()
            if body:
                self.wfile.write(b"ok")
        finally:
            if counted:  # an exception before the answer
                with server.lock:
                    server.in_flight -= 1

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.hits = Counter()
    srv.in_flight = 0
    srv.max_in_flight = 0
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}"
    with serving(srv):
        yield srv


def _opts(**kw):
    base = {
        "timeout": 1.0,
        "concurrency": 4,
        "per_host": 2,
        "retries": 1,
        "cache_days": 0,
        "cache_dir": None,
        "backoff": 0.01,
        "max_retry_after": 1.0,
        "allow_private": True,  # the test server is on loopback
    }
    base.update(kw)
    return Options(**base)


def test_statuses_head_fallback_and_redirects(server):
    u = server.url
    results = check_urls([f"{u}/ok", f"{u}/missing", f"{u}/nohead", f"{u}/moved#frag"], _opts())
    assert results[f"{u}/ok"].ok and results[f"{u}/ok"].status == 200
    assert not results[f"{u}/missing"].ok and results[f"{u}/missing"].status == 404
    assert results[f"{u}/missing"].attempts == 1  # a 404 is not retried
    assert results[f"{u}/nohead"].ok  # HEAD 405, then GET 200
    assert server.hits[("HEAD", "/nohead")] == 1 and server.hits[("GET", "/nohead")] == 1
    assert results[f"{u}/moved"].ok  # the fragment is dropped; the redirect is followed
    assert sum(server.hits.values()) <= 8


def test_retries_then_fails_on_5xx(server):
    result = check_urls([f"{server.url}/broken"], _opts(retries=2))[f"{server.url}/broken"]
    assert not result.ok and result.status == 500 and result.attempts == 3
    assert server.hits[("HEAD", "/broken")] == 3


def test_timeout(server):
    start = time.monotonic()
    result = check_urls([f"{server.url}/slow"], _opts(timeout=0.3, retries=0))[f"{server.url}/slow"]
    assert not result.ok and "timed out" in result.error
    assert time.monotonic() - start < 1.4


def test_429_backs_off_the_host_for_retry_after(server):
    start = time.monotonic()
    result = check_urls([f"{server.url}/limited"], _opts(retries=1))[f"{server.url}/limited"]
    assert result.ok and result.attempts == 2
    assert time.monotonic() - start >= 0.9  # waited for Retry-After: 1
    assert server.hits[("HEAD", "/limited")] == 2


def test_retry_after_parsing():
    assert retry_after("5", 60, 0) == 5
    assert retry_after("500", 60, 0) == 60  # capped
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 60, 1445412480 - 10) == 10
    assert retry_after("soon", 60, 0) is None and retry_after(None, 60, 0) is None


def test_per_host_limit(server):
    urls = [f"{server.url}/busy{i}" for i in range(6)]
    results = check_urls(urls, _opts(concurrency=6, per_host=2))
    assert all(r.ok for r in results.values())
    assert server.max_in_flight <= 2


def test_cache_keeps_successes_only_and_expires(server, tmp_path):
    u = server.url
    clock = [1_000_000.0]
    opts = _opts(cache_days=7, cache_dir=tmp_path, retries=0)
    check_urls([f"{u}/ok", f"{u}/missing"], opts, now=lambda: clock[0])
    assert (tmp_path / "external-links.json").is_file()
    again = check_urls([f"{u}/ok", f"{u}/missing"], opts, now=lambda: clock[0] + 3600)
    assert again[f"{u}/ok"].cached and not again[f"{u}/missing"].cached
    assert server.hits[("HEAD", "/ok")] == 1 and server.hits[("HEAD", "/missing")] == 2
    clock[0] += 7 * 86400 + 1  # past the expiry, whatever the jitter
    later = check_urls([f"{u}/ok"], opts, now=lambda: clock[0])
    assert not later[f"{u}/ok"].cached and server.hits[("HEAD", "/ok")] == 2


def test_cache_expiry_has_jitter(server, tmp_path):
    import json

    urls = [f"{server.url}/busy{i}" for i in range(6)]
    check_urls(
        urls, _opts(cache_days=7, cache_dir=tmp_path, concurrency=6, per_host=6), now=lambda: 0.0
    )
    entries = json.loads((tmp_path / "external-links.json").read_text())["urls"]
    lives = {e["expires"] for e in entries.values()}
    assert all(0.8 * 7 * 86400 - 1 <= life <= 7 * 86400 for life in lives)
    assert len(lives) > 1


def test_malformed_urls_are_never_requested(server):
    assert well_formed("https:///jobs") == "the URL has no host name"
    assert well_formed("http://127.0.0.1:99999/") is not None
    assert well_formed(f"{server.url}/ok") is None
    result = check_urls(["https:///jobs"], _opts())["https:///jobs"]
    assert not result.ok and result.attempts == 0


def test_gl310_opt_in(server, tmp_path):
    from guidelint.config import load_config
    from guidelint.testing import run_files

    files = {"jobs.md": f"# Jobs\n\n[ok]({server.url}/ok) and [gone]({server.url}/missing)\n"}
    assert run_files(files, frozenset({"GL310"})) == []  # never checked by default
    assert sum(server.hits.values()) == 0
    config = load_config(None, start=tmp_path).with_overrides(
        cache_dir=str(tmp_path / "cache"),
        links={
            "check_external": True,
            "external_timeout": 2,
            "external_retries": 0,
            "external_allow_private": True,
        },
    )
    found = run_files(files, frozenset({"GL310"}), config=config)
    column = len(f"[ok]({server.url}/ok) and ") + 1
    assert [(d.code, d.line, d.column) for d in found] == [("GL310", 3, column)]
    assert "HTTP 404" in found[0].message


def test_cli_check_external_flag(server, site, run_cli):
    page = f"# Jobs\n\n[ok]({server.url}/ok) and [gone]({server.url}/missing)\n"
    root = site({"jobs.md": page})
    env = {
        "http_proxy": "",
        "https_proxy": "",
        "HTTP_PROXY": "",
        "HTTPS_PROXY": "",
        "no_proxy": "127.0.0.1",
    }
    code, out, _ = run_cli(
        "check", "--select", "GL310", "--no-cache", "--format", "json", cwd=root, env=env
    )
    assert code == 0 and json.loads(out) == [] and sum(server.hits.values()) == 0
    code, out, err = run_cli(
        "check",
        "--select",
        "GL310",
        "--check-external",
        "--allow-private-hosts",
        "--no-cache",
        "--format",
        "json",
        cwd=root,
        env=env,
    )
    assert "Traceback" not in err
    assert [(d["code"], d["line"]) for d in json.loads(out)] == [("GL310", 3)]
    assert code == 1


def test_gl310_checks_front_matter_urls_when_opted_in(server, tmp_path):
    from guidelint.config import load_config
    from guidelint.testing import run_files

    page = (
        f"---\ntitle: Jobs\nsources:\n  - title: Gone\n    url: {server.url}/missing\n"
        f"  - title: Fine\n    url: {server.url}/ok\nnote: https:///not-a-url\n---\n# Jobs\n\nText.\n"
    )
    files = {"jobs.md": page}
    assert (
        run_files(dict(files), frozenset({"GL310"})) == []
    )  # no network, and shape is GL101's job
    assert sum(server.hits.values()) == 0
    config = load_config(None, start=tmp_path).with_overrides(
        cache_dir=str(tmp_path / "cache"),
        links={
            "check_external": True,
            "external_timeout": 2,
            "external_retries": 0,
            "external_allow_private": True,
        },
    )
    found = run_files(dict(files), frozenset({"GL310"}), config=config)
    assert [(d.code, d.line, d.column) for d in found] == [
        ("GL310", 5, 10)
    ]  # the value of the url key
    assert "front-matter URL" in found[0].message and "HTTP 404" in found[0].message
    assert server.hits[("HEAD", "/ok")] == 1 and server.hits[("HEAD", "/missing")] == 1
