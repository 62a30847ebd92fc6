"""`watchlist ...`: saved queries, entities, topics and outlets, their new matches since the last visit, and
their RSS/Atom feeds (docs/watchlists.md)."""
from __future__ import annotations

import sys
from functools import lru_cache
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.errors import AutointelError

watchlist_app = typer.Typer(no_args_is_help=True, help="Watchlists: what is new for saved queries and entities.")
app.add_typer(watchlist_app, name="watchlist")

DEFAULT_BASE_URL = "http://127.0.0.1:8000"  # where `autointel serve` listens by default: feed links open there


def _engine_for(store):
    """The search engine, opened (and the index brought up to date) only when a watchlist has a query."""
    from autointel.search.service import open_engine

    return lru_cache(maxsize=1)(lambda: open_engine(store))


def _fail(e: AutointelError, code: int = 1) -> None:
    err.print(f"[red]{escape(str(e))}[/red]")
    raise typer.Exit(code)


@watchlist_app.command("add")
def add(
    name: str = typer.Argument(..., help="A name for the watchlist (unique)"),
    query: Optional[str] = typer.Option(None, "--query", help='Search syntax: words, "phrase", OR, -word, entity:X'),
    entity: list[str] = typer.Option([], "--entity", help="Watch documents naming this entity (any alias or id)"),
    topic: list[str] = typer.Option([], "--topic", help="Watch documents tagged with this topic id"),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="Only documents from this outlet"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Save a watchlist: a document matches the query, OR names one of the entities, OR has one of the topics."""
    from autointel.search.service import kb_for
    from autointel.watchlists import service

    store = _open(db)
    raw = {"name": name, "query": query, "entities": list(entity), "topics": list(topic), "outlet": outlet}
    try:
        if query:
            _engine_for(store)().parser.parse(query)  # a query that cannot run is refused now, not at each visit
        created = service.create(store.conn, raw, kb_for(store))
    except AutointelError as e:
        _fail(e, 2)
    _emit_json(service.watchlist_json(created))


@watchlist_app.command("list")
def list_watchlists(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines: one watchlist a line, with its counts"),
) -> None:
    """Watchlists with their matching stories and how many are new since the last visit."""
    from autointel.store import watchlists as watchlist_store
    from autointel.watchlists import service

    store = _open(db)
    engine = _engine_for(store)
    rows = []
    for wl in watchlist_store.list_all(store.conn):
        rows.append(service.watchlist_json(wl, service.visit(store.conn, wl, engine, mark_seen=False)))
    if as_json:
        for r in rows:
            _emit_json(r)
        return
    table = Table()
    for col in ("id", "name", "watches", "stories", "new", "updated", "last visit"):
        table.add_column(col, overflow="fold")
    for r in rows:
        c = r["counts"]
        table.add_row(str(r["id"]), escape(r["name"]), escape(_watches(r)), str(c["stories"]), str(c["new"]),
                      str(c["updated"]), (r["last_seen_at"] or "never")[:16])
    out.print(table)


@watchlist_app.command("show")
def show(
    ref: str = typer.Argument(..., metavar="ID", help="Watchlist id or name"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="One JSON line per story, then a summary line"),
    show_all: bool = typer.Option(False, "--all", help="Every matching story, not only the new and updated ones"),
    peek: bool = typer.Option(False, "--peek", help="Do not count this as a visit (what is new stays new)"),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many stories"),
) -> None:
    """What is new for a watchlist since the last visit (one line per story, newest first); marks it seen."""
    from autointel.watchlists import service

    store = _open(db)
    try:
        wl = service.require(store.conn, ref)
        report = service.visit(store.conn, wl, _engine_for(store), mark_seen=not peek)
    except AutointelError as e:
        _fail(e)
    items = report.items if show_all else report.fresh()
    items = items[:limit] if limit is not None else items
    summary = service.watchlist_json(report.watchlist, report)
    if as_json:
        for m in items:
            _emit_json(m.as_dict())
        _emit_json({"summary": summary})
        return
    c = summary["counts"]
    since = f"since {report.new_since[:16]}" if report.new_since else "(first visit)"
    out.print(f"[bold]{escape(wl['name'])}[/bold]  {escape(_watches(summary))}")
    out.print(f"{c['new']} new and {c['updated']} updated stories {since} · {c['stories']} stories match")
    for m in items:
        mark = "[green]new[/green]    " if m.new else ("[yellow]updated[/yellow]" if m.updated else "       ")
        more = f" +{len(m.documents) - 1}" if len(m.documents) > 1 else ""
        out.print(f"{mark} {(m.published_at or '')[:10]:<10} {m.id[:8]} {escape(m.title or '(untitled)')}"
                  f" [dim]{escape(m.outlet or '')}{more}[/dim]")


@watchlist_app.command("remove")
def remove(ref: str = typer.Argument(..., metavar="ID", help="Watchlist id or name"),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Delete a watchlist (the documents stay)."""
    from autointel.watchlists import service

    try:
        removed = service.remove(_open(db).conn, ref)
    except AutointelError as e:
        _fail(e)
    _emit_json({"removed": removed["id"], "name": removed["name"]})


@watchlist_app.command("feed")
def feed(
    ref: str = typer.Argument(..., metavar="ID", help="Watchlist id or name"),
    fmt: str = typer.Option("rss", "--format", help="rss or atom"),
    base_url: str = typer.Option(DEFAULT_BASE_URL, "--base-url", help="Server the item links open on (/doc/ID)"),
    limit: int = typer.Option(50, "--limit", help="Newest stories in the feed"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Print the watchlist as an RSS 2.0 or Atom feed (reading it is not a visit)."""
    from autointel.watchlists import service
    from autointel.watchlists.feeds import FORMATS, watchlist_feed

    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    store = _open(db)
    try:
        report = service.visit(store.conn, service.require(store.conn, ref), _engine_for(store), mark_seen=False)
    except AutointelError as e:
        _fail(e)
    sys.stdout.write(watchlist_feed(store.conn, report, fmt, base_url, limit=limit))


def _watches(wl: dict) -> str:
    parts = [f"query {wl['query']!r}"] if wl.get("query") else []
    parts += [f"entity {e}" for e in wl.get("entities") or []] + [f"topic {t}" for t in wl.get("topics") or []]
    if wl.get("outlet"):
        parts.append(f"outlet {wl['outlet']}")
    return ", ".join(parts)
