"""Accepted pairs -> connected components -> stories (representative = earliest published, ties by id)."""
from __future__ import annotations

from typing import Iterable, Sequence

STORY_PREFIX = "s"


def story_id(representative_id: str) -> str:
    """Derived from the representative, so re-running over the same documents gives the same ids."""
    return STORY_PREFIX + representative_id


def representative_key(doc_id: str, published_utc: str | None) -> tuple:
    """Sort key: dated before undated, earlier before later, then by id."""
    return (published_utc is None, published_utc or "", doc_id)


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:  # path compression
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller index becomes the root: deterministic, independent of pair order.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def components(n: int, pairs: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Groups of indices (every index in exactly one group, singletons included), each sorted."""
    uf = UnionFind(n)
    for a, b in pairs:
        uf.union(int(a), int(b))
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(uf.find(i), []).append(i)
    return list(groups.values())


def choose_representative(ids: Sequence[str], published: Sequence[str | None], members: Sequence[int]) -> int:
    return min(members, key=lambda i: representative_key(ids[i], published[i]))
