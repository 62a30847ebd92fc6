"""What the search index needs from the database: documents to (re)index and their keyword fields."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from typing import Iterator

from autointel.store.dialect import has_table

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def mark_dirty(conn: sqlite3.Connection, document_id: str) -> None:
    """The document changed (text, entities, facts or topics): the index must take it again."""
    conn.execute("DELETE FROM search_sync WHERE document_id = ?", (document_id,))


def mark_all_dirty(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM search_sync")


def mark_indexed(conn: sqlite3.Connection, document_ids: list[str]) -> None:
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn.executemany("INSERT INTO search_sync (document_id, indexed_at) VALUES (?, ?) ON CONFLICT (document_id)"
                     " DO UPDATE SET indexed_at = excluded.indexed_at",
                     [(d, now) for d in document_ids])


def pending_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM documents d LEFT JOIN search_sync s ON s.document_id = d.id "
                        "WHERE s.document_id IS NULL AND d.status = 'ok'").fetchone()[0]


def pending_rowids(conn: sqlite3.Connection) -> list[int]:
    """Documents the index does not hold in their current form, in rowid order."""
    return [r[0] for r in conn.execute(
        "SELECT d.rowid FROM documents d LEFT JOIN search_sync s ON s.document_id = d.id "
        "WHERE s.document_id IS NULL AND d.status = 'ok' ORDER BY d.rowid")]


def rows_to_index(conn: sqlite3.Connection, rowids: list[int]) -> list[sqlite3.Row]:
    out = []
    for i in range(0, len(rowids), 900):  # SQLite's default limit on bound parameters is 999
        part = rowids[i:i + 900]
        marks = ",".join("?" * len(part))
        out += conn.execute(f"SELECT rowid AS rowid, id, title, canonical, outlet, published_utc FROM documents "
                            f"WHERE rowid IN ({marks})", part).fetchall()
    return out


def stale_rowids(conn: sqlite3.Connection) -> list[int]:
    """Indexed documents that are no longer searchable (their input failed on a re-run).  Two ranges rather
    than != 'ok', so that the status index finds the few of them (!= scanned every document: 0.7 s at a
    million, more with a cold cache)."""
    return [r[0] for r in conn.execute("SELECT d.rowid FROM documents d JOIN search_sync s ON s.document_id = d.id "
                                       "WHERE d.status < 'ok' OR d.status > 'ok'")]


def nothing_pending(conn: sqlite3.Connection, stale: int) -> bool:
    """Every ok document has its search_sync row, told by two index counts (pending_rowids reads each ok
    document's id: 1 s at a million, paid by every `autointel search`).  Rows are only ever those of
    existing documents (ON DELETE CASCADE), ``stale`` of them of documents that are not ok."""
    ok = conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]
    synced = conn.execute("SELECT count(*) FROM search_sync").fetchone()[0]
    return ok == synced - stale


def forget_rowids(conn: sqlite3.Connection, rowids: list[int]) -> None:
    conn.executemany("DELETE FROM search_sync WHERE document_id = (SELECT id FROM documents WHERE rowid = ?)",
                     [(r,) for r in rowids])


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return has_table(conn, name)


def keywords_of(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, tuple[list[str], list[str], list[str]]]:
    """Per document: entity ids (one per mention: term frequency counts), topics, fact metrics."""
    out: dict[str, tuple[list[str], list[str], list[str]]] = {d: ([], [], []) for d in doc_ids}
    has_topics = _has_table(conn, "document_topics")
    for i in range(0, len(doc_ids), 900):
        part = doc_ids[i:i + 900]
        marks = ",".join("?" * len(part))
        for d, e in conn.execute(f"SELECT document_id, entity_id FROM mentions WHERE document_id IN ({marks}) "
                                 f"AND entity_id IS NOT NULL", part):
            out[d][0].append(e)
        if has_topics:
            for d, t in conn.execute(f"SELECT document_id, topic FROM document_topics WHERE document_id IN ({marks})",
                                     part):
                out[d][1].append(t)
        for d, m in conn.execute(f"SELECT DISTINCT document_id, metric FROM facts WHERE document_id IN ({marks})", part):
            out[d][2].append(m)
    return out


_NEWEST_PROBE = 50


def newest_published(conn) -> str | None:
    """The publication time of the newest document that is ``ok``.  Read newest first through the
    published_utc index: ``max(published_utc) … WHERE status = 'ok'`` made SQLite scan the status index, 1.4 s
    at a million documents, paid by the first search of every engine."""
    rows = conn.execute("SELECT published_utc, status FROM documents WHERE published_utc IS NOT NULL"
                        f" ORDER BY published_utc DESC LIMIT {_NEWEST_PROBE}").fetchall()
    for published, status in rows:
        if status == "ok":
            return published
    if len(rows) < _NEWEST_PROBE:
        return None
    return conn.execute("SELECT max(published_utc) FROM documents WHERE status = 'ok'").fetchone()[0]


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
    rowids = rowids[:900]
    marks = ",".join("?" * len(rowids))
    rows = conn.execute(f"SELECT rowid AS rowid, id, title, original_title, outlet, published_at, published_utc, url, "
                        f"path, script FROM documents WHERE rowid IN ({marks}) AND status = 'ok'", rowids)
    return {r["rowid"]: r for r in rows}
