"""Topic-tagging quality on the annotated sets, pinned: the floors in eval/floors.json only move up."""
import json

import pytest

from autointel.evaluation.topics import load_set, score
from tests.conftest import REPO, shared_path

FLOORS = json.loads((REPO / "eval" / "floors.json").read_text(encoding="utf-8"))["topics"]


@pytest.fixture(scope="module")
def shared():
    return shared_path("corpus", "auto-news").parents[1]


@pytest.fixture(scope="module")
def main_report(shared):
    return score(load_set("main"), shared).as_dict()


def test_gold_files_are_the_documented_sizes_and_use_known_topics():
    from autointel.topics import load_taxonomy

    main, heldout = load_set("main"), load_set("heldout")
    assert len(main) >= 80 and len(heldout) >= 25
    assert not {g.doc for g in main} & {g.doc for g in heldout}, "a document is in both sets"
    known = set(load_taxonomy().ids)
    assert all(g.topics <= known for g in main + heldout)
    assert any(not g.topics for g in main), "the main set has documents with no topic (non-auto news)"


def test_main_set_floors(main_report):
    assert main_report["documents"] == len(load_set("main")), main_report["skipped"]
    micro = main_report["micro"]
    assert micro["f1"] >= FLOORS["main_micro_f1"], main_report
    assert micro["precision"] >= FLOORS["main_micro_precision"], main_report
    assert micro["recall"] >= FLOORS["main_micro_recall"], main_report
    assert main_report["macro"]["f1"] >= FLOORS["main_macro_f1"], main_report


def test_heldout_set_floor(shared):
    report = score(load_set("heldout"), shared).as_dict()
    assert report["documents"] == len(load_set("heldout")), report["skipped"]
    assert report["micro"]["f1"] >= FLOORS["heldout_micro_f1"], report
