"""Opening search on a store, and keeping its index current after the store changed."""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Callable

from autointel.kb.loader import KnowledgeBase, load_kb
from autointel.search.engine import SearchEngine
from autointel.search.index import SearchError, SearchIndex
from autointel.search.query import QueryParser
from autointel.search.segment import Segmenter, segmenter_for
from autointel.search.sync import open_index, rebuild_index, sync_index
from autointel.store import entities as entity_store


@lru_cache(maxsize=1)
def _bundled_kb() -> KnowledgeBase:
    return load_kb()


@lru_cache(maxsize=8)
def _kb_with(local_key: str) -> KnowledgeBase:
    return load_kb(extra=json.loads(local_key))


def kb_for(store) -> KnowledgeBase:
    """The bundled knowledge base plus this database's curator additions.

    Built once per distinct set of additions (keyed by their content, so an addition is seen at once): the
    API asks for it on every request, and loading the knowledge base took 1.5 s (measured on this machine)."""
    local = entity_store.local_entities(store.conn)
    return _kb_with(json.dumps(local, ensure_ascii=False)) if local else _bundled_kb()


def segmenter_for_store(store) -> Segmenter:
    return segmenter_for(kb_for(store))


def open_engine(store, index: SearchIndex | None = None, *, sync: bool = True) -> SearchEngine:
    """A search engine over the store; documents changed since the last sync are indexed first."""
    kb = kb_for(store)
    seg = segmenter_for(kb)
    index = index or open_index(store)
    if sync:
        try:
            sync_index(store, index, seg)
            index.close()
        except SearchError as e:
            if e.code != "E601":  # another process is writing: search what is committed
                raise
    searcher = index.searcher()
    return SearchEngine(store, index, QueryParser(kb, seg, doc_freq=lambda term: searcher.doc_freq("body", term)))


def update_index(store, *, rebuild: bool = False, workers: int | None = None,
                 on_progress: Callable[[int], None] | None = None) -> int:
    """Index what changed (or everything); returns the number of documents indexed.  ``workers``: segmenting
    processes (default: one per core for large syncs, none for small ones)."""
    index = open_index(store)
    seg = segmenter_for_store(store)
    try:
        n = (rebuild_index if rebuild else sync_index)(store, index, seg, workers=workers, on_progress=on_progress)
    finally:
        index.close()
    return n
