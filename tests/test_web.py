"""The web UI's pages and write endpoints, through the real app: rendering, escaping, CSP, tokens, uploads."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autointel.api.app import create_app
from tests.conftest import SAMPLES

HTML = {"accept": "text/html"}
HOSTILE = """---
title: 恶意标题<script>alert(1)</script>
date: 2025-12-01
source: 测试站
---
比亚迪发布新车<img src=x onerror=alert(2)>，<script>document.title='pwned'</script>销量达到10万辆。
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory, new_db) -> str:
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    tmp = tmp_path_factory.mktemp("web")
    (tmp / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    path = new_db("web")  # once per backend
    store = open_store(path)
    ingest([str(SAMPLES), str(tmp / "hostile.md")], store, linker=linker_for(store))
    store.close()
    return path


@pytest.fixture(scope="module")
def client(db):
    return TestClient(create_app(db))


def _doc_id(client, title_part: str) -> str:
    items = client.get("/api/documents", params={"limit": 100}).json()["items"]
    return next(i["id"] for i in items if title_part in (i["title"] or ""))


def test_every_page_renders_with_the_security_headers(client):
    byd = _doc_id(client, "比亚迪前11个月")
    for url in ["/", "/search", "/search?q=比亚迪 欧洲 交付", "/search?q=輝達 晶片", "/search?q=BYD Europe",
                f"/doc/{byd}", f"/doc/{byd}?view=original", "/entity/BYD", "/entity/比亞迪", "/facts",
                "/facts?metric=deliveries", "/facts?subject=重庆", "/ingest", "/login", "/trends",
                "/briefing", "/briefing?entity=比亚迪", "/watchlists"]:
        r = client.get(url, headers=HTML)
        assert r.status_code == 200, (url, r.text[:300])
        assert r.headers["content-type"].startswith("text/html")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "<script>" not in r.text.replace('<script src="/static/app.js" defer></script>', "")


def test_forms_with_empty_fields_work_and_bad_dates_are_coded(client):
    # a browser submits every field of a form, empty date fields included
    for url in ["/search?q=比亚迪&since=&until=", "/facts?metric=&subject=byd&since=&until=&basis=",
                "/facts.csv?metric=&subject=byd&since=&until=&basis=", "/trends?since=&until=&entity=",
                "/briefing?entity=比亚迪&topic=&q=&since=&until="]:
        assert client.get(url, headers=HTML).status_code == 200, url
    bad = client.get("/search?q=比亚迪&since=yesterday", headers=HTML)
    assert bad.status_code == 400 and "E802" in bad.text


def test_search_page_groups_by_story_and_offers_facets(client):
    r = client.get("/search", params={"q": "比亚迪"}, headers=HTML)
    assert 'data-testid="result"' in r.text and "比亚迪前11个月欧洲交付近16万辆" in r.text
    assert 'data-testid="facets"' in r.text and "entity=byd" in r.text
    traditional = client.get("/search", params={"q": "輝達 自駕 晶片"}, headers=HTML).text
    assert "英伟达" in traditional or "輝達" in traditional


def test_article_marks_entities_facts_claims_and_the_cited_span(client):
    doc = client.get(f"/api/documents/{_doc_id(client, '比亚迪前11个月')}").json()
    fact = next(f for f in doc["facts"] if f["text"] == "近16万辆")
    page = client.get(f"/doc/{doc['id']}", params={"hl": f"{fact['start']}-{fact['end']}"}, headers=HTML).text
    assert 'id="hl">' in page and f'<mark class="cited" id="hl"><a class="fact" href="#fact-{fact["id"]}"' in page
    assert 'class="ent" href="/entity/byd"' in page
    assert 'class="claim"' in page
    # the same citation shown in the original maps through the alignment and marks the same words
    original = client.get(f"/doc/{doc['id']}", params={"hl": f"{fact['start']}-{fact['end']}", "view": "original"},
                          headers=HTML).text
    assert '<mark class="cited" id="hl">' in original and "近16万辆" in original


def test_article_text_is_escaped_never_rendered(client):
    doc_id = _doc_id(client, "恶意标题")
    for view in ("canonical", "original"):
        page = client.get(f"/doc/{doc_id}", params={"view": view}, headers=HTML).text
        assert "<script>alert(1)" not in page and "<img src=x" not in page
        assert "&lt;script&gt;" in page or "&lt;img" in page


def test_publisher_html_is_sanitised(client):
    from autointel.web.pages import _sanitised_html

    clean = _sanitised_html('<p onclick="x()">正文<script>alert(1)</script><iframe src="https://e.invalid"></iframe>'
                            '<a href="javascript:alert(1)">链接</a><img src="https://tracker.invalid/p.gif"></p>')
    assert "script" not in clean and "onclick" not in clean and "iframe" not in clean
    assert "javascript:" not in clean and "<img" not in clean and "正文" in clean


def test_entity_page_shows_aliases_charts_facts_and_claims(client):
    page = client.get("/entity/比亞迪", headers=HTML).text
    assert 'data-testid="entity-name">比亚迪' in page and "BYD" in page
    assert 'data-testid="mentions-chart"' in page and "<svg" in page
    assert 'data-testid="entity-facts"' in page and "近16万辆" in page
    assert client.get("/entity/没有这个实体", headers=HTML).status_code == 404


def test_facts_explorer_filters_charts_and_exports_csv(client):
    page = client.get("/facts", params={"subject": "BYD", "metric": "deliveries"}, headers=HTML).text
    assert 'data-testid="facts-table"' in page and "近16万辆" in page
    assert 'data-testid="facts-explorer-chart"' in page
    r = client.get("/facts.csv", params={"subject": "BYD", "metric": "deliveries"})
    assert r.headers["content-type"].startswith("text/csv") and r.content.startswith("\ufeff".encode())
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("subject,subject_id,metric,value") and len(lines) >= 2
    assert "/doc/" in lines[1] and "?hl=" in lines[1]
    # a period range keeps figures whose period overlaps it
    assert "近16万辆" not in client.get("/facts", params={"subject": "BYD", "since": "2026-01-01"}, headers=HTML).text


def test_errors_are_coded_as_json_and_as_pages(client):
    assert client.get("/api/nothing-here").json()["error"]["code"] == "E801"
    page = client.get("/doc/ffffffffffffffff", headers=HTML)
    assert page.status_code == 404 and "E801" in page.text and page.headers["content-type"].startswith("text/html")
    assert client.get("/static/..%2Fpyproject.toml").status_code == 404
    assert client.get("/static/app.css").status_code == 200


def _wait(client, job_id: str, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] not in ("queued", "running"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_upload_ingests_safely_and_shows_progress(client, db):
    text = "---\ntitle: 上传测试：蔚来汽车发布新款ES8\ndate: 2025-12-03\n---\n蔚来汽车今天发布新款ES8，售价约40万元。\n"
    files = [("files", ("../../etc/evil name.md", text.encode(), "text/markdown")),
             ("files", ("..\\..\\win.md", text.replace("ES8", "ES6").encode(), "text/markdown"))]
    r = client.post("/api/ingest/upload", files=files)
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["job"])
    assert job["state"] == "done" and job["done"] == 2 and job["counts"]["new"] == 2
    from autointel.api.ingest import upload_root

    stored = sorted(p.name for p in (upload_root(db) / job["id"]).iterdir())
    assert stored == ["000-evil_name.md", "001-win.md"]  # names reduced to safe base names inside the job folder
    assert not Path(db).parent.joinpath("etc").exists()
    found = client.get("/api/search", params={"q": "蔚来 ES8 上传测试"}).json()["items"]
    assert any("上传测试" in i["title"] for i in found)
    page = client.get("/ingest", params={"job": job["id"]}, headers=HTML).text
    assert f'data-job-id="{job["id"]}"' in page and "done" in page


def test_upload_size_limit_and_empty_form(client, monkeypatch):
    import autointel.api.ingest as ingest_api

    monkeypatch.setattr(ingest_api, "MAX_UPLOAD_BYTES", 1000)
    r = client.post("/api/ingest/upload", files=[("files", ("big.txt", b"x" * 5000, "text/plain"))])
    assert r.status_code == 413 and r.json()["error"]["code"] == "E804"
    r = client.post("/api/ingest/upload", files=[("files", ("", b"", "application/octet-stream"))])
    assert r.status_code == 400 and r.json()["error"]["code"] in ("E802", "E804")  # a part with no file name


def test_feed_url_to_a_private_address_is_refused(client):
    r = client.post("/api/feeds", json={"url": "http://127.0.0.1:9/feed.xml"})
    assert r.status_code == 202
    job = _wait(client, r.json()["job"])
    assert job["state"] == "failed" and "E114" in job["error"]
    assert client.post("/api/feeds", json={"url": "file:///etc/passwd"}).json()["error"]["code"] == "E802"


def test_cross_site_writes_are_refused(client):
    r = client.post("/api/feeds", json={"url": "https://example.invalid/feed.xml"},
                    headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "E803"


def test_writes_need_the_token_beyond_localhost(db):
    remote = TestClient(create_app(db, sync=False, host="0.0.0.0", token="s3cret-token"))
    files = [("files", ("a.md", "---\ntitle: t\n---\n正文".encode(), "text/markdown"))]
    refused = remote.post("/api/ingest/upload", files=files)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "E803"
    assert remote.post("/api/ingest/upload", files=files, headers={"x-autointel-token": "wrong"}).status_code == 401
    ok = remote.post("/api/ingest/upload", files=files, headers={"authorization": "Bearer s3cret-token"})
    assert ok.status_code == 202
    _wait(remote, ok.json()["job"])
    assert remote.get("/api/search", params={"q": "比亚迪"}).status_code == 200  # reading needs no token
    # the browser path: the token in a SameSite=Strict cookie set by /login
    login = remote.post("/login", data={"token": "s3cret-token"}, follow_redirects=False)
    assert "samesite=strict" in login.headers["set-cookie"].lower()
    assert remote.post("/ingest/feed", data={"url": "https://example.invalid/f.xml"}, follow_redirects=False,
                       cookies={"autointel_token": "s3cret-token"}).status_code == 303


def test_curators_add_promote_and_reject_through_the_api(db):
    from autointel.store import open_store

    client = TestClient(create_app(db, sync=False))
    r = client.post("/api/kb/entities", json={"name": "星河智驾", "type": "company", "en": "Xinghe Drive",
                                              "aliases": ["星河科技"]})
    assert r.status_code == 201, r.text
    job = _wait(client, r.json()["job"])
    assert job["state"] == "done"
    assert client.get("/api/entities/星河科技").json()["id"] == "xinghe-drive"
    again = client.post("/api/kb/entities", json={"name": "星河智驾", "type": "company", "en": "Xinghe Drive"})
    assert again.status_code == 400 and again.json()["error"]["code"] == "E805"
    assert client.post("/api/kb/entities", json={"name": "无类型"}).json()["error"]["code"] == "E805"
    store = open_store(db)
    store.conn.execute("INSERT INTO candidates (surface, type, documents, mentions, rules, examples, updated_at)"
                       " VALUES ('云帆动力', 'company', 2, 3, '{}', '[]', '2025-01-02')")
    store.close()
    assert any(c["surface"] == "云帆动力" for c in client.get("/api/kb/candidates").json()["items"])
    assert client.post("/api/kb/candidates/云帆动力/reject").json() == {"rejected": "云帆动力"}
    assert client.post("/api/kb/candidates/不存在/reject").status_code == 404
    remote = TestClient(create_app(db, sync=False, host="0.0.0.0", token="t0ken"))
    assert remote.post("/api/kb/entities", json={"name": "甲", "type": "company"}).status_code == 401
