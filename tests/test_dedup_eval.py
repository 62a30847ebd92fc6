"""Story detection quality, pinned: the dedup floors in eval/floors.json only move up."""
import json

import pytest

from autointel.evaluation.dedup import evaluate, load_labels
from tests.conftest import REPO, shared_path

FLOORS = json.loads((REPO / "eval" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def result():
    shared = shared_path("corpus", "auto-news").parents[1]
    return evaluate(shared)


def test_labels_are_keys_not_text():
    for a, b, label in load_labels():
        assert label in ("dup", "distinct")
        assert a.endswith(".md") and b.endswith(".md") and a < b


def test_dedup_floors(result):
    floor = FLOORS["dedup"]
    assert result.precision >= floor["precision"] and result.recall >= floor["recall"], result.as_dict()


def test_every_refetched_title_is_one_story(result):
    assert result.repeats == 38 and result.repeats_found == result.repeats, result.as_dict()


def test_every_kind_of_variant_is_found(result):
    for kind, planted in result.kinds.items():
        assert result.by_kind[kind] >= planted - 2, (kind, result.as_dict())
