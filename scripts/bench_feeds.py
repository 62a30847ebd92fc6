"""Benchmark: 200 feeds of 50 items each, served on loopback, polled and ingested (and linked) twice.

The first round brings every item; the second finds nothing new (the server answers 304 to our ETag).
Prints time, requests, items, per-poll latency and peak RSS. Usage:

    .venv/bin/python scripts/bench_feeds.py [--feeds 200] [--per-host 8] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feeds", type=int, default=200)
    ap.add_argument("--per-host", type=int, default=8, help="all feeds share one loopback host")
    ap.add_argument("--no-link", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from autointel.pipeline import linker_for
    from autointel.store import open_store
    from autointel.store import subscriptions as subs_store
    from autointel.subscribe.poller import PollSettings, poll
    from tests.feed_server import FeedServer

    result: dict = {"feeds": args.feeds, "items_per_feed": 50, "per_host": args.per_host, "linking": not args.no_link}
    with FeedServer() as server, tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        for k in range(args.feeds):
            subs_store.add(store.conn, f"{server.base}/many.xml?n={k}", "feed", None, 1800)
        linker = None if args.no_link else linker_for(store)
        settings = PollSettings(timeout=30, per_host=args.per_host, workers=max(8, args.per_host),
                                allow_hosts=frozenset({"127.0.0.1"}))
        for round_name in ("first", "second"):
            rows = subs_store.all_subscriptions(store.conn)
            t0 = time.perf_counter()
            reports = poll(store, settings, linker=linker, only=rows)
            elapsed = time.perf_counter() - t0
            fetch = sorted(r.seconds for r in reports)
            result[round_name] = {
                "seconds": round(elapsed, 2),
                "requests": sum(r.requests for r in reports),
                "items_seen": sum(r.seen for r in reports),
                "items_new": sum(r.new for r in reports),
                "outcomes": {o: sum(1 for r in reports if r.outcome == o) for o in {r.outcome for r in reports}},
                "new_items_per_s": round(sum(r.new for r in reports) / elapsed, 1),
                "fetch_p50_ms": round(statistics.median(fetch) * 1000, 1),
                "fetch_p95_ms": round(fetch[int(0.95 * (len(fetch) - 1))] * 1000, 1),
            }
        result["documents"] = store.conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        result["server_requests"] = sum(server.hits.values())
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    result["machine"] = f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}"
    print(json.dumps(result, ensure_ascii=False) if args.json else json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
