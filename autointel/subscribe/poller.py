"""Poll the subscriptions that are due: fetch feeds in parallel (bounded per host), read new local files,
and store what arrived through the same pipeline as `ingest`.

Fetching runs in worker threads; parsing, normalising and storing stay on the calling thread, because
SQLite has one writer and the work is CPU-bound anyway. Every poll, failed or not, leaves a row in
`polls` and the subscription's new state (validators, counters, next poll time).
"""
from __future__ import annotations

import os
import random
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from autointel.errors import AutointelError, IngestError
from autointel.ingest.decode import decode_bytes
from autointel.ingest.fetch import FetchResult, fetch_url
from autointel.ingest.sources import JSONL_SUFFIXES, SKIP_EXTENSIONS, SourceOptions, iter_sources, jsonl_tail
from autointel.models import FailedInput, SourceText
from autointel.pipeline import IngestSummary, normalize_results, read_source, refresh_search, save_items
from autointel.store import subscriptions as subs_store
from autointel.subscribe.schedule import next_poll

# Errors worth retrying within one poll: the network or the server had a bad moment.
_PERMANENT = re.compile(r"HTTP 4\d\d|redirect|unsupported URL|no host|invalid host")


@dataclass(frozen=True)
class PollSettings:
    timeout: float = 20.0  # seconds per fetch (connect + whole body)
    max_bytes: int = 20 * 1024 * 1024
    retries: int = 2  # extra attempts after a transient failure
    retry_delay: float = 1.0  # first retry after ~this many seconds, doubling, with jitter
    per_host: int = 2  # concurrent requests to one host
    workers: int = 8
    allow_private: bool = False
    allow_hosts: frozenset[str] = frozenset()


@dataclass
class PollReport:
    subscription_id: int
    url: str
    outcome: str  # ok / not_modified / unchanged / failed
    requests: int = 0
    seen: int = 0
    new: int = 0
    error: str | None = None
    seconds: float = 0.0


@dataclass
class _Fetched:
    result: FetchResult | None
    error: IngestError | None
    requests: int
    seconds: float


@dataclass
class _HostLimits:
    per_host: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    semaphores: dict[str, threading.Semaphore] = field(default_factory=dict)

    def of(self, url: str) -> threading.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        with self.lock:
            return self.semaphores.setdefault(host, threading.Semaphore(self.per_host))


