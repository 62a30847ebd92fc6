"""The benchmark corpus generator (scripts/synthetic_corpus.py) on a pool of invented sentences."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from synthetic_corpus import SentencePool, iter_synthetic  # noqa: E402

SENTENCES = [f"第{i}号样例句子讲述某车企的第{i}件事。" for i in range(2000)]


def _pool() -> SentencePool:
    return SentencePool(SENTENCES, np.array([len(s) for s in SENTENCES], dtype=np.int32),
                        ["样例标题：某车企发布新车", "另一个标题，销量创新高"], ["甲网", "乙报"])


def _runs(text: str) -> list[list[int]]:
    """The pool positions of an article's sentences, split where they stop being consecutive."""
    found = [SENTENCES.index(s + "。") for s in text.replace("\n", "").split("。") if s]
    runs = [[found[0]]]
    for i in found[1:]:
        (runs[-1].append(i) if i == runs[-1][-1] + 1 else runs.append([i]))
    return runs


def test_topical_articles_are_a_few_runs_of_consecutive_sentences():
    articles = [a for a in iter_synthetic(200, seed=3, pool=_pool(), dup_rate=0.0, topical=True)]
    runs = [len(_runs(a["text"])) for a in articles if a["text"]]
    assert max(runs) <= 3 and sum(runs) / len(runs) < 3
    again = [a["text"] for a in iter_synthetic(200, seed=3, pool=_pool(), dup_rate=0.0, topical=True)]
    assert again == [a["text"] for a in articles]  # deterministic given the seed


def test_the_default_draws_sentences_one_by_one():
    articles = [a for a in iter_synthetic(200, seed=3, pool=_pool(), dup_rate=0.0)]
    runs = [len(_runs(a["text"])) for a in articles if len(_runs(a["text"])) > 0]
    long_ones = [r for a, r in zip(articles, runs) if a["text"].count("。") >= 10]
    assert long_ones and min(long_ones) > 3
