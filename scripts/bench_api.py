"""HTTP API under concurrent load on loopback: search and entity pages, p50/p95 latency, throughput, errors.

    .venv/bin/python scripts/bench_api.py --db BULK.db [--clients 20] [--seconds 30] [--workers 2]
    .venv/bin/python scripts/bench_api.py --db BULK.db --in-process [--profile 30]   # CPU per request, no HTTP
    .venv/bin/python scripts/bench_api.py --db BULK.db --ingest-every 2   # the same, with uploads being ingested

Starts `autointel serve` on a free loopback port as a separate process, waits until it answers, warms it
up, then drives it with Debian's `wrk` (apt-get install wrk): ``--clients`` connections, one per wrk
thread, each a closed loop over the same request mix (search queries from eval/search, entity profiles by
alias in either script or English), every connection starting at a different place in the mix.

``--ingest-every S`` mixes in writes (issue 7, load): beside wrk, one client uploads a short generated article
every S seconds (POST /api/ingest/upload, as the ingest page does) and polls its job until it is done, so the
server ingests, links and re-indexes while it answers searches.  The database and its index are copied to a
temporary folder first: the benchmark never adds documents to the database it is given.

Why wrk and not Python clients: under a closed loop latency is about clients / throughput, so the load
generator's own CPU is taken from the server.  The previous version of this script (20 httpx threads) spent
3.7 ms of CPU per request, about as much as the server's search itself; wrk spends about 0.2 ms (both
measured on the same 2-core machine, docs/benchmarks.md).

One connection per wrk thread so each thread's Lua state sees strictly alternating request/response calls
and can time every request itself (wrk's own histogram does not say which endpoint a request went to).
Reported: p50/p95/max per endpoint kind, throughput, errors (non-200 statuses and socket errors), the
machine's load average and CPU use during the run, and the CPU the server and wrk spent per request.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import threading
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTITIES = ["比亚迪", "BYD", "比亞迪", "特斯拉", "Tesla", "英伟达", "NVIDIA", "輝達", "小米", "蔚来", "理想汽车",
            "宁德时代", "华为", "大众", "丰田", "特朗普", "川普", "北汽", "吉利", "奔驰"]
CLK_TCK = os.sysconf("SC_CLK_TCK")

# Lua for wrk.  PATHS and LATENCY_DIR are filled in per run.  Each thread writes "kind status ms" lines to
# its own file: C stdio buffers them, and wrk's normal exit flushes them.
WRK_SCRIPT = r"""
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)  -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local paths = {PATHS}
local latency_dir = "LATENCY_DIR"
local next_id = 0

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
end

function init(args)
  -- spread the connections over the mix: no two ask for the same thing at the same time
  position = (thread_id * 37) % #paths
  out = io.open(latency_dir .. "/" .. thread_id .. ".txt", "w")
end

function request()
  position = position % #paths + 1
  current = paths[position]
  started = now_ms()
  return wrk.format("GET", current[2])
end

function response(status, headers, body)
  out:write(current[1], " ", status, " ", string.format("%.3f", now_ms() - started), "\n")
  if status ~= 200 then
    out:write("ERROR ", current[2], " ", (string.gsub(string.sub(body or "", 1, 300), "%s", " ")), "\n")
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d %d %d %.1f %.1f\n", summary.requests, summary.duration,
    e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000))
