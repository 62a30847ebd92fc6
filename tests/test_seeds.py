"""The five seed documents (../shared/seeds) end to end: 12 articles, correct metadata, clean canonical text."""
import re

import pytest

from autointel.pipeline import ingest
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    from autointel.store import open_store

    seeds = shared_path("seeds")
    store = open_store(tmp_path_factory.mktemp("seeds") / "seeds.db")
    summary = ingest([str(seeds)], store)
    docs = {d["id"]: store.get_document(d["id"]) for d in store.iter_documents()}
    yield store, summary, docs
    store.close()


def _by_file(docs, prefix):
    return sorted((d for d in docs.values() if f"/{prefix}_" in d["path"]), key=lambda d: d["source_key"])


def test_twelve_articles_no_error(seeded):
    store, summary, docs = seeded
    assert summary.counts["failed"] == 0, summary.failures
    assert len(docs) == 12
    assert all(d["status"] == "ok" for d in docs.values())


def test_hexo_metadata(seeded):
    _, _, docs = seeded
    (d0,) = _by_file(docs, "000")
    assert d0["title"] == "出发！崛起的汽车产业 _ 36氪【数字时氪】微信社群活动"
    assert d0["published_at"] == "2022-02-09T03:25:01+00:00"
    assert d0["outlet"] == "36kr"
    (d1,) = _by_file(docs, "001")
    assert d1["metadata"]["authors"] == ["王耐", "杨俊"] and d1["metadata"]["editors"] == ["石亚琼"]
    assert "文 | 王耐" not in d1["canonical"]
    (d2,) = _by_file(docs, "002")
    assert d2["outlet"] == "高科技行业门户"
    assert d2["published_at"] == "2022-08-30T09:19:00+00:00"


def test_seed_000_project_links_unwrapped_and_cta_gone(seeded):
    _, _, docs = seeded
    (d0,) = _by_file(docs, "000")
    assert "2021年我国新能源汽车销售352.1万辆" in d0["canonical"]
    assert "扫码添加小助手报名" not in d0["canonical"]
    assert "data-name" not in d0["canonical"]


def test_seed_002_numbers_and_footer(seeded):
    _, _, docs = seeded
    (d2,) = _by_file(docs, "002")
    assert "30.5%" in d2["canonical"] and "３０．５" not in d2["canonical"] and "30．5" not in d2["canonical"]
    assert "原文标题" not in d2["canonical"]
    # the canonical span maps back to the original characters
    from autointel.normalize.aligned import AlignedText

    at = AlignedText.from_runs(d2["canonical"], d2["offsets"])
    i = d2["canonical"].index("30.5%")
    s, e = at.original_span(i, i + 5)
    assert d2["original"][s:e] == "30．5％"


def test_seed_003_plain_text(seeded):
    _, _, docs = seeded
    (d3,) = _by_file(docs, "003")
    assert d3["script"] == "traditional"
    assert not re.search(r"\([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*\)", d3["canonical"])
    assert "特别声明" not in d3["canonical"] and "Notice: The content above" not in d3["canonical"]
    assert "主办方供图" not in d3["canonical"]
    assert "重庆汽车行业" in d3["canonical"]
    assert d3["published_at"] is None  # the source has no date: never invented
    assert d3["outlet"] == "机电号"
    assert d3["title"].startswith("3月13日下午")


def test_seed_004_digest(seeded):
    _, _, docs = seeded
    parts = _by_file(docs, "004")
    assert len(parts) == 8
    outlets = [d["outlet"] for d in sorted(parts, key=lambda d: d["metadata"]["digest_position"])]
    assert outlets == ["观出行", "跬步书", "功夫财经", "辣笔小星", "锦缎", "钛媒体AGI", "爱驾天下", "中国新闻社"]
    text = "\n".join(d["canonical"] for d in parts)
    for must in ("比特朗普政府", "全球化进程", "数据显示", "芯片", "并行扩展", "英伟达", "特朗普"):
        assert must in text, must
    for never in ("位元朗普", "處理程序", "处理程序", "川普", "輝達"):
        assert never not in text, never
    assert "美国贸易代表格里尔 彭博社" not in text
    assert "美国贸易代表格里尔在接受外媒采访时" in text
    first = min(parts, key=lambda d: d["metadata"]["digest_position"])
    assert first["title"].startswith("特朗普“让中国进来”后")
    assert first["original_title"].startswith("川普")
    assert all(d["published_at"] is None for d in parts)


def test_every_canonical_character_maps_into_the_original(seeded):
    from autointel.normalize.aligned import AlignedText

    _, _, docs = seeded
    for d in docs.values():
        at = AlignedText.from_runs(d["canonical"], d["offsets"])
        assert len(at) == len(d["canonical"])
        for i in range(0, len(at), 97):
            s, e = at.original_span(i, i + 1)
            assert 0 <= s < e <= len(d["original"])


def test_reingest_changes_nothing(seeded):
    store, _, docs = seeded
    again = ingest([str(shared_path("seeds"))], store)
    assert again.counts["unchanged"] == 12 and again.counts["new"] == 0
    assert store.stats()["documents"] == 12
