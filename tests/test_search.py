"""Search: index kept in step with the store, queries in any script or English, folding, snippets, filters."""
from __future__ import annotations

import json

import pytest

from autointel.pipeline import ingest
from autointel.search.query import Filters, QueryParser
from autointel.search.service import kb_for, open_engine, segmenter_for_store
from autointel.search.snippet import Snippet, make_snippet, marked
from autointel.link.document import SpanMap

ARTICLES = [
    {"id": "byd-eu", "title": "比亚迪欧洲交付大增", "date": "2025-12-10T08:00:00+08:00", "source": "甲网",
     "text": "比亚迪今年1-11月在欧洲的交付量接近16万辆，同比增长276%。比亚迪在匈牙利的工厂将于明年投产。"},
    {"id": "nv-tw", "title": "輝達發表新一代自駕晶片", "date": "2025-03-18T09:00:00+08:00", "source": "乙報",
     "text": "輝達在年度大會上發表新一代自動駕駛晶片，算力達到2000 TOPS，多家車廠表示將採用。"},
    {"id": "tariff", "title": "美国对中国电动汽车加征关税", "date": "2024-05-14T10:00:00+08:00", "source": "丙网",
     "text": "特朗普政府宣布对中国制造的电动汽车征收100%关税，欧洲车企担心贸易战升级。"},
    {"id": "xiaomi", "title": "小米回应与北汽合作传闻", "date": "2025-06-01T10:00:00+08:00", "source": "丁网",
     "text": "有消息称小米将与北汽合作代工新车型，小米方面未予回应，北汽集团表示否认。"},
    {"id": "battery", "title": "宁德时代发布新电池", "date": "2025-04-21T10:00:00+08:00", "source": "甲网",
     "text": "宁德时代发布新一代动力电池，充电五分钟可行驶520公里。理想汽车和蔚来将首批搭载。"},
    {"id": "weather", "title": "今日天气晴朗", "date": "2025-04-22T10:00:00+08:00", "source": "戊网",
     "text": "今天天气很理想，适合出门散步。"},
]


def _write(tmp_path, articles=ARTICLES):
    path = tmp_path / "articles.jsonl"
    path.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in articles) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def engine(store, tmp_path):
    from autointel.pipeline import linker_for

    ingest([str(_write(tmp_path))], store, linker=linker_for(store))
    return open_engine(store)


def titles(result):
    return [h.title for h in result.hits]


def test_ingest_indexes_and_a_second_run_adds_nothing(store, tmp_path, engine):
    assert engine.index.searcher().num_docs == len(ARTICLES)
    ingest([str(_write(tmp_path))], store)
    engine = open_engine(store)
    assert engine.index.searcher().num_docs == len(ARTICLES)
    assert [h.id for h in engine.search("比亚迪").hits].count(engine.search("比亚迪").hits[0].id) == 1


def test_simplified_query_finds_the_article_first(engine):
    assert titles(engine.search("比亚迪 欧洲 交付"))[0] == "比亚迪欧洲交付大增"


def test_traditional_and_taiwan_vocabulary_query(engine):
    # 輝達 = 英伟达, 晶片 = 芯片, 自駕 = 自动驾驶: the article is stored in Simplified
    result = engine.search("輝達 自駕 晶片")
    assert titles(result)[0] == "英伟达发表新一代自驾芯片"
    # the snippet is shown in the article's own script, with the words marked there
    text = marked(Snippet(result.hits[0].snippet, result.hits[0].highlights))
    assert "«輝達»" in text


def test_english_query_through_knowledge_base_and_glossary(engine):
    assert titles(engine.search("Trump tariffs Chinese cars"))[0] == "美国对中国电动汽车加征关税"
    assert titles(engine.search("NVIDIA chips"))[0] == "英伟达发表新一代自驾芯片"
    assert titles(engine.search("BYD Europe deliveries"))[0] == "比亚迪欧洲交付大增"


def test_nickname_expands_to_its_members(engine):
    assert "宁德时代发布新电池" in titles(engine.search("蔚小理"))


