"""The few SQL differences between the two backends, for the functions that take a bare connection.

Almost every statement is written once, in SQL both SQLite and PostgreSQL accept (``INSERT ... ON CONFLICT``,
``RETURNING``, ``coalesce``, ``substr``).  What cannot be written once (planner hints, the catalogue, date
arithmetic) asks here which engine the connection talks to: a PostgreSQL connection (store/postgres.py)
says ``dialect = "postgresql"``; a sqlite3 connection has no such attribute.
"""
from __future__ import annotations

from typing import Any


def is_postgres(conn: Any) -> bool:
    return getattr(conn, "dialect", "sqlite") == "postgresql"


def has_table(conn: Any, name: str) -> bool:
    if is_postgres(conn):
        return conn.execute("SELECT to_regclass(?) IS NOT NULL", (name,)).fetchone()[0]
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def hint(conn: Any, sqlite_hint: str) -> str:
    """An SQLite planner hint (``INDEXED BY x``); PostgreSQL has none and chooses well without."""
    return "" if is_postgres(conn) else sqlite_hint


def instr(conn: Any) -> str:
    """The name of "position of a substring, 0 when absent": SQLite's instr(a, b), PostgreSQL's strpos(a, b)."""
    return "strpos" if is_postgres(conn) else "instr"


def table_columns(conn: Any) -> dict[str, set[str]]:
    """Every table of the database with its column names (the schema tests compare backends and docs with it)."""
    if is_postgres(conn):
        rows = conn.execute("SELECT table_name, column_name FROM information_schema.columns"
                            " WHERE table_schema = current_schema()")
        out: dict[str, set[str]] = {}
        for table, column in rows:
            out.setdefault(table, set()).add(column)
        return out
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {n: {r[1] for r in conn.execute(f'PRAGMA table_info("{n}")')} for n in names}
