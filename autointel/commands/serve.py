"""`autointel serve`: the HTTP API (and, later, the web UI) over one database."""
from __future__ import annotations

from typing import Optional

import typer

from autointel.cli import DB_HELP, _db_path, _open, app, err


@app.command()
def serve(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (default: this machine only)"),
    port: int = typer.Option(8000, "--port"),
    workers: int = typer.Option(1, "--workers", help="Server processes (each answers requests on its own core)"),
) -> None:
    """Serve the JSON API (its OpenAPI document at /openapi.json)."""
    import uvicorn

    from autointel.api.app import create_app

    import os

    from autointel.pipeline import refresh_search

    path = _db_path(db)
    store = _open(path)  # migrate and fail early with a coded error, not on the first request
    refresh_search(store)  # once, before any worker opens the index read-only
    store.close()
    err.print(f"autointel API on http://{host}:{port}/api  (database {path}, {workers} worker(s))")
    if workers > 1:
        os.environ["AUTOINTEL_DB"] = os.path.abspath(path)
        uvicorn.run("autointel.api.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
    else:
        uvicorn.run(create_app(path, sync=False), host=host, port=port, log_level="warning")