def test_weak_alias_prefers_the_linked_entity(engine):
    # 理想 is also an ordinary word ("天气很理想"); the article the linker tied to 理想汽车 ranks first
    assert titles(engine.search("理想"))[0] == "宁德时代发布新电池"


def test_phrase_not_and_or(engine):
    assert titles(engine.search('"动力电池"')) == ["宁德时代发布新电池"]
    assert "宁德时代发布新电池" not in titles(engine.search("充电 -宁德时代"))
    both = set(titles(engine.search("小米 OR 宁德时代")))
    assert {"小米回应与北汽合作传闻", "宁德时代发布新电池"} <= both


def test_or_takes_whole_words_and_phrases(engine, store):
    # 动力电池 is cut in two by the segmenter; OR must still join the whole words on either side
    plan = QueryParser(kb_for(store), segmenter_for_store(store)).parse("动力电池 OR 关税")
    assert [g.label for g in plan.groups] == ["动力电池 OR 关税"]
    expected = {"宁德时代发布新电池", "美国对中国电动汽车加征关税"}
    assert set(titles(engine.search("动力电池 OR 关税"))) == expected
    assert set(titles(engine.search('"动力电池" OR 关税'))) == expected
    assert set(titles(engine.search('关税 OR "动力电池"'))) == expected


def test_filters(engine):
    f = Filters(since=__import__("datetime").date(2025, 1, 1))
    assert "美国对中国电动汽车加征关税" not in titles(engine.search("关税 OR 比亚迪", filters=f))
    assert titles(engine.search("合作", filters=Filters(entities=["baic-group"]))) == ["小米回应与北汽合作传闻"]
    assert titles(engine.search("entity:北汽")) == ["小米回应与北汽合作传闻"]
    assert titles(engine.search("outlet:甲网 电池")) == ["宁德时代发布新电池"]


def test_relaxed_tiers_follow_full_matches(engine):
    result = engine.search("比亚迪 匈牙利 固态电池")  # no article has all three
    assert result.total == 0
    assert result.hits and result.hits[0].title == "比亚迪欧洲交付大增" and result.hits[0].tier > 1


def test_all_but_one_tier_is_the_minimum_match_it_replaces(engine):
    import tantivy

    plan = engine.parser.parse("比亚迪 欧洲 交付 匈牙利")
    optional = [g for g in plan.positive if not (g.required or g.phrase)]
    searcher = engine.index.searcher()

    def found(query):
        return sorted(searcher.fast_field_values("rowid", [a for _, a in searcher.search(query, 50).hits]))

    minimum = tantivy.Query.boolean_query(
        [(tantivy.Occur.Should, engine.group_query(g)) for g in optional], len(optional) - 1)
    assert found(engine._all_but_one(optional)) == found(minimum) != []


def test_a_word_no_document_has_leaves_the_others_required(engine):
    plan = engine.parser.parse("比亚迪 欧洲 交付 匈牙利 zyxwvut")
    optional = [g for g in plan.positive if not (g.required or g.phrase)]
    tiers = engine._tiers(engine.index.searcher(), optional)
    assert [(m, [g.label for g in out]) for m, out in tiers] == [
        (None, []), (None, ["zyxwvut"]), (3, ["zyxwvut"]), (1, ["zyxwvut"])]
    hits = engine.search("比亚迪 欧洲 交付 zyxwvut").hits
    assert hits[0].title == "比亚迪欧洲交付大增" and hits[0].tier == 2
    assert [m for m, _ in engine._tiers(engine.index.searcher(), optional[:3])] == [None, 2, 1]


def test_a_glossary_expansion_of_words_found_everywhere_only_scores(engine):
    from autointel.search.query import Group

    # 消息 and 称 are in one article of six: more than engine.DENSE_SHARE of them
    g = Group(label="传闻", alternatives=[["传闻"], ["消息", "称"]], loose=[["消息", "称"]])
    assert engine._matching(g) == [["传闻"]]
    typed = Group(label="传闻", alternatives=[["传闻"], ["消息", "称"]])  # typed, or a name: they match
    assert engine._matching(typed) == [["传闻"], ["消息", "称"]]


