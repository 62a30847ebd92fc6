"""Crash safety: SIGKILL `autointel ingest` at random points, resume, and prove nothing is corrupted, lost
or stored twice, while a reader process keeps searching and reading documents.

    nice .venv/bin/python scripts/crash_ingest.py --kills 200 [--corpus ../shared/corpus/auto-news] [--seed N]
                                                  [--work DIR] [--commit-every N] [--no-reader] [--json]

How it works:
1. A reference database: one uninterrupted ingest of the corpus.  Its timeline (first article printed, last
   article printed, exit) places the kills, its content is what every resumed database must equal.
2. Cycles: a fresh database; `autointel ingest --json` is started and SIGKILLed (its whole process group)
   4 to 14 times in a row (long cycles: a resumed run skips what is committed, so kills stay cheap), then
   run once more without a kill.  A kill is planned in one of three phases:
   start-up (imports, knowledge base, migrations), articles (at the k-th article printed, k uniform over the
   corpus, plus a few ms: reading unchanged articles or saving + linking + stories of new ones) and
   finishing (after the last article: commit, relink, missing stories, index sync and commit).
3. After every kill: SQLite integrity_check and foreign_key_check, duplicates (same content twice, a source
   both a document and a folded duplicate), every committed document has its links, topics run, story
   membership and consistent entity counts, and the full-text index holds no rowid twice, nothing the
   database does not know, and everything search_sync says it holds.
4. After each cycle's uninterrupted run: the database must equal the reference (lost inputs, duplicated
   articles, documents whose mentions, topics, facts or story differ) and the index must hold every ok
   document exactly once.
5. A reader process, meanwhile, lists and reads documents, follows stories and searches, both like the API
   (one long-lived engine, no sync) and like `autointel search` (fresh store, sync first), counting errors.

`--commit-every N` runs the real CLI with pipeline.COMMIT_EVERY set to N (more commit points in a small
corpus, for the CI test); the default leaves the product's value.  `--corpus generated:N` writes N short
synthetic documents (templates in this file, no article text) and uses them.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "auto-news"
PYTHON = sys.executable
RUN_TIMEOUT = 300  # seconds: an ingest that takes longer is reported as hung, then killed
PHASE_WEIGHTS = (("startup", 0.10), ("articles", 0.60), ("finishing", 0.30))


# ---- running the ingest -------------------------------------------------------------------------------------
def ingest_command(corpus: str, db: Path, commit_every: int | None) -> list[str]:
    if commit_every is None:
        return [str(Path(PYTHON).with_name("autointel")), "ingest", corpus, "--db", str(db), "--json"]
    # the real CLI, with a smaller batch so a small corpus has several commit points
    launcher = (f"import autointel.pipeline as p; p.COMMIT_EVERY = {int(commit_every)}; "
                "import sys; from autointel.cli import app; sys.exit(app())")
    return [PYTHON, "-c", launcher, "ingest", corpus, "--db", str(db), "--json"]


@dataclass
class KillPlan:
    phase: str  # startup / articles / finishing / none
    delay: float = 0.0  # startup: seconds after start; finishing: seconds after the last article
    at_item: int = 0  # articles: kill after this many article lines

    def describe(self) -> str:
        return {"startup": f"at {self.delay:.2f}s",
                "articles": f"after article {self.at_item} + {self.delay * 1000:.0f}ms",
                "finishing": f"{self.delay:.2f}s after the last article", "none": "no kill"}[self.phase]


@dataclass
class RunResult:
    killed: bool
    returncode: int | None
    seconds: float
    items: int  # article lines printed
    statuses: Counter = field(default_factory=Counter)
    last_status: str | None = None
    summary: dict | None = None
    hung: bool = False


def run_ingest(cmd: list[str], plan: KillPlan, n_items: int, timeout: float = RUN_TIMEOUT,
               stderr_path: Path | None = None) -> RunResult:
    """Start the ingest in its own process group and SIGKILL the group where the plan says; its stderr goes
    to ``stderr_path`` (the last run's, to read when one fails)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}  # article lines arrive as they are saved
    started = time.monotonic()
    with open(stderr_path or os.devnull, "wb") as stderr:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=stderr, env=env, cwd=REPO,
                                start_new_session=True)
    result = RunResult(False, None, 0.0, 0)
    kill_at = started + plan.delay if plan.phase == "startup" else None
    buf = b""
    eof = False
    while True:
        now = time.monotonic()
        if kill_at is not None and now >= kill_at:
            _kill_group(proc)
            result.killed = True
            break
        if now - started > timeout:
            _kill_group(proc)
            result.killed = result.hung = True
            break
        wait = 0.05 if kill_at is None else max(0.0, min(0.05, kill_at - now))
        if eof:
            if proc.poll() is not None:
                break
            time.sleep(wait)
            continue
        ready, _, _ = select.select([proc.stdout], [], [], wait)
        if not ready:
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            eof = True
            continue
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            _take_line(result, line)
            if plan.phase == "articles" and result.items >= plan.at_item and kill_at is None:
                kill_at = time.monotonic() + plan.delay
            if plan.phase == "finishing" and result.items >= n_items and kill_at is None:
                kill_at = time.monotonic() + plan.delay
    proc.wait()
    proc.stdout.close()
    result.returncode = proc.returncode
    result.seconds = time.monotonic() - started
    if result.killed and proc.returncode != -signal.SIGKILL:
        result.killed = False  # it finished before the signal arrived
    return result


