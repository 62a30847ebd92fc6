"""A feed server on loopback for the subscription tests: feeds that change, answer 304, time out,
return garbage, redirect in a loop, fail once, or send 200 MB."""
from __future__ import annotations

import hashlib
import threading
import time
from email.utils import format_datetime
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def rss(items: list[tuple[str, str]], title: str = "示例汽车快讯") -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>https://example.invalid/{hashlib.sha1(t.encode()).hexdigest()[:8]}</link>"
        f"<guid>{hashlib.sha1(t.encode()).hexdigest()}</guid>"
        f"<pubDate>{format_datetime(datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc))}</pubDate>"
        f"<description>{b}</description></item>" for t, b in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://example.invalid/</link>{entries}</channel></rss>").encode("utf-8")


class FeedServer:
    def __init__(self):
        self.items = [("比亚迪1月销量公布", "比亚迪1月新能源汽车销量30万辆，同比增长。"),
                      ("理想汽车发布新车", "理想汽车今日发布理想i8，售价约35万元。")]
        self.hits: dict[str, int] = {}
        self.flaky_failures = 1
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "FeedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?")[0]
                with server.lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                route = getattr(self, "route_" + path.strip("/").replace(".xml", "").replace("-", "_"), None)
                if route is None:
                    self.send_error(404)
                    return
                try:
                    route()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up: that is what some tests want

            def send_body(self, body: bytes, etag: str | None = None, status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def send_cached(self, body: bytes) -> None:
                """200 with an ETag, or 304 when the client already has this body."""
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_body(body, etag)

            def route_changing(self) -> None:
                self.send_cached(rss(server.items))

            def route_lastmod(self) -> None:
                stamp = "Mon, 05 Jan 2026 08:00:00 GMT"
                if self.headers.get("If-Modified-Since") == stamp:
                    self.send_response(304)
                    self.end_headers()
                    return
                body = rss(server.items[:1], "按日期缓存")
                self.send_response(200)
                self.send_header("Last-Modified", stamp)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def route_slow(self) -> None:
                time.sleep(3)
                self.send_body(rss(server.items))

            def route_garbage(self) -> None:
                self.send_body(b"\x89PNG\r\n\x1a\n not a feed <<<< \xff\xfe" * 50)

            def route_html(self) -> None:
                self.send_body("<html><body><p>这不是订阅源</p></body></html>".encode("utf-8"))

            def route_loop_a(self) -> None:
                self.send_response(302)
                self.send_header("Location", "/loop-b.xml")
                self.end_headers()

            def route_loop_b(self) -> None:
                self.send_response(302)
                self.send_header("Location", "/loop-a.xml")
                self.end_headers()

            def route_huge(self) -> None:  # 200 MB, no Content-Length: the client must stop reading
                self.send_response(200)
                self.end_headers()
                chunk = b"<item>" + b"x" * 65530
                for _ in range(200 * 16):
                    self.wfile.write(chunk)

            def route_huge_declared(self) -> None:  # 200 MB announced up front
                self.send_response(200)
                self.send_header("Content-Length", str(200 * 1024 * 1024))
                self.end_headers()
                self.wfile.write(b"<rss>")

            def route_flaky(self) -> None:
                with server.lock:
                    fail = server.flaky_failures > 0
                    server.flaky_failures -= 1
                if fail:
                    self.send_error(503)
                    return
                self.send_body(rss(server.items[:1], "偶尔出错"))

            def route_many(self) -> None:  # /many.xml?n=K for the benchmark: 50 items per feed
                query = self.path.split("?", 1)[1] if "?" in self.path else "n=0"
                k = query.split("=", 1)[1]
                items = [(f"订阅源{k}第{i}条：车企销量快讯", f"第{k}个订阅源的第{i}条消息：新能源汽车销量增长{i}%。")
                         for i in range(50)]
                self.send_cached(rss(items, f"订阅源{k}"))

        return Handler
