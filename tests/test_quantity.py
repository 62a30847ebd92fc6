"""Numerals and quantities in Chinese auto news (autointel.facts.numbers / .quantity)."""
from __future__ import annotations

import pytest

from autointel.facts.numbers import parse_number
from autointel.facts.quantity import Quantity, find_quantities


@pytest.mark.parametrize("text, value", [
    ("三千", 3000), ("一百万", 1e6), ("1,100万", 1.1e7), ("2.8兆", 2.8e12), ("１２３", 123),
    ("124.6万", 1.246e6), ("十", 10), ("两百", 200), ("3.5亿", 3.5e8), ("1万亿", 1e12),
    ("1.2万亿", 1.2e12), ("3.3亿", 3.3e8), ("3千万", 3e7), ("三亿五千万", 3.5e8), ("一百零五", 105),
    ("十五", 15), ("二十", 20), ("三万五", 35000), ("两百五", 250), ("十二点五", 12.5),
    ("二〇二五", 2025), ("１２．５", 12.5), ("1,234,567", 1234567),
])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "abc", "三五", "百百", "1.2.3", "数百"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def only(text: str) -> Quantity:
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


def check(q: Quantity, text: str, value, unit, qualifier=None, kind="amount", value_max=None):
    assert (q.text, q.value, q.value_max, q.unit, q.qualifier, q.kind) == (
        text, value, value_max, unit, qualifier, kind)


# --- the brief's examples, as (sentence, [(span text, value, unit, qualifier, kind, value_max)]) ----

