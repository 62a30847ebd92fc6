"""Locality-sensitive hashing: signature bands -> keys -> candidate pairs.

A pair whose signatures agree on all ``rows`` bins of at least one of ``bands`` bands becomes a candidate,
with probability 1 - (1 - J^rows)^bands for resemblance J. With 42 bands of 3 rows: J = 0.4 -> 0.94,
J = 0.5 -> 0.996, while pairs sharing one sentence (J ~ 0.01) collide with probability ~4e-5. Truncated
copies have low J (a 50 % prefix has J = 0.5), which is why rows are few and bands many.
"""
from __future__ import annotations

import numpy as np

from autointel.stories.params import DEFAULT_PARAMS, StoryParams

_PRIME = np.uint64(0x100000001B3)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_BAND = np.uint64(0x9E3779B97F4A7C15)
MAX_GROUP_REACH = 8  # in a crowded bucket, pair each member with this many neighbours only


def band_keys(sig: np.ndarray, params: StoryParams = DEFAULT_PARAMS) -> np.ndarray:
    """(n, bands) uint64 keys; the band number is mixed in, so all bands can share one index."""
    n = sig.shape[0]
    sub = sig[:, :params.bands * params.rows].reshape(n, params.bands, params.rows).astype(np.uint64)
    keys = np.broadcast_to((np.arange(params.bands, dtype=np.uint64) + np.uint64(1)) * _BAND,
                           (n, params.bands)).copy()
    for j in range(params.rows):
        keys *= _PRIME
        keys += sub[:, :, j]
    keys *= _MIX
    keys ^= keys >> np.uint64(31)
    return keys


def as_sql_keys(keys: np.ndarray) -> list[int]:
    """SQLite integers are signed 64-bit: store the same bits as int64."""
    return keys.astype(np.uint64).view(np.int64).ravel().tolist()


def candidate_pairs(keys: np.ndarray, eligible: np.ndarray | None = None, reach: int = MAX_GROUP_REACH) -> np.ndarray:
    """(m, 2) int64 index pairs (i < j), each once, of rows sharing a key in some band.

    Per band: sort the keys, then pair rows whose sorted positions are 1..reach apart and whose
    keys are equal -- all pairs of a normal bucket, a bounded number in a crowded one (a bucket of
    thousands would otherwise produce millions of pairs, e.g. template texts).
    """
    rows = np.arange(keys.shape[0]) if eligible is None else np.flatnonzero(eligible)
    if len(rows) < 2:
        return np.empty((0, 2), dtype=np.int64)
    found = []
    for b in range(keys.shape[1]):
        k = keys[rows, b]
        order = np.argsort(k, kind="stable")
        sk, so = k[order], rows[order]
        for d in range(1, reach + 1):
            if d >= len(sk):
                break
            same = np.flatnonzero(sk[:-d] == sk[d:])
            if not len(same):
                break  # no bucket of d+1 members: none of d+2 either
            found.append(np.stack([so[same], so[same + d]], axis=1))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(found)
    pairs.sort(axis=1)
    n = np.int64(keys.shape[0])
    code = np.unique(pairs[:, 0].astype(np.int64) * n + pairs[:, 1])
    return np.stack([code // n, code % n], axis=1)
