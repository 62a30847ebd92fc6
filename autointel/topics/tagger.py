"""Topic tagging: one Aho-Corasick pass over title and body, entity cues from the linked mentions, windowed scores.

Why windows: a digest (极客早知道, security newsletters) carries ten unrelated items. Summing evidence per window of
about one item lets a single battery item tag the digest while one stray 电池 in 4,000 characters does not; a long
single-subject article still scores through the damped whole-body sum.
"""
from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import ahocorasick_rs

from autointel.topics.taxonomy import Taxonomy, Topic, load_taxonomy

_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
# Title hits need an auto-context cue in the title, or this many different ones in the body (it is about cars).
_BODY_CONTEXT_FOR_TITLE = 3
_PASSAGE_CONTEXT = 2
# Relations through which a brand or model inherits its maker's topic cues (蔚来 -> 乐道 -> 乐道L60).
_INHERITING_RELATIONS = ("brand_of", "model_of", "subsidiary_of")
MAX_EVIDENCE = 5


def _fold(text: str) -> str:
    """Lower-case without moving offsets (str.lower can change the length of a few characters, e.g. İ)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


@dataclass(frozen=True)
class Evidence:
    start: int  # offsets into the canonical body, or into the canonical title when field == "title"
    end: int
    surface: str
    field: str = "body"

    def as_list(self) -> list:
        return [self.start, self.end, self.surface, self.field]


@dataclass(frozen=True)
class TopicScore:
    topic: str
    score: float  # 0..1
    evidence: tuple[Evidence, ...]

    def as_dict(self) -> dict:
        return {"topic": self.topic, "score": self.score, "evidence": [e.as_list() for e in self.evidence]}


@dataclass(frozen=True)
class _Pattern:
    surface: str
    roles: tuple[tuple[int, float], ...]  # (topic index, weight)
    blocks: tuple[int, ...]  # topic indices this phrase blocks
    context: bool  # says the passage is about vehicles
    latin_start: bool  # must not continue a Latin word before it ...
    latin_end: bool  # ... or after it ("EV" is not in "every")


@dataclass
class _Hit:
    start: int
    end: int
    weight: float
    surface: str


@dataclass
class _Field:
    """What one text (title or body) contains."""
    hits: dict[int, list[_Hit]]
    blocks: dict[int, list[tuple[int, int]]]
    context: list[int]  # start offsets of auto-context cues, sorted
    context_keys: list[str]  # what each cue was (lower-cased surface or entity id), aligned with ``context``


def _mention_value(m: Any, key: str) -> Any:
    return m.get(key) if isinstance(m, dict) else getattr(m, key, None)


class TopicTagger:
    """Built once per (taxonomy, knowledge base); ``tag`` is thread-safe and allocation-light."""

    def __init__(self, taxonomy: Taxonomy, kb: Any = None):
        self.taxonomy = taxonomy
        self.topics: list[Topic] = taxonomy.topics
        self.kb_version = getattr(kb, "version", None)
        self._build_patterns()
        self._build_entity_cues(kb)

    # ---- construction ------------------------------------------------------------------
    def _build_patterns(self) -> None:
        entries: dict[str, dict] = {}

        def slot(surface: str) -> dict:
            return entries.setdefault(_fold(surface), {"surface": surface, "roles": {}, "blocks": set(), "context": False})

        for i, topic in enumerate(self.topics):
            for surface, weight in topic.keywords.items():
                roles = slot(surface)["roles"]
                roles[i] = max(weight, roles.get(i, 0.0))
            for phrase in topic.block:
                slot(phrase)["blocks"].add(i)
        for surface in self.taxonomy.context_keywords:
            slot(surface)["context"] = True
        keys = list(entries)
        self.keys = keys
        self.patterns = [
            _Pattern(e["surface"], tuple(sorted(e["roles"].items())), tuple(sorted(e["blocks"])), e["context"],
                     bool(_LATIN_EDGE.match(key[0])), bool(_LATIN_EDGE.match(key[-1])))
            for key, e in entries.items()
        ]
        # DFA: the fastest matcher of ahocorasick-rs; the automaton is small (a few hundred phrases)
        self.automaton = ahocorasick_rs.AhoCorasick(keys, implementation=ahocorasick_rs.Implementation.DFA)

    def _build_entity_cues(self, kb: Any) -> None:
        self.entity_cues: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.context_entities: set[str] = set()
        if kb is None:
            return
        entities = kb.entities
        context_types = set(self.taxonomy.context_types)
        for eid, e in entities.items():
            if e.type in context_types or f"{e.type}:{e.kind}" in context_types:
                self.context_entities.add(eid)
        for i, topic in enumerate(self.topics):
            cues: dict[str, float] = {}
            for eid, e in entities.items():
                weight = topic.entity_types.get(f"{e.type}:{e.kind}", topic.entity_types.get(e.type))
                if weight:
                    cues[eid] = weight
            ids = dict(topic.entity_ids)
            if topic.related:
                ids = _with_related(ids, entities)
            for eid, weight in ids.items():
                if eid in entities:
                    cues[eid] = max(weight, cues.get(eid, 0.0))
            for eid, weight in cues.items():
                self.entity_cues[eid].append((i, weight))

    # ---- matching ----------------------------------------------------------------------
    def _scan(self, text: str, mentions: Iterable[Any]) -> _Field:
        hits: dict[int, list[_Hit]] = defaultdict(list)
        blocks: dict[int, list[tuple[int, int]]] = defaultdict(list)
        context: list[tuple[int, str]] = []
        if text:
            patterns = self.patterns
            key_of = self.keys
            n = len(text)
            for index, start, end in self.automaton.find_matches_as_indexes(_fold(text), overlapping=True):
                p = patterns[index]
                if p.latin_start and start > 0 and _LATIN_EDGE.match(text[start - 1]):
                    continue
                if p.latin_end and end < n and _LATIN_EDGE.match(text[end]):
                    continue
                if p.context:
                    context.append((start, key_of[index]))
                for t in p.blocks:
                    blocks[t].append((start, end))
                for t, weight in p.roles:
                    hits[t].append(_Hit(start, end, weight, text[start:end]))
        entity_context: set[int] = set()
        for m in mentions:
            eid = _mention_value(m, "entity_id")
            if not eid:
                continue
            start, end = _mention_value(m, "start"), _mention_value(m, "end")
            if start is None or end is None or not 0 <= start < end <= len(text):
                continue  # a mention from another text version: never trust a span that does not fit
            if (start > 0 and _LATIN_EDGE.match(text[start]) and _LATIN_EDGE.match(text[start - 1])) or (
                    end < len(text) and _LATIN_EDGE.match(text[end - 1]) and _LATIN_EDGE.match(text[end])):
                continue  # a Latin name inside a longer word ("bba" in Toubba) is not that name
            if eid in self.context_entities and start not in entity_context:
                # one name is one cue, even when it stands for several entities (BBA: 奔驰, 宝马, 奥迪)
                entity_context.add(start)
                context.append((start, eid))
            for t, weight in self.entity_cues.get(eid, ()):
                hits[t].append(_Hit(start, end, weight, text[start:end]))
        context.sort()
        return _Field(hits, blocks, [c[0] for c in context], [c[1] for c in context])

    # ---- scoring -----------------------------------------------------------------------
    def tag(self, title: str | None, canonical: str, mentions: Sequence[Any] = (),
            all_scores: bool = False) -> list[TopicScore]:
        """Topics of one article, best first; only those reaching their threshold unless ``all_scores``."""
        title = title or ""
        canonical = canonical or ""
        title_mentions = [m for m in mentions if _mention_value(m, "field") == "title"]
        body_mentions = [m for m in mentions if _mention_value(m, "field") != "title"]
        body = self._scan(canonical, body_mentions)
        head = self._scan(title, title_mentions)
        s = self.taxonomy.scoring
        passages = _passages(canonical, s.heading_chars)
        starts = [p[0] for p in passages]
        auto_passages = _passages_with(starts, body.context, body.context_keys)
        segments = _title_segments(title)
        if len(segments) == 1:  # one subject: the body can say it is about cars
            distinct = len(set(body.context_keys))
            # a car word in the title needs some support in the body (塔塔电力 is a power company)
            body_is_auto = distinct >= _BODY_CONTEXT_FOR_TITLE or (bool(head.context) and distinct >= 1)
            auto_segments = {0} if body_is_auto else set()
        else:  # a digest title names several items: each must say so itself
            auto_segments = {bisect_right(segments, c) - 1 for c in head.context}
        damping = math.sqrt(min(1.0, s.length_reference / max(len(canonical), 1)))
        out = []
        for i, topic in enumerate(self.topics):
            auto = topic.scope == "auto"
            title_hits = _resolve(head.hits.get(i, []), head.blocks.get(i, []))
            if auto:
                title_hits = [h for h in title_hits if bisect_right(segments, h.start) - 1 in auto_segments]
            body_hits = _resolve(body.hits.get(i, []), body.blocks.get(i, []))
            located = [(bisect_right(starts, h.start) - 1, h) for h in body_hits]
            if auto and topic.context_radius:
                # words of every industry (漏洞, 勒索): only next to a car word
                located = [(p, h) for p, h in located if _near(body.context, h, topic.context_radius)]
            elif auto:
                # a passage about something else (the AI item next to the car item of a digest) does not count
                located = [(p, h) for p, h in located
                           if p in auto_passages or _near(body.context, h, s.context_radius)]
            if not title_hits and not located:
                continue
            for p, h in located:
                if h.start < passages[p][1]:  # in the passage's heading: an item title
                    h.weight *= s.heading_weight
            title_raw = s.title_weight * _capped_sum(title_hits, 1)
            body_raw, best = 0.0, []
            by_passage: dict[int, list[_Hit]] = defaultdict(list)
            for p, h in located:
                by_passage[p].append(h)
            for p, hits in by_passage.items():
                start, _, end = passages[p]
                window_raw, window = _best_window(hits, s.window, s.surface_cap)
                passage_raw = _capped_sum(hits, s.surface_cap * 2) * math.sqrt(
                    min(1.0, s.length_reference / max(end - start, 1)))
                if max(window_raw, passage_raw) > body_raw:
                    body_raw, best = max(window_raw, passage_raw), (window if window_raw >= passage_raw else hits)
            all_hits = [h for _, h in located]
            global_raw = _capped_sum(all_hits, s.surface_cap * 3) * damping
            if global_raw > body_raw:
                body_raw, best = global_raw, all_hits
            raw = title_raw + body_raw
            score = round(1.0 - math.exp(-raw / s.scale), 4)
            if score < topic.threshold and not all_scores:
                continue
            out.append(TopicScore(topic.id, score, _evidence(title_hits, best)))
        out.sort(key=lambda t: (-t.score, t.topic))
        return out


_SENTENCE_END = "。；，、：,;:"


def _passages(text: str, heading_chars: int) -> list[tuple[int, int, int]]:
    """(start, heading_end, end) of each passage: a heading-like line (short, no sentence punctuation at its end)
    opens a new passage, so each item of a digest is a passage of its own; text without headings is one passage."""
    out: list[tuple[int, int, int]] = []
    start, heading_end, pos = 0, 0, 0
    for line in text.split("\n"):
        stripped = line.strip()
        line_end = pos + len(line)
        if stripped and len(stripped) <= heading_chars and stripped[-1] not in _SENTENCE_END and pos > start:
            out.append((start, heading_end, pos))
            start, heading_end = pos, line_end
        elif pos == start and stripped and len(stripped) <= heading_chars and stripped[-1] not in _SENTENCE_END:
            heading_end = line_end
        pos = line_end + 1
    out.append((start, heading_end, len(text)))
    return out


def _passages_with(starts: list[int], positions: list[int], keys: list[str]) -> set[int]:
    """Passages holding at least _PASSAGE_CONTEXT different auto-context cues: one cue, however often repeated,
    can be a stray name ("Mac mini", a person called Smart) or a word used otherwise (持续交付)."""
    seen: dict[int, set[str]] = defaultdict(set)
    for p, key in zip(positions, keys):
        seen[bisect_right(starts, p) - 1].add(key)
    return {p for p, found in seen.items() if len(found) >= _PASSAGE_CONTEXT}


_TITLE_SEPARATORS = re.compile(r"[；;｜|]")


def _title_segments(title: str) -> list[int]:
    """Start offsets of the items a title lists ("A；B；C | 极客早知道" has three), [0] for a plain title."""
    starts = [0] + [m.end() for m in _TITLE_SEPARATORS.finditer(title)]
    return starts


def _with_related(ids: dict[str, float], entities: dict) -> dict[str, float]:
    """Add every entity whose brand_of / model_of / subsidiary_of parents are all among ``ids`` (same weight).
    All, not any: a brand shared with an outside group (领克: 吉利 and 极氪) is not the listed maker's news."""
    out = dict(ids)
    changed = True
    while changed:  # a fixpoint over the relation graph: brands of brands, models of brands
        changed = False
        for eid, e in entities.items():
            if eid in out:
                continue
            parents = [r.target for r in e.relations if r.rel in _INHERITING_RELATIONS]
            if parents and all(p in out for p in parents):
                out[eid] = max(out[p] for p in parents)
                changed = True
    return out


