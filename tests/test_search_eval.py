"""Search quality on the annotated query sets, pinned: floors in eval/floors.json only move up, and
autointel must stay well above the plain FTS5 baseline measured in the same run."""
import json

import pytest

from autointel.evaluation.search import (QUERY_SETS, Fts5Baseline, collection_inputs, document_keys,
                                         evaluate_baseline, evaluate_engine, load_queries, summarise)
from tests.conftest import REPO, shared_path

FLOORS = json.loads((REPO / "eval" / "floors.json").read_text(encoding="utf-8"))["search"]


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    from autointel.pipeline import ingest, linker_for
    from autointel.search.service import open_engine
    from autointel.store import open_store

    shared = shared_path("corpus", "auto-news").parent.parent
    store = open_store(tmp_path_factory.mktemp("search-eval") / "eval.db")
    ingest(collection_inputs(shared), store, linker=linker_for(store))
    engine = open_engine(store)
    return engine, document_keys(store.conn, shared), Fts5Baseline(store.conn)


def run(collection, name):
    engine, keys, baseline = collection
    queries = load_queries(QUERY_SETS[name])
    return summarise(evaluate_engine(engine, queries, keys)), summarise(evaluate_baseline(baseline, queries, keys))


def test_query_sets_cover_three_languages():
    queries = load_queries(QUERY_SETS["main"])
    assert len(queries) >= 40
    assert {q.lang for q in queries} == {"zh-Hans", "zh-Hant", "en"}


def test_main_set_floors(collection):
    ours, base = run(collection, "main")
    assert ours["mrr"] >= FLOORS["main_mrr"], ours
    assert ours["ndcg@10"] >= FLOORS["main_ndcg_at_10"], ours
    assert ours["recall@10"] >= FLOORS["main_recall_at_10"], ours
    assert ours["known_item_top3"] >= FLOORS["main_known_item_top3"], ours
    assert ours["mrr"] - base["mrr"] >= FLOORS["margin_over_fts5_baseline_mrr"], (ours, base)


def test_heldout_set_floors(collection):
    ours, _ = run(collection, "heldout")
    assert ours["mrr"] >= FLOORS["heldout_mrr"], ours
    assert ours["ndcg@10"] >= FLOORS["heldout_ndcg_at_10"], ours
