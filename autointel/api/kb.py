"""Knowledge-base curation over HTTP: review discovered names, add, promote or reject them.

Every route here writes, so each calls ``ctx.check_writer`` (a token beyond localhost, never from another
site) and takes ``ctx.write_lock``.  Adding an entity re-links the documents in a background job (minutes on
a large corpus); its progress is /api/jobs/{id}, like an upload's.
"""
from __future__ import annotations

import threading
from typing import Optional

from fastapi import APIRouter, Body, Request

from autointel.api.context import AppContext, check_page, page
from autointel.store import entities as entity_store
from autointel.store import jobs as job_store


def router(ctx: AppContext) -> APIRouter:
    api = APIRouter(prefix="/api/kb", tags=["knowledge base"])

    @api.get("/candidates")
    def candidates(status: str = "new", min_docs: int = 1, limit: int = 50, offset: int = 0) -> dict:
        check_page(limit, offset)
        rows = entity_store.list_candidates(ctx.store().conn, None if status == "all" else status, min_docs, None)
        return page(rows[offset:offset + limit], len(rows), limit, offset)

    @api.post("/entities", status_code=201)
    def add(request: Request, body: dict = Body(..., description="name, type, and any of id, en, aliases, weak,"
                                                               " relations [{rel, target, role}]")) -> dict:
        from autointel.kb.curate import add_entity

        ctx.check_writer(request)
        allowed = {"id", "name", "type", "en", "aliases", "weak", "relations"}
        data = {k: v for k, v in body.items() if k in allowed}
        with ctx.write_lock:
            kb = add_entity(ctx.store().conn, data)
        return {"added": data, "job": _relink(ctx, kb, data.get("name", ""))}

    @api.post("/candidates/{surface}/promote", status_code=201)
    def promote(request: Request, surface: str, body: Optional[dict] = Body(None)) -> dict:
        from autointel.kb.curate import promote_candidate

        ctx.check_writer(request)
        body = body or {}
        with ctx.write_lock:
            kb, data = promote_candidate(ctx.store().conn, surface, type=body.get("type"), en=body.get("en"),
                                         eid=body.get("id"))
        return {"added": data, "job": _relink(ctx, kb, surface)}

    @api.post("/candidates/{surface}/reject")
    def reject(request: Request, surface: str) -> dict:
        from autointel.kb.curate import CurationError

        ctx.check_writer(request)
        with ctx.write_lock:
            if not entity_store.mark_candidate(ctx.store().conn, surface, "rejected"):
                raise CurationError("E801", f"no candidate {surface!r}")
        return {"rejected": surface}

    return api


def _relink(ctx: AppContext, kb, label: str) -> str:
    with ctx.write_lock:
        job_id = job_store.create_job(ctx.store().conn, "relink", f"knowledge base + {label}", None)
    threading.Thread(target=_run_relink, args=(ctx, job_id, kb), daemon=True, name=f"relink-{job_id}").start()
    return job_id


def _run_relink(ctx: AppContext, job_id: str, kb) -> None:
    from autointel.link.linker import Linker
    from autointel.pipeline import relink
    from autointel.store import open_store

    store = open_store(ctx.db_path)
    try:
        job_store.update_job(store.conn, job_id, state="running")
        with ctx.write_lock:
            n = relink(store, Linker(kb))
        job_store.update_job(store.conn, job_id, state="done", done=n, counts={"relinked": n})
    except Exception as e:  # the job fails with its reason; the server goes on
        job_store.update_job(store.conn, job_id, state="failed", error=f"[{getattr(e, 'code', 'E501')}] {e}")
    finally:
        store.close()