def _resolve(hits: list[_Hit], blocks: list[tuple[int, int]]) -> list[_Hit]:
    """Drop hits inside a blocking phrase, then keep the longest of overlapping hits (动力电池 over 电池),
    the heavier when equally long; the result is sorted by position."""
    if blocks:
        hits = [h for h in hits if not any(b0 <= h.start and h.end <= b1 for b0, b1 in blocks)]
    if len(hits) < 2:
        return hits
    kept: list[_Hit] = []
    taken: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: (-(h.end - h.start), -h.weight, h.start)):
        if any(h.start < e and s < h.end for s, e in taken):
            continue
        kept.append(h)
        taken.append((h.start, h.end))
    kept.sort(key=lambda h: h.start)
    return kept


def _near(context: list[int], hit: _Hit, radius: int) -> bool:
    i = bisect_left(context, hit.start - radius)
    return i < len(context) and context[i] <= hit.end + radius


def _capped_sum(hits: list[_Hit], cap: int) -> float:
    counts: dict[str, int] = defaultdict(int)
    total = 0.0
    for h in hits:
        key = h.surface.lower()
        if counts[key] < cap:
            counts[key] += 1
            total += h.weight
    return total


def _best_window(hits: list[_Hit], size: int, cap: int) -> tuple[float, list[_Hit]]:
    """The window of ``size`` characters with the most evidence (each surface counted at most ``cap`` times)."""
    best, best_hits = 0.0, []
    for i, first in enumerate(hits):
        limit = first.start + size
        j = i
        while j < len(hits) and hits[j].start < limit:
            j += 1
        total = _capped_sum(hits[i:j], cap)
        if total > best:
            best, best_hits = total, hits[i:j]
        if j == len(hits):
            break  # later windows only lose hits
    return best, best_hits


