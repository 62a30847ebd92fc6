"""Keeping the index in step with the database.

Protocol (crash-safe without a shared transaction): a document whose text, entities, facts or topics
change loses its ``search_sync`` row in the same SQLite transaction; ``sync_index`` takes every document
without a row, commits the index, and only then writes the rows.  A crash in between re-indexes a batch
(delete-by-rowid + add, so never twice), and never leaves an entry the database does not know about.
"""
from __future__ import annotations

from typing import Callable

from autointel.search.index import IndexDoc, SearchIndex, index_path
from autointel.search.segment import Segmenter
from autointel.store import search as search_store

BATCH = 2000


def open_index(store) -> SearchIndex:
    return SearchIndex(index_path(store.path))


def index_doc(row, segmenter: Segmenter, keywords: search_store.KeywordReader) -> IndexDoc:
    return IndexDoc(
        rowid=row["rowid"],
        title_tokens=segmenter.index_text(row["title"] or ""),
        body_tokens=segmenter.index_text(row["canonical"] or ""),
        day=search_store.day_number(row["published_utc"]),
        outlet=row["outlet"],
        entities=keywords.entities(row["id"]),
        topics=keywords.topics(row["id"]),
        metrics=keywords.metrics(row["id"]),
    )


def sync_index(store, index: SearchIndex, segmenter: Segmenter, *, batch: int = BATCH,
               on_progress: Callable[[int], None] | None = None) -> int:
    """Index every document the index does not hold in its current form; returns how many."""
    store.commit()
    conn = store.conn
    if index.created:
        store.begin()
        search_store.mark_all_dirty(conn)
        store.commit()
        index.created = False
    for rowid in search_store.stale_rowids(conn):
        index.delete(rowid)
    keywords = search_store.KeywordReader(conn)
    pending = [r["rowid"] for r in conn.execute(
        "SELECT d.rowid AS rowid FROM documents d LEFT JOIN search_sync s ON s.document_id = d.id "
        "WHERE s.document_id IS NULL AND d.status = 'ok' ORDER BY d.rowid")]
    done = 0
    for i in range(0, len(pending), batch):
        chunk = pending[i:i + batch]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(f"SELECT rowid AS rowid, id, title, canonical, outlet, published_utc FROM documents "
                            f"WHERE rowid IN ({marks})", chunk).fetchall()
        for row in rows:
            index.add(index_doc(row, segmenter, keywords))
        index.commit()
        store.begin()
        search_store.mark_indexed(conn, [r["id"] for r in rows])
        store.commit()
        done += len(rows)
        if on_progress:
            on_progress(done)
    if not pending:
        index.commit()  # deletes of stale entries
    return done


def rebuild_index(store, index: SearchIndex, segmenter: Segmenter, **kw) -> int:
    """Drop everything and index the whole database again."""
    index.clear()
    index.commit()
    store.begin()
    search_store.mark_all_dirty(store.conn)
    store.commit()
    return sync_index(store, index, segmenter, **kw)
