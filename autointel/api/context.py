"""What every route needs: the database (one connection per worker thread), the knowledge base, the search
engine, and the rule for who may write.

Routers in autointel/api/*.py and autointel/web/*.py take one ``AppContext`` so they stay small and share one
set of connections.
"""
from __future__ import annotations

import hmac
import ipaddress
import os
import threading
from typing import Optional

from fastapi import Request

from autointel.errors import AutointelError

NOT_FOUND = "E801"
BAD_PARAMETER = "E802"
UNAUTHORISED = "E803"
MAX_LIMIT = 500


class ApiError(AutointelError):
    """A request the API cannot answer: unknown thing, bad parameter, missing token."""

    def __init__(self, code: str, message: str, status: int):
        super().__init__(code, message)
        self.status = status


def is_loopback_host(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class AppContext:
    def __init__(self, db_path: str, *, host: str = "127.0.0.1", token: Optional[str] = None,
                 allow_hosts: frozenset[str] = frozenset()):
        self.db_path = db_path
        self.host = host
        self.allow_hosts = allow_hosts  # feed hosts that may resolve to private addresses (a lab's own server)
        # Beyond localhost every write needs the token; on localhost the machine's user is trusted.
        self.token = token if token is not None else os.environ.get("AUTOINTEL_TOKEN") or None
        self.writes_need_token = not is_loopback_host(host)
        self._local = threading.local()
        self.write_lock = threading.Lock()  # SQLite has one writer: write routes take turns

    def store(self):
        if getattr(self._local, "store", None) is None:
            from autointel.store import open_store

            self._local.store = open_store(self.db_path)
        return self._local.store

    def kb(self):
        from autointel.search.service import kb_for

        return kb_for(self.store())

    def engine(self):
        if getattr(self._local, "engine", None) is None:
            from autointel.search.service import open_engine

            self._local.engine = open_engine(self.store(), sync=False)
        return self._local.engine

    def entity_id(self, name: Optional[str]) -> Optional[str]:
        """Any alias, script, English name or id -> the entity id; unknown names are a coded 404."""
        if not name:
            return None
        found = self.kb().find(name)
        if not found:
            raise ApiError(NOT_FOUND, f"no entity is called {name!r}", 404)
        return found[0].id

    def check_writer(self, request: Request) -> None:
        """Raise E803 unless this request may change things (ingest, upload, watchlists, KB edits).

        A write from another site's page is refused whatever the address: a browser names the page's origin
        on every cross-site POST, and a page elsewhere must not add feeds or upload to a server on
        localhost (cross-site request forgery)."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            host = request.headers.get("host", "")
            if origin.split("://", 1)[-1].rstrip("/") != host:
                raise ApiError(UNAUTHORISED, f"writes from another site ({origin}) are refused", 403)
        if not self.writes_need_token:
            return
        given = (request.headers.get("x-autointel-token")
                 or request.headers.get("authorization", "").removeprefix("Bearer ").strip()
                 or request.cookies.get("autointel_token") or "")
        if not self.token or not hmac.compare_digest(given.encode(), self.token.encode()):
            raise ApiError(UNAUTHORISED, "this server listens beyond localhost: writing needs its token", 401)


def page(items: list, total: int, limit: int, offset: int) -> dict:
    return {"items": items, "total": total, "limit": limit, "offset": offset}


def check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT or offset < 0:
        raise ApiError(BAD_PARAMETER, f"limit must be 1..{MAX_LIMIT} and offset >= 0", 400)
