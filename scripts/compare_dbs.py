"""Compare two autointel databases table by table: are they the same knowledge base?

    .venv/bin/python scripts/compare_dbs.py A.db B.db [--tables documents,mentions,...] [--json]

Every row of every table is compared, ids included (a run that saves in the same order gets the same
autoincrement ids), except the columns that record *when* something was written: wall-clock stamps such as
``ingested_at``, ``updated_at``, ``linked_at``, ``tagged_at``, ``document_sources.first_seen``.  The
``ingest_runs`` and ``schema_migrations`` tables are skipped (one row per run, stamps only).
Exit status 0 when equal, 1 when any table differs (the first differing rows are printed).
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys

SKIP_TABLES = {"ingest_runs", "schema_migrations", "sqlite_sequence"}
KEEP_AT = {"published_at"}  # "_at" columns that are data, not a stamp of the run
VOLATILE = {("document_sources", "first_seen")}


def volatile(table: str, column: str) -> bool:
    return (column.endswith("_at") and column not in KEEP_AT) or (table, column) in VOLATILE


def tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE"
                                       " 'sqlite_%' ORDER BY name") if r[0] not in SKIP_TABLES]


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def rows(conn: sqlite3.Connection, table: str, cols: list[str]) -> list[tuple]:
    quoted = ", ".join(f'"{c}"' for c in cols)
    return sorted(conn.execute(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr)


def compare(a_path: str, b_path: str, only: list[str] | None = None) -> dict:
    a, b = sqlite3.connect(f"file:{a_path}?mode=ro", uri=True), sqlite3.connect(f"file:{b_path}?mode=ro", uri=True)
    names = only or sorted(set(tables(a)) | set(tables(b)))
    report: dict = {"equal": True, "tables": {}}
    for t in names:
        ca, cb = (columns(a, t), columns(b, t))
        if ca != cb:
            report["equal"] = False
            report["tables"][t] = {"equal": False, "error": f"columns differ: {ca} vs {cb}"}
            continue
        cols = [c for c in ca if not volatile(t, c)]
        ra, rb = rows(a, t, cols), rows(b, t, cols)
        entry = {"rows_a": len(ra), "rows_b": len(rb), "equal": ra == rb,
                 "ignored_columns": [c for c in ca if volatile(t, c)]}
        if ra != rb:
            report["equal"] = False
            sa, sb = set(ra), set(rb)
            entry["only_in_a"] = [repr(r)[:300] for r in sorted(sa - sb, key=repr)[:3]]
            entry["only_in_b"] = [repr(r)[:300] for r in sorted(sb - sa, key=repr)[:3]]
        report["tables"][t] = entry
    return report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--tables", help="comma-separated table names (default: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    report = compare(args.a, args.b, args.tables.split(",") if args.tables else None)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        for t, e in report["tables"].items():
            if "error" in e:
                print(f"{t:22s} DIFFERENT  {e['error']}")
                continue
            print(f"{t:22s} {'same' if e['equal'] else 'DIFFERENT':9s} {e['rows_a']:>8} / {e['rows_b']:<8}")
            for side in ("only_in_a", "only_in_b"):
                for r in e.get(side, []):
                    print(f"    {side}: {r}")
        print("EQUAL" if report["equal"] else "NOT EQUAL")
    return 0 if report["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
