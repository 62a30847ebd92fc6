"""Article counts per week or month for topics and entities, zero-filled so a chart has no gaps.

Counts documents by ``documents.published_utc`` (undated documents are left out), the same clock as
``topic_counts_by_month``.  A week starts on Monday and is labelled by that date (``2025-11-17``); a month is
``2025-11``.  ``since`` and ``until`` are dates, both inclusive, widened to whole buckets.
"""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from typing import Callable, Iterable

from autointel.errors import AutointelError
from autointel.store.dialect import is_postgres

INTERVALS = ("week", "month")
DEFAULT_SPAN = {"week": 26, "month": 12}  # buckets shown when no ``since`` is given
MAX_BUCKETS = 600  # 11 years of weeks, 50 of months: more is a mistyped date, not a chart
TOP_TOPICS = 5

# SQLite reads the stored ISO instants ("2025-11-19T16:00:00+00:00") itself; 'weekday 0' moves to the coming
# Sunday (or stays on one), six days back is that week's Monday.
_BUCKET_SQL = {"month": "substr(d.published_utc, 1, 7)",
               "week": "date(d.published_utc, 'weekday 0', '-6 days')"}
# PostgreSQL: the same Monday, from the stored text's UTC date.
_BUCKET_SQL_PG = {"month": "substr(d.published_utc, 1, 7)",
                  "week": "to_char(date_trunc('week', substr(d.published_utc, 1, 10)::timestamp), 'YYYY-MM-DD')"}
_SOURCES = {"topic": ("document_topics", "topic"), "entity": ("document_entities", "entity_id")}


class TrendsError(AutointelError):
    """A trend that cannot be drawn: unknown interval, reversed or too long a range (E802)."""

    def __init__(self, message: str):
        super().__init__("E802", message)
        self.status = 400


def bucket_start(day: date, interval: str) -> date:
    return day.replace(day=1) if interval == "month" else day - timedelta(days=day.weekday())


def bucket_label(start: date, interval: str) -> str:
    return start.strftime("%Y-%m") if interval == "month" else start.isoformat()


def _next(start: date, interval: str) -> date:
    if interval == "week":
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def buckets(since: date, until: date, interval: str) -> list[date]:
    """Bucket starts covering [since, until], both inclusive."""
    out, current = [], bucket_start(since, interval)
    while current <= until:
        out.append(current)
        if len(out) > MAX_BUCKETS:
            raise TrendsError(f"{since}..{until} is more than {MAX_BUCKETS} {interval}s; narrow --since/--until")
        current = _next(current, interval)
    return out


def newest_publication(conn: sqlite3.Connection) -> date | None:
    row = conn.execute("SELECT max(published_utc) FROM documents WHERE status = 'ok'").fetchone()
    return date.fromisoformat(row[0][:10]) if row and row[0] else None


def default_range(conn: sqlite3.Connection, interval: str, since: date | None, until: date | None) -> tuple[date, date]:
    """Up to the newest publication (or today on an empty database), DEFAULT_SPAN buckets back."""
    until = until or newest_publication(conn) or date.today()
    if since is None:
        start = bucket_start(until, interval)
        for _ in range(DEFAULT_SPAN[interval] - 1):
            start = bucket_start(start - timedelta(days=1), interval)
        since = start
    return since, until


def counts_by_bucket(conn: sqlite3.Connection, kind: str, keys: Iterable[str] | None, interval: str,
                     since: date, until: date) -> dict[str, dict[str, int]]:
    """key -> {bucket label: documents}, for the given topic or entity ids (None: every topic or entity)."""
    table, column = _SOURCES[kind]
    bucket = (_BUCKET_SQL_PG if is_postgres(conn) else _BUCKET_SQL)[interval]
    sql = (f"SELECT s.{column}, {bucket} AS bucket, count(*) FROM {table} s"
           f" JOIN documents d ON d.id = s.document_id"
           f" WHERE d.published_utc >= ? AND d.published_utc < ?")
    args: list = [since.isoformat(), (until + timedelta(days=1)).isoformat()]
    keys = list(keys) if keys is not None else None
    if keys is not None:
        if not keys:
            return {}
        sql += f" AND s.{column} IN ({','.join('?' * len(keys))})"
        args += keys
    out: dict[str, dict[str, int]] = {}
    for key, bucket, n in conn.execute(sql + " GROUP BY 1, 2", args):
        out.setdefault(key, {})[bucket] = n
    return out


def trends(conn: sqlite3.Connection, *, topics: Iterable[str] = (), entities: Iterable[str] = (),
           interval: str = "month", since: date | None = None, until: date | None = None,
           name_of: Callable[[str, str], str] | None = None, top: int = TOP_TOPICS) -> dict:
    """``{"interval", "since", "until", "buckets": [labels], "series": [{"key", "kind", "name", "counts", "total"}]}``.

    Series come in the order asked (topics, then entities); with neither, the ``top`` topics of the range by
    documents.  ``name_of(kind, key)`` gives a series its display name (default: the key)."""
    if interval not in INTERVALS:
        raise TrendsError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
    since, until = default_range(conn, interval, since, until)
    if since > until:
        raise TrendsError(f"since ({since}) is after until ({until})")
    starts = buckets(since, until, interval)
    labels = [bucket_label(s, interval) for s in starts]
    # the query reads whole buckets, so the first and last bars are not cut short by the dates typed
    lo, hi = starts[0], _next(starts[-1], interval) - timedelta(days=1)
    topics, entities = list(dict.fromkeys(topics)), list(dict.fromkeys(entities))
    wanted: list[tuple[str, str]] = [("topic", t) for t in topics] + [("entity", e) for e in entities]
    found = {"topic": counts_by_bucket(conn, "topic", topics if wanted else None, interval, lo, hi),
             "entity": counts_by_bucket(conn, "entity", entities, interval, lo, hi)}
    if not wanted:
        totals = {k: sum(v.values()) for k, v in found["topic"].items()}
        wanted = [("topic", k) for k in sorted(totals, key=lambda k: (-totals[k], k))[:top]]
    series = []
    for kind, key in wanted:
        per_bucket = found[kind].get(key, {})
        counts = [per_bucket.get(label, 0) for label in labels]
        series.append({"key": key, "kind": kind, "name": name_of(kind, key) if name_of else key,
                       "counts": counts, "total": sum(counts)})
    return {"interval": interval, "since": lo.isoformat(), "until": hi.isoformat(), "buckets": labels,
            "series": series}
