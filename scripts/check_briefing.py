"""Build a briefing and re-read every citation it makes from the stored documents.

    .venv/bin/python scripts/check_briefing.py --db DB (--entity E | --topic T | --query Q) [--since D]
        [--until D] [--limit N] [--json]

A citation is valid when canonical[start:end] of its document is the quoted text, its original span is the
alignment's, and every figure the line states lies in the span and re-parses there to the same value
(autointel/briefing/verify.py).  Exit status 1 when any citation is invalid.
"""
from __future__ import annotations

import argparse
import json
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--entity")
    ap.add_argument("--topic")
    ap.add_argument("--query")
    ap.add_argument("--since")
    ap.add_argument("--until")
    ap.add_argument("--limit", type=int, default=12)
    ap.add_argument("--problems", type=int, default=20, help="invalid citations to print")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from autointel.briefing import build_briefing
    from autointel.briefing.verify import check_briefing
    from autointel.search.service import kb_for, open_engine
    from autointel.store import open_store

    store = open_store(args.db)
    kb = kb_for(store)
    engine = open_engine(store, sync=False) if args.query else None
    t0 = time.perf_counter()
    b = build_briefing(store, kb, engine, entity=args.entity, topic=args.topic, query=args.query,
                       since=args.since, until=args.until, limit=args.limit)
    built = time.perf_counter() - t0
    result = check_briefing(store, b)
    report = result.as_dict() | {"documents": b.documents, "build_ms": round(built * 1000, 1),
                                 "sections": {s.key: len(s.items) for s in b.sections}}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        print(f"{b.title}: {b.documents} documents, built in {built * 1000:.0f} ms")
        print("sections: " + ", ".join(f"{k} {v}" for k, v in report["sections"].items()))
        print(f"items {result.items}  citations {result.citations}  valid {result.valid}  invalid {result.invalid}"
              f"  (figures checked {result.figures})")
        for p in report["problems"][:args.problems]:
            print(f"  INVALID {p['doc_id']} {p['span']}: {p['problem']} — {p['line']}")
    return 1 if result.invalid else 0


if __name__ == "__main__":
    sys.exit(main())
