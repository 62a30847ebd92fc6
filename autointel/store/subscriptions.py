"""Subscription tables of the embedded store: subscriptions, their polls, and watched local files."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Any


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).isoformat(timespec="seconds")


def add(conn: sqlite3.Connection, url: str, kind: str, name: str | None, every_s: int) -> tuple[int, bool]:
    """(id, created): adding a URL that is already subscribed updates its name and interval."""
    row = conn.execute("SELECT id FROM subscriptions WHERE url = ?", (url,)).fetchone()
    if row:
        conn.execute("UPDATE subscriptions SET name = coalesce(?, name), every_s = ? WHERE id = ?",
                     (name, every_s, row[0]))
        return row[0], False
    now = iso(now_utc())
    cur = conn.execute(
        "INSERT INTO subscriptions (url, kind, name, every_s, added_at, next_poll) VALUES (?,?,?,?,?,?) RETURNING id",
        (url, kind, name, every_s, now, now))
    return cur.fetchall()[0][0], True


def remove(conn: sqlite3.Connection, ref: str) -> int:
    """Remove by id or URL; the articles it brought stay."""
    cur = conn.execute("DELETE FROM subscriptions WHERE url = ? OR CAST(id AS TEXT) = ?", (ref, ref))
    return cur.rowcount


def all_subscriptions(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute("SELECT * FROM subscriptions ORDER BY id")]


def due(conn: sqlite3.Connection, at: datetime) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT * FROM subscriptions WHERE next_poll <= ? ORDER BY next_poll, id", (iso(at),))]


def next_due(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT min(next_poll) FROM subscriptions").fetchone()
    return row[0] if row else None


def record_poll(conn: sqlite3.Connection, sub_id: int, started: datetime, seconds: float, outcome: str,
                requests: int, error: str | None, seen: int, new: int, state: dict[str, Any]) -> None:
    """One poll's log row, and the subscription's new state (columns given in ``state``)."""
    conn.execute(
        "INSERT INTO polls (subscription_id, started_at, seconds, outcome, requests, error, items_seen, items_new)"
        " VALUES (?,?,?,?,?,?,?,?)", (sub_id, iso(started), round(seconds, 3), outcome, requests, error, seen, new))
    sets = ", ".join(f"{k} = ?" for k in state)
    conn.execute(f"UPDATE subscriptions SET {sets} WHERE id = ?", (*state.values(), sub_id))


def watched(conn: sqlite3.Connection, sub_id: int) -> dict[str, dict]:
    return {r["path"]: dict(r) for r in conn.execute("SELECT * FROM watched_files WHERE subscription_id = ?", (sub_id,))}


def save_watched(conn: sqlite3.Connection, sub_id: int, path: str, size: int, mtime_ns: int, offset: int = 0,
                 lines: int = 0) -> None:
    conn.execute('INSERT INTO watched_files (subscription_id, path, size, mtime_ns, "offset", lines)'
                 " VALUES (?,?,?,?,?,?) ON CONFLICT (subscription_id, path) DO UPDATE SET size = excluded.size,"
                 ' mtime_ns = excluded.mtime_ns, "offset" = excluded."offset", lines = excluded.lines',
                 (sub_id, path, size, mtime_ns, offset, lines))


def request_count(conn: sqlite3.Connection, sub_id: int | None = None) -> int:
    sql = "SELECT coalesce(sum(requests), 0) FROM polls" + (" WHERE subscription_id = ?" if sub_id else "")
    return conn.execute(sql, (sub_id,) if sub_id else ()).fetchone()[0]
