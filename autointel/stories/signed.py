"""One document's story signature, computed apart from the store: in a worker process of the parallel
ingest (autointel/engines/), so that the single saving process only looks up and writes it."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from autointel.stories.minhash import signatures_from_shingles
from autointel.stories.params import DEFAULT_PARAMS, StoryParams
from autointel.stories.shingles import distinct_sorted, shingle_hashes


@dataclass(frozen=True)
class Signed:
    params: str  # StoryParams.version it was made with: another version is signed again
    content_hash: str  # sha1 of the canonical text
    shingles: int  # distinct shingles
    signature: bytes  # MinHash signature, little-endian uint32 (what story_signatures stores)

    def array(self) -> np.ndarray:
        return np.frombuffer(self.signature, dtype="<u4").astype(np.uint32)


def content_hash(canonical: str) -> str:
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()


def sign(canonical: str, params: StoryParams = DEFAULT_PARAMS) -> tuple[Signed, np.ndarray]:
    """The signature and the distinct sorted shingle hashes (needed only to compare with a candidate)."""
    hashes = shingle_hashes(canonical, params.shingle, params.seed)
    own = distinct_sorted(hashes)
    sig = signatures_from_shingles(hashes, np.zeros(len(hashes), dtype=np.int64), 1, params.bins)[0]
    return Signed(params.version, content_hash(canonical), len(own), sig.astype("<u4").tobytes()), own
