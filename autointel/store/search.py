"""What the search index needs from the database: documents to (re)index and their keyword fields."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Iterator

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def mark_dirty(conn: sqlite3.Connection, document_id: str) -> None:
    """The document changed (text, entities, facts or topics): the index must take it again."""
    conn.execute("DELETE FROM search_sync WHERE document_id = ?", (document_id,))


def mark_all_dirty(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_sync")


def mark_indexed(conn: sqlite3.Connection, document_ids: list[str]) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn.executemany("INSERT OR REPLACE INTO search_sync (document_id, indexed_at) VALUES (?, ?)",
                     [(d, now) for d in document_ids])


def pending_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM documents d LEFT JOIN search_sync s ON s.document_id = d.id "
                        "WHERE s.document_id IS NULL AND d.status = 'ok'").fetchone()[0]


def documents_to_index(conn: sqlite3.Connection) -> Iterator[sqlite3.Row]:
    yield from conn.execute(
        "SELECT d.rowid AS rowid, d.id, d.title, d.canonical, d.outlet, d.published_utc FROM documents d "
        "LEFT JOIN search_sync s ON s.document_id = d.id WHERE s.document_id IS NULL AND d.status = 'ok' "
        "ORDER BY d.rowid")


def stale_rowids(conn: sqlite3.Connection) -> list[int]:
    """Indexed documents that are no longer searchable (their input failed on a re-run)."""
    return [r[0] for r in conn.execute("SELECT d.rowid FROM documents d JOIN search_sync s ON s.document_id = d.id "
                                       "WHERE d.status != 'ok'")]


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


class KeywordReader:
    """Per-document keyword fields: entity ids (one per mention), topics, fact metrics."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.has_topics = _has_table(conn, "document_topics")

    def entities(self, document_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT entity_id FROM mentions WHERE document_id = ? AND entity_id IS NOT NULL", (document_id,))]

    def topics(self, document_id: str) -> list[str]:
        if not self.has_topics:
            return []
        return [r[0] for r in self.conn.execute("SELECT topic FROM document_topics WHERE document_id = ?",
                                                (document_id,))]

    def metrics(self, document_id: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT metric FROM facts WHERE document_id = ?",
                                                (document_id,))]


def day_number(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return (dt - _EPOCH).days


def rows_by_rowid(conn: sqlite3.Connection, rowids: list[int]) -> dict[int, sqlite3.Row]:
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    rows = conn.execute(f"SELECT rowid AS rowid, id, title, original_title, outlet, published_at, published_utc, url, "
                        f"path, script FROM documents WHERE rowid IN ({marks}) AND status = 'ok'", rowids)
    return {r["rowid"]: r for r in rows}
