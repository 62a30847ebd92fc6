"""Find every knowledge-base entity named in a canonical text.

Order of work, cheapest first: one automaton pass finds every alias, blocker and nickname; Latin names
must stand as whole words; blockers (大众化, 长安街) silence the aliases they overlap; short and weak
Chinese names must start and end on word boundaries; overlaps go to the longest name; a weak name (理想,
大众, 现代) needs evidence from its context (context.py); a name shared by several entities is resolved
by what else the document names, or recorded as ambiguous with its candidates, never guessed.
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field
from functools import lru_cache

from autointel.kb.loader import KnowledgeBase, load_kb
from autointel.link import context
from autointel.link.automaton import Pattern, build_automaton
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


# Kinds of "model" that are technologies rather than products (docs/knowledge_base.md).
TECHNOLOGY_KINDS = frozenset({"platform", "system", "battery", "technology"})
_URL_TOKEN = re.compile(r"://|@|www\.|\.(?:com|cn|net|org|io|gov|edu)\b", re.ASCII)
_TOKEN_EDGE = re.compile(r"[\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff()<>\"'\[\]]")


def _inside_url(text: str, start: int, end: int) -> bool:
    """Whether a Latin name sits inside a URL, a domain or an e-mail address."""
    lo = start
    while lo > 0 and start - lo < 200 and not _TOKEN_EDGE.match(text[lo - 1]):
        lo -= 1
    hi = end
    while hi < len(text) and hi - end < 200 and not _TOKEN_EDGE.match(text[hi]):
        hi += 1
    return bool(_URL_TOKEN.search(text, lo, hi))


def _is_word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


class Linker:
    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.automaton = build_automaton(kb)
        self.rules = context.load_rules()

    def link(self, text: str, extra_context: str = "") -> list[Mention]:
        """Mentions in ``text``; ``extra_context`` (the title) counts as evidence but is not searched."""
        return self.link_article(text, extra_context)[0]

    def link_article(self, body: str, title: str = "") -> tuple[list[Mention], list[Mention]]:
        """Body and title mentions; each is evidence for the other (理想汽车 in the title, 理想 in the body)."""
        body_hits = self._candidates(body) if body else []
        title_hits = self._candidates(title) if title else []
        title_first = self._decide(title, title_hits, set()) if title_hits else []
        body_mentions = self._finish(body, self._decide(body, body_hits, _ids(title_first)))
        title_mentions = self._finish(title, self._decide(title, title_hits, _ids(body_mentions))) if title_hits else []
        return body_mentions, title_mentions

    # ---- steps ---------------------------------------------------------------------------
    def _candidates(self, text: str) -> list[_Hit]:
        hits, blocked = self._scan(text)
        hits = [h for h in hits if not _overlaps_blocker(h, blocked) and self._word_bounded(text, h)]
        return _longest_first(hits, self._is_technology)

    def _decide(self, text: str, hits: list[_Hit], evidence: set[str]) -> list[Mention]:
        """Accept strong names, weak names with evidence; a weak name accepted by its own sentence is
        evidence for the others (地平线创始人余凯), hence a second pass."""
        strong = evidence | {i for h in hits if not h.weak and len(h.ids) == 1 for i in h.ids}
        family = self._family(strong)
        for attempt in (1, 2):
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
                    ids = self._supported(text, h, neighbours, family)
                    if not ids:
                        continue
                if len(ids) > 1:
                    ids = [i for i in ids if i in family] or ids
                if len(ids) > 1:
                    out.append(Mention(h.start, h.end, text[h.start:h.end], None, "ambiguous", tuple(ids)))
                    continue
                accepted.append(_Hit(h.start, h.end, h.pattern, h.weak, ids=ids))
                out.append(Mention(h.start, h.end, text[h.start:h.end], ids[0], "context" if h.weak else "alias"))
            learned = {m.entity_id for m in out if m.method == "context"} - strong
            if attempt == 2 or not learned:
                return out
            strong |= learned
            family = self._family(strong)
        return out

    def _supported(self, text: str, h: _Hit, neighbours: tuple, family: set[str]) -> list[str]:
        if context.reads_as_word(text, h.start, h.end, self.rules):
            return []
        return [i for i in h.ids if i in family
                or context.local_evidence(text, h.start, h.end, i, neighbours, self.kb, self.rules)]

    def _finish(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """吉利公司, 华为公司: the word 公司 written right after an organisation's name belongs to the name;
        two names of one entity side by side (Polestar 极星) are one mention."""
        out = []
        for m in _merge_adjacent(text, mentions):
            if (m.entity_id and text.startswith("公司", m.end) and not m.surface.endswith("公司")
                    and self.kb.entities[m.entity_id].type in context.ORGANISATION_TYPES):
                m = Mention(m.start, m.end + 2, text[m.start:m.end + 2], m.entity_id, m.method, m.candidates)
            out.append(m)
        return out

    def _family(self, ids: set[str]) -> set[str]:
        return set().union(*(self.kb.family(i) for i in ids)) if ids else set()

    def _is_technology(self, h: _Hit) -> bool:
        """Technology names (比亚迪DM-i, 刀片电池) are kept, but do not swallow the company named in them."""
        return len(h.ids) == 1 and self.kb.entities[h.ids[0]].kind in TECHNOLOGY_KINDS

    def _scan(self, text: str) -> tuple[list[_Hit], list[tuple[int, int]]]:
        hits: list[_Hit] = []
        blocked: list[tuple[int, int]] = []
        for start, end, pattern in self.automaton.matches(text):
            if pattern.kind == "blocker":
                blocked.append((start, end))
                continue
            if pattern.latin_start and start > 0 and _is_word_char(text[start - 1]):
                continue
            if pattern.latin_end and end < len(text) and _is_word_char(text[end]):
                continue
            if (pattern.latin_start or pattern.latin_end) and _inside_url(text, start, end):
                continue  # 36kr.com, nikkei.com/china, tesla@...
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
        if not (_is_han(text, h.start - 1) or _is_han(text, h.end)):
            return True  # punctuation, space or Latin on both sides: nothing to glue to
        for token in enclosing_tokens(text, h.start, h.end):
            if not context.glued_suffix(token, surface, self.rules):
                return False
        return True


def _is_han(text: str, i: int) -> bool:
    return 0 <= i < len(text) and "\u4e00" <= text[i] <= "\u9fff"


def _overlaps_blocker(h: _Hit, blocked: list[tuple[int, int]]) -> bool:
    """A blocker silences a name it overlaps, unless the name contains the whole blocker."""
    return any(b_start < h.end and h.start < b_end and not (h.start <= b_start and b_end <= h.end)
               for b_start, b_end in blocked)


def _longest_first(hits: list[_Hit], is_technology) -> list[_Hit]:
    """Non-overlapping hits, preferring the longer name, then the earlier one. A technology name keeps
    the strong company name it starts with as a second mention (比亚迪DM-i: 比亚迪 and DM-i)."""
    chosen: list[_Hit] = []
    taken = bytearray(max((h.end for h in hits), default=0))
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), h.start)):
        if any(taken[h.start:h.end]):
            continue
        chosen.append(h)
        taken[h.start:h.end] = b"\x01" * (h.end - h.start)
    for tech in [h for h in chosen if is_technology(h)]:
        prefix = max((h for h in hits if h.start == tech.start and h.end < tech.end and not h.weak
                      and not is_technology(h)), key=lambda h: h.end, default=None)
        if prefix is not None:
            chosen.append(prefix)
    return sorted(chosen, key=lambda h: (h.start, h.end))


def _ids(mentions: list[Mention]) -> set[str]:
    return {m.entity_id for m in mentions if m.entity_id}


def _merge_adjacent(text: str, mentions: list[Mention]) -> list[Mention]:
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if (prev is not None and m.entity_id is not None and prev.entity_id == m.entity_id
                and prev.method != "nickname" and m.method != "nickname"
                and prev.end < m.start and not text[prev.end:m.start].strip()):
            out[-1] = Mention(prev.start, m.end, text[prev.start:m.end], m.entity_id, prev.method)
            continue
        out.append(m)
    return out


@lru_cache(maxsize=2)
def _default_linker(version: str) -> Linker:
    return frozen(Linker(load_kb()))


def frozen(linker: Linker) -> Linker:
    """Keep the knowledge base out of the garbage collector's way: its ~100k long-lived objects made
    every full collection during a bulk ingest scan them again (measured: +16 s on the bulk corpus)."""
    gc.collect()
    gc.freeze()
    return linker


def default_linker() -> Linker:
    """The linker over the bundled knowledge base, built once per process."""
    return _default_linker("bundled")
