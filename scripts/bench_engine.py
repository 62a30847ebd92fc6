"""Benchmark: parallel ingest (`autointel ingest --engine E --workers N`) into a fresh database.

    .venv/bin/python scripts/bench_engine.py --engine ray --workers 1 2 [--corpus PATH] [--json]
    .venv/bin/python scripts/bench_engine.py --engine local            # the sequential ingest, same measures

Each worker count runs in its own fresh process and database (one after the other), with linking, facts,
claims, topics, stories and the search index on, as `autointel ingest` does. Printed per run: articles/s
(records read, stored or not, per wall second), wall, CPU of the whole process tree (driver, engine daemons,
workers), peak memory of the tree (sum of PSS), engine start-up, and the CPU each worker process spent on
its partitions, with the per-core throughput that gives (articles per worker CPU second). With two or more
worker counts, the speed-up of each over the first. The load average before and after each run is printed:
the machine is shared, so read the speed-up against it.

``--pin`` runs each configuration on as many cores as it has workers (``taskset``-style CPU affinity, which
Ray's processes inherit): "1 worker" is then the whole ingest (driver, engine and worker) on one core, and
"2 workers" the same on two. Without it every run may use every core, so with one worker the saving driver
has a core of its own, which on a 2-core machine leaves two workers no more room than one.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "bulk" / "picker-zh.jsonl.gz"
TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a live process."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read().decode("ascii", "replace")
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler(threading.Thread):
    """Every ``interval`` seconds: the processes descending from ``root``, their PSS (summed: the peak) and
    CPU (the last value seen per process, summed at the end: processes that exit keep what they used)."""

    def __init__(self, root: int, interval: float = 0.5):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.cpu: dict[int, float] = {}
        self.peak_kb = 0
        self.done = threading.Event()

    def sample(self) -> None:
        parents: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                st = _stat(int(name))
                if st:
                    parents[int(name)] = st[0]
                    if int(name) in self.cpu or int(name) == self.root:
                        self.cpu[int(name)] = st[1]
        tree = {self.root}
        changed = True
        while changed:
            changed = False
            for pid, ppid in parents.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    changed = True
        for pid in tree:
            st = _stat(pid)
            if st and pid != self.root:
                self.cpu[pid] = st[1]
        self.peak_kb = max(self.peak_kb, sum(_pss_kb(pid) for pid in tree))

    def run(self) -> None:
        while not self.done.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self.done.set()
        self.join()
        self.sample()


def single(args) -> dict:
    """One measured run in this process."""
    from autointel.engines import EngineStats, ingest
    from autointel.ingest.sources import SourceOptions
    from autointel.pipeline import linker_for
    from autointel.store import open_store

    import autointel.engines as engines
    import autointel.pipeline as pipeline

    # where the driver's time goes: wrappers around its stages (the names the pipeline calls them by)
    driver = {"wait_engine": 0.0, "save_article": 0.0, "assign_story": 0.0, "save_analysis": 0.0,
              "search_index": 0.0}

    def timed(key, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                driver[key] += time.perf_counter() - t
        return wrapper

    pipeline.assign_story = timed("assign_story", pipeline.assign_story)
    pipeline.save_analysis = timed("save_analysis", pipeline.save_analysis)
    pipeline.link_and_save = timed("save_analysis", pipeline.link_and_save)  # local: analysis + its rows
    pipeline.refresh_search = timed("search_index", pipeline.refresh_search)
    in_order = engines._in_order

    def waited(results, stats):
        it = in_order(results, stats)
        while True:
            t = time.perf_counter()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                driver["wait_engine"] += time.perf_counter() - t
            yield item

    engines._in_order = waited
    load_before = os.getloadavg()
    sampler = TreeSampler(os.getpid())
    sampler.start()
    started, cpu0 = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        store = open_store(Path(tmp) / "bench.db")
        store.save_article = timed("save_article", store.save_article)
        linker = linker_for(store)
        stats = EngineStats()
        seen = {"n": 0}

        def on_item(item, status):
            seen["n"] += 1

        summary = ingest([str(p) for p in args.corpus], store, engine=args.engine, workers=args.workers,
                         address=args.address, options=SourceOptions(), on_item=on_item, linker=linker, stats=stats)
        documents = store.conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0]
        store.close()
        wall = time.perf_counter() - started
        driver_cpu = time.process_time() - cpu0
        sampler.stop()
    worker_cpu = sum(stats.worker_cpu.values())
    return {
        "engine": args.engine, "workers": args.workers, "articles": seen["n"], "documents": documents,
        "summary": summary.as_dict(), "wall_s": round(wall, 2), "articles_per_s": round(seen["n"] / wall, 1),
        "cpu_s_tree": round(sum(sampler.cpu.values()), 1), "cpu_s_driver": round(driver_cpu, 1),
        "peak_pss_mb": round(sampler.peak_kb / 1024, 1), "startup_s": round(stats.startup_seconds, 2),
        "plan_s": round(stats.plan_seconds, 2), "partitions": stats.partitions,
        "index_s": round(stats.index_seconds, 2),
        "worker_cpu_s": {k: round(v, 1) for k, v in sorted(stats.worker_cpu.items())},
        "worker_busy_s": {k: round(v, 1) for k, v in sorted(stats.worker_wall.items())},
        "articles_per_worker_cpu_s": round(stats.items / worker_cpu, 1) if worker_cpu else None,
        "driver_s": {k: round(v, 1) for k, v in driver.items()},
        "cores": sorted(os.sched_getaffinity(0)),
        "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--engine", default="ray", choices=["local", "ray", "spark"])
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--corpus", type=Path, nargs="+", default=[DEFAULT_CORPUS])
    ap.add_argument("--address", default=None, help="cluster address (default: local mode)")
    ap.add_argument("--tmp", default=None, help="directory for the temporary databases")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--pin", action="store_true", help="run N workers on N cores (CPU affinity of the whole run)")
    ap.add_argument("--single", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    missing = [p for p in args.corpus if not p.exists()]
    if missing:
        print(f"skipped: {missing[0]} not found (the corpora live in ../shared)", file=sys.stderr)
        return 0
    if args.single:
        args.workers = args.workers[0]
        print(json.dumps(single(args)))
        return 0
    counts = args.workers if args.engine != "local" else [1]
    runs = []
    for n in counts:
        cmd = [sys.executable, __file__, "--single", "--engine", args.engine, "--workers", str(n),
               "--corpus", *map(str, args.corpus)]
        if args.address:
            cmd += ["--address", args.address]
        if args.tmp:
            cmd += ["--tmp", args.tmp]
        cores = sorted(os.sched_getaffinity(0))
        if args.pin and n > len(cores):
            sys.exit(f"--pin: {n} workers need {n} cores, this process may use {len(cores)}")
        pinned = set(cores[:n]) if args.pin else None
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True,
                             preexec_fn=(lambda: os.sched_setaffinity(0, pinned)) if pinned else None).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        if not args.json:
            _print(runs[-1])
    result = {"runs": runs}
    if len(runs) > 1:
        result["speedup"] = {str(r["workers"]): round(runs[0]["wall_s"] / r["wall_s"], 2) for r in runs[1:]}
        if not args.json:
            for k, v in result["speedup"].items():
                print(f"speed-up {runs[0]['workers']} -> {k} workers: {v}x (wall)")
    if args.json:
        print(json.dumps(result, indent=1))
    return 0


def _print(r: dict) -> None:
    print(f"{r['engine']} x{r['workers']}: {r['articles']} articles ({r['documents']} documents) in {r['wall_s']} s"
          f" = {r['articles_per_s']} articles/s; CPU {r['cpu_s_tree']} s (driver {r['cpu_s_driver']} s);"
          f" peak PSS {r['peak_pss_mb']} MB; start-up {r['startup_s']} s; plan {r['plan_s']} s,"
          f" {r['partitions']} partitions; load {r['load_before']} -> {r['load_after']}")
    print(f"    driver seconds: {r['driver_s']}")
    if r["worker_cpu_s"]:
        print(f"    worker CPU s {r['worker_cpu_s']}, busy s {r['worker_busy_s']};"
              f" {r['articles_per_worker_cpu_s']} articles per worker CPU second")


if __name__ == "__main__":
    sys.exit(main())
