"""`kb ...`: curate the knowledge base: check it, add entities, review discovered names and promote them."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
import yaml

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.store import entities as entity_store

kb_app = typer.Typer(no_args_is_help=True, help="Check and curate the knowledge base.")
app.add_typer(kb_app, name="kb")


@kb_app.command("check")
def check(
    files: Optional[list[Path]] = typer.Argument(None, help="YAML files to check (default: the bundled knowledge base)"),
    db: Optional[str] = typer.Option(None, "--db", help="Also check this database's curator additions"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Validate the knowledge base: schema, unique ids, resolvable relations; report shared aliases."""
    from autointel.kb.check import check_kb
    from autointel.kb.loader import load_kb

    extra = entity_store.local_entities(_open(db).conn) if db else []
    report = check_kb(load_kb(files or None, extra=extra))
    if as_json:
        _emit_json(report)
    else:
        for p in report["problems"]:
            err.print(f"[red]error[/red] {p}")
        for w in report["warnings"]:
            err.print(f"[yellow]note[/yellow] {w}")
        err.print(f"{report['entities']} entities ({', '.join(f'{k} {v}' for k, v in report['by_type'].items())}),"
                  f" {report['nicknames']} nicknames, {len(report['problems'])} errors, version {report['version']}")
    raise typer.Exit(1 if report["problems"] else 0)


@kb_app.command("add")
def add(
    name: str = typer.Argument(..., help="Canonical Simplified name"),
    type: str = typer.Option(..., "--type", help="automaker, brand, model, supplier, company, person, place ..."),
    en: Optional[str] = typer.Option(None, "--en", help="English name"),
    eid: Optional[str] = typer.Option(None, "--id", help="Stable id (default: from the English name)"),
    alias: list[str] = typer.Option([], "--alias", help="Another name (repeatable)"),
    weak: list[str] = typer.Option([], "--weak", help="An alias that is also an ordinary word (repeatable)"),
    relation: list[str] = typer.Option([], "--rel", help="REL:TARGET[:ROLE], e.g. brand_of:比亚迪 (repeatable)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    no_link: bool = typer.Option(False, "--no-link", help="Do not re-link the documents now"),
) -> None:
    """Add an entity to this database's knowledge base, then re-link the documents."""
    store = _open(db)
    data = {"id": eid or _slug(en or name), "name": name, "type": type, "en": en,
            "aliases": [a for a in alias if a != name], "weak": weak,
            "relations": [_relation(r) for r in relation]}
    _add_entity(store, {k: v for k, v in data.items() if v}, link_now=not no_link)


@kb_app.command("discover")
def discover(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    limit: Optional[int] = typer.Option(None, "--limit", help="Look at N documents at most"),
) -> None:
    """Propose names the knowledge base does not know (companies, organisations, people, models)."""
    from autointel.link.discovery import propose_candidates

    store = _open(db)
    found = []
    rows = store.conn.execute("SELECT id, canonical FROM documents WHERE status = 'ok' ORDER BY id"
                              + (" LIMIT ?" if limit else ""), (limit,) if limit else ()).fetchall()
    for row in rows:
        known = [(m["start"], m["end"]) for m in entity_store.document_mentions(store.conn, row["id"])
                 if m["field"] == "body"]
        found += [(row["id"], c) for c in propose_candidates(row["canonical"] or "", known)]
    store.begin()
    n = entity_store.save_candidates(store.conn, found)
    store.commit()
    err.print(f"discover: {len(found)} candidate mentions of {n} names in {len(rows)} documents;"
              " review with `autointel kb candidates`")


@kb_app.command("candidates")
def candidates(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json"),
    min_docs: int = typer.Option(1, "--min-docs", help="Only names seen in at least N documents"),
    status: str = typer.Option("new", "--status", help="new, promoted, rejected or all"),
    limit: Optional[int] = typer.Option(None, "--limit"),
) -> None:
    """Names proposed for the knowledge base, with their evidence, most frequent first."""
    store = _open(db)
    rows = entity_store.list_candidates(store.conn, None if status == "all" else status, min_docs, limit)
    if as_json:
        for r in rows:
            _emit_json(r)
        return
    for r in rows:
        example = r["examples"][0]["context"] if r["examples"] else ""
        out.print(f"{r['surface']}\t{r['type']}\t{r['documents']} docs\t{','.join(r['rules'])}\t{example}")


@kb_app.command("promote")
def promote(
    surface: str = typer.Argument(..., help="A candidate name"),
    type: Optional[str] = typer.Option(None, "--type", help="Entity type (default: from the candidate)"),
    en: Optional[str] = typer.Option(None, "--en"),
    eid: Optional[str] = typer.Option(None, "--id"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    no_link: bool = typer.Option(False, "--no-link"),
) -> None:
    """Turn a discovered name into a knowledge-base entity."""
    from autointel.kb.curate import CurationError, promote_candidate

    store = _open(db)
    try:
        kb, data = promote_candidate(store.conn, surface, type=type, en=en, eid=eid)
    except CurationError as e:
        err.print(f"[red]{e.as_text()}[/red]")
        raise typer.Exit(1)
    _added(store, kb, data, link_now=not no_link)


@kb_app.command("reject")
def reject(surface: str = typer.Argument(...), db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Mark a discovered name as not an entity, so it is not proposed again."""
    if not entity_store.mark_candidate(_open(db).conn, surface, "rejected"):
        err.print(f"[red]no candidate {surface!r}[/red]")
        raise typer.Exit(1)


@kb_app.command("export")
def export(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Print this database's curator additions as a knowledge-base YAML file (to commit into kb/data)."""
    out.print(yaml.safe_dump({"entities": entity_store.local_entities(_open(db).conn)}, allow_unicode=True,
                             sort_keys=False), end="")


def _add_entity(store, data: dict, link_now: bool) -> None:
    from autointel.kb.curate import CurationError, add_entity

    try:
        kb = add_entity(store.conn, data)
    except CurationError as e:
        err.print(f"[red]{e.as_text()}[/red]")
        raise typer.Exit(1)
    _added(store, kb, data, link_now)


def _added(store, kb, data: dict, link_now: bool) -> None:
    from autointel.link.linker import Linker
    from autointel.pipeline import relink

    err.print(f"added {data['id']} ({data['name']}, {data['type']})")
    if link_now:
        n = relink(store, Linker(kb))
        err.print(f"re-linked {n} documents")
    _emit_json({"added": data})


def _relation(spec: str) -> dict:
    parts = spec.split(":")
    if len(parts) < 2:
        raise typer.BadParameter(f"relation {spec!r}: expected REL:TARGET[:ROLE]")
    return {"rel": parts[0], "target": parts[1], **({"role": parts[2]} if len(parts) > 2 else {})}


def _slug(text: str) -> str:
    from autointel.kb.curate import slug

    return slug(text)
