"""Benchmark: ingest the bulk corpus (../shared/corpus/bulk/picker-zh.jsonl.gz) into a fresh database.

Prints articles/s, MB/s of text (UTF-8 bytes of the article bodies read), canonical
chars/s, peak RSS, and the split of time between reading+normalising and storing.
One process, one core.  Usage:

    .venv/bin/python scripts/bench_ingest.py [--limit N] [--input PATH] [--no-link] [--json]

Entity linking runs as in `autointel ingest` unless --no-link; its share is reported as link_seconds.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_INPUT = REPO.parent / "shared" / "corpus" / "bulk" / "picker-zh.jsonl.gz"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--input", default=str(DEFAULT_INPUT))
    ap.add_argument("--limit", type=int, default=None, help="stop after N records")
    ap.add_argument("--no-link", action="store_true", help="ingest without entity linking")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not Path(args.input).exists():
        print(f"skipped: {args.input} not found (the bulk corpus lives in ../shared)", file=sys.stderr)
        return 0

    from autointel.ingest.sources import SourceOptions
    from autointel.pipeline import ingest
    from autointel.store import open_store
    import autointel.pipeline as pipeline

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(Path(tmp) / "bench.db")
        seen = {"n": 0, "bytes": 0}

        class Stop(Exception):
            pass

        def on_item(item, status):
            seen["n"] += 1
            raw = getattr(item, "raw", None)
            if raw is not None:
                seen["bytes"] += len(raw.body.encode("utf-8"))
            if args.limit and seen["n"] >= args.limit:
                raise Stop

        # time spent in the store, measured around its two write calls
        store_time = {"s": 0.0}
        for name in ("save_article", "save_failure", "commit"):
            fn = getattr(store, name)

            def timed(*a, _fn=fn, **k):
                t = time.perf_counter()
                try:
                    return _fn(*a, **k)
                finally:
                    store_time["s"] += time.perf_counter() - t

            setattr(store, name, timed)

        link_time = {"s": 0.0, "setup": 0.0}
        linker = None
        if not args.no_link:
            t = time.perf_counter()
            linker = pipeline.linker_for(store)  # knowledge base + automaton, once per process
            link_time["setup"] = time.perf_counter() - t
            original_link = pipeline.link_and_save

            def timed_link(*a, **k):
                t = time.perf_counter()
                try:
                    return original_link(*a, **k)
                finally:
                    link_time["s"] += time.perf_counter() - t

            pipeline.link_and_save = timed_link

        t0 = time.perf_counter()
        cpu0 = time.process_time()
        summary = None
        try:
            summary = ingest([args.input], store, options=SourceOptions(), on_item=on_item, linker=linker)
        except Stop:
            store.commit()
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        stats = store.stats()
        mentions = store.conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
        db_size = sum(f.stat().st_size for f in Path(tmp).iterdir())
        store.close()

    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    counts = summary.as_dict() if summary else {"records": seen["n"]}
    # bytes/chars come from the database so a --limit run is measured too
    canonical_chars = stats["canonical_chars"]
    result = {
        "input": args.input,
        "records": seen["n"],
        "documents": stats["documents"],
        "failed": stats["failed"],
        "duplicate_sources": stats["duplicate_sources"],
        "counts": counts,
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "articles_per_s": round(seen["n"] / elapsed, 1),
        "text_mb": round(seen["bytes"] / 1e6, 1),
        "text_mb_per_s": round(seen["bytes"] / 1e6 / elapsed, 2),
        "canonical_chars_per_s": round(canonical_chars / elapsed),
        "store_seconds": round(store_time["s"], 2),  # writes and commits
        "link_seconds": round(link_time["s"], 2),
        "link_setup_seconds": round(link_time["setup"], 2),
        "mentions": mentions,
        "peak_rss_mb": round(peak_rss_mb, 1),
        "db_mb": round(db_size / 1e6, 1),
        "python": platform.python_version(),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for k, v in result.items():
            print(f"{k:>22}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