def test_an_alternative_containing_another_only_scores():
    from autointel.search.engine import _minimal

    assert _minimal([["代工"], ["代工", "生产"], ["optimus"], ["特斯拉", "optimus"], ["传言"]]) == [
        ["代工"], ["optimus"], ["传言"]]


def test_facets_count_outlets_and_entities(engine):
    facets = engine.search("比亚迪 OR 宁德时代").facets
    assert dict(facets["outlet"]) == {"甲网": 2}
    assert ("byd", 1) in facets["entities"]


def test_changed_document_is_reindexed_once(store, tmp_path, engine):
    changed = [dict(a) for a in ARTICLES]
    changed[5]["text"] = "今天天气晴朗，比亚迪门店客流增加。"
    ingest([str(_write(tmp_path, changed))], store)
    engine = open_engine(store)
    assert engine.index.searcher().num_docs == len(ARTICLES)
    assert "今日天气晴朗" in titles(engine.search("比亚迪 门店"))


def test_lost_index_is_rebuilt_from_the_database(store, tmp_path, engine):
    import shutil

    engine.index.close()
    from autointel.search.index import index_path

    shutil.rmtree(index_path(store.path))
    engine = open_engine(store)
    assert engine.index.searcher().num_docs == len(ARTICLES)


def test_query_parser_segments_and_keeps_names_whole(store):
    parser = QueryParser(kb_for(store), segmenter_for_store(store))
    plan = parser.parse("问界M9销量")
    assert [g.label for g in plan.groups] == ["问界M9", "销量"]
    assert plan.groups[0].entity_ids == ["model-aito-m9"]
    plan = parser.parse("autonomous driving chip")
    assert [g.label for g in plan.groups] == ["autonomous driving", "chip"]
    assert ["自动驾驶"] in plan.groups[0].alternatives  # a glossary compound: one term (see below)


def test_glossary_compounds_are_terms_that_keep_their_parts(store):
    seg = segmenter_for_store(store)
    assert {"自动驾驶", "数据泄露"} <= seg.compounds
    assert not {"汽车厂商", "消息称", "车企"} & seg.compounds  # they would add 车厂, lose 称, lose 车 / 企
    assert seg.index_tokens("自动驾驶汽车") == ["自动", "驾驶", "自动驾驶", "汽车"]
    parser = QueryParser(kb_for(store), seg)
    [typed] = parser.parse("数据泄露").groups
    assert typed.alternatives[:2] == [["数据泄露"], ["数据", "泄露"]]  # typed: also written apart
    [expanded] = parser.parse("自駕").groups  # -> 自动驾驶: the term itself
    assert ["自动驾驶"] in expanded.alternatives and ["自动", "驾驶"] not in expanded.alternatives


def test_regional_names_are_single_terms_not_characters(store):
    # 輝達 -> 辉达 by characters: a Taiwan-style name the segmenter did not know fell apart into 辉 / 达
    parser = QueryParser(kb_for(store), segmenter_for_store(store))
    plan = parser.parse("輝達 自駕")
    nvidia = plan.groups[0]
    assert "nvidia" in " ".join(nvidia.entity_ids).lower()
    assert all(len(alt) == 1 for alt in nvidia.alternatives), nvidia.alternatives


def test_bad_filter_is_a_coded_error(store):
    from autointel.search.query import QueryError

    parser = QueryParser(kb_for(store), segmenter_for_store(store))
    with pytest.raises(QueryError) as e:
        parser.parse("since:yesterday 比亚迪")
    assert e.value.code == "E602"


def test_snippet_maps_canonical_matches_to_the_original():
    original = "輝達發表晶片"
    canonical = "英伟达发表芯片"
    spans = SpanMap([[0, 0, 3, 2], [3, 2, 2, 2], [5, 4, 2, 2]])
    snip = make_snippet(canonical, original, spans, ["英伟达", "芯片"])
    assert snip.text == original
    assert [snip.text[a:b] for a, b in snip.highlights] == ["輝達", "晶片"]


