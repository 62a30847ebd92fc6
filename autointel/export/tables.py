"""Documents, mentions, facts and claims as JSON Lines, CSV or Parquet, for analysts' own tools.

Every row of mentions, facts and claims carries its evidence: the document id, outlet and publication date,
the span in the canonical text (``start``, ``end``, ``text``) and the same span in the original text
(``orig_start``, ``orig_end``, ``original_text``), so a row can be checked against the article without
a second lookup.  Claims come out one row per claim event (one sentence of one document), with the claim's
id, type and latest status repeated on each.

Rows stream from one SQLite cursor: JSONL and CSV never hold a table in memory, Parquet holds one record
batch.  CSV is UTF-8 *with* a byte-order mark: without it Excel reads UTF-8 as the local code page and
Chinese turns to mojibake, and every CSV reader we care about (pandas, csv, R, LibreOffice) skips the mark.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO, Callable, Iterator, Optional

from autointel.errors import AutointelError
from autointel.store.dialect import is_postgres

TABLES = ("documents", "mentions", "facts", "claims")
FORMATS = ("jsonl", "csv", "parquet")
MEDIA_TYPES = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8",
               "parquet": "application/vnd.apache.parquet"}
BATCH_ROWS = 2000  # rows per Parquet record batch and per write of JSONL/CSV text ...
BATCH_CHARS = 1_000_000  # ... or fewer rows when their text adds up to this: memory stays flat for articles
# A cell beginning with one of these is a formula to Excel and LibreOffice: article text is untrusted
# ("=HYPERLINK(...)" in a scraped title), so CSV text cells that start so get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(AutointelError):
    """An export asked for a table or format that does not exist."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = "str"  # str / int / float / list (JSON text in SQL) / timestamp (ISO UTC) / date (ISO)


def _cols(spec: str) -> tuple[Column, ...]:
    """'name:kind name ...' (kind defaults to str): the column lists below stay readable."""
    return tuple(Column(*part.split(":")) for part in spec.split())


_EVIDENCE = "document_id outlet published_at"
_SPAN = "start:int end:int orig_start:int orig_end:int text original_text"
COLUMNS: dict[str, tuple[Column, ...]] = {
    "documents": _cols("document_id title original_title published_at published_utc:timestamp outlet author url"
                       " feed path reader script chars:int story_id topics:list entities:list text original_text"),
    "mentions": _cols(f"{_EVIDENCE} mention_id:int field entity_id entity_name entity_type method candidates:list"
                      f" {_SPAN}"),
    "facts": _cols(f"{_EVIDENCE} fact_id:int subject_id subject metric value:float value_max:float unit qualifier"
                   f" direction period period_start:date period_end:date basis scope {_SPAN}"
                   " sentence_start:int sentence_end:int sentence"),
    "claims": _cols(f"{_EVIDENCE} claim_id:int event_id:int type claim_status claim_participants:list first_seen"
                    f" last_seen status attribution attribution_id participants:list participant_names:list {_SPAN}"),
}


def _original_span(text_col: str, alias: str) -> str:
    """The original text of a row's span: SQLite's substr counts characters, like Python's str slices."""
    return f"substr({text_col}, {alias}.orig_start + 1, {alias}.orig_end - {alias}.orig_start)"


# A document's topics and entities as one JSON list each: SQLite's json_group_array over an ordered subquery,
# PostgreSQL's json_agg with its own ORDER BY (and '[]', not NULL, when there is none).
_JSON_LIST = {
    "sqlite": "(SELECT json_group_array({col}) FROM (SELECT {col} FROM {table} WHERE document_id = d.id ORDER BY {order}))",
    "postgresql": "(SELECT coalesce(json_agg({col} ORDER BY {order}), '[]')::text FROM {table} WHERE document_id = d.id)",
}


def _documents_lists(conn) -> dict[str, str]:
    form = _JSON_LIST["postgresql" if is_postgres(conn) else "sqlite"]
    return {"topics": form.format(col="topic", table="document_topics", order="score DESC, topic"),
            "entities": form.format(col="entity_id", table="document_entities", order="mentions DESC, entity_id")}


