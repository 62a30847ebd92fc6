"""Cited briefings: selection, key facts (dedupe, conflicts, formatting), claims, stories, timeline, every
citation re-read from the document, Markdown/HTML escaping, the LLM writer's guard against a real HTTP
server, the CLI and the API."""
from __future__ import annotations

import dataclasses
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from tests.conftest import SAMPLES, shared_path

# Short articles written for these tests (not from ../shared): a repost pair, a conflicting figure, and a
# title full of markup that must come out escaped.
EXTRA = {
    "nio-a.md": ("蔚来11月交付数据", "示例日报", "2025-12-01",
                 "蔚来11月交付3.6万辆，同比增长20%。公司表示将继续扩大合肥工厂的产能。"),
    "nio-b.md": ("蔚来交付再创新高", "示例晚报", "2025-12-02",
                 "蔚来11月交付3.6万辆，同比增长20%。分析人士认为，年底的市场需求依然旺盛，新车型也将陆续上市。"),
    "chongqing-b.md": ("重庆汽车产量的另一种统计", "示例观察", "2026-01-10",
                       "按另一统计口径，2025年重庆汽车产量约240万辆。"),
    "markup.md": ("比亚迪<script>alert(1)</script>*热销*[链接](x)", "示例<b>周刊</b>", "2025-11-25",
                  "比亚迪海豹在泰国上市，首批车辆已经交付用户。"),
}
LINK = re.compile(r"\[[^\]]+, \d{4}-\d{2}-\d{2}\]\((?P<url>[^)]*/doc/[0-9a-f]+\?hl=\d+-\d+#hl)\)")


