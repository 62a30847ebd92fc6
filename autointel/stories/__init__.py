"""Stories: exact and near-duplicate articles grouped, the earliest published one representing each group.

Stages, one module each:
- ``shingles``: canonical text -> folded code points -> hashed character n-gram shingles (NumPy);
- ``minhash``: shingles -> one-permutation MinHash signatures with densification (NumPy, batched);
- ``lsh``: signatures -> band keys -> candidate pairs;
- ``similarity``: candidate pairs -> Jaccard and containment (estimated or exact) -> the near-duplicate decision;
- ``cluster``: accepted pairs -> union-find components -> stories with a representative and a stable id;
- ``batch``: the whole chain over an in-memory collection (evaluation, benchmarks, rebuilds).

Incremental assignment for a database lives in ``autointel.store.stories``. Parameters and why they were
chosen: docs/stories.md.
"""
from autointel.stories.params import DEFAULT_PARAMS, StoryParams

__all__ = ["DEFAULT_PARAMS", "StoryParams"]