CASES = [
    ("比亚迪1—11月在欧洲交付新车近16万辆，同比增长276%",
     [("近16万辆", 1.6e5, "vehicle", "nearly", "amount", None), ("276%", 276, "percent", None, "percent", None)]),
    ("2025年重庆汽车产量约250万辆，同比增长12.1%",
     [("约250万辆", 2.5e6, "vehicle", "approx", "amount", None), ("12.1%", 12.1, "percent", None, "percent", None)]),
    ("北京汽车股价大涨30.5%", [("30.5%", 30.5, "percent", None, "percent", None)]),
    ("北京汽车股价下降17%", [("17%", 17, "percent", None, "percent", None)]),
    ("小米第一期自动驾驶研发投入33亿元", [("33亿元", 3.3e9, "CNY", None, "amount", None)]),
    ("关税将达到2.8兆美元", [("2.8兆美元", 2.8e12, "USD", None, "amount", None)]),
    ("合肥新能源汽车产量达到124.6万辆", [("124.6万辆", 1.246e6, "vehicle", None, "amount", None)]),
    ("融资3.3亿元", [("3.3亿元", 3.3e8, "CNY", None, "amount", None)]),
    ("进出口额1.6万亿元", [("1.6万亿元", 1.6e12, "CNY", None, "amount", None)]),
    ("订单1,100万辆", [("1,100万辆", 1.1e7, "vehicle", None, "amount", None)]),
    ("电池成本降至100美元/kWh以下", [("100美元/kWh以下", 100, "USD/kWh", "under", "amount", None)]),
    ("电池成本降至100美元/千瓦时", [("100美元/千瓦时", 100, "USD/kWh", None, "amount", None)]),
    ("千人汽车保有量约400-450辆/千人",
     [("约400-450辆/千人", 400, "per_1000_people", "approx", "amount", 450)]),
    ("算力达到254TOPS", [("254TOPS", 254, "TOPS", None, "amount", None)]),
    ("门店超过300家", [("超过300家", 300, "store", "over", "amount", None)]),
    ("新开10家门店", [("10家门店", 10, "store", None, "amount", None)]),
    ("员工约1.2万人", [("约1.2万人", 1.2e4, "person", "approx", "amount", None)]),
    ("裁减500名员工", [("500名员工", 500, "person", None, "amount", None)]),
    ("增长1.6倍", [("增长1.6倍", 160, "percent", None, "change_multiple", None)]),
    ("同比增加1.6倍", [("增加1.6倍", 160, "percent", None, "change_multiple", None)]),
    ("算力提升十倍", [("提升十倍", 1000, "percent", None, "change_multiple", None)]),
    ("产能提高了3倍", [("提高了3倍", 300, "percent", None, "change_multiple", None)]),
    ("销量是去年的2倍", [("2倍", 2, "times", None, "multiple", None)]),
    ("能量密度2倍于同类产品", [("2倍于", 2, "times", None, "multiple", None)]),
    ("市场份额提升2.3个百分点", [("2.3个百分点", 2.3, "pct_point", None, "pct_point", None)]),
    ("毛利率提升2.3pct", [("2.3pct", 2.3, "pct_point", None, "pct_point", None)]),
    ("渗透率下降两个百分点", [("两个百分点", 2, "pct_point", None, "pct_point", None)]),
    ("累计销量数百万辆", [("数百万辆", 1e6, "vehicle", "several", "amount", 9e6)]),
    ("售价几十万", [("几十万", 1e5, None, "several", "amount", 9e5)]),
    ("带动数万人就业", [("数万人", 1e4, "person", "several", "amount", 9e4)]),
    ("年销十几万辆", [("十几万辆", 1.1e5, "vehicle", "several", "amount", 1.9e5)]),
    ("售价2万—3万美元", [("2万—3万美元", 2e4, "USD", None, "amount", 3e4)]),
    ("预计需要2至3年", [("2至3年", 2, "year", None, "amount", 3)]),
    ("涨幅10%-15%", [("10%-15%", 10, "percent", None, "percent", 15)]),
    ("涨幅10-15%", [("10-15%", 10, "percent", None, "percent", 15)]),
    ("售价30万到40万元", [("30万到40万元", 3e5, "CNY", None, "amount", 4e5)]),
    ("售价2-3万元", [("2-3万元", 2e4, "CNY", None, "amount", 3e4)]),
    ("占比百分之五十", [("百分之五十", 50, "percent", None, "percent", None)]),
    ("佔比超过四成", [("超过四成", 40, "percent", "over", "percent", None)]),
    ("交付10余万辆", [("10余万辆", 1e5, "vehicle", "over", "amount", None)]),
    ("交付3万多辆", [("3万多辆", 3e4, "vehicle", "over", "amount", None)]),
    ("交付3000多辆", [("3000多辆", 3000, "vehicle", "over", "amount", None)]),
    ("交付250万辆左右", [("250万辆左右", 2.5e6, "vehicle", "approx", "amount", None)]),
    ("续航逾700公里", [("逾700公里", 700, "km", "over", "amount", None)]),
    ("售价不到10万元", [("不到10万元", 1e5, "CNY", "under", "amount", None)]),
    ("耗时将近3个月", [("将近3个月", 3, "month", "nearly", "amount", None)]),
    ("订单量破10万", [("破10万", 1e5, None, "over", "amount", None)]),
    ("装机量达10GWh", [("10GWh", 10, "GWh", None, "amount", None)]),
    ("电池容量100kWh", [("100kWh", 100, "kWh", None, "amount", None)]),
    ("年产能20吉瓦时", [("20吉瓦时", 20, "GWh", None, "amount", None)]),
    ("配套驱动电机328万台", [("328万台", 3.28e6, "unit", None, "amount", None)]),
    ("建成2000座换电站", [("2000座", 2000, "unit", None, "amount", None)]),
    ("获10万美元", [("10万美元", 1e5, "USD", None, "amount", None)]),
    ("罚款1000万欧元", [("1000万欧元", 1e7, "EUR", None, "amount", None)]),
    ("市值300亿港元", [("300亿港元", 3e10, "HKD", None, "amount", None)]),
    ("收购价45亿英镑", [("45亿英镑", 4.5e9, "GBP", None, "amount", None)]),
    ("投资1兆日元", [("1兆日元", 1e12, "JPY", None, "amount", None)]),
    ("罚款220万美金", [("220万美金", 2.2e6, "USD", None, "amount", None)]),
    ("罚款30亿韩元", [("30亿韩元", 3e9, "KRW", None, "amount", None)]),
    ("投资100亿人民币", [("100亿人民币", 1e10, "CNY", None, "amount", None)]),
    ("加800块的", [("800块", 800, "CNY", None, "amount", None)]),
    ("售价$30,000起", [("$30,000", 3e4, "USD", None, "amount", None)]),
    ("北京汽车股价上涨１２．５％", [("１２．５％", 12.5, "percent", None, "percent", None)]),
    ("再订 65 万辆 Polestar", [("65 万辆", 6.5e5, "vehicle", None, "amount", None)]),
    ("未来5年内投入", [("5年", 5, "year", None, "amount", None)]),
    ("这三年销量", [("三年", 3, "year", None, "amount", None)]),
    ("三五万辆", [("三五万辆", 3e4, "vehicle", None, "amount", 5e4)]),
    ("研发团队200人", [("200人", 200, "person", None, "amount", None)]),
    ("小米正与两家车企洽谈", [("两家", 2, "unit", None, "amount", None)]),
]


@pytest.mark.parametrize("sentence, expected", CASES, ids=[c[0] for c in CASES])
def test_quantities(sentence, expected):
    found = find_quantities(sentence)
    got = [(q.text, q.value, q.unit, q.qualifier, q.kind, q.value_max) for q in found]
    assert got == [(t, pytest.approx(v), u, ql, k, None if vm is None else pytest.approx(vm))
                   for t, v, u, ql, k, vm in expected]
    for q in found:
        assert sentence[q.start:q.end] == q.text


