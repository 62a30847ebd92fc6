"""Trends over HTTP: articles per week or month for topics and entities, zero-filled, for charts."""
from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import APIRouter, Query

from autointel.api.context import BAD_PARAMETER, ApiError, AppContext


def router(ctx: AppContext) -> APIRouter:
    from autointel.commands.trends import series_namer
    from autointel.store.trends import trends as compute_trends
    from autointel.topics import load_taxonomy

    api = APIRouter(tags=["trends"])

    @api.get("/api/trends")
    def trends(topic: list[str] = Query([], description="topic ids (default, with no entity either: the top topics)"),
               entity: list[str] = Query([], description="entities: any alias, script, English name or id"),
               interval: str = Query("month", description="week or month"),
               since: Optional[date] = None, until: Optional[date] = None) -> dict:
        taxonomy = load_taxonomy()
        unknown = [t for t in topic if taxonomy.get(t) is None]
        if unknown:
            raise ApiError(BAD_PARAMETER, f"no topic {', '.join(map(repr, unknown))}", 400)
        entity_ids = [ctx.entity_id(e) for e in entity]
        return compute_trends(ctx.store().conn, topics=topic, entities=entity_ids, interval=interval, since=since,
                              until=until, name_of=series_namer(ctx.kb(), taxonomy))

    return api
