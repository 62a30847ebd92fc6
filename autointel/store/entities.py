"""Entity tables of the embedded store: mentions, per-document entity lists, candidates, curator additions.

Functions over a sqlite3 connection, so the document store stays small and a second backend can
implement the same calls.
"""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any, Iterable, Iterator, Sequence

from autointel.store.dialect import is_postgres


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def save_mentions(conn: sqlite3.Connection, document_id: str, mentions: Sequence[Any], kb_version: str,
                  fresh: bool = False) -> None:
    """Replace a document's mentions (re-linking never duplicates) and its entity list.
    ``fresh``: the document was just inserted, so there is nothing to replace."""
    if not fresh:
        conn.execute("DELETE FROM mentions WHERE document_id = ?", (document_id,))
        conn.execute("DELETE FROM document_entities WHERE document_id = ?", (document_id,))
    conn.executemany(
        'INSERT INTO mentions (document_id, field, start, "end", orig_start, orig_end, surface, entity_id,'
        " candidates, method) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [(document_id, m.field, m.start, m.end, m.orig_start, m.orig_end, m.surface, m.entity_id,
          json.dumps(list(m.candidates)) if m.candidates else None, m.method) for m in mentions],
    )
    per_entity: dict[str, list] = defaultdict(lambda: [0, 0, None])
    for m in mentions:
        if m.entity_id is None:
            continue
        row = per_entity[m.entity_id]
        if m.field == "title":
            row[1] = 1
        else:
            row[0] += 1
            row[2] = m.start if row[2] is None else min(row[2], m.start)
    conn.executemany(
        "INSERT INTO document_entities (document_id, entity_id, mentions, in_title, first_start) VALUES (?,?,?,?,?)",
        [(document_id, eid, n, t, first) for eid, (n, t, first) in per_entity.items()],
    )
    conn.execute("INSERT INTO document_links (document_id, kb_version, linked_at) VALUES (?,?,?) ON CONFLICT"
                 " (document_id) DO UPDATE SET kb_version = excluded.kb_version, linked_at = excluded.linked_at",
                 (document_id, kb_version, _now()))


def documents_to_link(conn: sqlite3.Connection, kb_version: str, everything: bool = False) -> Iterator[sqlite3.Row]:
    sql = "SELECT id FROM documents d WHERE status = 'ok'"
    if not everything:
        sql += (" AND NOT EXISTS (SELECT 1 FROM document_links l WHERE l.document_id = d.id"
                " AND l.kb_version = ?)")
    ids = [r[0] for r in conn.execute(sql, () if everything else (kb_version,))]
    for doc_id in ids:  # one row at a time: the texts of a large database never sit in memory together
        yield conn.execute("SELECT id, canonical, offsets, title, original_title, published_at FROM documents"
                           " WHERE id = ?",
                           (doc_id,)).fetchone()


def document_mentions(conn: sqlite3.Connection, document_id: str) -> list[dict]:
    rows = conn.execute(
        'SELECT field, start, "end", orig_start, orig_end, surface, entity_id, candidates, method FROM mentions'
        " WHERE document_id = ? ORDER BY field, start", (document_id,)).fetchall()
    out = []
    for r in rows:
        d = dict(r)
        d["candidates"] = json.loads(d["candidates"]) if d["candidates"] else []
        out.append(d)
    return out


