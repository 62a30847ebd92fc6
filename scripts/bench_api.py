"""HTTP API under concurrent load on loopback: search and entity pages, p50/p95 latency, throughput, errors.

    .venv/bin/python scripts/bench_api.py --db BULK.db [--clients 20] [--seconds 30]

Starts `autointel serve` on a free loopback port as a separate process, waits until it answers, then runs
``--clients`` threads that each loop over a mix of requests (search queries from eval/search, entity
profiles by alias in either script or English) for ``--seconds``.
"""
from __future__ import annotations

import argparse
import itertools
import json
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
ENTITIES = ["比亚迪", "BYD", "比亞迪", "特斯拉", "Tesla", "英伟达", "NVIDIA", "輝達", "小米", "蔚来", "理想汽车",
            "宁德时代", "华为", "大众", "丰田", "特朗普", "川普", "北汽", "吉利", "奔驰"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def requests_mix(seed: int) -> list[tuple[str, dict]]:
    from autointel.evaluation.search import QUERY_SETS, load_queries

    queries = [q.text for name in ("main", "heldout") for q in load_queries(QUERY_SETS[name])]
    mix = [("/api/search", {"q": q}) for q in queries] + [(f"/api/entities/{e}", {}) for e in ENTITIES]
    random.Random(seed).shuffle(mix)
    return mix


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=2, help="server processes")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    port = free_port()
    server = subprocess.Popen([str(REPO / ".venv" / "bin" / "autointel"), "serve", "--db", args.db,
                               "--port", str(port), "--workers", str(args.workers)],
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            sys.exit("the server did not come up")
        for path, params in requests_mix(0)[:20]:  # warm-up: knowledge base, segmenter, index, page cache
            httpx.get(base + path, params=params, timeout=60)
        latencies: dict[str, list[float]] = {"search": [], "entity": []}
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + args.seconds

        def client(n: int) -> None:
            with httpx.Client(base_url=base, timeout=30) as http:
                for path, params in itertools.cycle(requests_mix(n + 1)):
                    if time.monotonic() >= stop:
                        return
                    t0 = time.perf_counter()
                    try:
                        r = http.get(path, params=params)
                        ok = r.status_code == 200
                    except httpx.HTTPError as e:
                        ok, r = False, e
                    ms = (time.perf_counter() - t0) * 1000
                    with lock:
                        if ok:
                            latencies["search" if path == "/api/search" else "entity"].append(ms)
                        else:
                            errors.append(f"{path} {params}: {getattr(r, 'status_code', r)}")

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
    finally:
        server.terminate()
        server.wait(timeout=10)

    report = {"clients": args.clients, "server_workers": args.workers, "seconds": round(elapsed, 1), "errors": len(errors),
              "requests_per_s": round(sum(map(len, latencies.values())) / elapsed, 1)}
    for kind, values in latencies.items():
        values.sort()
        if values:
            report[kind] = {"requests": len(values), "p50_ms": round(statistics.median(values), 1),
                            "p95_ms": round(values[int(len(values) * 0.95) - 1], 1), "max_ms": round(values[-1], 1)}
    print(json.dumps(report, ensure_ascii=False) if args.json else json.dumps(report, ensure_ascii=False, indent=2))
    for e in errors[:5]:
        print("error:", e, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
