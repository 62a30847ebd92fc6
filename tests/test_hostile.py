"""Hostile and broken inputs (tests/hostile/manifest.yaml) through the real ``autointel ingest``.

Why one subprocess for the whole batch, not one per input: the CLI takes ~3-5 s to start (it loads the
knowledge base and the linker), so 67 subprocesses would cost minutes.  One ``autointel ingest DIR --json``
under RLIMIT_AS = 1 GB bounds the memory of every input at once (the whole batch must fit, which is stricter),
and the time of each input is read from the JSON lines the CLI prints as it stores each article
(PYTHONUNBUFFERED, so every line arrives when it is written): an input's time is from the line before its
first to its last.  A hang is caught by the batch timeout, and the report names the input that was being read.
"""
from __future__ import annotations

import importlib.util
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from autointel.ingest.sources import display_path
from autointel.normalize.aligned import AlignedText

HOSTILE = Path(__file__).parent / "hostile"
MANIFEST = yaml.safe_load((HOSTILE / "manifest.yaml").read_text(encoding="utf-8"))["kinds"]
MEMORY_LIMIT = 1 << 30  # bytes of address space
PER_INPUT_SECONDS = 10.0
BATCH_SECONDS = 120.0  # the whole batch, startup and index included; a hang ends here
CLI = Path(sys.executable).with_name("autointel")

_spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
make_hostile = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_hostile)

# What must never reach the canonical text or title.
_ACTIVE_CONTENT = re.compile(r"<\s*script|javascript:|\bon(?:error|load|click|mouseover)\s*=|alert\(", re.I)
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass
class Run:
    batch: Path
    returncode: int
    max_rss_bytes: int
    elapsed: float
    lines: list[tuple[float, dict]]  # (seconds since start, JSON object)
    stderr: str
    rows: dict[str, list[dict]] = field(default_factory=dict)  # input location -> its rows

    def outcomes(self, location: str) -> list[str]:
        return [r["outcome"] for r in self.rows.get(location, [])]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _run_cli(batch: Path, db: Path) -> Run:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("AUTOINTEL_DB", None)
    start = time.monotonic()
    proc = subprocess.Popen([str(CLI), "ingest", str(batch), "--db", str(db), "--json"], cwd=db.parent,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, preexec_fn=_limit_memory)
    lines: list[tuple[float, dict]] = []
    stderr: list[bytes] = []

    def read_stdout() -> None:
        for raw in proc.stdout:
            lines.append((time.monotonic() - start, json.loads(raw)))

    readers = [threading.Thread(target=read_stdout), threading.Thread(target=lambda: stderr.append(proc.stderr.read()))]
    for t in readers:
        t.start()
    killer = threading.Timer(BATCH_SECONDS, proc.kill)
    killer.start()
    _, status, usage = os.wait4(proc.pid, 0)  # wait4: this child's own peak memory
    killer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    for t in readers:
        t.join()
    return Run(batch, proc.returncode, usage.ru_maxrss * 1024, time.monotonic() - start, lines,
               b"".join(stderr).decode("utf-8", "replace"))


def _base(location: str) -> str:
    return location.split("#", 1)[0]  # "file.jsonl#L3", "file.jsonl#inner/path.md" -> the input file


