"""Link one stored article: body and title mentions, each with its canonical and original span."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import Sequence

from autointel.link.linker import Linker, Mention


@dataclass(frozen=True)
class DocumentMention:
    field: str  # body | title
    start: int
    end: int
    orig_start: int | None
    orig_end: int | None
    surface: str
    entity_id: str | None
    method: str
    candidates: tuple[str, ...] = ()


class SpanMap:
    """Canonical -> original offsets from the stored runs [canon_start, orig_start, canon_len, orig_len]."""

    def __init__(self, runs: Sequence[Sequence[int]]):
        self.runs = sorted(runs)
        self.starts = [r[0] for r in self.runs]

    def _run(self, pos: int) -> Sequence[int] | None:
        i = bisect_right(self.starts, pos) - 1
        return self.runs[i] if i >= 0 else None

    def original(self, start: int, end: int) -> tuple[int, int] | None:
        first, last = self._run(start), self._run(max(start, end - 1))
        if first is None or last is None:
            return None
        c, o, clen, olen = first
        o_start = o + (start - c) if clen == olen else o
        c, o, clen, olen = last
        o_end = o + (end - c) if clen == olen else o + olen
        return o_start, o_end


def link_document(linker: Linker, canonical: str, runs: Sequence[Sequence[int]], title: str | None,
                  original_title: str | None) -> list[DocumentMention]:
    body, title_mentions = linker.link_article(canonical, title or "")
    spans = SpanMap(runs)
    out = [_stored("body", m, spans.original(m.start, m.end) if runs else None) for m in body]
    # titles are converted character by character unless their length changed; no runs are stored for them
    same_length = original_title is not None and title is not None and len(original_title) == len(title)
    out += [_stored("title", m, (m.start, m.end) if same_length else None) for m in title_mentions]
    return out


def _stored(field: str, m: Mention, orig: tuple[int, int] | None) -> DocumentMention:
    return DocumentMention(field, m.start, m.end, orig[0] if orig else None, orig[1] if orig else None,
                           m.surface, m.entity_id, m.method, m.candidates)
