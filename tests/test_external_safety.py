"""Where --check-external may send requests, and how long one may take (guidelint/external.py).

Only loopback sockets are opened. Name resolution is replaced by a fake resolver where a test
needs a name (no DNS query leaves the machine); "public" addresses are simulated by telling the
address check that the loopback test server is public.
"""

import http.server
import ipaddress
import json
import socket
import threading
import time
from collections import Counter

import pytest
from conftest import serving

from guidelint import external
from guidelint.external import Options, address_problem, check_urls, legacy_ipv4, literal_ip


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        server = self.server
        with server.lock:
            server.hits[self.path] += 1
            server.hosts.append(self.headers.get("Host"))
        target = server.redirects.get(self.path)
        self.send_response(302 if target else 200)
        if target:
            self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD


@pytest.fixture
def server(monkeypatch):
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.hits = Counter()
    srv.hosts = []
    srv.redirects = {}
    srv.port = srv.server_address[1]
    with serving(srv):
        yield srv


def _opts(**kw):
    base = {"timeout": 2.0, "retries": 0, "cache_days": 0, "backoff": 0.01}
    base.update(kw)
    return Options(**base)


@pytest.fixture
def loopback_is_public(monkeypatch):
    """127.0.0.1 passes the address check (it stands for a public server); nothing else changes."""
    real = external.address_problem

    def problem(ip):
        return None if str(ip) == "127.0.0.1" else real(ip)

    monkeypatch.setattr(external, "address_problem", problem)


def test_address_spellings():
    assert legacy_ipv4("2130706433") == ipaddress.ip_address("127.0.0.1")
    assert legacy_ipv4("0x7f.1") == ipaddress.ip_address("127.0.0.1")
    assert legacy_ipv4("0177.0.0.01") == ipaddress.ip_address("127.0.0.1")
    assert legacy_ipv4("127.1") == ipaddress.ip_address("127.0.0.1")
    assert legacy_ipv4("169.254.43518") == ipaddress.ip_address("169.254.169.254")
    assert legacy_ipv4("example.com") is None and legacy_ipv4("1.2.3.4.5") is None
    assert legacy_ipv4("08.1.1.1") is None and legacy_ipv4("256.1.1.1") is None
    assert literal_ip("[::1]") == ipaddress.ip_address("::1")
    assert literal_ip("www.example.org") is None
    cases = {
        "127.0.0.1": "loopback",
        "::1": "loopback",
        "10.1.2.3": "private",
        "192.168.0.1": "private",
        "fd00::1": "private",
        "169.254.169.254": "link-local",
        "fe80::1": "link-local",
        "224.0.0.1": "multicast",
        "ff02::1": "multicast",
        "0.0.0.0": "unspecified",
        "::": "unspecified",
        "240.0.0.1": "reserved",
        "100.64.0.1": "not publicly routable",
        "::ffff:127.0.0.1": "loopback (IPv4 inside IPv6)",
        "::ffff:169.254.169.254": "link-local (IPv4 inside IPv6)",
        "64:ff9b::a00:1": "private (IPv4 inside IPv6)",
        "2002:7f00:1::": "loopback (IPv4 inside IPv6)",
    }
    for text, expected in cases.items():
        assert address_problem(ipaddress.ip_address(text)) == expected, text
    for public in ("93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34"):
        assert address_problem(ipaddress.ip_address(public)) is None, public


def test_internal_targets_are_refused_by_default(server):
    port = server.port
    urls = [
        f"http://127.0.0.1:{port}/a",
        f"http://localhost:{port}/b",  # a name: resolved (from /etc/hosts), then checked
        f"http://[::1]:{port}/c",
        f"http://2130706433:{port}/d",
        f"http://0x7f.1:{port}/e",
        f"http://[::ffff:127.0.0.1]:{port}/f",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[fe80::1%25eth0]/",
        "http://0.0.0.0/",
    ]
    results = check_urls(urls, _opts())
    for url in urls:
        result = results[url]
        assert not result.ok and result.not_checked, (url, result)
        assert "address" in result.error
    assert "loopback" in results[urls[3]].error and "link-local" in results[urls[6]].error
    assert sum(server.hits.values()) == 0  # nothing was requested
    allowed = check_urls(urls[:6], _opts(allow_private=True))
    assert all(allowed[u].ok for u in urls[:2] + urls[3:6]), allowed
    assert server.hits["/a"] == 1 and server.hits["/d"] == 1


