"""The CLI's machine-readable contract, exercised through the real entry point."""
import json
import os
import subprocess
import sys

from tests.conftest import REPO, SAMPLES


def run(*args, db, check=True):
    env = {**os.environ, "AUTOINTEL_DB": str(db)}
    proc = subprocess.run([sys.executable, "-m", "autointel.cli", *args], capture_output=True, text=True, env=env, cwd=REPO)
    if check and proc.returncode != 0:
        raise AssertionError(proc.stderr)
    return proc


def jsonl(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_ingest_samples_then_list_show_stats(new_db):
    db = new_db("cli")  # once per backend
    first = run("ingest", str(SAMPLES), "--json", db=db)
    lines = jsonl(first.stdout)  # stdout holds JSON only; progress went to stderr
    summary = lines[-1]["summary"]
    assert summary["failed"] == 0 and summary["new"] >= 12

    docs = jsonl(run("docs", "--json", db=db).stdout)
    assert len(docs) == summary["new"]
    for key in ("id", "title", "published_at", "source", "url", "script", "path", "status", "error"):
        assert key in docs[0]
    assert {d["script"] for d in docs} >= {"simplified", "traditional"}
    assert len(jsonl(run("docs", "--json", "--limit", "3", db=db).stdout)) == 3

    target = next(d for d in docs if d["source"] == "示例出行")
    shown = jsonl(run("show", target["id"], "--json", db=db).stdout)[0]
    for key in ("id", "title", "published_at", "source", "script", "text", "original"):
        assert key in shown
    assert "英伟达" in shown["text"] and "輝達" in shown["original"]

    again = jsonl(run("ingest", str(SAMPLES), "--json", db=db).stdout)[-1]["summary"]
    assert again["new"] == 0 and again["unchanged"] == summary["new"]

    stats = jsonl(run("stats", "--json", db=db).stdout)[0]
    assert stats["documents"] == summary["new"]


def test_normalize_prints_canonical_text(tmp_path):
    out = run("normalize", str(SAMPLES / "text" / "digest-2026-01.txt"), "--json", db=tmp_path / "x.db")
    items = jsonl(out.stdout)
    assert len(items) == 2
    assert "比特朗普政府" in items[0]["text"] and "2.8万亿美元" in items[0]["text"]
    assert "生产线上" in items[1]["text"] and "首席执行官" in items[1]["text"] and "核心" in items[1]["text"]


def test_show_unknown_id_fails_cleanly(tmp_path):
    proc = run("show", "nope", db=tmp_path / "x.db", check=False)
    assert proc.returncode == 1 and "no document" in proc.stderr