def _write_extra(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, (title, outlet, day, body) in EXTRA.items():
        (folder / name).write_text(f"---\ntitle: '{title}'\nsource: '{outlet}'\ndate: {day}\n---\n\n{body}\n",
                                   encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def db(tmp_path_factory, new_db):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    tmp = tmp_path_factory.mktemp("briefing")
    path = new_db("brief")  # once per backend
    store = open_store(path)
    ingest([str(SAMPLES), str(_write_extra(tmp / "extra"))], store, linker=linker_for(store))
    store.close()
    return path


@pytest.fixture
def env(db):
    from autointel.search.service import kb_for, open_engine
    from autointel.store import open_store

    store = open_store(db)
    yield store, kb_for(store), open_engine(store)
    store.close()


def _build(env, **kw):
    from autointel.briefing import build_briefing

    store, kb, engine = env
    return build_briefing(store, kb, engine, **kw)


def _fact(b, needle):
    found = [i for i in b.section("facts").items if needle in i.text]
    assert found, f"no fact line with {needle!r} in {[i.text for i in b.section('facts').items]}"
    return found[0]


# ---- structure and citations -----------------------------------------------------------------------
def test_entity_briefing_sections_and_the_byd_fact(env):
    b = _build(env, entity="BYD")
    assert [s.key for s in b.sections] == ["facts", "claims", "stories", "timeline"]
    assert b.selector["entity_id"] == "byd" and b.documents >= 2
    line = _fact(b, "近16万辆")
    assert line.text == "比亚迪交付量（2025年1—11月，欧洲）：近16万辆，同比+276%"
    c = line.citations[0]
    assert (c.outlet, c.date) == ("示例汽车周刊", "2025-11-20")
    assert "近16万辆" in c.quote and "276%" in c.quote
    assert [f.shown for f in c.figures] == ["近16万辆", "同比+276%"]
    assert c.orig_start is not None and c.orig_end > c.orig_start


def test_every_citation_re_reads_from_its_document(env):
    from autointel.briefing.verify import check_briefing

    store = env[0]
    for kw in ({"entity": "比亚迪"}, {"entity": "小米"}, {"entity": "重庆"}, {"topic": "production_sales"},
               {"query": "比亚迪 欧洲 交付"}):
        b = _build(env, **kw)
        result = check_briefing(store, b)
        assert result.citations > 0 and result.invalid == 0, (kw, result.problems)
        for item, c in b.cited():
            doc = store.get_document(c.doc_id)
            assert doc["canonical"][c.start:c.end] == c.quote


def test_the_check_catches_a_wrong_span_and_a_wrong_figure(env):
    from autointel.briefing.verify import check_briefing

    store = env[0]
    b = _build(env, entity="比亚迪")
    line = _fact(b, "近16万辆")
    good = line.citations[0]
    line.citations[0] = dataclasses.replace(good, start=good.start + 1)
    assert check_briefing(store, b).invalid == 1
    wrong = dataclasses.replace(good.figures[0], value=170000.0, amount="近17万辆", shown="近16万辆")
    line.citations[0] = dataclasses.replace(good, figures=(wrong,) + good.figures[1:])
    problems = check_briefing(store, b).problems
    assert len(problems) == 1 and "not 近17万辆" in problems[0][2]
    line.citations[0] = good
    line.text = line.text.replace("近16万辆", "近15万辆")  # a line stating what its figure does not say
    assert "does not state" in check_briefing(store, b).problems[0][2]


def test_reposts_are_one_line_citing_each_outlet(env):
    b = _build(env, entity="蔚来")
    line = _fact(b, "3.6万辆")
    assert line.text == "蔚来交付量（2025年11月）：3.6万辆，同比+20%"
    assert [(c.outlet, c.role) for c in line.citations] == [("示例日报", "source"), ("示例晚报", "also")]
    assert len([i for i in b.section("facts").items if "3.6万辆" in i.text]) == 1
    assert line.details["documents"] == 2


def test_conflicting_figures_are_flagged_with_their_own_citations(env):
    b = _build(env, entity="重庆")
    line = _fact(b, "250万辆")
    assert line.text.startswith("重庆产量（2025年）：近250万辆") and line.details["conflict"]
    assert "各来源数值不一" in line.text
    other = line.children[0]
    assert other.kind == "conflict" and other.text == "另一来源：约240万辆"
    assert other.citations[0].outlet == "示例观察" and "约240万辆" in other.citations[0].quote


def test_claims_keep_status_and_attributed_history(env):
    b = _build(env, entity="小米")
    claim = next(i for i in b.section("claims").items if "北汽集团" in i.text)
    assert claim.text.startswith("合作：小米集团 × 北汽集团——否认")
    assert claim.details["status"] == "denied"
    history = [(e.details["status"], e.details["attribution"]) for e in claim.children]
    assert ("rumoured", "知情人士") in history and ("denied", "北汽蓝谷") in history
    assert any("海马" in i.text for i in b.section("claims").items)  # the later denial, under 小米 too
    days = [i.date for i in b.section("timeline").items]
    assert days == sorted(days) and days


def test_date_range_and_selection_errors(env):
    from autointel.briefing import BriefingError

    before = _build(env, entity="比亚迪", until="2025-11-19")
    assert not any("16万辆" in i.text for i in before.section("facts").items)
    inside = _build(env, entity="比亚迪", since="2025-11-20", until="2025-11-20")
    assert any("16万辆" in i.text for i in inside.section("facts").items)
    assert all(c.date == "2025-11-20" for _, c in inside.cited())
    from autointel.briefing.render import render_html, render_markdown

    empty = _build(env, entity="比亚迪", since="2030-01-01")
    assert empty.documents == 0 and not any(s.items for s in empty.sections)
    assert render_markdown(empty).count("（无）") == 4 and "（无）" in render_html(empty)
    for kw in ({}, {"topic": "no_such_topic"}, {"entity": "没有这个公司"},
               {"entity": "比亚迪", "since": "2025-12-01", "until": "2025-11-01"}):
        with pytest.raises(BriefingError) as e:
            _build(env, **kw)
        assert e.value.code == "E901"


def test_query_briefing_reads_the_search_results(env):
    b = _build(env, query="比亚迪 欧洲 交付")
    assert b.documents >= 1
    assert any("近16万辆" in i.text for i in b.section("facts").items)
    assert b.section("stories").items[0].details["title"] == "比亚迪前11个月欧洲交付近16万辆"


# ---- rendering -------------------------------------------------------------------------------------
def test_markdown_lines_cite_outlet_date_and_span(env):
    from autointel.briefing.render import render_markdown

    b = _build(env, entity="比亚迪")
    md = render_markdown(b)
    assert md.startswith("# 简报：比亚迪")
    line = next(l for l in md.splitlines() if "近16万辆" in l and l.startswith("- "))
    m = LINK.search(line)
    assert m and line.endswith(")") and "[示例汽车周刊, 2025-11-20](/doc/" in line
    c = _fact(b, "近16万辆").citations[0]
    assert m.group("url") == f"/doc/{c.doc_id}?hl={c.start}-{c.end}#hl"
    absolute = render_markdown(b, base_url="http://127.0.0.1:8000/")
    assert f"(http://127.0.0.1:8000/doc/{c.doc_id}?hl={c.start}-{c.end}#hl)" in absolute


def test_markdown_and_html_escape_article_text(env):
    from autointel.briefing.render import render_html, render_markdown

    b = _build(env, entity="比亚迪")
    assert any("<script>" in i.text for i in b.section("stories").items)
    md = render_markdown(b)
    assert "<script>" not in md and "\\<script\\>" in md and "\\*热销\\*" in md and "\\[链接\\](x)" in md
    assert "示例\\<b\\>周刊\\</b\\>" in md
    html = render_html(b)
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "示例&lt;b&gt;周刊&lt;/b&gt;" in html and "<b>" not in html
    assert html.startswith("<!DOCTYPE html>") and 'href="/doc/' in html
    fragment = render_html(b, standalone=False)
    assert "<html" not in fragment and '<article class="briefing">' in fragment


# ---- the LLM writer against a real local HTTP server -----------------------------------------------
class _FakeModel(BaseHTTPRequestHandler):
    """An OpenAI-shaped chat endpoint whose answer depends on ``server.mode``."""

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, self.headers.get("Authorization"), body))
        lines = re.findall(r"^\[(\d+)\] (.*)$", body["messages"][-1]["content"], re.M)
        # "prose": each line's own statement (its quote and source left out), ending with its marker
        statements = [(n, re.sub(r"「.*」", "", text).rsplit("（", 1)[0]) for n, text in lines]
        sentences = [f"据报道，{re.sub(r'[。；！？]', '，', text)}[{n}]。" for n, text in statements]
        if self.server.mode == "drop":
            sentences[-1] = re.sub(r"\[\d+\]", "", sentences[-1])
        elif self.server.mode == "invent":
            sentences[0] = sentences[0].replace("[", "，增幅达到99.9%[", 1)
        if self.server.mode == "broken":
            self.send_response(500)
            self.end_headers()
            return
        payload = {"id": "x", "object": "chat.completion",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": "".join(sentences)},
                                "finish_reason": "stop"}]}
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def model_server():
    server = HTTPServer(("127.0.0.1", 0), _FakeModel)
    server.mode, server.requests = "good", []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _llm_briefing(env, server, mode):
    from autointel.briefing.llm import LlmConfig, write_with_llm

    server.mode = mode
    config = LlmConfig.from_env({"AUTOINTEL_LLM_URL": f"http://127.0.0.1:{server.server_port}",
                                 "AUTOINTEL_LLM_MODEL": "test-model", "AUTOINTEL_LLM_KEY": "k"})
    return write_with_llm(_build(env, entity="比亚迪"), config)


