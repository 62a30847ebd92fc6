"""Running a query plan: tantivy query, tiers, re-ranking, story folding, snippets, facets.

Ranking: BM25 over title (boosted) and body, plus the entity field (a document the linker tied to the
queried entity outranks one that merely contains a string), then a mild recency factor.  Documents that
match every query word come first; when there are fewer of them than asked for, documents missing one
word follow (tier 2), then those matching any (tier 3) — an analyst's wording rarely matches every article.
"""
from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from datetime import date

import tantivy

from autointel.link.document import SpanMap
from autointel.search.index import SearchIndex
from autointel.search.query import Filters, Group, QueryParser, QueryPlan
from autointel.search.snippet import make_snippet, max_groups_in_window, term_matcher
from autointel.store import search as search_store

TITLE_BOOST = 2.75  # on the title field; its words are in the body field too (3.0 before they were)
ENTITY_BOOST = 1.5
DENSE_SHARE = 0.1  # search evaluation: 0.05, 0.1, 0.15, 0.2 tried; 0.1 best (main recall@10 0.832 -> 0.837)
RICHER_BOOST = 0.5  # search evaluation: 0.25, 0.35, 0.5 and 1.0 tried; 0.5 best on both sets
RECENCY_WEIGHT = 0.15  # at most +15% for the newest documents
RECENCY_HALF_LIFE_DAYS = 365.0
CANDIDATES = 200  # hits folded into stories
RERANK = 20  # the best of them re-scored for proximity
PROXIMITY_WINDOW = 30  # characters: "the words are said together"
PROXIMITY_WEIGHT = 3.0  # all words within one window doubles the score
FACET_SIZE = 10
FACET_FIELDS = ("outlet", "entities", "topics", "month")
_EPOCH = date(1970, 1, 1)
# A precise figure in a query (352.1万辆, 160038) is what the analyst remembers of the article; a year is not.
_FIGURE = re.compile(r"^(?!(?:19|20)\d\d年?$)\d[\d.,]*\d\D{0,3}$")
FIGURE_BOOST = 2.0


@dataclass
class SearchHit:
    id: str
    rowid: int
    title: str | None
    original_title: str | None
    score: float
    tier: int
    published_at: str | None
    source: str | None
    url: str | None
    story_id: str | None = None
    snippet: str = ""
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] within snippet
    snippet_span: list[int] | None = None  # [orig_start, orig_end] in the original text
    duplicates: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "original_title": self.original_title,
                "score": round(self.score, 4), "tier": self.tier, "snippet": self.snippet,
                "highlights": self.highlights, "snippet_span": self.snippet_span,
                "published_at": self.published_at, "source": self.source, "url": self.url,
                "story_id": self.story_id, "duplicates": self.duplicates}


@dataclass
class SearchResults:
    query: str
    total: int  # documents matching every word (before story folding)
    hits: list[SearchHit]
    facets: dict[str, list[tuple[str, int]]]
    plan: QueryPlan
    took_ms: float

    def as_dict(self) -> dict:
        return {"query": self.query, "total": self.total, "took_ms": round(self.took_ms, 2),
                "facets": {k: [{"value": v, "count": c} for v, c in vals] for k, vals in self.facets.items()},
                "interpreted": [describe(g) for g in self.plan.groups],
                "results": [h.as_dict() for h in self.hits]}


def describe(g: Group) -> dict:
    return {"text": g.label, "negated": g.negated, "entities": g.entity_ids, "alternatives": g.surfaces,
            "phrase": g.phrase}


_NO_TEXT = {"title": "", "canonical": "", "original": "", "offsets": "[]"}


