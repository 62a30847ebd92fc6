"""Main stories: the events the selected documents report, one line per story (however many outlets and
scripts carried it), the largest and most on-topic first."""
from __future__ import annotations

import math

from autointel.briefing.evidence import Documents
from autointel.briefing.model import Item
from autointel.briefing.select import Selection
from autointel.store.entities import document_mentions
from autointel.store.stories import story_members, story_of

MAX_OUTLETS = 5


def _anchor(store, docs: Documents, sel: Selection, doc_id: str):
    """Cite the sentence that names the entity (an entity briefing), else the article's lead."""
    if sel.entity_id:
        for m in document_mentions(store.conn, doc_id):
            if m["field"] == "body" and m["entity_id"] == sel.entity_id:
                return docs.sentence_citation(doc_id, m["start"])
    return docs.lead_citation(doc_id)


def story_items(store, docs: Documents, sel: Selection, limit: int) -> list[Item]:
    conn = store.conn
    stories: dict[str, dict] = {}
    for doc_id in sorted(sel.doc_ids):
        story = story_of(conn, doc_id)
        key = story["id"] if story else doc_id
        entry = stories.setdefault(key, {"story": story, "docs": []})
        entry["docs"].append(doc_id)
    ranked = []
    for key, entry in stories.items():
        story = entry["story"]
        size = story["size"] if story else 1
        if sel.query:  # the search engine already ranked the stories
            score = -min(sel.search_rank.get(d, 10 ** 6) for d in entry["docs"])
        else:
            score = max(sel.prominence.get(d, 1.0) for d in entry["docs"]) * math.log2(1 + size)
        last = (story["last_published"] if story else None) or ""
        ranked.append((-score, _neg(last), key, entry))
    ranked.sort(key=lambda r: r[:3])
    items = []
    for _, _, key, entry in ranked:
        if len(items) >= limit:
            break
        # a story is cited by a sentence: members stored without text (a title-only feed item) cannot be
        entry["docs"] = [d for d in entry["docs"] if docs.get(d).canonical.strip()]
        if entry["docs"]:
            items.append(_item(store, docs, sel, key, entry))
    return items


def _neg(s: str) -> str:
    return "".join(chr(0x10FFFF - ord(ch)) for ch in s)


def _item(store, docs: Documents, sel: Selection, key: str, entry: dict) -> Item:
    story = entry["story"]
    members = story_members(store.conn, story["id"]) if story else []
    # the representative when it is selected, else the earliest selected member
    chosen = story["representative_id"] if story and story["representative_id"] in entry["docs"] else \
        min(entry["docs"], key=lambda d: ((docs.get(d).published_at or "~"), d))
    citation = _anchor(store, docs, sel, chosen)
    outlets = []
    for m in members or [{"outlet": citation.outlet}]:
        if m["outlet"] and m["outlet"] not in outlets:
            outlets.append(m["outlet"])
    size = story["size"] if story else 1
    title = docs.get(chosen).title or citation.quote
    shown = "、".join(outlets[:MAX_OUTLETS]) + ("等" if len(outlets) > MAX_OUTLETS else "")
    text = f"{title}（{size}篇报道" + (f"：{shown}" if shown else "") + "）"
    return Item("story", text, [citation], citation.date or None,
                {"story_id": story["id"] if story else None, "size": size, "outlets": outlets,
                 "title": title, "first_published": story["first_published"] if story else citation.published_at,
                 "last_published": story["last_published"] if story else citation.published_at})