def test_llm_prose_that_keeps_every_citation_is_used(env, model_server):
    from autointel.briefing.render import render_html, render_markdown

    b = _llm_briefing(env, model_server, "good")
    facts = b.section("facts")
    assert b.writer == "llm" and facts.prose and facts.note is None
    path, auth, body = model_server.requests[-1]
    assert path == "/v1/chat/completions" and auth == "Bearer k" and body["model"] == "test-model"
    assert "近16万辆" in facts.prose
    md = render_markdown(b)
    assert re.search(r"\[\\\[1\\\]\]\(/doc/[0-9a-f]+\?hl=\d+-\d+#hl\)", md)  # [n] became a link
    assert "语言模型改写" in md
    assert b.section("timeline").prose is None  # the timeline stays a list
    assert 'href="/doc/' in render_html(b)


def test_llm_prose_that_drops_a_citation_falls_back(env, model_server):
    from autointel.briefing.render import render_markdown

    b = _llm_briefing(env, model_server, "drop")
    for s in b.sections[:3]:
        if s.items:
            assert s.prose is None and "丢失引用" in s.note
    assert b.writer == "extractive" and b.notes
    md = render_markdown(b)
    assert "近16万辆" in md and "本节保留抽取式原文" in md


def test_llm_prose_that_invents_a_number_falls_back(env, model_server):
    b = _llm_briefing(env, model_server, "invent")
    facts = b.section("facts")
    assert facts.prose is None and "99.9 不在所引条目中" in facts.note
    assert any("近16万辆" in i.text for i in facts.items)


