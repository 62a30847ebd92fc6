"""Word boundaries from segmentation, asked only around the few matches that need them.

Segmenting every document would cost more than the rest of linking together (~4M chars/s with
rjieba); a window of a few characters around a short or weak match gives the same answer to the one
question we ask: does the match start and end where words do?
"""
from __future__ import annotations

from functools import lru_cache

import rjieba

WINDOW = 6


@lru_cache(maxsize=1)
def _segmenter() -> rjieba.Jieba:
    return rjieba.Jieba()


def enclosing_tokens(text: str, start: int, end: int) -> list[str]:
    """Tokens of the surrounding window that cross the match's edges (empty when both edges are word edges)."""
    lo, hi = max(0, start - WINDOW), min(len(text), end + WINDOW)
    crossing = []
    pos = lo
    for token in _segmenter().cut(text[lo:hi], False):
        t_start, t_end = pos, pos + len(token)
        pos = t_end
        if t_start < start < t_end or t_start < end < t_end:
            crossing.append(token)
    return crossing