end
"""


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


def encoded(path: str, params: dict) -> str:
    return urllib.parse.quote(path) + (("?" + urllib.parse.urlencode(params)) if params else "")


def lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def get(url: str, timeout: float = 60) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        r.read()
        return r.status


def tree_cpu_seconds(root: int) -> float:
    """utime + stime of a process and all its descendants (uvicorn's workers are children of `serve`)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()  # after "pid (comm) "
            stats[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo += [p for p, (ppid, _) in stats.items() if ppid == pid]
    return total / CLK_TCK


def machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of all cores since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def load_average() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    return {"requests": len(values), "p50_ms": round(statistics.median(values), 1),
            "p95_ms": round(values[max(0, int(len(values) * 0.95) - 1)], 1), "max_ms": round(values[-1], 1)}


def run_wrk(base: str, mix: list[tuple[str, dict]], clients: int, seconds: float, tmp: Path) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("bench_api needs wrk: apt-get install -y wrk")
    paths = ", ".join("{%s, %s}" % (lua_string("search" if p == "/api/search" else "entity"),
                                    lua_string(encoded(p, q))) for p, q in mix)
    latency_dir = tmp / "latency"
    latency_dir.mkdir()
    script = tmp / "mix.lua"
    script.write_text(WRK_SCRIPT.replace("{PATHS}", "{" + paths + "}").replace("LATENCY_DIR", str(latency_dir)),
                      encoding="utf-8")
    before = os.times()
    proc = subprocess.Popen([wrk, f"-t{clients}", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
                             "-s", str(script), base], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    loads = []
    while proc.poll() is None:  # the 1-minute load average, once a second while wrk runs
        loads.append(load_average()[0])
        time.sleep(1)
    stdout, stderr = proc.communicate()
    after = os.times()
    if proc.returncode != 0:
        sys.exit(f"wrk failed: {stderr or stdout}")
    summary = next(line.split()[1:] for line in stdout.splitlines() if line.startswith("WRK "))
    requests, duration_us, *socket_errors = (int(v) for v in summary[:7])
    latencies: dict[str, list[float]] = {"search": [], "entity": []}
    statuses: dict[str, int] = {}
    examples: list[str] = []
    for f in latency_dir.iterdir():
        for line in f.read_text().splitlines():
            if line.startswith("ERROR "):
                examples.append(urllib.parse.unquote(line[6:]))
                continue
            kind, status, ms = line.split()
            if status == "200":
                latencies[kind].append(float(ms))
            else:
                statuses[status] = statuses.get(status, 0) + 1
    return {"requests": requests, "seconds": duration_us / 1e6, "latencies": latencies, "statuses": statuses,
            "error_examples": examples[:5],
            "socket_errors": dict(zip(("connect", "read", "write", "status", "timeout"), socket_errors)),
            "wrk_p50_ms": float(summary[7]), "wrk_p95_ms": float(summary[8]), "load_samples": loads,
            "wrk_cpu_s": (after.children_user + after.children_system) - (before.children_user + before.children_system)}


# A short article made from templates (no corpus text): named companies, a figure and a claim, so that the
# upload exercises linking, facts, claims, topics, stories and the index.  Unique per upload.
UPLOAD_TEMPLATE = """---
title: 基准上传{n}：{a}与{b}签署合作协议
date: 2025-11-{day:02d} 10:00:00
---
{a}与{b}于11月{day}日宣布签署战略合作协议，双方将在智能驾驶和动力电池领域展开合作。
据{a}方面表示，{a}前10个月销量为{sales}万辆，同比增长{growth}%。编号{token}。
"""
UPLOAD_PAIRS = [("比亚迪", "华为"), ("小米", "宁德时代"), ("吉利", "英伟达"), ("蔚来", "地平线"), ("理想汽车", "博世")]


def multipart(filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
            "Content-Type: text/markdown\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def ingest_load(base: str, every: float, stop: threading.Event, out: dict) -> None:
    """Upload one article every ``every`` seconds and wait for its job: upload latency, time to searchable
    (job done, index refreshed), errors."""
    upload_ms, done_ms, errors, n = [], [], [], 0
    next_at = time.perf_counter()
    while not stop.is_set():
        a, b = UPLOAD_PAIRS[n % len(UPLOAD_PAIRS)]
        text = UPLOAD_TEMPLATE.format(n=n, a=a, b=b, day=1 + n % 28, sales=10 + n % 50, growth=5 + n % 30,
                                      token=uuid.uuid4().hex[:12]).encode("utf-8")
        body, ctype = multipart(f"bench-upload-{n}.md", text)
        t0 = time.perf_counter()
        try:
            req = urllib.request.Request(base + "/api/ingest/upload", data=body, method="POST",
                                         headers={"Content-Type": ctype})
            with urllib.request.urlopen(req, timeout=30) as r:
                job = json.loads(r.read())["job"]
            upload_ms.append((time.perf_counter() - t0) * 1000)
            while True:
                with urllib.request.urlopen(f"{base}/api/jobs/{job}", timeout=30) as r:
                    state = json.loads(r.read())
                if state["state"] in ("done", "failed", "interrupted"):
                    break
                if time.perf_counter() - t0 > 120:
                    raise TimeoutError(f"job {job} not done after 120 s")
                time.sleep(0.05)
            if state["state"] != "done" or state.get("counts", {}).get("failed"):
                errors.append(f"job {job}: {state['state']} {state.get('error') or state.get('counts')}")
            else:
                done_ms.append((time.perf_counter() - t0) * 1000)
        except (OSError, urllib.error.URLError, KeyError, ValueError, TimeoutError) as e:
            errors.append(repr(e))
        n += 1
        next_at += every
        stop.wait(max(0.0, next_at - time.perf_counter()))
    out.update(uploads=n, errors=len(errors), error_examples=errors[:5],
               upload=percentiles(upload_ms) if upload_ms else None,
               searchable=percentiles(done_ms) if done_ms else None)


def copy_database(db: str, folder: Path) -> str:
    """A consistent copy of a SQLite database (online backup) and of its search index, for a run that writes."""
    import sqlite3

    target = folder / Path(db).name
    src, dst = sqlite3.connect(db), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    index = Path(db + ".index")
    if index.is_dir():
        shutil.copytree(index, str(target) + ".index")
    return str(target)


def in_process(db: str, profile: int) -> dict:
    """CPU per request without HTTP: the ASGI app called on this thread, sync routes run inline (so
    ``time.thread_time`` and cProfile see them), every request of the mix three times after a warm-up."""
    import asyncio
    import cProfile
    import pstats

    import fastapi.routing

    async def inline(func, *args, **kwargs):
        return func(*args, **kwargs)

    fastapi.routing.run_in_threadpool = inline  # one thread: what the route costs, not the thread pool
    from autointel.api.app import create_app

    app = create_app(db, sync=False)

    async def call(url: str) -> None:
        path, _, query = url.partition("?")
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": urllib.parse.unquote(path), "raw_path": path.encode(),
                 "query_string": query.encode(), "root_path": "", "headers": [(b"host", b"127.0.0.1")],
                 "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await app(scope, receive, send)
        if sent[0]["status"] != 200:
            raise SystemExit(f"{url}: HTTP {sent[0]['status']}")

    async def run() -> dict:
        report = {}
        mix = requests_mix(0)
        for kind in ("search", "entity"):
            urls = [encoded(p, q) for p, q in mix if (p == "/api/search") == (kind == "search")]
            for u in urls:
                await call(u)
            profiler = cProfile.Profile() if profile else None
            t0 = time.thread_time()
            if profiler:
                profiler.enable()
            for _ in range(3):
                for u in urls:
                    await call(u)
            if profiler:
                profiler.disable()
                print(f"== {kind}", file=sys.stderr)
                pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(profile)
            report[kind] = {"requests": 3 * len(urls),
                            "cpu_ms_per_request": round((time.thread_time() - t0) * 1000 / (3 * len(urls)), 2)}
        return report

    return {"in_process": True, **asyncio.run(run())}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--clients", type=int, default=20, help="concurrent connections (closed loop)")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=2, help="server processes")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--ingest-every", type=float, default=0, metavar="S",
                    help="also upload one generated article every S seconds and wait until it is searchable")
    ap.add_argument("--in-process", action="store_true",
                    help="no server, no wrk: CPU per request of each kind with the app called directly")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="with --in-process: print the N costliest functions (cProfile, tottime) to stderr")
    args = ap.parse_args()
    if args.in_process:
        print(json.dumps(in_process(args.db, args.profile)))
        return 0

    scratch = tempfile.TemporaryDirectory()
    db = copy_database(args.db, Path(scratch.name)) if args.ingest_every else args.db
    port = free_port()
    server = subprocess.Popen([str(REPO / ".venv" / "bin" / "autointel"), "serve", "--db", db,
                               "--port", str(port), "--workers", str(args.workers)],
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    mix = requests_mix(0)
    try:
        for _ in range(600):
            try:
                if get(base + "/api/health", timeout=1) == 200:
                    break
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        else:
            sys.exit("the server did not come up")
        # warm-up: knowledge base, segmenter, index, page cache, in every worker (connections land on any)
        for _ in range(args.workers):
            for path, params in mix:
                get(base + encoded(path, params))
        with tempfile.TemporaryDirectory() as tmp:
            load_before, cpu_before, server_before = load_average(), machine_cpu(), tree_cpu_seconds(server.pid)
            stop, ingest = threading.Event(), {}
            writer = threading.Thread(target=ingest_load, args=(base, args.ingest_every, stop, ingest))
            if args.ingest_every:
                writer.start()
            run = run_wrk(base, mix, args.clients, args.seconds, Path(tmp))
            stop.set()
            if args.ingest_every:
                writer.join()
            load_after, cpu_after, server_after = load_average(), machine_cpu(), tree_cpu_seconds(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
        scratch.cleanup()

    answered = sum(map(len, run["latencies"].values()))
    # wrk's own "status" counter counts the same non-2xx answers the Lua script recorded: not added twice
    errors = sum(run["statuses"].values()) + sum(v for k, v in run["socket_errors"].items() if k != "status")
    cores = os.cpu_count() or 1
    busy_cores = (cpu_after[0] - cpu_before[0]) / max(1, cpu_after[1] - cpu_before[1]) * cores
    server_cores = (server_after - server_before) / run["seconds"]
    wrk_cores = run["wrk_cpu_s"] / run["seconds"]
    loads = run["load_samples"] or [load_after[0]]
    report = {"clients": args.clients, "server_workers": args.workers, "seconds": round(run["seconds"], 1),
              "requests": run["requests"], "errors": errors, "requests_per_s": round(answered / run["seconds"], 1),
              "load_average_1min": {"before": load_before[0], "during_mean": round(statistics.mean(loads), 2),
                                    "during_max": max(loads), "after": load_after[0]},
              # where the machine's cores went: this server, wrk, and everything else running beside them
              "cpu_cores_used": {"machine": round(busy_cores, 2), "server": round(server_cores, 2),
                                 "wrk": round(wrk_cores, 2),
                                 "other_processes": round(max(0.0, busy_cores - server_cores - wrk_cores), 2),
                                 "of": cores},
              "server_cpu_ms_per_request": round((server_after - server_before) * 1000 / max(1, run["requests"]), 2),
              "wrk_cpu_ms_per_request": round(run["wrk_cpu_s"] * 1000 / max(1, run["requests"]), 3),
              "wrk_overall_p50_p95_ms": [run["wrk_p50_ms"], run["wrk_p95_ms"]]}
    if args.ingest_every:
        report["ingest"] = {"every_s": args.ingest_every} | ingest
        errors += ingest["errors"]
        report["errors"] = errors
    if errors:
        report["error_detail"] = {"statuses": run["statuses"], "socket": run["socket_errors"],
                                  "examples": run["error_examples"]}
    for kind, values in run["latencies"].items():
        if values:
            report[kind] = percentiles(values)
    print(json.dumps(report, ensure_ascii=False) if args.json else json.dumps(report, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
