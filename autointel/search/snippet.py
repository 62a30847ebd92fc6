"""A snippet of the original text around the query's words, with the words' positions.

Matching happens on the canonical text (where 輝達 is already 英伟达); the chosen window and every
highlighted word are then mapped to the original through the stored alignment, so a Traditional article
shows its own characters with the right words marked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from autointel.link.document import SpanMap

WIDTH = 120
_BREAK = re.compile(r"[。！？!?；\n]")
_SPACE = re.compile(r"\s")


@dataclass
class Snippet:
    text: str
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] within text
    span: list[int] | None = None  # [start, end] in the original text


def occurrences(text: str, terms: list[str]) -> list[tuple[int, int, int]]:
    """(start, end, term number) of every non-overlapping occurrence, longest terms first."""
    lowered = text.lower()
    taken = bytearray(len(text))
    found = []
    for k, term in enumerate(terms):
        t = term.lower()
        if not t:
            continue
        pos = lowered.find(t)
        while pos >= 0:
            end = pos + len(t)
            if not any(taken[pos:end]):
                found.append((pos, end, k))
                taken[pos:end] = b"\x01" * (end - pos)
            pos = lowered.find(t, end)
    return sorted(found)


def best_window(found: list[tuple[int, int, int]], length: int, width: int = WIDTH) -> tuple[int, int]:
    """The window covering the most distinct terms (then the most occurrences), started at a sentence."""
    best, best_key = (0, min(length, width)), (-1, -1)
    j = 0
    for i, (start, _, _) in enumerate(found):
        while j < len(found) and found[j][1] <= start + width:
            j += 1
        inside = found[i:j]
        key = (len({k for _, _, k in inside}), len(inside))
        if key > best_key:
            best_key, best = key, (start, min(length, start + width))
    return best


def max_groups_in_window(found: list[tuple[int, int, int]], width: int) -> int:
    """The most distinct labels (third item) among occurrences that fit in one window of ``width``."""
    best, j = 0, 0
    for i, (start, _, _) in enumerate(found):
        while j < len(found) and found[j][1] <= start + width:
            j += 1
        best = max(best, len({k for _, _, k in found[i:j]}))
    return best


def make_snippet(canonical: str, original: str, spans: SpanMap, terms: list[str], width: int = WIDTH) -> Snippet:
    found = occurrences(canonical, terms)
    start, end = best_window(found, len(canonical), width) if found else (0, min(len(canonical), width))
    # start at the beginning of the sentence when it is near, so the snippet reads naturally
    back = max(0, start - 30)
    breaks = [m.end() for m in _BREAK.finditer(canonical, back, start)]
    if breaks:
        start = breaks[-1]
    elif start - back < 30 and start > 0:
        start = back
    end = min(len(canonical), max(end, start + width))
    mapped = spans.original(start, end) if spans.runs and original else None
    if mapped is None:
        base, text, s0 = canonical, canonical[start:end], start
        to_snippet = lambda a, b: (a - s0, b - s0)  # noqa: E731
    else:
        s0, e0 = mapped
        text = original[s0:e0]

        def to_snippet(a: int, b: int) -> tuple[int, int] | None:
            m = spans.original(a, b)
            return (m[0] - s0, m[1] - s0) if m else None
    highlights = []
    for a, b, _ in found:
        if a >= start and b <= end:
            rel = to_snippet(a, b)
            if rel and 0 <= rel[0] < rel[1] <= len(text):
                highlights.append([rel[0], rel[1]])
    text = _SPACE.sub(" ", text)  # same length: highlight offsets stay valid
    span = [s0, s0 + len(text)] if mapped else None
    return Snippet(text, highlights, span)


def marked(snippet: Snippet, before: str = "«", after: str = "»") -> str:
    """The snippet with its highlights wrapped (for terminals and plain text)."""
    out, pos = [], 0
    for a, b in sorted(snippet.highlights):
        if a < pos:
            continue
        out += [snippet.text[pos:a], before, snippet.text[a:b], after]
        pos = b
    out.append(snippet.text[pos:])
    return "".join(out)
