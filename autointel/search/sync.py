"""Keeping the index in step with the database.

Protocol (crash-safe without a shared transaction): a document whose text, entities, facts or topics
change loses its ``search_sync`` row in the same SQLite transaction; ``sync_index`` takes every document
without a row, commits the index, and only then writes the rows.  A crash in between re-indexes a batch
(delete-by-rowid + add, so never twice), and never leaves an entry the database does not know about.

Segmentation (jieba) and tantivy's indexing threads share the cost about evenly.  A sync into an empty
index (a rebuild, a first sync) adds documents without deleting an older version first.  When other jobs
leave at least 2 cores idle, large syncs segment in worker processes while this one reads the database
and feeds tantivy (auto_workers).
"""
from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterator

from autointel.search.index import IndexDoc, SearchIndex, index_path
from autointel.search.segment import Segmenter
from autointel.store import search as search_store

BATCH = 20_000  # documents per index commit: each commit ends 2 segments that merges then rewrite
PARALLEL_FROM = 5_000  # pending documents from which worker processes pay for themselves
CHUNK = 200  # documents per task sent to a worker

_worker_segmenter: Segmenter | None = None


def open_index(store) -> SearchIndex:
    return SearchIndex(index_path(store.path))


def _segment(rows: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    seg = _worker_segmenter
    return [(rowid, *seg.document_texts(title, body)) for rowid, title, body in rows]


def _init_worker(segmenter: Segmenter) -> None:
    global _worker_segmenter
    _worker_segmenter = segmenter


def _chunks(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def auto_workers(pending: int, *, cores: int | None = None, load: float | None = None) -> int:
    """Segmenting processes for a sync of ``pending`` documents: one per core that other jobs leave idle
    (the cores less the 1-minute load average), when at least 2 are.  On the 2-core machine of
    docs/benchmarks.md, idle, 2 workers rebuilt the bulk index at 1,891 and 1,970 documents/s against 1,127
    and 1,581 in this process alone; under other jobs' load they made it 2.6x slower (397 against 1,027),
    the workers then fighting this process and tantivy's writer threads for the cores."""
    if pending < PARALLEL_FROM:
        return 1
    cores = cores or os.cpu_count() or 1
    if load is None:
        try:
            load = os.getloadavg()[0]
        except OSError:  # not available on this platform: assume busy
            load = float(cores)
    spare = int(cores - load + 0.5)
    return min(spare, 4) if spare >= 2 else 1


def sync_index(store, index: SearchIndex, segmenter: Segmenter, *, batch: int = BATCH,
               workers: int | None = None, on_progress: Callable[[int], None] | None = None,
               fresh: bool = False) -> int:
    """Index every document the index does not hold in its current form; returns how many.  ``fresh``: the
    index was emptied, so documents are added without first deleting an older version."""
    store.commit()
    conn = store.conn
    fresh = fresh or index.created  # an empty index: nothing to replace
    if index.created:
        store.begin()
        search_store.mark_all_dirty(conn)
        store.commit()
        index.full_sync_marked()
    stale = search_store.stale_rowids(conn)
    for rowid in stale:
        index.delete(rowid)
    pending = [] if search_store.nothing_pending(conn, len(stale)) else search_store.pending_rowids(conn)
    if workers is None:
        workers = auto_workers(len(pending))
    pool = None
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        # fork: the workers inherit the segmenter (its dictionary) instead of rebuilding it
        pool = multiprocessing.get_context("fork").Pool(workers, _init_worker, (segmenter,))
    else:
        _init_worker(segmenter)
    done = 0

    def read(chunk: list[int]):
        rows = search_store.rows_to_index(conn, chunk)
        keywords = search_store.keywords_of(conn, [r["id"] for r in rows])
        texts = [(r["rowid"], r["title"] or "", r["canonical"] or "") for r in rows]
        # with workers, segmenting starts now (imap queues every task at once) and runs while this process
        # adds the batch before to the index and commits it: they are never left waiting on a commit
        segmented = pool.imap(_segment, _chunks(texts, CHUNK)) if pool else None
        return rows, keywords, texts, segmented

    try:
        batches = _chunks(pending, batch)
        first = next(batches, None)
        ahead = read(first) if first is not None else None
        while ahead is not None:
            rows, keywords, texts, segmented = ahead
            following = next(batches, None)
            ahead = read(following) if following is not None and pool else None
            if segmented is None:
                segmented = [_segment(texts)]
            by_rowid = {r["rowid"]: r for r in rows}
            for part in segmented:
                for rowid, title_tokens, body_tokens in part:
                    r = by_rowid[rowid]
                    entities, topics, metrics = keywords.get(r["id"], ([], [], []))
                    index.add(IndexDoc(rowid, title_tokens, body_tokens, search_store.day_number(r["published_utc"]),
                                       r["outlet"], entities, topics, metrics), replace=not fresh)
            index.commit()
            store.begin()
            search_store.mark_indexed(conn, [r["id"] for r in rows])
            store.commit()
            done += len(rows)
            if on_progress:
                on_progress(done)
            if ahead is None and following is not None:  # no workers: read the next batch only now
                ahead = read(following)
    finally:
        if pool:
            pool.close()
            pool.join()
    if stale:
        index.commit()
        store.begin()
        search_store.forget_rowids(conn, stale)  # only once the deletes are committed
        store.commit()
    return done


def rebuild_index(store, index: SearchIndex, segmenter: Segmenter, **kw) -> int:
    """Drop everything and index the whole database again.  The database forgets what the index holds
    before the index is emptied: a crash in between must leave every document to index, not an empty index
    that search_sync says is full."""
    store.commit()
    store.begin()
    search_store.mark_all_dirty(store.conn)
    store.commit()
    index.clear()
    index.commit()
    return sync_index(store, index, segmenter, fresh=True, **kw)
