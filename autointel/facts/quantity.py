"""Quantities in canonical text: a numeral with its unit, qualifier and range.

``find_quantities(text)`` returns every quantity as a ``Quantity`` whose span
covers the qualifier words (约, 近, 超过, 左右), the numeral, the unit, and for a
change multiple the verb (增长1.6倍).  Values are in base units: 250万辆 ->
2500000 vehicle, 2.8兆美元 -> 2.8e12 USD, 12.1% -> 12.1 percent.

How it works: one compiled regex finds candidates starting at a numeral
(numeral unit? (separator numeral unit?)? qualifier?); what may stand before it
(增长/提升 for multiples, 约/近/超过, $) is read backwards by a second regex.
Python then parses the numerals (numbers.py) and rejects what only looks like a
quantity -- years, dates, times, model names, ordinals, phone numbers, URLs.
A rejected candidate does not hide what follows it: scanning resumes after it.

Decisions (the extractor relies on them):
* Vague numerals keep their vagueness and are never made more precise:
  ``10余万辆`` -> 1e5 over; ``3万多辆`` -> 3e4 over; ``近16万辆`` -> 1.6e5 nearly.
* ``数``/``几`` (several): value is the order of magnitude it names, value_max nine
  times that: 数百万 -> [1e6, 9e6], 几十万 -> [1e5, 9e5], 十几万 -> [1.1e5, 1.9e5].
  ``三五万`` (adjacent digits) is a range 3e4..5e4 without qualifier.
* A numeral written only in Chinese characters (三千, 两, 十) is a quantity only
  with a unit, 倍, 成 or 百分之: "一些", "统一", "千万别" are words, not numbers.
  A lone 一 before a counter (一辆, 一家, 一个, 一年) is an article, not a quantity.
* Bare Arabic numbers (no unit) are returned with ``unit=None`` when nothing says
  they are something else; the extractor decides what to do with them.
* 年 is a unit only for durations: 2至3年, 三年, 5年内, 近10年.  A 4-digit year
  (2025年, 2025-2027年, 二〇二五年) and an unmarked two-digit one (25年, which
  news uses for 2025) are not quantities.
* ``N成`` is a percentage (四成 -> 40 percent); ``增长1.6倍`` is +160 percent
  (kind change_multiple, verb inside the span); any other ``N倍`` is kind multiple,
  unit ``times``.
* 家 is ``store`` unless a company word follows (两家车企 -> unit).
* Beyond the brief's codes: TWD (新台币), CNY/kWh (元/千瓦时), kW, MWh, km/h.

Speed (measured on the dev box, CPython 3.11, one core, whole raw files including markup/URLs):
3.9M chars/s on ../shared/corpus/auto-news (690 files, 3.9M chars, 14.8k quantities) and 5.8M
chars/s on the first 3000 documents of corpus/bulk/picker-zh.jsonl.gz (16.6M chars).  The regex
starts with a character class so CPython skips non-candidates in C; keep it that way.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from autointel.facts.numbers import parse_decimal

__all__ = ["Quantity", "find_quantities"]


@dataclass(frozen=True)
class Quantity:
    start: int  # span in the text, qualifier words and unit included
    end: int
    text: str  # text[start:end]
    value: float  # in base units
    value_max: float | None  # upper bound of a range, else None
    unit: str | None  # canonical unit code; None for a bare number
    qualifier: str | None  # approx | nearly | over | under | several | None
    kind: str  # amount | percent | pct_point | multiple | change_multiple


# --- the candidate regex ------------------------------------------------------------------------
# The pattern starts with a plain character class, so the regex engine skips everything else in C
# without entering the pattern (CPython only does that for a leading literal or class).  What comes
# before a numeral (约, 超过, 增长, $) is read backwards in Python for the few candidates there are.

_D = "0-9０-９"
_AR = rf"(?:[{_D}]{{1,3}}(?:[,，][{_D}]{{3}})+(?![{_D}])|[{_D}]+)(?:[.．][{_D}]+)?"
# magnitude words; 千瓦/千米/百分点/兆瓦 are units, not 1000/100/10^12 of something
_K = "千(?![瓦米克伏帕赫卡])"
_H = "百(?!分)"
_T = "兆(?![瓦帕赫字比欧])"
_BIG = rf"(?:万亿|万|亿|{_T})"
_MAG = rf"(?:(?:{_H}|{_K})(?:{_BIG})?|{_BIG})"
_AR_TAIL = rf"(?:[ ]?[余多]?{_MAG})?(?:[ ]?[余多](?=[ ]?[家辆台个人名位座套款]))?[余多]?"  # "300 多家": a space before 多 too
_CN_DIGIT = "一二两三四五六七八九"
_CN_CHAR = rf"(?:[{_CN_DIGIT}零〇十万亿几余多]|{_H}|{_K}|{_T})"
_CN_DEC = rf"(?:点[零〇{_CN_DIGIT}]+(?:{_BIG})?)?"
_CN_NUM = (
    rf"(?:[{_CN_DIGIT}十]{_CN_CHAR}*{_CN_DEC}"
    rf"|[数几][十百千万亿]{_CN_CHAR}*"
    rf"|[百千](?:万|亿)(?:{_BIG})?|万亿)"
)
_NUM = rf"(?:{_AR}{_AR_TAIL}|{_CN_NUM})"

_UNITS: list[tuple[str, str]] = [  # (regex, code); longest first where they share a prefix
    ("个百分点", "pct_point"), ("百分点", "pct_point"), ("个多月", "month"), ("个半月", "month"), ("个月", "month"),
    ("辆/千人", "per_1000_people"), ("辆每千人", "per_1000_people"), ("/千人", "per_1000_people"),
    ("美元/(?i:kwh)", "USD/kWh"), ("美元/千瓦时", "USD/kWh"), ("美元每千瓦时", "USD/kWh"),
    ("元/(?i:kwh)", "CNY/kWh"), ("元/千瓦时", "CNY/kWh"), ("元/度", "CNY/kWh"),
    ("元人民币", "CNY"), ("人民币", "CNY"), ("美元", "USD"), ("美金", "USD"), ("欧元", "EUR"),
    ("日元", "JPY"), ("日圆", "JPY"), ("港元", "HKD"), ("港币", "HKD"), ("韩元", "KRW"), ("英镑", "GBP"),
    ("新台币", "TWD"), ("台币", "TWD"), ("块钱", "CNY"), ("元(?![素件宇旦])", "CNY"),
    ("块(?![屏板状地区域电芯面田石砖布])", "CNY"),
    ("家门店", "store"), ("家店", "store"), ("家", "store"),
    ("名员工", "person"), ("名(?![单称字义次列])", "person"), ("位(?![数置于列])", "person"),
    ("人(?![次均])", "person"),
    ("辆", "vehicle"), ("台(?![湾州阶积])", "unit"), ("套", "unit"),
    ("座(?![A-Za-z版车布大中小型级椅位舱])", "unit"), ("个(?![人])", "unit"),
    # 款 counts products only before the thing counted ("超过20款APP", "9款模型"); "2024款" is a model year,
    # and a line-up of cars (在售的8款车型) is no count anyone tracks
    ("款(?=[ ]?(?:APP|App|app|应用|模型|大模型|产品|新品|游戏|芯片|手机|机型))", "unit"),
    ("吉瓦时", "GWh"), ("(?i:gwh)", "GWh"), ("兆瓦时", "MWh"), ("(?i:mwh)", "MWh"),
    ("千瓦时", "kWh"), ("度电", "kWh"), ("(?i:kwh)", "kWh"), ("千瓦", "kW"), ("kW", "kW"),
    ("公里/小时", "km/h"), ("(?i:km/h)", "km/h"), ("公里", "km"), ("千米", "km"), ("(?i:km)", "km"),
    ("(?i:tops)", "TOPS"), ("%", "percent"), ("％", "percent"), ("(?i:pct)", "pct_point"), ("pp", "pct_point"),
    ("年", "year"), ("倍于", "times"), ("倍", "times"),
    ("成(?![为功立本员交果品就熟型效长绩都了份年人分不])", "tenth"),
]
_UNIT_ALT = "|".join(p for p, _ in _UNITS)
_UNIT_CODE: dict[str, str] = {}  # matched text -> code, filled as units are seen
# (a lookahead says what must follow the unit in the text; the unit's own text is matched without it)
_UNIT_RES = [(re.compile(p.split("(?=")[0] + "$"), c) for p, c in _UNITS]
_CUR = r"(?:US\$|HK\$|[$¥￥€£])"
_SEP = r"(?:-|－|—{1,2}|–|~|～|〜|至|到|乃至)"  # 加征25%乃至100%关税: from 25 up to 100
_PRE = (
    r"(?:约为|大约|大概|约合|约|接近|将近|逼近|近|不超过|超过|超出|突破|超|逾|破|至少|不少于|多于|高于"
    r"|不到|不足|低于|少于|未满)"
)
_VERB = r"(?:增长|增加|提升|提高|上涨|上升|扩大|增|涨)"
_POST = r"(?:左右|上下|前后|以上|以下|以内|之内|多)"

_FIRST = f"[{_D}{_CN_DIGIT}十数几百千万]"
_CANDIDATE = re.compile(
    # the first character, then what it cannot follow: a letter or digit (SU7, Q3, hashes), a code
    # separator after one (GPT-4, v1.2, /p/1, 10:30)
    rf"(?P<n1>{_FIRST}(?<![A-Za-z0-9０-９_%].)(?<![A-Za-z0-9][-－—–~./#@=&?:：].)"
    rf"(?:(?<=[{_D}])[{_D}]{{0,2}}+(?:[,，][{_D}]{{3}})++(?![{_D}])(?:[.．][{_D}]++)?{_AR_TAIL}"
    rf"|(?<=[{_D}])[{_D}]*+(?:[.．][{_D}]++)?{_AR_TAIL}"
    # Chinese numerals only with a unit after them or a 万/亿 in them (not 一些, 统一, 十分, 千万别);
    # a lone 一 is an article before a counter (一辆, 一家, 一个)
    rf"|(?<=[{_CN_DIGIT}十])(?!(?<=一)(?:个(?!百分点)|[家辆台套座名位人年块元度]))"
    rf"(?:{_CN_CHAR}*+{_CN_DEC})(?:(?<=[万亿兆余多])|(?=[ ]?(?:{_UNIT_ALT})))"
    rf"|(?<=[数几])[十百千万亿]{_CN_CHAR}*+"
    rf"|(?<=[百千])(?:万|亿)(?:{_BIG})?(?=[ ]?(?:{_UNIT_ALT}))|(?<=万)亿(?=[ ]?(?:{_UNIT_ALT}))"
    rf"|(?<=百)分之{_NUM}))"
    rf"(?:[ ]?(?P<u1>{_UNIT_ALT}))?"
    rf"(?:[ ]?(?P<sep>{_SEP})[ ]?(?P<cur2>{_CUR})?(?P<n2>(?:百分之)?{_NUM})(?:[ ]?(?P<u2>{_UNIT_ALT}))?)?"
    rf"(?P<post>{_POST})?"
)
# what may stand before a numeral, read backwards from it
_PREFIX = re.compile(rf"(?:(?P<verb>{_VERB})了?)?(?P<pre>{_PRE})?[ ]?(?P<cur>{_CUR})?\Z")

_QUALIFIERS = {
    "约为": "approx", "大约": "approx", "大概": "approx", "约合": "approx", "约": "approx",
    "左右": "approx", "上下": "approx", "前后": "approx",
    "接近": "nearly", "将近": "nearly", "逼近": "nearly", "近": "nearly",
    "超过": "over", "超出": "over", "突破": "over", "超": "over", "逾": "over", "至少": "over",
    "不少于": "over", "破": "over", "多于": "over", "高于": "over", "以上": "over", "多": "over", "余": "over",
    "不超过": "under", "不到": "under", "不足": "under", "低于": "under", "少于": "under", "未满": "under",
    "以下": "under", "以内": "under", "之内": "under",
}
_CURRENCY_SIGN = {"US$": "USD", "$": "USD", "HK$": "HKD", "¥": "CNY", "￥": "CNY", "€": "EUR", "£": "GBP"}

# --- what makes a candidate something else ------------------------------------------------------

# after a bare number: dates, times, periods, seats, ordinals of another kind, ages, generations
_NOT_AFTER = re.compile(r"[ ]?(?:座|月|日|号|时|点|分钟?|秒|季度|季|周年|周岁|岁|世纪|年代|代|届|期|版|级|星|楼|层|路|款|寸)")
# a number followed by Latin letters (5G, 1.5T, 19 Oct) or the first of a chain (2025-10-26, 1.2.3, 10:30)
_GLUED_AFTER = re.compile(r"[ ]?[A-Za-z_]|[-./:：][0-9]")
_DURATION_AFTER = ("内", "来", "以来", "后", "前", "间", "期间", "时间", "的时间", "之久", "质保", "半")
_DURATION_BEFORE = ("未来", "过去", "长达", "历时", "连续", "用了", "耗时", "每", "至少", "达")
# brand or series names that take a bare number as the model code (阿维塔11, 坦克300, 领克900)
_MODEL_PREFIX = re.compile(
    r"(?:阿维塔|坦克|领克|极氪|极越|海豹|海鸥|海豚|海狮|深蓝|问界|智界|享界|尊界|腾势|蔚来|小鹏|理想|零跑|哪吒"
    r"|岚图|智己|飞凡|仰望|方程豹|昊铂|埃安|星途|捷途|哈弗|魏牌|欧拉|宝骏|五菱|红旗|奔腾|启辰|秦|唐|宋|汉|元"
    r"|奥迪|宝马|奔驰|大众|丰田|本田|日产|别克|凯迪拉克|沃尔沃|标致|雪铁龙|保时捷|路虎|特斯拉|小米)$"
)
_COMPANY_AFTER = re.compile(r"(?:企业|公司|车企|厂商|厂家|供应商|经销商|机构|银行|媒体|品牌|工厂|主机厂|上市公司|首批|单位|成员)")
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'，。）)]+")
# an e-mail address is looked for around each "@" only: a leading [\w.+-]+ tried at every position of a
# long text cost more than the whole quantity scan
_EMAIL_AROUND = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
_ASCII_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_ADJACENT_DIGITS = re.compile(rf"([{_CN_DIGIT}])([{_CN_DIGIT}])([万亿千百十]*)")
_HAS_BIG = re.compile(r"[万亿兆]")


def find_quantities(text: str) -> list[Quantity]:
    """Every quantity in ``text``, sorted by start, non-overlapping."""
    found = _find_quantities(text)
    if "分之" in text or "半" in text:
        found = _with_fractions(text, found)
    if "过万" in text or "破万" in text:
        found = _with_ten_thousand(text, found)
    return found


# "月销量破万", "过万订单": over ten thousand (not 不过万一 "but in case", 经过/通过万…, 突破万亿)
_TEN_THOUSAND = re.compile(r"(?<![不经通])(?:过|破)万(?![一亿里千象众])(?P<u>辆|台|人|元)?")


def _with_ten_thousand(text: str, found: list[Quantity]) -> list[Quantity]:
    extra = []
    starts = [q.start for q in found]
    for m in _TEN_THOUSAND.finditer(text):
        i = bisect_right(starts, m.start())  # the quantities around the match only
        if any(q.start < m.end() and m.start() < q.end for q in found[max(0, i - 1):i + 1]):
            continue
        unit = _unit_code(m.group("u")) if m.group("u") else None
        extra.append(Quantity(m.start(), m.end(), m.group(), 10000.0, None, unit, "over", "amount"))
    return sorted(found + extra, key=lambda q: q.start) if extra else found


# "五分之一" = 20 percent, "十分之一" = 10 percent (the numerals are Chinese: 百分之 is handled by the regex)
_FRACTION = re.compile(r"(?P<pre>逾|超过|近|约|不到|不足)?(?P<d>[一二两三四五六七八九十]{1,2})分之(?P<n>[一二两三四五六七八九])")


_HALF = re.compile(r"(?P<pre>逾|超过|近|约|不到|不足)?(?:一半|半数)(?P<post>左右)?")


def _with_fractions(text: str, found: list[Quantity]) -> list[Quantity]:
    extra = []
    for m in _HALF.finditer(text):  # "一半左右", "近半数": 50 percent
        if not any(q.start < m.end() and m.start() < q.end for q in found):
            pre, post = m.group("pre"), m.group("post")
            extra.append(Quantity(m.start(), m.end(), m.group(), 50.0, None, "percent",
                                  _QUALIFIERS[pre] if pre else (_QUALIFIERS[post] if post else None), "percent"))
    for m in _FRACTION.finditer(text):
        if text[max(0, m.start("d") - 1):m.start("d")] == "百" or any(q.start < m.end() and m.start() < q.end for q in found):
            continue
        try:
            value = float(parse_decimal(m.group("n")) / parse_decimal(m.group("d")) * 100)
        except (ValueError, ZeroDivisionError):
            continue
        pre = m.group("pre")
        extra.append(Quantity(m.start(), m.end(), m.group(), round(value, 4), None, "percent",
                              _QUALIFIERS[pre] if pre else None, "percent"))
    return sorted(found + extra, key=lambda q: q.start) if extra else found


def _find_quantities(text: str) -> list[Quantity]:
    out: list[Quantity] = []
    urls = _link_spans(text)
    pos = 0
    search = _CANDIDATE.search
    while True:
        m = search(text, pos)
        if m is None:
            return out
        q, resume = _build(text, m, urls, out[-1].end if out else 0)
        if q is not None:
            if out and _continues(text, out[-1], q):
                q = _join(text, out.pop(), q)
            out.append(q)
        pos = max(resume, m.start() + 1)


# "427 万 2145 辆" = 4272145 vehicle (Solidot and Japanese-style reports write the remainder after 万/亿)
_REMAINDER_DIGITS = {"万": 4, "亿": 8}
_LEADING_DIGITS = re.compile(r"[0-9]+")


def _continues(text: str, head: Quantity, tail: Quantity) -> bool:
    """Is ``tail`` the remainder of ``head`` (a bare "427 万" right before "2145 辆")?"""
    if head.unit is not None or head.value_max is not None or head.text[-1:] not in _REMAINDER_DIGITS:
        return False
    if text[head.end:tail.start] not in ("", " ") or tail.qualifier or tail.value_max is not None:
        return False
    digits = _LEADING_DIGITS.match(tail.text)
    # the remainder is written in full (2145, 0300): exactly as many digits as the magnitude has zeros
    return bool(digits) and len(digits.group()) == _REMAINDER_DIGITS[head.text[-1]] and tail.kind == "amount"


def _join(text: str, head: Quantity, tail: Quantity) -> Quantity:
    return Quantity(head.start, tail.end, text[head.start:tail.end], head.value + tail.value, None, tail.unit,
                    head.qualifier, "amount")


def _link_spans(text: str) -> tuple[list[int], list[int]] | None:
    """Starts and ends (sorted) of the URLs and e-mail addresses in ``text``, or None: numbers inside
    them are not quantities. Looked up by bisection for each candidate."""
    spans = [m.span() for m in _URL.finditer(text)] if ("://" in text or "www." in text) else []
    at = text.find("@")
    while at >= 0:
        lo = max(0, at - 64)
        m = _EMAIL_AROUND.search(text, lo, at + 64)
        while m is not None and m.end() <= at:
            m = _EMAIL_AROUND.search(text, m.end(), at + 64)
        if m is not None and m.start() <= at < m.end():
            spans.append(m.span())
        at = text.find("@", at + 1)
    if not spans:
        return None
    spans.sort()
    merged: list[tuple[int, int]] = []
    for a, b in spans:
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return [a for a, _ in merged], [b for _, b in merged]


# --- one candidate ------------------------------------------------------------------------------


def _build(text: str, m: re.Match, urls: tuple[list[int], list[int]] | None, floor: int) -> tuple[Quantity | None, int]:
    """(quantity or None, where to resume scanning); ``floor``: end of the previous quantity."""
    n1_start = m.start()
    if urls:
        i = bisect_right(urls[0], n1_start) - 1
        if i >= 0 and n1_start < urls[1][i]:
            return None, m.end()
    p = _PREFIX.search(text, max(floor, n1_start - 10), n1_start)
    verb_start = p.start("verb") if p.group("verb") else -1
    pre, cur = p.group("pre"), p.group("cur")
    lead = p.start("pre") if pre else (p.start("cur") if cur else n1_start)
    prev = text[lead - 1] if lead else ""
    prev2 = text[lead - 2] if lead > 1 else ""
    n1, u1 = m.group("n1"), m.group("u1")
    if prev == " " and prev2 == "第":
        return None, m.end()  # "第 10000 辆": an ordinal written with a space, as canonical text spaces digits
    if prev == "第" or prev == "前" and prev2 not in "目当提此以之" and not _HAS_BIG.search(n1):
        return None, m.end()  # ordinals (第三, 第2名) and periods/ranks (前11个月, 前10名), not 目前300家
    if cur and prev in _ASCII_ALNUM:
        return None, m.end()
    pct = n1.startswith("百分之")
    if pct:
        n1 = n1[3:]

    n2, u2 = m.group("n2"), m.group("u2")
    if n2 is not None and not _range_ok(u1, u2):
        n2 = u2 = None  # "10万辆-20": not a range; the second number is read on its own
        post = None
    else:
        post = m.group("post")
    if n2 is not None and _CHANGE_BEFORE.search(text, max(floor, lead - 4), lead) \
            and text[(m.end("u1") if u1 else m.end("n1")):m.start("n2")].strip() in ("至", "到"):
        n2 = u2 = None  # "起售价上调500美元至53490美元": the change, then the level it reached; not a range
        post = None
    if n2 is not None and _descending(n1, n2):
        n2 = u2 = None  # "6至3", a 19-0 score: a range never runs downwards; the second number is read on its own
        post = None
    if n2 is not None and n2.startswith("百分之"):
        n2 = n2[3:]
        pct = True
    if post:
        end = m.end("post")
    elif n2 is not None:
        end = m.end("u2") if u2 else m.end("n2")
    else:
        end = m.end("u1") if u1 else m.end("n1")
    resume = end

    unit_text = u2 if n2 is not None and u2 else u1
    unit_start = (m.start("u2") if n2 is not None and u2 else m.start("u1")) if unit_text else end
    after_num = m.end("n2") if n2 is not None else m.end("n1")

    if not unit_text:
        # a number glued to letters after it (5G, 1.5T, 7X) or the first of a chain (2025-10-26, 10:30)
        if _GLUED_AFTER.match(text, after_num):
            return None, _skip_chain(text, after_num)
        if _NOT_AFTER.match(text, after_num):
            return None, after_num + 1
    elif unit_text[-1].isascii() and unit_text[-1].isalpha() and text[end:end + 1] in _ASCII_ALNUM:
        return None, end  # "5km" is a distance, "5kmx" a code

    code = _unit_code(unit_text) if unit_text else None
    if code is None and cur:
        code = _CURRENCY_SIGN[cur]
    if pct:
        code = "percent"

    cn_only = not any(c.isdigit() for c in n1)
    if code == "year" and not _is_duration(text, lead, n1, n2, post or pre, unit_start + 1):
        return None, end
    if post == "多" and code not in ("year", "times", "month"):
        post = None  # "10万辆多为…": 多 starts the next word
        end = resume = unit_start + len(unit_text) if unit_text else after_num
    if code == "store" and _COMPANY_AFTER.match(text, unit_start + 1):
        code = "unit"
    if code is None and not cn_only and not _bare_ok(text, lead, n1, n2 is not None or pre is not None):
        return None, end

    try:
        lo, hi, inner_q = _value(n1)
        if n2 is not None:
            lo2, hi2, inner_q2 = _value(n2)
            lo = _borrow_magnitude(n1, lo, n2, lo2)
            hi = hi2 if hi2 is not None else lo2
            inner_q = inner_q or inner_q2
    except ValueError:
        return None, end

    if inner_q == "several":
        qualifier = "several"
    elif pre:
        qualifier = _QUALIFIERS[pre]
    elif inner_q:
        qualifier = inner_q
    elif post:
        qualifier = _QUALIFIERS[post]
    elif code == "month" and "多" in unit_text:
        qualifier = "over"
    else:
        qualifier = None

    start = lead
    kind = "amount"
    if code == "percent":
        kind = "percent"
    elif code == "pct_point":
        kind = "pct_point"
    elif code == "tenth":
        code, kind = "percent", "percent"
        lo, hi = lo * 10, (hi * 10 if hi is not None else None)
    elif code == "times":
        if verb_start >= 0 and unit_text == "倍":
            code, kind, start = "percent", "change_multiple", verb_start
            lo, hi = lo * 100, (hi * 100 if hi is not None else None)
        else:
            kind = "multiple"
    return Quantity(start, end, text[start:end], float(lo), None if hi is None else float(hi), code, qualifier,
                    kind), resume


def _unit_code(unit_text: str) -> str | None:
    code = _UNIT_CODE.get(unit_text)
    if code is None:
        for rx, c in _UNIT_RES:
            if rx.match(unit_text):
                code = _UNIT_CODE[unit_text] = c
                break
    return code


def _value(num: str) -> tuple[Decimal, Decimal | None, str | None]:
    """(low, high or None, qualifier implied inside the numeral)."""
    num = num.replace(" ", "")
    inner = None
    if "余" in num or "多" in num:
        inner = "over"
        num = num.replace("余", "").replace("多", "")
    if "数" in num or "几" in num:
        lo = parse_decimal(num.replace("数", "一").replace("几", "一"))
        hi = parse_decimal(num.replace("数", "九").replace("几", "九"))
        return lo, hi, "several"
    m = _ADJACENT_DIGITS.fullmatch(num)
    if m:
        a, b = parse_decimal(m.group(1) + m.group(3)), parse_decimal(m.group(2) + m.group(3))
        if a < b:  # 三五万 -> 3万..5万, 两三年 -> 2..3
            return a, b, inner
    return parse_decimal(num), None, inner


def _descending(n1: str, n2: str) -> bool:
    """Is the second number of a would-be range smaller than the first (found by fuzzing: "2至1年")?"""
    try:
        lo, _, _ = _value(n1)
        lo2, hi2, _ = _value(n2.removeprefix("百分之"))
    except ValueError:
        return False
    return _borrow_magnitude(n1, lo, n2, lo2) > (hi2 if hi2 is not None else lo2)


def _borrow_magnitude(n1: str, v1: Decimal, n2: str, v2: Decimal) -> Decimal:
    """"2-3万" means 2万-3万: the first number borrows the second's magnitude when that fits."""
    if any(c in n1 for c in "万亿兆千百") or not any(c in n2 for c in "万亿兆"):
        return v1
    for word, mult in (("万亿", Decimal(10) ** 12), ("兆", Decimal(10) ** 12), ("亿", Decimal(10) ** 8),
                       ("万", Decimal(10) ** 4)):
        if word in n2:
            return v1 * mult if v1 * mult <= v2 else v1
    return v1


