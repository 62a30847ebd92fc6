"""``build_briefing``: select the documents, then read their facts, claims and stories into sections."""
from __future__ import annotations

import time
from datetime import date
from typing import Optional, Union

from autointel.briefing.claims import claim_items, event_item, selected_claims
from autointel.briefing.evidence import Documents
from autointel.briefing.key_facts import key_facts
from autointel.briefing.model import Briefing, Item, Section
from autointel.briefing.select import select
from autointel.briefing.stories import story_items

DEFAULT_LIMIT = 12  # key facts; claims and stories get two thirds of it each
MAX_TIMELINE = 40


def _day(value: Union[str, date, None]) -> Optional[date]:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def build_briefing(store, kb, engine=None, *, entity: Optional[str] = None, topic: Optional[str] = None,
                   query: Optional[str] = None, since: Union[str, date, None] = None,
                   until: Union[str, date, None] = None, limit: int = DEFAULT_LIMIT) -> Briefing:
    """A purely extractive briefing: every line rendered from stored fields and citing its sentence.

    ``engine`` (a ``SearchEngine``) is needed only for ``query``.  Raises ``BriefingError`` (E901) when nothing
    is selected or the entity or topic is unknown.
    """
    t0 = time.perf_counter()
    sel = select(store, kb, engine, entity=entity, topic=topic, query=query, since=_day(since), until=_day(until))
    docs = Documents(store)
    side = max(1, (limit * 2) // 3)
    facts = key_facts(store, docs, sel, limit)
    selected = selected_claims(store, sel)
    claims = claim_items(selected, kb, docs, sel, side)
    stories = story_items(store, docs, sel, side)
    sections = [
        Section("facts", "关键数据", facts),
        Section("claims", "说法与进展", claims),
        Section("stories", "主要报道", stories),
        Section("timeline", "时间线", _timeline(selected, kb, docs, claims, stories)),
    ]
    span = f"{sel.since or '…'} 至 {sel.until or '…'}" if (sel.since or sel.until) else "全部日期"
    return Briefing(title=f"简报：{sel.describe()}（{span}）",
                    selector={"entity": entity, "entity_id": sel.entity_id, "topic": topic, "query": query},
                    since=sel.since.isoformat() if sel.since else None,
                    until=sel.until.isoformat() if sel.until else None,
                    documents=len(sel.doc_ids), sections=sections,
                    took_ms=round((time.perf_counter() - t0) * 1000, 1))


def _timeline(selected: list[dict], kb, docs: Documents, claims: list[Item], stories: list[Item]) -> list[Item]:
    """The dated turns of the claims and the first report of each story shown above, oldest first; the
    latest MAX_TIMELINE of them when there are more."""
    shown = {i.details["claim_id"] for i in claims}
    dated: list[tuple[tuple, object]] = []  # (sort key, what to make an item of): only the kept ones are cited
    for c in selected:
        if c["id"] in shown:
            seen = set()
            for e in c["history"]:
                if e["published_at"] and (e["document_id"], e["status"]) not in seen:
                    seen.add((e["document_id"], e["status"]))
                    dated.append(((e["published_at"][:10], "event", e["document_id"], e["start"]), (c, e)))
    for s in stories:
        if s.date:
            c = s.citations[0]
            dated.append(((s.date, "event", c.doc_id, c.start), s))
    dated.sort(key=lambda d: d[0])
    events = []
    for key, what in dated[-MAX_TIMELINE:]:
        if isinstance(what, Item):
            events.append(Item("event", f"报道：{what.details['title']}（{what.details['size']}篇）", what.citations,
                               what.date, {"story_id": what.details["story_id"]}))
        else:
            events.append(event_item(docs, *what, kb, with_claim=True))
    return events
