"""The matches of a watchlist: one item per story, newest first, and which of them are new since the last visit.

A document matches when it matches the query (every word, as search's first tier: no relaxed matches), OR names
one of the entities, OR is tagged with one of the topics; an outlet narrows all of these (alone, it watches the
outlet).  AND-combinations go inside the query: ``entity:BYD 欧洲``.

The query runs on the full-text index with no cap on the number of hits (search itself ranks at most a few
hundred candidates: a watchlist must see every match, not the most relevant ones).  Entities and topics are read
from the store.  Matching documents of one story fold into one item; the item's document is the member stored
first, so its id (the feed guid) does not change when reposts arrive.

New: a document is new when no earlier visit showed it (``watchlist_seen``), i.e. it arrived (was ingested, or
became searchable) after the last visit, whenever it was published.  A story is new when all its matching
documents are; a story seen before that gained a new document is "updated".
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Callable, Iterable

from autointel.store import watchlists as watchlist_store
from autointel.store.dialect import instr

CHUNK = 900  # bound parameters per statement (SQLite's historical limit is 999)
_ROW_COLUMNS = "rowid, id, title, outlet, url, published_at, published_utc, ingested_at"


@dataclass
class Match:
    story_id: str | None
    id: str  # the first-stored matching document: link and feed guid
    title: str | None
    outlet: str | None
    url: str | None
    published_at: str | None
    ingested_at: str
    latest_utc: str | None  # newest publication among the matching documents: the sort key
    documents: list[str]  # matching documents of the story, first stored first
    new_documents: list[str]
    matched_by: list[str]  # "query", "entity:<id>", "topic:<id>", "outlet"

    @property
    def new(self) -> bool:
        return len(self.new_documents) == len(self.documents)

    @property
    def updated(self) -> bool:
        return 0 < len(self.new_documents) < len(self.documents)

    def as_dict(self) -> dict:
        return {"story_id": self.story_id, "id": self.id, "title": self.title, "outlet": self.outlet,
                "url": self.url, "published_at": self.published_at, "ingested_at": self.ingested_at,
                "new": self.new, "updated": self.updated, "documents": self.documents,
                "new_documents": self.new_documents, "matched_by": self.matched_by}


@dataclass
class MatchReport:
    watchlist: dict
    items: list[Match] = field(default_factory=list)
    new_since: str | None = None  # the visit "new" is counted from (None: never visited, everything is new)

    @property
    def counts(self) -> dict[str, int]:
        return {"stories": len(self.items), "new": sum(m.new for m in self.items),
                "updated": sum(m.updated for m in self.items),
                "documents": sum(len(m.documents) for m in self.items),
                "new_documents": sum(len(m.new_documents) for m in self.items)}

    def fresh(self) -> list[Match]:
        """Items with something the user has not seen: new stories and updated ones."""
        return [m for m in self.items if m.new_documents]

    def document_ids(self) -> list[str]:
        return [d for m in self.items for d in m.documents]


def find_matches(conn: sqlite3.Connection, watchlist: dict, engine: Callable[[], object] | None = None) -> MatchReport:
    """Every match of ``watchlist`` (a row of store/watchlists.py).  ``engine``: returns the search engine, called
    only when the watchlist has a query."""
    reasons: dict[str, set[str]] = {}
    rows: dict[str, sqlite3.Row] = {}
    outlet = watchlist.get("outlet")
    if watchlist.get("query"):
        if engine is None:
            raise ValueError("a watchlist with a query needs the search engine")
        for r in _rows(conn, "rowid", sorted(query_rowids(conn, engine(), watchlist["query"], outlet)), outlet):
            rows[r["id"]] = r
            reasons.setdefault(r["id"], set()).add("query")
    for kind, table, column, values in (("entity", "document_entities", "entity_id", watchlist.get("entities")),
                                        ("topic", "document_topics", "topic", watchlist.get("topics"))):
        for value in values or []:
            ids = [r[0] for r in conn.execute(f"SELECT document_id FROM {table} WHERE {column} = ?", (value,))]
            for r in _rows(conn, "id", [i for i in ids if i not in rows], outlet):
                rows[r["id"]] = r
            for i in ids:
                if i in rows:
                    reasons.setdefault(i, set()).add(f"{kind}:{value}")
    if outlet and not (watchlist.get("query") or watchlist.get("entities") or watchlist.get("topics")):
        for r in conn.execute(f"SELECT {_ROW_COLUMNS} FROM documents WHERE outlet = ? AND status = 'ok'", (outlet,)):
            rows[r["id"]] = r
            reasons.setdefault(r["id"], set()).add("outlet")
    seen = watchlist_store.seen_documents(conn, watchlist["id"])
    return MatchReport(watchlist, _fold(rows, reasons, _stories_of(conn, list(rows)), seen),
                       new_since=watchlist.get("last_seen_at"))


def query_rowids(conn: sqlite3.Connection, engine, query: str, outlet: str | None = None) -> set[int]:
    """Rowids of every document matching all words of ``query`` (search syntax), quoted phrases checked
    against the text as search does (the index keeps no positions)."""
    from autointel.search.query import Filters

    plan = engine.parser.parse(query, Filters(outlets=[outlet] if outlet else []))
    tantivy_query = engine.build(plan, None)
    searcher = engine.index.searcher()
    total = searcher.search(tantivy_query, 1, count=True).count or 0
    if not total:
        return set()
    hits = searcher.search(tantivy_query, total, count=False).hits
    rowids = set(searcher.fast_field_values("rowid", [address for _, address in hits]))
    for group in (g for g in plan.groups if g.phrase):
        rowids = _phrase_filter(conn, rowids, group.phrase, group.negated)
    return rowids


def _phrase_filter(conn: sqlite3.Connection, rowids: set[int], phrase: str, negated: bool) -> set[int]:
    # SQLite's lower() folds ASCII only, which is what a phrase of Chinese and Latin letters needs here
    keep = set()
    ids = sorted(rowids)
    for i in range(0, len(ids), CHUNK):
        part = ids[i:i + CHUNK]
        marks = ",".join("?" * len(part))
        keep |= {r[0] for r in conn.execute(
            f"SELECT rowid FROM documents WHERE rowid IN ({marks}) AND {instr(conn)}(lower(coalesce(title, '') || ?"
            f" || coalesce(canonical, '')), lower(?)) > 0", (*part, "\n", phrase))}
    return rowids - keep if negated else keep


def _rows(conn: sqlite3.Connection, column: str, values: list, outlet: str | None) -> Iterable[sqlite3.Row]:
    for i in range(0, len(values), CHUNK):
        part = values[i:i + CHUNK]
        sql = (f"SELECT {_ROW_COLUMNS} FROM documents WHERE {column} IN ({','.join('?' * len(part))})"
               " AND status = 'ok'")
        args = list(part)
        if outlet:
            sql += " AND outlet = ?"
            args.append(outlet)
        yield from conn.execute(sql, args)


def _stories_of(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(doc_ids), CHUNK):
        part = doc_ids[i:i + CHUNK]
        out.update(conn.execute(f"SELECT document_id, story_id FROM story_members WHERE document_id IN"
                                f" ({','.join('?' * len(part))})", part).fetchall())
    return out


def _fold(rows: dict[str, sqlite3.Row], reasons: dict[str, set[str]], story_of: dict[str, str],
          seen: set[str]) -> list[Match]:
    groups: dict[str, list[sqlite3.Row]] = {}
    for doc_id, r in rows.items():
        groups.setdefault(story_of.get(doc_id) or doc_id, []).append(r)
    items = []
    for key, members in groups.items():
        members.sort(key=lambda r: r["rowid"])  # rowids grow with every insert: first stored first
        lead = members[0]
        dated = [r["published_utc"] for r in members if r["published_utc"]]
        items.append(Match(
            story_id=story_of.get(lead["id"]), id=lead["id"], title=lead["title"], outlet=lead["outlet"],
            url=lead["url"], published_at=lead["published_at"], ingested_at=lead["ingested_at"],
            latest_utc=max(dated) if dated else None, documents=[r["id"] for r in members],
            new_documents=[r["id"] for r in members if r["id"] not in seen],
            matched_by=sorted({why for r in members for why in reasons.get(r["id"], ())})))
    # newest first; undated stories last, the latest stored first among them
    items.sort(key=lambda m: (m.latest_utc or "", rows[m.documents[-1]]["rowid"]), reverse=True)
    items.sort(key=lambda m: m.latest_utc is None)
    return items
