"""`kb check`: what is wrong with the knowledge base (errors) and what a curator should look at (notes)."""
from __future__ import annotations

from collections import Counter, defaultdict

from autointel.kb.loader import KnowledgeBase, lookup_key


def check_kb(kb: KnowledgeBase) -> dict:
    owners: dict[str, set[str]] = defaultdict(set)
    for e in kb.entities.values():
        for s in kb.match_surfaces(e):
            if s not in e.weak:
                owners[lookup_key(s)].add(e.id)
    shared = sorted((key, sorted(ids)) for key, ids in owners.items() if len(ids) > 1)
    warnings = [f"strong alias {key!r} is shared by {', '.join(ids)}: the document's context must choose"
                for key, ids in shared]
    return {
        "entities": len(kb.entities),
        "by_type": dict(Counter(e.type for e in kb.entities.values()).most_common()),
        "nicknames": len(kb.nicknames),
        "relations": sum(len(e.relations) for e in kb.entities.values()),
        "problems": list(kb.problems),
        "warnings": warnings,
        "version": kb.version,
    }
