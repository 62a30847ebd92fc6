"""Deduplication benchmark over the synthetic corpus (scripts/synthetic_corpus.py).

    .venv/bin/python scripts/bench_dedup.py --n 1000000 [--workers 2] [--seed 0]

Generates n articles (2 % planted near-duplicates) in this process while worker processes sign them
(NumPy one-permutation MinHash), then LSH candidates, signature-estimated verification and union-find
clustering in this process. Prints docs/s per stage, total wall time, peak RSS and the recall of the planted
near-duplicates (a variant counts when it ends in its original's story), plus the pairs accepted that no
planting explains (short synthetic articles that happen to share a sentence).
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic_corpus import DEFAULT_SHARED, iter_synthetic, load_pool  # noqa: E402

from autointel.stories.batch import candidates, verify_estimated  # noqa: E402
from autointel.stories.cluster import components  # noqa: E402
from autointel.stories.minhash import signatures  # noqa: E402
from autointel.stories.params import DEFAULT_PARAMS  # noqa: E402
from autointel.stories.shingles import shingle_set  # noqa: E402
from autointel.stories.similarity import exact, is_near_duplicate  # noqa: E402

BATCH = 2000


def _sign(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    return signatures(texts, DEFAULT_PARAMS)


SHORT = 1000  # texts kept to check unexplained pairs exactly (they are short: see the docstring)


def _batches(n: int, seed: int, shared: Path, dup_of: np.ndarray, chars: list[int], short: dict[int, str]):
    pool = load_pool(shared)
    texts: list[str] = []
    for i, a in enumerate(iter_synthetic(n, seed, pool=pool)):
        if "dup_of" in a:
            dup_of[i] = int(a["dup_of"][3:])
        texts.append(a["text"])
        chars[0] += len(a["text"])
        if len(a["text"]) < SHORT:
            short[i] = a["text"]
        if len(texts) == BATCH:
            yield texts
            texts = []
    if texts:
        yield texts


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    args = ap.parse_args(argv)
    p = DEFAULT_PARAMS
    t0 = time.perf_counter()
    load_pool(args.shared)  # build or warm the cache before timing generation
    t_pool = time.perf_counter() - t0

    n = args.n
    sig = np.empty((n, p.bins), dtype=np.uint32)
    sizes = np.empty(n, dtype=np.int64)
    dup_of = np.full(n, -1, dtype=np.int64)
    chars = [0]
    short: dict[int, str] = {}
    t1 = time.perf_counter()
    at = 0
    with Pool(args.workers) as workers:
        for s, c in workers.imap(_sign, _batches(n, args.seed, args.shared, dup_of, chars, short), chunksize=1):
            sig[at:at + len(c)] = s
            sizes[at:at + len(c)] = c
            at += len(c)
    t2 = time.perf_counter()
    pairs = candidates(sig, sizes, p)
    t3 = time.perf_counter()
    links = verify_estimated(sig, sizes, pairs, p)
    t4 = time.perf_counter()
    groups = components(n, links.pairs.tolist())
    root = np.empty(n, dtype=np.int64)
    for g in groups:
        root[g] = g[0]
    t5 = time.perf_counter()

    planted = np.flatnonzero(dup_of >= 0)
    found = int((root[planted] == root[dup_of[planted]]).sum())
    # planted truth as components: a variant and its original (and other variants of it) belong together
    truth = np.arange(n)
    for i in planted.tolist():  # originals precede their variants
        truth[i] = truth[dup_of[i]]
    odd = links.pairs[truth[links.pairs[:, 0]] != truth[links.pairs[:, 1]]]
    unexplained = len(odd)
    # Are they estimator errors or texts that really overlap? Check the short ones exactly.
    checkable = [(a, b) for a, b in odd.tolist() if a in short and b in short]
    real = 0
    for a, b in checkable:
        sa = shingle_set(short[a], p.shingle, p.seed)
        sb = shingle_set(short[b], p.shingle, p.seed)
        real += is_near_duplicate(exact(sa, sb), len(sa), len(sb), p)
    total = t5 - t1
    print(f"documents            {n:,} (mean {chars[0] / n:,.0f} chars, {len(planted):,} planted near-duplicates)")
    print(f"sentence pool        {t_pool:.1f} s (cached after the first run)")
    print(f"generate+sign        {t2 - t1:.1f} s  {n / (t2 - t1):,.0f} docs/s  ({args.workers} signing workers)")
    print(f"LSH candidates       {t3 - t2:.1f} s  {n / (t3 - t2):,.0f} docs/s  {len(pairs):,} candidate pairs")
    print(f"verify (estimated)   {t4 - t3:.2f} s  {len(links.pairs):,} accepted pairs")
    print(f"cluster (union-find) {t5 - t4:.1f} s  {n / (t5 - t4):,.0f} docs/s  {sum(len(g) > 1 for g in groups):,} stories of 2+")
    print(f"total                {total:.1f} s  ({n / total:,.0f} docs/s, generation included)")
    print(f"peak RSS             {peak_rss_mb():,.0f} MB")
    print(f"planted recall       {found:,}/{len(planted):,} = {found / max(len(planted), 1):.4f}")
    print(f"unexplained pairs    {unexplained:,} of {len(links.pairs):,} accepted "
          f"(pair precision vs planted truth {1 - unexplained / max(len(links.pairs), 1):.4f}); "
          f"{len(checkable):,} are between texts under {SHORT} chars, of which {real:,} are near-duplicates "
          f"on exact shingle sets too (synthetic articles sharing drawn sentences)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
