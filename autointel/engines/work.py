"""What a worker process does with one partition: read, normalise, link and extract, without the store.

Engine-neutral: Ray and Spark both call ``process_partition`` and get bytes back (a pickled list), so
neither engine has to convert articles into its own row format. The knowledge base (0.8 s to load, ~180 MB)
is loaded once per worker process and kept for the partitions that follow.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from autointel.engines.partition import Partition
from autointel.ingest.sources import (READ_ERRORS, SourceOptions, _from_file, _jsonl_records, display_path,
                                      iter_sources, read_failure)
from autointel.models import CanonicalArticle, FailedInput


@dataclass(frozen=True)
class WorkSpec:
    """Everything a worker needs besides its partition; shipped with every task (it is small)."""

    forced_format: str | None = None
    max_bytes: int = 20 * 1024 * 1024
    allow_private: bool = False
    allow_hosts: frozenset = frozenset()
    link: bool = True
    local_entities: str = "[]"  # the target database's curator additions (JSON): the driver's linker sees them
    expected_version: str | None = None  # analysis_version of the driver's linker
    # digests of (source_key, input_hash) already stored: those articles will be "unchanged", nothing to analyse
    known: frozenset = frozenset()

    def options(self) -> SourceOptions:
        return SourceOptions(max_bytes=self.max_bytes, allow_private=self.allow_private,
                             allow_hosts=self.allow_hosts)


@dataclass
class PartitionResult:
    """One chunk of a partition's output; a partition streams out as chunks 0, 1, ... (``last`` on the final
    one), so the driver can save while the worker is still reading."""

    index: int  # the partition
    chunk: int
    last: bool
    items: list  # (CanonicalArticle | FailedInput, DocumentAnalysis | None), in reading order
    cpu: float = 0.0  # worker process CPU seconds (user + system) spent on this chunk
    seconds: float = 0.0  # worker wall seconds spent on this chunk
    worker: str = ""  # host:pid


def known_key(source_key: str, input_hash: str) -> bytes:
    return hashlib.sha1(f"{source_key}\0{input_hash}".encode("utf-8", "surrogatepass")).digest()[:12]


_LINKERS: dict[str, object] = {}  # per worker process: local-entities hash -> linker


def worker_linker(local_entities: str):
    key = hashlib.sha1(local_entities.encode("utf-8")).hexdigest()
    linker = _LINKERS.get(key)
    if linker is None:
        from autointel.kb.loader import load_kb
        from autointel.link.linker import Linker, default_linker, frozen

        local = json.loads(local_entities)
        linker = frozen(Linker(load_kb(extra=local))) if local else default_linker()
        _LINKERS[key] = linker
    return linker


def process_partition(part: Partition, spec: WorkSpec, chunk_size: int = 64) -> Iterator[PartitionResult]:
    """Read, normalise and analyse one partition, ``chunk_size`` items at a time."""
    import os
    import socket

    from autointel.pipeline import analyse_text, analysis_version, normalize_results, read_source
    from autointel.stories.signed import sign
    from autointel.store.sqlite import input_hash

    where = f"{socket.gethostname()}:{os.getpid()}"
    clock, cpu = time.perf_counter(), time.process_time()
    linker = worker_linker(spec.local_entities) if spec.link else None
    if linker is not None and spec.expected_version and analysis_version(linker) != spec.expected_version:
        linker = None  # another knowledge base or extractor version here: let the driver analyse
    items: list = []
    n = 0

    def cut(last: bool) -> PartitionResult:
        nonlocal items, clock, cpu, n
        now, now_cpu = time.perf_counter(), time.process_time()
        out = PartitionResult(part.index, n, last, items, now_cpu - cpu, now - clock, where)
        items, clock, cpu, n = [], now, now_cpu, n + 1
        return out

    for src in partition_sources(part, spec.options()):
        if isinstance(src, FailedInput):
            results = [src]
        else:
            results = normalize_results(read_source(src, spec.forced_format))
        for item in results:
            analysis = None
            if linker is not None and isinstance(item, CanonicalArticle) and not (
                    spec.known and known_key(item.raw.source_key, input_hash(item)) in spec.known):
                published = item.raw.published_at.isoformat() if item.raw.published_at else None
                try:
                    analysis = analyse_text(linker, item.canonical, item.offsets, item.title, item.original_title,
                                            published)
                    analysis.story, _ = sign(item.canonical or "")  # the saving process only looks it up
                except Exception:  # the driver analyses it again and fails (or not) as a sequential ingest would
                    analysis = None
            items.append((item, analysis))
            if len(items) >= chunk_size:
                yield cut(False)
    yield cut(True)


def process_partition_bytes(part: Partition, spec: WorkSpec, chunk_size: int = 64) -> Iterator[bytes]:
    """``process_partition``, each chunk pickled: what the engines move between processes."""
    for result in process_partition(part, spec, chunk_size):
        yield pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)


def partition_sources(part: Partition, options: SourceOptions) -> Iterator:
    """The decoded inputs of a partition, exactly as ``iter_sources`` yields them for the same inputs."""
    for file in part.files:
        yield from _from_file(Path(file), options)
    if part.inputs:
        yield from iter_sources(list(part.inputs), options)
    if part.path is not None:
        yield from _line_range(Path(part.path), part, options)


def _line_range(path: Path, part: Partition, options: SourceOptions) -> Iterator:
    location = display_path(path)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as fh:
            fh.seek(part.offset)  # gzip: decompresses up to there (see partition.py)
            lines = fh if part.lines is None else _FirstLines(fh, part.lines)
            yield from _jsonl_records(lines, location, path.name, options, first_line=part.first_line)
    except READ_ERRORS as e:
        yield read_failure(location, e)


class _FirstLines:
    """A binary stream cut after ``lines`` complete lines (the record reader counts them the same way)."""

    def __init__(self, fh: BinaryIO, lines: int):
        self.fh, self.left = fh, lines

    def readline(self, limit: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        line = self.fh.readline(limit)
        if line.endswith(b"\n"):
            self.left -= 1
        return line