def _take_line(result: RunResult, line: bytes) -> None:
    try:
        obj = json.loads(line)
    except ValueError:
        return
    if "summary" in obj:
        result.summary = obj["summary"]
        return
    result.items += 1
    result.statuses[obj.get("status")] += 1
    result.last_status = obj.get("status")


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the group we created for this ingest: the CLI and any workers
    except ProcessLookupError:
        pass


def phase_of(run: RunResult, n_items: int, index_dir: Path, started_wall: float) -> str:
    """Where the kill landed, from what the ingest printed and what it wrote."""
    if not run.killed:
        return "completed"
    if run.items == 0:
        return "startup"
    if run.items < n_items:
        return "reading" if run.last_status == "unchanged" else "saving"  # new, updated, duplicate, failed
    if run.summary is None and _index_touched_since(index_dir, started_wall):
        return "index"
    return "finishing"


def _index_touched_since(index_dir: Path, since: float) -> bool:
    if not index_dir.is_dir():
        return False
    return any(p.name != "autointel-version" and p.stat().st_mtime >= since for p in index_dir.iterdir())


# ---- checking a database ------------------------------------------------------------------------------------
def _connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(db), timeout=60)
    conn.row_factory = sqlite3.Row
    return conn


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def check_database(db: Path) -> list[str]:
    """Problems in the committed state of a database (empty list: consistent)."""
    if not db.exists():
        return []
    conn = _connect(db)
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            return [f"integrity_check: {integrity[:3]}"]
        problems = []
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {len(fk)} rows, first {tuple(fk[0])}")
        if not _has_table(conn, "search_sync"):  # killed during the first migrations: nothing else yet
            return problems
        problems += _duplicates(conn)
        problems += _document_invariants(conn)
        return problems
    finally:
        conn.close()


def _duplicates(conn: sqlite3.Connection) -> list[str]:
    out = []
    same_content = conn.execute("SELECT count(*) FROM (SELECT content_hash FROM documents WHERE status = 'ok'"
                                " GROUP BY content_hash HAVING count(*) > 1)").fetchone()[0]
    if same_content:
        out.append(f"{same_content} contents stored as more than one document")
    both = conn.execute("SELECT count(*) FROM document_sources s JOIN documents d ON d.source_key = s.source_key"
                        ).fetchone()[0]
    if both:
        out.append(f"{both} sources are both a document and a folded duplicate")
    return out


