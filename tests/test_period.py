from datetime import date

import pytest

from autointel.facts.period import Period, find_periods

DEC = date(2025, 12, 5)
JAN = date(2026, 1, 5)


def labels(text, published=DEC):
    periods = find_periods(text, published)
    for p in periods:
        assert text[p.char_start:p.char_end] == p.text
    for a, b in zip(periods, periods[1:]):
        assert a.char_end <= b.char_start
    return [(p.text, p.label) for p in periods]


def one(text, published=DEC) -> Period:
    periods = find_periods(text, published)
    assert len(periods) == 1, periods
    p = periods[0]
    assert text[p.char_start:p.char_end] == p.text
    return p


@pytest.mark.parametrize(
    "text, published, span, label",
    [
        # years
        ("2025年重庆汽车产量约250万辆", DEC, "2025年", "2025"),
        ("2025年全年销量", DEC, "2025年全年", "2025"),
        ("2025年度营收", DEC, "2025年度", "2025"),
        ("二〇二五年销量", DEC, "二〇二五年", "2025"),
        ("今年销量", DEC, "今年", "2025"),
        ("去年销量", DEC, "去年", "2024"),
        ("明年上市", DEC, "明年", "2026"),
        ("前年销量", DEC, "前年", "2023"),
        ("去年全年销量", JAN, "去年全年", "2025"),
        ("今年全年销量", DEC, "今年全年", "2025"),
        ("2021-2025年规划", DEC, "2021-2025年", "2021..2025"),
        # months
        ("10月销量", DEC, "10月", "2025-10"),
        ("10月份销量", DEC, "10月份", "2025-10"),
        ("2025年10月销量", DEC, "2025年10月", "2025-10"),
        ("十月份销量", DEC, "十月份", "2025-10"),
        ("一月销量", DEC, "一月", "2025-01"),
        ("十二月销量", JAN, "十二月", "2025-12"),
        ("１０月销量", DEC, "１０月", "2025-10"),
        ("10 月销量", DEC, "10 月", "2025-10"),
        ("上月销量", DEC, "上月", "2025-11"),
        ("上个月销量", JAN, "上个月", "2025-12"),
        ("本月销量", DEC, "本月", "2025-12"),
        # month ranges and cumulative months
        ("1-11月销量", DEC, "1-11月", "2025-01..2025-11"),
        ("1—10月销量", DEC, "1—10月", "2025-01..2025-10"),
        ("1–10月销量", DEC, "1–10月", "2025-01..2025-10"),
        ("1～10月销量", DEC, "1～10月", "2025-01..2025-10"),
        ("1~10月销量", DEC, "1~10月", "2025-01..2025-10"),
        ("1至10月销量", DEC, "1至10月", "2025-01..2025-10"),
        ("1到10月销量", DEC, "1到10月", "2025-01..2025-10"),
        ("１－１０月销量", DEC, "１－１０月", "2025-01..2025-10"),
        ("1月-11月份销量", DEC, "1月-11月份", "2025-01..2025-11"),
        ("一至十月销量", DEC, "一至十月", "2025-01..2025-10"),
        ("2025年1-11月销量", DEC, "2025年1-11月", "2025-01..2025-11"),
        ("2024年12月至2025年2月", DEC, "2024年12月至2025年2月", "2024-12..2025-02"),
        ("前11个月销量", DEC, "前11个月", "2025-01..2025-11"),
        ("前10月销量", DEC, "前10月", "2025-01..2025-10"),
        ("今年前10个月销量", DEC, "今年前10个月", "2025-01..2025-10"),
        ("前两个月销量", DEC, "前两个月", "2025-01..2025-02"),
        # halves
        ("上半年销量", DEC, "上半年", "2025-H1"),
        ("下半年销量", JAN, "下半年", "2025-H2"),
        ("2025年上半年销量", DEC, "2025年上半年", "2025-H1"),
        ("今年上半年销量", DEC, "今年上半年", "2025-H1"),
        ("公司H1营收", DEC, "H1", "2025-H1"),
        ("1H25营收", DEC, "1H25", "2025-H1"),
        ("2025H1营收", DEC, "2025H1", "2025-H1"),
        ("H1 2025 revenue", DEC, "H1 2025", "2025-H1"),
        # quarters
        ("前三季度营收", DEC, "前三季度", "2025-01..2025-09"),
        ("2025年前三季度营收", DEC, "2025年前三季度", "2025-01..2025-09"),
        ("1-3季度营收", DEC, "1-3季度", "2025-01..2025-09"),
        ("第三季度营收", DEC, "第三季度", "2025-Q3"),
        ("三季度营收", DEC, "三季度", "2025-Q3"),
        ("四季度销量", DEC, "四季度", "2025-Q4"),
        ("2025年第三季度营收", DEC, "2025年第三季度", "2025-Q3"),
        ("公司Q3营收", DEC, "Q3", "2025-Q3"),
        ("2025Q3营收", DEC, "2025Q3", "2025-Q3"),
        ("2025年Q3营收", DEC, "2025年Q3", "2025-Q3"),
        ("Q3 2025 revenue", DEC, "Q3 2025", "2025-Q3"),
        ("3Q25营收", DEC, "3Q25", "2025-Q3"),
        ("上季度营收", DEC, "上季度", "2025-Q3"),
        # days
        ("1月19日，发布会召开", DEC, "1月19日", "2025-01-19"),
        ("2025年8月26日发布", DEC, "2025年8月26日", "2025-08-26"),
        ("8月26号发布", DEC, "8月26号", "2025-08-26"),
        ("二〇二五年十月一日", DEC, "二〇二五年十月一日", "2025-10-01"),
        ("发布时间 2025-08-26 10:00", DEC, "2025-08-26", "2025-08-26"),
        ("1月1-18日零售", JAN, "1月1-18日", "2026-01-01..2026-01-18"),
        # as of
        ("截至8月26日，累计交付", date(2025, 9, 1), "截至8月26日", "..2025-08-26"),
        ("截至2025年8月底，累计交付", DEC, "截至2025年8月底", "..2025-08-31"),
        ("截止到10月末，累计交付", DEC, "截止到10月末", "..2025-10-31"),
        ("截至10月，累计交付", DEC, "截至10月", "..2025-10-31"),
        ("截至2025年底，累计交付", JAN, "截至2025年底", "..2025-12-31"),
        ("截至三季度末，累计交付", DEC, "截至三季度末", "..2025-09-30"),
        ("截至目前，累计交付", DEC, "截至目前", "..2025-12-05"),
        # since
        ("今年以来，累计交付", DEC, "今年以来", "2025-01-01..2025-12-05"),
        ("年初至今，累计交付", DEC, "年初至今", "2025-01-01..2025-12-05"),
        ("今年初至今，累计交付", DEC, "今年初至今", "2025-01-01..2025-12-05"),
        ("2025年以来，累计交付", DEC, "2025年以来", "2025-01-01..2025-12-05"),
        ("10月以来，累计交付", DEC, "10月以来", "2025-10-01..2025-12-05"),
    ],
)
def test_expression(text, published, span, label):
    p = one(text, published)
    assert (p.text, p.label) == (span, label)


