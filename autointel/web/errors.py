"""One coded error, two faces: JSON for the API, a page for a person in a browser."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse
from markupsafe import escape


def wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def error_response(request: Request, code: str, message: str, status: int):
    if wants_page(request):
        body = (f'<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{status} · autointel</title>'
                f'<link rel="stylesheet" href="/static/app.css"></head><body><main><h1>{status}</h1>'
                f'<p class="error" data-testid="error-code">[{escape(code)}] {escape(message)}</p>'
                f'<p><a href="/">autointel</a></p></main></body></html>')
        return HTMLResponse(body, status_code=status)
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)