def _document_invariants(conn: sqlite3.Connection) -> list[str]:
    """What must hold at every commit: a document is saved, linked, tagged and put in a story in one
    transaction."""
    checks = {
        "ok documents without document_links": "SELECT count(*) FROM documents d WHERE status = 'ok' AND NOT EXISTS"
                                               " (SELECT 1 FROM document_links l WHERE l.document_id = d.id)",
        "ok documents without a topics run": "SELECT count(*) FROM documents d WHERE status = 'ok' AND NOT EXISTS"
                                             " (SELECT 1 FROM document_topic_runs t WHERE t.document_id = d.id)",
        "ok documents without a story": "SELECT count(*) FROM documents d WHERE status = 'ok' AND NOT EXISTS"
                                        " (SELECT 1 FROM story_members m WHERE m.document_id = d.id)",
        "story members of a missing story": "SELECT count(*) FROM story_members m WHERE NOT EXISTS"
                                            " (SELECT 1 FROM stories s WHERE s.id = m.story_id)",
        "stories whose size is not their member count":
            "SELECT count(*) FROM stories s WHERE documents != (SELECT count(*) FROM story_members m"
            " WHERE m.story_id = s.id)",
        "stories whose representative is not a member":
            "SELECT count(*) FROM stories s WHERE NOT EXISTS (SELECT 1 FROM story_members m"
            " WHERE m.story_id = s.id AND m.document_id = s.representative_id)",
        "mentions stored twice": 'SELECT count(*) FROM (SELECT 1 FROM mentions GROUP BY document_id, field, start,'
                                 ' "end", coalesce(entity_id, candidates) HAVING count(*) > 1)',
        "entity counts that disagree with the mentions":
            "SELECT count(*) FROM document_entities e WHERE mentions != (SELECT count(*) FROM mentions m"
            " WHERE m.document_id = e.document_id AND m.entity_id = e.entity_id AND m.field = 'body')",
        "search_sync rows of documents that are not ok":
            "SELECT count(*) FROM search_sync s JOIN documents d ON d.id = s.document_id WHERE d.status != 'ok'",
    }
    out = []
    for label, sql in checks.items():
        n = conn.execute(sql).fetchone()[0]
        if n:
            out.append(f"{n} {label}")
    return out


def index_rowids(index_dir: Path) -> list[int] | None:
    """Every rowid the committed index holds (one entry per live tantivy document); None when there is no
    committed index yet.  Read-only: opens the index without a writer."""
    import tantivy

    if not (index_dir / "meta.json").exists():
        return None
    index = tantivy.Index.open(str(index_dir))
    searcher = index.searcher()
    if searcher.num_docs == 0:
        return []
    hits = searcher.search(tantivy.Query.all_query(), searcher.num_docs).hits
    return [int(v) for v in searcher.fast_field_values("rowid", [address for _, address in hits])]


def check_index(db: Path, *, complete: bool) -> list[str]:
    """The index against the database.  Always: no rowid twice, no rowid the database has no ok document
    for, every document search_sync lists is in it.  ``complete``: after a finished run, every ok document is
    in it exactly once.  search_sync is read before the index and the documents after it, so a concurrent
    sync (the reader) cannot make a consistent state look broken."""
    index_dir = Path(f"{db}.index")
    if not db.exists():
        return []
    conn = _connect(db)
    try:
        if not _has_table(conn, "search_sync"):
            return []
        synced = {r[0] for r in conn.execute("SELECT d.rowid FROM search_sync s JOIN documents d"
                                             " ON d.id = s.document_id")}
        rowids = index_rowids(index_dir)
        ok = {r[0] for r in conn.execute("SELECT rowid FROM documents WHERE status = 'ok'")}
    finally:
        conn.close()
    if rowids is None:
        return [f"no index, but search_sync lists {len(synced)} documents"] if synced else (
            ["no index after a finished run"] if complete and ok else [])
    held = Counter(rowids)
    out = []
    twice = sum(1 for n in held.values() if n > 1)
    if twice:
        out.append(f"{twice} documents indexed more than once")
    unknown = len(set(held) - ok)
    if unknown:
        out.append(f"{unknown} index entries with no ok document")
    missing_synced = len(synced - set(held))
    if missing_synced:
        out.append(f"{missing_synced} documents search_sync says are indexed are not")
    if complete and ok - set(held):
        out.append(f"{len(ok - set(held))} ok documents missing from the index after a finished run")
    return out


