"""Watchlists over HTTP: define, change, visit (new since the last visit), and subscribe as RSS/Atom.

Writes (create, change, delete, and a visit with ``mark_seen=true``) call ``ctx.check_writer`` first and take
``ctx.write_lock``: SQLite has one writer.  Bodies are JSON objects with any of name, query, entities, topics,
outlet; a bad one is E802, an unknown id E801.
"""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import Response

from autointel.api.context import AppContext, check_page, page


def router(ctx: AppContext) -> APIRouter:
    from autointel.store import watchlists as watchlist_store
    from autointel.watchlists import service
    from autointel.watchlists.feeds import MEDIA_TYPES, watchlist_feed

    api = APIRouter(prefix="/api/watchlists", tags=["watchlists"])

    def _validate_query(raw: dict[str, Any]) -> None:
        if raw.get("query") and isinstance(raw["query"], str):
            ctx.engine().parser.parse(raw["query"])  # E602 now rather than at every visit

    @api.get("")
    def list_watchlists(limit: int = 50, offset: int = 0) -> dict:
        check_page(limit, offset)
        conn = ctx.store().conn
        rows = watchlist_store.list_all(conn)
        items = [service.watchlist_json(wl, service.visit(conn, wl, ctx.engine, mark_seen=False))
                 for wl in rows[offset:offset + limit]]
        return page(items, len(rows), limit, offset)

    @api.post("", status_code=201)
    def create(request: Request,
               body: dict = Body(..., description="name, and any of query, entities, topics, outlet")) -> dict:
        ctx.check_writer(request)
        _validate_query(body)
        with ctx.write_lock:
            return service.watchlist_json(service.create(ctx.store().conn, body, ctx.kb()))

    @api.get("/{watchlist_id}")
    def visit(request: Request, watchlist_id: int, mark_seen: bool = False,
              new_only: bool = Query(False, description="only stories with documents not shown at an earlier visit"),
              limit: int = 50, offset: int = 0) -> dict:
        check_page(limit, offset)
        conn = ctx.store().conn
        if mark_seen:
            ctx.check_writer(request)
            with ctx.write_lock:
                report = service.visit(conn, service.require(conn, watchlist_id), ctx.engine, mark_seen=True)
        else:
            report = service.visit(conn, service.require(conn, watchlist_id), ctx.engine, mark_seen=False)
        items = report.fresh() if new_only else report.items
        body = page([m.as_dict() for m in items[offset:offset + limit]], len(items), limit, offset)
        summary = service.watchlist_json(report.watchlist, report)
        return body | {"watchlist": {k: v for k, v in summary.items() if k not in ("counts", "new_since")},
                       "counts": summary["counts"], "new_since": summary["new_since"]}

    @api.put("/{watchlist_id}")
    def change(request: Request, watchlist_id: int, body: dict = Body(...)) -> dict:
        ctx.check_writer(request)
        _validate_query(body)
        with ctx.write_lock:
            return service.watchlist_json(service.update(ctx.store().conn, watchlist_id, body, ctx.kb()))

    @api.delete("/{watchlist_id}")
    def delete(request: Request, watchlist_id: int) -> dict:
        ctx.check_writer(request)
        with ctx.write_lock:
            removed = service.remove(ctx.store().conn, watchlist_id)
        return {"removed": removed["id"], "name": removed["name"]}

    def _feed(request: Request, watchlist_id: int, fmt: str, limit: int) -> Response:
        check_page(limit, 0)
        conn = ctx.store().conn
        report = service.visit(conn, service.require(conn, watchlist_id), ctx.engine, mark_seen=False)
        xml = watchlist_feed(conn, report, fmt, str(request.base_url), limit=limit)
        return Response(xml, media_type=MEDIA_TYPES[fmt])

    @api.get("/{watchlist_id}/feed.rss", response_class=Response)
    def feed_rss(request: Request, watchlist_id: int, limit: int = 50) -> Response:
        return _feed(request, watchlist_id, "rss", limit)

    @api.get("/{watchlist_id}/feed.atom", response_class=Response)
    def feed_atom(request: Request, watchlist_id: int, limit: int = 50) -> Response:
        return _feed(request, watchlist_id, "atom", limit)

    return api