def test_every_redirect_hop_is_checked(server, loopback_is_public):
    port = server.port
    server.redirects = {
        "/meta": "http://169.254.169.254/latest/meta-data/",
        "/self": f"http://[::1]:{port}/ok",
        "/decimal": "http://2852039166/latest/",  # 169.254.169.254
        "/chain": "/chain2",
        "/chain2": f"http://127.0.0.1:{port}/ok",
    }
    base = f"http://127.0.0.1:{port}"
    results = check_urls(
        [f"{base}/meta", f"{base}/self", f"{base}/decimal", f"{base}/chain"], _opts()
    )
    assert results[f"{base}/chain"].ok  # relative, then absolute: both hops allowed
    for path, what in (("/meta", "link-local"), ("/self", "loopback"), ("/decimal", "link-local")):
        result = results[f"{base}{path}"]
        assert result.not_checked and "redirects to" in result.error and what in result.error
    assert server.hits["/ok"] == 1  # only through /chain2


def test_the_connection_goes_to_the_checked_address(server, loopback_is_public, monkeypatch):
    """DNS rebinding: a name that answers a public address first and a private one next must
    not be looked up twice; the request goes to the address checked, with the name as Host."""
    answers = ["127.0.0.1", "10.0.0.1"]
    asked = []

    def resolver(host, port, *args, **kw):
        assert host == "docs.example.test"
        asked.append(host)
        ip = answers[min(len(asked) - 1, 1)]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    monkeypatch.setattr(external.socket, "getaddrinfo", resolver)
    url = f"http://docs.example.test:{server.port}/page"
    result = check_urls([url], _opts())[url]
    assert result.ok and asked == ["docs.example.test"]
    assert server.hosts == [f"docs.example.test:{server.port}"]
    # the second answer (a private address) is refused when it comes first
    answers.reverse()
    asked.clear()
    result = check_urls([url], _opts())[url]
    assert result.not_checked and "10.0.0.1" in result.error


