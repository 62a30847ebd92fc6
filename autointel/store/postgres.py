"""PostgreSQL backend: the store of sqlite.py over a PostgreSQL database (``--db postgresql://...``).

The rest of autointel talks to ``store.conn`` in the sqlite3 style: ``execute(sql, params)`` with ``?``
placeholders, rows read by name and by index, ``executemany``, ``in_transaction``, explicit BEGIN/COMMIT.
``PgConnection`` offers exactly that over one psycopg 3 connection in autocommit mode (so BEGIN/COMMIT
mean what they mean in SqliteStore), and the SQL itself is written once in a form both engines accept
(store/dialect.py holds the few exceptions).  ``PostgresStore`` inherits the document writes and reads of
``SqliteStore``, which are plain SQL, and replaces what is SQLite's own: connecting, migrations, the schema
version.  docs/postgresql.md explains the choices.
"""
from __future__ import annotations

import os
import re
from datetime import date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import pq
from psycopg.adapt import Dumper, Loader

from autointel.errors import StoreError
from autointel.store.sqlite import SqliteStore, _now, _split_sql

URL_PREFIXES = ("postgresql://", "postgres://")
_MIGRATION_LOCK = 0x6175746F696E74  # pg_advisory_xact_lock key ("autoint"): one migrating process at a time


def is_url(db: str | os.PathLike) -> bool:
    return str(db).startswith(URL_PREFIXES)


