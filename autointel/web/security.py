"""Response headers that keep article content inert in the browser.

Article text comes from anywhere on the web.  Templates escape it and the only HTML of a publisher's that
is ever shown passes the nh3 sanitiser (web/pages.py); the Content-Security-Policy is the second wall:
no script but this server's own files, no inline script or style attribute, no plugins, no framing, no
connections elsewhere, images only from here or data: URLs.
"""
from __future__ import annotations

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'; connect-src 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_RAW = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]


class SecurityHeaders:
    """Pure ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a stream per request): adds the
    headers to every response start that does not set them itself."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [(k, v) for k, v in _RAW if k not in present]
            await send(message)

        await self.app(scope, receive, send_with_headers)
