"""Write endpoints for the ingest page: upload files, subscribe to a feed, watch the job's progress.

Safety, because these accept input from the network:
- every write needs the server's token once it listens beyond localhost (``ctx.check_writer``);
- an upload is size-limited while it streams (the Content-Length header alone can lie) and stored under a
  fresh job folder beside the database with a name made of safe characters only: a client's file name
  never becomes a path (no traversal, no overwrite);
- a feed URL is fetched by the poller, which refuses private and loopback addresses unless the server was
  started with ``--allow-host`` for that host.
Jobs run on one background thread each and take ``ctx.write_lock`` per file, so the API keeps answering
while they run.
"""
from __future__ import annotations

import os
import re
import threading
import unicodedata
from pathlib import Path

from fastapi import APIRouter, Request, UploadFile
from pydantic import BaseModel

from autointel.api.context import BAD_PARAMETER, NOT_FOUND, ApiError, AppContext
from autointel.store import jobs as job_store

MAX_UPLOAD_BYTES = int(os.environ.get("AUTOINTEL_MAX_UPLOAD_MB", "50")) * 1024 * 1024
MAX_FILES = 200
UPLOAD_REFUSED = "E804"
_CHUNK = 1 << 16


def safe_name(name: str, index: int) -> str:
    """A client's file name reduced to a harmless base name that keeps its extension (readers use it)."""
    base = unicodedata.normalize("NFKC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[^\w.\-]+", "_", base).lstrip(".") or "upload"
    return f"{index:03d}-{base[:120]}"


def upload_root(db_path: str) -> Path:
    if db_path.startswith(("postgresql://", "postgres://")):  # no folder beside a server's database
        from autointel.store.postgres import local_path

        return local_path(db_path, ".uploads")
    return Path(os.path.abspath(db_path) + ".uploads")


class FeedRequest(BaseModel):
    url: str
    name: str | None = None
    every: str = "30m"


def router(ctx: AppContext) -> APIRouter:
    api = APIRouter()
    with ctx.write_lock:
        job_store.interrupt_unfinished(ctx.store().conn)

    @api.post("/api/ingest/upload", status_code=202)
    async def upload(request: Request, files: list[UploadFile]) -> dict:
        ctx.check_writer(request)
        return await start_upload(ctx, request, files)

    @api.post("/api/feeds", status_code=202)
    def add_feed(request: Request, body: FeedRequest) -> dict:
        ctx.check_writer(request)
        return start_feed(ctx, body.url, body.name, body.every)

    @api.get("/api/jobs")
    def jobs(limit: int = 20) -> dict:
        rows = job_store.recent_jobs(ctx.store().conn, max(1, min(limit, 200)))
        return {"items": rows, "total": len(rows), "limit": limit, "offset": 0}

    @api.get("/api/jobs/{job_id}")
    def job(job_id: str) -> dict:
        found = job_store.get_job(ctx.store().conn, job_id)
        if found is None:
            raise ApiError(NOT_FOUND, f"no job {job_id!r}", 404)
        return found

    return api


async def start_upload(ctx: AppContext, request: Request, files: list[UploadFile]) -> dict:
    """Store the uploaded files safely and start ingesting them; the caller checked the writer."""
    too_large = f"upload larger than {MAX_UPLOAD_BYTES // 2**20} MB"
    if int(request.headers.get("content-length") or 0) > MAX_UPLOAD_BYTES + 1_000_000:  # form overhead
        raise ApiError(UPLOAD_REFUSED, too_large, 413)
    files = [f for f in files if f.filename]  # a form sent with no file chosen has one empty part
    if not files or len(files) > MAX_FILES:
        raise ApiError(UPLOAD_REFUSED, f"send 1..{MAX_FILES} files", 400)
    conn = ctx.store().conn
    with ctx.write_lock:
        job_id = job_store.create_job(conn, "upload", ", ".join(f.filename for f in files)[:500], len(files))
    folder = upload_root(ctx.db_path) / job_id
    folder.mkdir(parents=True, exist_ok=False)
    paths, written = [], 0
    try:
        for i, f in enumerate(files):
            target = folder / safe_name(f.filename, i)
            with open(target, "xb") as out:  # "x": never overwrite
                while chunk := await f.read(_CHUNK):
                    written += len(chunk)
                    if written > MAX_UPLOAD_BYTES:  # counted while streaming: Content-Length can lie
                        raise ApiError(UPLOAD_REFUSED, too_large, 413)
                    out.write(chunk)
            paths.append(str(target))
    except ApiError as e:
        for p in folder.iterdir():
            p.unlink()
        folder.rmdir()
        with ctx.write_lock:
            job_store.update_job(conn, job_id, state="failed", error=e.as_text())
        raise
    threading.Thread(target=_run_upload, args=(ctx, job_id, paths), daemon=True, name=f"ingest-{job_id}").start()
    return {"job": job_id, "files": len(paths), "bytes": written}


