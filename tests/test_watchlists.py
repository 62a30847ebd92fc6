"""Watchlists: definitions, matches folded per story, new since the last visit, RSS/Atom feeds, CLI and API."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import SAMPLES

ATOM = "{http://www.w3.org/2005/Atom}"

# Written for these tests: a Xiaomi article that arrives after the first visit (published long before it: new
# means newly arrived, not newly published); its Traditional-script repost with one more sentence, which arrives
# later still (a near duplicate: the same story); and an exact copy in Traditional script (folded at ingest).
LATE = {"id": "wl-late-xiaomi", "title": "小米汽车第二工厂开工建设", "date": "2024-03-01T09:00:00+08:00",
        "source": "测试汽车网", "url": "https://example.invalid/wl/xiaomi-plant",
        "text": "小米汽车第二工厂今日在北京亦庄开工建设，规划年产能十五万辆，预计明年投产。"
                "小米集团表示，新工厂将生产两款新车型，并配套建设电池包产线与整车检测中心。"}
REPOST = dict(LATE, id="wl-late-xiaomi-tw", source="測試車訊", url="https://example.invalid/wl/xiaomi-plant-tw",
              title="小米汽車第二工廠開工建設",
              text="小米汽車第二工廠今日在北京亦莊開工建設，規劃年產能十五萬輛，預計明年投產。"
                   "小米集團表示，新工廠將生產兩款新車型，並配套建設電池包產線與整車檢測中心。"
                   "業內人士認為，新工廠投產後將明顯縮短交付週期。")
COPY = dict(REPOST, id="wl-late-xiaomi-copy", url="https://example.invalid/wl/xiaomi-plant-copy",
            text=REPOST["text"].rsplit("業內", 1)[0])


def _ingest(db: str, tmp_path, *articles: dict) -> None:
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    path = tmp_path / f"add-{articles[0]['id']}.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n", encoding="utf-8")
    store = open_store(db)
    try:
        ingest([str(path)], store, linker=linker_for(store))
    finally:
        store.close()


@pytest.fixture(scope="module")
def samples_db(new_db):
    """The bundled samples, ingested (linked, tagged, indexed) once per backend; each test works on a copy."""
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    db = new_db("samples")
    store = open_store(db)
    ingest([str(SAMPLES)], store, linker=linker_for(store))
    store.close()
    return db


@pytest.fixture
def db(samples_db, new_db) -> str:
    return new_db.copy(samples_db, "wl")


class Env:
    """A store, its knowledge base and a lazily opened search engine, as the CLI and the API hold them."""

    def __init__(self, db: str):
        from autointel.search.service import kb_for
        from autointel.store import open_store

        self.store = open_store(db)
        self.kb = kb_for(self.store)
        self._engine = None

    def engine(self):
        from autointel.search.service import open_engine

        if self._engine is None:
            self._engine = open_engine(self.store)
        return self._engine

    def visit(self, wl_id: int, mark_seen: bool = True):
        from autointel.watchlists import service

        return service.visit(self.store.conn, service.require(self.store.conn, wl_id), self.engine, mark_seen)

    def reopen(self) -> None:
        """After another connection ingested: a fresh engine sees the new index."""
        self._engine = None


@pytest.fixture
def env(db):
    e = Env(db)
    yield e
    e.store.close()


def _titles(report) -> list[str]:
    return [m.title for m in report.items]


# ---- store and definitions ---------------------------------------------------------------------------------

def test_store_create_list_get_update_delete_mark_seen(env):
    from autointel.store import watchlists as ws

    conn = env.store.conn
    wl = ws.create(conn, "电池", query="固态", entities=["catl"], topics=["power_battery"])
    assert wl["entities"] == ["catl"] and wl["topics"] == ["power_battery"] and wl["last_seen_at"] is None
    assert [w["id"] for w in ws.list_all(conn)] == [wl["id"]]
    assert ws.find(conn, "电池")["id"] == wl["id"] and ws.find(conn, str(wl["id"]))["name"] == "电池"
    changed = ws.update(conn, wl["id"], {"query": None, "outlet": "36氪"})
    assert changed["query"] is None and changed["outlet"] == "36氪" and changed["entities"] == ["catl"]
    doc_id = conn.execute("SELECT id FROM documents LIMIT 1").fetchone()[0]
    at = ws.mark_seen(conn, wl["id"], [doc_id])
    assert ws.get(conn, wl["id"])["last_seen_at"] == at and ws.seen_documents(conn, wl["id"]) == {doc_id}
    assert ws.delete(conn, wl["id"]) and ws.get(conn, wl["id"]) is None
    assert conn.execute("SELECT count(*) FROM watchlist_seen").fetchone()[0] == 0  # cascades


@pytest.mark.parametrize("raw, message", [
    ({"name": ""}, "name"),
    ({"name": "x"}, "needs a query"),
    ({"name": "x", "entities": ["NoSuchCompanyAnywhere"]}, "no entity"),
    ({"name": "x", "topics": ["no_such_topic"]}, "no topic"),
    ({"name": "x", "entities": "小米"}, "list"),
    ({"name": "x", "query": 3}, "string"),
    ({"name": "x", "query": "a", "colour": "red"}, "unknown field"),
])
def test_bad_definitions_are_e802(env, raw, message):
    from autointel.watchlists import service
    from autointel.watchlists.spec import WatchlistError

    with pytest.raises(WatchlistError) as e:
        service.create(env.store.conn, raw, env.kb)
    assert e.value.code == "E802" and message in e.value.detail


def test_names_resolve_to_entity_ids_and_names_are_unique(env):
    from autointel.watchlists import service
    from autointel.watchlists.spec import WatchlistError

    wl = service.create(env.store.conn, {"name": "Lin", "entities": ["小米", "Xiaomi", "问界"]}, env.kb)
    assert wl["entities"] == ["xiaomi-group", "aito"]  # any name or script, one id each
    with pytest.raises(WatchlistError) as e:
        service.create(env.store.conn, {"name": "Lin", "query": "关税"}, env.kb)
    assert e.value.code == "E802"
    with pytest.raises(WatchlistError) as e:
        service.require(env.store.conn, 999)
    assert e.value.code == "E801" and e.value.status == 404


# ---- matches and what is new -------------------------------------------------------------------------------

def test_matches_union_of_query_entities_and_topics(env):
    from autointel.watchlists import service

    wl = service.create(env.store.conn, {"name": "Lin", "query": "关税", "entities": ["小米"]}, env.kb)
    report = env.visit(wl["id"], mark_seen=False)
    by_title = {m.title: m for m in report.items}
    assert by_title["英伟达发表新款车用芯片，特朗普政府关税政策添变数"].matched_by == ["query"]  # 關稅 in the original
    assert by_title["海马汽车否认与小米合作造车"].matched_by == ["entity:xiaomi-group"]
    assert set(by_title) == {"英伟达发表新款车用芯片，特朗普政府关税政策添变数", "海马汽车否认与小米合作造车",
                             "传小米与北汽洽谈代工，北汽蓝谷回应：未接触"}
    assert _titles(report)[-1] == "英伟达发表新款车用芯片，特朗普政府关税政策添变数"  # undated: last
    dated = [m.latest_utc for m in report.items if m.latest_utc]
    assert len(dated) == 2 and dated == sorted(dated, reverse=True)  # newest first
    topical = service.create(env.store.conn, {"name": "chips", "topics": ["semiconductors"]}, env.kb)
    assert {m.matched_by[0] for m in env.visit(topical["id"], False).items} == {"topic:semiconductors"}


def test_outlet_narrows_and_alone_watches_the_outlet(env):
    from autointel.watchlists import service

    both = service.create(env.store.conn, {"name": "a", "entities": ["小米"], "outlet": "示例科技"}, env.kb)
    assert _titles(env.visit(both["id"], False)) == ["传小米与北汽洽谈代工，北汽蓝谷回应：未接触"]
    outlet = service.create(env.store.conn, {"name": "b", "outlet": "示例汽车周刊"}, env.kb)
    expected = env.store.conn.execute("SELECT count(*) FROM documents WHERE outlet = '示例汽车周刊'").fetchone()[0]
    assert expected >= 2 and env.visit(outlet["id"], False).counts["documents"] == expected


def test_phrases_and_negation_in_the_query(env):
    from autointel.watchlists import service

    conn = env.store.conn
    phrase = service.create(conn, {"name": "p", "query": '"特朗普政府"'}, env.kb)
    assert len(env.visit(phrase["id"], False).items) == 1
    absent = service.create(conn, {"name": "q", "query": '"特朗普政府宣布"'}, env.kb)
    assert env.visit(absent["id"], False).items == []
    negated = service.create(conn, {"name": "r", "query": '关税 -"特朗普"'}, env.kb)
    assert env.visit(negated["id"], False).items == []


def test_a_document_ingested_after_a_visit_is_new_and_its_repost_updates_the_story(env, db, tmp_path):
    from autointel.watchlists import service

    wl = service.create(env.store.conn, {"name": "Lin", "query": "关税", "entities": ["小米"]}, env.kb)
    first = env.visit(wl["id"])
    assert first.new_since is None and first.counts["new"] == first.counts["stories"] == 3
    again = env.visit(wl["id"])
    assert again.counts["new"] == 0 and again.fresh() == [] and again.new_since is not None

    _ingest(db, tmp_path, LATE)  # published in 2024, ingested now
    env.reopen()
    after = env.visit(wl["id"])
    new = [m for m in after.items if m.new]
    assert [m.title for m in new] == ["小米汽车第二工厂开工建设"] and after.counts["new"] == 1
    assert after.counts["stories"] == 4 and after.items[-2].title == "小米汽车第二工厂开工建设"  # by publication
    lead = new[0].id

    _ingest(db, tmp_path, COPY)  # the same canonical text: recorded as another source, nothing new
    env.reopen()
    assert env.store.conn.execute("SELECT count(*) FROM document_sources WHERE url = ?", (COPY["url"],)).fetchone()[0]
    assert env.visit(wl["id"]).counts["new_documents"] == 0
    _ingest(db, tmp_path, REPOST)
    env.reopen()
    later = env.visit(wl["id"])
    story = [m for m in later.items if lead in m.documents]
    assert len(story) == 1 and len(story[0].documents) == 2, "the repost folds into the story"
    assert story[0].id == lead and story[0].updated and not story[0].new  # same guid; not a new story
    assert later.counts == {"stories": 4, "new": 0, "updated": 1, "documents": 5, "new_documents": 1}
    assert env.visit(wl["id"]).counts["updated"] == 0


def test_peeking_does_not_count_as_a_visit(env):
    from autointel.watchlists import service

    wl = service.create(env.store.conn, {"name": "n", "entities": ["小米"]}, env.kb)
    assert env.visit(wl["id"], mark_seen=False).counts["new"] == 2
    assert env.visit(wl["id"], mark_seen=False).counts["new"] == 2
    assert service.require(env.store.conn, wl["id"])["last_seen_at"] is None


# ---- feeds -------------------------------------------------------------------------------------------------

def test_rss_and_atom_feeds_parse_with_stable_guids_and_links_to_this_server(env):
    from autointel.watchlists import service
    from autointel.watchlists.feeds import watchlist_feed

    wl = service.create(env.store.conn, {"name": "Lin <&>", "query": "关税", "entities": ["小米"]}, env.kb)
    report = env.visit(wl["id"], False)
    rss = ET.fromstring(watchlist_feed(env.store.conn, report, "rss", "https://intel.example/"))
    channel = rss.find("channel")
    assert rss.tag == "rss" and channel.findtext("title") == "autointel · Lin <&>"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == _titles(report)
    assert [i.findtext("link") for i in items] == [f"https://intel.example/doc/{m.id}" for m in report.items]
    assert [i.findtext("guid") for i in items] == [f"autointel:{m.id}" for m in report.items]
    assert all(i.findtext("description").startswith("<p>") for i in items)
    again = ET.fromstring(watchlist_feed(env.store.conn, env.visit(wl["id"], False), "rss", "https://intel.example"))
    assert [i.findtext("guid") for i in again.iter("item")] == [i.findtext("guid") for i in items]

    atom = ET.fromstring(watchlist_feed(env.store.conn, report, "atom", "https://intel.example"))
    entries = atom.findall(f"{ATOM}entry")
    assert atom.tag == f"{ATOM}feed" and len(entries) == len(report.items)
    assert [e.find(f"{ATOM}link").get("href") for e in entries][0] == f"https://intel.example/doc/{report.items[0].id}"
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"urn:autointel:{m.id}" for m in report.items]
    assert entries[0].find(f"{ATOM}content").get("type") == "html"
    limited = ET.fromstring(watchlist_feed(env.store.conn, report, "atom", "https://intel.example", limit=1))
    assert len(limited.findall(f"{ATOM}entry")) == 1


def test_feed_reads_back_through_autointels_own_feed_reader(env, tmp_path):
    """The strictest reader at hand: autointel's own (DTDs refused, malformed XML is E108)."""
    from autointel.pipeline import articles_from
    from autointel.watchlists import service
    from autointel.watchlists.feeds import watchlist_feed

    wl = service.create(env.store.conn, {"name": "n", "entities": ["小米"]}, env.kb)
    for fmt in ("rss", "atom"):
        path = tmp_path / f"feed.{fmt}.xml"
        path.write_text(watchlist_feed(env.store.conn, env.visit(wl["id"], False), fmt, "http://h"), encoding="utf-8")
        read = list(articles_from([str(path)]))
        assert sorted(a.title for a in read) == ["传小米与北汽洽谈代工，北汽蓝谷回应：未接触", "海马汽车否认与小米合作造车"]


