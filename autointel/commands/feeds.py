"""`feeds ...` and `watch`: subscriptions and the polling scheduler (`export` is in commands/export.py)."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.ingest.sources import is_url
from autointel.store import subscriptions as subs_store

feeds_app = typer.Typer(no_args_is_help=True, help="Subscribe to feeds and local folders; OPML import/export.")
app.add_typer(feeds_app, name="feeds")

ALLOW_HELP = "Host that may be fetched although it is private or loopback (repeatable; also $AUTOINTEL_ALLOW_HOSTS)"


@feeds_app.command("add")
def add(
    target: str = typer.Argument(..., help="Feed URL, or a local folder / file to watch"),
    name: Optional[str] = typer.Option(None, "--name"),
    every: str = typer.Option("30m", "--every", help="Polling interval: 45s, 30m, 2h, 1d"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Subscribe to a feed URL, or watch a folder (Hexo source/_posts, Markdown) or a growing JSONL file."""
    from autointel.subscribe.schedule import parse_interval

    try:
        every_s = parse_interval(every)
    except ValueError as e:
        raise typer.BadParameter(str(e))
    url, kind = _target(target)
    store = _open(db)
    sub_id, created = subs_store.add(store.conn, url, kind, name, every_s)
    _emit_json({"id": sub_id, "url": url, "kind": kind, "created": created})


@feeds_app.command("list")
def list_feeds(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Subscriptions with their health: last success and error, items seen and new, items per day, next poll."""
    from autointel.subscribe.schedule import health

    now = subs_store.now_utc()
    rows = [health(s, now) for s in subs_store.all_subscriptions(_open(db).conn)]
    if as_json:
        for r in rows:
            _emit_json(r)
        return
    table = Table()
    for col in ("id", "name / url", "every", "status", "last success", "new/seen", "per day", "next poll", "last error"):
        table.add_column(col, overflow="fold")
    for r in rows:
        table.add_row(str(r["id"]), escape(r["name"] or r["url"]), r["every"], r["status"],
                      (r["last_success"] or "-")[:16], f"{r['items_new']}/{r['items_seen']}", str(r["items_per_day"]),
                      (r["next_poll"] or "")[:16], escape(r["last_error"] or ""))
    out.print(table)


@feeds_app.command("remove")
def remove(ref: str = typer.Argument(..., help="Subscription id or URL"),
           db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Stop following a subscription (the articles it brought stay)."""
    url = ref if ref.isdigit() or is_url(ref) else _target(ref)[0]
    if not subs_store.remove(_open(db).conn, url):
        err.print(f"[red]no subscription {ref!r}[/red]")
        raise typer.Exit(1)


@feeds_app.command("import")
def import_opml(
    file: Path = typer.Argument(..., help="OPML file (as every feed reader exports)"),
    every: str = typer.Option("30m", "--every", help="Interval for outlines that do not say"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """Subscribe to every feed of an OPML file."""
    from autointel.errors import AutointelError
    from autointel.subscribe.opml import read_opml
    from autointel.subscribe.schedule import parse_interval

    try:
        outlines = read_opml(file.read_bytes())
    except (AutointelError, OSError) as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(1)
    store = _open(db)
    created = 0
    for o in outlines:
        try:
            every_s = parse_interval(o.every or every)
        except ValueError:
            every_s = parse_interval(every)
        created += subs_store.add(store.conn, o.url, "feed", o.name, every_s)[1]
    _emit_json({"outlines": len(outlines), "created": created})


@feeds_app.command("export")
def export_opml(db: Optional[str] = typer.Option(None, "--db", help=DB_HELP)) -> None:
    """Print the feed subscriptions as OPML 2.0."""
    from autointel.subscribe.opml import Outline, write_opml
    from autointel.subscribe.schedule import format_interval

    subs = [s for s in subs_store.all_subscriptions(_open(db).conn) if s["kind"] == "feed"]
    sys.stdout.write(write_opml([Outline(s["url"], s["name"], format_interval(s["every_s"])) for s in subs]))


@app.command()
def watch(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    once: bool = typer.Option(False, "--once", help="Poll what is due once, then stop"),
    timeout: float = typer.Option(20.0, "--timeout", help="Seconds per fetch"),
    per_host: int = typer.Option(2, "--per-host", help="Concurrent requests to one host"),
    allow_host: list[str] = typer.Option([], "--allow-host", help=ALLOW_HELP),
    allow_private: bool = typer.Option(False, "--allow-private", help="Allow every private/loopback address"),
    as_json: bool = typer.Option(False, "--json", help="One JSON line per poll"),
) -> None:
    """Poll every subscription on its interval and ingest (and link) new articles, until interrupted."""
    from autointel.pipeline import linker_for
    from autointel.subscribe.poller import PollSettings
    from autointel.subscribe.watch import run_scheduler

    store = _open(db)
    settings = PollSettings(timeout=timeout, per_host=per_host, allow_private=allow_private,
                            allow_hosts=allowed_hosts(allow_host))

    def on_report(r) -> None:
        if as_json:
            _emit_json(r.__dict__)
        else:
            err.print(f"{r.outcome:<12} {r.new} new / {r.seen} seen  {r.url}  {r.error or ''}")

    try:
        run_scheduler(store, settings, linker=linker_for(store), once=once, on_report=on_report)
    except KeyboardInterrupt:
        err.print("watch: stopped")


def allowed_hosts(flags: list[str]) -> frozenset[str]:
    env = [h.strip() for h in os.environ.get("AUTOINTEL_ALLOW_HOSTS", "").split(",") if h.strip()]
    return frozenset(h.lower() for h in [*flags, *env])


def _target(target: str) -> tuple[str, str]:
    if is_url(target):
        return target, "feed"
    if "://" in target:
        raise typer.BadParameter(f"{target!r}: only http(s) feeds, or local paths")
    path = Path(target).resolve()
    if not path.exists():
        raise typer.BadParameter(f"{target!r} does not exist")
    return str(path), "folder" if path.is_dir() else "file"
