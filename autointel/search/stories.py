"""Story membership as search needs it: which story each hit belongs to, and the duplicates to fold.

Exact duplicates were folded at ingest (``document_sources``); near duplicates are grouped into stories by
the stories stage (``story_members``).  Both are read here only, so search works before stories exist.
"""
from __future__ import annotations

import sqlite3

from autointel.store.dialect import has_table


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return has_table(conn, name)


def stories_of(conn: sqlite3.Connection, doc_ids: list[str]) -> dict[str, str]:
    if not doc_ids or not _has_table(conn, "story_members"):
        return {}
    marks = ",".join("?" * len(doc_ids))
    return {r[0]: r[1] for r in conn.execute(
        f"SELECT document_id, story_id FROM story_members WHERE document_id IN ({marks})", doc_ids)}


def duplicates_of(conn: sqlite3.Connection, doc_id: str, story_id: str | None) -> list[dict]:
    """The other members of the story and the sources folded into this document (exact copies)."""
    out = []
    if story_id and _has_table(conn, "story_members"):
        for r in conn.execute("SELECT d.id, d.title, d.outlet, d.published_at FROM story_members s "
                              "JOIN documents d ON d.id = s.document_id WHERE s.story_id = ? AND d.id != ? "
                              "ORDER BY d.published_utc, d.id", (story_id, doc_id)):
            out.append({"id": r[0], "title": r[1], "source": r[2], "published_at": r[3], "matched": False})
    for r in conn.execute("SELECT source_key, title, outlet, published_at, url FROM document_sources "
                          "WHERE document_id = ? ORDER BY first_seen", (doc_id,)):
        out.append({"id": None, "source_key": r[0], "title": r[1], "source": r[2], "published_at": r[3],
                    "url": r[4], "matched": False, "exact": True})
    return out
