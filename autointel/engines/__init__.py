"""Parallel ingest on an existing engine: ``autointel ingest --engine ray|spark|local [--workers N]``.

What runs where (docs/scaling.md):
- workers (Ray actors / Spark Python workers): read and decode inputs, parse, normalise, link entities,
  extract facts, claims and topics: the pure, CPU-heavy stages (``pipeline.analyse_text``);
- the driver: plans the partitions (partition.py), receives the results in input order and stores them with
  the sequential ingest's own code (``pipeline.ingest`` / ``save_items``): document rows, duplicates, story
  assignment, mentions, facts, claims (matched against earlier documents' claims, which needs the order),
  topics, committed every ``COMMIT_EVERY`` documents; then the search index, segmented in ``workers``
  processes. The database ends up the same as after a sequential ingest (tests/test_engine.py,
  scripts/compare_dbs.py), a crash loses at most the uncommitted batch, and a re-run adds nothing.

``local`` is today's sequential path, in this process.
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Callable, Iterator

from autointel.errors import AutointelError
from autointel.ingest.sources import SourceOptions

log = logging.getLogger(__name__)
ENGINES = ("local", "ray", "spark")


class EngineError(AutointelError):
    """The parallel ingest could not run (E131-E133)."""


@dataclass
class EngineStats:
    """What the workers reported, for benchmarks: CPU and wall seconds per worker process."""

    engine: str = "local"
    workers: int = 1
    partitions: int = 0
    startup_seconds: float = 0.0
    plan_seconds: float = 0.0
    worker_cpu: dict = field(default_factory=dict)  # host:pid -> CPU seconds
    worker_wall: dict = field(default_factory=dict)  # host:pid -> seconds busy
    items: int = 0
    index_seconds: float = 0.0


def open_engine(name: str, workers: int, address: str | None = None):
    """A started engine (local mode, or the cluster at ``address``) with ``map(partitions, spec)``."""
    try:
        if name == "ray":
            from autointel.engines.ray_engine import RayEngine

            return RayEngine(workers, address)
        if name == "spark":
            from autointel.engines.spark_engine import SparkEngine

            return SparkEngine(workers, address)
    except ImportError as e:
        raise EngineError("E131", f"engine {name!r} is not installed ({e.name or e}): pip install "
                                  + ("'ray>=2.40'" if name == "ray" else "pyspark"))
    raise EngineError("E131", f"unknown engine {name!r} (choose from {', '.join(ENGINES)})")


def ingest(inputs: list[str], store, *, engine: str = "local", workers: int = 2, address: str | None = None,
           forced_format: str | None = None, options: SourceOptions | None = None,
           on_item: Callable | None = None, linker=None, search: bool = True,
           stats: EngineStats | None = None, lines_per_partition: int = 1000, files_per_partition: int = 32):
    """``pipeline.ingest`` with reading and analysis in ``workers`` processes of ``engine``."""
    from autointel import pipeline
    from autointel.engines.partition import plan_partitions
    from autointel.engines.work import WorkSpec
    from autointel.store import entities as entity_store

    options = options or SourceOptions()
    stats = stats if stats is not None else EngineStats()
    stats.engine, stats.workers = engine, workers
    if engine == "local":
        return pipeline.ingest(inputs, store, forced_format=forced_format, options=options, on_item=on_item,
                               linker=linker, search=search)
    if workers < 1:
        raise EngineError("E132", f"--workers must be at least 1, not {workers}")
    t = time.perf_counter()
    plan = plan_partitions(inputs, options, workers=workers, lines_per_partition=lines_per_partition,
                           files_per_partition=files_per_partition)
    stats.plan_seconds, stats.partitions = time.perf_counter() - t, len(plan.partitions)
    options.skipped.extend(plan.skipped)
    spec = WorkSpec(forced_format=forced_format, max_bytes=options.max_bytes, allow_private=options.allow_private,
                    allow_hosts=frozenset(options.allow_hosts), link=linker is not None,
                    local_entities=json.dumps(entity_store.local_entities(store.conn), ensure_ascii=False,
                                              sort_keys=True),
                    expected_version=pipeline.analysis_version(linker) if linker is not None else None,
                    known=_known(store) if linker is not None else frozenset())
    t = time.perf_counter()
    runner = open_engine(engine, workers, address)
    stats.startup_seconds = time.perf_counter() - t
    try:
        items = _in_order(runner.map(plan.partitions, spec), stats)
        summary = pipeline.ingest(inputs, store, forced_format=forced_format, options=options, on_item=on_item,
                                  linker=linker, search=False, items=items)
    finally:
        runner.close()
    if search:  # after the engine is gone: the index forks its segmenting processes, which a process holding
        # Ray's or Spark's threads and sockets should not do
        t = time.perf_counter()
        pipeline.refresh_search(store, workers)
        stats.index_seconds = time.perf_counter() - t
    return summary


KNOWN_LIMIT = 500_000  # 12 bytes each, shipped to every worker; beyond this see docs/scaling.md


def _known(store) -> frozenset:
    """What is stored already, so that workers skip analysing articles a re-run will find unchanged."""
    from autointel.engines.work import known_key

    n = store.conn.execute("SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM document_sources)")
    if n.fetchone()[0] > KNOWN_LIMIT:
        return frozenset()
    rows = store.conn.execute("SELECT source_key, input_hash FROM documents WHERE status = 'ok' AND input_hash"
                              " IS NOT NULL UNION ALL SELECT source_key, input_hash FROM document_sources"
                              " WHERE input_hash IS NOT NULL")
    return frozenset(known_key(k, h) for k, h in rows)


def _in_order(results: Iterator, stats: EngineStats) -> Iterator:
    """The items of every chunk, by (partition, chunk): engines keep the order, this makes sure of it."""
    waiting: dict[tuple[int, int], object] = {}
    want = (0, 0)
    for r in results:
        stats.worker_cpu[r.worker] = stats.worker_cpu.get(r.worker, 0.0) + r.cpu
        stats.worker_wall[r.worker] = stats.worker_wall.get(r.worker, 0.0) + r.seconds
        waiting[(r.index, r.chunk)] = r
        while want in waiting:
            chunk = waiting.pop(want)
            stats.items += len(chunk.items)
            yield from chunk.items
            want = (want[0] + 1, 0) if chunk.last else (want[0], want[1] + 1)
    if waiting:
        raise EngineError("E133", f"engine returned {len(waiting)} chunks out of sequence, from {want} on")
