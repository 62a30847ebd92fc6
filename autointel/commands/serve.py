"""`autointel serve`: the web UI and the JSON API over one database, and the feed scheduler beside them."""
from __future__ import annotations

import os
import secrets
import threading
from typing import Optional

import typer

from autointel.cli import DB_HELP, _db_path, _open, app, err


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(1, "--workers", help="Server processes (each answers requests on its own core)"),
    token: Optional[str] = typer.Option(None, "--token", envvar="AUTOINTEL_TOKEN",
                                        help="Token that writes need when listening beyond localhost"
                                             " (default: a new random one, printed at start)"),
    allow_host: list[str] = typer.Option([], "--allow-host",
                                         help="Feed host that may resolve to a private or loopback address"),
    watch: bool = typer.Option(True, "--watch/--no-watch", help="Poll subscribed feeds on schedule while serving"),
) -> None:
    """Serve the web UI at / and the JSON API at /api (OpenAPI document at /openapi.json)."""
    import uvicorn

    from autointel.api.app import create_app
    from autointel.api.context import is_loopback_host
    from autointel.pipeline import refresh_search

    path = _db_path(db)
    store = _open(path)  # migrate and fail early with a coded error, not on the first request
    refresh_search(store)  # once, before any worker opens the index read-only
    store.close()
    if not is_loopback_host(host) and not token:
        token = secrets.token_urlsafe(24)
        err.print(f"listening beyond localhost: writes need the token  {token}")
    err.print(f"autointel on http://{host}:{port}/  (API /api, database {path}, {workers} worker(s))")
    hosts = frozenset(h.lower() for h in allow_host)
    stop = threading.Event()
    if watch:
        threading.Thread(target=_poll_feeds, args=(path, hosts, stop), daemon=True, name="feeds").start()
    try:
        if workers > 1:
            os.environ.update(AUTOINTEL_DB=path if "://" in path else os.path.abspath(path), AUTOINTEL_HOST=host,
                              AUTOINTEL_TOKEN=token or "", AUTOINTEL_ALLOW_HOSTS=",".join(sorted(hosts)))
            uvicorn.run("autointel.api.app:app_from_environment", factory=True, host=host, port=port,
                        workers=workers, log_level="warning")
        else:
            uvicorn.run(create_app(path, sync=False, host=host, token=token, allow_hosts=hosts), host=host,
                        port=port, log_level="warning")
    finally:
        stop.set()


def _poll_feeds(path: str, hosts: frozenset[str], stop: threading.Event) -> None:
    """The `watch` loop on its own connection: new articles arrive while the UI is open."""
    from autointel.pipeline import linker_for
    from autointel.store import open_store
    from autointel.subscribe.poller import PollSettings
    from autointel.subscribe.watch import run_scheduler

    store = open_store(path)
    try:
        run_scheduler(store, PollSettings(allow_hosts=hosts), linker=linker_for(store), stop=stop)
    except Exception as e:  # the server goes on; the feed's health on /ingest shows what failed
        err.print(f"[red]feed scheduler stopped: {e}[/red]")
    finally:
        store.close()
