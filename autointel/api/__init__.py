"""The HTTP API (FastAPI): the same data as the CLI's --json views, for the web UI and notebooks."""
