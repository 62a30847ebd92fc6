"""What a briefing is made of: sections of items, each item citing the exact span it came from.

Every text here is rendered from stored fields (a fact's subject, metric, period and value; a claim's type,
participants and status; a story's title) or is a stored sentence (a citation's ``quote``): nothing is written
that the database does not hold.  ``Figure`` keeps, for each number a line states, where the document says it,
so a checker can re-read the document and compare.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Iterator, Optional


@dataclass(frozen=True)
class Figure:
    """One number a line states and the span of the cited document that says it."""

    shown: str  # as the line writes it: 近16万辆, 同比+276%
    amount: str  # the quantity alone, formatted the same way from a re-parse of the span: 近16万辆, 276%
    start: int  # canonical span of the number (inside its citation's span)
    end: int
    value: float
    value_max: Optional[float]
    unit: str
    qualifier: Optional[str]


@dataclass(frozen=True)
class Citation:
    doc_id: str
    title: Optional[str]
    outlet: Optional[str]
    published_at: Optional[str]
    start: int  # canonical character offsets of the cited sentence, end exclusive
    end: int
    orig_start: Optional[int]  # the same span in the text as published
    orig_end: Optional[int]
    quote: str  # canonical[start:end]
    figures: tuple[Figure, ...] = ()
    role: str = "source"  # source (first report) / also (another outlet said the same)

    @property
    def date(self) -> str:
        return (self.published_at or "")[:10]

    @property
    def label(self) -> str:
        return f"{self.outlet or '未知来源'}, {self.date or '日期不详'}"

    def link(self, base_url: str = "") -> str:
        """The web UI page of the document with this span highlighted (canonical offsets)."""
        return f"{base_url.rstrip('/')}/doc/{self.doc_id}?hl={self.start}-{self.end}#hl"


@dataclass
class Item:
    kind: str  # fact / conflict / claim / claim_event / story / event
    text: str
    citations: list[Citation]
    date: Optional[str] = None  # YYYY-MM-DD the item is placed at (timeline, claim events)
    details: dict = field(default_factory=dict)  # structured fields the text was rendered from
    children: list["Item"] = field(default_factory=list)

    def walk(self) -> Iterator["Item"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Section:
    key: str  # facts / claims / stories / timeline
    title: str
    items: list[Item]
    note: Optional[str] = None  # e.g. why the LLM prose was not used
    prose: Optional[str] = None  # LLM-written text with [n] markers, when it passed the guard

    def lines(self) -> list[Item]:
        """Every item and child in reading order: what [n] markers number, from 1."""
        return [i for top in self.items for i in top.walk()]

    def numbered(self) -> list[tuple[int, Item, int]]:
        """(marker number, line, depth) for every line, in the order [n] markers count them."""
        out: list[tuple[int, Item, int]] = []

        def add(item: Item, depth: int) -> None:
            out.append((len(out) + 1, item, depth))
            for child in item.children:
                add(child, depth + 1)

        for top in self.items:
            add(top, 0)
        return out


@dataclass
class Briefing:
    title: str
    selector: dict  # entity / entity_id / topic / query as asked
    since: Optional[str]
    until: Optional[str]
    documents: int  # documents selected
    sections: list[Section]
    writer: str = "extractive"  # or "llm" when at least one section is LLM prose
    notes: list[str] = field(default_factory=list)
    took_ms: float = 0.0

    def section(self, key: str) -> Optional[Section]:
        return next((s for s in self.sections if s.key == key), None)

    def cited(self) -> Iterator[tuple[Item, Citation]]:
        for s in self.sections:
            for item in s.lines():
                for c in item.citations:
                    yield item, c

    def as_dict(self, base_url: str = "") -> dict:
        """JSON-ready; each citation also carries its ``link`` (the web UI page with the span highlighted)."""
        body = asdict(self)

        def add_links(items: list[dict]) -> None:
            for item in items:
                for c in item["citations"]:
                    c["link"] = f"{base_url.rstrip('/')}/doc/{c['doc_id']}?hl={c['start']}-{c['end']}#hl"
                add_links(item["children"])

        for s in body["sections"]:
            add_links(s["items"])
        return body