def redact(url: str) -> str:
    """The URL without its password: what is shown (stats, logs) and what names the local folders."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))


def local_path(url: str, suffix: str) -> Path:
    """A folder on this machine that belongs to the database at ``url`` (``suffix`` ``.index``: the search
    index, ``.uploads``: uploaded files): ``$AUTOINTEL_INDEX_DIR/<host>_<port>_<dbname><suffix>``, by default
    under ``~/.cache/autointel``.  A SQLite database keeps these beside its file; a server has no "beside"."""
    from psycopg.conninfo import conninfo_to_dict

    info = conninfo_to_dict(url)
    host = str(info.get("host") or os.environ.get("PGHOST") or "local")
    port = str(info.get("port") or os.environ.get("PGPORT") or "5432")
    dbname = str(info.get("dbname") or os.environ.get("PGDATABASE") or info.get("user") or "postgres")
    name = re.sub(r"[^\w.-]+", "_", f"{host}_{port}_{dbname}")
    base = os.environ.get("AUTOINTEL_INDEX_DIR") or Path.home() / ".cache" / "autointel"
    return Path(base) / f"{name}{suffix}"


# ---- sqlite3-style connection ---------------------------------------------------------------------------
# One pass over the statement: ``?`` outside quotes becomes ``%s``; every ``%`` (LIKE patterns included, in
# quotes or not) is doubled, since psycopg reads ``%`` as a placeholder everywhere.
_TOKEN = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\?|%")


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    if sql.strip().upper() == "BEGIN IMMEDIATE":  # SQLite's "take the write lock now"; PostgreSQL locks rows
        return "BEGIN"
    return _TOKEN.sub(lambda m: "%s" if m.group() == "?" else m.group().replace("%", "%%"), sql)


class Row(tuple):
    """A result row addressable by index and by column name, like sqlite3.Row (``dict(row)`` works)."""
    __slots__ = ()
    _names: tuple[str, ...] = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                key = self._index[key]
            except KeyError:
                raise IndexError(f"No item with that key: {key!r}") from None
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._names)


@lru_cache(maxsize=2048)
def _row_class(names: tuple[str, ...]) -> type[Row]:
    index: dict[str, int] = {}
    for i, n in enumerate(names):
        index.setdefault(n, i)  # a repeated name reads the first column, as in sqlite3.Row
    return type("Row", (Row,), {"__slots__": (), "_names": names, "_index": index})


def _row_factory(cursor):
    description = cursor.description
    return _row_class(tuple(c.name for c in description)) if description else tuple


class _NumericLoader(Loader):
    """sum() of a BIGINT column is NUMERIC in PostgreSQL: read it back as SQLite gives it, int or float."""

    def load(self, data) -> int | float:
        s = bytes(data).decode()
        return int(s) if s.lstrip("-").isdigit() else float(s)


class _BoolAsInt(Dumper):
    """SQLite stores True as 1: flags are INTEGER columns on both backends."""
    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj) -> bytes:
        return b"1" if obj else b"0"


class _IsoDate(Dumper):
    """sqlite3 binds a date as its ISO text: dates live in TEXT columns here too."""
    oid = psycopg.adapters.types["text"].oid

    def dump(self, obj) -> bytes:
        return obj.isoformat().encode()


class PgConnection:
    """What callers use of a sqlite3 connection, over one psycopg connection in autocommit mode."""
    dialect = "postgresql"

    def __init__(self, raw: psycopg.Connection):
        self.raw = raw
        raw.row_factory = _row_factory
        raw.adapters.register_loader("numeric", _NumericLoader)
        raw.adapters.register_dumper(bool, _BoolAsInt)
        for cls in (date, datetime):
            raw.adapters.register_dumper(cls, _IsoDate)

    def execute(self, sql: str, params: Sequence[Any] | Iterable[Any] = ()) -> psycopg.Cursor:
        if not isinstance(params, (list, tuple)):
            params = list(params)
        return self.raw.execute(translate(sql), params)

    def executemany(self, sql: str, seq: Iterable[Sequence[Any]]) -> psycopg.Cursor:
        cur = self.raw.cursor()
        cur.executemany(translate(sql), seq)
        return cur

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def commit(self) -> None:
        if self.in_transaction:
            self.raw.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()


# ---- the store ------------------------------------------------------------------------------------------
class PostgresStore(SqliteStore):
    """``SqliteStore``'s interface on PostgreSQL; ``path`` is the URL without its password."""
    dialect = "postgresql"

    def __init__(self, url: str):  # noqa: super().__init__ opens a SQLite file: not called
        self.path = redact(url)
        try:
            raw = psycopg.connect(url, autocommit=True, connect_timeout=int(os.environ.get("PGCONNECT_TIMEOUT", 10)))
        except psycopg.Error as e:
            raise StoreError("E501", f"cannot connect to {self.path}: {str(e).strip()}")
        self.conn = PgConnection(raw)
        self._in_tx = False
        try:
            self.migrate()
        except psycopg.Error as e:
            raw.close()
            raise StoreError("E501", f"cannot migrate {self.path}: {str(e).strip()}")

    # ---- schema -------------------------------------------------------------------------
    def _applied(self) -> set[int]:
        if not self.conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()[0]:
            return set()
        return {r[0] for r in self.conn.execute("SELECT number FROM schema_migrations")}

    def migrate(self) -> None:
        """Apply the migrations of migrations_pg/ not applied yet, in number order, in one transaction.

        DDL is transactional in PostgreSQL: a failed migration leaves nothing behind.  An advisory lock
        keeps two processes opening a new database at once (API workers) from both creating the tables."""
        files = sorted(p for p in resources.files("autointel.store.migrations_pg").iterdir() if p.name.endswith(".sql"))
        if {int(f.name.split("_", 1)[0]) for f in files} <= self._applied():
            return  # the common case: two queries, no lock
        raw = self.conn.raw
        raw.execute("BEGIN")
        try:
            raw.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            raw.execute("CREATE TABLE IF NOT EXISTS schema_migrations (number INTEGER PRIMARY KEY, "
                        "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            applied = {r[0] for r in raw.execute("SELECT number FROM schema_migrations")}
            for f in files:
                number = int(f.name.split("_", 1)[0])
                if number in applied:
                    continue
                for statement in _split_sql(f.read_text(encoding="utf-8")):
                    raw.execute(statement)  # no parameters: psycopg leaves the text alone
                raw.execute("INSERT INTO schema_migrations (number, name, applied_at) VALUES (%s, %s, %s)",
                            (number, f.name, _now()))
            raw.execute("COMMIT")
        except BaseException:
            raw.execute("ROLLBACK")
            raise

    @property
    def schema_version(self) -> int:
        return self.conn.execute("SELECT coalesce(max(number), 0) FROM schema_migrations").fetchone()[0]

    # ---- reads --------------------------------------------------------------------------
    def get_document(self, doc_id: str) -> dict | None:
        doc = super().get_document(doc_id)
        if doc is not None:
            doc.pop("rowid", None)  # explicit here, implicit (not in SELECT *) in SQLite
        return doc
