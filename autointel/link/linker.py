"""Find every knowledge-base entity named in a canonical text.

Order of work, cheapest first: one automaton pass finds every alias, blocker and nickname; Latin names
must stand as whole words; blockers (大众化, 长安街) silence the aliases they overlap; short and weak
Chinese names must start and end on word boundaries; overlaps go to the longest name; a weak name (理想,
大众, 现代) needs evidence from its context (context.py); a name shared by several entities is resolved
by what else the document names, or recorded as ambiguous with its candidates, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from autointel.kb.loader import KnowledgeBase, load_kb
from autointel.link import context
from autointel.link.automaton import Pattern, build_automaton, fold
from autointel.link.segment import enclosing_tokens


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    entity_id: str | None  # None when the name fits several entities and the text does not say which
    method: str  # alias | context | nickname | ambiguous
    candidates: tuple[str, ...] = ()


@dataclass
class _Hit:
    start: int
    end: int
    pattern: Pattern
    weak: bool = False  # every entity it could denote lists it as weak
    evidence: str = "alias"
    ids: list[str] = field(default_factory=list)


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


class Linker:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.automaton = build_automaton(kb)
        self.rules = context.load_rules()

    def link(self, text: str, extra_context: str = "") -> list[Mention]:
        """Mentions in ``text``; ``extra_context`` (the title) counts as evidence but is not searched."""
        if not text:
            return []
        hits, blocked = self._scan(text)
        hits = [h for h in hits if not _overlaps_blocker(h, blocked) and self._word_bounded(text, h)]
        hits = _longest_first(hits)
        strong = {i for h in hits if not h.weak and len(h.ids) == 1 for i in h.ids}
        if extra_context:
            title_hits, title_blocked = self._scan(extra_context)
            strong |= {i for h in title_hits if not h.weak and len(h.ids) == 1
                       and not _overlaps_blocker(h, title_blocked) for i in h.ids}
        strong_family = set().union(*(self.kb.family(i) for i in strong)) if strong else set()
        out: list[Mention] = []
        accepted: list[_Hit] = []
        for n, h in enumerate(hits):
            if h.pattern.kind == "nickname":
                out += [Mention(h.start, h.end, text[h.start:h.end], eid, "nickname") for eid in h.ids]
                accepted.append(h)
                continue
            ids = h.ids
            if h.weak:
                neighbours = (accepted[-1] if accepted else None,
                              next((x for x in hits[n + 1:] if not x.weak), None))
                ids = [i for i in ids if context.weak_alias_supported(text, h.start, h.end, i, strong_family,
                                                                       neighbours, self.kb, self.rules)]
                if not ids:
                    continue
                h.evidence = "context"
            if len(ids) > 1:
                ids = [i for i in ids if i in strong_family] or ids
            if len(ids) > 1:
                out.append(Mention(h.start, h.end, text[h.start:h.end], None, "ambiguous", tuple(ids)))
                continue
            h.ids = ids
            accepted.append(h)
            out.append(Mention(h.start, h.end, text[h.start:h.end], ids[0], h.evidence))
        return out

    # ---- steps ---------------------------------------------------------------------------
    def _scan(self, text: str) -> tuple[list[_Hit], list[tuple[int, int]]]:
        hits: list[_Hit] = []
        blocked: list[tuple[int, int]] = []
        for end_index, pattern in self.automaton.iter(fold(text)):
            end = end_index + 1
            start = end - len(pattern.surface)
            if pattern.kind == "blocker":
                blocked.append((start, end))
                continue
            if pattern.latin_start and start > 0 and _is_word_char(text[start - 1]):
                continue
            if pattern.latin_end and end < len(text) and _is_word_char(text[end]):
                continue
            if pattern.case_sensitive and text[start:end] not in pattern.forms:
                continue
            weak = bool(pattern.weak_ids) and set(pattern.entity_ids) <= pattern.weak_ids
            ids = list(pattern.entity_ids)
            if pattern.weak_ids and not weak:  # strong for some entities, weak for others: keep the strong ones
                ids = [i for i in ids if i not in pattern.weak_ids]
            hits.append(_Hit(start, end, pattern, weak, ids=ids))
        return hits, blocked

    def _word_bounded(self, text: str, h: _Hit) -> bool:
        """Short or weak Chinese names must not be part of a longer word (现代化, 长安街, 小米粥)."""
        surface = text[h.start:h.end]
        if h.pattern.latin_start or h.pattern.latin_end:
            return True
        if not (h.weak or len(surface) <= 2):
            return True
        for token in enclosing_tokens(text, h.start, h.end):
            if not context.glued_suffix(token, surface, self.rules):
                return False
        return True


def _overlaps_blocker(h: _Hit, blocked: list[tuple[int, int]]) -> bool:
    """A blocker silences a name it overlaps, unless the name contains the whole blocker."""
    return any(b_start < h.end and h.start < b_end and not (h.start <= b_start and b_end <= h.end)
               for b_start, b_end in blocked)


def _longest_first(hits: list[_Hit]) -> list[_Hit]:
    """Non-overlapping hits, preferring the longer name, then the earlier one."""
    chosen: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(s < h.end and h.start < e for s, e in taken):
            continue
        chosen.append(h)
        taken.append((h.start, h.end))
    return sorted(chosen, key=lambda h: h.start)


@lru_cache(maxsize=2)
def _default_linker(version: str) -> Linker:
    return Linker(load_kb())


def default_linker() -> Linker:
    """The linker over the bundled knowledge base, built once per process."""
    return _default_linker("bundled")