# ---- CLI ---------------------------------------------------------------------------------------------------

def _cli(*args: str, db: str):
    from autointel.cli import app

    result = CliRunner().invoke(app, [*args, "--db", db])
    return result


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_cli_add_list_show_feed_remove(db, tmp_path):
    added = _cli("watchlist", "add", "Lin", "--query", "关税", "--entity", "小米", "--entity", "问界", db=db)
    assert added.exit_code == 0, added.output
    wl = json.loads(added.stdout)
    assert wl["entities"] == ["xiaomi-group", "aito"]
    listed = _lines(_cli("watchlist", "list", "--json", db=db).stdout)
    assert listed[0]["counts"]["new"] == 3 and listed[0]["last_seen_at"] is None
    peek = _lines(_cli("watchlist", "show", "Lin", "--json", "--peek", db=db).stdout)
    assert len(peek) == 4 and peek[-1]["summary"]["counts"]["new"] == 3
    shown = _lines(_cli("watchlist", "show", str(wl["id"]), "--json", db=db).stdout)
    assert all(item["new"] for item in shown[:-1]) and shown[-1]["summary"]["last_seen_at"]
    second = _lines(_cli("watchlist", "show", "Lin", "--json", db=db).stdout)
    assert len(second) == 1 and second[0]["summary"]["counts"]["new"] == 0  # only the summary: nothing new
    everything = _lines(_cli("watchlist", "show", "Lin", "--json", "--all", "--peek", db=db).stdout)
    assert len(everything) == 4 and not any(i["new"] for i in everything[:-1])
    _ingest(db, tmp_path, LATE)
    table = _cli("watchlist", "show", "Lin", db=db).stdout
    assert "1 new" in table and "小米汽车第二工厂开工建设" in table

    rss = _cli("watchlist", "feed", "Lin", "--format", "rss", "--base-url", "https://h.example", db=db)
    assert rss.exit_code == 0 and len(ET.fromstring(rss.stdout).findall("channel/item")) == 4
    atom = _cli("watchlist", "feed", "Lin", "--format", "atom", db=db)
    first_link = ET.fromstring(atom.stdout).find(f"{ATOM}entry/{ATOM}link").get("href")
    assert first_link.startswith("http://127.0.0.1:8000/doc/")
    assert _cli("watchlist", "feed", "Lin", "--format", "json", db=db).exit_code != 0
    assert _cli("watchlist", "add", "bad", "--entity", "NoSuchCompanyAnywhere", db=db).exit_code == 2
    assert json.loads(_cli("watchlist", "remove", "Lin", db=db).stdout)["removed"] == wl["id"]
    missing = _cli("watchlist", "show", "Lin", db=db)
    assert missing.exit_code == 1 and "E801" in missing.output