# ---- comparing with the reference ---------------------------------------------------------------------------
def snapshot(db: Path) -> dict:
    """What an ingest of the corpus must produce, per source and per document."""
    conn = _connect(db)
    try:
        docs = {}
        for r in conn.execute("SELECT id, source_key, status, content_hash FROM documents"):
            docs[r["id"]] = {"source_key": r["source_key"], "status": r["status"], "content_hash": r["content_hash"]}
        for table, key in (("mentions", "mentions"), ("facts", "facts"), ("claim_events", "claim_events")):
            for r in conn.execute(f"SELECT document_id, count(*) FROM {table} GROUP BY document_id"):
                docs[r[0]][key] = r[1]
        for r in conn.execute("SELECT document_id, group_concat(topic) FROM (SELECT document_id, topic FROM"
                              " document_topics ORDER BY document_id, topic) GROUP BY document_id"):
            docs[r[0]]["topics"] = r[1]
        for r in conn.execute("SELECT document_id, story_id FROM story_members"):
            docs[r[0]]["story"] = r[1]
        sources = {r[0]: r[1] for r in conn.execute("SELECT source_key, document_id FROM document_sources")}
        return {"documents": docs, "sources": sources}
    finally:
        conn.close()


@dataclass
class Comparison:
    lost: int = 0  # inputs of the reference that are neither a document nor a folded source
    duplicated: int = 0  # inputs stored as a document although the reference folded them, or extra documents
    mismatched: int = 0  # documents whose content, mentions, facts, claims, topics or story differ
    examples: list[str] = field(default_factory=list)


def compare(got: dict, ref: dict) -> Comparison:
    c = Comparison()
    got_keys = {d["source_key"]: i for i, d in got["documents"].items()}
    for key, ref_id in ({d["source_key"]: i for i, d in ref["documents"].items()} | ref["sources"]).items():
        if key not in got_keys and key not in got["sources"]:
            c.lost += 1
            c.examples.append(f"lost {key}")
    for doc_id, d in got["documents"].items():
        if doc_id not in ref["documents"]:
            c.duplicated += 1
            c.examples.append(f"extra document {doc_id} ({d['source_key']})")
        elif d != ref["documents"][doc_id]:
            c.mismatched += 1
            diff = {k: (d.get(k), ref["documents"][doc_id].get(k)) for k in set(d) | set(ref["documents"][doc_id])
                    if d.get(k) != ref["documents"][doc_id].get(k)}
            c.examples.append(f"document {doc_id} differs: {diff}")
    for key, doc_id in got["sources"].items():
        if ref["sources"].get(key) != doc_id:
            c.mismatched += 1
            c.examples.append(f"source {key} folded into {doc_id}, reference: {ref['sources'].get(key)}")
    return c


# ---- the reader ---------------------------------------------------------------------------------------------
QUERIES = ("比亚迪", "特斯拉 降价", "自动驾驶 芯片", "輝達", "Trump tariffs", "电池 -手机", "entity:BYD 销量")