class _Texts:
    """Article texts read at most once per search: re-ranking, phrase checks and snippets all need the
    canonical text of the same head of results, and reading it is a large part of a request (each
    article is several kilobytes, often on overflow pages)."""

    def __init__(self, conn):
        self.conn = conn
        self.rows: dict[str, dict[str, str]] = {}

    def get(self, ids: list[str], columns: tuple[str, ...]) -> dict[str, dict[str, str]]:
        lacking: dict[tuple[str, ...], list[str]] = {}
        for i in dict.fromkeys(ids):
            have = self.rows.get(i)
            need = tuple(c for c in columns if have is None or c not in have)
            if need:
                lacking.setdefault(need, []).append(i)
        for need, part in lacking.items():
            marks = ",".join("?" * len(part))
            for r in self.conn.execute(f"SELECT id, {', '.join(need)} FROM documents WHERE id IN ({marks})", part):
                row = self.rows.setdefault(r[0], {})
                for c, value in zip(need, tuple(r)[1:]):
                    row[c] = value or _NO_TEXT[c]
        return {i: self.rows[i] for i in ids if i in self.rows}


class SearchEngine:
    def __init__(self, store, index: SearchIndex, parser: QueryParser):
        self.store = store
        self.index = index
        self.parser = parser
        self.schema = index.schema
        # a compound term (数据泄露) is only in documents that have its parts (search mode indexes both)
        self._compound_parts = {c: tuple(parser.seg.parts(c)) for c in parser.seg.compounds}
        # each group's matching alternatives, worked out once per search: every tier, every conjunction of
        # "all words but one" and the facets ask for them again
        self._matches: dict[int, tuple[Group, list[list[str]]]] = {}

    def _matching(self, g: Group) -> list[list[str]]:
        """The alternatives a document may match the group by; the others only score.  Besides those that
        contain another (_minimal): a glossary expansion of several words that are each in more than
        DENSE_SHARE of the corpus (传闻 -> 消息 + 称): it would match a quarter of a million articles for any
        reason, and, inside a union an intersection seeks into, it is walked whole."""
        known = self._matches.get(id(g))
        if known is not None and known[0] is g:
            return known[1]
        kept = minimal = _minimal(g.alternatives, lambda t: self._compound_parts.get(t, ()))
        if g.loose:
            searcher = self.index.searcher()
            dense = DENSE_SHARE * max(searcher.num_docs, 1)
            kept = [alt for alt in minimal
                    if alt not in g.loose or min(searcher.doc_freq("body", t) for t in alt) <= dense] or minimal
        self._matches[id(g)] = (g, kept)
        return kept

    # ---- query construction -------------------------------------------------------------
    def _terms(self, field_name: str, tokens: list[str]) -> tantivy.Query:
        if len(tokens) == 1:
            return tantivy.Query.term_query(self.schema, field_name, tokens[0], index_option="freq")
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.term_query(
            self.schema, field_name, t, index_option="freq")) for t in tokens])

    def group_query(self, g: Group) -> tantivy.Query:
        """What a document must contain to match the group: one of its alternatives in the body field (which
        also holds the title) or, for a group that is only an entity, a mention of it."""
        body = [self._terms("body", alt) for alt in self._matching(g)]
        if body:
            query = body[0] if len(body) == 1 else tantivy.Query.disjunction_max_query(body, 0.1)
        else:
            query = self._entity_query(g)
        return tantivy.Query.boost_query(query, FIGURE_BOOST) if _FIGURE.match(g.label) else query

    def group_boosts(self, g: Group) -> list[tantivy.Query]:
        """Optional clauses that only score documents already matched (they are not unions the big body
        postings would have to be merged into): the word in the title, the entity among the linked mentions."""
        out = []
        matching = self._matching(g)
        richer = [alt for alt in g.alternatives if alt not in matching]
        if richer:  # 特斯拉 + Optimus says more than Optimus: still worth more, though it matches nothing new
            body = [self._terms("body", alt) for alt in richer]
            out.append(tantivy.Query.boost_query(body[0] if len(body) == 1 else
                                                 tantivy.Query.disjunction_max_query(body, 0.1), RICHER_BOOST))
        if g.alternatives:
            title = [self._terms("title", alt) for alt in g.alternatives]
            out.append(tantivy.Query.boost_query(title[0] if len(title) == 1 else
                                                 tantivy.Query.disjunction_max_query(title, 0.1), TITLE_BOOST))
            if g.entity_ids:
                out.append(self._entity_query(g))
        if _FIGURE.match(g.label):
            out = [tantivy.Query.boost_query(q, FIGURE_BOOST) for q in out]
        return out

    def _entity_query(self, g: Group) -> tantivy.Query:
        terms = [tantivy.Query.boost_query(tantivy.Query.term_query(
            self.schema, "entity_mentions", eid, index_option="freq"), ENTITY_BOOST) for eid in g.entity_ids]
        if len(terms) == 1:
            return terms[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms])

    def _negative_query(self, g: Group) -> tantivy.Query:
        if g.alternatives and g.entity_ids:
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self.group_query(g)),
                                                (tantivy.Occur.Should, self._entity_query(g))])
        return self.group_query(g)

    def _all_but_one(self, groups: list[Group]) -> tantivy.Query:
        """Documents that match all groups but (at most) one, as the union of the conjunctions that each leave
        one group out.  The same documents, scored the same (a document missing one group matches exactly one
        conjunction), as "at least n-1 of n" — but a conjunction leaps through the postings of its rarest word,
        where a minimum-match query walks the union of all of them: 汽车 or 数据 are in half the corpus."""
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, self.group_query(g)) for g in groups if g is not left_out]))
            for left_out in groups])

    def filter_clauses(self, f: Filters) -> list[tuple]:
        out = []
        for name, values in (("entities", f.entities), ("topics", f.topics), ("outlet", f.outlets),
                             ("metrics", f.metrics)):
            if values:
                out.append((tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, name, values)))
        if f.since or f.until:
            lo = (f.since - _EPOCH).days if f.since else None
            hi = (f.until - _EPOCH).days if f.until else None
            out.append((tantivy.Occur.Must, tantivy.Query.range_query(
                self.schema, "day", tantivy.FieldType.Integer, lo, hi)))
        return out

    def build(self, plan: QueryPlan, min_match: int | None, *, scored: bool = True,
              leave_out: tuple[Group, ...] = ()) -> tantivy.Query:
        """``scored=False``: only what decides matching (for counts and facets).  ``leave_out``: optional groups
        that do not take part in matching (they still score the documents matched)."""
        clauses: list[tuple] = []
        positive = plan.positive
        required = [g for g in positive if g.required or g.phrase]
        optional = [g for g in positive if g not in required and not any(g is o for o in leave_out)]
        for g in required:
            clauses.append((tantivy.Occur.Must, self.group_query(g)))
        if optional:
            if min_match is None or min_match >= len(optional):
                clauses += [(tantivy.Occur.Must, self.group_query(g)) for g in optional]
            elif min_match == len(optional) - 1:
                clauses.append((tantivy.Occur.Must, self._all_but_one(optional)))
            else:
                clauses.append((tantivy.Occur.Must, tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, self.group_query(g)) for g in optional], max(1, min_match))))
        for g in plan.negative:
            clauses.append((tantivy.Occur.MustNot, self._negative_query(g)))
        clauses += self.filter_clauses(plan.filters)
        if not positive:
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        if scored:
            clauses += [(tantivy.Occur.Should, q) for g in positive for q in self.group_boosts(g)]
        return tantivy.Query.boolean_query(clauses)

    # ---- running ------------------------------------------------------------------------
    def search(self, text: str, *, limit: int = 10, filters: Filters | None = None, fold: bool = True,
               facets: bool = True, snippets: bool = True) -> SearchResults:
        t0 = time.perf_counter()
        self._matches = {}  # the index may have changed since the last search
        plan = self.parser.parse(text, filters)
        searcher = self.index.searcher()
        optional = [g for g in plan.positive if not (g.required or g.phrase)]
        scored: dict[int, tuple[float, int]] = {}
        total = 0
        for tier, (min_match, leave_out) in enumerate(self._tiers(searcher, optional), 1):
            query = self.build(plan, min_match, leave_out=leave_out)
            result = searcher.search(query, CANDIDATES, count=tier == 1)
            if tier == 1:
                total = result.count or 0
            hits = result.hits
            days = searcher.fast_field_values("day", [a for _, a in hits]) if hits else []
            rowids = searcher.fast_field_values("rowid", [a for _, a in hits]) if hits else []
            for (score, _), day, rowid in zip(hits, days, rowids):
                if rowid not in scored:
                    scored[rowid] = (score * self._recency(day), tier)
            if len(scored) >= limit:  # a relaxed tier is a costly query: only to fill the page
                break
        # only the head can reach the page (a story folds a handful of reposts): fetch no more rows than that
        ranked = sorted(scored.items(), key=lambda kv: (kv[1][1], -kv[1][0], kv[0]))[:max(RERANK, limit * 4)]
        rows = search_store.rows_by_rowid(self.store.conn, [r for r, _ in ranked])
        hits = [self._hit(rows[r], s, tier) for r, (s, tier) in ranked if r in rows]
        texts = _Texts(self.store.conn)
        hits = self._proximity(plan, hits, texts)
        hits = self._phrases(plan, hits, texts)
        if fold:
            hits = self._fold(hits)
        hits = hits[:limit]
        if fold:
            self._attach_duplicates(hits)
        if snippets:
            self._snippets(plan, hits, texts)
        facet_counts = {}
        if facets:  # an aggregation walks the whole query again: not when nothing matched every word
            facet_counts = (self._facets(searcher, self.build(plan, None, scored=False)) if total
                            else {name: [] for name in FACET_FIELDS})
        return SearchResults(text, total, hits, facet_counts, plan, (time.perf_counter() - t0) * 1000)

    def _tiers(self, searcher, optional: list[Group]) -> list[tuple[int | None, tuple[Group, ...]]]:
        """(min_match, groups left out of matching) of each tier: every word; then every word but one; then
        any word.  A word no document has is left out of the relaxed tiers, which then start with all the
        others: "all words but one" is their conjunction (which leaps through postings) rather than a union
        of conjunctions all but one of which find nothing, and a long query with a word the corpus lacks
        (car API vulnerabilities expose …) gets the documents with all the others but one before those
        with any word."""
        tiers: list[tuple[int | None, tuple[Group, ...]]] = [(None, ())]
        absent = tuple(g for g in optional if self._group_df(searcher, g) == 0)
        present = len(optional) - len(absent)
        if absent and present:
            tiers.append((None, absent))
        if present >= 3:
            tiers.append((present - 1, absent))
        if present >= 2:
            tiers.append((1, absent))
        return tiers

    def _group_df(self, searcher, g: Group) -> int | None:
        """At most how many documents match the group (its body words decide; None: an entity-only group)."""
        if not g.alternatives:
            return None
        return sum(min(searcher.doc_freq("body", t) for t in alt) for alt in self._matching(g))

    def _recency(self, day: int | None) -> float:
        if day is None:
            return 1.0
        newest = self._newest_day()
        age = max(0, newest - day)
        return 1.0 + RECENCY_WEIGHT * math.exp(-age / RECENCY_HALF_LIFE_DAYS * math.log(2))

    def _newest_day(self) -> int:
        if not hasattr(self, "_newest"):
            self._newest = search_store.day_number(search_store.newest_published(self.store.conn)) or 0
        return self._newest

    @staticmethod
    def _hit(row, score: float, tier: int) -> SearchHit:
        return SearchHit(row["id"], row["rowid"], row["title"], row["original_title"], score, tier,
                         row["published_at"], row["outlet"], row["url"])

    def _proximity(self, plan: QueryPlan, hits: list[SearchHit], texts: _Texts) -> list[SearchHit]:
        """Documents that say the query's words together (one sentence, not three paragraphs apart) are what
        a known-item search looks for; BM25 alone cannot tell, the index keeps no positions."""
        groups = [g for g in plan.positive if g.surfaces]
        if len(groups) < 2 or not hits:
            return hits
        terms, owner = [], []
        for k, g in enumerate(groups):
            for surface in g.surfaces:
                terms.append(surface)
                owner.append(k)
        matcher = term_matcher(terms, labels=owner)  # an occurrence reports the query word it spells
        head, tail = hits[:RERANK], hits[RERANK:]
        rows = texts.get([h.id for h in head], ("title", "canonical"))
        for h in head:
            row = rows.get(h.id, _NO_TEXT)
            found = matcher.find(f"{row['title']}\n{row['canonical']}")
            together = max_groups_in_window(found, PROXIMITY_WINDOW)
            h.score *= 1.0 + PROXIMITY_WEIGHT * (together / len(groups)) ** 2
        head.sort(key=lambda h: (h.tier, -h.score, h.rowid))
        return head + tail

    def _phrases(self, plan: QueryPlan, hits: list[SearchHit], texts: _Texts) -> list[SearchHit]:
        """Quoted phrases are checked against the canonical text (the index keeps no positions)."""
        phrases = [g for g in plan.groups if g.phrase]
        if not phrases or not hits:
            return hits
        rows = texts.get([h.id for h in hits], ("title", "canonical"))
        keep = []
        for h in hits:
            row = rows.get(h.id, _NO_TEXT)
            haystack = f"{row['title']}\n{row['canonical']}".lower()
            ok = all(_phrase_holds(g, haystack) != g.negated for g in phrases)
            if ok:
                keep.append(h)
        return keep

    def _fold(self, hits: list[SearchHit]) -> list[SearchHit]:
        """One result per story: the best-ranked member stands for it, the others are listed under it."""
        from autointel.search.stories import stories_of

        story = stories_of(self.store.conn, [h.id for h in hits])
        out: list[SearchHit] = []
        by_story: dict[str, SearchHit] = {}
        for h in hits:
            h.story_id = story.get(h.id)
            key = h.story_id or h.id
            if key in by_story:
                lead = by_story[key]
                lead.duplicates.append({"id": h.id, "title": h.title, "source": h.source,
                                        "published_at": h.published_at, "matched": True})
                continue
            by_story[key] = h
            out.append(h)
        return out

    def _attach_duplicates(self, hits: list[SearchHit]) -> None:
        """Every member of a shown story (not only those the query matched), and the exact copies."""
        from autointel.search.stories import duplicates_of

        for h in hits:
            seen = {h.id, *(d["id"] for d in h.duplicates)}
            h.duplicates += [d for d in duplicates_of(self.store.conn, h.id, h.story_id) if d["id"] not in seen]

    def _snippets(self, plan: QueryPlan, hits: list[SearchHit], texts: _Texts) -> None:
        terms = plan.highlight_terms()
        matcher = term_matcher(terms)
        rows = texts.get([h.id for h in hits], ("canonical", "original", "offsets"))
        for h in hits:
            row = rows.get(h.id, _NO_TEXT)
            snip = make_snippet(row["canonical"], row["original"], SpanMap(json.loads(row["offsets"])), terms,
                                matcher=matcher)
            h.snippet, h.highlights, h.snippet_span = snip.text, snip.highlights, snip.span

    def _facets(self, searcher: tantivy.Searcher, query: tantivy.Query) -> dict[str, list[tuple[str, int]]]:
        aggs = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in FACET_FIELDS}
        try:
            raw = searcher.aggregate(query, aggs)
        except ValueError:
            return {}
        out = {}
        for name in aggs:
            buckets = raw.get(name, {}).get("buckets", [])
            out[name] = [(b["key"], int(b["doc_count"])) for b in buckets]
        return out


def _minimal(alternatives: list[list[str]], parts_of=lambda term: ()) -> list[list[str]]:
    """The alternatives no other one is contained in: a document with 代工 + 生产 has 代工, so the alternative
    [代工, 生产] beside [代工] matches nothing more, yet a conjunction inside a union costs a seek into every
    one of its postings (生产 is in a third of the corpus) for each document the other words propose.
    ``parts_of``: the terms a document with the given term always has too (a compound's parts)."""
    sets = [set(a).union(*(parts_of(t) for t in a)) for a in alternatives]
    return [a for a, s in zip(alternatives, sets) if not any(o < s for o in sets)]


def _phrase_holds(g, haystack: str) -> bool:
    """A quoted phrase is in the text, or (after `"a b" OR c`) another phrase or word of its group is."""
    return (any(p.lower() in haystack for p in [g.phrase, *g.alt_phrases])
            or any(s.lower() in haystack for s in g.or_surfaces))
