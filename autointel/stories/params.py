"""Every tunable number of story detection in one frozen object (measured choices: docs/stories.md)."""
from __future__ import annotations

from dataclasses import dataclass


# Bump when shingle hashing or signing changes: stored signatures then no longer match (``stories --rebuild``).
HASH_SCHEME = 2


@dataclass(frozen=True)
class StoryParams:
    shingle: int = 5           # characters per shingle, after folding (whitespace and punctuation dropped)
    bins: int = 128            # one-permutation MinHash bins (signature length)
    bands: int = 42            # LSH bands ...
    rows: int = 3              # ... of this many bins each (bands * rows <= bins)
    jaccard: float = 0.5       # accept a pair at or above this resemblance ...
    containment: float = 0.8   # ... or when the smaller text is this much inside the larger one ...
    min_ratio: float = 0.3     # ... and is at least this fraction of the larger one's size (truncated copies)
    min_shingles: int = 20     # texts with fewer shingles are never near-duplicates (too little evidence)
    title_chars: int = 8       # same-title rule: folded titles at least this long ...
    title_days: int = 7        # ... published at most this many days apart
    shell_shingles: int = 100  # a body with fewer shingles (a shell, a teaser) is no evidence against a title
    seed: int = 0x5EED         # hash seed: signatures from different seeds are not comparable

    def __post_init__(self) -> None:
        if self.bands * self.rows > self.bins:
            raise ValueError(f"{self.bands} bands x {self.rows} rows exceed {self.bins} bins")
        if self.bins & (self.bins - 1):
            raise ValueError("bins must be a power of two")

    @property
    def version(self) -> str:
        """Stored with signatures: a change of any of these makes stored signatures stale."""
        return f"h{HASH_SCHEME}.k{self.shingle}.b{self.bins}.l{self.bands}x{self.rows}.s{self.seed}"


DEFAULT_PARAMS = StoryParams()