@pytest.mark.parametrize("text", [
    "2025年", "2025年1月19日", "8月26日", "10月", "1—11月", "10:30", "19：00", "小米SU7", "极氪001",
    "Model 3", "问界M9", "阿维塔11", "第三", "第2名", "排名第3", "13812345678", "400-820-8820",
    "https://example.invalid/p/12?id=3345", "Q3", "H1", "5G", "2025-10-26", "2025/10/26", "今年前11个月",
    "2025-2027年", "二〇二五年", "25年销量", "1.5T发动机", "800V平台", "一些", "统一", "一辆车", "一个重要",
    "十分", "千万别", "两江新区", "7座SUV", "30周年", "第三季度", "GPT-4", "v1.2.3", "4S店", "80年代",
    "iPhone 15", "一成不变", "千人汽车保有量", "完成亿元融资", "3月13日下午", "2024款",
])
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_span_indexes_the_input_with_fullwidth_and_offsets():
    text = "据统计，2025年重庆汽车产量接近250万辆，同比增长12.1%，其中新能源汽车佔比超过四成。"
    found = find_quantities(text)
    assert [q.text for q in found] == ["接近250万辆", "12.1%", "超过四成"]
    assert [text[q.start:q.end] for q in found] == [q.text for q in found]
    assert found[0].qualifier == "nearly"


def test_sorted_and_non_overlapping():
    text = "比亚迪1—11月在欧洲交付新车近16万辆，同比增长276%。2万—3万美元，约400-450辆/千人，增长1.6倍。" * 3
    found = find_quantities(text)
    assert len(found) == 15
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_bare_numbers_have_no_unit():
    q = only("共有37种语言")
    check(q, "37", 37, None)


def test_sample_article():
    text = ("据行业机构统计，比亚迪今年1—11月在欧洲交付新车近16万辆，同比增长276%。"
            "截至12月1日，北京汽车股价上涨１２．５％。苏州澜舟智行科技宣布完成B轮融资，金额超过1亿元。")
    got = [(q.text, q.value, q.unit, q.qualifier) for q in find_quantities(text)]
    assert got == [("近16万辆", 160000, "vehicle", "nearly"), ("276%", 276, "percent", None),
                   ("１２．５％", 12.5, "percent", None), ("超过1亿元", 1e8, "CNY", "over")]


def test_remainder_written_after_wan_joins_the_figure():
    # Solidot / Nikkei style: "427 万 2145 辆" is 4,272,145
    [q] = find_quantities("达到 427 万 2145 辆。")
    assert (q.value, q.unit, q.text) == (4_272_145, "vehicle", "427 万 2145 辆")
    [q] = find_quantities("约 41 万 7204 辆")
    assert (q.value, q.qualifier) == (417_204, "approx")


def test_short_number_after_wan_is_not_a_remainder():
    got = [(q.value, q.unit) for q in find_quantities("3万 2家")]
    assert got == [(30_000, None), (2, "store")]


def test_months_and_a_half_are_a_duration():
    assert [q.unit for q in find_quantities("仅用了3个半月的时间")] == ["month"]


def test_chinese_fractions_are_percentages():
    got = [(q.text, q.value, q.qualifier) for q in find_quantities("电动汽车占到了总销量的逾五分之一，新能源占比仅十分之一。")]
    assert got == [("逾五分之一", 20.0, "over"), ("十分之一", 10.0, None)]
    assert [q.value for q in find_quantities("百分之三十")] == [30.0]  # 百分之 stays with the main regex


def test_jia_before_member_words_counts_members_not_stores():
    [q] = find_quantities("长安汽车、赛力斯等17家首批发起单位")
    assert (q.value, q.unit) == (17, "unit")


def test_per_thousand_people_without_a_counter():
    got = [(q.value, q.value_max, q.unit) for q in find_quantities("人均保有量是251/千人，峰值400-450/千人")]
    assert got == [(251, None, "per_1000_people"), (400, 450, "per_1000_people")]


def test_naizhi_joins_a_range():
    [q] = find_quantities("加征25%乃至100%关税")
    assert (q.value, q.value_max, q.unit) == (25, 100, "percent")


def test_numbers_inside_links_and_mail_addresses_are_skipped():
    text = "联系 sales2025@auto88.com 或访问 https://x.com/p/2025/300 了解，售价30万元；另见 www.iea.org/r/2024 的 5 万辆"
    assert [(q.text, q.value) for q in find_quantities(text)] == [("30万元", 300_000), ("5 万辆", 50_000)]


def test_half_is_fifty_percent():
    got = [(q.text, q.value, q.qualifier) for q in find_quantities("产量已恢复至一半左右，占到总销量的近半数")]
    assert got == [("一半左右", 50.0, "approx"), ("近半数", 50.0, "nearly")]


def test_a_change_then_the_level_it_reached_is_no_range():
    got = [(q.text, q.value, q.value_max) for q in find_quantities("起售价上调500美元至53490美元")]
    assert got == [("500美元", 500, None), ("53490美元", 53490, None)]
    # without a verb of change before it, X至Y is a range
    [q] = find_quantities("售价为20万元至30万元")
    assert (q.value, q.value_max) == (200_000, 300_000)
