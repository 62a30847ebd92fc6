"""Topic tables of the embedded store: per-document topics with evidence, counts, and re-tagging.

Functions over a sqlite3 connection (like store/entities.py), so a second backend can implement the same calls.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Callable, Iterator, Sequence

COMMIT_EVERY = 500  # documents per transaction while re-tagging: bounded loss on a crash, fast bulk runs


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _current_version() -> str:
    from autointel.topics import TAXONOMY_VERSION

    return TAXONOMY_VERSION


def save_topics(conn: sqlite3.Connection, document_id: str, scores: Sequence[Any], version: str | None = None,
                fresh: bool = False) -> None:
    """Replace a document's topics with ``scores`` (TopicScore objects or dicts with topic, score, evidence) and
    record that this taxonomy version tagged it. ``fresh``: the document was just inserted, nothing to replace."""
    version = version or _current_version()
    if not fresh:
        conn.execute("DELETE FROM document_topics WHERE document_id = ?", (document_id,))
    rows = []
    for s in scores:
        d = s if isinstance(s, dict) else s.as_dict()
        evidence = [e if isinstance(e, list) else list(e) for e in d.get("evidence") or []]
        rows.append((document_id, d["topic"], float(d["score"]), json.dumps(evidence, ensure_ascii=False), version))
    conn.executemany("INSERT INTO document_topics (document_id, topic, score, evidence, version) VALUES (?,?,?,?,?)",
                     rows)
    conn.execute("INSERT INTO document_topic_runs (document_id, version, tagged_at) VALUES (?,?,?) ON CONFLICT"
                 " (document_id) DO UPDATE SET version = excluded.version, tagged_at = excluded.tagged_at",
                 (document_id, version, _now()))


def tag_and_save(conn: sqlite3.Connection, document_id: str, title: str | None, canonical: str,
                 mentions: Sequence[Any], kb: Any, fresh: bool = False) -> list:
    """Tag one stored document and save its topics; the call the pipeline makes per document, right after
    linking (``mentions``: the linked mentions, body and title, objects or dicts)."""
    from autointel.topics import tag_document

    scores = tag_document(title, canonical or "", mentions, kb)
    save_topics(conn, document_id, scores, fresh=fresh)
    return scores


def topics_of(conn: sqlite3.Connection, document_id: str) -> list[dict]:
    """A document's topics, best first: topic, score, evidence ([start, end, surface, field] lists), version."""
    rows = conn.execute("SELECT topic, score, evidence, version FROM document_topics WHERE document_id = ?"
                        " ORDER BY score DESC, topic", (document_id,)).fetchall()
    return [{"topic": r[0], "score": r[1], "evidence": json.loads(r[2] or "[]"), "version": r[3]} for r in rows]


def topic_counts(conn: sqlite3.Connection, min_score: float = 0.0) -> dict[str, int]:
    """topic -> number of documents tagged with it."""
    return {r[0]: r[1] for r in conn.execute(
        "SELECT topic, count(*) FROM document_topics WHERE score >= ? GROUP BY topic ORDER BY topic", (min_score,))}


def topic_counts_by_month(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """topic -> {YYYY-MM: documents}, by publication month (undated documents are left out)."""
    out: dict[str, dict[str, int]] = {}
    for topic, month, n in conn.execute(
            "SELECT t.topic, substr(d.published_utc, 1, 7) AS month, count(*) FROM document_topics t"
            " JOIN documents d ON d.id = t.document_id WHERE d.published_utc IS NOT NULL"
            " GROUP BY t.topic, month ORDER BY t.topic, month"):
        out.setdefault(topic, {})[month] = n
    return out


def tagged_documents(conn: sqlite3.Connection) -> tuple[int, dict[str, int]]:
    """(documents tagged at all, {taxonomy version: documents}) - what `topics` reports about staleness."""
    by_version = {r[0]: r[1] for r in conn.execute(
        "SELECT version, count(*) FROM document_topic_runs GROUP BY version")}
    return sum(by_version.values()), by_version


def documents_with_topic(conn: sqlite3.Connection, topic: str, min_score: float = 0.0, since: str | None = None,
                         until: str | None = None, limit: int | None = None) -> list[dict]:
    """Documents tagged with ``topic`` (newest first), optionally within [since, until) publication dates."""
    sql = ("SELECT d.id, d.title, d.published_at, d.outlet, t.score, t.evidence FROM document_topics t"
           " JOIN documents d ON d.id = t.document_id WHERE t.topic = ? AND t.score >= ?")
    args: list[Any] = [topic, min_score]
    if since:
        sql += " AND d.published_utc >= ?"
        args.append(since)
    if until:
        sql += " AND d.published_utc < ?"
        args.append(until)
    sql += " ORDER BY d.published_utc IS NULL, d.published_utc DESC, t.score DESC, d.id"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    keys = ("id", "title", "published_at", "outlet", "score", "evidence")
    out = []
    for r in conn.execute(sql, args):
        d = dict(zip(keys, r))
        d["evidence"] = json.loads(d["evidence"] or "[]")
        out.append(d)
    return out


def documents_to_tag(conn: sqlite3.Connection, version: str, everything: bool = False) -> Iterator[sqlite3.Row]:
    """Stored documents (status ok) not yet tagged with this taxonomy version, or all of them."""
    sql = "SELECT id FROM documents d WHERE status = 'ok'"
    if not everything:
        sql += (" AND NOT EXISTS (SELECT 1 FROM document_topic_runs r WHERE r.document_id = d.id"
                " AND r.version = ?)")
    ids = [r[0] for r in conn.execute(sql, () if everything else (version,))]
    for doc_id in ids:  # one text at a time: a large database's texts never sit in memory together
        yield conn.execute("SELECT id, title, canonical FROM documents WHERE id = ?", (doc_id,)).fetchone()


def stored_mentions(conn: sqlite3.Connection, document_id: str) -> list[dict]:
    """The linked mentions of a stored document as the tagger reads them (body and title)."""
    return [{"entity_id": r[0], "start": r[1], "end": r[2], "field": r[3]} for r in conn.execute(
        'SELECT entity_id, start, "end", field FROM mentions WHERE document_id = ? AND entity_id IS NOT NULL',
        (document_id,))]


def retag_all(conn: sqlite3.Connection, kb: Any, everything: bool = True,
              on_item: Callable[[str, list], None] | None = None) -> int:
    """(Re)tag stored documents from their canonical text, title and stored mentions; returns how many.
    ``everything=False`` only does documents tagged with another taxonomy version (or never tagged).
    Commits every COMMIT_EVERY documents unless the caller already holds a transaction."""
    from autointel.topics import tag_document

    version = _current_version()
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    count = 0
    try:
        for row in documents_to_tag(conn, version, everything):
            doc_id, title, canonical = row[0], row[1], row[2]
            scores = tag_document(title, canonical or "", stored_mentions(conn, doc_id), kb)
            save_topics(conn, doc_id, scores, version)
            count += 1
            if on_item:
                on_item(doc_id, scores)
            if own and count % COMMIT_EVERY == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise
    if own:
        conn.execute("COMMIT")
    return count
