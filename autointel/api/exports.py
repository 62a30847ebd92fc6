"""`GET /api/export/{table}.{fmt}`: documents, mentions, facts or claims as a streamed JSONL, CSV or Parquet download.

The export writes to a file-like object (autointel/export/tables.py) while the response reads chunks: a
producer thread with a connection of its own writes into a bounded queue.  The thread owns its connection
because Starlette may pull each chunk of a streamed response on a different worker thread, and a SQLite
connection must stay on the thread that made it.  A client that goes away stops the producer at its next
write instead of leaving it blocked.
"""
from __future__ import annotations

import io
import queue
import threading
from datetime import date, timedelta
from typing import Iterator, Optional

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from autointel.api.context import BAD_PARAMETER, ApiError, AppContext

CHUNK_QUEUE = 16  # chunks in flight (each one record batch at most): bounds the memory of a slow download
_DONE = object()


class _Cancelled(Exception):
    """The client stopped reading: the producer thread ends."""


class QueueWriter(io.RawIOBase):
    """A write-only stream whose writes become the chunks of a streamed response."""

    def __init__(self) -> None:
        super().__init__()
        self.chunks: queue.Queue = queue.Queue(maxsize=CHUNK_QUEUE)
        self.cancelled = threading.Event()
        self._position = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:  # Parquet writers ask where they are
        return self._position

    def write(self, data) -> int:
        chunk = bytes(data)
        while True:
            if self.cancelled.is_set():
                raise _Cancelled()
            try:
                self.chunks.put(chunk, timeout=0.5)
                break
            except queue.Full:
                continue
        self._position += len(chunk)
        return len(chunk)

    def finish(self, error: BaseException | None = None) -> None:
        """Tell the reader the stream ended (``error``: how); never blocks once the reader has left."""
        while not self.cancelled.is_set():
            try:
                self.chunks.put(error or _DONE, timeout=0.5)
                return
            except queue.Full:
                continue

    def read_chunks(self) -> Iterator[bytes]:
        try:
            while True:
                item = self.chunks.get()
                if item is _DONE:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            self.cancelled.set()


def stream_table(db_path: str, table: str, fmt: str, **filters) -> Iterator[bytes]:
    """The bytes of one export, produced on a thread of its own."""
    from autointel.export.tables import write_table
    from autointel.store import open_store

    writer = QueueWriter()

    def produce() -> None:
        store = None
        try:
            store = open_store(db_path)
            write_table(store, table, fmt, writer, **filters)
            writer.finish()
        except _Cancelled:
            pass
        except BaseException as e:  # reaches the reader, which fails the response instead of truncating silently
            writer.finish(e)
        finally:
            if store is not None:
                store.close()

    threading.Thread(target=produce, name=f"export-{table}.{fmt}", daemon=True).start()
    return writer.read_chunks()


def download_name(table: str, fmt: str, entity_id: Optional[str], outlet: Optional[str],
                  since: Optional[date], until: Optional[date]) -> str:
    """autointel-facts-byd-2025-01-01..2025-06-30.csv: ASCII only (outlets are Chinese, so they stay out)."""
    parts = ["autointel", table]
    if entity_id:
        parts.append("".join(ch for ch in entity_id if ch.isascii() and (ch.isalnum() or ch in "-_")))
    if outlet:
        parts.append("outlet")
    if since or until:
        parts.append(f"{since or ''}..{until or ''}")
    return "-".join(p for p in parts if p) + f".{fmt}"


def router(ctx: AppContext) -> APIRouter:
    from autointel.export.tables import FORMATS, MEDIA_TYPES, TABLES

    api = APIRouter()

    @api.get("/api/export/{name}", summary="Download a table (documents, mentions, facts, claims) as JSONL, CSV or"
                                           " Parquet, e.g. /api/export/facts.csv?entity=BYD")
    def export_table(name: str, entity: Optional[str] = None, outlet: Optional[str] = None,
                     since: Optional[date] = None, until: Optional[date] = None) -> StreamingResponse:
        table, _, fmt = name.rpartition(".")
        if table not in TABLES or fmt not in FORMATS:
            raise ApiError(BAD_PARAMETER, f"no export {name!r}: tables {', '.join(TABLES)}, formats"
                                          f" {', '.join(FORMATS)} (e.g. facts.csv)", 400)
        entity_id = ctx.entity_id(entity)
        # until is inclusive here, as everywhere in the API; the export itself takes an exclusive end
        end = until + timedelta(days=1) if until else None
        chunks = stream_table(ctx.db_path, table, fmt, entity_id=entity_id, outlet=outlet, since=since, until=end)
        filename = download_name(table, fmt, entity_id, outlet, since, until)
        return StreamingResponse(chunks, media_type=MEDIA_TYPES[fmt],
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return api
