"""The only package that talks SQL."""
from autointel.store.sqlite import SqliteStore, open_store

__all__ = ["SqliteStore", "open_store"]
