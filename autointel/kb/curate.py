"""Curator additions to a database's knowledge base: one rule for the CLI (`kb add`, `kb promote`) and the API.

An addition is checked against the whole knowledge base it joins (unique id, resolvable relations, schema)
before it is stored; re-linking the documents is the caller's choice (it takes a while on a large corpus).
"""
from __future__ import annotations

import re

from autointel.errors import AutointelError
from autointel.store import entities as entity_store

BAD_ENTITY = "E805"
CANDIDATE_TYPES = {"company": "company", "organization": "association", "government": "government",
                   "person": "person", "model": "model"}


class CurationError(AutointelError):
    """An addition the knowledge base cannot take (E805), or an unknown candidate (E801)."""


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if not value:  # a Chinese-only name: a short stable hash keeps the id ASCII
        import hashlib

        value = "local-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
    return value


def add_entity(conn, data: dict):
    """Check and store one entity (``id, name, type`` and optional ``en, aliases, weak, relations``);
    returns the knowledge base with it."""
    from autointel.kb.loader import load_kb

    data = {k: v for k, v in data.items() if v}
    if not data.get("name") or not data.get("type"):
        raise CurationError(BAD_ENTITY, "an entity needs a name and a type")
    data.setdefault("id", slug(data.get("en") or data["name"]))
    local = entity_store.local_entities(conn)
    if data["id"] in {e.id for e in load_kb(extra=local).entities.values()}:
        raise CurationError(BAD_ENTITY, f"id {data['id']!r} exists already; choose another")
    kb = load_kb(extra=local + [data])
    own = [p for p in kb.problems if data["id"] in p or p.startswith("local:")]
    if own:
        raise CurationError(BAD_ENTITY, "; ".join(own))
    entity_store.add_local_entity(conn, data)
    return kb


def promote_candidate(conn, surface: str, *, type: str | None = None, en: str | None = None,
                      eid: str | None = None):
    rows = [r for r in entity_store.list_candidates(conn, None) if r["surface"] == surface]
    if not rows:
        raise CurationError("E801", f"no candidate {surface!r}")
    data = {"id": eid or slug(en or surface), "name": surface,
            "type": type or CANDIDATE_TYPES.get(rows[0]["type"], "company"), "en": en}
    kb = add_entity(conn, data)
    entity_store.mark_candidate(conn, surface, "promoted", data["id"])
    return kb, data
