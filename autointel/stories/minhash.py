"""One-permutation MinHash (OPH) with rotation densification, batched in NumPy.

Why OPH and not k independent permutations: one hash per shingle instead of ``bins`` hashes; a k-permutation
signature of a 2,600-character article costs 128 x 2,600 hash evaluations, OPH costs 2,600. Each shingle's
64-bit hash picks a bin with its top bits and competes for that bin's minimum with its low 32 bits.
Empty bins (short texts) borrow the value of the next non-empty bin to the right, offset by the distance
(Shrivastava & Li 2014): the estimate stays unbiased enough and every bin can be used for LSH bands.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from autointel.stories.params import DEFAULT_PARAMS, StoryParams
from autointel.stories.shingles import batches, shingle_batch

EMPTY = np.uint32(0xFFFFFFFF)
_OFFSET = np.uint32(0x9E3779B1)  # golden-ratio step added per bin borrowed across


def signatures_from_shingles(hashes: np.ndarray, docs: np.ndarray, n_docs: int, bins: int) -> np.ndarray:
    """(n_docs, bins) uint32 signatures; a text without shingles keeps an all-EMPTY row."""
    shift = np.uint64(64 - (bins.bit_length() - 1))
    flat = docs.astype(np.int64) * bins + (hashes >> shift).astype(np.int64)
    values = (hashes & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    sig = np.full(n_docs * bins, EMPTY, dtype=np.uint32)
    np.minimum.at(sig, flat, values)
    sig = sig.reshape(n_docs, bins)
    return _densify(sig)


def _densify(sig: np.ndarray) -> np.ndarray:
    empty = sig == EMPTY
    partly = empty.any(axis=1) & ~empty.all(axis=1)
    if not partly.any():
        return sig
    rows = np.nonzero(partly)[0]
    sub, e = sig[rows], empty[rows]
    bins = sig.shape[1]
    ar = np.arange(bins)
    big = 2 * bins
    # Index of the next non-empty bin to the right, circularly: scan a doubled row from the right.
    doubled = np.concatenate([np.where(e, big, ar), np.where(e, big, ar + bins)], axis=1)
    nxt = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :bins]
    dist = (nxt - ar).astype(np.uint32)
    borrowed = np.take_along_axis(sub, nxt % bins, axis=1) + dist * _OFFSET
    sig[rows] = borrowed  # dist is 0 for non-empty bins: they keep their own value
    return sig


def signatures(texts: Sequence[str], params: StoryParams = DEFAULT_PARAMS) -> tuple[np.ndarray, np.ndarray]:
    """Signatures (n, bins) uint32 and shingle counts (n,) int64 of canonical texts."""
    sig = np.empty((len(texts), params.bins), dtype=np.uint32)
    counts = np.zeros(len(texts), dtype=np.int64)
    for start, stop in batches([len(t) for t in texts]):
        part = texts[start:stop]
        hashes, docs, n = shingle_batch(part, params.shingle, params.seed)
        sig[start:stop] = signatures_from_shingles(hashes, docs, len(part), params.bins)
        counts[start:stop] = n
    return sig, counts


def signature(text: str, params: StoryParams = DEFAULT_PARAMS) -> tuple[np.ndarray, int]:
    sig, counts = signatures([text], params)
    return sig[0], int(counts[0])