_SQL = {
    "documents": (
        "SELECT d.id AS document_id, d.title, d.original_title, d.published_at, d.published_utc, d.outlet, d.author,"
        " d.url, d.feed, d.path, d.reader, d.script, length(d.canonical) AS chars, sm.story_id,"
        " {topics} AS topics, {entities} AS entities,"
        " d.canonical AS text, d.original AS original_text"
        " FROM documents d LEFT JOIN story_members sm ON sm.document_id = d.id",
        "d.id IN (SELECT document_id FROM document_entities WHERE entity_id = ?)",
        "d.id"),
    "mentions": (
        "SELECT m.document_id, d.outlet, d.published_at, m.id AS mention_id, m.field, m.entity_id, m.method,"
        ' m.candidates, m.start, m."end", m.orig_start, m.orig_end, m.surface AS text,'
        f" CASE m.field WHEN 'title' THEN {_original_span('d.original_title', 'm')}"
        f" ELSE {_original_span('d.original', 'm')} END AS original_text"
        " FROM mentions m JOIN documents d ON d.id = m.document_id",
        "m.entity_id = ?",
        "d.id, m.field, m.start, m.id"),
    "facts": (
        "SELECT f.document_id, d.outlet, d.published_at, f.id AS fact_id, f.subject_id, f.subject, f.metric, f.value,"
        " f.value_max, f.unit, f.qualifier, f.direction, f.period, f.period_start, f.period_end, f.basis, f.scope,"
        f' f.start, f."end", f.orig_start, f.orig_end, f.text, {_original_span("d.original", "f")} AS original_text,'
        " f.sentence_start, f.sentence_end,"
        " substr(d.canonical, f.sentence_start + 1, f.sentence_end - f.sentence_start) AS sentence"
        " FROM facts f JOIN documents d ON d.id = f.document_id",
        "f.subject_id = ?",
        "d.id, f.start, f.id"),
    "claims": (
        "SELECT e.document_id, d.outlet, d.published_at, c.id AS claim_id, e.id AS event_id, c.type,"
        " c.status AS claim_status, c.participants AS claim_participants, c.first_seen, c.last_seen, e.status,"
        ' e.attribution, e.attribution_id, e.participants, e.start, e."end", e.orig_start, e.orig_end, e.text,'
        f" {_original_span('d.original', 'e')} AS original_text"
        " FROM claim_events e JOIN claims c ON c.id = e.claim_id JOIN documents d ON d.id = e.document_id",
        "c.id IN (SELECT claim_id FROM claim_participants WHERE entity_id = ?)",
        "d.id, e.start, e.id"),
}


def _iso(value) -> Optional[str]:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def iter_rows(store, table: str, *, entity_id: str | None = None, since=None, until=None,
              outlet: str | None = None) -> Iterator[dict]:
    """The rows of one export table, documents in publication order (undated last).

    ``since`` is inclusive and ``until`` exclusive, ISO dates or date-times compared with the UTC
    publication time, as in ``autointel export``; ``entity_id`` keeps documents that name the entity,
    mentions of it, facts about it (their subject) and claims it takes part in."""
    check(table)
    select, entity_clause, order = _SQL[table]
    if table == "documents":
        select = select.format(**_documents_lists(store.conn))
    where, args = ["d.status = 'ok'"], []  # type: list[str], list[Any]
    for clause, value in ((entity_clause, entity_id), ("d.outlet = ?", outlet),
                          ("d.published_utc >= ?", _iso(since)), ("d.published_utc < ?", _iso(until))):
        if value:
            where.append(clause)
            args.append(value)
    enrich = _enricher(store, table)
    # Dated documents, then undated ones: two queries, so each can walk the (published_utc, id) index
    # instead of sorting the whole table, texts and all, in a temporary b-tree first.
    for part, part_order in (("d.published_utc IS NOT NULL", "d.published_utc, "), ("d.published_utc IS NULL", "")):
        sql = f"{select} WHERE {' AND '.join([*where, part])} ORDER BY {part_order}{order}"
        for row in store.conn.execute(sql, args):
            yield enrich(dict(row))