# ---- API ---------------------------------------------------------------------------------------------------

def test_api_create_visit_mark_seen_change_feeds_delete(db, tmp_path):
    from autointel.api.app import create_app

    client = TestClient(create_app(db))
    created = client.post("/api/watchlists", json={"name": "Lin", "query": "关税", "entities": ["小米"]})
    assert created.status_code == 201, created.text
    wl_id = created.json()["id"]
    listing = client.get("/api/watchlists").json()
    assert listing["total"] == 1 and listing["items"][0]["counts"]["new"] == 3
    visit = client.get(f"/api/watchlists/{wl_id}").json()
    assert visit["total"] == 3 and visit["counts"]["new"] == 3 and visit["watchlist"]["name"] == "Lin"
    assert {"id", "story_id", "title", "new", "updated", "documents", "matched_by"} <= visit["items"][0].keys()
    assert client.get(f"/api/watchlists/{wl_id}", params={"mark_seen": "true"}).json()["counts"]["new"] == 3
    seen = client.get(f"/api/watchlists/{wl_id}", params={"new_only": "true"}).json()
    assert seen["total"] == 0 and seen["new_since"]

    _ingest(db, tmp_path, LATE)
    fresh = client.get(f"/api/watchlists/{wl_id}", params={"new_only": "true"}).json()
    assert [i["title"] for i in fresh["items"]] == ["小米汽车第二工厂开工建设"]

    rss = client.get(f"/api/watchlists/{wl_id}/feed.rss")
    assert rss.status_code == 200 and rss.headers["content-type"].startswith("application/rss+xml")
    links = [i.findtext("link") for i in ET.fromstring(rss.text).iter("item")]
    assert len(links) == 4 and all(link.startswith("http://testserver/doc/") for link in links)
    atom = client.get(f"/api/watchlists/{wl_id}/feed.atom")
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert len(ET.fromstring(atom.text).findall(f"{ATOM}entry")) == 4

    changed = client.put(f"/api/watchlists/{wl_id}", json={"entities": [], "query": "关税"}).json()
    assert changed["entities"] == [] and changed["query"] == "关税"
    assert client.get(f"/api/watchlists/{wl_id}").json()["total"] == 1
    assert client.delete(f"/api/watchlists/{wl_id}").json()["removed"] == wl_id
    assert client.get(f"/api/watchlists/{wl_id}").status_code == 404