def reader_loop(control: Path) -> dict:
    """Read and search the database named in ``control/current`` until ``control/stop`` exists; count
    operations, errors and the slowest operation."""
    from autointel.search.service import open_engine
    from autointel.store import entities as entity_store
    from autointel.store import open_store
    from autointel.store.stories import story_of

    rng = random.Random(1)
    ops, errors, slowest = Counter(), Counter(), {}
    examples: list[str] = []
    current, store, engine = None, None, None
    n = 0
    while not (control / "stop").exists():
        target = (control / "current").read_text().strip() if (control / "current").exists() else ""
        if not target:
            time.sleep(0.05)
            continue
        n += 1
        kind = ("open", "list", "show", "search_api", "search_cli")[n % 5] if target == current else "open"
        t0 = time.monotonic()
        try:
            if kind == "open":  # a new process would do the same: open, migrate if needed
                if store is not None:
                    store.close()
                store, engine, current = open_store(target), None, target
                list(store.iter_documents(limit=5))
            elif kind == "list":
                list(store.iter_documents(limit=20))
                store.stats()
            elif kind == "show":
                row = store.conn.execute("SELECT id FROM documents WHERE status = 'ok' ORDER BY random() LIMIT 1"
                                         ).fetchone()
                if row:
                    doc = store.get_document(row[0])
                    assert doc is not None and doc["canonical"] is not None, f"document {row[0]} unreadable"
                    entity_store.document_mentions(store.conn, row[0])
                    story_of(store.conn, row[0])
            elif kind == "search_api":  # like the API: one engine per worker, never syncing
                if engine is None:
                    engine = open_engine(store, sync=False)
                engine.search(rng.choice(QUERIES), limit=10)
            else:  # like `autointel search`: a fresh store and engine, index synced first
                fresh = open_store(target)
                try:
                    open_engine(fresh).search(rng.choice(QUERIES), limit=10)
                finally:
                    fresh.close()
            ops[kind] += 1
            if ops[kind] == 1 and kind == "search_api":
                (control / "ready").touch()  # a test waits for this before it starts the ingest
        except Exception as e:  # counted and shown: a reader must never fail during an ingest
            name = f"{type(e).__name__}: {str(e)[:120]}"
            errors[kind] += 1
            if len(examples) < 10:
                examples.append(f"{kind}: {name}")
            if kind in ("open", "list") and store is not None:
                current = None  # reopen next time
        ms = (time.monotonic() - t0) * 1000
        slowest[kind] = max(slowest.get(kind, 0.0), ms)
        time.sleep(0.1)  # a busy reader, not a CPU hog on a shared machine
    if store is not None:
        store.close()
    return {"operations": sum(ops.values()), "by_kind": dict(ops), "errors": sum(errors.values()),
            "errors_by_kind": dict(errors), "error_examples": examples,
            "slowest_ms": {k: round(v, 1) for k, v in slowest.items()}}


class Reader:
    """The reader loop in its own process, following whichever database the campaign is on."""

    def __init__(self, control: Path):
        self.control = control
        control.mkdir(parents=True, exist_ok=True)
        (control / "stop").unlink(missing_ok=True)
        (control / "ready").unlink(missing_ok=True)
        self.out = control / "reader.json"
        self.out.unlink(missing_ok=True)
        self.proc = subprocess.Popen([PYTHON, str(Path(__file__).resolve()), "--reader", str(control)], cwd=REPO,
                                     stdout=subprocess.DEVNULL, stderr=open(control / "reader.log", "w"))

    def follow(self, db: Path) -> None:
        tmp = self.control / "current.tmp"
        tmp.write_text(str(db))
        os.replace(tmp, self.control / "current")

    def stop(self) -> dict:
        (self.control / "stop").write_text("stop")
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return {"operations": 0, "errors": 1, "error_examples": ["reader hung"]}
        if not self.out.exists():
            return {"operations": 0, "errors": 1, "error_examples": [f"reader exited {self.proc.returncode}"]}
        return json.loads(self.out.read_text())


# ---- a small corpus of our own ------------------------------------------------------------------------------
_COMPANIES = ("比亚迪", "蔚来", "小鹏汽车", "理想汽车", "吉利汽车", "长城汽车", "宁德时代", "特斯拉", "小米汽车", "零跑汽车")
_EVENTS = ("发布了新款纯电轿车，起售价{n}万元", "公布{m}月交付量为{n}千辆，同比增长{p}%", "宣布在欧洲建设第{n}座工厂",
           "与供应商签署了{n}亿元的电池采购协议", "下调了部分车型售价，降幅约{p}%", "推出城市智驾功能，覆盖{n}座城市")
_TAILS = ("业内人士认为，价格竞争仍将持续。", "公司表示，新车将在下季度开始交付。", "分析师预计全年销量目标有望完成。",
          "此举被视为应对海外关税的举措。", "消息发布后，公司股价小幅上涨。")


