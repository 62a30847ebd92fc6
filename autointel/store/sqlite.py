"""Embedded store: one SQLite file in WAL mode, schema managed by numbered migrations.

The file is meant to be opened by other tools too (sqlite3, datasette, pandas):
plain tables, JSON in TEXT columns, ISO dates.
"""
from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any, Iterator

from autointel.errors import StoreError
from autointel.models import CanonicalArticle, FailedInput

# Bump when canonicalisation changes, so re-ingesting updates stored text.
NORMALIZER_VERSION = "2"


def document_id(source_key: str) -> str:
    return hashlib.sha1(source_key.encode("utf-8")).hexdigest()[:16]


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def input_hash(article: CanonicalArticle) -> str:
    raw = article.raw
    payload = _json([NORMALIZER_VERSION, raw.reader, raw.title, raw.body, raw.url, raw.outlet, raw.author,
                     raw.published_at.isoformat() if raw.published_at else None, dict(raw.metadata)])
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SaveOutcome:
    status: str  # new / updated / unchanged / duplicate / failed
    document_id: str


class SqliteStore:
    def __init__(self, path: str | Path):
        self.path = str(path)
        try:
            self.conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError("E501", f"cannot open {self.path}: {e}")
        self.conn.row_factory = sqlite3.Row
        self._wal()
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self._in_tx = False
        self.migrate()

    def _wal(self) -> None:
        """Switch to WAL. On a new file the switch takes an exclusive lock without waiting on the busy
        timeout, so a second process opening the same new database at that moment gets "database is
        locked" at once: wait and try again, as the timeout would."""
        for attempt in range(300):
            try:
                self.conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) and "busy" not in str(e):
                    raise StoreError("E501", f"cannot open {self.path}: {e}")
                time.sleep(0.1)
        raise StoreError("E501", f"cannot open {self.path}: still locked by another process after 30 s")

    # ---- schema -------------------------------------------------------------------------
    def migrate(self) -> None:
        """Apply every migration not applied yet, in number order.

        Applied migrations are recorded by number, not only as the highest number reached: stages developed
        side by side can land a lower number after a higher one, and a database must still get it.  A
        database from before the record existed counts a migration as applied when its tables exist."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                          "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        applied = {r[0] for r in self.conn.execute("SELECT number FROM schema_migrations")}
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        files = sorted(p for p in resources.files("autointel.store.migrations").iterdir() if p.name.endswith(".sql"))
        for f in files:
            number = int(f.name.split("_", 1)[0])
            if number in applied:
                continue
            statements = _split_sql(f.read_text(encoding="utf-8"))
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process opening the same new database (a reader beside the first ingest) may have
                # applied it while this one waited for the lock: look again, now that nobody else can write.
                if self.conn.execute("SELECT 1 FROM schema_migrations WHERE number = ?", (number,)).fetchone():
                    self.conn.execute("COMMIT")
                    continue
                version = self.conn.execute("PRAGMA user_version").fetchone()[0]
                if not (number <= version and self._tables_exist(statements)):
                    for statement in statements:
                        self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations (number, name, applied_at) VALUES (?, ?, ?)",
                                  (number, f.name, _now()))
                self.conn.execute(f"PRAGMA user_version = {max(version, number)}")
                self.conn.execute("COMMIT")
            except Exception:
                self.conn.execute("ROLLBACK")
                raise
            version = max(version, number)

    def _tables_exist(self, statements: list[str]) -> bool:
        names = [m.group(1) for st in statements for m in [_CREATE_TABLE.match(st)] if m]
        return all(self.conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (n,)).fetchone() for n in names)

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    # ---- transactions -------------------------------------------------------------------
    def begin(self) -> None:
        if not self._in_tx:
            self.conn.execute("BEGIN IMMEDIATE")
            self._in_tx = True

    def commit(self) -> None:
        if self._in_tx:
            self.conn.execute("COMMIT")
            self._in_tx = False

    def close(self) -> None:
        self.commit()
        self.conn.close()

    # ---- writes -------------------------------------------------------------------------
    def save_article(self, article: CanonicalArticle) -> SaveOutcome:
        raw = article.raw
        doc_id = document_id(raw.source_key)
        ihash = input_hash(article)
        now = _now()
        row = self.conn.execute("SELECT id, input_hash FROM documents WHERE source_key = ?", (raw.source_key,)).fetchone()
        if row and row["input_hash"] == ihash:
            return SaveOutcome("unchanged", row["id"])
        if row is None:
            alias = self.conn.execute(
                "SELECT document_id, input_hash FROM document_sources WHERE source_key = ?", (raw.source_key,)
            ).fetchone()
            if alias and alias["input_hash"] == ihash:
                return SaveOutcome("unchanged", alias["document_id"])
            same = self.conn.execute(
                # status || '': an expression, so SQLite's planner keeps to the content_hash index (works on both backends)
                "SELECT id FROM documents WHERE content_hash = ? AND status || '' = 'ok' AND source_key != ? LIMIT 1",
                (article.content_hash, raw.source_key),
            ).fetchone()
            if same:
                self.conn.execute(
                    "INSERT INTO document_sources (source_key, document_id, path, url, outlet, title,"
                    " published_at, input_hash, first_seen) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT (source_key) DO UPDATE"
                    " SET document_id = excluded.document_id, path = excluded.path, url = excluded.url,"
                    " outlet = excluded.outlet, title = excluded.title, published_at = excluded.published_at,"
                    " input_hash = excluded.input_hash, first_seen = excluded.first_seen",
                    (raw.source_key, same["id"], raw.location, raw.url, article.outlet, article.title,
                     _iso(raw.published_at), ihash, now),
                )
                return SaveOutcome("duplicate", same["id"])
            if alias:  # content changed since it was recorded as a duplicate: now a document of its own
                self.conn.execute("DELETE FROM document_sources WHERE source_key = ?", (raw.source_key,))
        values = dict(
            id=doc_id, source_key=raw.source_key, status="ok", error_code=None, error=None, reader=raw.reader,
            path=raw.location, url=raw.url, feed=raw.feed, outlet=article.outlet, title=article.title,
            original_title=article.original_title, author=raw.author, published_at=_iso(raw.published_at),
            published_utc=_iso(raw.published_at.astimezone(timezone.utc)) if raw.published_at else None,
            script=article.script, original=article.original, canonical=article.canonical,
            offsets=json.dumps(article.offsets, separators=(",", ":")), metadata=_json(dict(article.metadata)),
            content_hash=article.content_hash, input_hash=ihash, ingested_at=now, updated_at=now,
        )
        if row is None:
            cols = ", ".join(values)
            self.conn.execute(f"INSERT INTO documents ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values()))
            return SaveOutcome("new", doc_id)
        values.pop("ingested_at")
        sets = ", ".join(f"{k} = ?" for k in values if k != "id")
        self.conn.execute(f"UPDATE documents SET {sets} WHERE id = ?",
                          tuple(v for k, v in values.items() if k != "id") + (row["id"],))
        return SaveOutcome("updated", row["id"])

    def save_failure(self, failure: FailedInput) -> SaveOutcome:
        doc_id = document_id(failure.source_key)
        now = _now()
        row = self.conn.execute("SELECT id, status FROM documents WHERE source_key = ?", (failure.source_key,)).fetchone()
        if row is None:
            self.conn.execute(
                "INSERT INTO documents (id, source_key, status, error_code, error, reader, path, title, metadata,"
                " ingested_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (doc_id, failure.source_key, "failed", failure.code, failure.message, failure.reader,
                 failure.location, failure.title, "{}", now, now),
            )
        else:
            # An article that was read before keeps its text; the new error is recorded on it.
            self.conn.execute("UPDATE documents SET error_code = ?, error = ?, updated_at = ? WHERE id = ?",
                              (failure.code, failure.message, now, row["id"]))
            if row["status"] == "failed":
                return SaveOutcome("unchanged_failure", row["id"])
        return SaveOutcome("failed", row["id"] if row else doc_id)

    def record_run(self, inputs: list[str], started_at: str, counts: dict[str, int]) -> None:
        self.conn.execute("INSERT INTO ingest_runs (started_at, finished_at, inputs, counts) VALUES (?,?,?,?)",
                          (started_at, _now(), _json(inputs), _json(counts)))

    # ---- reads --------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> dict | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None and len(doc_id) >= 4:  # accept an unambiguous id prefix, like git
            rows = self.conn.execute("SELECT * FROM documents WHERE id LIKE ? LIMIT 2", (doc_id + "%",)).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            return None
        doc = dict(row)
        doc["metadata"] = json.loads(doc["metadata"] or "{}")
        doc["offsets"] = json.loads(doc["offsets"]) if doc["offsets"] else []
        doc["sources"] = [dict(r) for r in self.conn.execute(
            "SELECT source_key, path, url, outlet, title, published_at, first_seen FROM document_sources"
            " WHERE document_id = ? ORDER BY first_seen", (doc["id"],))]
        return doc

    def iter_documents(self, *, status: str | None = None, limit: int | None = None) -> Iterator[dict]:
        sql = ("SELECT id, title, published_at, outlet, url, script, path, status, error_code, error, reader,"
               " length(canonical) AS chars FROM documents")
        args: list[Any] = []
        if status:
            sql += " WHERE status = ?"
            args.append(status)
        sql += " ORDER BY published_utc IS NULL, published_utc, path"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        for row in self.conn.execute(sql, args):
            yield dict(row)

    def stats(self) -> dict[str, Any]:
        q = self.conn.execute
        by_status = {r[0]: r[1] for r in q("SELECT status, count(*) FROM documents GROUP BY status")}
        return {
            "database": self.path,
            "schema_version": self.schema_version,
            "documents": by_status.get("ok", 0),
            "failed": by_status.get("failed", 0),
            "duplicate_sources": q("SELECT count(*) FROM document_sources").fetchone()[0],
            "by_script": {r[0]: r[1] for r in q("SELECT script, count(*) FROM documents WHERE status='ok' GROUP BY script")},
            "by_reader": {r[0]: r[1] for r in q("SELECT reader, count(*) FROM documents WHERE status='ok' GROUP BY reader")},
            "by_error": {r[0]: r[1] for r in q("SELECT error_code, count(*) FROM documents WHERE status='failed' GROUP BY error_code")},
            "top_outlets": {r[0]: r[1] for r in q(
                "SELECT outlet, count(*) c FROM documents WHERE status='ok' AND outlet IS NOT NULL"
                " GROUP BY outlet ORDER BY c DESC LIMIT 10")},
            "canonical_chars": q("SELECT coalesce(sum(length(canonical)), 0) FROM documents").fetchone()[0],
            "first_published": q("SELECT min(published_at) FROM documents").fetchone()[0],
            "last_published": q("SELECT max(published_at) FROM documents").fetchone()[0],
            "ingest_runs": q("SELECT count(*) FROM ingest_runs").fetchone()[0],
        }


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


_CREATE_TABLE = re.compile(r"CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements (no semicolons inside our string literals)."""
    lines = [ln for ln in script.splitlines() if not ln.strip().startswith("--")]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def open_store(url: str | Path) -> SqliteStore:
    """A SQLite file path (or ``sqlite:///path``), or a ``postgresql://`` URL (store/postgres.py)."""
    url = str(url)
    if url.startswith("sqlite:///"):
        url = url[len("sqlite:///"):]
    if url.startswith(("postgresql://", "postgres://")):
        from autointel.store.postgres import PostgresStore  # psycopg is imported only for a server

        return PostgresStore(url)
    return SqliteStore(url)
