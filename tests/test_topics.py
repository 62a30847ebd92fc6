"""Topic taxonomy and tagger on short texts written for these tests (none is corpus text)."""
from __future__ import annotations

import copy

import pytest
import yaml

from autointel.kb.loader import load_kb
from autointel.topics import TAXONOMY_VERSION, TaxonomyError, load_taxonomy, read_taxonomy, tag_document
from autointel.topics.taxonomy import check_against_kb, parse_taxonomy


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def topics_of(title, body, kb=None, mentions=()):
    return {s.topic: s for s in tag_document(title, body, list(mentions), kb)}


# ---- the taxonomy ---------------------------------------------------------------------------
def test_taxonomy_loads_with_the_required_topics():
    tx = load_taxonomy()
    names = {t.zh for t in tx.topics}
    for required in ("自动驾驶/智驾", "动力电池", "芯片/半导体", "出海/贸易/关税", "产销数据", "新势力", "价格战/渠道",
                     "人形机器人", "政策法规", "资本/融资", "汽车网络安全/数据安全", "供应链"):
        assert required in names
    assert TAXONOMY_VERSION == tx.version
    assert all(t.id.isascii() and t.en and t.description for t in tx.topics)


def test_every_entity_cue_names_something_in_the_knowledge_base(kb):
    assert check_against_kb(load_taxonomy(), kb) == []


def _raw():
    from importlib import resources

    return yaml.safe_load(resources.files("autointel.topics.data").joinpath("taxonomy.yaml").read_text("utf-8"))


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["topics"].append(copy.deepcopy(d["topics"][0])), "duplicate id"),
    (lambda d: d["topics"][0].update(id="Autonomous Driving"), "ascii slug"),
    (lambda d: d["topics"][0]["keywords"]["zh"].update({"智驾": -1}), "positive number"),
    (lambda d: d["topics"][0]["keywords"]["zh"].update({"车": 1}), "single-character"),
    (lambda d: d["topics"][0].pop("zh"), "missing zh"),
    (lambda d: d["topics"][0].update(colour="red"), "unknown keys"),
    (lambda d: d["topics"][0].update(scope="cars"), "scope must be"),
    (lambda d: d["topics"][0].update(threshold=1.5), "threshold"),
    (lambda d: d["scoring"].update(window=0), "scoring.window"),
    (lambda d: d.pop("version"), "missing version"),
    (lambda d: d["topics"][1].update(keywords={}, entities={}), "could never fire"),
])
def test_validation_reports_coded_errors(breakage, message):
    data = _raw()
    breakage(data)
    with pytest.raises(TaxonomyError) as info:
        parse_taxonomy(data)
    assert info.value.code == "E702"
    assert any(message in p for p in info.value.problems), info.value.problems