def start_feed(ctx: AppContext, url: str, name: str | None, every: str) -> dict:
    """Subscribe to a feed and poll it once now; the caller checked the writer."""
    from autointel.store import subscriptions as subs_store
    from autointel.subscribe.schedule import parse_interval

    url = url.strip()
    if not re.match(r"^https?://", url, re.I):
        raise ApiError(BAD_PARAMETER, "a feed URL starts with http:// or https://", 400)
    try:
        every_s = parse_interval(every)
    except Exception as e:  # the parser's own message says what it expects
        raise ApiError(BAD_PARAMETER, f"every: {e}", 400)
    conn = ctx.store().conn
    with ctx.write_lock:
        sub_id, created = subs_store.add(conn, url, "feed", name or None, every_s)
        job_id = job_store.create_job(conn, "feed", url, 1)
    threading.Thread(target=_run_feed, args=(ctx, job_id, sub_id), daemon=True, name=f"feed-{job_id}").start()
    return {"job": job_id, "subscription": sub_id, "created": created}


def _job_store(ctx: AppContext):
    from autointel.store import open_store

    return open_store(ctx.db_path)  # the job's own connection: sqlite3 connections stay on their thread


def _run_upload(ctx: AppContext, job_id: str, paths: list[str]) -> None:
    from autointel.pipeline import linker_for, refresh_search, ingest

    store = _job_store(ctx)
    counts: dict[str, int] = {}
    try:
        job_store.update_job(store.conn, job_id, state="running")
        linker = linker_for(store)
        for n, path in enumerate(paths, 1):
            with ctx.write_lock:
                summary = ingest([path], store, linker=linker, search=False)
                for k, v in summary.as_dict().items():
                    if k != "chars":
                        counts[k] = counts.get(k, 0) + v
                job_store.update_job(store.conn, job_id, done=n, counts=counts)
        with ctx.write_lock:
            refresh_search(store)
            job_store.update_job(store.conn, job_id, state="done", counts=counts)
    except Exception as e:  # the job fails with its reason on the page; the server goes on
        code = getattr(e, "code", "E501")
        job_store.update_job(store.conn, job_id, state="failed", counts=counts, error=f"[{code}] {e}")
    finally:
        store.close()


def _run_feed(ctx: AppContext, job_id: str, sub_id: int) -> None:
    from autointel.pipeline import linker_for
    from autointel.store import subscriptions as subs_store
    from autointel.subscribe.poller import PollSettings, poll

    store = _job_store(ctx)
    try:
        job_store.update_job(store.conn, job_id, state="running")
        sub = next(s for s in subs_store.all_subscriptions(store.conn) if s["id"] == sub_id)
        settings = PollSettings(allow_hosts=frozenset(ctx.allow_hosts))
        with ctx.write_lock:
            reports = poll(store, settings, linker=linker_for(store), only=[sub])
        report = reports[0] if reports else None
        counts = {"new": getattr(report, "new", 0), "seen": getattr(report, "seen", 0)}
        error = getattr(report, "error", None)
        job_store.update_job(store.conn, job_id, state="failed" if error else "done", done=1, counts=counts,
                             error=error)
    except Exception as e:
        job_store.update_job(store.conn, job_id, state="failed", error=f"[{getattr(e, 'code', 'E112')}] {e}")
    finally:
        store.close()