def test_search_cli_json(tmp_path, new_db):
    from typer.testing import CliRunner

    from autointel.cli import app

    db = new_db("cli")
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", str(_write(tmp_path)), "--db", db]).exit_code == 0
    result = runner.invoke(app, ["search", "比亚迪 欧洲", "--db", db, "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    first = lines[0]
    assert {"id", "title", "score", "snippet", "published_at", "source", "story_id"} <= first.keys()
    assert first["title"] == "比亚迪欧洲交付大增" and "summary" in lines[-1]
    bad = runner.invoke(app, ["search", "x", "--db", db, "--since", "nope"])
    assert bad.exit_code == 2


def test_crash_between_index_commit_and_sync_rows_reindexes_without_duplicates(store, tmp_path, engine):
    # the index committed but the process died before writing search_sync: everything looks pending again
    engine.index.close()
    store.conn.execute("DELETE FROM search_sync")
    engine = open_engine(store)
    assert engine.index.searcher().num_docs == len(ARTICLES)
    assert len(engine.search("比亚迪 OR 宁德时代 OR 小米").hits) == 3


def test_failed_reingest_removes_the_document_from_search(store, tmp_path, engine):
    store.begin()
    store.conn.execute("UPDATE documents SET status = 'failed' WHERE title = '今日天气晴朗'")
    store.commit()
    engine = open_engine(store)
    assert "今日天气晴朗" not in titles(engine.search("天气"))
    assert engine.index.searcher().num_docs == len(ARTICLES) - 1


def test_rebuild_in_batches_with_workers_indexes_each_document_once(store, engine):
    # the next batch is read and segmented while the one before is added and committed
    from autointel.search.sync import open_index, rebuild_index

    index = open_index(store)
    try:
        assert rebuild_index(store, index, segmenter_for_store(store), workers=2, batch=2) == len(ARTICLES)
        assert index.searcher().num_docs == len(ARTICLES)
    finally:
        index.close()
    assert titles(open_engine(store).search("比亚迪 欧洲"))[0] == "比亚迪欧洲交付大增"


def test_nothing_pending_is_told_by_counts_and_sees_a_changed_or_failed_document(store, engine):
    from autointel.store import search as search_store

    conn = store.conn
    assert search_store.nothing_pending(conn, len(search_store.stale_rowids(conn)))
    store.begin()
    conn.execute("UPDATE documents SET status = 'failed' WHERE title = '今日天气晴朗'")  # indexed, now stale
    conn.execute("DELETE FROM search_sync WHERE document_id = (SELECT id FROM documents WHERE title = ?)",
                 ("宁德时代发布新电池",))  # changed: to index again
    store.commit()
    stale = search_store.stale_rowids(conn)
    assert len(stale) == 1 and not search_store.nothing_pending(conn, len(stale))
    assert len(search_store.pending_rowids(conn)) == 1


def test_recency_is_counted_from_the_newest_document_that_is_ok(store, engine):
    from autointel.store.search import day_number, newest_published

    assert newest_published(store.conn) == max(
        r[0] for r in store.conn.execute("SELECT published_utc FROM documents WHERE status = 'ok'"))
    store.begin()
    store.conn.execute("UPDATE documents SET status = 'failed', published_utc = '2099-01-01T00:00:00+00:00'"
                       " WHERE title = '今日天气晴朗'")
    store.commit()
    assert day_number(newest_published(store.conn)) < day_number("2030-01-01")


def test_segmenting_workers_only_on_cores_other_jobs_leave_idle():
    from autointel.search.sync import PARALLEL_FROM, auto_workers

    assert auto_workers(PARALLEL_FROM - 1, cores=8, load=0.0) == 1  # small syncs: no processes to start
    assert auto_workers(PARALLEL_FROM, cores=2, load=0.1) == 2  # an idle 2-core machine
    assert auto_workers(PARALLEL_FROM, cores=2, load=1.2) == 1  # another job holds a core
    assert auto_workers(PARALLEL_FROM, cores=8, load=3.0) == 4  # at most 4
    assert auto_workers(PARALLEL_FROM, cores=4, load=1.4) == 3
