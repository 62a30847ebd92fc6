"""A watchlist as an RSS 2.0 or Atom feed any feed reader can subscribe to.

One entry per matching story (its first-stored document: the guid never changes as reposts arrive), newest
first, linking to that document's page on this server (``{base_url}/doc/{id}``).  Reading the feed does not
count as a visit: feed readers keep track of what they have shown themselves.
"""
from __future__ import annotations

import sqlite3

from autointel.export.archive import write_atom, write_rss
from autointel.watchlists.matches import MatchReport

FORMATS = ("rss", "atom")
FEED_ITEMS = 50  # what feed readers poll: the newest stories, not the whole history
MEDIA_TYPES = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}


def watchlist_feed(conn: sqlite3.Connection, report: MatchReport, fmt: str, base_url: str,
                   limit: int = FEED_ITEMS) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"feed format must be one of {', '.join(FORMATS)}")
    base = base_url.rstrip("/")
    wl = report.watchlist
    lead_ids = [m.id for m in report.items[:limit]]
    docs = _documents(conn, lead_ids)
    ordered = [docs[i] for i in lead_ids if i in docs]
    write = write_rss if fmt == "rss" else write_atom
    return write(ordered, f"autointel · {wl['name']}", f"{base}/watchlists/{wl['id']}",
                 link_for=lambda doc: f"{base}/doc/{doc['id']}")


def _documents(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute("SELECT id, title, original_title, url, outlet, author, published_at, canonical, original,"
                        f" feed FROM documents WHERE id IN ({marks})", ids)
    return {r["id"]: dict(r) for r in rows}
