"""CLI commands of the search stage: search, index."""
from __future__ import annotations

from datetime import date
from typing import Optional

import typer
from rich.markup import escape

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.errors import AutointelError


def _date(value: Optional[str], name: str) -> Optional[date]:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        err.print(f"[red]--{name} expects a date like 2025-01-31, not {value!r}[/red]")
        raise typer.Exit(2)


@app.command()
def search(
    query: str = typer.Argument(..., help='Words in any script or English; "phrase", OR, -word, entity:X topic:T'),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    limit: int = typer.Option(10, "--limit", help="Results (stories) to show"),
    since: Optional[str] = typer.Option(None, "--since", help="Published on or after YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--until", help="Published on or before YYYY-MM-DD"),
    entity: list[str] = typer.Option([], "--entity", help="Only documents naming this entity (any alias or id)"),
    topic: list[str] = typer.Option([], "--topic", help="Only documents tagged with this topic id"),
    outlet: list[str] = typer.Option([], "--outlet", help="Only documents from this outlet"),
    metric: list[str] = typer.Option([], "--metric", help="Only documents with facts of this metric"),
    no_fold: bool = typer.Option(False, "--no-fold", help="List duplicates as results of their own"),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per result, then a summary object"),
) -> None:
    """Search the articles; one result per story, duplicates folded under it."""
    from autointel.search.query import Filters
    from autointel.search.service import open_engine
    from autointel.search.snippet import Snippet, marked

    store = _open(db)
    try:
        engine = open_engine(store)
        filters = Filters(since=_date(since, "since"), until=_date(until, "until"), topics=list(topic),
                          outlets=list(outlet), metrics=list(metric),
                          entities=[engine.parser.entity_id(e) for e in entity])
        result = engine.search(query, limit=limit, filters=filters, fold=not no_fold)
    except AutointelError as e:
        err.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    if as_json:
        summary = result.as_dict()
        for r in summary.pop("results"):
            _emit_json(r)
        _emit_json({"summary": summary})
        return
    out.print(f"[dim]{result.total} documents match every word · {result.took_ms:.1f} ms[/dim]")
    for n, h in enumerate(result.hits, 1):
        date_s = (h.published_at or "")[:10]
        out.print(f"[bold]{n}. {escape(h.title or '(untitled)')}[/bold]  [dim]{date_s} {escape(h.source or '')} "
                  f"{h.id} score {h.score:.2f}[/dim]")
        out.print("   " + escape(marked(Snippet(h.snippet, h.highlights))))
        for d in h.duplicates[:5]:
            out.print(f"   [dim]↳ also: {escape(d.get('title') or '')} · {escape(d.get('source') or '')} "
                      f"{(d.get('published_at') or '')[:10]}[/dim]")
    if result.facets.get("outlet"):
        out.print("[dim]outlets: " + ", ".join(f"{escape(k)} {v}" for k, v in result.facets["outlet"][:5]) + "[/dim]")


@app.command("index")
def index_cmd(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the index and build it again from the database"),
) -> None:
    """Bring the full-text index up to date (ingest does this itself), or rebuild it."""
    import time

    from autointel.search.service import update_index

    store = _open(db)
    t0 = time.perf_counter()
    try:
        n = update_index(store, rebuild=rebuild)
    except AutointelError as e:
        err.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    err.print(f"indexed {n} documents in {time.perf_counter() - t0:.1f} s")