def _evidence(title_hits: list[_Hit], window: list[_Hit]) -> tuple[Evidence, ...]:
    """A few spans that explain the score: title hits first, then the heaviest of the best window."""
    out: list[Evidence] = []
    seen: set[str] = set()
    for field, hits in (("title", title_hits), ("body", sorted(window, key=lambda h: (-h.weight, h.start)))):
        for h in hits:
            if h.surface in seen or len(out) >= MAX_EVIDENCE:
                continue
            seen.add(h.surface)
            out.append(Evidence(h.start, h.end, h.surface, field))
    return tuple(out)


_TAGGERS: dict[tuple, TopicTagger] = {}


def tagger_for(kb: Any = None, taxonomy: Taxonomy | None = None) -> TopicTagger:
    """The tagger for this knowledge base (by version) and taxonomy (by content), built once per process."""
    taxonomy = taxonomy or load_taxonomy()
    key = (taxonomy.digest, taxonomy.version, getattr(kb, "version", None), id(kb) if kb is not None and
           getattr(kb, "version", None) is None else 0)
    tagger = _TAGGERS.get(key)
    if tagger is None:
        if len(_TAGGERS) > 8:  # curator additions make new KB versions; do not keep every old tagger alive
            _TAGGERS.clear()
        tagger = _TAGGERS[key] = TopicTagger(taxonomy, kb)
    return tagger


def tag_document(title: str | None, canonical: str, mentions: Sequence[Any], kb: Any = None) -> list[TopicScore]:
    """Topics of one article: ``mentions`` are its linked entity mentions (objects or dicts with entity_id, start,
    end, field; title mentions index the title), possibly empty; ``kb`` gives the entities' types."""
    return tagger_for(kb).tag(title, canonical, mentions)