def _enricher(store, table: str) -> Callable[[dict], dict]:
    """Names from the knowledge base (the database's curator additions included) beside the ids."""
    if table not in ("mentions", "claims"):
        return lambda row: row
    from autointel.search.service import kb_for

    kb = kb_for(store)

    def name(eid: str | None) -> Optional[str]:
        entity = kb.entities.get(eid) if eid else None
        return entity.name if entity else eid

    def mention(row: dict) -> dict:
        entity = kb.entities.get(row["entity_id"]) if row["entity_id"] else None
        row["entity_name"] = entity.name if entity else None
        row["entity_type"] = entity.type if entity else None
        return row

    def claim(row: dict) -> dict:
        row["participant_names"] = json.dumps([name(p) for p in json.loads(row["participants"])], ensure_ascii=False)
        return row

    return mention if table == "mentions" else claim


def check(table: str, fmt: str = "jsonl") -> None:
    if table not in TABLES:
        raise ExportError("E802", f"no export table {table!r}; tables: {', '.join(TABLES)}")
    if fmt not in FORMATS:
        raise ExportError("E802", f"no export format {fmt!r}; formats: {', '.join(FORMATS)}")


def write_table(store, table: str, fmt: str, out: BinaryIO, *, entity_id: str | None = None, since=None,
                until=None, outlet: str | None = None) -> int:
    """Write one table to the binary stream ``out`` (left open); returns the number of rows written."""
    check(table, fmt)
    rows = iter_rows(store, table, entity_id=entity_id, since=since, until=until, outlet=outlet)
    writer = {"jsonl": _write_jsonl, "csv": _write_csv, "parquet": _write_parquet}[fmt]
    return writer(rows, COLUMNS[table], out)


def _batches(rows: Iterator[dict]) -> Iterator[list[dict]]:
    """Rows in groups of BATCH_ROWS, or fewer when their article texts pass BATCH_CHARS (a few hundred
    documents).  Only whole texts are counted: the short spans of other tables never add up to much."""
    batch: list[dict] = []
    chars = 0
    for row in rows:
        batch.append(row)
        chars += len(row.get("original_text") or "") + len(row.get("text") or "") if "chars" in row else 0
        if len(batch) >= BATCH_ROWS or chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _write_jsonl(rows: Iterator[dict], columns: tuple[Column, ...], out: BinaryIO) -> int:
    n = 0
    for batch in _batches(rows):
        lines = []
        for row in batch:
            record = {c.name: _json_list(row[c.name]) if c.kind == "list" else row[c.name] for c in columns}
            lines.append(json.dumps(record, ensure_ascii=False))
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
        n += len(batch)
    return n


def _write_csv(rows: Iterator[dict], columns: tuple[Column, ...], out: BinaryIO) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180 quoting, CRLF line ends: what Excel expects
    writer.writerow([c.name for c in columns])
    out.write(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    n = 0
    for batch in _batches(rows):
        buffer.seek(0)
        buffer.truncate()
        # lists stay JSON text, the one cell form every spreadsheet and CSV reader keeps intact
        writer.writerows([csv_cell(row[c.name]) for c in columns] for row in batch)
        out.write(buffer.getvalue().encode("utf-8"))
        n += len(batch)
    return n


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_parquet(rows: Iterator[dict], columns: tuple[Column, ...], out: BinaryIO) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "list": pa.list_(pa.string()),
             "timestamp": pa.timestamp("us", tz="UTC"), "date": pa.date32()}
    schema = pa.schema([pa.field(c.name, types[c.kind]) for c in columns])
    convert = {"list": _json_list, "timestamp": _timestamp, "date": _date}
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for batch in _batches(rows):
            data = {c.name: [convert[c.kind](r[c.name]) for r in batch] if c.kind in convert
                    else [r[c.name] for r in batch] for c in columns}
            writer.write_batch(pa.record_batch(data, schema=schema))
            n += len(batch)
    return n


def _json_list(value: str | None) -> list:
    return json.loads(value) if value else []


def _timestamp(value: str | None) -> Optional[datetime]:
    return datetime.fromisoformat(value) if value else None


def _date(value: str | None) -> Optional[date]:
    return date.fromisoformat(value) if value else None
