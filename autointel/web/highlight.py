"""Article text as segments, each carrying the annotations that cover it, for the article page.

Entities, facts and claims are stored as character spans over the canonical text (and, mapped through the
alignment, over the original).  The page shows the text once with every span marked, so this module cuts the
text at every span boundary and says, for each piece, which mention, fact, claim and cited span it lies in.
Nothing here renders HTML: the template escapes every piece.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    kind: str          # entity / fact / claim / cited
    start: int
    end: int
    ref: str = ""      # entity id, fact id, claim id
    label: str = ""    # tooltip: entity name, fact value, claim type and status


@dataclass
class Segment:
    text: str
    start: int
    entity: Mark | None = None
    fact: Mark | None = None
    claims: list[Mark] = field(default_factory=list)
    cited: bool = False
    cited_first: bool = False  # the page scrolls to the first piece of the cited span (id="hl")


def segments(text: str, marks: list[Mark]) -> list[Segment]:
    """Cut ``text`` at every boundary of ``marks`` (spans outside the text are dropped)."""
    n = len(text)
    marks = [m for m in marks if 0 <= m.start < m.end <= n]
    cuts = sorted({0, n, *(m.start for m in marks), *(m.end for m in marks)})
    # Marks sorted by start let each piece find its covers with one forward scan.
    by_start = sorted(marks, key=lambda m: (m.start, -(m.end - m.start)))
    active: list[Mark] = []
    i = 0
    out: list[Segment] = []
    cited_seen = False
    for a, b in zip(cuts, cuts[1:]):
        while i < len(by_start) and by_start[i].start <= a:
            active.append(by_start[i])
            i += 1
        active = [m for m in active if m.end > a]
        seg = Segment(text=text[a:b], start=a)
        for m in active:
            if m.kind == "entity" and (seg.entity is None or m.end - m.start > seg.entity.end - seg.entity.start):
                seg.entity = m  # nested names: the longest wins, as in the linker
            elif m.kind == "fact" and seg.fact is None:
                seg.fact = m
            elif m.kind == "claim":
                seg.claims.append(m)
            elif m.kind == "cited":
                seg.cited = True
        if seg.cited and not cited_seen:
            seg.cited_first = cited_seen = True
        out.append(seg)
    return out


def parse_span(value: str | None) -> tuple[int, int] | None:
    """``"12-40"`` -> (12, 40); anything else -> None (a bad link shows the article, unmarked)."""
    if not value:
        return None
    a, sep, b = value.partition("-")
    if not sep or not a.isdigit() or not b.isdigit() or int(a) >= int(b):
        return None
    return int(a), int(b)
