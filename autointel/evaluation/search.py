"""Search quality on the annotated query set (eval/search): nDCG@10, recall@10, MRR and known-item top-3,
for autointel and, in the same run, for a plain baseline (SQLite FTS5 over the un-normalised text).

Units: results are stories (duplicates folded under the best-ranked member).  A result's grade is the best
grade among its members; recall counts every relevant document a returned story contains; the ideal
ranking for nDCG folds relevant documents the same way, so folding is neither rewarded nor punished.
"""
from __future__ import annotations

import math
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from autointel.evaluation.entities import REPO

QUERY_SETS = {"main": REPO / "eval" / "search" / "queries.yaml",
              "heldout": REPO / "eval" / "search" / "heldout_queries.yaml"}
K = 10


@dataclass
class Query:
    id: str
    text: str
    lang: str
    kind: str
    relevant: list[dict]


def load_queries(path: Path) -> list[Query]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [Query(q["id"], str(q["query"]), q.get("lang", ""), q.get("kind", "topical"), q.get("relevant") or [])
            for q in raw]


def collection_inputs(shared: Path) -> list[str]:
    return [str(shared / "seeds"), str(shared / "corpus" / "auto-news")]


def document_keys(conn: sqlite3.Connection, shared: Path) -> dict[tuple[str, int], str]:
    """(path relative to ../shared, article number) -> stored document id, exact copies included."""
    base = str(shared.resolve())

    def rel(path: str) -> str:
        p = str(Path(path).resolve())
        return p[len(base) + 1:] if p.startswith(base) else path

    by_file: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for source_key, path, doc_id in list(conn.execute("SELECT source_key, path, id FROM documents")) + list(
            conn.execute("SELECT source_key, path, document_id FROM document_sources")):
        m = re.search(r"#(\d+)$", source_key or "")
        by_file[rel(path)].append((int(m.group(1)) if m else 0, doc_id))
    keys = {}
    for file, docs in by_file.items():
        for n, (_, doc_id) in enumerate(sorted(docs)):
            keys[(file, n)] = doc_id
    return keys


@dataclass
class QueryResult:
    id: str
    kind: str
    lang: str
    ndcg: float
    recall: float
    rr: float
    top3: bool | None  # known-item queries: a grade-2 document among the first three results
    ranked: list[list[str]] = field(default_factory=list)


def score_ranking(units: list[list[str]], grades: dict[str, int], story_of: dict[str, str], kind: str) -> tuple:
    """units: the result list, each a list of document ids (a story and its folded duplicates)."""
    gains = [max((grades.get(d, 0) for d in u), default=0) for u in units[:K]]
    dcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(gains))
    ideal_units: dict[str, int] = {}
    for d, g in grades.items():
        key = story_of.get(d, d)
        ideal_units[key] = max(ideal_units.get(key, 0), g)
    ideal = sorted(ideal_units.values(), reverse=True)[:K]
    idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    found = {d for u in units[:K] for d in u if grades.get(d, 0) > 0}
    recall = len(found) / len(grades) if grades else 0.0
    rr = next((1.0 / (i + 1) for i, g in enumerate(gains) if g > 0), 0.0)
    top3 = any(grades.get(d, 0) == 2 for u in units[:3] for d in u) if kind == "known_item" else None
    return (dcg / idcg if idcg else 0.0), recall, rr, top3


def summarise(results: list[QueryResult]) -> dict:
    def mean(xs):
        xs = list(xs)
        return sum(xs) / len(xs) if xs else 0.0

    known = [r for r in results if r.top3 is not None]
    out = {"queries": len(results), "ndcg@10": mean(r.ndcg for r in results),
           "recall@10": mean(r.recall for r in results), "mrr": mean(r.rr for r in results),
           "known_item_top3": mean(1.0 if r.top3 else 0.0 for r in known), "known_items": len(known),
           "by_lang": {}}
    for lang in sorted({r.lang for r in results}):
        rs = [r for r in results if r.lang == lang]
        out["by_lang"][lang] = {"queries": len(rs), "ndcg@10": mean(r.ndcg for r in rs), "mrr": mean(r.rr for r in rs),
                                "recall@10": mean(r.recall for r in rs)}
    return out


def evaluate_engine(engine, queries: list[Query], keys: dict[tuple[str, int], str]) -> list[QueryResult]:
    from autointel.search.stories import stories_of

    conn = engine.store.conn
    results = []
    for q in queries:
        grades = {}
        for r in q.relevant:
            doc = keys.get((r["doc"], int(r.get("article", 0))))
            if doc is None:
                raise ValueError(f"{q.id}: {r['doc']}#{r.get('article', 0)} is not in the collection")
            grades[doc] = max(grades.get(doc, 0), int(r.get("grade", 1)))
        hits = engine.search(q.text, limit=K, facets=False, snippets=False).hits
        units = [[h.id, *(d["id"] for d in h.duplicates if d.get("id"))] for h in hits]
        story = stories_of(conn, list(grades))
        ndcg, recall, rr, top3 = score_ranking(units, grades, story, q.kind)
        results.append(QueryResult(q.id, q.kind, q.lang, ndcg, recall, rr, top3, units))
    return results


# ---- the plain baseline ----------------------------------------------------------------------
class Fts5Baseline:
    """SQLite FTS5 (trigram tokenizer) over the original, un-normalised title and text; the query's
    whitespace-separated words OR-ed, ranked by bm25.  No script conversion, no segmentation, no
    expansion: what a developer gets from SQLite alone."""

    def __init__(self, conn: sqlite3.Connection):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE fts USING fts5(doc_id UNINDEXED, title, body, tokenize='trigram')")
        self.db.executemany("INSERT INTO fts (doc_id, title, body) VALUES (?, ?, ?)", conn.execute(
            "SELECT id, coalesce(original_title, title, ''), coalesce(original, '') FROM documents WHERE status = 'ok'"))

    def search(self, text: str, limit: int = K) -> list[str]:
        words = [w.replace('"', "") for w in text.split() if w.strip('"')]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in words)
        try:
            rows = self.db.execute("SELECT doc_id FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, 3.0, 1.0) LIMIT ?",
                                   (match, limit)).fetchall()
        except sqlite3.OperationalError:
            return []
        return [r[0] for r in rows]


def evaluate_baseline(baseline: Fts5Baseline, queries: list[Query], keys: dict[tuple[str, int], str]) -> list[QueryResult]:
    results = []
    for q in queries:
        grades = {}
        for r in q.relevant:
            doc = keys[(r["doc"], int(r.get("article", 0)))]
            grades[doc] = max(grades.get(doc, 0), int(r.get("grade", 1)))
        units = [[d] for d in baseline.search(q.text)]
        ndcg, recall, rr, top3 = score_ranking(units, grades, {}, q.kind)
        results.append(QueryResult(q.id, q.kind, q.lang, ndcg, recall, rr, top3, units))
    return results
