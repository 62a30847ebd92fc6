"""Search benchmark: index build rate, index size, query latency (p50/p95 on one core), memory.

    # on a database built by `autointel ingest` (e.g. the bulk corpus):
    .venv/bin/python scripts/bench_search.py --db /tmp/bulk.db
    # on a synthetic corpus of recombined real sentences, written straight into a fresh database:
    .venv/bin/python scripts/bench_search.py --synthetic 1000000 --db /tmp/syn1m.db
    # the same with articles made of runs of consecutive sentences (topical: word frequencies of real news)
    .venv/bin/python scripts/bench_search.py --synthetic 1000000 --topical --db /tmp/syn1m_topical.db

Queries: the texts of the annotated query sets (eval/search, Simplified, Traditional and English) plus
entity, filter and phrase queries; each is run ``--rounds`` times after one warm-up round.  Latency is the
whole ``SearchEngine.search`` call (parse, tantivy, re-rank, story folding, snippets, facets), pinned to one
CPU core, as wall time and as the process's CPU time (user + system, which other jobs on a shared machine inflate
far less).  The build is timed the same two ways (CPU of this process and of its segmenting workers), and
the load average is printed beside every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

EXTRA_QUERIES = ["比亚迪", "特斯拉 降价", "entity:BYD 欧洲", "芯片 since:2024-01-01", '"自动驾驶"', "小米 -手机",
                 "新能源汽车 出口", "宁德时代 OR 比亚迪 电池", "汽车 数据安全", "NVIDIA autonomous driving chips"]


def queries() -> list[str]:
    from autointel.evaluation.search import QUERY_SETS, load_queries

    out = [q.text for name in ("main", "heldout") for q in load_queries(QUERY_SETS[name])]
    return out + EXTRA_QUERIES


def write_synthetic(db: str, n: int, seed: int, topical: bool = False) -> float:
    """Synthetic articles inserted as canonical documents (no reader, no normaliser: they are generated
    clean); returns the seconds it took."""
    from synthetic_corpus import iter_synthetic

    from autointel.normalize.canonical import content_hash
    from autointel.store import open_store

    store = open_store(db)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    store.begin()
    batch = []
    for k, a in enumerate(iter_synthetic(n, seed=seed, topical=topical), 1):
        published = f"{a['published']}T08:00:00+00:00"
        batch.append((f"syn{k:07d}", f"synthetic:{a['id']}", "ok", "synthetic", a["outlet"], a["title"], a["title"],
                      published, published, "simplified", a["text"], "[]", content_hash(a["text"]), now, now))
        if len(batch) >= 5000:
            _insert(store, batch)
            batch = []
            if k % 100_000 == 0:
                print(f"  {k} written, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    _insert(store, batch)
    store.commit()
    store.close()
    return time.perf_counter() - t0


def _insert(store, rows) -> None:
    store.conn.executemany(
        "INSERT OR IGNORE INTO documents (id, source_key, status, reader, outlet, title, original_title, published_at,"
        " published_utc, script, canonical, offsets, content_hash, ingested_at, updated_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--synthetic", type=int, default=0, help="first write N synthetic articles into --db")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--topical", action="store_true",
                    help="synthetic articles of runs of consecutive sentences (word frequencies as in real news)")
    ap.add_argument("--no-rebuild", action="store_true", help="measure queries on the existing index only")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--workers", type=int, default=None, help="segmenting processes for the build (default: auto)")
    ap.add_argument("--slowest", type=int, default=0, help="also list the N slowest queries (median CPU ms)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from autointel.search.index import index_path
    from autointel.search.service import open_engine, update_index
    from autointel.store import open_store

    report: dict = {"db": args.db, "machine": machine()}
    if args.synthetic:
        if Path(args.db).exists():
            sys.exit(f"{args.db} exists; the synthetic corpus goes into a fresh database")
        report["synthetic_write_seconds"] = round(write_synthetic(args.db, args.synthetic, args.seed, args.topical), 1)
    store = open_store(args.db)
    docs = store.conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]
    chars = store.conn.execute("SELECT sum(length(canonical)) FROM documents WHERE status = 'ok'").fetchone()[0]
    report.update(documents=docs, mean_chars=round(chars / max(docs, 1)))
    if not args.no_rebuild:
        report["load_average_before_build"] = load_average()
        t0, c0 = time.perf_counter(), cpu_seconds()
        n = update_index(store, rebuild=True, workers=args.workers)
        secs, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        report.update(workers=args.workers or "auto", index_build_seconds=round(secs, 1),
                      index_build_docs_per_s=round(n / secs), index_build_chars_per_s=round(chars / secs),
                      index_build_cpu_seconds=round(cpu, 1),
                      index_build_docs_per_cpu_s=round(n / cpu), load_average_after_build=load_average())
    report["index_bytes"] = du(index_path(args.db))
    report["rss_after_build_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)

    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core for the latency figures
    engine = open_engine(store, sync=False)
    qs = queries()
    for q in qs:  # warm-up: caches, page cache, lazily built tables
        engine.search(q)
    times, cpu_times, per_query = [], [], {q: [] for q in qs}
    report["load_average_before_queries"] = load_average()
    for _ in range(args.rounds):
        for q in qs:
            t0, c0 = time.perf_counter(), time.process_time()
            engine.search(q)
            c = (time.process_time() - c0) * 1000
            times.append((time.perf_counter() - t0) * 1000)
            cpu_times.append(c)
            per_query[q].append(c)
    times.sort()
    cpu_times.sort()
    report.update(queries=len(qs), runs=len(times), latency_ms_p50=round(statistics.median(times), 2),
                  latency_ms_p95=round(times[int(len(times) * 0.95) - 1], 2), latency_ms_max=round(times[-1], 2),
                  cpu_ms_p50=round(statistics.median(cpu_times), 2),
                  cpu_ms_p95=round(cpu_times[int(len(cpu_times) * 0.95) - 1], 2), cpu_ms_max=round(cpu_times[-1], 2),
                  load_average_after_queries=load_average(),
                  peak_rss_mb=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    if args.slowest:
        worst = sorted(per_query.items(), key=lambda kv: -statistics.median(kv[1]))[:args.slowest]
        report["slowest_cpu_ms"] = {q: round(statistics.median(v), 1) for q, v in worst}
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for k, v in report.items():
            print(f"{k:>26}: {v}")
    return 0


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished children (the segmenting workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        name = next((ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")), "?")
    except OSError:
        name = "?"
    return f"{name}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


if __name__ == "__main__":
    sys.exit(main())
