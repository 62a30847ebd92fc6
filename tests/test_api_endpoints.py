"""Every endpoint of the OpenAPI document is called here, with a good request and a bad one.

The table below must name every path the server publishes: a new endpoint without a row fails
test_every_published_endpoint_is_exercised.  Bad requests must answer with a coded error
{"error": {"code", "message"}} and a 4xx status, never a 500 or FastAPI's bare {"detail"}.
"""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from autointel.api.app import create_app
from tests.conftest import SAMPLES

# (method, path template, good request, bad request) — requests as (concrete path, kwargs, expected status)
ROWS = {
    ("GET", "/api/health"): (("/api/health", {}, 200), None),
    ("GET", "/api/search"): (("/api/search", {"params": {"q": "比亚迪"}}, 200),
                             ("/api/search", {"params": {"q": "比亚迪", "limit": 0}}, 400)),
    ("GET", "/api/documents"): (("/api/documents", {"params": {"limit": 5}}, 200),
                                ("/api/documents", {"params": {"offset": -1}}, 400)),
    ("GET", "/api/documents/{doc_id}"): (("/api/documents/{doc}", {}, 200), ("/api/documents/nope", {}, 404)),
    ("GET", "/api/entities"): (("/api/entities", {"params": {"type": "automaker"}}, 200),
                               ("/api/entities", {"params": {"limit": 100000}}, 400)),
    ("GET", "/api/entities/{name}"): (("/api/entities/比亞迪", {}, 200), ("/api/entities/没有这家公司", {}, 404)),
    ("GET", "/api/facts"): (("/api/facts", {"params": {"entity": "BYD"}}, 200),
                            ("/api/facts", {"params": {"entity": "没有这家公司"}}, 404)),
    ("GET", "/api/claims"): (("/api/claims", {"params": {"entity": "小米"}}, 200),
                             ("/api/claims", {"params": {"limit": "many"}}, 400)),
    ("GET", "/api/conflicts"): (("/api/conflicts", {}, 200), None),
    ("GET", "/api/stories"): (("/api/stories", {"params": {"min_size": 1}}, 200),
                              ("/api/stories", {"params": {"limit": 0}}, 400)),
    ("GET", "/api/stories/{story_id}"): (("/api/stories/s{doc}", {}, 200), ("/api/stories/nope", {}, 404)),
    ("GET", "/api/topics"): (("/api/topics", {}, 200), None),
    ("POST", "/api/ingest/upload"): (("/api/ingest/upload", {"files": [("files", ("a.txt", "正文。".encode(), "text/plain"))]}, 202),
                                     ("/api/ingest/upload", {}, 400)),
    ("POST", "/api/feeds"): (("/api/feeds", {"json": {"url": "https://example.invalid/feed.xml"}}, 202),
                             ("/api/feeds", {"json": {"url": "ftp://example.invalid/"}}, 400)),
    ("GET", "/api/jobs"): (("/api/jobs", {}, 200), None),
    ("GET", "/api/jobs/{job_id}"): (("/api/jobs/{job}", {}, 200), ("/api/jobs/nope", {}, 404)),
    ("GET", "/api/export/{name}"): (("/api/export/facts.csv", {}, 200), ("/api/export/secrets.csv", {}, 400)),
    ("GET", "/api/watchlists"): (("/api/watchlists", {}, 200), None),
    ("POST", "/api/watchlists"): (("/api/watchlists", {"json": {"name": "电池", "query": "电池"}}, 201),
                                  ("/api/watchlists", {"json": {"name": ""}}, 400)),
    ("GET", "/api/watchlists/{watchlist_id}"): (("/api/watchlists/{wl}", {}, 200), ("/api/watchlists/999", {}, 404)),
    ("PUT", "/api/watchlists/{watchlist_id}"): (("/api/watchlists/{wl}", {"json": {"query": "动力电池"}}, 200),
                                                ("/api/watchlists/{wl}", {"json": {"colour": "red"}}, 400)),
    ("DELETE", "/api/watchlists/{watchlist_id}"): (("/api/watchlists/{wl2}", {}, 200),
                                                   ("/api/watchlists/999", {}, 404)),
    ("GET", "/api/watchlists/{watchlist_id}/feed.rss"): (("/api/watchlists/{wl}/feed.rss", {}, 200),
                                                         ("/api/watchlists/999/feed.rss", {}, 404)),
    ("GET", "/api/watchlists/{watchlist_id}/feed.atom"): (("/api/watchlists/{wl}/feed.atom", {}, 200),
                                                          ("/api/watchlists/999/feed.atom", {}, 404)),
    ("GET", "/api/trends"): (("/api/trends", {"params": {"entity": "BYD", "interval": "week"}}, 200),
                             ("/api/trends", {"params": {"interval": "hour"}}, 400)),
    ("GET", "/api/briefing"): (("/api/briefing", {"params": {"entity": "比亚迪", "format": "md"}}, 200),
                               ("/api/briefing", {}, 400)),
    ("GET", "/api/kb/candidates"): (("/api/kb/candidates", {}, 200),
                                    ("/api/kb/candidates", {"params": {"limit": 0}}, 400)),
    ("POST", "/api/kb/entities"): (("/api/kb/entities", {"json": {"name": "远航测试", "type": "company",
                                                                  "en": "Yuanhang Test"}}, 201),
                                   ("/api/kb/entities", {"json": {"type": "company"}}, 400)),
    ("POST", "/api/kb/candidates/{surface}/promote"): (None, ("/api/kb/candidates/不存在/promote", {}, 404)),
    ("POST", "/api/kb/candidates/{surface}/reject"): (None, ("/api/kb/candidates/不存在/reject", {}, 404)),
}


@pytest.fixture(scope="module")
def client(new_db):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    db = new_db("api")  # once per backend
    store = open_store(db)
    ingest([str(SAMPLES)], store, linker=linker_for(store))
    store.close()
    return TestClient(create_app(db))


def test_every_published_endpoint_is_exercised(client):
    spec = client.get("/openapi.json").json()
    published = {(m.upper(), p) for p, ops in spec["paths"].items() for m in ops}
    assert published == set(ROWS), {"untested": published - set(ROWS), "gone": set(ROWS) - published}


def test_good_and_bad_requests(client):
    doc = client.get("/api/documents", params={"limit": 1}).json()["items"][0]["id"]
    values = {"doc": doc, "job": None, "wl": None, "wl2": None}
    values["wl"] = client.post("/api/watchlists", json={"name": "比亚迪", "entities": ["BYD"]}).json()["id"]
    values["wl2"] = client.post("/api/watchlists", json={"name": "删除我", "query": "关税"}).json()["id"]
    values["job"] = client.get("/api/jobs").json()["items"][0]["id"] if client.get("/api/jobs").json()["items"] \
        else client.post("/api/feeds", json={"url": "https://example.invalid/x.xml"}).json()["job"]
    for (method, template), (good, bad) in ROWS.items():
        for case in (good, bad):
            if case is None:
                continue
            path, kwargs, status = case
            r = client.request(method, path.format(**values), **kwargs)
            assert r.status_code == status, (method, path, r.status_code, r.text[:300])
            if status >= 400:
                body = r.json()
                assert set(body) == {"error"} and body["error"]["code"].startswith("E"), (method, path, body)
