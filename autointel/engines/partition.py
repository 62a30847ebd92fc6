"""Split ingest inputs into partitions that worker processes read on their own, in the order a sequential
ingest reads them.

A partition is one of:
- a group of whole inputs: files found while walking a directory, single files, URLs, missing paths (the
  worker reads them exactly as ``iter_sources`` does, failures included);
- a range of lines of one big JSON Lines file (``.jsonl``, ``.ndjson``, optionally gzip-compressed): the
  driver scans the file once for line breaks and remembers the (uncompressed) byte offset where each range
  starts; a worker seeks there and reads its lines with the same record reader as a sequential ingest, so
  line numbers, oversized-line and corrupt-stream failures come out identical. Seeking inside a gzip stream
  decompresses what comes before: each range of a compressed file costs up to one more pass over it, which
  is why a file gets a bounded number of ranges (and why a corpus of 100M articles should come as many
  files, see docs/scaling.md).
"""
from __future__ import annotations

import gzip
import stat
import zlib
from dataclasses import dataclass
from pathlib import Path
from autointel.ingest.sources import JSONL_SUFFIXES, SourceOptions, _walk, is_url

SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class Partition:
    index: int  # position in the input order: results are saved in this order
    files: tuple[str, ...] = ()  # files found by walking a directory (read with the file reader)
    inputs: tuple[str, ...] = ()  # top-level inputs read with iter_sources (files, URLs, missing paths)
    path: str | None = None  # a line range of this JSON Lines file ...
    offset: int = 0  # ... starting at this uncompressed byte offset
    first_line: int = 0  # ... after this many lines (for the "#L<n>" locations)
    lines: int | None = None  # ... this many lines; None: to the end of the file (or to where it breaks)


@dataclass(frozen=True)
class PartitionPlan:
    partitions: list[Partition]
    skipped: list[str]  # media files met while walking directories (as a sequential ingest counts them)


def plan_partitions(inputs: list[str], options: SourceOptions, *, workers: int, files_per_partition: int = 32,
                    lines_per_partition: int = 1000, ranges_per_file: int = 8,
                    split_bytes: int = 8 * 1024 * 1024) -> PartitionPlan:
    """Partitions covering ``inputs`` in sequential-ingest order.

    Whole inputs are grouped, up to ``files_per_partition`` per partition but at least about four partitions
    per worker (so that a small folder still spreads over the workers). A JSON Lines file larger than
    ``split_bytes`` on disk becomes line ranges of ``lines_per_partition`` lines; a gzip-compressed one at most
    ``max(ranges_per_file, 2 * workers)`` ranges, since each costs a pass of decompression up to its start."""
    units: list[tuple[str, object]] = []  # ("file" | "input", str) or ("range", (path, offset, first, lines))
    skipped: list[str] = []
    walk_options = SourceOptions(max_bytes=options.max_bytes)

    def add_file(path: Path, kind: str, value: str) -> None:
        ranges = _ranges(path, workers, lines_per_partition, ranges_per_file, split_bytes)
        if ranges is None:
            units.append((kind, value))
        else:
            units.extend(("range", (str(path), *r)) for r in ranges)

    for item in inputs:
        if is_url(item):
            units.append(("input", item))
            continue
        path = Path(item)
        if path.is_dir():
            for file in _walk(path, walk_options):
                add_file(file, "file", str(file))
            skipped.extend(walk_options.skipped)
            walk_options.skipped.clear()
        else:
            add_file(path, "input", item)

    whole = sum(1 for kind, _ in units if kind != "range")
    per = max(1, min(files_per_partition, -(-whole // (4 * max(1, workers)))))
    parts: list[Partition] = []
    group: list[tuple[str, object]] = []

    def flush() -> None:
        if group:
            kind, values = group[0][0], tuple(str(v) for _, v in group)
            parts.append(Partition(len(parts), files=values) if kind == "file" else Partition(len(parts), inputs=values))
            group.clear()

    for kind, value in units:
        if kind == "range":
            flush()
            path, offset, first, count = value  # type: ignore[misc]
            parts.append(Partition(len(parts), path=path, offset=offset, first_line=first, lines=count))
            continue
        if group and group[0][0] != kind:
            flush()
        group.append((kind, value))
        if len(group) >= per:
            flush()
    flush()
    return PartitionPlan(parts, skipped)


def _ranges(path: Path, workers: int, lines_per_partition: int, ranges_per_file: int,
            split_bytes: int) -> list[tuple[int, int, int | None]] | None:
    """(offset, first_line, lines) ranges of a big JSON Lines file, the last one open-ended; None: read whole."""
    name = path.name.lower()
    try:
        st = path.stat()
    except OSError:
        return None
    if not name.endswith(JSONL_SUFFIXES) or not stat.S_ISREG(st.st_mode) or st.st_size < split_bytes:
        return None
    compressed = name.endswith(".gz")
    block = max(1, lines_per_partition)
    starts, total = _line_starts(path, compressed, block)  # offsets of lines 0, block, 2*block, ...
    blocks = len(starts)
    n_ranges = min(blocks, max(ranges_per_file, 2 * workers)) if compressed else blocks
    if n_ranges <= 1:
        return None
    per = -(-blocks // n_ranges)  # blocks per range
    out: list[tuple[int, int, int | None]] = []
    for b in range(0, blocks, per):
        first = b * block
        count = per * block if b + per < blocks else None  # the last range reads to the end, failures and all
        out.append((starts[b], first, count))
    return out


def _line_starts(path: Path, compressed: bool, block: int) -> tuple[list[int], int]:
    """(offsets where lines 0, block, 2*block ... start, number of lines), lines counted as the record reader
    counts them (every b"\\n" ends one; an unterminated last line is one too). A stream that breaks stops the
    count: the last range then reads into the break and records it as a sequential ingest does."""
    starts = [0]
    pos = lines = 0
    last = b"\n"
    opener = gzip.open if compressed else open
    try:
        with opener(path, "rb") as fh:
            while True:
                chunk = fh.read(SCAN_CHUNK)
                if not chunk:
                    break
                i = chunk.find(b"\n")
                while i >= 0:
                    lines += 1
                    if lines % block == 0:
                        starts.append(pos + i + 1)
                    i = chunk.find(b"\n", i + 1)
                pos += len(chunk)
                last = chunk[-1:]
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
        pass
    if last != b"\n":
        lines += 1
    if starts[-1] >= pos and len(starts) > 1:  # no line starts at the very end
        starts.pop()
    return starts, lines