_CHANGE_BEFORE = re.compile(r"(?:上调|下调|调高|调低|提高|降低|增加|减少|上涨|下跌|下降|增长|提升|下滑|涨|降)了?\s*$")


def _range_ok(u1: str | None, u2: str | None) -> bool:
    if u1 and u2 and _unit_code(u1) != _unit_code(u2):
        return False
    if u1 and not u2:
        return False  # "10万辆-20…" : the second number has no unit, not the same quantity
    return True


def _is_duration(text: str, lead: int, n1: str, n2: str | None, marked: str | None, end: int) -> bool:
    """Is "N年" a duration (2至3年, 三年, 5年内, 近10年) rather than a calendar year (2025年, 25年)?"""
    for n in (n1, n2):
        if n is None:
            continue
        digits = sum(c.isdigit() for c in n)
        if digits >= 3 or (digits == 0 and len(n) >= 4 and all(c in "〇零一二三四五六七八九" for c in n)):
            return False  # 2025年, 二〇二五年
    if not any(c.isdigit() for c in n1):
        return True  # 三年, 十年
    if n2 is not None or marked or len(n1) == 1:
        return True  # 2至3年, 10年左右, 近10年, 5年
    if text.startswith(_DURATION_AFTER, end):
        return True
    before = text[max(0, lead - 2): lead]
    return any(before.endswith(w) for w in _DURATION_BEFORE)


