"""The ``autointel`` command line.

Contract relied on by scripts and later tools: JSON goes to stdout (one object
per line for listings), progress and logs go to stderr, a listing prints every
row unless ``--limit`` is given.  Library errors are coded; they are turned
into messages and exit codes only here, at the edge.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from autointel.errors import AutointelError
from autointel.ingest.sources import SourceOptions

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese auto-industry news into an evidence-backed knowledge base.")
err = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

DB_HELP = "SQLite database file or postgresql:// URL (default: $AUTOINTEL_DB or ./autointel.db)"


def _db_path(db: Optional[str]) -> str:
    return db or os.environ.get("AUTOINTEL_DB") or "autointel.db"


def _open(db: Optional[str]):
    from autointel.store import open_store

    try:
        return open_store(_db_path(db))
    except AutointelError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2)


def _emit_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@app.command()
def ingest(
    paths: list[str] = typer.Argument(..., help="Files, directories (recursive) or http(s) URLs"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    format: Optional[str] = typer.Option(None, "--format", help="Force a reader: hexo, markdown, text, digest, jsonl, feed, html"),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON line per article and a summary line"),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow fetching URLs on private/loopback addresses"),
    no_link: bool = typer.Option(False, "--no-link", help="Do not link entities now (run `autointel link` later)"),
    engine: str = typer.Option("local", "--engine", help="local (this process), ray or spark: read, normalise and analyse in parallel workers"),
    workers: int = typer.Option(2, "--workers", help="Worker processes for --engine ray|spark"),
    address: Optional[str] = typer.Option(None, "--address", help="Cluster to run on: Ray address (default $RAY_ADDRESS) or Spark master URL (default $SPARK_MASTER); local mode when unset"),
) -> None:
    """Read articles from files, archives, feeds and pages into the database, and link their entities."""
    from functools import partial

    from autointel.engines import EngineError, ingest as engine_ingest
    from autointel.pipeline import linker_for

    run_ingest = partial(engine_ingest, engine=engine, workers=workers, address=address)

    store = _open(db)
    linker = None if no_link else linker_for(store)
    options = SourceOptions(allow_private=allow_private)
    with Progress(SpinnerColumn(), TextColumn("[bold]ingest"), BarColumn(bar_width=None),
                  TextColumn("{task.completed} articles · {task.fields[new]} new · {task.fields[failed]} failed"),
                  TimeElapsedColumn(), console=err, transient=not err.is_terminal, disable=as_json and not err.is_terminal) as progress:
        task = progress.add_task("ingest", total=None, new=0, failed=0)
        tally = {"new": 0, "failed": 0}

        def on_item(item, status: str) -> None:
            if status in tally:
                tally[status] += 1
            progress.update(task, advance=1, **tally)
            if as_json:
                _emit_json(_item_json(item, status))

        try:
            summary = run_ingest(paths, store, forced_format=format, options=options, on_item=on_item, linker=linker)
        except EngineError as e:
            store.close()
            err.print(f"[red]{e}[/red]")
            raise typer.Exit(2)
    store.close()
    result = summary.as_dict()
    if as_json:
        _emit_json({"summary": result, "database": _db_path(db)})
    else:
        err.print("ingest: " + ", ".join(f"{k} {v}" for k, v in result.items()) + f"  -> {_db_path(db)}")
        for f in summary.failures[:20]:
            err.print(f"  [yellow][{f.code}][/yellow] {f.location}: {f.message}")
        if len(summary.failures) > 20:
            err.print(f"  … and {len(summary.failures) - 20} more (autointel docs --status failed)")


def _item_json(item, status: str) -> dict:
    from autointel.models import FailedInput
    from autointel.store.sqlite import document_id

    if isinstance(item, FailedInput):
        return {"id": document_id(item.source_key), "status": "failed", "path": item.location,
                "error": f"[{item.code}] {item.message}", "error_code": item.code}
    return {"id": document_id(item.raw.source_key), "status": status, "title": item.title,
            "path": item.raw.location, "script": item.script}


from autointel.views import doc_row as _doc_row  # noqa: E402  (kept for callers of the old name)


@app.command()
def docs(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines on stdout"),
    limit: Optional[int] = typer.Option(None, "--limit", help="Print at most N rows (default: all)"),
    status: Optional[str] = typer.Option(None, "--status", help="ok or failed"),
) -> None:
    """List articles (failures included, with their coded error)."""
    store = _open(db)
    rows = (_doc_row(r) for r in store.iter_documents(status=status, limit=limit))
    if as_json:
        for r in rows:
            _emit_json(r)
        return
    table = Table(show_lines=False)
    for col in ("id", "published", "source", "script", "title / error"):
        table.add_column(col, overflow="fold")
    for r in rows:
        label = r["title"] or ""
        if r["status"] == "failed":
            label = f"[red]{r['error']}[/red] {r['path']}"
        table.add_row(r["id"], (r["published_at"] or "")[:16], r["source"] or "", r["script"] or "", label)
    out.print(table)


@app.command()
def show(
    doc_id: str = typer.Argument(..., metavar="ID"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json"),
    original: bool = typer.Option(False, "--original", help="Print the original text instead of the canonical"),
) -> None:
    """Show one article: metadata and canonical (or original) text."""
    store = _open(db)
    doc = store.get_document(doc_id)
    if doc is None:
        err.print(f"[red]no document {doc_id!r}[/red]")
        raise typer.Exit(1)
    from autointel.search.service import kb_for
    from autointel.views import document_view

    view = document_view(store, kb_for(store), doc)
    if as_json:
        _emit_json(view)
        return
    out.print(f"[bold]{view['title'] or '(untitled)'}[/bold]")
    out.print(f"{view['id']} · {view['source'] or '?'} · {view['published_at'] or 'date unknown'} · {view['script'] or ''}")
    if view["url"]:
        out.print(view["url"])
    if view["error"]:
        out.print(f"[red]{view['error']}[/red]")
    out.print()
    out.print((view["original"] if original else view["text"]) or "")


@app.command()
def normalize(
    file: str = typer.Argument(..., help="A file in any supported format"),
    format: Optional[str] = typer.Option(None, "--format"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Print the canonical text of each article in FILE (nothing is stored)."""
    from autointel.models import FailedInput
    from autointel.pipeline import articles_from

    code = 0
    for item in articles_from([file], forced_format=format):
        if isinstance(item, FailedInput):
            code = 1
            if as_json:
                _emit_json({"path": item.location, "status": "failed", "error": f"[{item.code}] {item.message}"})
            else:
                err.print(f"[red][{item.code}] {item.location}: {item.message}[/red]")
            continue
        if as_json:
            _emit_json({"title": item.title, "script": item.script, "source": item.raw.outlet,
                        "published_at": item.raw.published_at, "text": item.canonical})
        else:
            out.print(f"# {item.title or '(untitled)'}")
            out.print(item.canonical)
            out.print()
    raise typer.Exit(code)


@app.command()
def stats(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Counts by status, script, reader, error and outlet."""
    store = _open(db)
    s = store.stats()
    if as_json:
        _emit_json(s)
        return
    for k, v in s.items():
        out.print(f"{k:>18}: {v}")


# Commands of later stages live in their own modules and register on the same app.
from autointel.commands import entities as _entities, facts as _facts, feeds as _feeds, kb as _kb  # noqa: E402,F401
from autointel.commands import export as _export  # noqa: E402,F401
from autointel.commands import search as _search, serve as _serve, stories as _stories, topics as _topics  # noqa: E402,F401,E501
from autointel.commands import trends as _trends, watchlists as _watchlists  # noqa: E402,F401
from autointel.commands import brief as _brief  # noqa: E402,F401

if __name__ == "__main__":  # pragma: no cover
    # Run the app of the imported module: the command modules registered on that one, not on __main__.
    from autointel.cli import app as registered_app

    registered_app()
