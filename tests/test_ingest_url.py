"""Feeds fetched over HTTP from a loopback server started by the test."""
import functools
import http.server
import threading

import pytest

from autointel.ingest.sources import SourceOptions
from autointel.pipeline import ingest
from tests.conftest import SAMPLES


@pytest.fixture
def feed_server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SAMPLES / "feeds"))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_feed_url_ingests_items_and_is_idempotent(feed_server, store):
    url = f"{feed_server}/example-rss.xml"
    summary = ingest([url], store, options=SourceOptions(allow_private=True))
    assert summary.counts["new"] == 2 and summary.counts["failed"] == 0
    rows = list(store.iter_documents())
    assert {r["outlet"] for r in rows} == {"示例汽车快讯"}
    assert all(r["published_at"] for r in rows)
    again = ingest([url], store, options=SourceOptions(allow_private=True))
    assert again.counts["unchanged"] == 2


def test_loopback_url_refused_by_default(feed_server, store):
    summary = ingest([f"{feed_server}/example-rss.xml"], store)
    assert summary.counts["failed"] == 1
    assert summary.failures[0].code == "E114"
