"""Watchlist tables of the embedded store: saved queries/entities/topics/outlet and what each visit showed.

Functions over a sqlite3 connection (like store/topics.py), so a second backend can implement the same calls.
Validation of what a watchlist may contain lives in autointel/watchlists/spec.py; this module only stores.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Iterable

FIELDS = ("name", "query", "entities", "topics", "outlet")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _row(r: sqlite3.Row) -> dict:
    d = dict(r)
    d["entities"] = json.loads(d["entities"] or "[]")
    d["topics"] = json.loads(d["topics"] or "[]")
    return d


def _values(fields: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in fields.items() if k in FIELDS}
    for k in ("entities", "topics"):
        if k in out:
            out[k] = json.dumps(list(out[k] or []), ensure_ascii=False)
    return out


def create(conn: sqlite3.Connection, name: str, *, query: str | None = None, entities: Iterable[str] = (),
           topics: Iterable[str] = (), outlet: str | None = None) -> dict:
    now = _now()
    values = _values({"name": name, "query": query, "entities": entities, "topics": topics, "outlet": outlet})
    cur = conn.execute(f"INSERT INTO watchlists ({', '.join(values)}, created_at, updated_at)"
                       f" VALUES ({', '.join('?' * len(values))}, ?, ?) RETURNING id", (*values.values(), now, now))
    return get(conn, cur.fetchall()[0][0])


def get(conn: sqlite3.Connection, watchlist_id: int) -> dict | None:
    row = conn.execute("SELECT * FROM watchlists WHERE id = ?", (watchlist_id,)).fetchone()
    return _row(row) if row else None


def find(conn: sqlite3.Connection, ref: str) -> dict | None:
    """By id, else by exact name: what the CLI accepts."""
    if ref.isdigit():
        found = get(conn, int(ref))
        if found:
            return found
    row = conn.execute("SELECT * FROM watchlists WHERE name = ?", (ref,)).fetchone()
    return _row(row) if row else None


def list_all(conn: sqlite3.Connection) -> list[dict]:
    return [_row(r) for r in conn.execute("SELECT * FROM watchlists ORDER BY id")]


def name_taken(conn: sqlite3.Connection, name: str, other_than: int | None = None) -> bool:
    row = conn.execute("SELECT id FROM watchlists WHERE name = ?", (name,)).fetchone()
    return row is not None and row[0] != other_than


def update(conn: sqlite3.Connection, watchlist_id: int, fields: dict[str, Any]) -> dict | None:
    """Change the given fields (any of FIELDS); what earlier visits showed stays seen."""
    values = _values(fields)
    if values:
        sets = ", ".join(f"{k} = ?" for k in values)
        conn.execute(f"UPDATE watchlists SET {sets}, updated_at = ? WHERE id = ?",
                     (*values.values(), _now(), watchlist_id))
    return get(conn, watchlist_id)


def delete(conn: sqlite3.Connection, watchlist_id: int) -> bool:
    return conn.execute("DELETE FROM watchlists WHERE id = ?", (watchlist_id,)).rowcount > 0


def seen_documents(conn: sqlite3.Connection, watchlist_id: int) -> set[str]:
    return {r[0] for r in conn.execute("SELECT document_id FROM watchlist_seen WHERE watchlist_id = ?",
                                       (watchlist_id,))}


def mark_seen(conn: sqlite3.Connection, watchlist_id: int, document_ids: Iterable[str], at: str | None = None) -> str:
    """Record a visit: these documents were shown, and the visit happened ``at`` (default now).  Returns it."""
    at = at or _now()
    own = not conn.in_transaction  # one transaction for the whole visit: thousands of rows on a large corpus
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        conn.executemany("INSERT INTO watchlist_seen (watchlist_id, document_id, seen_at) VALUES (?, ?, ?)"
                         " ON CONFLICT DO NOTHING",
                         [(watchlist_id, d, at) for d in document_ids])
        conn.execute("UPDATE watchlists SET last_seen_at = ? WHERE id = ?", (at, watchlist_id))
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return at
