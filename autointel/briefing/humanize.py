"""Stored fields as an analyst writes them: 约250万辆, 同比+12.1%, 2025年1—11月, 交付量.

Exact decimal arithmetic, so 217.9亿 stays 217.9亿: a magnitude word (万, 亿, 万亿) is used only when the
value divided by it has at most two decimals; otherwise the full number is written with separators
(87,071辆), never rounded into a figure the source did not give.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional

METRICS = {
    "production": "产量", "sales": "销量", "deliveries": "交付量", "exports": "出口", "shipments": "装机/出货量",
    "registrations": "上险量", "orders": "订单", "revenue": "营收", "profit": "利润", "investment": "投资/融资",
    "market_cap": "市值", "valuation": "估值", "stock_price": "股价", "price": "价格", "cost": "成本",
    "tariff": "关税", "penetration": "渗透率", "market_share": "市场份额", "ownership": "保有量",
    "capacity": "产能", "headcount": "人员", "stores": "门店", "compute": "算力", "count": "数量",
}
UNITS = {
    "vehicle": "辆", "person": "人", "CNY": "元", "USD": "美元", "EUR": "欧元", "JPY": "日元", "HKD": "港元",
    "percent": "%", "pct_point": "个百分点", "per_1000_people": "辆/千人", "USD/kWh": "美元/kWh", "store": "家",
    "TOPS": "TOPS", "GWh": "GWh", "kWh": "kWh", "unit": "个",
}
QUALIFIERS = {"approx": "约", "nearly": "近", "over": "超过", "under": "不到"}
BASES = {"yoy": "同比", "mom": "环比"}
CLAIM_TYPES = {
    "cooperation": "合作", "investment": "投资", "acquisition": "收购", "supply_deal": "供货", "plant": "建厂/工厂",
    "product_launch": "发布/上市", "tariff": "关税", "policy": "政策", "lawsuit": "诉讼", "personnel": "人事",
}
STATUSES = {"reported": "报道", "rumoured": "传闻", "denied": "否认", "no_comment": "未回应", "confirmed": "证实"}
_MAGNITUDES = [(Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")]
_SEVERAL = {10: "十", 100: "百", 1000: "千", 10 ** 4: "万", 10 ** 5: "十万", 10 ** 6: "百万", 10 ** 7: "千万",
            10 ** 8: "亿"}
_CN_MONTH_SPAN = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")
_QUARTERS = "一二三四"


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def _plain(d: Decimal) -> str:
    """No exponent, no trailing zeros: 217.9, 16, 0.5."""
    s = format(d.normalize(), "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def number(value: float, unit: str) -> str:
    """The number alone, with a magnitude word when that is exact: 16万, 217.9亿, 87,071, 12.1."""
    d = abs(_dec(value))
    if unit not in ("percent", "pct_point", "TOPS", "GWh", "kWh", "USD/kWh", "per_1000_people"):
        for size, word in _MAGNITUDES:
            scaled = d / size
            if scaled >= 1 and -scaled.normalize().as_tuple().exponent <= 2:
                return _plain(scaled) + word
    if d == d.to_integral_value() and d >= 10000:
        return f"{int(d):,}"
    return _plain(d)


def unit_word(unit: str, raw_text: str = "") -> str:
    """A count's measure word comes from the source (10台, 650个, 8座) when the unit is the generic one."""
    if unit == "unit" and raw_text:
        tail = raw_text.rstrip()[-1:]
        if tail and not tail.isdigit() and not tail.isascii():
            return tail
    return UNITS.get(unit, unit)


def amount(value: float, value_max: Optional[float], unit: str, qualifier: Optional[str], raw_text: str = "",
           sign: str = "") -> str:
    """A quantity as written: 近16万辆, 12万至12.5万辆, 约217.9亿元, 数万人, 12.1% (``sign`` after the qualifier:
    约+276%)."""
    word = unit_word(unit, raw_text)
    if qualifier == "several":
        base = int(abs(_dec(value)))
        return sign + "数" + _SEVERAL.get(base, number(value, unit)) + word
    shown = number(value, unit)
    if value_max is not None:
        shown += "至" + number(value_max, unit)
    return QUALIFIERS.get(qualifier or "", "") + sign + shown + word


def figure(fact: dict) -> str:
    """A fact's figure with its basis: 近16万辆, 同比+276%, 环比−3.2%, 同比约+30%, +12.5%."""
    sign = {"up": "+", "down": "−"}.get(fact.get("direction") or "", "")
    return BASES.get(fact.get("basis") or "", "") + amount(fact["value"], fact["value_max"], fact["unit"],
                                                           fact["qualifier"], fact.get("text") or "", sign)


def _point(label: str) -> str:
    parts = label.split("-")
    if len(parts) == 1 and parts[0].isdigit():
        return f"{parts[0]}年"
    if len(parts) == 2 and parts[1].startswith("Q") and parts[1][1:] in "1234":
        return f"{parts[0]}年第{_QUARTERS[int(parts[1][1]) - 1]}季度"
    if len(parts) == 2 and parts[1] in ("H1", "H2"):
        return f"{parts[0]}年{'上' if parts[1] == 'H1' else '下'}半年"
    if len(parts) == 2 and parts[1].isdigit():
        return f"{parts[0]}年{int(parts[1])}月"
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{parts[0]}年{int(parts[1])}月{int(parts[2])}日"
    return label


def period(label: Optional[str]) -> str:
    """2025 -> 2025年; 2025-01..2025-11 -> 2025年1—11月; ..2025-08-26 -> 截至2025年8月26日; Q3, H1, days."""
    if not label:
        return ""
    m = _CN_MONTH_SPAN.match(label)
    if m and m.group(1) == m.group(3):
        return f"{m.group(1)}年{int(m.group(2))}—{int(m.group(4))}月"
    if label.startswith(".."):
        return "截至" + _point(label[2:])
    if label.endswith(".."):
        return "自" + _point(label[:-2]) + "起"
    if ".." in label:
        a, b = label.split("..", 1)
        return f"{_point(a)}—{_point(b)}"
    return _point(label)


def metric(name: str) -> str:
    return METRICS.get(name, name)


def claim_type(name: str) -> str:
    return CLAIM_TYPES.get(name, name)


def status(name: Optional[str]) -> str:
    return STATUSES.get(name or "", name or "")
