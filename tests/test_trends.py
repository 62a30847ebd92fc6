"""Trends: articles per week or month for topics and entities, zero-filled, from the store, the CLI and the API."""
from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def db(new_db) -> str:
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    path = new_db("samples")  # once per backend
    store = open_store(path)
    ingest([str(SAMPLES)], store, linker=linker_for(store))
    store.close()
    return str(path)


@pytest.fixture
def conn(db):
    from autointel.store import open_store

    s = open_store(db)
    yield s.conn
    s.close()


def _expected(conn, table: str, column: str, key: str, since: str, until: str) -> int:
    """The same count, straight from the tables: documents with that key published in [since, until)."""
    return conn.execute(f"SELECT count(*) FROM {table} s JOIN documents d ON d.id = s.document_id WHERE s.{column} = ?"
                        " AND d.published_utc >= ? AND d.published_utc < ?", (key, since, until)).fetchone()[0]


def test_bucket_starts_weeks_on_monday_and_months_on_the_first():
    from autointel.store.trends import bucket_label, bucket_start, buckets

    assert bucket_start(date(2025, 11, 23), "week") == date(2025, 11, 17)  # a Sunday: its week began Monday
    assert bucket_start(date(2025, 11, 24), "week") == date(2025, 11, 24)
    assert bucket_label(bucket_start(date(2025, 12, 31), "month"), "month") == "2025-12"
    assert [bucket_label(b, "month") for b in buckets(date(2025, 11, 15), date(2026, 2, 1), "month")] == [
        "2025-11", "2025-12", "2026-01", "2026-02"]
    assert len(buckets(date(2025, 1, 1), date(2025, 12, 31), "week")) == 53  # Mon 2024-12-30 .. Mon 2025-12-29


def test_month_series_zero_filled_and_equal_to_the_tables(conn):
    from autointel.store.trends import trends

    result = trends(conn, topics=["new_ev_makers"], entities=["xiaomi-group"], interval="month",
                    since=date(2025, 9, 1), until=date(2026, 1, 31))
    assert result["interval"] == "month"
    assert result["buckets"] == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01"]
    assert [(s["kind"], s["key"]) for s in result["series"]] == [("topic", "new_ev_makers"), ("entity", "xiaomi-group")]
    for s in result["series"]:
        assert len(s["counts"]) == len(result["buckets"]) and s["total"] == sum(s["counts"])
    xiaomi = result["series"][1]["counts"]
    assert xiaomi == [0, 0, 1, 1, 0]  # 海马 denial in November, 小米/北汽 report in December; gaps are zeros
    for i, month in enumerate(result["buckets"]):
        nxt = result["buckets"][i + 1] + "-01" if i + 1 < len(result["buckets"]) else "2026-02-01"
        assert result["series"][0]["counts"][i] == _expected(conn, "document_topics", "topic", "new_ev_makers",
                                                             month + "-01", nxt)


def test_week_series_use_utc_publication(conn):
    from autointel.store.trends import trends

    result = trends(conn, entities=["byd", "xiaomi-group"], interval="week", since=date(2025, 11, 1),
                    until=date(2025, 12, 10))
    assert result["since"] == "2025-10-27" and result["until"] == "2025-12-14"  # widened to whole weeks
    weeks = dict(zip(result["buckets"], result["series"][0]["counts"]))
    # 2025-11-20T00:00+08:00 is 2025-11-19 in UTC: the week of Monday 2025-11-17
    assert weeks["2025-11-17"] == 1 and sum(weeks.values()) == 1
    xiaomi = dict(zip(result["buckets"], result["series"][1]["counts"]))
    assert xiaomi["2025-11-03"] == 1 and xiaomi["2025-12-01"] == 1 and sum(xiaomi.values()) == 2


def test_default_is_the_top_topics_up_to_the_newest_article(conn):
    from autointel.store.trends import TOP_TOPICS, trends

    result = trends(conn)
    newest = conn.execute("SELECT max(published_utc) FROM documents").fetchone()[0][:7]
    assert len(result["buckets"]) == 12 and result["buckets"][-1] == newest
    totals = [s["total"] for s in result["series"]]
    assert 0 < len(totals) <= TOP_TOPICS and totals == sorted(totals, reverse=True) and totals[0] >= 1
    assert {s["kind"] for s in result["series"]} == {"topic"}
    assert len(trends(conn, interval="week")["buckets"]) == 26


def test_unknown_keys_give_zero_series_and_bad_ranges_are_e802(conn):
    from autointel.store.trends import TrendsError, trends

    empty = trends(conn, entities=["no-such-entity"], since=date(2025, 1, 1), until=date(2025, 3, 31))
    assert empty["series"][0]["counts"] == [0, 0, 0]
    for kwargs in ({"interval": "day"}, {"since": date(2025, 5, 1), "until": date(2025, 1, 1)},
                   {"interval": "week", "since": date(1990, 1, 1), "until": date(2025, 1, 1)}):
        with pytest.raises(TrendsError) as e:
            trends(conn, **kwargs)
        assert e.value.code == "E802"


def test_cli_trends_json_and_table(db):
    from autointel.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["trends", "--entity", "小米", "--topic", "new_ev_makers", "--interval", "month",
                                 "--since", "2025-11-01", "--until", "2025-12-31", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["buckets"] == ["2025-11", "2025-12"]
    assert [(s["key"], s["name"]) for s in body["series"]] == [("new_ev_makers", "新势力"), ("xiaomi-group", "小米集团")]
    table = runner.invoke(app, ["trends", "--since", "2025-11-01", "--until", "2025-12-31", "--db", db])
    assert table.exit_code == 0 and "2025-12" in table.stdout
    assert runner.invoke(app, ["trends", "--topic", "nope", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["trends", "--interval", "day", "--db", db]).exit_code == 2


def test_api_trends(db):
    from autointel.api.app import create_app

    client = TestClient(create_app(db))
    body = client.get("/api/trends", params={"entity": ["BYD", "小米"], "interval": "week", "since": "2025-11-01",
                                             "until": "2025-12-10"}).json()
    assert body["interval"] == "week" and [s["key"] for s in body["series"]] == ["byd", "xiaomi-group"]
    assert len(body["series"][0]["counts"]) == len(body["buckets"]) == 7
    assert client.get("/api/trends").json()["series"], "default: the top topics"
    for params, status, code in (({"interval": "day"}, 400, "E802"), ({"topic": "nope"}, 400, "E802"),
                                 ({"since": "soon"}, 400, "E802"), ({"entity": "NoSuchCompanyAnywhere"}, 404, "E801")):
        response = client.get("/api/trends", params=params)
        assert response.status_code == status and response.json()["error"]["code"] == code
