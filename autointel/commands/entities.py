"""`entities`, `entity` and `link`: what the documents are about, by knowledge-base entity."""
from __future__ import annotations

import weakref
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.store import entities as entity_store


def entity_json(kb, eid: str) -> dict:
    e = kb.entities.get(eid)
    if e is None:  # a curator entity removed since linking
        return {"id": eid, "name": eid, "type": None, "en": None}
    return {"id": e.id, "name": e.name, "en": e.en, "type": e.type, "kind": e.kind}


def mentions_json(kb, mentions: list[dict]) -> list[dict]:
    rows = []
    for m in mentions:
        info = entity_json(kb, m["entity_id"]) if m["entity_id"] else {"name": None, "type": None}
        rows.append({"entity_id": m["entity_id"], "name": info["name"], "type": info["type"], "start": m["start"],
                     "end": m["end"], "surface": m["surface"], "orig_start": m["orig_start"],
                     "orig_end": m["orig_end"], "method": m["method"], "candidates": m["candidates"]})
    return rows


@app.command()
def link(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    everything: bool = typer.Option(False, "--all", help="Re-link every document, not only stale ones"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Link documents to the knowledge base (those linked with an older version, or --all)."""
    from autointel.pipeline import linker_for, relink

    store = _open(db)
    linker = linker_for(store)
    n = relink(store, linker, everything=everything)
    result = {"linked": n, "kb_version": linker.kb.version, "entities": len(linker.kb.entities)}
    _emit_json(result) if as_json else err.print(f"link: {n} documents linked with knowledge base {linker.kb.version}")


@app.command()
def entities(
    type: Optional[str] = typer.Option(None, "--type", help="Only this type (automaker, brand, model, person, place ...)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines on stdout"),
    show_all: bool = typer.Option(False, "--all", help="Include entities no document mentions"),
    limit: Optional[int] = typer.Option(None, "--limit", help="Print at most N rows (default: all)"),
) -> None:
    """Knowledge-base entities with the number of documents and mentions naming them."""
    from autointel.pipeline import linker_for

    store = _open(db)
    kb = linker_for(store).kb
    counts = entity_store.entity_counts(store.conn)
    rows = []
    for e in kb.entities.values():
        if type and e.type != type:
            continue
        docs, mentions = counts.get(e.id, (0, 0))
        if docs or show_all:
            rows.append({"id": e.id, "name": e.name, "en": e.en, "type": e.type, "kind": e.kind,
                         "documents": docs, "mentions": mentions or 0})
    rows.sort(key=lambda r: (-r["documents"], -r["mentions"], r["id"]))
    rows = rows[:limit] if limit is not None else rows
    if as_json:
        for r in rows:
            _emit_json(r)
        return
    table = Table()
    for col in ("id", "name", "en", "type", "documents", "mentions"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(r["id"], r["name"], r["en"] or "", r["type"], str(r["documents"]), str(r["mentions"]))
    out.print(table)


@app.command()
def entity(
    name: str = typer.Argument(..., help="Any name of the entity: alias, Traditional, English or id"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json"),
    docs_limit: int = typer.Option(20, "--docs", help="How many documents to list (newest first)"),
) -> None:
    """One entity's profile: aliases, relations, documents, first and last seen."""
    from autointel.pipeline import linker_for

    store = _open(db)
    kb = linker_for(store).kb
    found = kb.find(name)
    if not found:  # a nickname (蔚小理) names several entities: offer them
        found = [kb.entities[i] for n in kb.nicknames if n.alias == name for i in n.expands]
    if not found:
        err.print(f"[red]no entity named {name!r}[/red]")
        raise typer.Exit(1)
    if len(found) > 1:
        choices = [entity_json(kb, e.id) for e in found]
        if as_json:
            _emit_json({"ambiguous": name, "choices": choices})
        else:
            err.print(f"{name!r} names several entities; ask for one by id:")
            for c in choices:
                err.print(f"  {c['id']}  {c['name']}  {c['en'] or ''}  ({c['type']})")
        raise typer.Exit(1)
    profile = entity_profile(store, kb, found[0].id, docs_limit)
    if as_json:
        _emit_json(profile)
        return
    _print_profile(profile)


# The knowledge-base half of each profile (names, aliases, relations), per knowledge base object.  A
# KnowledgeBase is never changed once built (a curator addition builds a new one), so this is never stale;
# it saves `kb.related`, a scan of every relation of every entity, and the OpenCC variants of each alias.
_kb_parts: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _incoming_relations(kb) -> dict[str, list[tuple[str, object]]]:
    """target id -> ("in", relation seen from the target), in the order `kb.related` lists them."""
    from autointel.kb.schema import Relation

    incoming: dict[str, list[tuple[str, object]]] = {}
    for other in kb.entities.values():
        for r in other.relations:
            incoming.setdefault(r.target, []).append(("in", Relation(r.rel, other.id, r.role)))
    return incoming


def _kb_part(kb, eid: str) -> dict:
    cache = _kb_parts.get(kb)
    if cache is None:
        cache = _kb_parts.setdefault(kb, {"incoming": _incoming_relations(kb), "profiles": {}})
    part = cache["profiles"].get(eid)
    if part is None:
        e = kb.entities[eid]
        relations = []
        for direction, r in [("out", r) for r in e.relations] + cache["incoming"].get(eid, []):
            other = entity_json(kb, r.target)
            relations.append({"direction": direction, "rel": r.rel, "role": r.role, "id": other["id"],
                              "name": other["name"], "type": other["type"]})
        aliases = [s for s in kb.lookup_surfaces(e) if s != e.name]
        part = cache["profiles"][eid] = {"head": entity_json(kb, eid), "aliases": list(dict.fromkeys(aliases)),
                                         "relations": relations}
    return part


def entity_profile(store, kb, eid: str, docs_limit: int) -> dict:
    e = kb.entities[eid]
    part = _kb_part(kb, eid)
    first, last = entity_store.entity_span(store.conn, eid)
    counts = entity_store.entity_count(store.conn, eid)
    return part["head"] | {
        "aliases": list(part["aliases"]), "weak": e.weak, "relations": [dict(r) for r in part["relations"]],
        "documents": counts[0], "mentions": counts[1], "first_seen": first, "last_seen": last,
        "recent_documents": entity_store.entity_documents(store.conn, eid, docs_limit),
        "co_mentioned": [entity_json(kb, other) | {"documents": n}
                         for other, n in entity_store.co_mentioned(store.conn, eid)],
        "source": e.source,
    }


def _print_profile(p: dict) -> None:
    kind = f", {p['kind']}" if p["kind"] else ""
    out.print(f"[bold]{escape(p['name'])}[/bold]  {escape(p['en'] or '')}  ({p['type']}{kind})  id {p['id']}")
    out.print("aliases: " + escape(" / ".join(p["aliases"])))
    groups: dict[tuple, list[str]] = {}
    for r in p["relations"]:
        groups.setdefault((r["direction"], r["rel"], r["role"]), []).append(r["name"])
    for (direction, rel, role), names in groups.items():
        arrow = "->" if direction == "out" else "<-"
        shown = ", ".join(names[:12]) + (f" … (+{len(names) - 12})" if len(names) > 12 else "")
        out.print(f"  {arrow} {rel}{' (' + role + ')' if role else ''}: {escape(shown)}")
    out.print(f"{p['documents']} documents, {p['mentions']} mentions; first seen {p['first_seen'] or '-'},"
              f" last seen {p['last_seen'] or '-'}")
    for d in p["recent_documents"]:
        out.print(f"  {d['id']}  {(d['published_at'] or '')[:10]}  {escape(d['title'] or '')}")
    if p["co_mentioned"]:
        out.print("co-mentioned: " + ", ".join(f"{c['name']} ({c['documents']})" for c in p["co_mentioned"]))
