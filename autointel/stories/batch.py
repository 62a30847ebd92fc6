"""The whole chain over an in-memory collection: sign -> candidates -> verify -> cluster.

Used by ``rebuild_stories``, the evaluation and the benchmark; each stage is a function so a caller can time
it. Incremental, per-document assignment against a database is ``autointel.store.stories``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from autointel.stories.cluster import choose_representative, components, story_id
from autointel.stories.lsh import band_keys, candidate_pairs
from autointel.stories.minhash import signatures
from autointel.stories.params import DEFAULT_PARAMS, StoryParams
from autointel.stories.shingles import shingle_set
from autointel.stories.similarity import Similarity, decide_many, estimate_many, exact, is_near_duplicate


@dataclass
class Story:
    id: str
    representative: int          # index into the collection
    members: list[int]           # indices, representative included


@dataclass
class Links:
    pairs: np.ndarray            # (m, 2) accepted index pairs
    similarity: list[Similarity]  # one per accepted pair


@dataclass
class BatchResult:
    stories: list[Story]
    links: Links
    candidates: int
    story_of: dict[int, int] = field(default_factory=dict)  # index -> position in stories


def sign(texts: Sequence[str], params: StoryParams = DEFAULT_PARAMS) -> tuple[np.ndarray, np.ndarray]:
    return signatures(texts, params)


def candidates(sig: np.ndarray, sizes: np.ndarray, params: StoryParams = DEFAULT_PARAMS) -> np.ndarray:
    return candidate_pairs(band_keys(sig, params), sizes >= params.min_shingles)


def verify_estimated(sig: np.ndarray, sizes: np.ndarray, pairs: np.ndarray,
                     params: StoryParams = DEFAULT_PARAMS) -> Links:
    """Decide from signatures alone (sizes are shingle counts): the 1M-document path."""
    jac, cont, ratio = estimate_many(sig, sizes, pairs)
    ok = decide_many(jac, cont, ratio, sizes[pairs[:, 0]], sizes[pairs[:, 1]], params)
    sims = [Similarity(float(j), float(c), float(r)) for j, c, r in zip(jac[ok], cont[ok], ratio[ok])]
    return Links(pairs[ok], sims)


class ShingleSets:
    """Distinct shingle sets computed on first use (a text is usually in few candidate pairs)."""

    def __init__(self, texts: Sequence[str], params: StoryParams):
        self.texts, self.params, self._sets = texts, params, {}

    def __getitem__(self, i: int) -> np.ndarray:
        s = self._sets.get(i)
        if s is None:
            s = self._sets[i] = shingle_set(self.texts[i], self.params.shingle, self.params.seed)
        return s


def verify_exact(texts: Sequence[str], pairs: np.ndarray, params: StoryParams = DEFAULT_PARAMS,
                 sets: ShingleSets | None = None) -> Links:
    """Decide on exact Jaccard/containment of the candidates' shingle sets (what the database path does)."""
    sets = sets or ShingleSets(texts, params)
    kept, sims = [], []
    for a, b in pairs.tolist():
        sa, sb = sets[a], sets[b]
        sim = exact(sa, sb)
        if is_near_duplicate(sim, len(sa), len(sb), params):
            kept.append((a, b))
            sims.append(sim)
    return Links(np.array(kept, dtype=np.int64).reshape(-1, 2), sims)


def cluster(ids: Sequence[str], published: Sequence[str | None], links: Links) -> list[Story]:
    stories = []
    for members in components(len(ids), links.pairs.tolist()):
        rep = choose_representative(ids, published, members)
        stories.append(Story(story_id(ids[rep]), rep, members))
    return stories


def find_stories(ids: Sequence[str], texts: Sequence[str], published: Sequence[str | None], *,
                 params: StoryParams = DEFAULT_PARAMS, exact_check: bool = True) -> BatchResult:
    sig, counts = sign(texts, params)
    pairs = candidates(sig, counts, params)
    links = verify_exact(texts, pairs, params) if exact_check else verify_estimated(sig, counts, pairs, params)
    stories = cluster(ids, published, links)
    story_of = {m: s for s, st in enumerate(stories) for m in st.members}
    return BatchResult(stories, links, len(pairs), story_of)