def test_llm_endpoint_failure_falls_back(env, model_server):
    b = _llm_briefing(env, model_server, "broken")
    assert b.writer == "extractive" and "HTTP 500" in b.section("facts").note


def test_llm_is_off_unless_configured():
    from autointel.briefing.llm import LlmConfig

    assert LlmConfig.from_env({}) is None
    assert LlmConfig.from_env({"AUTOINTEL_LLM_URL": "http://h:1/v1/"}).endpoint == "http://h:1/v1/chat/completions"


# ---- CLI and API -----------------------------------------------------------------------------------
def test_cli_brief(db, tmp_path):
    from typer.testing import CliRunner

    from autointel.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["brief", "--entity", "比亚迪", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["selector"]["entity_id"] == "byd" and body["sections"][0]["key"] == "facts"
    out = tmp_path / "b.html"
    result = runner.invoke(app, ["brief", "--entity", "BYD", "--db", db, "--format", "html", "--out", str(out),
                                 "--base-url", "http://x"])
    assert result.exit_code == 0 and 'href="http://x/doc/' in out.read_text(encoding="utf-8")
    assert runner.invoke(app, ["brief", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["brief", "--entity", "比亚迪", "--db", db, "--llm"],
                         env={"AUTOINTEL_LLM_URL": ""}).exit_code == 2


def test_api_briefing(db):
    from fastapi.testclient import TestClient

    from autointel.api.app import create_app

    client = TestClient(create_app(db))
    body = client.get("/api/briefing", params={"entity": "比亞迪"}).json()
    assert body["selector"]["entity_id"] == "byd" and body["sections"][0]["items"]
    md = client.get("/api/briefing", params={"entity": "比亚迪", "format": "md"})
    assert md.headers["content-type"].startswith("text/markdown") and LINK.search(md.text)
    html = client.get("/api/briefing", params={"q": "比亚迪 欧洲 交付", "format": "html", "absolute": True})
    assert html.headers["content-type"].startswith("text/html") and 'href="http://testserver/doc/' in html.text
    assert client.get("/api/briefing").json()["error"]["code"] == "E802"
    missing = client.get("/api/briefing", params={"entity": "没有这个公司"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "E801"
    assert client.get("/api/briefing", params={"topic": "nope"}).status_code == 404
    assert client.get("/api/briefing", params={"entity": "比亚迪", "format": "pdf"}).status_code == 400
    assert "/api/briefing" in client.get("/openapi.json").json()["paths"]


# ---- the corpus ------------------------------------------------------------------------------------
def test_byd_briefing_over_the_corpus_has_no_invalid_citation(tmp_path):
    """Seeds + auto-news: every citation of the 比亚迪 briefing re-reads from its document.  Set
    AUTOINTEL_NEWS_DB to a database already built from them to skip the ingest."""
    from autointel.briefing import build_briefing
    from autointel.briefing.verify import check_briefing
    from autointel.search.service import kb_for
    from autointel.store import open_store

    seeds, corpus = shared_path("seeds"), shared_path("corpus", "auto-news")
    path = os.environ.get("AUTOINTEL_NEWS_DB")
    if not path or not os.path.exists(path):
        from autointel.pipeline import ingest, linker_for

        path = str(tmp_path / "news.db")
        store = open_store(path)
        ingest([str(seeds), str(corpus)], store, linker=linker_for(store))
        store.close()
    store = open_store(path)
    for limit in (12, 100):
        b = build_briefing(store, kb_for(store), None, entity="比亚迪", limit=limit)
        result = check_briefing(store, b)
        assert result.citations >= 50 and result.figures >= 10, result.as_dict()
        assert result.invalid == 0, result.problems[:5]
    store.close()
