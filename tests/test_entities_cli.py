"""Entity commands end to end on the repository's samples: mentions with spans, profiles, curation."""
import pytest

from tests.conftest import SAMPLES
from tests.test_cli import jsonl, run


@pytest.fixture(scope="module")
def db(new_db):
    path = new_db("e")  # once per backend
    run("ingest", str(SAMPLES), "--json", db=path)
    return path


def test_show_json_has_mentions_with_canonical_and_original_spans(db):
    docs = jsonl(run("docs", "--json", db=db).stdout)
    doc = next(d for d in docs if "比亚迪" in (d["title"] or "") and "欧洲" in d["title"])
    shown = jsonl(run("show", doc["id"], "--json", db=db).stdout)[0]
    mentions = shown["mentions"]
    assert mentions
    for m in mentions:
        for key in ("entity_id", "name", "type", "start", "end", "surface"):
            assert key in m
        assert shown["text"][m["start"]:m["end"]] == m["surface"]
        if m["orig_start"] is not None:
            assert shown["original"][m["orig_start"]:m["orig_end"]].strip()
    names = {m["name"] for m in mentions}
    assert {"比亚迪", "欧盟", "匈牙利"} <= names


def test_traditional_original_spans_point_at_the_traditional_name(db):
    docs = jsonl(run("docs", "--json", db=db).stdout)
    doc = next(d for d in docs if d["source"] == "示例出行")
    shown = jsonl(run("show", doc["id"], "--json", db=db).stdout)[0]
    [nv] = [m for m in shown["mentions"] if m["name"] == "英伟达"][:1]
    assert shown["original"][nv["orig_start"]:nv["orig_end"]] == "輝達"


def test_entities_lists_mention_counts(db):
    rows = jsonl(run("entities", "--json", db=db).stdout)
    byd = next(r for r in rows if r["name"] == "比亚迪")
    assert byd["documents"] >= 1 and byd["mentions"] >= byd["documents"]
    places = jsonl(run("entities", "--type", "place", "--json", db=db).stdout)
    assert places and all(r["type"] == "place" for r in places)


@pytest.mark.parametrize("name", ["比亚迪", "比亞迪", "BYD"])
def test_entity_profile_from_any_name(db, name):
    p = jsonl(run("entity", name, "--json", db=db).stdout)[0]
    assert p["name"] == "比亚迪" and p["documents"] >= 1
    for key in ("aliases", "relations", "recent_documents", "first_seen", "last_seen", "co_mentioned"):
        assert key in p
    assert "比亞迪" in p["aliases"] and "BYD" in p["aliases"]


def test_unknown_entity_fails_cleanly(db):
    proc = run("entity", "不存在的公司名", db=db, check=False)
    assert proc.returncode == 1 and "no entity" in proc.stderr


def test_reingest_does_not_duplicate_mentions(db):
    from autointel.store import open_store

    def count():
        store = open_store(db)
        try:
            return store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        finally:
            store.close()

    before = count()
    run("ingest", str(SAMPLES), db=db)
    run("link", "--all", db=db)
    assert count() == before > 0


def test_kb_check_passes():
    proc = run("kb", "check", "--json", db=SAMPLES / "unused.db", check=False)
    report = jsonl(proc.stdout)[0]
    assert proc.returncode == 0, report["problems"][:5]
    assert report["entities"] >= 1000


def test_kb_add_links_a_new_name_and_exports_it(new_db):
    db = new_db("curate")
    run("ingest", str(SAMPLES / "markdown"), db=db)
    proc = run("kb", "add", "塞格德工厂", "--type", "company", "--en", "BYD Szeged plant",
               "--rel", "subsidiary_of:比亚迪", db=db)
    assert "re-linked" in proc.stderr
    p = jsonl(run("entity", "BYD Szeged plant", "--json", db=db).stdout)[0]
    assert p["documents"] == 1 and p["relations"][0]["name"] == "比亚迪"
    exported = run("kb", "export", db=db).stdout
    assert "塞格德工厂" in exported
    again = run("kb", "add", "塞格德工厂", "--type", "company", "--en", "BYD Szeged plant", db=db, check=False)
    assert again.returncode == 1 and "exists" in again.stderr


def test_discovered_names_can_be_reviewed_and_promoted(new_db):
    db = new_db("discover")
    run("ingest", str(SAMPLES), db=db)
    run("kb", "discover", db=db)
    cands = jsonl(run("kb", "candidates", "--json", db=db).stdout)
    assert cands, "the samples name at least one organisation or person the KB does not know"
    first = cands[0]
    assert first["examples"] and first["rules"]
    run("kb", "promote", first["surface"], "--id", "promoted-test", db=db)
    p = jsonl(run("entity", "promoted-test", "--json", db=db).stdout)[0]
    assert p["name"] == first["surface"] and p["documents"] >= 1
    left = jsonl(run("kb", "candidates", "--json", db=db).stdout)
    assert first["surface"] not in {c["surface"] for c in left}


def test_facts_claims_and_conflicts_commands(db):
    facts = jsonl(run("facts", "--json", db=db).stdout)
    assert facts, "the samples state figures"
    for key in ("doc_id", "doc_title", "subject", "subject_id", "metric", "value", "value_max", "unit", "qualifier",
                "period", "basis", "scope", "text", "start", "end"):
        assert key in facts[0]
    byd = [f for f in jsonl(run("facts", "--entity", "BYD", "--metric", "deliveries", "--json", db=db).stdout)]
    assert any(f["value"] == 160000 and f["qualifier"] == "nearly" and f["scope"] == "欧洲" for f in byd), byd
    shown = jsonl(run("show", byd[0]["doc_id"], "--json", db=db).stdout)[0]
    assert shown["text"][byd[0]["start"]:byd[0]["end"]] == byd[0]["text"]
    claims = jsonl(run("claims", "--json", db=db).stdout)
    for c in claims:
        for key in ("id", "type", "participants", "status", "history"):
            assert key in c
        for h in c["history"]:
            assert {"doc_id", "status", "attribution", "text"} <= set(h)
    run("conflicts", "--json", db=db)  # runs; the samples need not disagree
