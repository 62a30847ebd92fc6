from dataclasses import replace
from datetime import datetime, timezone

import pytest

from autointel.models import CanonicalArticle, FailedInput, RawArticle
from autointel.normalize.aligned import AlignedText
from autointel.normalize.canonical import content_hash


def _article(key: str, body: str, title: str = "标题") -> CanonicalArticle:
    raw = RawArticle(source_key=key, location=f"/tmp/{key}", body=body, body_format="text", reader="text",
                     title=title, outlet="示例", published_at=datetime(2025, 1, 2, 3, 4, tzinfo=timezone.utc))
    at = AlignedText.identity(body)
    return CanonicalArticle(raw=raw, original=body, canonical=body, offsets=at.to_runs(), script="simplified",
                            title=title, original_title=title, outlet="示例", metadata={}, content_hash=content_hash(body))


@pytest.mark.sqlite_only
def test_schema_is_migrated_and_wal(store):
    assert store.schema_version >= 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reingest_is_idempotent(store):
    a = _article("k1", "比亚迪发布新车。")
    assert store.save_article(a).status == "new"
    assert store.save_article(a).status == "unchanged"
    assert store.stats()["documents"] == 1


def test_changed_article_updates_in_place(store):
    a = _article("k1", "比亚迪发布新车。")
    first = store.save_article(a)
    changed = _article("k1", "比亚迪发布两款新车。")
    second = store.save_article(changed)
    assert second.status == "updated" and second.document_id == first.document_id
    doc = store.get_document(first.document_id)
    assert doc["canonical"] == "比亚迪发布两款新车。"
    assert store.stats()["documents"] == 1


def test_identical_content_from_another_source_is_one_document(store):
    a = store.save_article(_article("outlet-a", "同一篇文章的正文。"))
    b = store.save_article(_article("outlet-b", "同一篇文章的 正文。"))  # whitespace differs only
    assert b.status == "duplicate" and b.document_id == a.document_id
    assert store.save_article(_article("outlet-b", "同一篇文章的 正文。")).status == "unchanged"
    assert store.stats()["documents"] == 1
    assert [s["source_key"] for s in store.get_document(a.document_id)["sources"]] == ["outlet-b"]


def test_failure_is_recorded_with_code_and_does_not_erase_text(store):
    f = FailedInput("bad.txt", "/tmp/bad.txt", "E103", "input is binary, not text")
    out = store.save_failure(f)
    doc = store.get_document(out.document_id)
    assert doc["status"] == "failed" and doc["error_code"] == "E103"
    ok = store.save_article(_article("good", "正文。"))
    store.save_failure(FailedInput("good", "/tmp/good", "E101", "gone"))
    doc = store.get_document(ok.document_id)
    assert doc["status"] == "ok" and doc["canonical"] == "正文。" and doc["error_code"] == "E101"


def test_published_at_keeps_offset_and_sorts_in_utc(store):
    store.save_article(_article("k1", "一。"))
    row = next(store.iter_documents())
    assert row["published_at"] == "2025-01-02T03:04:00+00:00"


def test_id_prefix_lookup(store):
    out = store.save_article(_article("k1", "一。"))
    assert store.get_document(out.document_id[:8])["id"] == out.document_id


def test_a_migration_numbered_below_the_database_version_is_still_applied(tmp_path):
    # stages developed side by side: 0007 reached a database before 0005 existed
    from autointel.store import open_store

    db = tmp_path / "old.db"
    s = open_store(db)
    for table in ("story_members", "stories", "story_links", "story_bands", "story_signatures"):
        s.conn.execute(f"DROP TABLE {table}")
    s.conn.execute("DELETE FROM schema_migrations WHERE number = 5")
    s.conn.close()
    s = open_store(db)
    assert s.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_members'").fetchone()
    assert {r[0] for r in s.conn.execute("SELECT number FROM schema_migrations")} >= {1, 2, 3, 4, 5, 6, 7}