def test_unreadable_or_invalid_yaml_is_e701(tmp_path):
    with pytest.raises(TaxonomyError) as info:
        read_taxonomy(tmp_path / "missing.yaml")
    assert info.value.code == "E701"
    bad = tmp_path / "bad.yaml"
    bad.write_text("topics: [\n  - id: x\n", encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        read_taxonomy(bad)
    assert info.value.code == "E701"


def test_unknown_entity_cue_is_reported(kb):
    data = _raw()
    data["topics"][0]["entities"]["ids"]["no-such-company"] = 2
    data["topics"][0]["entities"]["types"]["supplier:teleporters"] = 1
    problems = check_against_kb(parse_taxonomy(data), kb)
    assert any("no-such-company" in p for p in problems) and any("teleporters" in p for p in problems)


# ---- one positive and one negative text per topic ------------------------------------------
POSITIVE = {
    "autonomous_driving": ("某车企城市NOA全国开通", "该车企宣布，其高阶智驾系统的城市领航辅助驾驶功能已覆盖全国，激光雷达方案"
                           "标配，自动驾驶团队称端到端模型已上车，无人驾驶出租车业务明年扩展。"),
    "power_battery": ("固态电池装车测试", "一家电池厂宣布其半固态电池通过测试，电芯能量密度达到350Wh/kg，动力电池"
                      "将在明年装车，磷酸铁锂路线的成本继续下降，车企正在评估新的电池包方案。"),
    "semiconductors": ("晶圆厂扩产", "台积电宣布扩建晶圆厂，先进制程的芯片产能提升，半导体设备订单增长，"
                       "3nm 芯片明年量产。"),
    "trade_overseas": ("欧盟对中国电动汽车加征关税", "欧盟委员会决定对中国进口电动汽车征收反补贴税，多家车企表示将加快"
                       "海外建厂，出海步伐不会放缓，汽车出口仍在增长。"),
    "production_sales": ("某车企10月销量创新高", "该车企10月交付量达到3.2万辆，同比增长45%，新能源汽车销量连续三个月"
                         "增长，乘联会数据显示其市场份额升至第三。"),
    "new_ev_makers": ("蔚来与小鹏公布新计划", "蔚来宣布乐道品牌的新车型，小鹏汽车则表示将推出两款电动车，"
                      "造车新势力的竞争进入新阶段。"),
    "pricing_channels": ("多家车企官降", "多家车企宣布降价，经销商库存压力加大，部分4S店推出零首付和限时优惠，"
                         "汽车价格战持续。"),
    "humanoid_robots": ("人形机器人进工厂", "一家机器人公司的人形机器人进入汽车工厂实训，具身智能模型负责搬运和质检，"
                        "灵巧手完成装配。"),
    "policy_regulation": ("工信部发布汽车标准征求意见稿", "工业和信息化部就强制性国家标准征求意见稿公开征求意见，"
                          "新规定将对智能网联汽车的准入提出要求，监管部门将于明年实施该管理办法。"),
    "capital_financing": ("某车企完成新一轮融资", "某电动汽车公司宣布完成30亿元战略投资，国资领投，估值升至200亿元，"
                          "公司计划明年赴港上市。"),
    "auto_cybersecurity": ("汽车远程解锁漏洞曝光", "安全研究人员发现某汽车品牌的车联网应用存在安全漏洞，攻击者可远程解锁"
                           "车辆并窃取车主个人信息，车企已修复该漏洞。"),
    "supply_chain": ("车企更换零部件供应商", "因芯片供应短缺，该车企更换了多家零部件供应商，一级供应商表示供应链"
                     "正在恢复，断供风险下降，整车厂加强了原材料采购。"),
    "smart_cockpit": ("新一代智能座舱发布", "该车型搭载新一代智能座舱，车机系统支持大模型语音助手，"
                      "OTA 远程升级后车载应用更丰富。"),
    "charging": ("超充站建设提速", "该车企宣布今年新建2000座超充站，充电桩覆盖高速服务区，换电站同步扩展，"
                 "车主补能时间缩短到十分钟。"),
    "earnings": ("某车企发布三季度财报", "该汽车公司三季度营收同比增长20%，净利润扭亏为盈，毛利率升至15%，"
                 "管理层在财报电话会上上调了全年业绩指引。"),
    "executives": ("某车企总裁离职", "某汽车公司宣布总裁因个人原因离职，由首席财务官接任，另一名副总裁卸任后"
                   "将出任子公司董事长。"),
    "recalls_quality": ("某车企召回5万辆汽车", "因制动系统存在缺陷，该车企宣布召回5万辆汽车，市场监管总局表示"
                        "相关车辆存在安全隐患，车主投诉较多。"),
    "new_models": ("新款中型SUV正式上市", "该车企的新车正式上市，指导价18.98万元起，新车换代后外观和内饰均有"
                   "改变，此前曝光的谍照显示其轴距加长。"),
}

NEGATIVE = {
    "autonomous_driving": ("安全运营进入“自动驾驶”时代", "某能源企业的安全团队用大模型处理告警，运营实现“自动驾驶”，"
                           "日均处理日志五十亿条。"),
    "power_battery": ("新手机电池技术", "这款手机采用新的硅碳负极电池技术，手机电池容量提升到6000mAh，电池寿命更长，"
                      "能量密度提高，太阳能电池板配件另售。"),
    "semiconductors": ("脑机接口公司完成首例植入", "这家脑机接口公司完成首例脑机芯片植入手术，患者可以用意念"
                       "控制光标，芯片植入后恢复良好。"),
    "trade_overseas": ("游戏出海收入增长", "国内游戏厂商出海收入增长，出海手游在北美市场表现突出。"),
    "production_sales": ("智能手机出货量下降", "研究机构称，第三季度智能手机出货量同比下降16%，手机销量连续两个季度"
                         "下滑，智能手机销量排名第一的品牌份额为21%，销量冠军易主。"),
    "new_ev_makers": ("理想的生活方式", "调查显示，年轻人心目中理想的生活方式是有更多的时间陪伴家人。"),
    "pricing_channels": ("大模型价格战", "多家云厂商宣布大模型降价，API 价格战愈演愈烈，开发者受益。"),
    "humanoid_robots": ("扫地机器人销量增长", "扫地机器人在今年的购物节上销量增长，清洁家电类目表现突出。"),
    "policy_regulation": ("网信办就生成式人工智能管理办法征求意见", "国家网信办发布管理办法征求意见稿，监管部门"
                          "将对生成式人工智能服务实行备案，相关法规明年实施，条例同步修订。"),
    "capital_financing": ("AI 初创公司完成融资", "一家大模型初创公司完成新一轮融资，估值翻倍，投资方包括多家基金。"),
    "auto_cybersecurity": ("勒索软件攻击医院", "一家医院遭勒索软件攻击，黑客窃取了患者数据，安全研究人员正在调查漏洞。"),
    "supply_chain": ("苹果新品供应链", "消息称苹果已联系亚洲供应商为新款手机生产零部件。"),
    "smart_cockpit": ("智能音箱升级语音助手", "这款智能音箱的语音助手接入大模型，语音服务支持连续对话，"
                      "OTA 升级后大屏版也可使用。"),
    "charging": ("手机快充新标准", "新款手机支持100W手机快充和无线充，充电功率更高，充电时间缩短一半，"
                 "充电器随机附赠，充电宝也同步升级。"),
    "earnings": ("流媒体公司财报", "某流媒体公司公布季度财报，营收增长12%，净利润超出预期，订阅用户增加。"),
    "executives": ("游戏公司人事变动", "某游戏公司工作室总经理卸任，由制作人接任，负责全球电竞业务。"),
    "recalls_quality": ("洗衣机召回", "某家电公司在美国召回66万台洗衣机，原因是可能过热。"),
    "new_models": ("新款笔记本电脑上市", "新一代笔记本电脑正式上市，售价7999元起，搭载新处理器。"),
}


@pytest.mark.parametrize("topic", sorted(POSITIVE))
def test_topic_fires_on_a_text_about_it(topic, kb):
    title, body = POSITIVE[topic]
    found = topics_of(title, body, kb)
    assert topic in found, {t: s.score for t, s in found.items()}
    assert 0 < found[topic].score <= 1


@pytest.mark.parametrize("topic", sorted(NEGATIVE))
def test_topic_stays_quiet_on_a_text_that_only_borrows_its_words(topic, kb):
    title, body = NEGATIVE[topic]
    assert topic not in topics_of(title, body, kb)


def test_every_topic_has_a_positive_and_a_negative_case():
    assert set(POSITIVE) == set(NEGATIVE) == set(load_taxonomy().ids)


def test_non_auto_news_gets_no_auto_topic(kb):
    found = topics_of("新款智能手表发布", "这款智能手表支持血氧检测，续航两周，售价1299元，已在电商平台开售。", kb)
    assert found == {}


# ---- scoring properties ----------------------------------------------------------------------
FILLER = "这是一段与主题无关的文字，讲述城市公园的改造和市民的休闲生活。"


def test_a_title_hit_weighs_more_than_the_same_body_hit(kb):
    body = "某车企宣布召回部分车辆。" + FILLER * 3
    in_body = topics_of("城市生活观察", body, kb, ()).get("recalls_quality")
    in_title = topics_of("某车企宣布召回部分车辆", body, kb, ()).get("recalls_quality")
    assert in_title is not None
    assert in_body is None or in_title.score > in_body.score


def test_a_digest_mentioning_battery_once_is_not_a_battery_article(kb):
    items = [f"第{i}条消息\n{FILLER * 4}" for i in range(8)]
    items[3] = "某车企发布新车\n某车企发布一款新车，电池由合作伙伴提供，" + FILLER * 3
    digest = "\n".join(items)
    assert "power_battery" not in topics_of("科技早报", digest, kb)
    items[5] = ("固态电池取得突破\n一家电池厂宣布半固态电池量产，电芯能量密度提升到360Wh/kg，动力电池成本下降，"
                "这批电池将供应给多家车企。")
    assert "power_battery" in topics_of("科技早报", "\n".join(items), kb)


def test_an_auto_topic_needs_its_own_item_to_be_about_cars(kb):
    digest = ("车企新品发布\n某车企今日发布新车，新车续航600公里，车主可预订。\n"
              + FILLER * 3 + "\n大模型公司完成融资\n一家大模型公司完成新一轮融资，估值翻倍，领投方为多家基金，"
              "公司计划明年上市。")
    assert "capital_financing" not in topics_of("科技早报", digest, kb)


def test_evidence_spans_point_at_the_keywords(kb):
    for title, body in list(POSITIVE.values()) + list(NEGATIVE.values()):
        for s in tag_document(title, body, [], kb):
            assert s.evidence
            for e in s.evidence:
                text = title if e.field == "title" else body
                assert text[e.start:e.end].lower() == e.surface.lower()


def test_scores_are_sorted_and_bounded(kb):
    scores = tag_document(*POSITIVE["earnings"], [], kb)
    assert [s.score for s in scores] == sorted((s.score for s in scores), reverse=True)
    assert all(0 <= s.score <= 1 for s in scores)


def test_linked_entities_count_as_evidence(kb):
    body = "宁德时代与该车企签署协议。" + FILLER
    start = body.index("宁德时代")
    mention = {"entity_id": "catl", "start": start, "end": start + 4, "field": "body"}
    before = {s.topic: s.score for s in tagger_scores("合作协议签署", body, [], kb)}
    after = {s.topic: s for s in tagger_scores("合作协议签署", body, [mention], kb)}
    assert after["power_battery"].score > before.get("power_battery", 0)
    assert [start, start + 4, "宁德时代", "body"] in [e.as_list() for e in after["power_battery"].evidence]


def tagger_scores(title, body, mentions, kb):
    from autointel.topics import tagger_for

    return tagger_for(kb).tag(title, body, mentions, all_scores=True)


def test_mentions_with_spans_outside_the_text_are_ignored(kb):
    body = "某车企宣布召回部分车辆。"
    bad = [{"entity_id": "catl", "start": 500, "end": 504, "field": "body"}, {"entity_id": None, "start": 0, "end": 2,
                                                                              "field": "body"}]
    assert tag_document("标题", body, bad, kb) == tag_document("标题", body, [], kb)


def test_english_keywords_match_whole_words_only(kb):
    assert "new_ev_makers" not in topics_of("Every day", "every evening a nio-like sound: nothing about cars.", kb)
    scores = tagger_scores("Robotaxi rides double", "Waymo said its robotaxi service doubled paid rides; the "
                           "driverless cars now serve four cities.", [], kb)
    assert "autonomous_driving" in {s.topic for s in scores if s.score >= 0.55}


def test_works_without_a_knowledge_base_and_with_empty_input():
    assert tag_document(None, "", [], None) == []
    assert "production_sales" in topics_of(*POSITIVE["production_sales"])


# ---- storage and command line ----------------------------------------------------------------
ARTICLES = {
    "recall.md": ("某车企召回5万辆汽车", "2025-03-02", POSITIVE["recalls_quality"][1]),
    "battery.md": ("固态电池装车测试", "2025-04-10", POSITIVE["power_battery"][1]),
    "watch.md": ("新款智能手表发布", "2025-04-11", "这款智能手表支持血氧检测，续航两周，售价1299元。"),
}


@pytest.fixture()
def tagged_store(tmp_path, db_url):
    from autointel.link.linker import default_linker
    from autointel.pipeline import ingest
    from autointel.store import open_store

    folder = tmp_path / "in"
    folder.mkdir()
    for name, (title, date, body) in ARTICLES.items():
        (folder / name).write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", encoding="utf-8")
    store = open_store(db_url)
    ingest([str(folder)], store, linker=default_linker())
    yield store
    store.close()


def _doc_id(store, title):
    return store.conn.execute("SELECT id FROM documents WHERE title = ?", (title,)).fetchone()[0]


def test_retag_all_saves_topics_with_traceable_evidence(tagged_store, kb):
    from autointel.store import topics as topic_store

    conn = tagged_store.conn
    assert topic_store.retag_all(conn, kb) == 3
    recall = topic_store.topics_of(conn, _doc_id(tagged_store, "某车企召回5万辆汽车"))
    assert "recalls_quality" in [t["topic"] for t in recall]
    canonical, title = conn.execute("SELECT canonical, title FROM documents WHERE title = ?",
                                    ("某车企召回5万辆汽车",)).fetchone()
    for t in recall:
        assert t["version"] == TAXONOMY_VERSION
        for start, end, surface, field in t["evidence"]:
            assert (title if field == "title" else canonical)[start:end].lower() == surface.lower()
    assert topic_store.topics_of(conn, _doc_id(tagged_store, "新款智能手表发布")) == []
    counts = topic_store.topic_counts(conn)
    assert counts["recalls_quality"] == 1 and counts["power_battery"] == 1
    assert topic_store.topic_counts_by_month(conn)["power_battery"] == {"2025-04": 1}
    [row] = topic_store.documents_with_topic(conn, "power_battery")
    assert row["title"] == "固态电池装车测试" and row["evidence"]
    assert topic_store.documents_with_topic(conn, "power_battery", since="2025-05-01") == []
    assert topic_store.tagged_documents(conn) == (3, {TAXONOMY_VERSION: 3})
    # only stale documents: none now; re-tagging everything replaces rows instead of adding them
    assert topic_store.retag_all(conn, kb, everything=False) == 0
    topic_store.retag_all(conn, kb)
    assert topic_store.topic_counts(conn) == counts


def test_save_topics_replaces_a_documents_topics(tagged_store):
    from autointel.store import topics as topic_store

    conn = tagged_store.conn
    doc = _doc_id(tagged_store, "新款智能手表发布")
    topic_store.save_topics(conn, doc, [{"topic": "charging", "score": 0.7, "evidence": [[0, 2, "新款", "title"]]}])
    topic_store.save_topics(conn, doc, [{"topic": "earnings", "score": 0.6, "evidence": []}])
    assert [t["topic"] for t in topic_store.topics_of(conn, doc)] == ["earnings"]


def test_topics_command_lists_counts_retags_and_shows_evidence(tmp_path, new_db):
    from tests.test_cli import jsonl, run

    folder = tmp_path / "in"
    folder.mkdir()
    for name, (title, date, body) in ARTICLES.items():
        (folder / name).write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", encoding="utf-8")
    db = new_db("cli")
    run("ingest", str(folder), "--json", db=db)
    assert jsonl(run("topics", "--retag", "--json", db=db).stdout)[-1] == {"retagged": 3}
    listing = {r["topic"]: r for r in jsonl(run("topics", "--json", db=db).stdout)}
    assert set(listing) == set(load_taxonomy().ids)
    assert listing["power_battery"]["documents"] == 1 and listing["power_battery"]["by_month"] == {"2025-04": 1}
    [doc] = jsonl(run("topics", "--topic", "recalls_quality", "--json", db=db).stdout)
    shown = jsonl(run("topics", "--doc", doc["id"], "--json", db=db).stdout)
    assert "recalls_quality" in [t["topic"] for t in shown] and all(t["evidence"] for t in shown)
    assert "召回" in run("topics", "--doc", doc["id"][:8], db=db).stdout
    assert run("topics", "--topic", "no_such_topic", db=db, check=False).returncode == 1