def test_dates_of_periods():
    p = one("1-11月销量")
    assert (p.start, p.end) == (date(2025, 1, 1), date(2025, 11, 30))
    p = one("2025年上半年")
    assert (p.start, p.end) == (date(2025, 1, 1), date(2025, 6, 30))
    p = one("四季度")
    assert (p.start, p.end) == (date(2025, 10, 1), date(2025, 12, 31))
    p = one("截至8月26日", date(2025, 9, 1))
    assert (p.start, p.end) == (None, date(2025, 8, 26))
    p = one("今年以来")
    assert (p.start, p.end) == (date(2025, 1, 1), DEC)
    p = one("2月份", date(2024, 3, 1))
    assert p.end == date(2024, 2, 29)


def test_spec_sentences():
    assert labels("比亚迪1—11月在欧洲交付新车近16万辆") == [("1—11月", "2025-01..2025-11")]
    assert labels("2025年重庆汽车产量约250万辆") == [("2025年", "2025")]
    assert labels("截至8月26日，累计交付", date(2025, 9, 1)) == [("截至8月26日", "..2025-08-26")]
    assert labels("前三季度营收") == [("前三季度", "2025-01..2025-09")]
    assert labels("去年全年销量", JAN) == [("去年全年", "2025")]


def test_year_boundary_for_months_and_quarters():
    assert labels("12月销量", JAN) == [("12月", "2025-12")]
    assert labels("12月销量", DEC) == [("12月", "2025-12")]
    assert labels("11月销量", DEC) == [("11月", "2025-11")]
    assert labels("1月销量", JAN) == [("1月", "2026-01")]
    assert labels("四季度销量", JAN) == [("四季度", "2025-Q4")]
    assert labels("1-12月销量", JAN) == [("1-12月", "2025-01..2025-12")]
    assert labels("全年销量", JAN) == [("全年", "2025")]
    assert labels("全年销量", DEC) == [("全年", "2025")]
    assert labels("下半年销量", JAN) == [("下半年", "2025-H2")]
    assert labels("截至12月31日，累计交付", JAN) == [("截至12月31日", "..2025-12-31")]
    assert labels("10月以来", date(2026, 3, 1)) == [("10月以来", "2025-10-01..2026-03-01")]


