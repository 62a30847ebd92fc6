"""Fact and claim tables of the embedded store."""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from typing import Any, Callable, Sequence


def save_facts(conn: sqlite3.Connection, document_id: str, facts: Sequence[Any], spans, fresh: bool) -> None:
    """Replace a document's facts; ``spans`` maps a canonical span to the original one."""
    if not fresh:
        conn.execute("DELETE FROM facts WHERE document_id = ?", (document_id,))
    rows = []
    for f in facts:
        orig = spans(f.start, f.end)
        rows.append((document_id, f.subject_id, f.subject, f.metric, f.value, f.value_max, f.unit, f.qualifier,
                     f.direction, f.period, _d(f.period_start), _d(f.period_end), f.basis, f.scope, f.start, f.end,
                     orig[0] if orig else None, orig[1] if orig else None, f.sentence_start, f.sentence_end, f.text))
    conn.executemany(
        'INSERT INTO facts (document_id, subject_id, subject, metric, value, value_max, unit, qualifier, direction,'
        ' period, period_start, period_end, basis, scope, start, "end", orig_start, orig_end, sentence_start,'
        " sentence_end, text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def save_claims(conn: sqlite3.Connection, document_id: str, claims: Sequence[Any], spans, published_at: str | None,
                same_claim: Callable[[str, Sequence[str], str, Sequence[str]], bool], fresh: bool) -> None:
    """Attach each claim to an existing claim it matches (same event, maybe another document), else start one."""
    if not fresh:
        touched = [r[0] for r in conn.execute("SELECT DISTINCT claim_id FROM claim_events WHERE document_id = ?",
                                              (document_id,))]
        conn.execute("DELETE FROM claim_events WHERE document_id = ?", (document_id,))
        for cid in touched:
            _refresh(conn, cid)
    for c in claims:
        claim_id = _matching_claim(conn, c, same_claim, published_at)
        if claim_id is None:
            claim_id = conn.execute("INSERT INTO claims (type, participants, status) VALUES (?,?,?) RETURNING id",
                                    (c.type, json.dumps(list(c.participants)), c.status)).fetchall()[0][0]
        conn.executemany("INSERT INTO claim_participants (claim_id, entity_id) VALUES (?,?) ON CONFLICT DO NOTHING",
                         [(claim_id, p) for p in c.participants])
        orig = spans(c.start, c.end)
        conn.execute(
            'INSERT INTO claim_events (claim_id, document_id, status, attribution, attribution_id, participants,'
            ' start, "end", orig_start, orig_end, text, published_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)',
            (claim_id, document_id, c.status, c.attribution, c.attribution_id, json.dumps(list(c.participants)),
             c.start, c.end, orig[0] if orig else None, orig[1] if orig else None, c.text, published_at))
        _refresh(conn, claim_id)


# A claim's events lie close in time: a rumour, its denial and its confirmation come within weeks; the
# same kind of event among the same parties months later is another event (比亚迪's next launch). An
# event joins a claim when it is within CLAIM_WINDOW_DAYS of one of its events and within
# CLAIM_SPAN_DAYS of its first: without the second bound a monthly launch would chain into one claim.
CLAIM_WINDOW_DAYS = 60
CLAIM_SPAN_DAYS = 120


def _matching_claim(conn: sqlite3.Connection, c, same_claim, published_at: str | None = None) -> int | None:
    """The existing claim this one is an event of: same type, the same parties (related through the
    knowledge base), a shared trigger word (same_claim, given the sentences) and, when both are dated, an
    event of it within CLAIM_WINDOW_DAYS of this one; the nearest such claim in time."""
    placeholders = ",".join("?" * len(c.participants))
    day = _day(published_at)
    # The time window is applied in SQL first: a big company has thousands of claims of one type, and
    # comparing the sentences of each was most of a bulk ingest's time. Only claims with an event inside
    # the window, or with no dated event at all, can pass the test below.
    window, args = "", []
    if day is not None:
        window = (" AND (EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = cl.id"
                  " AND substr(e.published_at, 1, 10) BETWEEN ? AND ?)"
                  " OR NOT EXISTS (SELECT 1 FROM claim_events e WHERE e.claim_id = cl.id"
                  " AND e.published_at IS NOT NULL))")
        args = [(day - timedelta(days=CLAIM_WINDOW_DAYS)).isoformat(), (day + timedelta(days=CLAIM_WINDOW_DAYS)).isoformat()]
    rows = conn.execute(
        f"SELECT DISTINCT cl.id, cl.type, cl.participants FROM claims cl JOIN claim_participants cp"
        f" ON cp.claim_id = cl.id WHERE cl.type = ? AND cp.entity_id IN ({placeholders}){window} ORDER BY cl.id",
        (c.type, *c.participants, *args)).fetchall()
    candidates = [(cid, ctype, parties) for cid, ctype, participants in rows
                  if same_claim(c.type, c.participants, ctype, parties := json.loads(participants))]
    events = _events_of(conn, [cid for cid, _, _ in candidates])
    best, best_gap = None, None
    for cid, ctype, parties in candidates:  # the dates first: comparing sentences costs more
        days = [d for d in (_day(e[1]) for e in events.get(cid, ())) if d is not None]
        gap = min(abs((day - d).days) for d in days) if day is not None and days else 0
        if gap > CLAIM_WINDOW_DAYS or day is not None and days and (
                abs((day - min(days)).days) > CLAIM_SPAN_DAYS or abs((max(days) - day).days) > CLAIM_SPAN_DAYS):
            continue
        if best_gap is not None and gap >= best_gap:
            continue  # cannot become the nearest claim
        if not same_claim(c.type, c.participants, ctype, parties, a_text=c.text,
                          b_texts=[e[0] for e in events.get(cid, ())]):
            continue
        best, best_gap = cid, gap
    return best


