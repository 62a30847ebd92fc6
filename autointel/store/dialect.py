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
