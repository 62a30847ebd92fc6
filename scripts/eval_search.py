"""Search quality on the annotated query sets, against the FTS5 baseline in the same run.

    .venv/bin/python scripts/eval_search.py [--set main|heldout|all] [--db PATH] [--show N] [--json]

Builds (or reuses, with --db) a database of ../shared/seeds + ../shared/corpus/auto-news, indexes it, runs
every query through autointel and through SQLite FTS5 over the un-normalised text.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from autointel.evaluation.entities import REPO
from autointel.evaluation.search import (QUERY_SETS, Fts5Baseline, collection_inputs, document_keys,
                                         evaluate_baseline, evaluate_engine, load_queries, summarise)


def build(db: str, shared: Path):
    from autointel.pipeline import ingest, linker_for
    from autointel.search.service import open_engine
    from autointel.store import open_store

    store = open_store(db)
    ingest(collection_inputs(shared), store, linker=linker_for(store))
    return store, open_engine(store)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    ap.add_argument("--set", choices=["main", "heldout", "all"], default="all")
    ap.add_argument("--db", help="database to build or reuse (default: a temporary one)")
    ap.add_argument("--show", type=int, default=0, help="print the N worst queries with their results")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    store, engine = build(args.db or str(Path(tmp.name) / "eval.db"), args.shared)
    keys = document_keys(store.conn, args.shared)
    baseline = Fts5Baseline(store.conn)
    report = {}
    for name in (["main", "heldout"] if args.set == "all" else [args.set]):
        queries = load_queries(QUERY_SETS[name])
        ours = evaluate_engine(engine, queries, keys)
        base = evaluate_baseline(baseline, queries, keys)
        report[name] = {"autointel": summarise(ours), "fts5_baseline": summarise(base)}
        if not args.json:
            print(f"== {name}: {len(queries)} queries")
            for label, s in report[name].items():
                print(f"  {label:<14} nDCG@10 {s['ndcg@10']:.3f}  recall@10 {s['recall@10']:.3f}  MRR {s['mrr']:.3f}"
                      f"  known-item top-3 {s['known_item_top3']:.3f} ({s['known_items']})")
                for lang, b in s["by_lang"].items():
                    print(f"      {lang:<8} {b['queries']:>3} q  nDCG@10 {b['ndcg@10']:.3f}  MRR {b['mrr']:.3f}"
                          f"  recall@10 {b['recall@10']:.3f}")
            worst = sorted(ours, key=lambda r: (r.rr, r.ndcg))[: args.show]
            for r in worst:
                q = next(q for q in queries if q.id == r.id)
                print(f"  -- {r.id} {q.text!r} rr {r.rr:.2f} ndcg {r.ndcg:.2f} recall {r.recall:.2f}")
                titles = dict(store.conn.execute("SELECT id, title FROM documents"))
                rel = {keys[(x['doc'], int(x.get('article', 0)))]: x.get('grade') for x in q.relevant}
                for u in r.ranked[:5]:
                    print(f"       {'*' if any(d in rel for d in u) else ' '} {titles.get(u[0], '')[:70]}")
                missing = [d for d in rel if not any(d in u for u in r.ranked)]
                for d in missing[:3]:
                    print(f"       missing (grade {rel[d]}): {titles.get(d, '')[:70]}")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
