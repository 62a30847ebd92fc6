"""The routers beyond the core listings, each in its own module with ``router(ctx) -> APIRouter``.

Order matters only for the web UI, whose catch-all pages come last.
"""
from __future__ import annotations

import importlib

from fastapi import FastAPI

from autointel.api.context import AppContext

MODULES = [
    "autointel.api.ingest",
    "autointel.api.exports",
    "autointel.api.watchlists",
    "autointel.api.trends",
    "autointel.api.briefings",
    "autointel.api.kb",
    "autointel.web.pages",  # keep last: the UI's pages
]


def include_all(app: FastAPI, ctx: AppContext) -> None:
    for name in MODULES:
        app.include_router(importlib.import_module(name).router(ctx))
