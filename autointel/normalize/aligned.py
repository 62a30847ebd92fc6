"""Text that remembers where every character came from.

Every cleaning step (pinyin removal, number normalisation, script conversion,
boilerplate removal) rewrites text.  Analysts must still be able to see any
canonical span in the original, so each step works on an ``AlignedText`` and
produces a new one whose characters keep pointing at original character ranges.

Representation: for canonical character ``i``, ``starts[i]``/``ends[i]`` is the
half-open range of original characters it came from.  A character produced by
a replacement points at the whole replaced range (so "进程" from "處理程序" maps
both characters to the four original ones).  A canonical span ``[a, b)`` maps
to ``[starts[a], ends[b-1])``.
"""
from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence


@dataclass(frozen=True)
class AlignedText:
    text: str
    starts: array  # array('l'), one entry per character of text
    ends: array

    @classmethod
    def identity(cls, text: str, offset: int = 0) -> "AlignedText":
        n = len(text)
        return cls(text, array("l", range(offset, offset + n)), array("l", range(offset + 1, offset + n + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original character range of canonical ``[start, end)``."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside text of length {len(self.text)}")
        if start == end:
            pos = self.starts[start] if start < len(self.text) else (self.ends[-1] if self.text else 0)
            return pos, pos
        return self.starts[start], max(self.ends[start:end])

    # ---- building new aligned texts -------------------------------------------------
    def edit(self, edits: Iterable[tuple[int, int, str]]) -> "AlignedText":
        """Apply non-overlapping ``(start, end, replacement)`` edits, sorted by start.

        Untouched characters keep their mapping.  If the replacement has the same
        length as the replaced span it is mapped character by character, otherwise
        every new character maps to the whole replaced range.  An empty
        replacement deletes.
        """
        b = _Builder(self)
        pos = 0
        for start, end, repl in edits:
            if start < pos:
                raise ValueError(f"overlapping edit at {start} (previous edit ended at {pos})")
            b.keep(pos, start)
            b.replace(start, end, repl)
            pos = end
        b.keep(pos, len(self.text))
        return b.build()

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str], group: int = 0) -> "AlignedText":
        """``re.sub`` that keeps the alignment.

        With ``group`` set, only that group of each match is replaced, so the
        rest of the match keeps its exact mapping (e.g. drop "(yè)" but keep "業").
        """
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            s, e = m.span(group)
            if new != self.text[s:e]:
                edits.append((s, e, new))
        return self.edit(edits) if edits else self

    def keep_spans(self, spans: Sequence[tuple[int, int]], sep: str = "\n") -> "AlignedText":
        """Concatenate the given spans, joined by ``sep`` (which maps to the gap)."""
        b = _Builder(self)
        prev_end = None
        for s, e in spans:
            if prev_end is not None and sep:
                b.insert(sep, prev_end, s)
            b.keep(s, e)
            prev_end = e
        return b.build()

    @staticmethod
    def concat(parts: Sequence["AlignedText"], sep: str = "\n") -> "AlignedText":
        """Join aligned texts that already point into the same original."""
        text_parts: list[str] = []
        starts, ends = array("l"), array("l")
        for i, p in enumerate(parts):
            if i and sep:
                gap_start = ends[-1] if len(ends) else 0
                gap_end = p.starts[0] if len(p.starts) else gap_start
                if gap_end < gap_start:
                    gap_end = gap_start
                text_parts.append(sep)
                starts.extend([gap_start] * len(sep))
                ends.extend([gap_end] * len(sep))
            text_parts.append(p.text)
            starts.extend(p.starts)
            ends.extend(p.ends)
        return AlignedText("".join(text_parts), starts, ends)

    # ---- compact storage --------------------------------------------------------------
    def to_runs(self) -> list[list[int]]:
        """Compress the map into runs ``[canon_start, orig_start, canon_len, orig_len]``.

        A run with ``canon_len == orig_len`` is a one-to-one stretch; otherwise
        every canonical character of the run maps to the whole original range.
        """
        runs: list[list[int]] = []
        n = len(self.text)
        i = 0
        starts, ends = self.starts, self.ends
        while i < n:
            s, e = starts[i], ends[i]
            if e - s == 1:
                j = i + 1
                while j < n and starts[j] == s + (j - i) and ends[j] == starts[j] + 1:
                    j += 1
                runs.append([i, s, j - i, j - i])
            else:
                j = i + 1
                while j < n and starts[j] == s and ends[j] == e:
                    j += 1
                runs.append([i, s, j - i, e - s])
            i = j
        return runs

    @classmethod
    def from_runs(cls, text: str, runs: Sequence[Sequence[int]]) -> "AlignedText":
        starts, ends = array("l"), array("l")
        for c, o, clen, olen in runs:
            if clen == olen:
                starts.extend(range(o, o + clen))
                ends.extend(range(o + 1, o + clen + 1))
            else:
                starts.extend([o] * clen)
                ends.extend([o + olen] * clen)
        if len(starts) != len(text):
            raise ValueError("offset runs do not cover the text")
        return cls(text, starts, ends)


class _Builder:
    def __init__(self, src: AlignedText):
        self.src = src
        self.parts: list[str] = []
        self.starts = array("l")
        self.ends = array("l")

    def keep(self, a: int, b: int) -> None:
        if b > a:
            self.parts.append(self.src.text[a:b])
            self.starts.extend(self.src.starts[a:b])
            self.ends.extend(self.src.ends[a:b])

    def _anchor(self, a: int, b: int) -> tuple[int, int]:
        src = self.src
        if b > a:
            return src.starts[a], max(src.ends[a:b])
        if a < len(src.text):
            return src.starts[a], src.starts[a]
        end = src.ends[-1] if len(src.ends) else 0
        return end, end

    def replace(self, a: int, b: int, new: str) -> None:
        if not new:
            return
        if len(new) == b - a:
            self.parts.append(new)
            self.starts.extend(self.src.starts[a:b])
            self.ends.extend(self.src.ends[a:b])
            return
        s, e = self._anchor(a, b)
        self.parts.append(new)
        self.starts.extend([s] * len(new))
        self.ends.extend([e] * len(new))

    def insert(self, new: str, after: int, before: int) -> None:
        """Insert text mapped to the original gap between two source positions."""
        s = self.src.ends[after - 1] if after > 0 else 0
        e = self.src.starts[before] if before < len(self.src.text) else s
        if e < s:
            e = s
        self.parts.append(new)
        self.starts.extend([s] * len(new))
        self.ends.extend([e] * len(new))

    def build(self) -> AlignedText:
        return AlignedText("".join(self.parts), self.starts, self.ends)
