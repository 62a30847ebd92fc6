"""fetch_url against a local http.server: bodies, 304s, redirects, limits, timeouts, refused addresses."""
from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from autointel.errors import IngestError
from autointel.ingest import fetch as fetch_module
from autointel.ingest.fetch import fetch_url

LOCAL = frozenset({"127.0.0.1"})
BODY = "<rss version='2.0'><channel><title>测试</title></channel></rss>".encode("utf-8")
ETAG = '"v1"'


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None):
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        path = self.path
        if path == "/ok":
            self.server.seen_headers = dict(self.headers)
            self._send(200, BODY, {"Content-Type": "application/rss+xml; charset=utf-8", "ETag": ETAG,
                                   "Last-Modified": "Wed, 01 May 2024 00:00:00 GMT"})
        elif path == "/etag":
            if self.headers.get("If-None-Match") == ETAG:
                self._send(304, headers={"ETag": ETAG})
            else:
                self._send(200, BODY, {"ETag": ETAG})
        elif path == "/loop-a":
            self._send(302, headers={"Location": "/loop-b"})
        elif path == "/loop-b":
            self._send(301, headers={"Location": f"http://127.0.0.1:{port}/loop-a"})
        elif path.startswith("/chain/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, headers={"Location": f"/chain/{n + 1}"})
        elif path == "/to-ok":
            self._send(307, headers={"Location": "/ok"})
        elif path == "/to-localhost":
            self._send(302, headers={"Location": f"http://localhost:{port}/ok"})
        elif path == "/huge":  # 30 MB, generated lazily, no Content-Length: only the limit stops it
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            chunk = ("汽车" * 10_000).encode("utf-8")
            try:
                for _ in range(30 * 1024 * 1024 // len(chunk) + 1):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Length", str(30 * 1024 * 1024))
            self.end_headers()
        elif path == "/slow":
            time.sleep(3)
            self._send(200, BODY)
        elif path == "/missing":
            self._send(404, b"not here")
        else:
            self._send(500, b"?")


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True  # a sleeping handler must not block shutdown
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd
    httpd.shutdown()
    httpd.server_close()


def code_of(call) -> str:
    with pytest.raises(IngestError) as e:
        call()
    return e.value.code


def test_ok_body(server):
    base, httpd = server
    result = fetch_url(base + "/ok", allow_hosts=LOCAL)
    assert result.status == 200 and result.content == BODY and not result.not_modified
    assert result.url == base + "/ok"
    assert result.content_type.startswith("application/rss+xml")
    assert result.etag == ETAG and result.last_modified == "Wed, 01 May 2024 00:00:00 GMT"
    assert httpd.seen_headers["User-Agent"] == "autointel/0.1"


def test_allow_private_also_works(server):
    base, _ = server
    assert fetch_url(base + "/ok", allow_private=True).content == BODY


def test_conditional_get_304(server):
    base, _ = server
    fresh = fetch_url(base + "/etag", allow_hosts=LOCAL)
    assert fresh.status == 200 and fresh.etag == ETAG
    again = fetch_url(base + "/etag", allow_hosts=LOCAL, etag=fresh.etag)
    assert again.not_modified and again.status == 304 and again.content == b"" and again.etag == ETAG


def test_redirect_followed_and_final_url_reported(server):
    base, _ = server
    result = fetch_url(base + "/to-ok", allow_hosts=LOCAL)
    assert result.url == base + "/ok" and result.content == BODY


def test_redirect_loop(server):
    base, _ = server
    assert code_of(lambda: fetch_url(base + "/loop-a", allow_hosts=LOCAL)) == "E112"


def test_too_many_redirects(server):
    base, _ = server
    with pytest.raises(IngestError) as e:
        fetch_url(base + "/chain/0", allow_hosts=LOCAL, max_redirects=3)
    assert e.value.code == "E112" and "redirects" in str(e.value)


def test_every_redirect_hop_is_checked(server):
    base, _ = server
    # 127.0.0.1 is allowed by name; the redirect goes to "localhost", which is not
    assert code_of(lambda: fetch_url(base + "/to-localhost", allow_hosts=LOCAL)) == "E114"


def test_oversize_body_streamed(server):
    base, _ = server
    start = time.monotonic()
    with pytest.raises(IngestError) as e:
        fetch_url(base + "/huge", allow_hosts=LOCAL, max_bytes=1024 * 1024)
    assert e.value.code == "E105"
    assert time.monotonic() - start < 5  # stopped early, did not read 30 MB


def test_oversize_declared_length(server):
    base, _ = server
    assert code_of(lambda: fetch_url(base + "/huge-declared", allow_hosts=LOCAL, max_bytes=1024 * 1024)) == "E105"


def test_timeout(server):
    base, _ = server
    start = time.monotonic()
    assert code_of(lambda: fetch_url(base + "/slow", allow_hosts=LOCAL, timeout=0.5)) == "E112"
    assert time.monotonic() - start < 2.5


def test_http_error_status(server):
    base, _ = server
    with pytest.raises(IngestError) as e:
        fetch_url(base + "/missing", allow_hosts=LOCAL)
    assert e.value.code == "E112" and "404" in str(e.value)


def test_loopback_refused_without_allow_list(server):
    base, _ = server
    assert code_of(lambda: fetch_url(base + "/ok")) == "E114"
    port = base.rsplit(":", 1)[1]
    assert code_of(lambda: fetch_url(f"http://localhost:{port}/ok")) == "E114"


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.1", "169.254.169.254", "0.0.0.0", "224.0.0.1",
                                     "::1", "fe80::1", "::ffff:127.0.0.1", "100.64.0.1"])
def test_private_addresses_refused(monkeypatch, address):
    # resolution is faked: no packet leaves the machine
    monkeypatch.setattr(fetch_module.socket, "getaddrinfo",
                        lambda host, port, *a, **kw: [(None, None, None, "", (address, port))])
    assert code_of(lambda: fetch_url("http://internal.example.invalid/")) == "E114"


def test_any_private_address_among_many_refuses(monkeypatch):
    answers = [(None, None, None, "", ("93.184.216.34", 80)), (None, None, None, "", ("127.0.0.1", 80))]
    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", lambda host, port, *a, **kw: answers)
    assert code_of(lambda: fetch_url("http://mixed.example.invalid/")) == "E114"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.invalid/feed.xml", "gopher://x/",
                                 "javascript:alert(1)", "//no-scheme.example.invalid/"])
def test_non_http_scheme_refused(url):
    assert code_of(lambda: fetch_url(url)) == "E114"


def test_connection_goes_to_the_checked_address(server, monkeypatch):
    # a name that only our fake resolver knows: the request can reach the server only through the
    # address that was checked, while the Host header keeps the name
    base, httpd = server
    port = int(base.rsplit(":", 1)[1])
    monkeypatch.setattr(fetch_module.socket, "getaddrinfo",
                        lambda host, p, *a, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", p))])
    monkeypatch.setattr(fetch_module, "_refused", lambda ip: False)
    result = fetch_url(f"http://pinned.example.invalid:{port}/ok")
    assert result.content == BODY
    assert httpd.seen_headers["Host"] == f"pinned.example.invalid:{port}"