def _collect_rows(run: Run, db: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    for row in conn.execute("SELECT * FROM documents"):
        r = dict(row)
        r["outcome"] = "ok" if r["status"] == "ok" else r["error_code"]
        run.rows.setdefault(_base(r["path"]), []).append(r)
    canonical = {r["id"]: r for rows in run.rows.values() for r in rows}
    for row in conn.execute("SELECT * FROM document_sources"):  # duplicates: recorded against a document
        r = dict(canonical[row["document_id"]], path=row["path"], outcome="ok", duplicate_of=row["document_id"])
        run.rows.setdefault(_base(row["path"]), []).append(r)
    conn.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("hostile")
    batch = root / "batch"
    make_hostile.build(batch, big=True)
    db = root / "hostile.db"  # outside the batch: its -wal file must not become an input
    result = _run_cli(batch, db)
    if db.exists():
        _collect_rows(result, db)
    return result


def _location(run: Run, kind: dict) -> str:
    return str(run.batch) + "/" + kind["file"]


def test_manifest_lists_every_input_and_at_least_30_kinds(run):
    on_disk = {display_path(p)[len(str(run.batch)) + 1:] for p in run.batch.iterdir()}
    listed = {k["file"] for k in MANIFEST}
    assert on_disk == listed, f"not in the manifest: {on_disk - listed}; listed but not made: {listed - on_disk}"
    assert len(MANIFEST) >= 30
    for kind in MANIFEST:
        assert set(kind) <= {"kind", "file", "made_by", "expect", "contains", "absent", "big"}, kind  # a typo, or an
        # unquoted comma in a flow mapping, would otherwise pass unnoticed
        made_by = kind.get("made_by")
        assert made_by is None or made_by in {**make_hostile.GENERATED_SMALL, **make_hostile.GENERATED_BIG}, made_by
        assert made_by or (HOSTILE / "files" / kind["file"]).is_file(), f"{kind['file']}: neither committed nor generated"


def test_batch_finishes_within_its_limits(run):
    assert run.returncode == 0, f"ingest exited {run.returncode} after {run.elapsed:.1f} s:\n{run.stderr[-3000:]}"
    assert run.lines and "summary" in run.lines[-1][1], "no summary line: the batch did not finish"
    assert run.max_rss_bytes < MEMORY_LIMIT
    assert run.elapsed < BATCH_SECONDS


def test_every_input_is_handled_within_10_seconds(run):
    """Each input's time runs from the previous input's last line to its own last line.  The first input
    also carries the CLI's start-up (knowledge base, linker), so it is left out."""
    seconds = _input_seconds(run)
    first = next(iter(seconds))
    slow = {Path(b).name: round(t, 2) for b, t in seconds.items() if b != first and t > PER_INPUT_SECONDS}
    assert not slow, f"inputs over {PER_INPUT_SECONDS} s: {slow}"


@pytest.mark.parametrize("kind", MANIFEST, ids=[k["file"].replace("\n", "\\n") for k in MANIFEST])
def test_input_ends_as_expected(run, kind):
    location = _location(run, kind)
    got = run.outcomes(location)
    assert got, f"{kind['kind']}: no document row at all (lost)"
    assert Counter(got) == Counter(kind["expect"]), f"{kind['kind']}: rows {sorted(got)}, expected {sorted(kind['expect'])}"
    rows = run.rows[location]
    if kind.get("contains"):
        ok = [r for r in rows if r["outcome"] == "ok"]
        assert all(kind["contains"] in (r["canonical"] or "") for r in ok), \
            f"{kind['kind']}: {kind['contains']!r} missing from {[(r['canonical'] or '')[:80] for r in ok]}"
    if kind.get("absent"):
        for r in rows:
            for field_name in ("canonical", "title", "original"):
                assert kind["absent"] not in (r[field_name] or ""), f"{kind['kind']}: {kind['absent']!r} in {field_name}"


def test_every_stored_article_is_clean_and_aligned(run):
    ok_rows = [r for rows in run.rows.values() for r in rows if r["outcome"] == "ok" and "duplicate_of" not in r]
    assert len(ok_rows) > 30
    for r in ok_rows:
        where = r["path"]
        for field_name in ("canonical", "title"):
            value = r[field_name] or ""
            assert not _ACTIVE_CONTENT.search(value), f"{where}: active content in {field_name}: {value[:200]!r}"
            assert not _CONTROLS.search(value), f"{where}: control or bidi character in {field_name}"
        for field_name in ("canonical", "title", "original", "path"):
            (r[field_name] or "").encode("utf-8")  # a lone surrogate would raise here
        aligned = AlignedText.from_runs(r["canonical"], json.loads(r["offsets"]))
        original_length = len(r["original"] or "")
        assert all(0 <= s <= e <= original_length for s, e in zip(aligned.starts, aligned.ends)), where


def test_json_lines_name_every_row(run):
    """What the CLI reported is what the database holds: one line per stored or failed record."""
    reported = Counter(_base(obj["path"]) for _, obj in run.lines if "summary" not in obj)
    stored = Counter({base: len(rows) for base, rows in run.rows.items()})
    assert set(reported) == set(stored)
    # a record updated in place (same guid or id) is one row but several lines
    assert all(stored[b] <= reported[b] for b in stored)
    summary = run.lines[-1][1]["summary"]
    assert summary["failed"] == sum(1 for rows in run.rows.values() for r in rows if r["outcome"] != "ok")


def _input_seconds(run: Run) -> dict[str, float]:
    spans: dict[str, list[float]] = {}
    previous = 0.0
    for t, obj in run.lines:
        if "summary" in obj:
            break
        spans.setdefault(_base(obj["path"]), [previous, t])[1] = t
        previous = t
    return {b: e - s for b, (s, e) in spans.items()}


if __name__ == "__main__":  # the measurements docs/robustness.md quotes: python tests/test_hostile.py
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        batch, db = Path(d) / "batch", Path(d) / "hostile.db"
        t0 = time.monotonic()
        make_hostile.build(batch, big=True)
        print(f"generated {sum(1 for _ in batch.iterdir())} inputs in {time.monotonic() - t0:.1f} s")
        result = _run_cli(batch, db)
        _collect_rows(result, db)
        seconds = _input_seconds(result)
        for kind in MANIFEST:
            loc = _location(result, kind)
            print(f"{seconds.get(loc, float('nan')):6.2f} s  {','.join(sorted(set(result.outcomes(loc)))):9}  {kind['kind']}")
        first = next(iter(seconds))
        slowest = max((s, b) for b, s in seconds.items() if b != first)
        print(f"exit {result.returncode}; batch {result.elapsed:.1f} s; peak RSS {result.max_rss_bytes / 2**20:.0f} MB; "
              f"first input (with start-up) {seconds[first]:.2f} s; slowest other {slowest[0]:.2f} s ({Path(slowest[1]).name})")
