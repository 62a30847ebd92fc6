"""Ingest jobs: one row per upload or feed added from the web UI, updated as the job runs."""
from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timezone


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def create_job(conn: sqlite3.Connection, kind: str, label: str, total: int | None) -> str:
    job_id = uuid.uuid4().hex[:12]
    conn.execute("INSERT INTO ingest_jobs (id, kind, label, state, total, created_at) VALUES (?, ?, ?, 'queued', ?, ?)",
                 (job_id, kind, label, total, _now()))
    return job_id


def update_job(conn: sqlite3.Connection, job_id: str, *, state: str | None = None, done: int | None = None,
               counts: dict | None = None, error: str | None = None) -> None:
    sets, args = [], []
    for column, value in (("state", state), ("done", done), ("error", error),
                          ("counts", json.dumps(counts, ensure_ascii=False) if counts is not None else None)):
        if value is not None:
            sets.append(f"{column} = ?")
            args.append(value)
    if state in ("done", "failed"):
        sets.append("finished_at = ?")
        args.append(_now())
    if sets:
        conn.execute(f"UPDATE ingest_jobs SET {', '.join(sets)} WHERE id = ?", args + [job_id])


def get_job(conn: sqlite3.Connection, job_id: str) -> dict | None:
    row = conn.execute("SELECT * FROM ingest_jobs WHERE id = ?", (job_id,)).fetchone()
    return _job(row) if row else None


def recent_jobs(conn: sqlite3.Connection, limit: int = 20) -> list[dict]:
    return [_job(r) for r in conn.execute("SELECT * FROM ingest_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?",
                                          (limit,))]


def interrupt_unfinished(conn: sqlite3.Connection) -> int:
    """At server start: jobs a previous process left running can never finish."""
    return conn.execute("UPDATE ingest_jobs SET state = 'interrupted', finished_at = ? WHERE state IN ('queued', 'running')",
                        (_now(),)).rowcount


def _job(row: sqlite3.Row) -> dict:
    job = dict(row)
    job.pop("rowid", None)  # PostgreSQL's explicit stand-in for SQLite's rowid (migrations_pg/0009)
    job["counts"] = json.loads(job["counts"] or "{}")
    return job
