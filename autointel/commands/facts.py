"""`facts`, `claims` and `conflicts`: the numbers and the claims, each with its evidence."""
from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.store import facts as fact_store


def _entity_id(store, name: Optional[str]) -> Optional[str]:
    if not name:
        return None
    from autointel.pipeline import linker_for

    found = linker_for(store).kb.find(name)
    if len(found) != 1:
        err.print(f"[red]{name!r} names {len(found)} entities[/red]" + (
            ": " + ", ".join(f"{e.id} ({e.name})" for e in found) if found else ""))
        raise typer.Exit(1)
    return found[0].id


def fact_json(f: dict) -> dict:
    return {"id": f["id"], "doc_id": f["document_id"], "doc_title": f["doc_title"], "outlet": f["outlet"],
            "published_at": f["published_at"], "subject": f["subject"], "subject_id": f["subject_id"],
            "metric": f["metric"], "value": f["value"], "value_max": f["value_max"], "unit": f["unit"],
            "qualifier": f["qualifier"], "direction": f["direction"], "period": f["period"],
            "basis": f["basis"], "scope": f["scope"], "text": f["text"], "start": f["start"], "end": f["end"],
            "orig_start": f["orig_start"], "orig_end": f["orig_end"],
            "sentence_start": f["sentence_start"], "sentence_end": f["sentence_end"]}


def format_value(f: dict) -> str:
    v = f["value"]
    shown = f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}"
    if f["value_max"] is not None:
        shown += f"–{f['value_max']:,.0f}" if abs(f["value_max"]) >= 1000 else f"–{f['value_max']:g}"
    sign = {"up": "+", "down": "−"}.get(f["direction"] or "", "")
    qual = {"approx": "~", "nearly": "≈<", "over": ">", "under": "<", "several": "several "}.get(f["qualifier"] or "", "")
    return f"{sign}{qual}{shown} {f['unit']}"


@app.command()
def facts(
    entity: Optional[str] = typer.Option(None, "--entity", help="Subject: any name of the entity"),
    metric: Optional[str] = typer.Option(None, "--metric", help="production, sales, deliveries, revenue ..."),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines on stdout"),
    limit: Optional[int] = typer.Option(None, "--limit"),
) -> None:
    """Numeric facts: subject, metric, value and unit, period, basis, scope, and the document they came from."""
    store = _open(db)
    rows = fact_store.list_facts(store.conn, _entity_id(store, entity), metric, limit=limit)
    if as_json:
        for f in rows:
            _emit_json(fact_json(f))
        return
    table = Table()
    for col in ("subject", "metric", "value", "period", "basis", "scope", "source", "text"):
        table.add_column(col, overflow="fold")
    for f in rows:
        table.add_row(escape(f["subject"]), f["metric"], format_value(f), f["period"] or "", f["basis"],
                      escape(f["scope"] or ""), escape(f"{f['outlet'] or ''} {(f['published_at'] or '')[:10]} {f['document_id'][:8]}"),
                      escape(f["text"]))
    out.print(table)


@app.command()
def claims(
    entity: Optional[str] = typer.Option(None, "--entity", help="Participant: any name of the entity"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines on stdout"),
) -> None:
    """Claims (cooperation, investment, supply, plants, launches, tariffs, lawsuits, personnel) and their history."""
    from autointel.pipeline import linker_for

    store = _open(db)
    kb = linker_for(store).kb
    rows = fact_store.list_claims(store.conn, _entity_id(store, entity))
    for c in rows:
        c["participant_names"] = [kb.entities[p].name if p in kb.entities else p for p in c["participants"]]
        c["history"] = [{"doc_id": e["document_id"], "doc_title": e["doc_title"], "outlet": e["outlet"],
                         "published_at": e["published_at"], "status": e["status"], "attribution": e["attribution"],
                         "attribution_id": e["attribution_id"], "text": e["text"], "start": e["start"],
                         "end": e["end"], "orig_start": e["orig_start"], "orig_end": e["orig_end"]}
                        for e in c["history"]]
    if as_json:
        for c in rows:
            _emit_json(c)
        return
    for c in rows:
        out.print(f"[bold]#{c['id']} {c['type']}[/bold] {escape(' × '.join(c['participant_names']))}: {c['status']}")
        for e in c["history"]:
            who = f" ({escape(e['attribution'])})" if e["attribution"] else ""
            out.print(f"  {(e['published_at'] or '')[:10]} {e['status']}{who} {e['doc_id'][:8]}: {escape(e['text'][:80])}")


@app.command()
def conflicts(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Figures for the same subject, metric, period and scope that differ between sources, side by side."""
    rows = fact_store.conflicts(_open(db).conn)
    if as_json:
        for c in rows:
            _emit_json(c | {"facts": [fact_json(f) for f in c["facts"]]})
        return
    for c in rows:
        out.print(f"[bold]{escape(c['subject'])}[/bold] {c['metric']} {c['period']} {escape(c['scope'] or '')} ({c['basis']})")
        for f in c["facts"]:
            out.print(f"  {format_value(f):>24}  {escape(f['outlet'] or '')} {(f['published_at'] or '')[:10]}"
                      f" {f['document_id'][:8]}  {escape(f['text'])}")