def _bare_ok(text: str, lead: int, n1: str, marked: bool) -> bool:
    """A number without unit: keep it unless it is a code, a year, a list marker or a model number."""
    digits = n1.replace(",", "").replace("，", "")
    if digits[:1] in "0０" and (len(digits) == 1 or digits[1:2] not in ".．"):
        return False  # 0, 001, 09: nothing, or model codes (极氪001, 领克09)
    plain = digits.isdigit()
    if plain and len(digits) >= 7:
        return False  # phone numbers, ids
    if plain and len(digits) == 4 and "1900" <= digits <= "2100":
        return False  # "2022 全年", "2024款": a year without 年
    prev = text[lead - 1: lead]
    if prev == " " and text[lead - 2: lead - 1] in _ASCII_ALNUM and not _HAS_BIG.search(n1):
        return False  # Model 3, TPM 2.0, GB 44497-2024
    if prev in _LABEL_BEFORE:
        return False  # 图1, 表2
    end = lead + len(n1)
    if text[end: end + 1] in _LIST_AFTER and (lead == 0 or text[lead - 1] in _LINE_START):
        return False  # "2. 攻防演练", "3、"
    if plain and not marked and _MODEL_PREFIX.search(text, max(0, lead - 4), lead):
        return False  # 阿维塔11, 坦克300
    return True


_LABEL_BEFORE = frozenset("图表号")
_LIST_AFTER = frozenset(".、)）．")
_LINE_START = frozenset("\n \t*#(（【[>")


def _skip_chain(text: str, pos: int) -> int:
    """Resume after the whole code or chain: 2025-10-26, 10:30:15, 5G, 1.5T."""
    n = len(text)
    while pos < n and (text[pos] in _ASCII_ALNUM or text[pos] in "-./:：_"):
        pos += 1
    return pos
