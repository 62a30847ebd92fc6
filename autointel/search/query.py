"""From what the analyst typed to a plan of term groups, each with every way a document may say it.

Syntax (docs/search.md):
  words            every word must match (a document lacking one ranks after those that have all)
  "a phrase"       the exact text, in either script
  a OR b           either word
  -word, NOT word  documents without it
  entity:BYD  topic:autonomous_driving  outlet:36氪  metric:deliveries  since:2025-01-01  until:2025-06-30
A word is normalised like documents (Traditional and Taiwan vocabulary -> mainland Simplified), then
expanded: a knowledge-base name in any script or English brings its entity (matched on the entity field)
and all its aliases; a nickname (蔚小理) brings its members; English trade words and Chinese synonyms come
from data/glossary.yaml.  A run of Chinese without spaces is segmented, keeping knowledge-base names whole.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from autointel.errors import AutointelError
from autointel.kb.loader import KnowledgeBase, lookup_key, to_simplified_chars
from autointel.normalize.script import to_simplified
from autointel.search.glossary import Glossary, load_glossary
from autointel.search.segment import Segmenter

_HAN = re.compile(r"[\u3400-\u9fff]")
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_DECIMAL_TERM = re.compile(r"(?<=\d)点(?=\d)")
_LATIN_WORD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-+&']*$")
FILTER_KEYS = ("entity", "topic", "outlet", "metric", "since", "until")
STOPWORDS = frozenset("""
的 了 和 与 及 在 是 对 把 被 有 为 也 就 都 而 或 等 之 其 这 那 个 中 上 下
a an the of and or in on at for to from by with about as is are was were be news latest new what how why
""".split())
MAX_NGRAM = 4
RARE_COMPOUND = 20  # documents


class QueryError(AutointelError):
    """The query cannot be run as typed."""


@dataclass
class Group:
    """One thing the query asks for, and every way a document may say it."""

    label: str
    alternatives: list[list[str]] = field(default_factory=list)  # index tokens, all of one alternative required
    entity_ids: list[str] = field(default_factory=list)
    surfaces: list[str] = field(default_factory=list)  # Simplified strings to highlight
    negated: bool = False
    required: bool = False  # "+word": also required when the query is relaxed
    phrase: str | None = None  # exact text the canonical text must contain
    # After `"a b" OR c` the text must contain one of the phrases or one of the plain words' surfaces.
    alt_phrases: list[str] = field(default_factory=list)
    or_surfaces: list[str] = field(default_factory=list)
    # alternatives of several terms from the glossary's synonyms or English equivalents (传闻 -> 消息 + 称):
    # the engine only scores with them when their words are everywhere (engine.DENSE_SHARE)
    loose: list[list[str]] = field(default_factory=list)

    def merge(self, other: "Group") -> None:
        if self.phrase or other.phrase:
            if self.phrase and other.phrase:
                self.alt_phrases += [other.phrase, *other.alt_phrases]
            elif self.phrase:
                self.or_surfaces += other.surfaces
            else:
                self.or_surfaces += self.surfaces
                self.phrase, self.alt_phrases = other.phrase, list(other.alt_phrases)
            self.or_surfaces += other.or_surfaces
        self.label = f"{self.label} OR {other.label}"
        for alt in other.alternatives:
            if alt not in self.alternatives:
                self.alternatives.append(alt)
        self.loose += [alt for alt in other.loose if alt not in self.loose]
        self.entity_ids += [e for e in other.entity_ids if e not in self.entity_ids]
        self.surfaces += [s for s in other.surfaces if s not in self.surfaces]


@dataclass
class Filters:
    entities: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    metrics: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None


@dataclass
class QueryPlan:
    text: str
    groups: list[Group]
    filters: Filters

    @property
    def positive(self) -> list[Group]:
        return [g for g in self.groups if not g.negated]

    @property
    def negative(self) -> list[Group]:
        return [g for g in self.groups if g.negated]

    def highlight_terms(self) -> list[str]:
        seen: dict[str, None] = {}
        for g in self.positive:
            for s in ([g.phrase] if g.phrase else g.surfaces):
                if s and s.strip():
                    seen[s] = None
        return sorted(seen, key=len, reverse=True)


class QueryParser:
    def __init__(self, kb: KnowledgeBase, segmenter: Segmenter, glossary: Glossary | None = None,
                 doc_freq: Callable[[str], int] | None = None):
        self.kb = kb
        self.seg = segmenter
        self.glossary = glossary or load_glossary()
        self.doc_freq = doc_freq  # body document frequency of a term, when an index is at hand
        self._nicknames = {lookup_key(n.alias): n for n in kb.nicknames}

    # ---- public -------------------------------------------------------------------------
    def parse(self, text: str, filters: Filters | None = None) -> QueryPlan:
        filters = filters or Filters()
        groups: list[Group] = []
        pending_or = False
        negate_next = False
        words: list[tuple[str, bool, bool]] = []  # (word, negated, required) awaiting n-gram grouping

        def flush(before_or: bool = False) -> None:
            nonlocal pending_or
            # The words on either side of OR stay whole: 固态电池 OR 关税 is (固态 AND 电池) OR 关税,
            # not 固态 AND (电池 OR 关税).
            units = ({0} if pending_or else set()) | ({len(words) - 1} if before_or and words else set())
            for g in self._groups_for_words(words, units):
                if pending_or and groups and not g.negated and not groups[-1].negated:
                    groups[-1].merge(g)
                    pending_or = False
                else:
                    groups.append(g)
            words.clear()

        for m in _TOKEN.finditer(text.strip()):
            quoted, word = m.group(1), m.group(2)
            if quoted is not None:
                flush()
                g = self._phrase_group(quoted, negate_next)
                negate_next = False
                if g:
                    if pending_or and groups and not g.negated:
                        groups[-1].merge(g)
                        pending_or = False
                    else:
                        groups.append(g)
                continue
            if word == "OR":
                flush(before_or=True)
                pending_or = bool(groups)
                continue
            if word == "NOT":
                flush()
                negate_next = True
                continue
            key, sep, value = word.partition(":")
            if sep and key.lower() in FILTER_KEYS and value:
                flush()
                self._add_filter(filters, key.lower(), value)
                continue
            negated, required = negate_next, False
            negate_next = False
            if word[0] == "-" and len(word) > 1:
                negated, word = True, word[1:]
            elif word[0] == "+" and len(word) > 1:
                required, word = True, word[1:]
            words.append((word, negated, required))
            if negated or required:
                flush()
        flush()
        return QueryPlan(text, groups, filters)

    # ---- filters ------------------------------------------------------------------------
    def _add_filter(self, filters: Filters, key: str, value: str) -> None:
        if key in ("since", "until"):
            try:
                d = date.fromisoformat(value)
            except ValueError:
                raise QueryError("E602", f"{key}: expects a date like 2025-01-31, not {value!r}")
            setattr(filters, key, d)
        elif key == "entity":
            filters.entities.append(self.entity_id(value))
        elif key == "topic":
            filters.topics.append(value)
        elif key == "outlet":
            filters.outlets.append(value)
        elif key == "metric":
            filters.metrics.append(value)

    def entity_id(self, name: str) -> str:
        found = self.kb.find(name)
        if not found:
            raise QueryError("E602", f"no entity is called {name!r}")
        return found[0].id

    # ---- groups -------------------------------------------------------------------------
    def _groups_for_words(self, words: list[tuple[str, bool, bool]], units: set[int] = frozenset()) -> list[Group]:
        """Latin words are joined into the longest known name or glossary phrase; Chinese runs are segmented.
        A word whose index is in ``units`` (an operand of OR) gives one group even when it is segmented."""
        out: list[Group] = []
        i = 0
        while i < len(words):
            word, negated, required = words[i]
            if _LATIN_WORD.match(word):
                span = self._longest_latin(words, i)
                phrase = " ".join(w for w, _, _ in words[i:i + span])
                g = self._expand(phrase, latin=True)
                i += span
            else:
                simplified = to_simplified(word)
                whole = self._expand(simplified, latin=False, typed=word) if self._known(simplified) else None
                if whole is not None:
                    g = whole
                else:
                    parts = []
                    for token in self.seg.query_words(simplified):
                        if token.lower() in STOPWORDS:
                            continue
                        t = self._expand(token, latin=not _HAN.search(token), atomic=True)
                        if t:
                            t.negated, t.required = negated, required
                            parts.append(t)
                    if i in units and len(parts) > 1:
                        parts = [_all_of(word, parts, negated, required)]
                    out += parts
                    i += 1
                    continue
                i += 1
            if g:
                g.negated, g.required = negated, required
                out.append(g)
        return out

    def _rare(self, word: str) -> bool:
        """A compound the index seldom holds is also looked for as its parts; a common one is not (its
        parts, such as 数据 + 安全, would match a large share of the corpus and cost far more than they find)."""
        return self.doc_freq is None or self.doc_freq(word.lower()) < RARE_COMPOUND

    def _known(self, word: str) -> bool:
        return bool(self.kb.find(word)) or lookup_key(word) in self._nicknames or word in self.glossary.synonyms

    def _longest_latin(self, words: list[tuple[str, bool, bool]], i: int) -> int:
        limit = 1
        while i + limit < len(words) and limit < MAX_NGRAM and _LATIN_WORD.match(words[i + limit][0]) \
                and not words[i + limit][1] and not words[i + limit][2]:
            limit += 1
        for n in range(limit, 1, -1):
            phrase = " ".join(w for w, _, _ in words[i:i + n])
            if phrase.lower() in self.glossary.english or self.kb.find(phrase):
                return n
        return 1

    def _expand(self, word: str, *, latin: bool, typed: str | None = None, atomic: bool = False) -> Group | None:
        """``atomic``: the word is already one index term (it came out of the segmenter)."""
        key = word.lower() if latin else word
        if latin and key in STOPWORDS:
            return None
        shown = _DECIMAL_TERM.sub(".", word)  # 352点1 is the term, 352.1 what the text says
        g = Group(label=typed or shown)
        if atomic:
            g.alternatives.append([word.lower()])
            g.surfaces.append(shown)
            if not latin and (self._rare(word) or word in self.seg.compounds):
                self._with_parts(g, word)
        surfaces: list[str] = [] if (latin and key in self.glossary.english) or atomic else [word]
        nickname = self._nicknames.get(lookup_key(word))
        entities = [e.id for e in self.kb.find(word)] if not nickname else list(nickname.expands)
        for eid in entities:
            e = self.kb.entities[eid]
            g.entity_ids.append(eid)
            surfaces += [s for s in self.kb.lookup_surfaces(e) if _simplified_surface(s)]
        glossary = self.glossary.english.get(key, []) if latin else self.glossary.synonyms.get(word, [])
        surfaces += glossary
        if not latin:
            if typed and typed != word:
                # the Taiwan word as typed (自駕 -> 自驾), in case the article kept it: in Simplified characters,
                # as the index holds canonical text (輝 / 達 as typed would be two terms no document has)
                surfaces.append(to_simplified_chars(typed))
        for s in dict.fromkeys(surfaces):
            tokens = self.seg.query_tokens(s)
            if tokens and tokens not in g.alternatives:
                g.alternatives.append(tokens)
                g.surfaces.append(s)
                if len(tokens) > 1 and s in glossary and s != word:
                    g.loose.append(tokens)
        if not atomic and not latin and (typed is None or typed == word) and word in self.seg.compounds:
            self._with_parts(g, word)  # typed as it is; an expansion (自駕 -> 自动驾驶) means the term itself
        return g if g.alternatives or g.entity_ids else None

    def _with_parts(self, g: Group, word: str) -> None:
        """The word also matches its parts written apart: 汽车销量 -> 汽车 … 销量 (a rare compound), 数据泄露 ->
        数据 … 泄露 (a glossary compound typed as it is, which matched so before the segmenter knew it)."""
        parts = self.seg.parts(word)
        if parts and parts not in g.alternatives:
            g.alternatives.append(parts)
            g.surfaces += [p for p in parts if len(p) > 1 and p not in g.surfaces]

    def _phrase_group(self, text: str, negated: bool) -> Group | None:
        simplified = to_simplified(text.strip())
        tokens = self.seg.query_tokens(simplified)
        if not tokens:
            return None
        return Group(label=f'"{text}"', alternatives=[tokens], surfaces=[simplified], negated=negated,
                     phrase=simplified)


def _all_of(label: str, parts: list[Group], negated: bool, required: bool) -> Group:
    """One group needing every part (each part by its first way of being said): an OR operand that the
    segmenter cut in pieces."""
    tokens = [tok for p in parts for tok in p.alternatives[0]]
    return Group(label=label, alternatives=[tokens], entity_ids=[e for p in parts for e in p.entity_ids],
                 surfaces=[s for p in parts for s in p.surfaces], negated=negated, required=required)


def _simplified_surface(s: str) -> bool:
    """Aliases worth searching for: canonical text is Simplified, so Traditional spellings never occur."""
    return to_simplified(s) == s