def _events_of(conn: sqlite3.Connection, claim_ids: list[int]) -> dict[int, list[tuple[str, str | None]]]:
    """(text, published_at) of every event of the given claims, in one query per 500 claims."""
    out: dict[int, list[tuple[str, str | None]]] = {}
    for i in range(0, len(claim_ids), 500):
        part = claim_ids[i:i + 500]
        for cid, text, published in conn.execute(
                f"SELECT claim_id, text, published_at FROM claim_events WHERE claim_id IN ({','.join('?' * len(part))})"
                " ORDER BY claim_id, id", part):
            out.setdefault(cid, []).append((text, published))
    return out


def _day(value: str | None):
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _refresh(conn: sqlite3.Connection, claim_id: int) -> None:
    """Status = the latest event's (by publication date, then insertion); a claim with no events goes."""
    events = conn.execute("SELECT status, published_at FROM claim_events WHERE claim_id = ?"
                          " ORDER BY published_at IS NULL, published_at, id", (claim_id,)).fetchall()
    if not events:
        conn.execute("DELETE FROM claims WHERE id = ?", (claim_id,))
        return
    dates = [e[1] for e in events if e[1]]
    conn.execute("UPDATE claims SET status = ?, first_seen = ?, last_seen = ? WHERE id = ?",
                 (events[-1][0], min(dates) if dates else None, max(dates) if dates else None, claim_id))


# ---- reads --------------------------------------------------------------------------------------
def list_facts(conn: sqlite3.Connection, entity_id: str | None = None, metric: str | None = None,
               document_id: str | None = None, limit: int | None = None) -> list[dict]:
    where, args = [], []  # type: list[str], list[Any]
    if entity_id:
        where.append("f.subject_id = ?")
        args.append(entity_id)
    if metric:
        where.append("f.metric = ?")
        args.append(metric)
    if document_id:
        where.append("f.document_id = ?")
        args.append(document_id)
    sql = ("SELECT f.*, d.title AS doc_title, d.outlet, d.published_at FROM facts f JOIN documents d"
           " ON d.id = f.document_id" + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY f.subject, f.metric, f.period, d.published_utc, f.id")
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [dict(r) for r in conn.execute(sql, args)]


def list_claims(conn: sqlite3.Connection, entity_id: str | None = None, document_id: str | None = None) -> list[dict]:
    sql = "SELECT * FROM claims"
    args: list[Any] = []
    if entity_id:
        sql += " WHERE id IN (SELECT claim_id FROM claim_participants WHERE entity_id = ?)"
        args.append(entity_id)
    if document_id:
        sql += (" AND" if args else " WHERE") + " id IN (SELECT claim_id FROM claim_events WHERE document_id = ?)"
        args.append(document_id)
    claims = [dict(r) for r in conn.execute(sql + " ORDER BY last_seen IS NULL, last_seen DESC, id", args)]
    events: dict[int, list[dict]] = defaultdict(list)
    ids = [c["id"] for c in claims]
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for r in conn.execute(
                "SELECT e.*, d.title AS doc_title, d.outlet FROM claim_events e JOIN documents d ON d.id = e.document_id"
                f" WHERE e.claim_id IN ({','.join('?' * len(chunk))}) ORDER BY e.published_at IS NULL, e.published_at, e.id",
                chunk):
            events[r["claim_id"]].append(dict(r))
    for c in claims:
        c["participants"] = json.loads(c["participants"])
        c["history"] = events[c["id"]]
    return claims


def conflicts(conn: sqlite3.Connection, tolerance: float = 0.02, *, entity_id: str | None = None,
              metric: str | None = None) -> list[dict]:
    """Same subject, metric, period, scope, unit and basis, different values from different documents
    (of one subject or one metric only, when asked: a page about one entity reads only its facts)."""
    where, args = "", []
    for column, value in (("f.subject_id", entity_id), ("f.metric", metric)):
        if value:
            where += f" AND {column} = ?"
            args.append(value)
    rows = conn.execute(
        "SELECT f.*, d.title AS doc_title, d.outlet, d.published_at FROM facts f JOIN documents d"
        " ON d.id = f.document_id WHERE f.subject_id IS NOT NULL AND f.period IS NOT NULL" + where, args)
    return conflicts_among([dict(r) for r in rows], tolerance)


def conflicts_among(facts: list[dict], tolerance: float = 0.02) -> list[dict]:
    """The conflicts within rows already read (list_facts rows): a page that lists an entity's facts finds
    its conflicts without reading them twice."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for r in facts:
        if r["subject_id"] is None or r["period"] is None:
            continue
        groups[(r["subject_id"], r["metric"], r["period"], r["scope"], r["unit"], r["basis"], r["direction"])].append(r)
    out = []
    for key, group in groups.items():
        if len({f["document_id"] for f in group}) < 2:
            continue
        values = sorted(f["value"] for f in group)
        if values[0] and (values[-1] - values[0]) / abs(values[0]) > tolerance or (not values[0] and values[-1]):
            out.append({"subject_id": key[0], "subject": group[0]["subject"], "metric": key[1], "period": key[2],
                        "scope": key[3], "unit": key[4], "basis": key[5], "facts": group})
    return sorted(out, key=lambda c: (c["subject"], c["metric"], c["period"]))


def _d(value) -> str | None:
    return value.isoformat() if value else None