def write_small_corpus(folder: Path, n: int, seed: int = 0) -> Path:
    """``n`` short Markdown articles with front matter, a few exact reposts (folded as duplicate sources)
    and near-copies (stories).  Written from the templates above: no article text from anywhere."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    bodies: list[tuple[str, str]] = []
    for i in range(n):
        if bodies and i % 17 == 5:
            title, body = bodies[rng.randrange(len(bodies))]  # a repost of an earlier article, other outlet
        else:
            company = _COMPANIES[i % len(_COMPANIES)]
            event = rng.choice(_EVENTS).format(n=rng.randint(2, 60), m=rng.randint(1, 12), p=rng.randint(2, 40))
            title = f"{company}{event.split('，')[0]}（第{i}期）"
            body = "\n\n".join([f"{company}{event}。", rng.choice(_TAILS),
                                f"据{rng.choice(_COMPANIES)}方面消息，相关项目编号为{i}-{rng.randint(100, 999)}。",
                                rng.choice(_TAILS)])
            bodies.append((title, body))
        day = 1 + i % 28
        (folder / f"article-{i:04d}.md").write_text(
            f"---\ntitle: \"{title}\"\nurl: https://news.example.com/{i}\nsource: 测试汽车网{i % 3}\n"
            f"date: 2025-03-{day:02d}\n---\n\n{body}\n", encoding="utf-8")
    return folder


# ---- the campaign -------------------------------------------------------------------------------------------
@dataclass
class Report:
    kills: int = 0
    runs: int = 0
    cycles: int = 0
    corrupted_databases: int = 0  # databases that failed a check after a kill or after the resume
    lost_articles: int = 0
    duplicated_articles: int = 0
    mismatched_documents: int = 0
    index_mismatches: int = 0
    hung_runs: int = 0
    cycles_code_changed: int = 0  # cycles during which the working tree changed: not compared for mismatches
    references: int = 0
    failed_runs: int = 0  # uninterrupted runs that exited non-zero
    phases: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    reader: dict = field(default_factory=dict)
    seconds: float = 0.0
    reference_seconds: float = 0.0

    def as_dict(self) -> dict:
        return {"kills": self.kills, "runs": self.runs, "cycles": self.cycles,
                "corrupted_databases": self.corrupted_databases, "lost_articles": self.lost_articles,
                "duplicated_articles": self.duplicated_articles, "mismatched_documents": self.mismatched_documents,
                "index_mismatches": self.index_mismatches, "hung_runs": self.hung_runs,
                "failed_runs": self.failed_runs, "kills_by_phase": dict(self.phases),
                "cycles_code_changed": self.cycles_code_changed, "references": self.references,
                "reader": self.reader, "reference_seconds": round(self.reference_seconds, 1),
                "seconds": round(self.seconds, 1), "problems": self.problems[:30]}

    @property
    def clean(self) -> bool:
        return not (self.corrupted_databases or self.lost_articles or self.duplicated_articles
                    or self.mismatched_documents or self.index_mismatches or self.hung_runs or self.failed_runs
                    or self.reader.get("errors"))


def code_fingerprint() -> str:
    """The product's code and data as they are now.  Several engineers share the working tree: when it
    changes mid-campaign, documents extracted before and after legitimately differ, so the reference is
    made again and a cycle that straddles a change is not compared for mismatches (lost, duplicated and
    every consistency check still count)."""
    import hashlib

    h = hashlib.sha1()
    for p in sorted((REPO / "autointel").rglob("*")):
        if p.is_file() and p.suffix in (".py", ".yaml", ".yml", ".sql", ".txt", ".json", ".tsv"):
            st = p.stat()
            h.update(f"{p.relative_to(REPO)}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _tail(path: Path, chars: int = 600) -> str:
    return path.read_text(errors="replace")[-chars:].strip() if path.exists() else ""


def _remove_db(db: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{db}.index", ignore_errors=True)
    Path(f"{db}.index.lock").unlink(missing_ok=True)


@dataclass
class Timeline:
    n_items: int
    first_item: float
    last_item: float
    total: float


def reference_run(corpus: str, db: Path, commit_every: int | None) -> Timeline:
    """One uninterrupted ingest, timed by the article lines it prints."""
    _remove_db(db)
    cmd = ingest_command(corpus, db, commit_every)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=REPO,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    first = last = None
    n = 0
    for line in proc.stdout:
        if line.startswith(b'{"summary"'):
            continue
        n += 1
        last = time.monotonic() - t0
        first = first if first is not None else last
    proc.wait()
    if proc.returncode != 0 or n == 0:
        raise SystemExit(f"reference ingest failed (exit {proc.returncode}, {n} articles): {' '.join(cmd)}")
    return Timeline(n, first, last, time.monotonic() - t0)


def plan_kill(rng: random.Random, t: Timeline) -> KillPlan:
    phase = rng.choices([p for p, _ in PHASE_WEIGHTS], [w for _, w in PHASE_WEIGHTS])[0]
    if phase == "startup":
        return KillPlan("startup", delay=rng.uniform(0.05, t.first_item))
    if phase == "articles":
        return KillPlan("articles", delay=rng.uniform(0, 0.05), at_item=rng.randint(1, t.n_items))
    return KillPlan("finishing", delay=rng.uniform(0, max(0.1, t.total - t.last_item)))


def campaign(corpus: str, kills: int, *, seed: int = 0, work: Path, commit_every: int | None = None,
             reader: bool = True, kills_per_cycle: tuple[int, int] = (4, 14), log=print) -> Report:
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    report = Report()
    started = time.monotonic()
    ref_db = work / "reference.db"

    def make_reference() -> tuple[Timeline, dict, str]:
        fingerprint = code_fingerprint()
        timeline = reference_run(corpus, ref_db, commit_every)
        ref = snapshot(ref_db)
        problems = check_database(ref_db) + check_index(ref_db, complete=True)
        if problems:
            raise SystemExit(f"the reference database itself is inconsistent: {problems}")
        report.references += 1
        log(f"reference: {timeline.n_items} articles, {len(ref['documents'])} documents, {timeline.total:.1f}s "
            f"(first article at {timeline.first_item:.1f}s, last at {timeline.last_item:.1f}s)")
        return timeline, ref, fingerprint

    timeline, ref, ref_fingerprint = make_reference()
    report.reference_seconds = timeline.total
    the_reader = Reader(work / "reader") if reader else None
    previous: list[Path] = []
    try:
        while report.kills < kills:
            report.cycles += 1
            if code_fingerprint() != ref_fingerprint:
                log("the working tree changed: making the reference again")
                timeline, ref, ref_fingerprint = make_reference()
            db = work / f"cycle-{report.cycles:03d}.db"
            _remove_db(db)
            if the_reader:
                the_reader.follow(db)
            if len(previous) >= 2:  # the reader has moved on from it
                _remove_db(previous.pop(0))
            previous.append(db)
            cmd = ingest_command(corpus, db, commit_every)
            broken = False
            for _ in range(rng.randint(*kills_per_cycle)):
                if report.kills >= kills:
                    break
                plan = plan_kill(rng, timeline)
                wall = time.time()
                run = run_ingest(cmd, plan, timeline.n_items, stderr_path=work / "last-ingest.stderr")
                report.runs += 1
                phase = phase_of(run, timeline.n_items, Path(f"{db}.index"), wall - 0.01)
                if run.hung:
                    report.hung_runs += 1
                    report.problems.append(f"cycle {report.cycles}: ingest hung ({plan.describe()})")
                if not run.killed:
                    if run.returncode != 0:
                        report.failed_runs += 1
                        report.problems.append(f"cycle {report.cycles}: ingest exited {run.returncode}: "
                                               f"{_tail(work / 'last-ingest.stderr')}")
                    break  # it finished first: that was the uninterrupted run
                report.kills += 1
                report.phases[phase] += 1
                found = check_database(db) + check_index(db, complete=False)
                if found:
                    broken = True
                    report.problems += [f"cycle {report.cycles} kill {report.kills} ({phase}, {plan.describe()}): {p}"
                                        for p in found]
                log(f"[{time.monotonic() - started:6.0f}s] kill {report.kills:3d}/{kills} cycle {report.cycles}: "
                    f"{phase:9s} {plan.describe():32s} "
                    f"{run.items:4d} articles {dict(run.statuses)} {'PROBLEMS ' + '; '.join(found) if found else 'ok'}")
            else:
                run = None
            if run is None or run.killed:  # the uninterrupted run that resumes the cycle
                run = run_ingest(cmd, KillPlan("none"), timeline.n_items, stderr_path=work / "last-ingest.stderr")
                report.runs += 1
                if run.hung or run.returncode != 0:
                    report.failed_runs += 1
                    report.problems.append(f"cycle {report.cycles}: resume exited {run.returncode}: "
                                           f"{_tail(work / 'last-ingest.stderr')}")
            found = check_database(db) + check_index(db, complete=True)
            index_found = [p for p in found if "index" in p]
            report.index_mismatches += len(index_found)
            cmp = compare(snapshot(db), ref)
            report.lost_articles += cmp.lost
            report.duplicated_articles += cmp.duplicated
            if code_fingerprint() != ref_fingerprint:
                report.cycles_code_changed += 1
                cmp.examples = [e for e in cmp.examples if not e.startswith(("document ", "source "))]
                log(f"cycle {report.cycles}: the working tree changed during it, {cmp.mismatched} mismatches "
                    "not counted")
                cmp.mismatched = 0
            report.mismatched_documents += cmp.mismatched
            if found or cmp.examples:
                broken = True
                report.problems += [f"cycle {report.cycles} after resume: {p}" for p in found + cmp.examples[:5]]
            if broken:
                report.corrupted_databases += 1
            log(f"cycle {report.cycles} resumed: summary {run.summary}, lost {cmp.lost}, duplicated "
                f"{cmp.duplicated}, mismatched {cmp.mismatched}, {'PROBLEMS' if found else 'ok'}")
    finally:
        if the_reader:
            report.reader = the_reader.stop()
    report.seconds = time.monotonic() - started
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="a folder, or generated:N for N synthetic articles")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--work", default=None, help="working folder (default: a new temporary one, removed after)")
    ap.add_argument("--commit-every", type=int, default=None, help="documents per transaction (default: the product's)")
    ap.add_argument("--no-reader", action="store_true", help="do not run the reader process")
    ap.add_argument("--json", action="store_true", help="print the report as JSON")
    ap.add_argument("--reader", metavar="CONTROL", help=argparse.SUPPRESS)  # the reader process itself
    args = ap.parse_args()
    if args.reader:
        control = Path(args.reader)
        result = reader_loop(control)
        (control / "reader.json").write_text(json.dumps(result, ensure_ascii=False))
        return 0

    import tempfile

    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="crash_ingest."))
    corpus = args.corpus
    if corpus.startswith("generated:"):
        corpus = str(write_small_corpus(work / "corpus", int(corpus.split(":", 1)[1]), args.seed))
    elif not Path(corpus).exists():
        print(f"skipped: {corpus} not found (the auto-news corpus lives in ../shared)", file=sys.stderr)
        return 0
    log = (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        report = campaign(corpus, args.kills, seed=args.seed, work=work, commit_every=args.commit_every,
                          reader=not args.no_reader, log=log)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        r = report.as_dict()
        print(f"kills: {r['kills']} (by phase: {r['kills_by_phase']}), runs: {r['runs']}, cycles: {r['cycles']}")
        print(f"corrupted databases: {r['corrupted_databases']}")
        print(f"lost articles: {r['lost_articles']}")
        print(f"duplicated articles: {r['duplicated_articles']}")
        print(f"mismatched documents: {r['mismatched_documents']}")
        print(f"index mismatches: {r['index_mismatches']}")
        print(f"hung or failed runs: {r['hung_runs'] + r['failed_runs']}")
        rd = r["reader"]
        if rd:
            print(f"reader: {rd.get('operations', 0)} operations, {rd.get('errors', 0)} errors, slowest ms "
                  f"{rd.get('slowest_ms', {})}")
            for e in rd.get("error_examples", []):
                print(f"  reader error: {e}")
        print(f"time: {r['seconds']}s (reference ingest {r['reference_seconds']}s)")
        for p in r["problems"]:
            print(f"  problem: {p}")
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
