"""Facts and claims from sentences written for these tests, linked with the bundled knowledge base."""
from datetime import date

import pytest

from autointel.facts.claims import extract_claims, same_claim
from autointel.facts.extract import extract_facts
from autointel.link.linker import default_linker


@pytest.fixture(scope="module")
def linker():
    return default_linker()


def facts_of(linker, text, published):
    mentions, _ = linker.link_article(text)
    return extract_facts(text, mentions, linker.kb, published)


def brief(f):
    return (f.subject, f.metric, f.value, f.unit, f.qualifier, f.period, f.basis, f.direction, f.scope)


def test_level_then_growth_of_the_same_figure(linker):
    got = [brief(f) for f in facts_of(linker, "2025年重庆汽车产量约250万辆，同比增长12.1%。", date(2026, 1, 10))]
    assert got == [("重庆", "production", 2_500_000, "vehicle", "approx", "2025", "level", None, None),
                   ("重庆", "production", 12.1, "percent", None, "2025", "yoy", "up", None)]


def test_company_deliveries_with_region_scope_and_month_range(linker):
    got = [brief(f) for f in facts_of(linker, "比亚迪1—11月在欧洲交付新车近16万辆，同比增长276%。", date(2025, 12, 5))]
    assert got[0] == ("比亚迪", "deliveries", 160_000, "vehicle", "nearly", "2025-01..2025-11", "level", None, "欧洲")
    assert got[1][1:] == ("deliveries", 276, "percent", None, "2025-01..2025-11", "yoy", "up", "欧洲")


def test_money_stock_and_segment(linker):
    text = "小米汽车宣布，小米第一期自动驾驶研发投入33亿元。受此消息影响，北京汽车股价大涨30.5%。合肥2025年新能源汽车产量达到124.6万辆。"
    got = {(f.subject, f.metric): f for f in facts_of(linker, text, date(2026, 1, 8))}
    assert got[("小米集团", "investment")].value == 3.3e9 and got[("小米集团", "investment")].unit == "CNY"
    stock = got[("北京汽车", "stock_price")]
    assert (stock.value, stock.unit, stock.basis, stock.direction) == (30.5, "percent", "change", "up")
    nev = got[("合肥", "production")]
    assert (nev.value, nev.scope, nev.period) == (1_246_000, "新能源汽车", "2025")


def test_numbers_without_a_metric_or_subject_are_not_facts(linker):
    assert facts_of(linker, "活动将于2025年10月18日在上海举行，约200人参加。", date(2025, 10, 1)) == []


def test_spans_point_at_the_number(linker):
    text = "特斯拉第三季度交付49.7万辆。"
    [f] = facts_of(linker, text, date(2025, 10, 3))
    assert text[f.start:f.end] == f.text and "49.7万辆" in f.text and f.period == "2025-Q3"


def test_rumour_denials_and_no_comment_are_one_claim(linker):
    kb = linker.kb
    text = ("据知情人士透露，小米将与北汽集团合作造车。北汽蓝谷回应称，该消息不实。"
            "北京现代也否认了与小米合作的传闻。截至发稿，小米方面暂未回应。")
    mentions, _ = linker.link_article(text)
    found = extract_claims(text, mentions, kb)
    assert [(c.type, c.status) for c in found] == [
        ("cooperation", "rumoured"), ("cooperation", "denied"), ("cooperation", "denied"),
        ("cooperation", "no_comment")]
    assert found[0].attribution == "知情人士"
    assert [c.attribution for c in found[1:]] == ["北汽蓝谷", "北京现代", "小米集团"]
    first = found[0]
    assert all(same_claim(kb, c.type, c.participants, first.type, first.participants) for c in found[1:])


def test_tariff_and_launch_claims(linker):
    text = "美国宣布对中国电动汽车加征100%关税。小鹏汽车正式发布小鹏MONA M03。"
    mentions, _ = linker.link_article(text)
    got = [(c.type, c.status) for c in extract_claims(text, mentions, linker.kb)]
    assert got == [("tariff", "confirmed"), ("product_launch", "confirmed")]


def test_respectively_assigns_subjects_in_order(linker):
    text = "比亚迪、方正电机和宁波双林配套量分别为 75579 台、29529 台和 26262 台。"
    got = [(f.subject, f.metric, f.value) for f in facts_of(linker, text, date(2021, 11, 23))]
    assert got == [("比亚迪", "shipments", 75579), ("方正电机", "shipments", 29529), ("宁波双林", "shipments", 26262)]
