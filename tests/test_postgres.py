"""The PostgreSQL backend's own parts (docs/postgresql.md): its migrations mirror SQLite's, the sqlite3-style
connection it offers, where its local folders go, its errors.  The behaviour shared with SQLite is tested by the
other test files, which run on both backends (tests/conftest.py)."""
from __future__ import annotations

import os
from importlib import resources

import pytest

from autointel.errors import StoreError
from autointel.store.postgres import Row, _row_class, local_path, redact, translate
from tests import conftest

# SQLite's implicit rowid is an explicit column on PostgreSQL: the search index addresses documents by it.
PG_ONLY_COLUMNS = {"documents": {"rowid"}, "ingest_jobs": {"rowid"}}


@pytest.fixture
def pg_db():
    """A fresh PostgreSQL database (skips without a server, fails without one under AUTOINTEL_REQUIRE_PG=1)."""
    if not conftest.PG_URL:
        message = "needs a PostgreSQL server: set AUTOINTEL_TEST_PG (scripts/pg_test_server.sh run -- ...)"
        if os.environ.get("AUTOINTEL_REQUIRE_PG") == "1":
            pytest.fail(message)
        pytest.skip(message)
    name = f"t{os.getpid()}_{next(conftest._db_numbers)}_pgonly"
    conftest._pg_admin().execute(f"CREATE DATABASE {name} TEMPLATE {conftest._PG_TEMPLATE}")
    yield conftest._pg_url(name)
    conftest._pg_admin().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _numbers(package: str) -> list[str]:
    return sorted(p.name for p in resources.files(package).iterdir() if p.name.endswith(".sql"))


def test_every_sqlite_migration_has_a_postgresql_twin():
    assert _numbers("autointel.store.migrations") == _numbers("autointel.store.migrations_pg")


def _schema(db) -> dict[str, set[str]]:
    from autointel.store import open_store
    from autointel.store.dialect import table_columns

    store = open_store(db)
    try:
        return table_columns(store.conn)
    finally:
        store.close()


def test_postgresql_migrations_create_the_tables_and_columns_of_sqlite(tmp_path, pg_db):
    sqlite, pg = _schema(tmp_path / "fresh.db"), _schema(pg_db)
    assert len(sqlite) >= 20
    assert set(pg) == set(sqlite), {"only in PostgreSQL": set(pg) - set(sqlite), "only in SQLite": set(sqlite) - set(pg)}
    for table, columns in sqlite.items():
        assert pg[table] - PG_ONLY_COLUMNS.get(table, set()) == columns, table


def test_schema_version_and_reopening_migrates_nothing(pg_db):
    from autointel.store import open_store

    store = open_store(pg_db)
    assert store.schema_version == int(_numbers("autointel.store.migrations_pg")[-1][:4])
    applied = store.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
    store.close()
    again = open_store(pg_db)
    assert again.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == applied
    again.close()


def test_a_transaction_is_seen_by_another_connection_only_once_committed(pg_db):
    from autointel.store import open_store

    writer, reader = open_store(pg_db), open_store(pg_db)
    count = "SELECT count(*) FROM kb_local"
    writer.begin()
    writer.conn.execute("INSERT INTO kb_local (id, data, added_at) VALUES (?, ?, ?)", ("x", "{}", "now"))
    assert writer.conn.in_transaction and reader.conn.execute(count).fetchone()[0] == 0
    writer.commit()
    assert not writer.conn.in_transaction and reader.conn.execute(count).fetchone()[0] == 1
    writer.close()
    reader.close()


def test_rows_read_by_name_and_index_and_like_patterns_survive(pg_db):
    from autointel.store import open_store

    store = open_store(pg_db)
    try:
        row = store.conn.execute("SELECT 1 AS a, 'x%y' AS b, ? AS c WHERE 'ab' LIKE 'a%'", ("q?",)).fetchone()
        assert row["a"] == row[0] == 1 and row["b"] == "x%y" and row[2] == "q?"
        assert dict(row) == {"a": 1, "b": "x%y", "c": "q?"} and tuple(row) == (1, "x%y", "q?")
        total = store.conn.execute("SELECT sum(x) FROM (VALUES (1::bigint), (2::bigint)) v(x)").fetchone()[0]
        assert total == 3 and type(total) is int  # NUMERIC read back as SQLite gives it
    finally:
        store.close()


def test_translate_placeholders_and_percent_signs():
    assert translate("SELECT * FROM t WHERE a = ? AND b LIKE 'x%' AND c = '?'") == \
        "SELECT * FROM t WHERE a = %s AND b LIKE 'x%%' AND c = '?'"
    assert translate("BEGIN IMMEDIATE") == "BEGIN"
    assert translate("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"


def test_row_class_is_a_tuple_with_names():
    row = _row_class(("id", "title", "id"))((1, "t", 2))
    assert isinstance(row, Row) and isinstance(row, tuple)
    assert row["id"] == 1 and row[2] == 2 and row.keys() == ["id", "title", "id"]  # the first "id", as sqlite3.Row
    with pytest.raises(IndexError):
        row["nope"]


def test_local_folders_are_named_after_the_server_and_database(monkeypatch, tmp_path):
    from autointel.api.ingest import upload_root
    from autointel.search.index import index_path

    monkeypatch.setenv("AUTOINTEL_INDEX_DIR", str(tmp_path))
    url = "postgresql://analyst:secret@db.example:5433/news"
    assert index_path(url) == tmp_path / "db.example_5433_news.index"
    assert upload_root(url) == tmp_path / "db.example_5433_news.uploads"
    monkeypatch.delenv("AUTOINTEL_INDEX_DIR")
    assert local_path("postgresql://u@%2Ftmp%2Fsock/db", ".index").parent == \
        __import__("pathlib").Path.home() / ".cache" / "autointel"
    assert redact(url) == "postgresql://analyst@db.example:5433/news"


def test_an_unreachable_server_is_a_coded_error(tmp_path):
    from autointel.store import open_store

    with pytest.raises(StoreError) as e:
        open_store(f"postgresql://nobody@{str(tmp_path).replace('/', '%2F')}/none")
    assert e.value.code == "E501" and "cannot connect" in str(e.value)


def test_cli_reports_an_unreachable_server_with_its_code(tmp_path):
    from tests.test_cli import run

    proc = run("stats", db=f"postgresql://nobody:pw@{str(tmp_path).replace('/', '%2F')}/none", check=False)
    assert proc.returncode == 2 and "E501" in proc.stderr and "pw" not in proc.stderr
