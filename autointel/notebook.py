"""The knowledge base from a notebook: pandas DataFrames over one database, no server needed.

    import autointel.notebook as ai
    with ai.open("autointel.db") as kb:
        kb.facts(entity="BYD", metric="deliveries")

Every method reuses what the CLI and the API use (store reads, the search engine, the entity profile, the
export tables), so a notebook sees the same rows, the same evidence spans and the same names.  See
docs/notebook.md.
"""
from __future__ import annotations

import io
from collections import defaultdict
from datetime import date
from typing import Any, Iterable, Optional

import pandas as pd

from autointel.errors import AutointelError

SEARCH_FILTERS = {"entity": "entities", "topic": "topics", "outlet": "outlets", "metric": "metrics"}
SEARCH_COLUMNS = ("id", "title", "original_title", "score", "tier", "snippet", "highlights", "snippet_span",
                  "published_at", "source", "url", "story_id", "duplicates")


class EntityNotFound(AutointelError, LookupError):
    """A name that denotes no entity, or several (the message lists them: ask again by id)."""


def open(path: str = "autointel.db") -> "Notebook":  # noqa: A001 - ai.open(...) reads like the builtin it mirrors
    """Open (and, if new, create) the database at ``path``."""
    return Notebook(path)


class Notebook:
    def __init__(self, path: str = "autointel.db"):
        from autointel.store import open_store

        self.path = str(path)
        self.store = open_store(self.path)
        self._engine = None

    # ---- lifetime ------------------------------------------------------------------------------
    def close(self) -> None:
        self._engine = None
        self.store.close()

    def __enter__(self) -> "Notebook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<autointel notebook {self.path}>"

    # ---- names ---------------------------------------------------------------------------------
    @property
    def kb(self):
        """The knowledge base: the bundled YAML plus this database's curator additions."""
        from autointel.search.service import kb_for

        return kb_for(self.store)

    def entity_id(self, name: str) -> str:
        """Any alias, script, English name or id -> the one entity id it denotes."""
        kb = self.kb
        found = kb.find(name) or [kb.entities[i] for n in kb.nicknames if n.alias == name for i in n.expands]
        if len(found) != 1:
            choices = ", ".join(f"{e.id} ({e.name})" for e in found)
            raise EntityNotFound("E801", f"{name!r} names {len(found)} entities" + (f": {choices}" if choices else ""))
        return found[0].id

    # ---- reads ---------------------------------------------------------------------------------
    def search(self, q: str, limit: int = 10, *, fold: bool = True, since: str | date | None = None,
               until: str | date | None = None, **filters: str | Iterable[str]) -> pd.DataFrame:
        """Full-text search, one row per story (duplicates folded into ``duplicates``), best first.

        ``since``/``until``: dates, both inclusive; ``entity``, ``topic``, ``outlet``, ``metric``: one value
        or a list (entities by any name)."""
        from autointel.search.query import Filters

        unknown = set(filters) - set(SEARCH_FILTERS)
        if unknown:
            raise TypeError(f"search() filters are {', '.join([*SEARCH_FILTERS, 'since', 'until'])};"
                            f" not {', '.join(sorted(unknown))}")
        chosen = {SEARCH_FILTERS[k]: [v] if isinstance(v, str) else list(v) for k, v in filters.items()}
        if "entities" in chosen:
            chosen["entities"] = [self.entity_id(e) for e in chosen["entities"]]
        result = self._search_engine().search(q, limit=limit, fold=fold,
                                              filters=Filters(since=_day(since), until=_day(until), **chosen))
        return _with_time(pd.DataFrame([h.as_dict() for h in result.hits], columns=list(SEARCH_COLUMNS)))

    def entity(self, name: str, docs: int = 10) -> dict:
        """One entity's profile: aliases, relations, counts, first/last seen, recent documents, co-mentions."""
        from autointel.commands.entities import entity_profile

        return entity_profile(self.store, self.kb, self.entity_id(name), docs)

    def entities(self, type: Optional[str] = None) -> pd.DataFrame:
        """Entities the documents name, with document and mention counts, most named first."""
        from autointel.commands.entities import entity_json
        from autointel.store.entities import entity_counts

        kb = self.kb
        rows = [entity_json(kb, eid) | {"documents": d, "mentions": m}
                for eid, (d, m) in entity_counts(self.store.conn).items()]
        frame = pd.DataFrame(rows, columns=["id", "name", "en", "type", "kind", "documents", "mentions"])
        if type:
            frame = frame[frame["type"] == type]
        return frame.sort_values(["documents", "mentions", "id"], ascending=[False, False, True], ignore_index=True)

    def facts(self, entity: Optional[str] = None, metric: Optional[str] = None) -> pd.DataFrame:
        """Numeric facts (value in base units, unit, period, basis, scope) with their document and spans."""
        from autointel.commands.facts import fact_json
        from autointel.store.facts import list_facts

        rows = [fact_json(f) for f in list_facts(self.store.conn, entity_id=self._maybe_id(entity), metric=metric)]
        return _with_time(pd.DataFrame(rows, columns=list(fact_json(defaultdict(lambda: None)))))

    def claims(self, entity: Optional[str] = None) -> pd.DataFrame:
        """One row per claim: type, participants (ids and names), latest status, and its ``history`` (one dict
        per sentence that reported, rumoured, confirmed or denied it, oldest first).  ``table("claims")``
        gives the same history flat, one row per sentence."""
        from autointel.store.facts import list_claims

        kb = self.kb
        rows = list_claims(self.store.conn, entity_id=self._maybe_id(entity))
        for c in rows:
            c["participant_names"] = [kb.entities[p].name if p in kb.entities else p for p in c["participants"]]
            c["events"] = len(c["history"])
        return pd.DataFrame(rows, columns=["id", "type", "participants", "participant_names", "status", "first_seen",
                                           "last_seen", "events", "history"])

    def documents(self, status: Optional[str] = "ok") -> pd.DataFrame:
        """The document listing (``status=None`` includes failures with their coded error), oldest first."""
        from autointel.views import doc_row

        rows = [doc_row(r) for r in self.store.iter_documents(status=status)]
        return _with_time(pd.DataFrame(rows, columns=["id", "title", "published_at", "source", "url", "script",
                                                      "path", "status", "error", "error_code", "reader", "chars"]))

    def document(self, doc_id: str) -> dict:
        """One document as ``show --json`` has it: both texts, the alignment, mentions, facts, claims, topics."""
        from autointel.views import document_view

        doc = self.store.get_document(doc_id)
        if doc is None:
            raise EntityNotFound("E801", f"no document {doc_id!r}")
        return document_view(self.store, self.kb, doc)

    def table(self, name: str, *, entity: Optional[str] = None, since: str | date | None = None,
              until: str | date | None = None, outlet: Optional[str] = None) -> pd.DataFrame:
        """An export table (documents, mentions, facts, claims) exactly as ``autointel export`` writes it, typed
        through Parquet (timestamps, dates and lists kept).  ``until`` is exclusive, as in the export."""
        from autointel.export.tables import write_table

        buffer = io.BytesIO()
        write_table(self.store, name, "parquet", buffer, entity_id=self._maybe_id(entity), since=since, until=until,
                    outlet=outlet)
        buffer.seek(0)
        # nullable dtypes: an offset column with one missing span stays integer (Int64), not float
        return pd.read_parquet(buffer, dtype_backend="numpy_nullable")

    # ---- helpers -------------------------------------------------------------------------------
    def _maybe_id(self, name: Optional[str]) -> Optional[str]:
        return self.entity_id(name) if name else None

    def _search_engine(self):
        if self._engine is None:
            from autointel.search.service import open_engine

            self._engine = open_engine(self.store)  # indexes what changed since the last sync first
        return self._engine


def _day(value: Any) -> Optional[date]:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _with_time(frame: pd.DataFrame) -> pd.DataFrame:
    """Beside each ISO ``published_at`` (as published, with its UTC offset), the instant as a UTC timestamp."""
    frame["published_utc"] = pd.to_datetime(frame["published_at"], utc=True, format="ISO8601")
    return frame
