"""Claims: who is said to do what with whom, its status within the date range, and every turn with its
attribution (reported by unnamed sources, denied by one side, confirmed by the other)."""
from __future__ import annotations

import json
import math

from autointel.briefing import humanize
from autointel.briefing.evidence import Documents
from autointel.briefing.model import Item
from autointel.briefing.select import Selection
from autointel.store import facts as fact_store

MAX_EVENTS = 6  # history lines per claim: the first report and the latest turns
MAX_PARTICIPANTS = 4


def selected_claims(store, sel: Selection) -> list[dict]:
    conn = store.conn
    if sel.entity_id:
        claims = fact_store.list_claims(conn, entity_id=sel.entity_id)
    else:
        seen: dict[int, dict] = {}
        for d in sorted(sel.doc_ids):
            for c in fact_store.list_claims(conn, document_id=d):
                seen.setdefault(c["id"], c)
        claims = list(seen.values())
    out = []
    for c in claims:
        # the claim's turns in the selected documents: a claim can gather sentences of many unrelated articles
        events = [e for e in c["history"] if e["document_id"] in sel.doc_ids and sel.in_range(e["published_at"])]
        if sel.entity_id:
            # A claim gathers every sentence that joined it; an entity briefing keeps those naming the entity
            # (an answer to a claim carries the claim's participants, so denials stay).
            events = [e for e in events if sel.entity_id in _names(e)]
        if events:
            out.append(c | {"history": events, "participants": _main_participants(events, sel.entity_id)
                            or c["participants"]})
    return out


def _names(event: dict) -> list[str]:
    p = event["participants"]
    return json.loads(p) if isinstance(p, str) else list(p)


def _main_participants(events: list[dict], first: str | None) -> list[str]:
    """Those the kept sentences name most (the selected entity first), at most MAX_PARTICIPANTS: a claim that
    gathered a long tail of names across documents is still read as who with whom."""
    counts: dict[str, int] = {}
    for e in events:
        for p in _names(e):
            counts[p] = counts.get(p, 0) + 1
    order = sorted(counts, key=lambda p: (p != first, -counts[p]))
    return order[:MAX_PARTICIPANTS]


def latest(events: list[dict]) -> dict:
    """The event that sets the status: the last dated one (an undated article cannot be placed after it)."""
    dated = [e for e in events if e["published_at"]]
    return (dated or events)[-1]


def _history(events: list[dict]) -> list[dict]:
    """One line per document and status (a document repeating a denial says it once), capped."""
    seen, kept = set(), []
    for e in events:
        key = (e["document_id"], e["status"])
        if key not in seen:
            seen.add(key)
            kept.append(e)
    return kept if len(kept) <= MAX_EVENTS else kept[:1] + kept[-(MAX_EVENTS - 1):]


def _score(c: dict, sel: Selection) -> tuple:
    docs = len({e["document_id"] for e in c["history"]})
    turns = len({e["status"] for e in c["history"]} - {"reported"})  # rumour, denial, confirmation
    sides = min(len(c["participants"]), 3)  # who with whom says more than one name
    score = 3.0 * turns + 2.0 * math.log2(1 + docs) + sides
    score += 3.0 if sel.terms and any(sel.mentions_terms(e["text"]) for e in c["history"]) else 0.0
    return (-score, _neg(latest(c["history"])["published_at"] or ""), c["id"])


def _neg(s: str) -> str:
    return "".join(chr(0x10FFFF - ord(ch)) for ch in s)


def participant_names(kb, ids: list[str]) -> list[str]:
    return [kb.entities[p].name if p in kb.entities else p for p in ids]


def event_item(docs: Documents, c: dict, e: dict, kb, *, with_claim: bool = False) -> Item:
    who = f"（{e['attribution']}）" if e["attribution"] else ""
    head = f"{humanize.claim_type(c['type'])}·{' × '.join(participant_names(kb, c['participants']))}：" if with_claim else ""
    day = (e["published_at"] or "")[:10] or None
    citation = docs.citation(e["document_id"], *_span(docs, e))
    return Item("claim_event" if not with_claim else "event", f"{head}{humanize.status(e['status'])}{who}",
                [citation], day, {"claim_id": c["id"], "status": e["status"], "attribution": e["attribution"],
                                  "attribution_id": e["attribution_id"]})


def _span(docs: Documents, e: dict) -> tuple[int, int]:
    text = docs.get(e["document_id"]).canonical
    a, b = e["start"], e["end"]
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def claim_items(claims: list[dict], kb, docs: Documents, sel: Selection, limit: int) -> list[Item]:
    """``claims``: from ``selected_claims``; the ``limit`` most followed (turns, documents, sides) become items."""
    items = []
    for c in sorted(claims, key=lambda c: _score(c, sel))[:limit]:
        history = _history(c["history"])
        last = latest(c["history"])  # the status as of the end of the range
        names = participant_names(kb, c["participants"])
        days = sorted({(e["published_at"] or "")[:10] for e in c["history"] if e["published_at"]})
        n_docs = len({e["document_id"] for e in c["history"]})
        span = f"，{days[0]}" + (f"至{days[-1]}" if days[-1] != days[0] else "") if days else ""
        text = (f"{humanize.claim_type(c['type'])}：{' × '.join(names)}——{humanize.status(last['status'])}"
                f"（{n_docs}篇报道{span}）")
        items.append(Item("claim", text, [docs.citation(last["document_id"], *_span(docs, last))],
                          days[-1] if days else None,
                          {"claim_id": c["id"], "type": c["type"], "participants": c["participants"],
                           "participant_names": names, "status": last["status"], "documents": n_docs},
                          [event_item(docs, c, e, kb) for e in history]))
    return items
