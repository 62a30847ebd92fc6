"""Timing of watchlist matching and trends on a database (no watchlist or visit is saved; opening it applies
pending migrations, as every command does).

    .venv/bin/python -m autointel.watchlists.bench --db FILE [--repeat 5]

Prints one JSON line per case: the first run (caches cold for this process) and the best of ``--repeat``.
The figures in docs/watchlists.md come from this command.
"""
from __future__ import annotations

import argparse
import json
import time
from datetime import date

WATCHLISTS = {  # as a user would save them; id -1: no visit recorded, every match counts as new
    "entities 小米汽车+问界": {"entities": ["xiaomi-auto", "aito"]},
    "query 固态电池": {"query": "固态电池"},
    "query 关税 + entities + topic": {"query": "关税", "entities": ["xiaomi-auto", "aito"], "topics": ["power_battery"]},
    "query 芯片 (broad)": {"query": "芯片"},
    "topic auto_cybersecurity": {"topics": ["auto_cybersecurity"]},
}


def _time(fn, repeat: int) -> tuple[float, float, object]:
    t0 = time.perf_counter()
    result = fn()
    first = time.perf_counter() - t0
    best = first
    for _ in range(repeat - 1):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return first * 1000, best * 1000, result


def main() -> None:
    from autointel.search.service import open_engine
    from autointel.store import open_store
    from autointel.store.trends import trends
    from autointel.watchlists.matches import find_matches

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    store = open_store(args.db)
    conn = store.conn
    t0 = time.perf_counter()
    engine = open_engine(store, sync=False)
    print(json.dumps({"case": "open search engine", "ms": round((time.perf_counter() - t0) * 1000, 1)}))
    for name, definition in WATCHLISTS.items():
        wl = {"id": -1, "name": name, "query": None, "entities": [], "topics": [], "outlet": None, **definition}
        first, best, report = _time(lambda: find_matches(conn, wl, lambda: engine), args.repeat)
        print(json.dumps({"case": f"watchlist {name}", "first_ms": round(first, 1), "best_ms": round(best, 1),
                          **report.counts}, ensure_ascii=False))
    span = {"since": date(2022, 1, 1), "until": date(2025, 12, 31)}
    for name, kwargs in (("trends default (top topics, 12 months)", {}),
                         ("trends top topics by month, 2022-2025", {"interval": "month", **span}),
                         ("trends 3 entities by week, 2022-2025",
                          {"entities": ["byd", "xiaomi-group", "tesla"], "interval": "week", **span}),
                         ("trends place-china by month, 2022-2025",
                          {"entities": ["place-china"], "interval": "month", **span})):
        first, best, result = _time(lambda: trends(conn, **kwargs), args.repeat)
        print(json.dumps({"case": name, "first_ms": round(first, 1), "best_ms": round(best, 1),
                          "buckets": len(result["buckets"]), "series": len(result["series"]),
                          "documents": sum(s["total"] for s in result["series"])}, ensure_ascii=False))
    store.close()


if __name__ == "__main__":
    main()