def fetch_with_retries(url: str, sub: dict, settings: PollSettings, limits: _HostLimits,
                       rng: random.Random) -> _Fetched:
    started = time.monotonic()
    requests = 0
    for attempt in range(settings.retries + 1):
        requests += 1
        try:
            with limits.of(url):
                result = fetch_url(url, max_bytes=settings.max_bytes, timeout=settings.timeout,
                                   allow_private=settings.allow_private, allow_hosts=settings.allow_hosts,
                                   etag=sub["etag"], last_modified=sub["last_modified"])
            return _Fetched(result, None, requests, time.monotonic() - started)
        except IngestError as e:
            transient = e.code == "E112" and not _PERMANENT.search(e.detail)
            if not transient or attempt == settings.retries:
                return _Fetched(None, e, requests, time.monotonic() - started)
            time.sleep(settings.retry_delay * (2 ** attempt) * rng.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def poll(store, settings: PollSettings, *, linker=None, now: datetime | None = None,
         only: list[dict] | None = None, rng: random.Random | None = None) -> list[PollReport]:
    """Poll every subscription due at ``now`` (or exactly ``only``) once."""
    rng = rng or random.Random()
    now = now or subs_store.now_utc()
    todo = only if only is not None else subs_store.due(store.conn, now)
    reports: list[PollReport] = []
    feeds = [s for s in todo if s["kind"] == "feed"]
    limits = _HostLimits(settings.per_host)
    if feeds:
        with ThreadPoolExecutor(max_workers=settings.workers) as pool:
            futures = {pool.submit(fetch_with_retries, s["url"], s, settings, limits, rng): s for s in feeds}
            for future in as_completed(futures):
                sub = futures[future]
                reports.append(_store_feed(store, linker, sub, future.result(), rng))
    for sub in todo:
        if sub["kind"] != "feed":
            reports.append(_poll_local(store, linker, sub, settings, rng))
    if any(r.new for r in reports):
        refresh_search(store)
    return reports


def _store_feed(store, linker, sub: dict, fetched: _Fetched, rng: random.Random) -> PollReport:
    started = subs_store.now_utc()
    report = PollReport(sub["id"], sub["url"], "failed", fetched.requests, seconds=fetched.seconds)
    state: dict = {}
    if fetched.error is not None:
        report.error = f"[{fetched.error.code}] {fetched.error.detail}"
    elif fetched.result.not_modified:
        report.outcome = "not_modified"
    else:
        result = fetched.result
        try:
            text, encoding = decode_bytes(result.content, result.url)
            src = SourceText(text, sub["url"], _name(result.url), encoding, feed=sub["url"])
            results = list(read_source(src, "feed"))
        except AutointelError as e:
            results = [FailedInput(sub["url"], sub["url"], e.code, e.detail)]
        whole_feed_failed = [r for r in results if isinstance(r, FailedInput) and r.source_key == sub["url"]]
        if whole_feed_failed:  # garbage, a DTD, not a feed: the subscription's error, not a document
            f = whole_feed_failed[0]
            report.error = f"[{f.code}] {f.message}"
        else:
            _save(store, linker, normalize_results(iter(results)), report)
            report.outcome = "ok" if report.new else "unchanged"
            state.update(etag=result.etag, last_modified=result.last_modified)
    _finish(store, sub, report, started, state, rng)
    return report


def _poll_local(store, linker, sub: dict, settings: PollSettings, rng: random.Random) -> PollReport:
    """A folder (or one file): read the files that are new or changed since the last poll; a growing
    JSON Lines file only from where the last poll stopped."""
    started = subs_store.now_utc()
    t0 = time.monotonic()
    report = PollReport(sub["id"], sub["url"], "unchanged")
    root = Path(sub["url"])
    known = subs_store.watched(store.conn, sub["id"])
    options = SourceOptions(max_bytes=settings.max_bytes)
    if not root.exists():
        report.outcome, report.error = "failed", f"[E101] {root} does not exist"
    else:
        for path in _files(root):
            st = path.stat()
            seen = known.get(str(path))
            if seen and seen["size"] == st.st_size and seen["mtime_ns"] == st.st_mtime_ns:
                continue
            offset, lines = 0, 0
            if path.name.lower().endswith(JSONL_SUFFIXES) and not path.name.lower().endswith(".gz"):
                start_at = seen["offset"] if seen and st.st_size >= seen["offset"] else 0
                sources, offset, lines = jsonl_tail(path, start_at, seen["lines"] if start_at else 0, options)
            else:
                sources = list(iter_sources([str(path)], options))
            _save(store, linker, _articles(sources), report)
            subs_store.save_watched(store.conn, sub["id"], str(path), st.st_size, st.st_mtime_ns, offset, lines)
        if report.new:
            report.outcome = "ok"
    report.seconds = time.monotonic() - t0
    _finish(store, sub, report, started, {}, rng)
    return report


def _files(root: Path):
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and Path(name).suffix.lower() not in SKIP_EXTENSIONS:
                yield Path(dirpath, name)


def _articles(sources):
    for src in sources:
        if isinstance(src, FailedInput):
            yield src
        else:
            yield from normalize_results(read_source(src))


def _save(store, linker, items, report: PollReport) -> None:
    summary = IngestSummary()
    store.begin()
    try:
        save_items(items, store, summary, linker=linker)
    finally:
        store.commit()
    report.seen += sum(summary.counts.values())
    report.new += summary.counts.get("new", 0)


def _finish(store, sub: dict, report: PollReport, started: datetime, state: dict, rng: random.Random) -> None:
    failed = report.outcome == "failed"
    failures = sub["failures"] + 1 if failed else 0
    now = subs_store.now_utc()
    state = dict(state, last_poll=subs_store.iso(now), failures=failures,
                 items_seen=sub["items_seen"] + report.seen, items_new=sub["items_new"] + report.new,
                 next_poll=subs_store.iso(next_poll(now, sub["every_s"], failures, rng)))
    if failed:
        state["last_error"] = report.error
    else:
        state["last_success"] = subs_store.iso(now)
    if report.new and not sub["first_item_at"]:
        state["first_item_at"] = subs_store.iso(now)
    store.begin()
    try:
        subs_store.record_poll(store.conn, sub["id"], started, report.seconds, report.outcome, report.requests,
                               report.error, report.seen, report.new, state)
    finally:
        store.commit()


def _name(url: str) -> str:
    return os.path.basename(urlsplit(url).path) or "feed.xml"
