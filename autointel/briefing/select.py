"""Which documents a briefing is about: an entity, a topic or a query (any combination, intersected), within
a date range.

The date range is on the publication date as the article gives it (the date every line shows), inclusive at
both ends; with a range, undated documents are left out, since nothing says they fall inside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Optional

from autointel.errors import AutointelError
from autointel.store import facts as fact_store
from autointel.store.entities import entity_documents
from autointel.store.topics import documents_with_topic

BRIEFING_SELECTION = "E901"
QUERY_STORIES = 30  # search results (one per story) a query briefing reads


class BriefingError(AutointelError):
    """The briefing cannot be selected: no entity, topic or query, or one that does not exist."""


@dataclass
class Selection:
    entity_id: Optional[str]
    entity_name: Optional[str]
    topic: Optional[str]
    query: Optional[str]
    since: Optional[date]
    until: Optional[date]
    doc_ids: set[str] = field(default_factory=set)
    search_rank: dict[str, int] = field(default_factory=dict)  # query briefings: doc id -> result position
    prominence: dict[str, float] = field(default_factory=dict)  # doc id -> how much it is about the selector
    terms: list[str] = field(default_factory=list)  # query briefings: the words searched for, in every form

    def mentions_terms(self, text: str) -> bool:
        return any(t in text for t in self.terms)

    def in_range(self, published_at: Optional[str]) -> bool:
        if self.since is None and self.until is None:
            return True
        day = (published_at or "")[:10]
        if not day:
            return False
        return (self.since is None or day >= self.since.isoformat()) and \
            (self.until is None or day <= self.until.isoformat())

    def describe(self) -> str:
        parts = [p for p in (self.entity_name, self.topic and f"话题 {self.topic}", self.query and f"“{self.query}”") if p]
        return " · ".join(parts)


def select(store, kb, engine, *, entity: Optional[str], topic: Optional[str], query: Optional[str],
           since: Optional[date], until: Optional[date]) -> Selection:
    if not (entity or topic or query):
        raise BriefingError(BRIEFING_SELECTION, "a briefing needs an entity, a topic or a query")
    if since and until and since > until:
        raise BriefingError(BRIEFING_SELECTION, f"--since {since} is after --until {until}")
    entity_id = entity_name = None
    if entity:
        found = kb.find(entity)
        if len(found) != 1:
            names = ", ".join(f"{e.id} ({e.name})" for e in found)
            raise BriefingError(BRIEFING_SELECTION, f"{entity!r} names {len(found)} entities" + (f": {names}" if names else ""))
        entity_id, entity_name = found[0].id, found[0].name
    sel = Selection(entity_id, entity_name, topic, query, since, until)
    conn = store.conn
    sets: list[set[str]] = []
    if entity_id:
        docs: dict[str, float] = {}
        for d in entity_documents(conn, entity_id):
            if sel.in_range(d["published_at"]):
                # named in the title, or often: the article is about the entity, not merely naming it
                docs[d["id"]] = (2.0 if d["in_title"] else 1.0) + min(d["mentions"], 5) / 5
        for f in fact_store.list_facts(conn, entity_id=entity_id):
            if sel.in_range(f["published_at"]):
                docs.setdefault(f["document_id"], 1.0)
        for c in fact_store.list_claims(conn, entity_id=entity_id):
            for e in c["history"]:
                if sel.in_range(e["published_at"]):
                    docs.setdefault(e["document_id"], 1.0)
        sets.append(set(docs))
        sel.prominence.update(docs)
    if topic:
        from autointel.topics import load_taxonomy

        if load_taxonomy().get(topic) is None:
            raise BriefingError(BRIEFING_SELECTION, f"no topic {topic!r} in the taxonomy")
        tagged = {d["id"]: d["score"] for d in documents_with_topic(conn, topic) if sel.in_range(d["published_at"])}
        sets.append(set(tagged))
        for d, score in tagged.items():
            sel.prominence[d] = sel.prominence.get(d, 1.0) * (1.0 + score)
    if query:
        sets.append(_search(engine, sel, query))
    sel.doc_ids = set.intersection(*sets) if sets else set()
    return sel


def _search(engine, sel: Selection, query: str) -> set[str]:
    """One search, one result per story; the story's other members count as the same documents."""
    from autointel.search.query import Filters

    if engine is None:
        raise BriefingError(BRIEFING_SELECTION, "a query briefing needs the search engine")
    # The engine filters by UTC day; widen by one day each side and keep the article's own date below.
    filters = Filters(entities=[sel.entity_id] if sel.entity_id else [], topics=[sel.topic] if sel.topic else [],
                      since=sel.since - timedelta(days=1) if sel.since else None,
                      until=sel.until + timedelta(days=1) if sel.until else None)
    result = engine.search(query, limit=QUERY_STORIES, filters=filters, facets=False, snippets=False)
    sel.terms = [t for t in result.plan.highlight_terms() if len(t) >= 2]
    found: set[str] = set()
    for rank, hit in enumerate(result.hits):
        for doc_id, published in [(hit.id, hit.published_at)] + [(d["id"], d["published_at"]) for d in hit.duplicates
                                                                  if d.get("id")]:
            if sel.in_range(published) and doc_id not in found:
                found.add(doc_id)
                sel.search_rank[doc_id] = rank
                sel.prominence.setdefault(doc_id, 1.0 + 1.0 / (1 + rank))
    return found
