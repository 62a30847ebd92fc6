"""Entity linking and discovery quality, pinned: the floors in eval/floors.json only move up."""
import json

import pytest

from autointel.evaluation.entities import GOLD_DIR, SETS, load_gold, score
from autointel.link.linker import default_linker
from tests.conftest import REPO, shared_path

FLOORS = json.loads((REPO / "eval" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def shared():
    return shared_path("seeds").parent


def run(set_name, shared):
    return score(default_linker(), load_gold(sorted(GOLD_DIR.glob(SETS[set_name]))), shared)


def test_gold_spans_match_the_canonical_text(shared):
    # score() raises on any gold span or title that no longer matches the normaliser's output
    for name in SETS:
        assert run(name, shared).documents > 0


def test_main_set_floors(shared):
    result = run("main", shared)
    p, r, _ = result.prf()
    floor = FLOORS["entities_main"]
    assert p >= floor["precision"] and r >= floor["recall"], result.as_dict()
    seed_traps = [t for t in result.trap_hits if t["doc"].startswith("seeds/")]
    assert len(seed_traps) <= floor["trap_violations_in_seeds"], seed_traps


def test_heldout_set_floors(shared):
    result = run("heldout", shared)
    p, r, _ = result.prf()
    floor = FLOORS["entities_heldout"]
    assert p >= floor["precision"] and r >= floor["recall"], result.as_dict()


def test_seed_trap_phrases_are_annotated_and_left_unlinked(shared):
    gold = [g for g in load_gold(sorted(GOLD_DIR.glob(SETS["main"]))) if g.doc.startswith("seeds/")]
    phrases = {t[2] for g in gold for t in g.traps}
    assert {"理想", "大众", "现代", "未来"} <= phrases


def test_discovery_tagger_on_cluener_dev():
    path = shared_path("datasets", "cluener2020", "dev.json")
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_cluener", REPO / "scripts" / "eval_cluener.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert hasattr(module, "evaluate"), "scripts/eval_cluener.py exposes evaluate(path)"
    report = module.evaluate(path)
    assert report["micro"]["strict"]["f1"] >= FLOORS["discovery_cluener_dev_micro_f1_strict"], report["micro"]


def test_fact_and_claim_extraction_floors(shared):
    from autointel.evaluation.facts import load_gold as load_fact_gold, score as score_facts

    report = score_facts(default_linker(), load_fact_gold(), shared).as_dict()
    floor = FLOORS["facts"]
    assert report["fact_precision"] >= floor["precision"], report
    assert report["fact_recall"] >= floor["recall"], report
    assert report["claim_recall"] >= floor["claim_recall_with_status"], report
