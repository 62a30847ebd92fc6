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
) -> None:
    """Serve the JSON API (its OpenAPI document at /openapi.json)."""
    import uvicorn

    from autointel.api.app import create_app

    path = _db_path(db)
    _open(path).close()  # migrate and fail early with a coded error, not on the first request
    err.print(f"autointel API on http://{host}:{port}/api  (database {path})")
    uvicorn.run(create_app(path), host=host, port=port, log_level="warning")
