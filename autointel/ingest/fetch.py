"""Fetch one URL with the checks a crawler of untrusted links needs.

* Only http and https (anything else: E114).
* Server-side request forgery: every hop's host is resolved, and if any of
  its addresses is private, loopback, link-local, multicast, reserved or
  otherwise not global, the URL is refused (E114) unless ``allow_private`` or
  the host is in ``allow_hosts``.  The connection then goes to the address
  that was checked (the Host header and TLS name stay the host name), so a
  DNS answer that changes between check and connect cannot slip through.
* Redirects are followed by hand, at most ``max_redirects``, each hop checked;
  a loop or too many hops is E112.
* The body is read in chunks and reading stops past ``max_bytes`` (E105);
  ``timeout`` bounds each socket operation and the whole fetch.
* Conditional GET: ``etag`` / ``last_modified`` are sent as If-None-Match /
  If-Modified-Since; a 304 comes back as ``not_modified=True``, empty content.

http.client is used directly rather than urllib.request: it gives control of
the connection (pinning the checked address) and of redirects, and system
proxies are deliberately not used (they would bypass the address check).
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from autointel.errors import IngestError

USER_AGENT = "autointel/0.1"
CHUNK = 64 * 1024
REDIRECTS = (301, 302, 303, 307, 308)
_SAFE_URL_CHARS = "/%:@!$&'()*+,;=-._~?#[]"  # keep existing escapes and URL syntax, quote the rest


@dataclass(frozen=True)
class FetchResult:
    url: str  # final URL, after redirects
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:  # ::ffff:127.0.0.1 is loopback too
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def _resolve(host: str, port: int, *, check: bool) -> str:
    """Resolve ``host``; with ``check``, refuse it if any address is not public.  Returns the address to use."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise IngestError("E112", f"cannot resolve {host}: {e}")
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise IngestError("E112", f"cannot resolve {host}")
    if check:
        for addr in addresses:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])  # drop an IPv6 zone id
            if _refused(ip):
                raise IngestError("E114", f"{host} resolves to non-public address {addr}")
    return addresses[0]


def _connection(scheme: str, host: str, port: int, address: str | None, timeout: float):
    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    if address is not None:  # connect to the address that passed the check, not a fresh DNS answer
        conn._create_connection = lambda _addr, t=None, src=None: socket.create_connection((address, port), t, src)
    return conn


def _read_body(resp: http.client.HTTPResponse, max_bytes: int, deadline: float, url: str) -> bytes:
    length = resp.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise IngestError("E105", f"response is {length} bytes; limit is {max_bytes}", path=url)
    chunks, total = [], 0
    while True:
        chunk = resp.read(CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise IngestError("E105", f"response exceeds {max_bytes} bytes", path=url)
        if time.monotonic() > deadline:  # a server dripping bytes never trips the per-read timeout
            raise IngestError("E112", "timed out while reading the response", path=url)
        chunks.append(chunk)


def fetch_url(url: str, *, max_bytes: int = 20 * 1024 * 1024, timeout: float = 20.0, allow_private: bool = False,
              allow_hosts: frozenset[str] = frozenset(), max_redirects: int = 5, etag: str | None = None,
              last_modified: str | None = None) -> FetchResult:
    deadline = time.monotonic() + timeout
    allowed = {h.lower() for h in allow_hosts}
    seen: set[str] = set()
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity", "Accept": "*/*"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified

    for _hop in range(max_redirects + 1):
        if url in seen:
            raise IngestError("E112", f"redirect loop at {url}")
        seen.add(url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise IngestError("E114", f"unsupported URL scheme {scheme or '(none)'!r}", path=url)
        try:
            host = (parts.hostname or "").encode("idna").decode("ascii")
            port = parts.port or (443 if scheme == "https" else 80)
        except (UnicodeError, ValueError) as e:
            raise IngestError("E114", f"invalid host or port: {e}", path=url)
        if not host:
            raise IngestError("E114", "URL has no host", path=url)
        check = not (allow_private or host in allowed)
        address = _resolve(host, port, check=check) if check else None
        target = quote(parts.path or "/", safe=_SAFE_URL_CHARS) + (
            "?" + quote(parts.query, safe=_SAFE_URL_CHARS) if parts.query else "")

        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IngestError("E112", "timed out", path=url)
        conn = _connection(scheme, host, port, address, remaining)
        try:
            conn.request("GET", target, headers=headers)
            resp = conn.getresponse()
            if resp.status in REDIRECTS:
                location = resp.getheader("Location")
                if not location:
                    raise IngestError("E112", f"HTTP {resp.status} without a Location header", path=url)
                url = urljoin(url, location.strip())
                continue
            if resp.status == 304:
                return FetchResult(url, 304, b"", resp.getheader("Content-Type"),
                                   resp.getheader("ETag") or etag, resp.getheader("Last-Modified") or last_modified,
                                   not_modified=True)
            if not 200 <= resp.status < 300:
                raise IngestError("E112", f"HTTP {resp.status} {resp.reason}", path=url)
            content = _read_body(resp, max_bytes, deadline, url)
            return FetchResult(url, resp.status, content, resp.getheader("Content-Type"),
                               resp.getheader("ETag"), resp.getheader("Last-Modified"))
        except (TimeoutError, socket.timeout):
            raise IngestError("E112", f"timed out after {timeout} s", path=url)
        except (OSError, http.client.HTTPException, ValueError) as e:  # ssl.SSLError is an OSError
            raise IngestError("E112", f"{type(e).__name__}: {e}", path=url)
        finally:
            conn.close()
    raise IngestError("E112", f"more than {max_redirects} redirects", path=url)
