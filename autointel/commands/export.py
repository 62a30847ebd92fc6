"""`export`: documents as a Hexo archive or an RSS/Atom feed, or one table (documents, mentions, facts,
claims) as JSONL, CSV or Parquet for analysts' tools.  One command, one set of filters."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from autointel.cli import DB_HELP, _open, app, err
from autointel.errors import AutointelError
from autointel.store import subscriptions as subs_store

ARCHIVE_FORMATS = ("hexo", "rss", "atom")


@app.command("export")
def export(
    out_path: Path = typer.Option(..., "--out", help="Folder (hexo) or file (rss, atom, jsonl, csv, parquet); - for stdout"),
    fmt: str = typer.Option("hexo", "--format", help="hexo, rss or atom (documents as posts or feed items);"
                                                     " jsonl, csv or parquet (one --table)"),
    table: Optional[str] = typer.Option(None, "--table", help="documents, mentions, facts or claims (jsonl, csv,"
                                                              " parquet; default documents)"),
    feed: Optional[str] = typer.Option(None, "--feed", help="Only what this subscription (id or URL) brought"),
    entity: Optional[str] = typer.Option(None, "--entity", help="Only documents naming this entity (any alias); for"
                                                                " tables: its mentions, the facts about it, its claims"),
    outlet: Optional[str] = typer.Option(None, "--outlet"),
    since: Optional[str] = typer.Option(None, "--since", help="ISO date (UTC), inclusive"),
    until: Optional[str] = typer.Option(None, "--until", help="ISO date (UTC), exclusive"),
    contains: Optional[str] = typer.Option(None, "--contains", help="Only documents whose text has this phrase"),
    text: str = typer.Option("canonical", "--text", help="canonical or original"),
    limit: Optional[int] = typer.Option(None, "--limit"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Write documents out as a Hexo archive or RSS/Atom feed, or a table as JSONL, CSV (UTF-8 with BOM) or Parquet."""
    from autointel.export.tables import FORMATS, TABLES

    if fmt not in ARCHIVE_FORMATS + FORMATS or text not in ("canonical", "original"):
        raise typer.BadParameter(f"--format is one of {', '.join(ARCHIVE_FORMATS + FORMATS)};"
                                 " --text is canonical or original")
    if fmt in FORMATS:
        if table is not None and table not in TABLES:
            raise typer.BadParameter(f"--table is one of {', '.join(TABLES)}")
        unused = [flag for flag, value in (("--feed", feed), ("--contains", contains), ("--limit", limit),
                                           ("--text", None if text == "canonical" else text)) if value is not None]
        if unused:  # refused rather than ignored: a silently wider export is worse than an error
            raise typer.BadParameter(f"{', '.join(unused)} applies to hexo, rss and atom only (table rows carry both texts)")
    elif table is not None:
        raise typer.BadParameter("--table goes with --format jsonl, csv or parquet")
    store = _open(db)
    entity_id = _entity_id(store, entity)
    if fmt in FORMATS:
        _export_table(store, table or "documents", fmt, out_path, entity_id=entity_id, outlet=outlet, since=since,
                      until=until)
    else:
        _export_archive(store, fmt, out_path, feed, entity, entity_id, outlet, since, until, contains, text, limit)


def _entity_id(store, entity: Optional[str]) -> Optional[str]:
    if not entity:
        return None
    from autointel.search.service import kb_for

    found = kb_for(store).find(entity)
    if len(found) != 1:
        err.print(f"[red]{entity!r} names {len(found)} entities; use an id[/red]")
        raise typer.Exit(1)
    return found[0].id


def _export_table(store, table: str, fmt: str, out_path: Path, **filters) -> None:
    from autointel.export.tables import write_table

    try:
        if str(out_path) == "-":
            n = write_table(store, table, fmt, sys.stdout.buffer, **filters)
            sys.stdout.buffer.flush()
        else:
            # written beside the target and renamed: a failed export never leaves a half file under its name
            partial = out_path.with_name(out_path.name + ".partial")
            try:
                with open(partial, "wb") as f:
                    n = write_table(store, table, fmt, f, **filters)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(out_path)
    except AutointelError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2)
    err.print(f"export: {n} {table} rows as {fmt} -> {out_path}")


def _export_archive(store, fmt, out_path, feed, entity, entity_id, outlet, since, until, contains, text, limit) -> None:
    from autointel.export.archive import write_atom, write_hexo, write_rss
    from autointel.export.select import Selection, select_documents

    sub = None
    if feed:
        matches = [s for s in subs_store.all_subscriptions(store.conn) if str(s["id"]) == feed or s["url"] == feed]
        if not matches:
            err.print(f"[red]no subscription {feed!r}[/red]")
            raise typer.Exit(1)
        sub = matches[0]
    docs = select_documents(store.conn, Selection(sub, entity_id, outlet, since, until, contains, limit))
    title = "autointel: " + (sub and (sub["name"] or sub["url"]) or entity or contains or outlet or "export")
    if fmt == "hexo":
        n = write_hexo(docs, out_path, text)
        err.print(f"export: {n} posts under {out_path / 'source' / '_posts'}")
        return
    xml = (write_rss if fmt == "rss" else write_atom)(docs, title, "urn:autointel:export", text)
    if str(out_path) == "-":
        sys.stdout.write(xml)
    else:
        out_path.write_text(xml, encoding="utf-8")
