"""The watchlist operations the CLI and the API share: define, change, visit.

Definitions are cleaned once here (spec.py); the store only stores.  A visit computes the matches first and then
records them as seen, so the report a user reads is the one that was new to them.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Callable

from autointel.store import watchlists as watchlist_store
from autointel.watchlists.matches import MatchReport, find_matches
from autointel.watchlists.spec import BAD_DEFINITION, UNKNOWN, WatchlistError, check_watchable, clean_definition


def _taxonomy():
    from autointel.topics import load_taxonomy

    return load_taxonomy()


def create(conn: sqlite3.Connection, raw: dict[str, Any], kb) -> dict:
    definition = clean_definition(raw, kb, _taxonomy())
    check_watchable(definition)
    if watchlist_store.name_taken(conn, definition["name"]):
        raise WatchlistError(BAD_DEFINITION, f"a watchlist is already called {definition['name']!r}")
    return watchlist_store.create(conn, **definition)


def require(conn: sqlite3.Connection, ref: int | str) -> dict:
    """The watchlist with this id (or, from the CLI, this name); E801 when there is none."""
    found = watchlist_store.get(conn, ref) if isinstance(ref, int) else watchlist_store.find(conn, ref)
    if found is None:
        raise WatchlistError(UNKNOWN, f"no watchlist {ref!r}")
    return found


def update(conn: sqlite3.Connection, ref: int | str, raw: dict[str, Any], kb) -> dict:
    current = require(conn, ref)
    changes = clean_definition(raw, kb, _taxonomy(), partial=True)
    check_watchable({**current, **changes})
    if "name" in changes and watchlist_store.name_taken(conn, changes["name"], other_than=current["id"]):
        raise WatchlistError(BAD_DEFINITION, f"a watchlist is already called {changes['name']!r}")
    return watchlist_store.update(conn, current["id"], changes)


def remove(conn: sqlite3.Connection, ref: int | str) -> dict:
    current = require(conn, ref)
    watchlist_store.delete(conn, current["id"])
    return current


def visit(conn: sqlite3.Connection, watchlist: dict, engine: Callable[[], object] | None,
          mark_seen: bool) -> MatchReport:
    """The matches and what is new in them; with ``mark_seen`` the visit is recorded (they are not new next time)."""
    report = find_matches(conn, watchlist, engine)
    if mark_seen:
        at = watchlist_store.mark_seen(conn, watchlist["id"], report.document_ids())
        report.watchlist = {**watchlist, "last_seen_at": at}
    return report


def watchlist_json(watchlist: dict, report: MatchReport | None = None) -> dict:
    out = {k: watchlist[k] for k in ("id", "name", "query", "entities", "topics", "outlet", "created_at",
                                     "updated_at", "last_seen_at")}
    if report is not None:
        out["counts"] = report.counts
        out["new_since"] = report.new_since
    return out