def test_future_cue_keeps_publication_year():
    assert labels("新车预计12月上市", date(2025, 11, 20)) == [("12月", "2025-12")]
    assert labels("四季度将推出新车", date(2025, 8, 1)) == [("四季度", "2025-Q4")]
    assert labels("全年销量目标为100万辆", date(2025, 7, 1)) == [("全年", "2025")]
    # a past-tense report of a period not over yet by publication: previous year
    assert labels("全年销量为100万辆", date(2025, 7, 1)) == [("全年", "2024")]


def test_year_in_context_within_a_sentence():
    text = "2024年比亚迪销量427万辆，其中第四季度销量150万辆，全年出口41万辆"
    assert labels(text) == [("2024年", "2024"), ("第四季度", "2024-Q4"), ("全年", "2024")]
    # a comparison basis does not set the year; a new sentence resets it
    assert labels("与2024年相比，四季度销量增长") == [("2024年", "2024"), ("四季度", "2025-Q4")]
    assert labels("2024年销量427万辆。四季度销量") == [("2024年", "2024"), ("四季度", "2025-Q4")]
    assert labels("去年，苹果在10月30日的发布会上") == [("去年", "2024"), ("10月30日", "2024-10-30")]


def test_yoy_basis():
    periods = find_periods("10月销量10万辆，较去年同期增长20%", DEC)
    assert [(p.text, p.label, p.basis) for p in periods] == [
        ("10月", "2025-10", False),
        ("去年同期", "2024-10", True),
    ]
    assert periods[1].start == date(2024, 10, 1)
    # no reference period: nothing, and 去年 alone is not reported as a year
    assert labels("较去年同期增长20%") == []


def test_no_publication_date():
    got = labels("10月销量 今年 截至8月26日 1-11月 Q3 今年以来 2025年10月", None)
    assert got == [
        ("10月", "????-10"),
        ("今年", "????"),
        ("截至8月26日", "..????-08-26"),
        ("1-11月", "????-01..????-11"),
        ("Q3", "????-Q3"),
        ("今年以来", "????-01-01.."),
        ("2025年10月", "2025-10"),
    ]
    for p in find_periods("10月销量 1-11月", None):
        assert p.start is None and p.end is None
    assert labels("上月销量", None) == []
    p = one("2025年以来", None)
    assert (p.start, p.end, p.label) == (date(2025, 1, 1), None, "2025-01-01..")


def test_one_period_for_year_plus_month():
    assert labels("2025年10月") == [("2025年10月", "2025-10")]
    assert labels("2025年1-11月") == [("2025年1-11月", "2025-01..2025-11")]
    assert labels("2025年10月26日") == [("2025年10月26日", "2025-10-26")]


@pytest.mark.parametrize(
    "text",
    [
        "3年内实现盈利",
        "两年后上市",
        "连续三个季度增长",
        "3个月内交付",
        "销量排名前10",
        "提前3个月完成",
        "目前年产能达到50万辆",
        "2025款车型",
        "2025年款车型",
        "奥迪Q3销量",
        "奥迪Q4 e-tron上市",
        "哈弗H2停产",
        "市场份额10%",
    ],
)
def test_not_periods(text):
    assert find_periods(text, DEC) == []


def test_several_in_one_text_sorted_and_spans_exact():
    text = "比亚迪2025年1-11月累计销量418万辆，11月销量48万辆，同比下降；上半年海外交付增长，截至11月底累计出口。"
    got = labels(text)
    assert got == [
        ("2025年1-11月", "2025-01..2025-11"),
        ("11月", "2025-11"),
        ("上半年", "2025-H1"),
        ("截至11月底", "..2025-11-30"),
    ]


def test_empty_text():
    assert find_periods("", DEC) == []


def test_two_digit_year_before_a_half_or_month_range():
    got = [(p.label, p.text) for p in find_periods("理想24年下半年净增5家,25年上半年净增28家;25年1-10月销量", date(2025, 12, 30))]
    assert got == [("2024-H2", "24年下半年"), ("2025-H1", "25年上半年"), ("2025-01..2025-10", "25年1-10月")]
    assert find_periods("过去10年里", date(2025, 12, 30)) == []


def test_a_quarterly_report_names_its_quarter():
    assert labels("比亚迪2024年一季报出炉", DEC) == [("2024年一季报", "2024-Q1")]
    # published in January, the fourth-quarter report is of the year before
    assert one("台积电四季报维持高增长", date(2023, 1, 14)).label == "2022-Q4"
