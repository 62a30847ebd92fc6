"""How alike two texts are, and whether that makes them the same story.

Two measures, because reposts differ in two ways: re-formatting and small edits keep the resemblance
(Jaccard) high; truncation does not (a 60 % prefix has J = 0.6, and with a boilerplate footer less), but
keeps the shorter text almost wholly inside the longer one (containment). Containment alone would merge a
one-paragraph brief into every digest that quotes it, hence the size ratio floor.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autointel.stories.params import DEFAULT_PARAMS, StoryParams


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float  # |A ∩ B| / min(|A|, |B|)
    ratio: float        # min(|A|, |B|) / max(|A|, |B|)

    def as_dict(self) -> dict:
        return {"jaccard": round(self.jaccard, 4), "containment": round(self.containment, 4),
                "ratio": round(self.ratio, 4)}


def is_near_duplicate(sim: Similarity, size_a: int, size_b: int, params: StoryParams = DEFAULT_PARAMS) -> bool:
    if min(size_a, size_b) < params.min_shingles:
        return False
    if sim.jaccard >= params.jaccard:
        return True
    return sim.containment >= params.containment and sim.ratio >= params.min_ratio


def exact(set_a: np.ndarray, set_b: np.ndarray) -> Similarity:
    """From distinct sorted shingle sets (``shingles.shingle_set``)."""
    na, nb = len(set_a), len(set_b)
    if not na or not nb:
        return Similarity(0.0, 0.0, 0.0)
    inter = len(np.intersect1d(set_a, set_b, assume_unique=True))
    return Similarity(inter / (na + nb - inter), inter / min(na, nb), min(na, nb) / max(na, nb))


def estimate_many(sig: np.ndarray, sizes: np.ndarray, pairs: np.ndarray,
                  chunk: int = 1 << 16) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(jaccard, containment, ratio) arrays for index pairs, from signatures and shingle counts.

    Containment from resemblance: |A ∩ B| = J (|A| + |B|) / (1 + J).
    """
    m = len(pairs)
    jac = np.empty(m, dtype=np.float64)
    for s in range(0, m, chunk):
        p = pairs[s:s + chunk]
        jac[s:s + chunk] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    a = sizes[pairs[:, 0]].astype(np.float64)
    b = sizes[pairs[:, 1]].astype(np.float64)
    small = np.maximum(np.minimum(a, b), 1.0)
    inter = jac * (a + b) / (1.0 + jac)
    return jac, np.minimum(inter / small, 1.0), small / np.maximum(np.maximum(a, b), 1.0)


def decide_many(jac: np.ndarray, cont: np.ndarray, ratio: np.ndarray, size_a: np.ndarray, size_b: np.ndarray,
                params: StoryParams = DEFAULT_PARAMS) -> np.ndarray:
    """Vectorised ``is_near_duplicate``."""
    enough = np.minimum(size_a, size_b) >= params.min_shingles
    return enough & ((jac >= params.jaccard) | ((cont >= params.containment) & (ratio >= params.min_ratio)))