@pytest.mark.parametrize("method, path, body, status, code", [
    ("get", "/api/watchlists/999", None, 404, "E801"),
    ("get", "/api/watchlists/999/feed.rss", None, 404, "E801"),
    ("put", "/api/watchlists/999", {"name": "x"}, 404, "E801"),
    ("delete", "/api/watchlists/999", None, 404, "E801"),
    ("post", "/api/watchlists", {"name": "x"}, 400, "E802"),
    ("post", "/api/watchlists", {"name": "x", "entities": ["NoSuchCompanyAnywhere"]}, 400, "E802"),
    ("post", "/api/watchlists", ["not", "an", "object"], 400, "E802"),
    ("post", "/api/watchlists", {"name": "x", "query": "since:nope 比亚迪"}, 400, "E602"),
    ("get", "/api/watchlists/nope", None, 400, "E802"),
])
def test_api_coded_errors(db, method, path, body, status, code):
    from autointel.api.app import create_app

    client = TestClient(create_app(db))
    response = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert response.status_code == status and response.json()["error"]["code"] == code, response.text


def test_api_writes_need_the_token_beyond_localhost(db):
    from autointel.api.app import create_app

    client = TestClient(create_app(db, host="0.0.0.0", token="s3cret"))
    body = {"name": "Lin", "entities": ["小米"]}
    refused = client.post("/api/watchlists", json=body)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "E803"
    created = client.post("/api/watchlists", json=body, headers={"X-Autointel-Token": "s3cret"})
    assert created.status_code == 201
    wl_id = created.json()["id"]
    assert client.get(f"/api/watchlists/{wl_id}").status_code == 200  # reading needs no token
    assert client.get(f"/api/watchlists/{wl_id}", params={"mark_seen": "true"}).status_code == 401
    assert client.put(f"/api/watchlists/{wl_id}", json={"name": "n"}).status_code == 401
    assert client.delete(f"/api/watchlists/{wl_id}").status_code == 401
    auth = {"Authorization": "Bearer s3cret"}
    assert client.get(f"/api/watchlists/{wl_id}", params={"mark_seen": "true"}, headers=auth).status_code == 200
    assert client.delete(f"/api/watchlists/{wl_id}", headers=auth).status_code == 200
