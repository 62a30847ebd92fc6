"""Subscriptions against feed servers started on loopback: each misbehaviour handled, nothing duplicated,
nothing lost. The loopback server is reached through an explicit allow-list, as configuration would."""
import json
import time
from datetime import datetime, timedelta

import pytest

from autointel.store import subscriptions as subs_store
from autointel.subscribe.opml import read_opml, write_opml, Outline
from autointel.subscribe.poller import PollSettings, poll
from autointel.subscribe.schedule import UNHEALTHY_AFTER, health, next_poll, parse_interval
from tests.feed_server import FeedServer
from tests.test_cli import jsonl, run

FAST = PollSettings(timeout=0.5, retries=1, retry_delay=0.01, allow_hosts=frozenset({"127.0.0.1"}))


@pytest.fixture
def server():
    with FeedServer() as s:
        yield s


def subscribe(store, url, every="30m"):
    sub_id, _ = subs_store.add(store.conn, url, "feed", None, parse_interval(every))
    return sub_id


def row(store, sub_id):
    return next(s for s in subs_store.all_subscriptions(store.conn) if s["id"] == sub_id)


def poll_one(store, sub_id, settings=FAST):
    [report] = poll(store, settings, only=[row(store, sub_id)])
    return report


def documents(store):
    return store.conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]


def test_a_changing_feed_brings_only_its_new_items(store, server):
    sub = subscribe(store, server.base + "/changing.xml")
    first = poll_one(store, sub)
    assert (first.outcome, first.new, first.seen) == ("ok", 2, 2)
    server.items.append(("蔚来换电站突破3000座", "蔚来宣布换电站数量突破3000座。"))
    second = poll_one(store, sub)
    assert (second.outcome, second.new, second.seen) == ("ok", 1, 3)
    third = poll_one(store, sub)  # nothing changed: the server answers 304 to our ETag
    assert third.outcome == "not_modified" and third.new == 0
    assert documents(store) == 3
    state = row(store, sub)
    assert state["items_new"] == 3 and state["etag"] and state["failures"] == 0


def test_304_by_last_modified(store, server):
    sub = subscribe(store, server.base + "/lastmod.xml")
    assert poll_one(store, sub).outcome == "ok"
    assert row(store, sub)["last_modified"] == "Mon, 05 Jan 2026 08:00:00 GMT"
    assert poll_one(store, sub).outcome == "not_modified"
    assert documents(store) == 1


def test_a_feed_that_times_out_is_retried_then_backs_off_and_turns_unhealthy(store, server):
    sub = subscribe(store, server.base + "/slow.xml", every="10m")
    started = time.monotonic()
    report = poll_one(store, sub)
    assert time.monotonic() - started < 3  # bounded by the timeout, not by the server
    assert report.outcome == "failed" and report.error.startswith("[E112]") and "timed out" in report.error
    assert report.requests == 2  # one retry
    state = row(store, sub)
    assert state["failures"] == 1 and state["last_error"] == report.error
    wait = datetime.fromisoformat(state["next_poll"]) - datetime.fromisoformat(state["last_poll"])
    assert wait >= timedelta(minutes=16)  # 10 min x 2 x (0.8..1.2): slower than the healthy interval
    for _ in range(UNHEALTHY_AFTER - 1):
        poll_one(store, sub)
    shown = health(row(store, sub), subs_store.now_utc())
    assert shown["status"] == "unhealthy" and shown["next_poll"]  # still scheduled, more slowly


def test_transient_server_errors_are_retried_within_the_poll(store, server):
    sub = subscribe(store, server.base + "/flaky.xml")
    report = poll_one(store, sub)
    assert report.outcome == "ok" and report.requests == 2 and server.hits["/flaky.xml"] == 2


@pytest.mark.parametrize("path,code", [("/garbage.xml", "E10"), ("/html.xml", "E10")])
def test_garbage_is_a_recorded_error_not_a_document(store, server, path, code):
    sub = subscribe(store, server.base + path)
    report = poll_one(store, sub)
    assert report.outcome == "failed" and report.error.startswith("[" + code), report.error
    assert store.conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0


def test_a_redirect_loop_is_refused_without_retrying(store, server):
    sub = subscribe(store, server.base + "/loop-a.xml")
    report = poll_one(store, sub)
    assert report.outcome == "failed" and "redirect" in report.error and report.requests == 1


@pytest.mark.parametrize("path", ["/huge.xml", "/huge-declared.xml"])
def test_a_200_mb_body_stops_at_the_size_limit(store, server, path):
    sub = subscribe(store, server.base + path)
    started = time.monotonic()
    report = poll_one(store, sub, PollSettings(timeout=20, retries=0, allow_hosts=frozenset({"127.0.0.1"})))
    assert report.outcome == "failed" and report.error.startswith("[E105]")
    assert time.monotonic() - started < 10


def test_loopback_is_refused_without_the_allow_list(store, server):
    sub = subscribe(store, server.base + "/changing.xml")
    report = poll_one(store, sub, PollSettings(timeout=1, retries=0))
    assert report.outcome == "failed" and report.error.startswith("[E114]")
    assert server.hits.get("/changing.xml") is None  # refused before connecting


def test_per_host_limit_and_parallel_polls(store, server):
    ids = [subscribe(store, f"{server.base}/many.xml?n={k}") for k in range(6)]
    reports = poll(store, PollSettings(timeout=5, per_host=2, allow_hosts=frozenset({"127.0.0.1"})),
                   only=[row(store, i) for i in ids])
    assert sorted(r.new for r in reports) == [50] * 6
    assert documents(store) == 300


