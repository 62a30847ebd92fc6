"""Table exports (documents, mentions, facts, claims as JSONL, CSV, Parquet): the same rows in every format, the
evidence spans true to both texts, the filters, CSV that Excel reads, streaming, the CLI and the HTTP download."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient

from autointel.export import tables
from autointel.export.tables import COLUMNS, FORMATS, TABLES, write_table
from tests.conftest import REPO, SAMPLES, shared_path

# written for this test: a title a spreadsheet would take for a formula, and a Traditional body
HOSTILE = """---
title: "=HYPERLINK(\\"http://example.invalid\\",\\"点我\\")比亚迪"
date: 2025-12-20
source: 测试公式
---

+比亚迪在匈牙利的工厂将于明年投產，「這是關鍵一步」，公司表示。
"""


def _ingest(store, *paths) -> None:
    from autointel.pipeline import ingest, linker_for

    summary = ingest([str(p) for p in paths], store, linker=linker_for(store))
    assert not summary.failures


@pytest.fixture(scope="module")
def db(tmp_path_factory, new_db):
    from autointel.store import open_store

    folder = tmp_path_factory.mktemp("exports")
    (folder / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    db = new_db("export")  # once per backend
    store = open_store(db)
    _ingest(store, SAMPLES, folder / "hostile.md")
    store.close()
    return db


@pytest.fixture
def store(db):
    from autointel.store import open_store

    s = open_store(db)
    yield s
    s.close()


def _export(store, table, fmt="jsonl", **filters) -> tuple[int, bytes]:
    out = io.BytesIO()
    n = write_table(store, table, fmt, out, **filters)
    return n, out.getvalue()


def _frame(store, table, fmt, **filters) -> pd.DataFrame:
    n, data = _export(store, table, fmt, **filters)
    if fmt == "jsonl":
        frame = pd.DataFrame([json.loads(line) for line in data.decode("utf-8").splitlines()])
    elif fmt == "csv":
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    else:
        frame = pd.read_parquet(io.BytesIO(data))
    assert len(frame) == n
    return frame


def _rows(store, table, **filters) -> list[dict]:
    return [json.loads(line) for line in _export(store, table, **filters)[1].decode("utf-8").splitlines()]


def test_every_table_has_the_same_rows_and_columns_in_every_format(store):
    counts = {"documents": "SELECT count(*) FROM documents WHERE status = 'ok'",
              "mentions": "SELECT count(*) FROM mentions", "facts": "SELECT count(*) FROM facts",
              "claims": "SELECT count(*) FROM claim_events"}
    for table in TABLES:
        expected = store.conn.execute(counts[table]).fetchone()[0]
        assert expected > 0, table
        ids = None
        for fmt in FORMATS:
            frame = _frame(store, table, fmt)
            assert list(frame.columns) == [c.name for c in COLUMNS[table]], (table, fmt)
            assert len(frame) == expected, (table, fmt)
            key = frame.columns[3] if table != "documents" else "document_id"  # mention_id, fact_id, claim_id
            these = [str(v) for v in frame[key]]
            assert ids is None or these == ids, f"{table}: {fmt} rows differ in content or order"
            ids = these


def test_every_evidence_row_carries_its_document_and_true_spans_in_both_texts(store):
    docs = {d["document_id"]: d for d in _rows(store, "documents")}
    for table in ("mentions", "facts", "claims"):
        rows = _rows(store, table)
        for r in rows:
            doc = docs[r["document_id"]]
            assert r["outlet"] == doc["outlet"] and r["published_at"] == doc["published_at"]
            field = r.get("field", "body")
            canonical, original = ((doc["title"], doc["original_title"]) if field == "title"
                                   else (doc["text"], doc["original_text"]))
            assert canonical[r["start"]:r["end"]] == r["text"], (table, r)
            if r["orig_start"] is not None:
                assert original[r["orig_start"]:r["orig_end"]] == r["original_text"], (table, r)
        with_spans = [r for r in rows if r["orig_start"] is not None]
        assert len(with_spans) >= 0.8 * len(rows), f"{table}: most rows map back to the original"
    facts = _rows(store, "facts")
    assert all(f["text"] in f["sentence"] for f in facts)
    traditional = [m for m in _rows(store, "mentions") if m["text"] != m["original_text"] and m["orig_start"] is not None]
    assert traditional, "Traditional originals give original spans spelled differently"


def test_filters_by_entity_outlet_and_dates(store):
    byd_docs = _rows(store, "documents", entity_id="byd")
    assert byd_docs and all("byd" in d["entities"] for d in byd_docs)
    assert len(byd_docs) < len(_rows(store, "documents"))
    assert {m["entity_id"] for m in _rows(store, "mentions", entity_id="byd")} == {"byd"}
    assert {f["subject_id"] for f in _rows(store, "facts", entity_id="byd")} == {"byd"}
    claims = _rows(store, "claims", entity_id="byd")
    assert claims and all("byd" in c["claim_participants"] for c in claims)
    outlet = _rows(store, "facts", outlet="示例汽车快讯")
    assert outlet and {f["outlet"] for f in outlet} == {"示例汽车快讯"}
    # since inclusive, until exclusive, on the UTC instant (2025-11-01T10:00+08:00 is 02:00 UTC that day)
    november = _rows(store, "documents", since="2025-11-01", until="2025-12-01")
    assert november and all("2025-11-01" <= d["published_utc"] < "2025-12-01" for d in november)
    assert "赛力斯10月新能源汽车销量同比增长" in {d["title"] for d in november}
    assert not _rows(store, "documents", until="2025-11-01", since="2025-11-01")
    assert not any(d["published_utc"] is None for d in _rows(store, "documents", since="2000-01-01"))


def test_csv_opens_in_excel_bom_chinese_quoting_and_no_formulas(store):
    n, data = _export(store, "documents", "csv")
    assert data.startswith(b"\xef\xbb\xbf") and data[3:].decode("utf-8")  # UTF-8 with BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == [c.name for c in COLUMNS["documents"]] and len(rows) == n + 1
    header = rows[0]
    by_title = {r[header.index("title")]: r for r in rows[1:]}
    assert "比亚迪前11个月欧洲交付近16万辆" in by_title
    hostile = next(r for t, r in by_title.items() if "HYPERLINK" in t)
    assert hostile[header.index("title")].startswith("'=HYPERLINK")  # shown as text, never evaluated
    assert hostile[header.index("text")].startswith("'+比亚迪")
    assert any("\n" in r[header.index("text")] for r in rows[1:]), "multi-line bodies stay one quoted cell"
    assert json.loads(hostile[header.index("entities")])  # lists are JSON text in a cell
    jsonl = next(d for d in _rows(store, "documents") if "HYPERLINK" in d["title"])
    assert jsonl["title"].startswith("=HYPERLINK")  # only CSV is defused; JSONL/Parquet keep the text as is


def test_parquet_is_typed(store):
    _, data = _export(store, "documents", "parquet")
    schema = pq.read_schema(io.BytesIO(data))
    assert str(schema.field("published_utc").type) == "timestamp[us, tz=UTC]"
    assert pa.types.is_list(schema.field("topics").type) and pa.types.is_string(schema.field("topics").type.value_type)
    assert str(schema.field("chars").type) == "int64"
    facts = pq.read_table(io.BytesIO(_export(store, "facts", "parquet")[1]))
    assert str(facts.schema.field("period_start").type) == "date32[day]"
    assert str(facts.schema.field("value").type) == "double"
    empty = pq.read_table(io.BytesIO(_export(store, "facts", "parquet", outlet="nobody")[1]))
    assert empty.num_rows == 0 and empty.schema.names == [c.name for c in COLUMNS["facts"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_rows_are_written_in_batches_not_as_one_table(store, monkeypatch, fmt):
    monkeypatch.setattr(tables, "BATCH_ROWS", 5)

    class Recorder(io.BytesIO):
        writes = 0

        def write(self, data):
            Recorder.writes += 1
            return super().write(data)

    out = Recorder()
    n = write_table(store, "mentions", fmt, out)
    assert n > 20 and Recorder.writes >= n // 5


def test_unknown_table_or_format_is_a_coded_error(store):
    from autointel.export.tables import ExportError

    with pytest.raises(ExportError, match="E802"):
        write_table(store, "secrets", "csv", io.BytesIO())
    with pytest.raises(ExportError, match="E802"):
        write_table(store, "facts", "xlsx", io.BytesIO())


# ---- CLI -----------------------------------------------------------------------------------------
def _cli(*args, db, check=True):
    env = {**os.environ, "AUTOINTEL_DB": str(db)}
    proc = subprocess.run([sys.executable, "-m", "autointel.cli", "export", *args], capture_output=True, env=env,
                          cwd=REPO)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr.decode())
    return proc


def test_cli_writes_each_format_beside_the_archive_formats(db, tmp_path):
    target = tmp_path / "facts.parquet"
    _cli("--format", "parquet", "--table", "facts", "--entity", "比亞迪", "--out", str(target), db=db)
    facts = pd.read_parquet(target)
    assert len(facts) and set(facts["subject_id"]) == {"byd"}
    assert not list(tmp_path.glob("*.partial"))
    csv_out = _cli("--format", "csv", "--table", "claims", "--outlet", "示例汽车快讯", "--out", "-", db=db).stdout
    claims = pd.read_csv(io.BytesIO(csv_out), encoding="utf-8-sig")
    assert len(claims) and set(claims["outlet"]) == {"示例汽车快讯"}
    docs = _cli("--format", "jsonl", "--out", "-", "--since", "2025-11-01", "--until", "2025-12-01", db=db).stdout
    assert len(docs.splitlines()) == len(_rows_of(db, since="2025-11-01", until="2025-12-01"))
    rss = _cli("--format", "rss", "--entity", "BYD", "--out", "-", db=db).stdout.decode()
    assert "<rss" in rss and "比亚迪" in rss


def _rows_of(db, **filters):
    from autointel.store import open_store

    s = open_store(db)
    try:
        return _rows(s, "documents", **filters)
    finally:
        s.close()


def test_cli_refuses_options_that_do_not_apply(db, tmp_path):
    for args in (["--format", "csv", "--table", "nope"], ["--format", "hexo", "--table", "facts"],
                 ["--format", "csv", "--limit", "3"], ["--format", "xlsx"]):
        proc = _cli(*args, "--out", str(tmp_path / "x"), db=db, check=False)
        assert proc.returncode == 2, args
    assert _cli("--format", "csv", "--entity", "没有这家公司", "--out", "-", db=db, check=False).returncode == 1


# ---- HTTP ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client(db):
    from autointel.api.app import create_app

    return TestClient(create_app(str(db)))


def test_api_streams_a_named_download(client):
    r = client.get("/api/export/facts.csv", params={"entity": "BYD"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"] == 'attachment; filename="autointel-facts-byd.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf")
    assert set(pd.read_csv(io.BytesIO(r.content), encoding="utf-8-sig")["subject_id"]) == {"byd"}
    r = client.get("/api/export/mentions.parquet")
    assert r.headers["content-type"] == "application/vnd.apache.parquet"
    assert len(pd.read_parquet(io.BytesIO(r.content))) > 50
    assert "/api/export/{name}" in client.get("/openapi.json").json()["paths"]


def test_api_until_is_inclusive_as_everywhere_in_the_api(client):
    def titles(**params):
        lines = client.get("/api/export/documents.jsonl", params=params).text.splitlines()
        return {json.loads(line)["title"] for line in lines}

    one_day = titles(since="2025-11-01", until="2025-11-01")  # published 2025-11-01T02:00 UTC
    assert one_day == {"赛力斯10月新能源汽车销量同比增长"}
    r = client.get("/api/export/documents.jsonl", params={"since": "2025-11-01", "until": "2025-11-01"})
    assert r.headers["content-disposition"] == 'attachment; filename="autointel-documents-2025-11-01..2025-11-01.jsonl"'


def test_api_errors_are_coded(client):
    for path in ("/api/export/secrets.csv", "/api/export/facts.xlsx", "/api/export/facts"):
        r = client.get(path)
        assert r.status_code == 400 and r.json()["error"]["code"] == "E802", path
    r = client.get("/api/export/facts.csv", params={"entity": "没有这家公司"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "E801"
    r = client.get("/api/export/facts.csv", params={"since": "yesterday"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "E802"


def test_a_client_that_leaves_stops_the_producer(db, monkeypatch):
    from autointel.api import exports

    monkeypatch.setattr(tables, "BATCH_ROWS", 1)  # one chunk per row: far more chunks than the queue holds
    monkeypatch.setattr(exports, "CHUNK_QUEUE", 2)
    chunks = exports.stream_table(str(db), "mentions", "jsonl")
    assert next(chunks).startswith(b"{")
    chunks.close()  # what Starlette does when the client disconnects
    deadline = time.monotonic() + 5
    while any(t.name == "export-mentions.jsonl" for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the export thread kept running after the client left"
        time.sleep(0.05)


# ---- real articles -------------------------------------------------------------------------------
def test_spans_hold_on_the_seed_articles(tmp_path):
    from autointel.store import open_store

    seeds = shared_path("seeds")
    s = open_store(tmp_path / "seeds.db")
    try:
        _ingest(s, seeds)
        docs = {d["document_id"]: d for d in _rows(s, "documents")}
        checked = 0
        for table in ("mentions", "facts", "claims"):
            for r in _rows(s, table):
                if r.get("field", "body") == "body" and r["orig_start"] is not None:
                    doc = docs[r["document_id"]]
                    assert doc["text"][r["start"]:r["end"]] == r["text"]
                    assert doc["original_text"][r["orig_start"]:r["orig_end"]] == r["original_text"]
                    checked += 1
        assert checked > 50
    finally:
        s.close()
