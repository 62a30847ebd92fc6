"""GET /api/briefing: the cited briefing of an entity, topic or query within a date range, as JSON, Markdown
or HTML (the same builder and renderers as `autointel brief`)."""
from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from autointel.api.context import BAD_PARAMETER, NOT_FOUND, ApiError, AppContext


def router(ctx: AppContext) -> APIRouter:
    api = APIRouter()

    @api.get("/api/briefing")
    def briefing(request: Request, entity: Optional[str] = None, topic: Optional[str] = None,
                 q: Optional[str] = None, since: Optional[date] = None, until: Optional[date] = None,
                 format: str = Query("json", pattern="^(json|md|html)$"), limit: int = 12,
                 absolute: bool = Query(False, description="citation links with this server's address")):
        from autointel.briefing import BriefingError, build_briefing
        from autointel.briefing.render import render_html, render_markdown

        if not (entity or topic or q):
            raise ApiError(BAD_PARAMETER, "a briefing needs entity, topic or q", 400)
        if not 1 <= limit <= 100:
            raise ApiError(BAD_PARAMETER, "limit must be 1..100", 400)
        entity_id = ctx.entity_id(entity)  # unknown names are a coded 404
        try:
            b = build_briefing(ctx.store(), ctx.kb(), ctx.engine() if q else None, entity=entity_id, topic=topic,
                               query=q, since=since, until=until, limit=limit)
        except BriefingError as e:
            status = 404 if topic and "topic" in e.detail else 400
            raise ApiError(NOT_FOUND if status == 404 else BAD_PARAMETER, e.detail, status) from e
        base_url = str(request.base_url).rstrip("/") if absolute else ""
        if format == "md":
            return PlainTextResponse(render_markdown(b, base_url), media_type="text/markdown; charset=utf-8")
        if format == "html":
            return HTMLResponse(render_html(b, base_url))
        return b.as_dict(base_url)

    return api
