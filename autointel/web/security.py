"""Response headers that keep article content inert in the browser.

Article text comes from anywhere on the web.  Templates escape it and the only HTML of a publisher's that
is ever shown passes the nh3 sanitiser (web/pages.py); the Content-Security-Policy is the second wall:
no script but this server's own files, no inline script or style attribute, no plugins, no framing, no
connections elsewhere, images only from here or data: URLs.
"""
from __future__ import annotations

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'; connect-src 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


class SecurityHeaders(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        response = await call_next(request)
        for k, v in HEADERS.items():
            response.headers.setdefault(k, v)
        return response
