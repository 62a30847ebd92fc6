"""JSON views of stored things, shared by the CLI (`--json`) and the HTTP API so both say the same."""
from __future__ import annotations


def doc_row(row: dict) -> dict:
    return {
        "id": row["id"], "title": row["title"], "published_at": row["published_at"], "source": row["outlet"],
        "url": row["url"], "script": row["script"], "path": row["path"], "status": row["status"],
        "error": f"[{row['error_code']}] {row['error']}" if row.get("error_code") else None,
        "error_code": row.get("error_code"), "reader": row.get("reader"), "chars": row.get("chars"),
    }


def document_view(store, kb, doc: dict) -> dict:
    """One article with its text, original, alignment, entities, facts, claims, topics and story."""
    from autointel.commands.entities import mentions_json
    from autointel.commands.facts import fact_json
    from autointel.store.entities import document_mentions
    from autointel.store.facts import list_claims, list_facts

    view = doc_row(doc) | {
        "text": doc["canonical"], "original": doc["original"], "original_title": doc["original_title"],
        "author": doc["author"], "feed": doc["feed"], "offsets": doc["offsets"], "metadata": doc["metadata"],
        "duplicates": doc["sources"], "content_hash": doc["content_hash"], "ingested_at": doc["ingested_at"],
        "updated_at": doc["updated_at"],
    }
    if doc["status"] != "ok":
        return view
    mentions = document_mentions(store.conn, doc["id"])
    view["mentions"] = mentions_json(kb, [m for m in mentions if m["field"] == "body"])
    view["title_mentions"] = mentions_json(kb, [m for m in mentions if m["field"] == "title"])
    view["facts"] = [fact_json(f) for f in list_facts(store.conn, document_id=doc["id"])]
    view["claims"] = [{"id": c["id"], "type": c["type"], "participants": c["participants"], "status": c["status"],
                       "events": [{k: e[k] for k in ("status", "attribution", "text", "start", "end",
                                                     "orig_start", "orig_end")}
                                  for e in c["history"] if e["document_id"] == doc["id"]]}
                      for c in list_claims(store.conn, document_id=doc["id"])]
    from autointel.store.stories import story_of
    from autointel.store.topics import topics_of

    view["topics"] = topics_of(store.conn, doc["id"])
    story = story_of(store.conn, doc["id"])
    view["story_id"] = story["id"] if story else None
    return view
