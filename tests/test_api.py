"""The HTTP API: every endpoint, pagination, filters and the coded error paths."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from autointel.api.app import create_app
from tests.test_search import ARTICLES, _write


@pytest.fixture(scope="module")
def client(tmp_path_factory, new_db):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    tmp = tmp_path_factory.mktemp("api")
    db = new_db("api")  # once per backend
    store = open_store(db)
    ingest([str(_write(tmp))], store, linker=linker_for(store))
    store.close()
    return TestClient(create_app(db))


def test_health_and_openapi(client):
    assert client.get("/api/health").json()["documents"] == len(ARTICLES)
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/search", "/api/documents/{doc_id}", "/api/entities/{name}", "/api/facts", "/api/claims",
            "/api/stories", "/api/topics"} <= set(paths)


def test_search_in_any_script_with_facets_and_paging(client):
    body = client.get("/api/search", params={"q": "輝達 自駕 晶片"}).json()
    assert body["items"][0]["title"] == "英伟达发表新一代自驾芯片"
    assert {"id", "title", "score", "snippet", "published_at", "source", "story_id"} <= body["items"][0].keys()
    assert "outlet" in body["facets"]
    both = client.get("/api/search", params={"q": "小米 OR 宁德时代", "limit": 1}).json()
    second = client.get("/api/search", params={"q": "小米 OR 宁德时代", "limit": 1, "offset": 1}).json()
    assert len(both["items"]) == 1 and both["items"][0]["id"] != second["items"][0]["id"]
    only = client.get("/api/search", params={"q": "合作", "entity": "北汽"}).json()
    assert [i["title"] for i in only["items"]] == ["小米回应与北汽合作传闻"]


def test_documents_list_and_one_document_with_its_evidence(client):
    listing = client.get("/api/documents", params={"limit": 2}).json()
    assert listing["total"] == len(ARTICLES) and len(listing["items"]) == 2
    doc_id = client.get("/api/search", params={"q": "比亚迪 欧洲 交付"}).json()["items"][0]["id"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert doc["title"] == "比亚迪欧洲交付大增"
    byd = [m for m in doc["mentions"] if m["entity_id"] == "byd"]
    assert byd and doc["text"][byd[0]["start"]:byd[0]["end"]] == "比亚迪"
    assert doc["story_id"] and isinstance(doc["topics"], list)
    assert any(f["metric"] == "deliveries" for f in doc["facts"])


def test_entities_profile_facts_claims_stories_topics(client):
    names = [e["id"] for e in client.get("/api/entities").json()["items"]]
    assert "byd" in names
    profile = client.get("/api/entities/BYD").json()
    assert profile["id"] == "byd" and profile["documents"] >= 1
    assert client.get("/api/entities/比亞迪").json()["id"] == "byd"
    assert client.get("/api/facts", params={"entity": "比亚迪"}).json()["total"] >= 1
    assert "items" in client.get("/api/claims").json()
    assert "items" in client.get("/api/conflicts").json()
    stories = client.get("/api/stories", params={"min_size": 1}).json()
    assert stories["total"] == len(ARTICLES)
    sid = stories["items"][0]["id"]
    assert client.get(f"/api/stories/{sid}").json()["id"] == sid
    topics = client.get("/api/topics").json()["items"]
    assert {"autonomous_driving", "power_battery"} <= {t["id"] for t in topics}


@pytest.mark.parametrize("path, params, status, code", [
    ("/api/documents/nope-nope", {}, 404, "E801"),
    ("/api/entities/NoSuchCompanyAnywhere", {}, 404, "E801"),
    ("/api/stories/s-nope", {}, 404, "E801"),
    ("/api/search", {"q": "比亚迪", "limit": 0}, 400, "E802"),
    ("/api/search", {"q": "比亚迪", "since": "yesterday"}, 400, "E802"),
    ("/api/search", {}, 400, "E802"),
    ("/api/search", {"q": "since:nope 比亚迪"}, 400, "E602"),
    ("/api/facts", {"entity": "NoSuchCompanyAnywhere"}, 404, "E801"),
])
def test_errors_are_coded(client, path, params, status, code):
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    assert r.json()["error"]["code"] == code
