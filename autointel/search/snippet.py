"""A snippet of the original text around the query's words, with the words' positions.

Matching happens on the canonical text (where 輝達 is already 英伟达); the chosen window and every
highlighted word are then mapped to the original through the stored alignment, so a Traditional article
shows its own characters with the right words marked.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

import ahocorasick_rs

from autointel.link.document import SpanMap

WIDTH = 120
_BREAK = re.compile(r"[。！？!?；\n]")
_SPACE = re.compile(r"\s")


@dataclass
class Snippet:
    text: str
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] within text
    span: list[int] | None = None  # [start, end] in the original text


class TermMatcher:
    """The query's terms (case-folded) as one Aho-Corasick automaton, leftmost-longest: at each place the
    longest term, non-overlapping, left to right.

    That is what a regex alternation sorted longest-first finds (tests/test_api_latency.py holds the two
    together).  Proximity re-ranking and snippets run it over about 40 article texts per query: the automaton
    scans a 3,000-character article in 8 us against 13 us for the regex, and builds in 29 us for a dozen
    terms where compiling the regex takes 330 us (hidden, for repeated queries only, by ``re``'s cache)."""

    def __init__(self, terms: list[str], labels: list[int] | None = None):
        """``labels``: what an occurrence of ``terms[k]`` reports (default k), e.g. the query word it spells."""
        number: dict[str, int] = {}
        for k, t in enumerate(terms):
            if t:
                number.setdefault(t.lower(), k)  # a term spelled twice counts as its first spelling
        self.keys = list(number)
        self.labels = [number[key] if labels is None else labels[number[key]] for key in self.keys]
        # built for every query: the non-contiguous NFA builds fastest (29 us, the DFA 66 us) and scans these
        # short texts as fast as the DFA
        self._automaton = ahocorasick_rs.AhoCorasick(
            self.keys, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.NoncontiguousNFA) if self.keys else None

    def find(self, text: str) -> list[tuple[int, int, int]]:
        if self._automaton is None:
            return []
        labels = self.labels
        return [(start, end, labels[i]) for i, start, end in self._automaton.find_matches_as_indexes(text.lower())]


def term_matcher(terms: list[str], labels: list[int] | None = None) -> TermMatcher:
    return TermMatcher(terms, labels)


def occurrences(text: str, terms: list[str], matcher: TermMatcher | None = None) -> list[tuple[int, int, int]]:
    """(start, end, term number) of every non-overlapping occurrence, longest terms first.  ``matcher``: the
    same terms already compiled (one query matches many documents)."""
    return (matcher or TermMatcher(terms)).find(text)


def _by_label(found: list[tuple[int, int, int]]) -> dict[int, list[int]]:
    positions: defaultdict[int, list[int]] = defaultdict(list)  # no empty list built per occurrence
    for start, _, label in found:
        positions[label].append(start)
    return positions


def _anchored(found: list[tuple[int, int, int]], width: int) -> tuple[int, int]:
    """(most labels near one occurrence of the rarest label, that occurrence's start).

    Anchoring on the rarest label keeps this linear in its occurrences (a frequent word such as 汽车 may
    occur hundreds of times); "near" is within ``width`` characters after the anchor or ``width`` before."""
    positions = _by_label(found)
    rarest = min(positions.values(), key=len)
    best, best_at = 0, rarest[0]
    lists = list(positions.values())
    for p in rarest:
        near = 0
        for ps in lists:  # the first occurrence at or after p - width, if it is not beyond p + width
            i = bisect_left(ps, p - width)
            if i < len(ps) and ps[i] <= p + width:
                near += 1
        if near > best:
            best, best_at = near, p
    return best, best_at


def best_window(found: list[tuple[int, int, int]], length: int, width: int = WIDTH) -> tuple[int, int]:
    """A window around the place where the most distinct terms are said together."""
    if not found:
        return 0, min(length, width)
    _, at = _anchored(found, width // 2)
    start = max(0, at - width // 3)
    return start, min(length, start + width)


def max_groups_in_window(found: list[tuple[int, int, int]], width: int) -> int:
    """How many distinct labels (third item) occur close together somewhere."""
    return _anchored(found, width)[0] if found else 0


def make_snippet(canonical: str, original: str, spans: SpanMap, terms: list[str], width: int = WIDTH,
                 matcher: TermMatcher | None = None) -> Snippet:
    found = occurrences(canonical, terms, matcher)
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
