"""docs/schema.md describes the schema a fresh database gets: every table and column, nothing that is gone.
Its example queries run against a database built from samples/."""
from __future__ import annotations

import ast
import re
import sqlite3

import pandas as pd
import pytest

from tests.conftest import REPO, SAMPLES

DOC = REPO / "docs" / "schema.md"
_TABLE_HEADING = re.compile(r"^### `(\w+)`\s*$", re.M)
_COLUMN_ROW = re.compile(r"^\| `(\w+)` \|", re.M)


def _documented(doc=DOC) -> dict[str, set[str]]:
    text = doc.read_text(encoding="utf-8")
    headings = list(_TABLE_HEADING.finditer(text))
    tables = {}
    for i, h in enumerate(headings):
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        section = text[h.end():end]
        section = section[:m.start()] if (m := re.search(r"^## ", section, re.M)) else section
        assert h.group(1) not in tables, f"docs/schema.md describes {h.group(1)} twice"
        tables[h.group(1)] = set(_COLUMN_ROW.findall(section))
    return tables


def _migrated(path) -> dict[str, set[str]]:
    from autointel.store import open_store
    from autointel.store.dialect import table_columns

    store = open_store(path)
    try:
        return table_columns(store.conn)
    finally:
        store.close()


def test_every_table_and_column_is_documented_and_nothing_more(tmp_path):
    actual, documented = _migrated(tmp_path / "fresh.db"), _documented()
    assert len(actual) >= 20
    missing = sorted(set(actual) - set(documented))
    assert not missing, f"docs/schema.md does not describe the tables {missing}"
    gone = sorted(set(documented) - set(actual))
    assert not gone, f"docs/schema.md describes tables a fresh database does not have: {gone}"
    for table, columns in actual.items():
        assert not columns - documented[table], f"{table}: undocumented columns {sorted(columns - documented[table])}"
        assert not documented[table] - columns, f"{table}: documented columns that do not exist {sorted(documented[table] - columns)}"


def test_the_parser_notices_a_missing_column(tmp_path):
    text = DOC.read_text(encoding="utf-8").replace("| `orig_start` | INTEGER | the same span in the original text (NULL", "", 1)
    broken = tmp_path / "schema.md"
    broken.write_text(text, encoding="utf-8")
    assert "orig_start" in _documented()["mentions"] and "orig_start" not in _documented(broken)["mentions"]


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    folder = tmp_path_factory.mktemp("schema")
    store = open_store(folder / "autointel.db")
    ingest([str(SAMPLES)], store, linker=linker_for(store))
    store.close()
    return folder / "autointel.db"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.S | re.M)


def test_every_example_query_runs_and_finds_rows(sample_db):
    queries = _blocks("sql")
    assert len(queries) >= 5
    conn = sqlite3.connect(sample_db)
    try:
        for sql in queries:
            rows = conn.execute(sql).fetchall()
            assert rows, f"no rows from the example:\n{sql}"
    finally:
        conn.close()


def test_the_pandas_example_runs(sample_db, monkeypatch):
    monkeypatch.chdir(sample_db.parent)
    (source,) = _blocks("python")
    tree = ast.parse(source)
    namespace: dict = {}
    exec(compile(ast.Module(tree.body[:-1], type_ignores=[]), "schema.md", "exec"), namespace)
    shown = eval(compile(ast.Expression(tree.body[-1].value), "schema.md", "eval"), namespace)
    assert isinstance(shown, pd.DataFrame) and not shown.empty
    facts = namespace["facts"]
    mapped = facts[facts["orig_start"].notna()]
    assert len(mapped) and (mapped["as_published"].str.len() > 0).all()
