"""Facts and claims of one stored article, saved with their evidence spans."""
from __future__ import annotations

from datetime import date, datetime
from functools import partial

from autointel.facts.claims import extract_claims, same_claim
from autointel.facts.extract import extract_facts
from autointel.store import facts as fact_store


def analyse_document(conn, kb, doc_id: str, canonical: str, body_mentions, spans, published_at: str | None,
                     fresh: bool) -> tuple[int, int]:
    published = _date(published_at)
    facts = extract_facts(canonical, body_mentions, kb, published)
    claims = extract_claims(canonical, body_mentions, kb)
    fact_store.save_facts(conn, doc_id, facts, spans.original, fresh)
    if claims or not fresh:
        fact_store.save_claims(conn, doc_id, claims, spans.original, published_at, partial(same_claim, kb), fresh)
    return len(facts), len(claims)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None