def _dribbling_server(interval: float):
    """A loopback server that answers a status line, then one header byte every ``interval``
    seconds, forever (until the client goes away)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    stop = threading.Event()

    def serve(conn):
        with conn:
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\n")
                while not stop.is_set():
                    conn.sendall(b"X")
                    time.sleep(interval)
            except OSError:
                pass

    def accept():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener, stop


def test_one_deadline_covers_slow_headers():
    listener, stop = _dribbling_server(0.2)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
        timeout = 1.0
        box = {}
        start = time.monotonic()
        worker = threading.Thread(
            target=lambda: box.update(
                check_urls([url], _opts(timeout=timeout, allow_private=True))
            ),
            daemon=True,
        )
        worker.start()
        worker.join(timeout * 20)  # a guard: without one deadline the check never returns
        elapsed = time.monotonic() - start
        assert not worker.is_alive(), "the check is still reading headers"
        result = box[url]
    finally:
        stop.set()
        listener.close()
    assert not result.ok and "timed out" in result.error and result.kind == "timeout"
    # a correctness bound, not a speed target: without one deadline the run never ends
    assert elapsed < timeout * 3, elapsed


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_no_network_is_said_once(tmp_path, monkeypatch):
    from guidelint.config import load_config
    from guidelint.testing import run_files

    def no_dns(*args, **kw):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(external.socket, "getaddrinfo", no_dns)
    page = "# Jobs\n\n[a](https://one.example.org/) [b](https://two.example.net/x)\n\n[c](https://three.example.com/)\n"
    config = load_config(None, start=tmp_path).with_overrides(
        cache_dir=str(tmp_path / "cache"),
        links={"check_external": True, "external_timeout": 2, "external_retries": 0},
    )
    found = run_files({"jobs.md": page}, frozenset({"GL310"}), config=config)
    assert len(found) == 1, found
    assert (
        "network is unreachable" in found[0].message and "3 URL(s) on 3 hosts" in found[0].message
    )
    assert found[0].line == 3


def test_connection_refused_everywhere_is_no_network():
    urls = [f"http://127.0.0.1:{_closed_port()}/", f"http://127.0.0.2:{_closed_port()}/"]
    results = check_urls(urls, _opts(allow_private=True))
    assert all(r.kind == "offline" for r in results.values())
    assert external.network_down(results) == (2, 2)
    # one host down while another answers is that host's problem, not the network's
    one = check_urls(urls[:1], _opts(allow_private=True))
    assert external.network_down(one) is None


def test_cli_reports_refused_links_and_the_option_allows_them(server, site, run_cli):
    url = f"http://127.0.0.1:{server.port}/ok"
    root = site(
        {"jobs.md": f"# Jobs\n\n[local]({url})\n"},
        "[tool.guidelint.links]\nexternal_cache_days = 0\n",
    )
    env = {"http_proxy": "", "HTTP_PROXY": "", "no_proxy": "127.0.0.1"}
    args = ("check", "--select", "GL310", "--check-external", "--no-cache", "--format", "json")
    code, out, _err = run_cli(*args, cwd=root, env=env)
    found = json.loads(out)
    assert code == 1 and [(d["code"], d["line"]) for d in found] == [("GL310", 3)]
    assert "was not checked" in found[0]["message"] and "loopback" in found[0]["message"]
    assert sum(server.hits.values()) == 0
    code, out, _err = run_cli(*args, "--allow-private-hosts", cwd=root, env=env)
    assert (code, json.loads(out)) == (0, []) and server.hits["/ok"] == 1
    config = root / "pyproject.toml"
    config.write_text(
        config.read_text().replace("days = 0", "days = 0\nexternal_allow_private = true")
    )
    code, out, _err = run_cli(*args, cwd=root, env=env)
    assert (code, json.loads(out)) == (0, []) and server.hits["/ok"] == 2


def _self_signed(folder):
    """A certificate for the name localhost, made with the openssl command (in CI: required)."""
    import os
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("openssl is required in CI (.ci/run installs it)")
        pytest.skip("openssl is not installed")
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
        + ["-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1"]
        + ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return key, cert


def test_tls_goes_to_the_checked_address_with_the_url_host_as_sni(tmp_path, monkeypatch):
    import ssl

    key, cert = _self_signed(tmp_path)
    names = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.lock = threading.Lock()
    srv.hits, srv.hosts, srv.redirects = Counter(), [], {}
    srv.socket = context.wrap_socket(srv.socket, server_side=True)
    real = ssl.create_default_context
    monkeypatch.setattr(external.ssl, "create_default_context", lambda: real(cafile=str(cert)))
    with serving(srv):
        port = srv.server_address[1]
        by_name, by_address = f"https://localhost:{port}/", f"https://127.0.0.1:{port}/"
        results = check_urls([by_name, by_address], _opts(allow_private=True))
    assert results[by_name].ok, results[by_name]
    # the name as SNI, although the socket went to the address (an address literal sends none)
    assert sorted(names, key=str) == [None, "localhost"]
    assert srv.hosts == [f"localhost:{port}"]
    # the certificate is checked against the URL's host: it names localhost, not 127.0.0.1
    assert not results[by_address].ok and "certificate" in results[by_address].error


def test_a_cached_success_does_not_let_a_private_address_through(server, tmp_path):
    url = f"http://127.0.0.1:{server.port}/ok"
    opts = {"cache_days": 7, "cache_dir": tmp_path}
    assert check_urls([url], _opts(allow_private=True, **opts))[url].ok
    again = check_urls([url], _opts(allow_private=True, **opts))[url]
    assert again.ok and again.cached and server.hits["/ok"] == 1
    refused = check_urls([url], _opts(**opts))[url]
    assert refused.not_checked and server.hits["/ok"] == 1