def entity_counts(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """entity_id -> (documents, body mentions)."""
    return {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT entity_id, count(*), sum(mentions) FROM document_entities GROUP BY entity_id")}


def entity_count(conn: sqlite3.Connection, entity_id: str) -> tuple[int, int]:
    """(documents, body mentions) of one entity: an indexed lookup, not the whole-table grouping."""
    row = conn.execute("SELECT count(*), coalesce(sum(mentions), 0) FROM document_entities WHERE entity_id = ?",
                       (entity_id,)).fetchone()
    return row[0], row[1]


# The planner prefers the unique index on documents.id (one row, then the table) to the covering
# documents_id_dates (migration 0010) unless told: reading the article rows, texts and all, for every document
# of a frequent entity made a profile 5-10x slower.
_DATES = "INDEXED BY documents_id_dates"


def _with_dates_index(conn: sqlite3.Connection, sql: str, args: Sequence[Any]) -> list[sqlite3.Row]:
    if is_postgres(conn):  # no hints there: its planner picks the covering index by itself
        return conn.execute(sql.format(dates=""), args).fetchall()
    try:
        return conn.execute(sql.format(dates=_DATES), args).fetchall()
    except sqlite3.OperationalError as e:  # a database migrated by an older autointel: same answer, slower
        if "no such index" not in str(e):
            raise
        return conn.execute(sql.format(dates=""), args).fetchall()


def entity_documents(conn: sqlite3.Connection, entity_id: str, limit: int | None = None) -> list[dict]:
    """The entity's documents, newest first: the page is chosen on the indexes, then only its rows are read."""
    sql = ("SELECT d.id, d.title, d.published_at, d.outlet, top.mentions, top.in_title FROM"
           " (SELECT de.document_id, de.mentions, de.in_title, k.published_utc FROM document_entities de"
           "  JOIN documents k {dates} ON k.id = de.document_id WHERE de.entity_id = ?"
           "  ORDER BY k.published_utc IS NULL, k.published_utc DESC, k.id LIMIT ?) top"
           " JOIN documents d ON d.id = top.document_id"
           " ORDER BY top.published_utc IS NULL, top.published_utc DESC, top.document_id")
    return [dict(r) for r in _with_dates_index(conn, sql, (entity_id, 1 << 62 if limit is None else limit))]


def entity_span(conn: sqlite3.Connection, entity_id: str) -> tuple[str | None, str | None]:
    """First and last publication date among the documents naming the entity."""
    row = _with_dates_index(conn, "SELECT min(d.published_at), max(d.published_at) FROM document_entities de"
                                  " JOIN documents d {dates} ON d.id = de.document_id WHERE de.entity_id = ?", (entity_id,))[0]
    return row[0], row[1]


def co_mentioned(conn: sqlite3.Connection, entity_id: str, limit: int = 10) -> list[tuple[str, int]]:
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT b.entity_id, count(*) c FROM document_entities a JOIN document_entities b"
        " ON a.document_id = b.document_id AND b.entity_id != a.entity_id WHERE a.entity_id = ?"
        " GROUP BY b.entity_id ORDER BY c DESC, b.entity_id LIMIT ?", (entity_id, limit))]


# ---- curator additions -------------------------------------------------------------------
def local_entities(conn: sqlite3.Connection) -> list[dict]:
    return [json.loads(r[0]) for r in conn.execute("SELECT data FROM kb_local ORDER BY added_at, id")]


def add_local_entity(conn: sqlite3.Connection, data: dict) -> None:
    conn.execute("INSERT INTO kb_local (id, data, added_at) VALUES (?,?,?) ON CONFLICT (id) DO UPDATE"
                 " SET data = excluded.data, added_at = excluded.added_at",
                 (data["id"], json.dumps(data, ensure_ascii=False), _now()))


# ---- discovery candidates ----------------------------------------------------------------
def save_candidates(conn: sqlite3.Connection, found: Iterable[tuple[str, Any]]) -> int:
    """Aggregate (document_id, Candidate) pairs into the candidates table; promoted/rejected stay so."""
    agg: dict[tuple[str, str], dict] = {}
    for doc_id, c in found:
        a = agg.setdefault((c.surface, c.type), {"docs": set(), "mentions": 0, "score": 0.0, "rules": defaultdict(int),
                                                 "examples": []})
        a["docs"].add(doc_id)
        a["mentions"] += 1
        a["score"] = max(a["score"], c.score)
        a["rules"][c.rule] += 1
        if len(a["examples"]) < 3:
            a["examples"].append({"document_id": doc_id, "start": c.start, "end": c.end, "context": c.context})
    now = _now()
    for (surface, ctype), a in agg.items():
        conn.execute(
            "INSERT INTO candidates (surface, type, documents, mentions, score, rules, examples, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (surface, type) DO UPDATE SET documents = excluded.documents,"
            " mentions = excluded.mentions, score = excluded.score, rules = excluded.rules,"
            " examples = excluded.examples, updated_at = excluded.updated_at",
            (surface, ctype, len(a["docs"]), a["mentions"], round(a["score"], 3),
             json.dumps(dict(a["rules"]), ensure_ascii=False), json.dumps(a["examples"], ensure_ascii=False), now))
    return len(agg)


def list_candidates(conn: sqlite3.Connection, status: str | None = "new", min_documents: int = 1,
                    limit: int | None = None) -> list[dict]:
    sql = "SELECT * FROM candidates WHERE documents >= ?"
    args: list[Any] = [min_documents]
    if status:
        sql += " AND status = ?"
        args.append(status)
    sql += " ORDER BY documents DESC, mentions DESC, score DESC, surface"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    out = []
    for r in conn.execute(sql, args):
        d = dict(r)
        d["rules"] = json.loads(d["rules"] or "{}")
        d["examples"] = json.loads(d["examples"] or "[]")
        out.append(d)
    return out


def mark_candidate(conn: sqlite3.Connection, surface: str, status: str, entity_id: str | None = None) -> int:
    cur = conn.execute("UPDATE candidates SET status = ?, entity_id = ?, updated_at = ? WHERE surface = ?",
                       (status, entity_id, _now(), surface))
    return cur.rowcount
