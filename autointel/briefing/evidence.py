"""Citations: a document's sentence as canonical and original spans, read from the stored document.

The quote is cut from the canonical text here, at build time, never copied from a cached field: what a
briefing quotes is what ``/doc/{id}?hl=start-end`` highlights.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from autointel.briefing.model import Citation, Figure
from autointel.facts.extract import sentences
from autointel.normalize.aligned import AlignedText


@dataclass
class StoredText:
    doc_id: str
    title: Optional[str]
    outlet: Optional[str]
    published_at: Optional[str]
    canonical: str
    offsets: list  # runs [canonical_start, original_start, canonical_len, original_len], aligned on demand
    _aligned: Optional[AlignedText] = None
    _sentences: Optional[list[tuple[int, int]]] = None

    def original_span(self, start: int, end: int) -> tuple[Optional[int], Optional[int]]:
        if self._aligned is None:
            try:
                self._aligned = AlignedText.from_runs(self.canonical, self.offsets)
            except ValueError:  # a document stored without a usable map: cite the canonical span only
                return None, None
        return self._aligned.original_span(start, end)

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence holding canonical position ``pos``, surrounding spaces left out."""
        if self._sentences is None:
            self._sentences = sentences(self.canonical)
        for a, b in self._sentences:
            if a <= pos < b:
                return _trim(self.canonical, a, b)
        return _trim(self.canonical, *(self._sentences[0] if self._sentences else (0, len(self.canonical))))

    def lead(self) -> tuple[int, int]:
        """The first sentence with some substance (a dateline or a one-word line is skipped)."""
        if self._sentences is None:
            self._sentences = sentences(self.canonical)
        for a, b in self._sentences:
            a, b = _trim(self.canonical, a, b)
            if b - a >= 8:
                return a, b
        return self.sentence_at(0)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


class Documents:
    """Stored texts of the documents a briefing cites, each read once."""

    def __init__(self, store):
        self.store = store
        self._cache: dict[str, StoredText] = {}

    def get(self, doc_id: str) -> StoredText:
        if doc_id not in self._cache:
            doc = self.store.get_document(doc_id)
            if doc is None or doc["id"] != doc_id:
                raise KeyError(doc_id)
            self._cache[doc_id] = StoredText(doc_id, doc["title"], doc["outlet"], doc["published_at"],
                                             doc["canonical"] or "", doc["offsets"] or [])
        return self._cache[doc_id]

    def citation(self, doc_id: str, start: int, end: int, figures: tuple[Figure, ...] = (),
                 role: str = "source") -> Citation:
        doc = self.get(doc_id)
        orig_start, orig_end = doc.original_span(start, end)
        return Citation(doc_id, doc.title, doc.outlet, doc.published_at, start, end, orig_start, orig_end,
                        doc.canonical[start:end], figures, role)

    def sentence_citation(self, doc_id: str, pos: int, role: str = "source") -> Citation:
        return self.citation(doc_id, *self.get(doc_id).sentence_at(pos), role=role)

    def lead_citation(self, doc_id: str) -> Citation:
        return self.citation(doc_id, *self.get(doc_id).lead())
