"""The 690-article auto-news corpus: every file ingests, re-fetched articles do not multiply."""
import csv
from collections import Counter

import pytest

from autointel.pipeline import ingest
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def corpus_store(tmp_path_factory):
    from autointel.store import open_store

    root = shared_path("corpus", "auto-news")
    store = open_store(tmp_path_factory.mktemp("corpus") / "corpus.db")
    summary = ingest([str(root / "picker"), str(root / "rsshub_page")], store)
    yield root, store, summary
    store.close()


def test_all_690_files_ingest_without_failure(corpus_store):
    root, store, summary = corpus_store
    assert summary.counts["failed"] == 0, [(f.location, f.code, f.message) for f in summary.failures[:10]]
    handled = summary.counts["new"] + summary.counts["duplicate"]
    assert handled == 690
    stats = store.stats()
    assert stats["documents"] + stats["duplicate_sources"] == 690


def test_repeated_titles_with_identical_content_are_not_extra_documents(corpus_store):
    root, store, _ = corpus_store
    rows = list(csv.DictReader(open(root / "manifest.tsv", encoding="utf-8"), delimiter="\t"))
    repeated = {t for t, n in Counter(r["title"] for r in rows).items() if n > 1}
    assert len(repeated) == 38
    by_hash: dict[str, set[str]] = {}
    for r in store.conn.execute("SELECT content_hash, title FROM documents WHERE status='ok'"):
        by_hash.setdefault(r[0], set()).add(r[1])
    # no two stored documents share canonical content
    assert store.conn.execute(
        "SELECT count(*) FROM (SELECT content_hash FROM documents GROUP BY content_hash HAVING count(*) > 1)"
    ).fetchone()[0] == 0


def test_titles_and_dates_come_from_front_matter(corpus_store):
    root, store, _ = corpus_store
    rows = list(csv.DictReader(open(root / "manifest.tsv", encoding="utf-8"), delimiter="\t"))
    missing_date = store.conn.execute("SELECT count(*) FROM documents WHERE published_at IS NULL").fetchone()[0]
    assert missing_date == 0
    titles = {r[0] for r in store.conn.execute("SELECT original_title FROM documents")}
    titles |= {r[0] for r in store.conn.execute("SELECT title FROM document_sources")}
    manifest_titles = {r["title"] for r in rows}
    assert len(manifest_titles - titles) == 0


def test_geek_daily_digests_keep_their_headline_items(corpus_store):
    _, store, _ = corpus_store
    import json

    rows = store.conn.execute(
        "SELECT title, metadata FROM documents WHERE title LIKE '%极客早知道%' AND status = 'ok'").fetchall()
    assert len(rows) > 100
    with_items = [json.loads(m)["headlines"] for _, m in rows if json.loads(m).get("headlines")]
    assert len(with_items) >= 0.9 * len(rows)
    assert all(all(isinstance(h, str) and h for h in items) for items in with_items)
