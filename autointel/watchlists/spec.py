"""What a watchlist may hold, checked once for the CLI and the API alike.

A watchlist watches any of: a query (search syntax, docs/search.md), entities (any name, script or English;
stored as knowledge-base ids), topics (taxonomy ids), and narrows everything to an outlet when one is given.
"""
from __future__ import annotations

from typing import Any

from autointel.errors import AutointelError

UNKNOWN = "E801"
BAD_DEFINITION = "E802"
MAX_NAME = 200
MAX_ITEMS = 100  # entities or topics per watchlist: a watchlist is read by a person, not a bulk filter


class WatchlistError(AutointelError):
    """An unknown watchlist (E801, 404) or a definition that cannot be watched (E802, 400)."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.status = 404 if code == UNKNOWN else 400


def clean_definition(raw: dict[str, Any], kb, taxonomy, *, partial: bool = False) -> dict[str, Any]:
    """The fields of ``raw`` a watchlist stores, cleaned: entity names become ids, topics are checked.
    ``partial``: an update, where absent fields keep their value (the caller checks the merged result)."""
    known = {"name", "query", "entities", "topics", "outlet"}
    extra = set(raw) - known
    if extra:
        raise WatchlistError(BAD_DEFINITION, f"unknown field(s): {', '.join(sorted(extra))}")
    out: dict[str, Any] = {}
    if "name" in raw or not partial:
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME:
            raise WatchlistError(BAD_DEFINITION, f"name must be a non-empty string of at most {MAX_NAME} characters")
        out["name"] = name.strip()
    for key in ("query", "outlet"):
        if key in raw:
            value = raw[key]
            if value is not None and not isinstance(value, str):
                raise WatchlistError(BAD_DEFINITION, f"{key} must be a string")
            out[key] = (value.strip() or None) if value is not None else None
    if "entities" in raw:
        out["entities"] = _entity_ids(_string_list(raw["entities"], "entities"), kb)
    if "topics" in raw:
        topics = _string_list(raw["topics"], "topics")
        unknown = [t for t in topics if taxonomy.get(t) is None]
        if unknown:
            raise WatchlistError(BAD_DEFINITION, f"no topic {', '.join(map(repr, unknown))}; "
                                                 f"topics: {', '.join(taxonomy.ids)}")
        out["topics"] = list(dict.fromkeys(topics))
    return out


def check_watchable(definition: dict[str, Any]) -> None:
    """A watchlist must watch something: a query, an entity, a topic or at least an outlet."""
    if not (definition.get("query") or definition.get("entities") or definition.get("topics")
            or definition.get("outlet")):
        raise WatchlistError(BAD_DEFINITION, "a watchlist needs a query, entities, topics or an outlet")


def _string_list(value: Any, key: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise WatchlistError(BAD_DEFINITION, f"{key} must be a list of non-empty strings")
    if len(value) > MAX_ITEMS:
        raise WatchlistError(BAD_DEFINITION, f"at most {MAX_ITEMS} {key}")
    return [v.strip() for v in value]


def _entity_ids(names: list[str], kb) -> list[str]:
    ids = []
    for name in names:
        found = kb.find(name)
        if not found:
            raise WatchlistError(BAD_DEFINITION, f"no entity is called {name!r}")
        ids.append(found[0].id)
    return list(dict.fromkeys(ids))