def test_backoff_grows_and_is_capped():
    now = datetime(2026, 1, 1)
    waits = [(next_poll(now, 600, f) - now).total_seconds() for f in range(0, 12)]
    assert 570 <= waits[0] <= 630
    assert waits[1] >= 600 * 2 * 0.8 and waits[3] >= 600 * 8 * 0.8
    assert max(waits) <= 24 * 3600 * 1.2


def test_opml_round_trip_preserves_every_subscription(tmp_path, new_db):
    source = """<?xml version="1.0"?><opml version="2.0"><head><title>reader</title></head><body>
      <outline text="汽车"><outline text="36氪" title="36氪汽车" type="rss" xmlUrl="https://rsshub.app/36kr/motclub"/>
        <outline text="IT之家" type="rss" xmlUrl="https://www.ithome.com/rss/" every="2h"/></outline>
      <outline text="虎嗅" type="rss" xmlUrl="https://rss.huxiu.com/"/></body></opml>"""
    (tmp_path / "in.opml").write_text(source, encoding="utf-8")
    db = new_db("o")
    assert jsonl(run("feeds", "import", str(tmp_path / "in.opml"), db=db).stdout)[0] == {"outlines": 3, "created": 3}
    exported = run("feeds", "export", db=db).stdout
    again = {(o.url, o.name, o.every) for o in read_opml(exported.encode("utf-8"))}
    assert again == {("https://rsshub.app/36kr/motclub", "36氪汽车", "30m"),
                     ("https://www.ithome.com/rss/", "IT之家", "2h"), ("https://rss.huxiu.com/", "虎嗅", "30m")}
    db2 = new_db("o2")
    (tmp_path / "out.opml").write_text(exported, encoding="utf-8")
    run("feeds", "import", str(tmp_path / "out.opml"), db=db2)
    assert run("feeds", "export", db=db2).stdout.split("<body>")[1] == exported.split("<body>")[1]


def test_opml_with_entities_is_refused():
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml version="2.0"><body>&a;</body></opml>'
    with pytest.raises(Exception) as e:
        read_opml(bomb)
    assert getattr(e.value, "code", None) == "E107"
    assert write_opml([Outline("https://x.invalid/feed", "名字")]).count("<outline") == 1


def test_watched_folder_and_growing_jsonl(store, tmp_path):
    folder = tmp_path / "_posts"
    folder.mkdir()
    post = "---\ntitle: {t}\ndate: 2026-01-0{d} 08:00:00\n---\n\n{b}\n"
    (folder / "a.md").write_text(post.format(t="小鹏G7上市", d=1, b="小鹏G7今日上市，售价19.99万元。"), encoding="utf-8")
    dump = tmp_path / "dump.jsonl"
    dump.write_text(json.dumps({"title": "零跑12月交付6万辆", "text": "零跑汽车12月交付新车6万辆。"}, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    f_id, _ = subs_store.add(store.conn, str(folder), "folder", None, 60)
    j_id, _ = subs_store.add(store.conn, str(dump), "file", None, 60)
    assert poll_one(store, f_id).new == 1 and poll_one(store, j_id).new == 1
    assert poll_one(store, f_id).outcome == "unchanged"  # nothing changed: nothing read
    (folder / "b.md").write_text(post.format(t="问界M8交付", d=2, b="问界M8开启交付。"), encoding="utf-8")
    with dump.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps({"title": "极氪9X预售", "text": "极氪9X开启预售。"}, ensure_ascii=False) + "\n")
        fh.write('{"title": "半行')  # being written: must wait for its newline
    assert (poll_one(store, f_id).new, poll_one(store, j_id).new) == (1, 1)
    with dump.open("a", encoding="utf-8") as fh:
        fh.write('", "text": "这一行写完了。"}\n')
    report = poll_one(store, j_id)
    assert (report.new, report.seen) == (1, 1)
    keys = {r[0] for r in store.conn.execute("SELECT source_key FROM documents")}
    assert any(k.endswith("dump.jsonl#L3") for k in keys) and documents(store) == 5


def test_watch_once_from_the_cli_and_export(tmp_path, server, new_db):
    db = new_db("w")
    run("feeds", "add", server.base + "/changing.xml", "--name", "示例快讯", "--every", "15m", db=db)
    polls = jsonl(run("watch", "--once", "--json", "--allow-host", "127.0.0.1", db=db).stdout)
    assert [(p["outcome"], p["new"]) for p in polls] == [("ok", 2)]
    [shown] = jsonl(run("feeds", "list", "--json", db=db).stdout)
    for key in ("last_success", "last_error", "items_seen", "items_new", "items_per_day", "next_poll"):
        assert key in shown
    assert shown["status"] == "healthy" and shown["every"] == "15m" and shown["items_new"] == 2

    hexo = tmp_path / "blog"
    run("export", "--format", "hexo", "--feed", "1", "--out", str(hexo), db=db)
    posts = sorted(hexo.glob("source/_posts/*/*.md"))
    assert len(posts) == 2 and "<p>" in posts[0].read_text(encoding="utf-8")
    rss_file = tmp_path / "out.xml"
    run("export", "--format", "rss", "--entity", "BYD", "--out", str(rss_file), db=db)
    db2 = new_db("again")  # what we export reads back in as the same articles
    summary = jsonl(run("ingest", str(rss_file), "--json", db=db2).stdout)[-1]["summary"]
    assert summary["new"] == 1 and summary["failed"] == 0
    atom = run("export", "--format", "atom", "--out", "-", db=db).stdout
    assert atom.count("<entry>") == 2
