"""`trends`: articles per week or month for topics and entities, zero-filled (docs/watchlists.md)."""
from __future__ import annotations

from datetime import date
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.errors import AutointelError


def series_namer(kb, taxonomy):
    """(kind, key) -> the name a chart shows: the topic's Chinese name, the entity's canonical name."""
    def name_of(kind: str, key: str) -> str:
        if kind == "topic":
            t = taxonomy.get(key)
            return t.zh if t else key
        e = kb.entities.get(key)
        return e.name if e else key

    return name_of


def _date(value: Optional[str], flag: str) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]{flag} expects a date like 2025-01-31, not {value!r}[/red]")
        raise typer.Exit(2)


@app.command()
def trends(
    topic: list[str] = typer.Option([], "--topic", help="Topic id (repeatable)"),
    entity: list[str] = typer.Option([], "--entity", help="Entity: any alias, script, English name or id (repeatable)"),
    interval: str = typer.Option("month", "--interval", help="week or month"),
    since: Optional[str] = typer.Option(None, "--since", help="From YYYY-MM-DD (default: 12 months / 26 weeks back)"),
    until: Optional[str] = typer.Option(None, "--until", help="To YYYY-MM-DD, inclusive (default: newest article)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help='One JSON object: {"interval", "buckets", "series"}'),
) -> None:
    """Articles per week or month for topics and entities (default: the top topics), no gaps."""
    from autointel.search.service import kb_for
    from autointel.store.trends import trends as compute_trends
    from autointel.topics import load_taxonomy

    store = _open(db)
    kb, taxonomy = kb_for(store), load_taxonomy()
    unknown = [t for t in topic if taxonomy.get(t) is None]
    if unknown:
        err.print(f"[red]no topic {', '.join(map(repr, unknown))}; topics: {', '.join(taxonomy.ids)}[/red]")
        raise typer.Exit(2)
    entity_ids = []
    for name in entity:
        found = kb.find(name)
        if not found:
            err.print(f"[red]no entity is called {name!r}[/red]")
            raise typer.Exit(2)
        entity_ids.append(found[0].id)
    try:
        result = compute_trends(store.conn, topics=topic, entities=entity_ids, interval=interval,
                                since=_date(since, "--since"), until=_date(until, "--until"),
                                name_of=series_namer(kb, taxonomy))
    except AutointelError as e:
        err.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    if as_json:
        _emit_json(result)
        return
    table = Table(title=f"articles per {interval}, {result['since']} .. {result['until']}")
    table.add_column(interval)
    for s in result["series"]:
        table.add_column(f"{escape(s['name'])}\n{s['total']}", justify="right")
    for i, label in enumerate(result["buckets"]):
        table.add_row(label, *(str(s["counts"][i]) for s in result["series"]))
    out.print(table)
