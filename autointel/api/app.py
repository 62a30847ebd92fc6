"""JSON endpoints over one database.

Conventions: listings are ``{"items": [...], "total": n, "limit": l, "offset": o}``; every error is
``{"error": {"code": "E…", "message": "…"}}`` with a 4xx/5xx status, the code from autointel/errors.py;
filters mirror the CLI options.  Each worker thread opens its own SQLite connection (sqlite3 connections
are not shared across threads); the knowledge base, segmenter and search index are shared.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from starlette.exceptions import HTTPException as StarletteHTTPException

from autointel.errors import AutointelError
from autointel.web.errors import error_response

from autointel.api.context import (BAD_PARAMETER, MAX_LIMIT, NOT_FOUND, ApiError, AppContext,  # noqa: F401
                                   check_page, page)


def app_from_environment() -> FastAPI:
    """The factory `autointel serve --workers N` hands to uvicorn: each worker process builds its own app."""
    import os

    from autointel.api.fair_accept import accept_one_at_a_time

    accept_one_at_a_time()  # uvicorn calls this factory on the worker's running loop, before it listens
    hosts = frozenset(h for h in os.environ.get("AUTOINTEL_ALLOW_HOSTS", "").split(",") if h)
    return create_app(os.environ["AUTOINTEL_DB"], sync=False, host=os.environ.get("AUTOINTEL_HOST", "127.0.0.1"),
                      token=os.environ.get("AUTOINTEL_TOKEN") or None, allow_hosts=hosts)


def _bring_index_up_to_date(db_path: str) -> None:
    """Once, before serving: request threads then open the index read-only (an index of an older layout
    is rebuilt here, never under a request)."""
    from autointel.pipeline import refresh_search
    from autointel.store import open_store

    store = open_store(db_path)
    try:
        refresh_search(store)
    finally:
        store.close()


def create_app(db_path: str, *, sync: bool = True, host: str = "127.0.0.1", token: Optional[str] = None,
               allow_hosts: frozenset[str] = frozenset()) -> FastAPI:
    # no /docs or /redoc pages: FastAPI serves them from a CDN, and autointel works offline
    app = FastAPI(title="autointel", version="1", docs_url=None, redoc_url=None,
                  description="Chinese auto-industry news as an evidence-backed knowledge base.")
    from autointel.web.security import SecurityHeaders

    app.add_middleware(SecurityHeaders)
    ctx = AppContext(db_path, host=host, token=token, allow_hosts=allow_hosts)
    app.state.ctx = ctx
    if sync:
        _bring_index_up_to_date(db_path)
    store, kb, engine, entity_id = ctx.store, ctx.kb, ctx.engine, ctx.entity_id

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return JSONResponse({"error": {"code": BAD_PARAMETER, "message": problems}}, status_code=400)

    @app.exception_handler(AutointelError)
    async def coded_error(request: Request, exc: AutointelError):
        status = getattr(exc, "status", None) or (404 if exc.code == NOT_FOUND else
                                                  400 if exc.code.startswith(("E6", "E8", "E9")) else 500)
        return error_response(request, exc.code, exc.detail, status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        code = NOT_FOUND if exc.status_code in (404, 405) else BAD_PARAMETER
        return error_response(request, code, str(exc.detail), exc.status_code)

    @app.get("/api/health")
    def health() -> dict:
        s = store()
        return {"ok": True, "documents": s.conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0],
                "schema_version": s.schema_version}

    # search and entity profiles are short CPU-bound reads (a few ms): run on the event loop, not in the thread
    # pool. A pool thread per request only added hand-offs and GIL contention among 10-20 threads (docs/benchmarks.md,
    # HTTP API), and a process serves one of them at a time either way; `serve --workers N` gives parallelism.
    @app.get("/api/search")
    async def search(q: str = Query(..., description='query in any script or English; "phrase", OR, -word, entity:X'),
               limit: int = 10, offset: int = 0, since: Optional[date] = None, until: Optional[date] = None,
               entity: list[str] = Query([]), topic: list[str] = Query([]), outlet: list[str] = Query([]),
               metric: list[str] = Query([]), fold: bool = True) -> dict:
        from autointel.search.query import Filters

        check_page(limit, offset)
        filters = Filters(entities=[entity_id(e) for e in entity], topics=topic, outlets=outlet, metrics=metric,
                          since=since, until=until)
        result = engine().search(q, limit=limit + offset, filters=filters, fold=fold)
        body = result.as_dict()
        items = body.pop("results")[offset:]
        return page(items, body["total"], limit, offset) | {"facets": body["facets"],
                                                            "interpreted": body["interpreted"],
                                                            "took_ms": body["took_ms"]}

    @app.get("/api/documents")
    def documents(limit: int = 50, offset: int = 0, status: Optional[str] = None, outlet: Optional[str] = None,
                  since: Optional[date] = None, until: Optional[date] = None) -> dict:
        from autointel.views import doc_row

        check_page(limit, offset)
        where, args = [], []
        for cond, value in (("status = ?", status), ("outlet = ?", outlet),
                            ("published_utc >= ?", since.isoformat() if since else None),
                            ("published_utc < ?", (until + timedelta(days=1)).isoformat() if until else None)):
            if value is not None:
                where.append(cond)
                args.append(value)
        sql_where = (" WHERE " + " AND ".join(where)) if where else ""
        conn = store().conn
        total = conn.execute(f"SELECT count(*) FROM documents{sql_where}", args).fetchone()[0]
        rows = conn.execute(
            "SELECT id, title, published_at, outlet, url, script, path, status, error_code, error, reader,"
            f" length(canonical) AS chars FROM documents{sql_where}"
            " ORDER BY published_utc IS NULL, published_utc DESC, id LIMIT ? OFFSET ?", args + [limit, offset])
        return page([doc_row(dict(r)) for r in rows], total, limit, offset)

    @app.get("/api/documents/{doc_id}")
    def document(doc_id: str) -> dict:
        from autointel.views import document_view

        doc = store().get_document(doc_id)
        if doc is None:
            raise ApiError(NOT_FOUND, f"no document {doc_id!r}", 404)
        return document_view(store(), kb(), doc)

    @app.get("/api/entities")
    def entities(type: Optional[str] = None, limit: int = 50, offset: int = 0) -> dict:
        from autointel.commands.entities import entity_json
        from autointel.store.entities import entity_counts

        check_page(limit, offset)
        k = kb()
        rows = [entity_json(k, eid) | {"documents": d, "mentions": m}
                for eid, (d, m) in entity_counts(store().conn).items()]
        if type:
            rows = [r for r in rows if r["type"] == type]
        rows.sort(key=lambda r: (-r["documents"], -r["mentions"], r["id"]))
        return page(rows[offset:offset + limit], len(rows), limit, offset)

    @app.get("/api/entities/{name}")
    async def entity(name: str, docs: int = 10) -> dict:
        from autointel.commands.entities import entity_profile

        return entity_profile(store(), kb(), entity_id(name), docs)

    @app.get("/api/facts")
    def facts(entity: Optional[str] = None, metric: Optional[str] = None, limit: int = 100, offset: int = 0) -> dict:
        from autointel.commands.facts import fact_json
        from autointel.store.facts import list_facts

        check_page(limit, offset)
        rows = [fact_json(f) for f in list_facts(store().conn, entity_id=entity_id(entity), metric=metric)]
        return page(rows[offset:offset + limit], len(rows), limit, offset)

    @app.get("/api/claims")
    def claims(entity: Optional[str] = None, limit: int = 100, offset: int = 0) -> dict:
        from autointel.store.facts import list_claims

        check_page(limit, offset)
        rows = list_claims(store().conn, entity_id=entity_id(entity))
        return page(rows[offset:offset + limit], len(rows), limit, offset)

    @app.get("/api/conflicts")
    def conflicts() -> dict:
        from autointel.store.facts import conflicts as find_conflicts

        rows = find_conflicts(store().conn)
        return page(rows, len(rows), len(rows) or 1, 0)

    @app.get("/api/stories")
    def stories(min_size: int = 2, limit: int = 50, offset: int = 0) -> dict:
        from autointel.commands.stories import story_json
        from autointel.store.stories import list_stories, story_members

        check_page(limit, offset)
        rows = list_stories(store().conn, min_size=min_size)
        items = [story_json(s, story_members(store().conn, s["id"])) for s in rows[offset:offset + limit]]
        return page(items, len(rows), limit, offset)

    @app.get("/api/stories/{story_id}")
    def story(story_id: str) -> dict:
        from autointel.commands.stories import story_json
        from autointel.store.stories import list_stories, story_members

        conn = store().conn
        found = [s for s in list_stories(conn, min_size=1) if s["id"] == story_id]
        if not found:
            raise ApiError(NOT_FOUND, f"no story {story_id!r}", 404)
        return story_json(found[0], story_members(conn, story_id))

    @app.get("/api/topics")
    def topics() -> dict:
        from autointel.store.topics import topic_counts, topic_counts_by_month
        from autointel.topics import load_taxonomy

        counts = topic_counts(store().conn)
        by_month = topic_counts_by_month(store().conn)
        items = [{"id": t.id, "name": t.zh, "en": t.en, "documents": counts.get(t.id, 0),
                  "by_month": by_month.get(t.id, {})} for t in load_taxonomy().topics]
        return page(items, len(items), len(items) or 1, 0)

    from autointel.api.routers import include_all

    include_all(app, ctx)
    return app
