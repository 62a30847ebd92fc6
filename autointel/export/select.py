"""Which documents an export covers: a subscription, an entity, an outlet, a date range, a phrase."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from autointel.store.dialect import instr


@dataclass(frozen=True)
class Selection:
    subscription: dict | None = None  # a row of `subscriptions`
    entity_id: str | None = None
    outlet: str | None = None
    since: str | None = None  # ISO date or date-time, compared with published_at in UTC
    until: str | None = None
    contains: str | None = None  # a phrase of the canonical text or title (until full-text search lands)
    limit: int | None = None


def select_documents(conn, sel: Selection) -> Iterator[dict]:
    where, args = ["d.status = 'ok'"], []  # type: list[str], list[Any]
    sub = sel.subscription
    if sub is not None:
        if sub["kind"] == "feed":
            where.append("d.feed = ?")
            args.append(sub["url"])
        else:
            where.append("(d.path = ? OR d.path LIKE ? ESCAPE '\\')")
            args += [sub["url"], _like_prefix(sub["url"].rstrip("/") + "/")]
    if sel.entity_id:
        where.append("d.id IN (SELECT document_id FROM document_entities WHERE entity_id = ?)")
        args.append(sel.entity_id)
    if sel.outlet:
        where.append("d.outlet = ?")
        args.append(sel.outlet)
    if sel.since:
        where.append("d.published_utc >= ?")
        args.append(sel.since)
    if sel.until:
        where.append("d.published_utc < ?")
        args.append(sel.until)
    if sel.contains:
        where.append(f"({instr(conn)}(d.canonical, ?) > 0 OR {instr(conn)}(d.title, ?) > 0)")
        args += [sel.contains, sel.contains]
    sql = ("SELECT d.id, d.title, d.original_title, d.url, d.outlet, d.author, d.published_at, d.canonical,"
           " d.original, d.feed, d.source_key FROM documents d WHERE " + " AND ".join(where)
           + " ORDER BY d.published_utc IS NULL, d.published_utc, d.id")
    if sel.limit is not None:
        sql += " LIMIT ?"
        args.append(sel.limit)
    for row in conn.execute(sql, args):
        yield dict(row)


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
