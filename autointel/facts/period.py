"""Time periods in Chinese auto-industry news, resolved against the publication date.

``find_periods(text, published)`` returns every period expression it recognises,
sorted and non-overlapping (leftmost, then longest match wins), each resolved to
dates and a normalised label.  It is regex-driven and standard-library only.

Labels
------
========================  ==========================  =================================
expression                label                       start .. end
========================  ==========================  =================================
2025年, 2025年全年, 今年   ``2025``                    2025-01-01 .. 2025-12-31
2021-2025年               ``2021..2025``              2021-01-01 .. 2025-12-31
10月, 2025年10月          ``2025-10``                 2025-10-01 .. 2025-10-31
1-11月, 前11个月          ``2025-01..2025-11``        2025-01-01 .. 2025-11-30
前三季度, 1-3季度         ``2025-01..2025-09``        2025-01-01 .. 2025-09-30
上半年, H1, 1H25          ``2025-H1``                 2025-01-01 .. 2025-06-30
三季度, Q3, 三季报        ``2025-Q3``                 2025-07-01 .. 2025-09-30
1月19日, 2025-01-19       ``2025-01-19``              that day
1月1-18日                 ``2025-01-01..2025-01-18``  those days
截至8月26日 / 8月底 / 8月  ``..2025-08-26`` / ``..2025-08-31``   None .. that day
截至目前                  ``..<published>``           None .. published
今年以来, 年初至今        ``2025-01-01..2025-12-05``  2025-01-01 .. published
10月以来                  ``2025-10-01..2025-12-05``  2025-10-01 .. published
去年同期 (basis=True)     the nearest earlier period in the paragraph, one year back
========================  ==========================  =================================

Decisions
---------
* Relative years (今年/本年, 去年/上年, 明年, 前年) and relative months/quarters
  (上月, 上个月, 本月, 下月, 上季度, 本季度, 下季度) count from ``published``.
  Without a publication date relative months/quarters are not returned.
* 今年以来 / 年初至今 run from 1 January of the (publication) year to the
  publication date.  Without a publication date ``end`` is None and the label
  is open-ended (``2025-01-01..`` or ``????-01-01..``).
* A period written without a year takes, in order: the year of an earlier
  period with an explicit year (2025年, 去年, ...) in the same sentence, unless
  that year was a comparison basis (比/较/与/和/于/同 just before it); otherwise
  the publication year.  With the publication year, a period that is not over by
  the end of the publication month (12月 published 2026-01-05; 1-12月 or 全年
  published in January) moves to the previous year when its clause reads as a
  report (the default) rather than a plan: future cues (将, 预计, 计划, 有望, 目标,
  ...) or present cues (以来, 至今, 目前, 进入, ...) in the same clause keep the
  publication year.  "10月以来" always starts in the past.
* No year anywhere (no explicit year, no context year, no publication date):
  ``start`` and ``end`` are None and the year in the label is ``????``
  (``????-10``, ``????-01..????-11``, ``????-Q3``, ``..????-08-26``).  Callers
  should treat a period with ``"????"`` in its label as unresolved.
* 去年同期 / 上年同期 is returned with ``basis=True``: the nearest earlier
  non-basis period in the same paragraph, moved one year back (10月 ... 较去年同期
  -> 2024-10).  With no earlier period it is not returned (and its 去年 is not
  reported as a year either).
* Durations (3年内, 两年后, 连续三个季度, 3个月) are not periods.  Model years
  (2025款, 2025年款) are not periods.  Bare Q1-Q4 / H1-H2 after a model brand
  (奥迪Q3, 哈弗H2, Q4 e-tron) are not periods.
* Full-width digits/letters and dash variants are accepted; matching runs on a
  same-length normalised copy, so spans always index the text passed in.
"""
from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterator

__all__ = ["Period", "find_periods"]


@dataclass(frozen=True)
class Period:
    start: date | None  # first day covered; None = open ("as of") or unresolved
    end: date | None  # last day covered, inclusive; None = unresolved / open
    label: str
    char_start: int
    char_end: int
    text: str
    basis: bool = False  # 去年同期: the year-on-year comparison basis, not a reported period


# --- normalisation (same length, so spans carry over) -----------------------------------
_TRANS = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_TRANS.update({0x3000: 0x20, 0x00A0: 0x20})


def _norm(text: str) -> str:
    return text.translate(_TRANS)


# --- regex fragments ---------------------------------------------------------------------
_S = "[ ]?"
_DASH = f"{_S}(?:[-–—~‐‑‒―]{{1,2}}|至|到){_S}"
_CNDIG = "〇零一二三四五六七八九"
_YA = rf"(?:(?<![\d.])(?:19|20)\d{{2}}(?!\d)|(?<![{_CNDIG}十])[一二][{_CNDIG}]{{3}})"
_YR = r"(?:今年|去年|明年|(?<![目提之此以日从空当眼跟向超事生])前年|(?<![以向])上年|本年)"
_MA = r"(?<![\d.])(?:1[0-2]|0?[1-9])"
_MC = rf"(?<![{_CNDIG}十两几数同统单唯第每逐])(?:十[一二]?|[一二三四五六七八九])"
_M = f"(?:{_MA}|{_MC})"
_MON = f"{_S}月(?:份(?!额))?"
_DN = r"(?:(?<!\d)(?:3[01]|[12]\d|0?[1-9])|三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])"
_DU = f"{_S}(?:日|号(?![线楼车店院门台位]))"
_QN = "[一二三四1-4]"
_NO_ALNUM_BEFORE = r"(?<![A-Za-z0-9])"
_NO_ALNUM_AFTER = r"(?![A-Za-z0-9])"


def _yp(n: str) -> str:
    """A year prefix: 2025年 / 二〇二五年 / 2025年度 / 今年 / 去年 ..."""
    return f"(?:(?P<{n}a>{_YA}){_S}年(?:度)?|(?P<{n}r>{_YR})(?:度)?)"


def _opt_yp(n: str) -> str:
    return f"(?:{_yp(n)}(?:的)?{_S})?"


_REL_YEAR = {"今年": 0, "本年": 0, "去年": -1, "上年": -1, "明年": 1, "前年": -2}
_CN_VAL = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_VAL.update({"〇": 0, "两": 2})


def _num(s: str) -> int:
    if s.isdigit():
        return int(s)
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_VAL[a] if a else 1) * 10 + (_CN_VAL[b] if b else 0)
    return _CN_VAL[s]


def _year_abs(s: str) -> int | None:
    y = int(s) if s.isdigit() else int("".join(str(_CN_VAL[c]) for c in s))
    return y if 1900 <= y <= 2099 else None


# Year specification of a candidate: ("abs", 2025), ("rel", -1) or ("ctx", None).
YSpec = tuple[str, int | None]
_CTX: YSpec = ("ctx", None)


def _ys(m: re.Match, n: str) -> YSpec | None:
    """Year spec from prefix group n; None when the prefix is absent; ("bad", None) when invalid."""
    a = m.group(n + "a")
    if a:
        y = _year_abs(a)
        return ("abs", y) if y else ("bad", None)
    r = m.group(n + "r")
    if r:
        return ("rel", _REL_YEAR[r])
    short = m.groupdict().get(n + "s")
    if short:
        return ("abs", 2000 + int(short))
    return None


# --- building periods from a year --------------------------------------------------------
Built = tuple[date | None, date | None, str]


def _last(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _ym(y: int | None, m: int) -> str:
    return f"{'????' if y is None else f'{y:04d}'}-{m:02d}"


def _ymd(y: int | None, m: int, d: int) -> str:
    return f"{_ym(y, m)}-{d:02d}"


def _b_year(y: int | None) -> Built:
    if y is None:
        return None, None, "????"
    return date(y, 1, 1), date(y, 12, 31), f"{y:04d}"


def _b_months(y: int | None, m1: int, m2: int, yoff: int = 0) -> Built:
    if y is None:
        lab = _ym(None, m1) if m1 == m2 and not yoff else f"{_ym(None, m1)}..{_ym(None, m2)}"
        return None, None, lab
    y2 = y + yoff
    lab = _ym(y, m1) if (m1 == m2 and not yoff) else f"{_ym(y, m1)}..{_ym(y2, m2)}"
    return date(y, m1, 1), _last(y2, m2), lab


def _b_suffix(y: int | None, m1: int, m2: int, suffix: str) -> Built:
    lab = f"{'????' if y is None else f'{y:04d}'}-{suffix}"
    if y is None:
        return None, None, lab
    return date(y, m1, 1), _last(y, m2), lab


def _b_day(y: int | None, m: int, d: int) -> Built | None:
    if y is None:
        return (None, None, _ymd(None, m, d)) if d <= calendar.monthrange(2000, m)[1] else None
    try:
        day = date(y, m, d)
    except ValueError:
        return None
    return day, day, day.isoformat()


def _b_days(y: int | None, m1: int, d1: int, m2: int, d2: int) -> Built | None:
    yoff = 1 if (m2, d2) < (m1, d1) else 0
    if y is None:
        if d1 > calendar.monthrange(2000, m1)[1] or d2 > calendar.monthrange(2000, m2)[1]:
            return None
        return None, None, f"{_ymd(None, m1, d1)}..{_ymd(None, m2, d2)}"
    try:
        a, b = date(y, m1, d1), date(y + yoff, m2, d2)
    except ValueError:
        return None
    return a, b, f"{a.isoformat()}..{b.isoformat()}"


def _b_asof(y: int | None, m: int, d: int | None) -> Built | None:
    if y is None:
        dd = d if d is not None else calendar.monthrange(2001, m)[1]
        return None, None, f"..{_ymd(None, m, dd)}"
    try:
        day = date(y, m, d) if d is not None else _last(y, m)
    except ValueError:
        return None
    return None, day, f"..{day.isoformat()}"


# --- candidates --------------------------------------------------------------------------
@dataclass
class _Cand:
    start: int
    end: int
    ys: YSpec  # how the year is found
    build: Callable[[int | None], Built | None]
    kind: str = "period"  # "period" | "since" | "fixed" | "basis"
    fixed: Built | None = None  # for kind "fixed": already resolved


Handler = Callable[[re.Match, "date | None", "YSpec | None"], "_Cand | None"]
_RULES: list[tuple[re.Pattern, Handler, bool]] = []
# A year prefix is found by looking back from a match rather than as an optional
# group at the head of every pattern (that made each pattern try it at every position).
# "25年上半年", "24年下半年": news writes the year with two digits before a half, quarter or month
_PREFIX = re.compile(f"(?:{_yp('y')}|(?<![\\d.])(?P<ys>[12]\\d){_S}年)(?:的)?{_S}\\Z")
_PREFIX_REACH = 16


def _rule(pattern: str, prefix: bool = False, first: str = ""):
    """Register a pattern; with prefix=True a year prefix (2025年, 今年的 ...) just before a match joins it.

    ``first`` lists the characters a match can start with: a leading lookahead on
    them lets the engine skip other positions quickly (about 5x faster).
    """
    rx = re.compile(f"(?=[{first}]){pattern}" if first else pattern)

    def deco(fn: Handler) -> Handler:
        _RULES.append((rx, fn, prefix))
        return fn

    return deco


def _cand(m: re.Match, ys: YSpec | None, build, kind: str = "period") -> _Cand | None:
    if ys is not None and ys[0] == "bad":
        return None
    return _Cand(m.start(), m.end(), ys or _CTX, build, kind)


def _fixed(m: re.Match, built: Built | None) -> _Cand | None:
    if built is None:
        return None
    return _Cand(m.start(), m.end(), ("fixed", None), lambda y: built, "fixed", built)


# year: 2025年, 2025年全年, 2025年度, 今年, 去年全年, 全年
@_rule(f"(?:{_yp('y')}(?!款|型|式)(?:{_S}全年(?:度)?)?|(?<![完])全年(?:度)?)", first="12一二今去明前上本全")
def _h_year(m, pub, ys):
    return _cand(m, _ys(m, "y"), _b_year)


# year range: 2021-2025年, 2021年至2025年
@_rule(f"(?P<y1>{_YA})(?:{_S}年)?{_DASH}(?P<y2>{_YA}){_S}年(?!款|型|式)", first="12一二")
def _h_year_range(m, pub, ys):
    y1, y2 = _year_abs(m["y1"]), _year_abs(m["y2"])
    if not y1 or not y2 or y2 <= y1:
        return None
    return _fixed(m, (date(y1, 1, 1), date(y2, 12, 31), f"{y1:04d}..{y2:04d}"))


# month: 10月, 10月份, 2025年10月, 十月
@_rule(f"(?P<m>{_M}){_MON}", prefix=True, first="\\d一二三四五六七八九十")
def _h_month(m, pub, ys):
    mo = _num(m["m"])
    if not 1 <= mo <= 12:
        return None
    return _cand(m, ys, lambda y: _b_months(y, mo, mo))


# month range: 1-11月, 1—10月, 1至10月, 2025年1-11月, 1月-11月份, 2024年12月至2025年2月
@_rule(f"(?P<m1>{_M})(?P<u1>{_MON})?{_DASH}(?:{_yp('b')}(?:的)?{_S})?(?P<m2>{_M}){_MON}", prefix=True, first="\\d一二三四五六七八九十")
def _h_month_range(m, pub, ys):
    m1, m2 = _num(m["m1"]), _num(m["m2"])
    ys1, ys2 = ys, _ys(m, "b")
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    if ys2 is not None and ys1 is None and m["u1"] and ys2[0] in ("abs", "rel") and m2 < m1:
        # "从 10 月到 2025 年 1 月": the second end's year, the first end in the year before
        y2 = ys2[1] if ys2[0] == "abs" else (pub.year + ys2[1] if pub is not None else None)
        if y2 is None:
            return None
        return _fixed(m, _b_months(y2 - 1, m1, m2, 1))
    if ys2 is not None:
        if ys1 is None or not m["u1"] or ys2[0] == "bad" or ys1[0] == "bad" or ys1[0] != ys2[0]:
            return None
        yoff = ys2[1] - ys1[1]
        if yoff < 0 or (yoff == 0 and m2 <= m1):
            return None
    else:
        if m1 == m2:
            return None
        yoff = 1 if m2 < m1 else 0
    return _cand(m, ys1, lambda y: _b_months(y, m1, m2, yoff))


# cumulative: 前11个月, 前10月, 今年前10个月, 前三季度, 前两个季度
@_rule(
    f"(?<![提此之以目日从])前{_S}(?P<n>1[0-2]|[2-9]|十[一二]?|[两二三四五六七八九])"
    f"{_S}(?:个{_S})?(?P<u>季度|月(?:份(?!额))?)"
, prefix=True, first="前")
def _h_cumulative(m, pub, ys):
    n = _num(m["n"])
    months = n * 3 if m["u"] == "季度" else n
    if m["u"] == "季度" and not 2 <= n <= 4 or not 2 <= months <= 12:
        return None
    return _cand(m, ys, lambda y: _b_months(y, 1, months))


# quarter range: 1-3季度, 一至三季度, 第二至第四季度
@_rule(f"(?<![前\\d{_CNDIG}十两几每])第?(?P<q1>{_QN}){_DASH}第?(?P<q2>{_QN}){_S}季度", prefix=True, first="第一二三四1-4")
def _h_quarter_range(m, pub, ys):
    q1, q2 = _num(m["q1"]), _num(m["q2"])
    if q2 <= q1:
        return None
    return _cand(m, ys, lambda y: _b_months(y, q1 * 3 - 2, q2 * 3))


def _b_quarter(y: int | None, q: int) -> Built:
    return _b_suffix(y, q * 3 - 2, q * 3, f"Q{q}")


def _b_half(y: int | None, h: int) -> Built:
    return _b_suffix(y, 1 if h == 1 else 7, 6 if h == 1 else 12, f"H{h}")


# quarter: 三季度, 第三季度, 2025年第三季度, 四季度; a quarterly report names its quarter (2024年一季报, 四季报);
# 第三财季 (a company's fiscal quarter, written as the calendar quarter: the label has no fiscal form)
@_rule(f"(?<![前\\d{_CNDIG}十两几每个])第?(?P<q>{_QN}){_S}(?:季(?:度|报)|财季)", prefix=True, first="第一二三四1-4")
def _h_quarter(m, pub, ys):
    if m.group().endswith("财季") and m.string[max(0, m.start() - 3):m.start()].rstrip().endswith("财年"):
        return None  # "2023财年第二财季": a quarter of a fiscal year, not of the calendar
    q = _num(m["q"])
    return _cand(m, ys, lambda y: _b_quarter(y, q))


_BRAND_GUARD = "(?<!奥迪)(?<!奥迪 )(?<!Audi)(?<!Audi )(?<!全新)(?<!新款)(?<!国产)(?<!进口)(?<!哈弗)(?<!红旗)(?<!长城)"
_MODEL_AFTER = f"(?!{_S}(?:e-?tron|Sportback|PHEV|[Ll](?![a-z])))"


# Q3, 2025年Q3, 今年Q3 (bare Q3 not after a brand, not "Q4 e-tron")
@_rule(f"{_NO_ALNUM_BEFORE}{_BRAND_GUARD}Q(?P<q>[1-4]){_NO_ALNUM_AFTER}{_MODEL_AFTER}(?!{_S}(?:19|20)\\d\\d)", prefix=True, first="Q")
def _h_q_bare(m, pub, ys):
    q = int(m["q"])
    return _cand(m, ys, lambda y: _b_quarter(y, q))


# 2025Q3, 2025 Q3, 25Q3, Q3 2025, Q3'25, 3Q25, 3Q 2025
@_rule(
    f"{_NO_ALNUM_BEFORE}(?:(?P<y1>(?:19|20)\\d\\d|\\d\\d){_S}Q(?P<q1>[1-4])"
    f"|Q(?P<q2>[1-4])(?:{_S}(?P<y2>(?:19|20)\\d\\d)|'(?P<y3>\\d\\d))"
    f"|(?P<q3>[1-4])Q{_S}(?P<y4>(?:19|20)\\d\\d|\\d\\d)){_NO_ALNUM_AFTER}"
, first="\\dQ")
def _h_q_year(m, pub, ys):
    ys = m["y1"] or m["y2"] or m["y3"] or m["y4"]
    q = int(m["q1"] or m["q2"] or m["q3"])
    y = int(ys) + (2000 if len(ys) == 2 else 0)
    return _fixed(m, _b_quarter(y, q))


# 上半年, 下半年, 2025年上半年, 今年下半年
@_rule(f"(?P<h>[上下])半年(?:度)?", prefix=True, first="上下")
def _h_half_cn(m, pub, ys):
    h = 1 if m["h"] == "上" else 2
    return _cand(m, ys, lambda y: _b_half(y, h))


# H1, 2025年H1, 今年H2 (bare H1/H2 not after a brand)
@_rule(f"{_NO_ALNUM_BEFORE}{_BRAND_GUARD}H(?P<h>[12]){_NO_ALNUM_AFTER}(?!{_S}(?:19|20)\\d\\d)", prefix=True, first="H")
def _h_h_bare(m, pub, ys):
    h = int(m["h"])
    return _cand(m, ys, lambda y: _b_half(y, h))


# 2025H1, 2025 H1, H1 2025, 1H25, 1H 2025
@_rule(
    f"{_NO_ALNUM_BEFORE}(?:(?P<y1>(?:19|20)\\d\\d){_S}H(?P<h1>[12])"
    f"|H(?P<h2>[12]){_S}(?P<y2>(?:19|20)\\d\\d)"
    f"|(?P<h3>[12])H{_S}(?P<y3>(?:19|20)\\d\\d|\\d\\d)){_NO_ALNUM_AFTER}"
, first="\\dH")
def _h_h_year(m, pub, ys):
    ys = m["y1"] or m["y2"] or m["y3"]
    h = int(m["h1"] or m["h2"] or m["h3"])
    y = int(ys) + (2000 if len(ys) == 2 else 0)
    return _fixed(m, _b_half(y, h))


# day: 1月19日, 2025年8月26日, 8月26号, 十月一日
@_rule(f"(?P<m>{_M}){_S}月{_S}(?P<d>{_DN}){_DU}", prefix=True, first="\\d一二三四五六七八九十")
def _h_day(m, pub, ys):
    mo, d = _num(m["m"]), _num(m["d"])
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return _cand(m, ys, lambda y: _b_day(y, mo, d))


# day range: 1月1-18日, 8月1日至26日, 12月29日至1月4日, 2025年10月1日至2025年10月7日
@_rule(
    f"(?P<m1>{_M}){_S}月{_S}(?P<d1>{_DN})(?:{_DU})?{_DASH}"
    f"(?:{_opt_yp('b')}(?P<m2>{_M}){_S}月{_S})?(?P<d2>{_DN}){_DU}"
, prefix=True, first="\\d一二三四五六七八九十")
def _h_day_range(m, pub, ys):
    m1, d1 = _num(m["m1"]), _num(m["d1"])
    m2 = _num(m["m2"]) if m["m2"] else m1
    d2 = _num(m["d2"])
    ys1, ys2 = ys, _ys(m, "b")
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12 and 1 <= d1 <= 31 and 1 <= d2 <= 31):
        return None
    if not m["m2"] and d2 <= d1:
        return None
    if ys2 is not None:  # both ends with a year: resolve the first, check the second
        if ys1 is None or ys1[0] != ys2[0] or ys1[0] == "bad" or ys2[1] - ys1[1] != (1 if (m2, d2) < (m1, d1) else 0):
            return None
    return _cand(m, ys1, lambda y: _b_days(y, m1, d1, m2, d2))


# ISO-like dates: 2025-08-26, 2025/8/26, 2025.8.26
@_rule(r"(?<![\d.])(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?![\d])", first="12")
def _h_iso(m, pub, ys):
    return _fixed(m, _b_day(int(m["y"]), int(m["m"]), int(m["d"])))


# as of: 截至8月26日, 截至2025年8月底, 截止到10月末, 截至今年6月, 截至2025年底, 截至三季度末, 截至目前
_ASOF = f"(?:截至|截止)(?:到|至)?{_S}"


@_rule(f"{_ASOF}{_opt_yp('y')}(?P<m>{_M}){_S}月(?:份)?(?:{_S}(?P<d>{_DN}){_DU}|(?P<eom>底|末))?", first="截")
def _h_asof_month(m, pub, ys):
    mo = _num(m["m"])
    d = _num(m["d"]) if m["d"] else None
    if not 1 <= mo <= 12:
        return None
    return _cand(m, _ys(m, "y"), lambda y: _b_asof(y, mo, d))


@_rule(f"{_ASOF}(?:{_yp('y')}{_S}年?|年)[底末]", first="截")
def _h_asof_year(m, pub, ys):
    return _cand(m, _ys(m, "y"), lambda y: _b_asof(y, 12, 31))


@_rule(f"{_ASOF}{_opt_yp('y')}(?:第?(?P<q>{_QN}){_S}季度|(?P<h>[上下])半年)(?:末|底)", first="截")
def _h_asof_qh(m, pub, ys):
    mo = _num(m["q"]) * 3 if m["q"] else (6 if m["h"] == "上" else 12)
    return _cand(m, _ys(m, "y"), lambda y: _b_asof(y, mo, None))


@_rule(rf"{_ASOF}(?P<y>(?:19|20)\d\d)(?P<sep>[-/.])(?P<m>1[0-2]|0?[1-9])(?P=sep)(?P<d>3[01]|[12]\d|0?[1-9])(?!\d)", first="截")
def _h_asof_iso(m, pub, ys):
    return _fixed(m, _b_asof(int(m["y"]), int(m["m"]), int(m["d"])))


@_rule(f"{_ASOF}(?:目前|当前|今日|今天|现在|发稿|本文发稿)(?:时|为止)?", first="截")
def _h_asof_now(m, pub, ys):
    if pub is None:
        return None
    return _fixed(m, (None, pub, f"..{pub.isoformat()}"))


# since: 今年以来, 2025年以来, 2025年至今, 10月以来, 今年1月1日至今, 年初至今, 今年初以来
_SINCE_BACK = re.compile(f"(?:(?P<m>{_M}){_S}月(?:份)?{_S}(?:(?P<d>{_DN}){_DU}{_S})?)?\\Z")
_START_BACK = re.compile(f"(?:(?P<ya>{_YA}){_S}年|(?P<yr>今|本|去|明)年|年){_S}\\Z")


@_rule("以来|至今", first="以至")
def _h_since(m, pub, ys):
    text, s = m.string, m.start()
    bm = _SINCE_BACK.search(text, max(0, s - 10), s)
    if bm is not None and bm.start() < s:
        s = bm.start()
    pm = _PREFIX.search(text, max(0, s - _PREFIX_REACH), s)
    ys = _ys(pm, "y") if pm is not None else None
    if ys is not None and ys[0] != "bad":
        s = pm.start()
    else:
        ys = None
        if bm is None or not bm["m"]:
            return None
    mo = _num(bm["m"]) if bm is not None and bm["m"] else 1
    d = _num(bm["d"]) if bm is not None and bm["d"] else 1
    if not 1 <= mo <= 12:
        return None
    c = _cand(m, ys, lambda y: _b_since(y, mo, d, pub), "since")
    c.start = s
    return c


@_rule(f"初{_S}(?:至今|以来|到现在|迄今|到目前)", first="初")
def _h_since_start(m, pub, ys):
    text = m.string
    bm = _START_BACK.search(text, max(0, m.start() - 8), m.start())
    if bm is None:
        return None
    if bm["ya"]:
        y = _year_abs(bm["ya"])
        if not y:
            return None
        ys = ("abs", y)
    elif bm["yr"]:
        ys = ("rel", _REL_YEAR[bm["yr"] + "年"])
    c = _cand(m, ys, lambda y: _b_since(y, 1, 1, pub), "since")
    c.start = bm.start()
    return c


def _b_since(y: int | None, mo: int, d: int, pub: date | None) -> Built | None:
    if y is None:
        return None, None, f"{_ymd(None, mo, d)}.."
    try:
        start = date(y, mo, d)
    except ValueError:
        return None
    if pub is None:
        return start, None, f"{start.isoformat()}.."
    if start > pub:
        return None
    return start, pub, f"{start.isoformat()}..{pub.isoformat()}"


# relative months and quarters: 上月, 上个月, 本月, 下个月, 上季度, 本季度
_REL_MONTH = {"上": -1, "本": 0, "这": 0, "下": 1}


@_rule(r"(?<![以向])(?P<w>[上本这下])(?:一)?(?:个)?(?P<u>月(?:份(?!额))?|季度)", first="上本这下")
def _h_rel_month(m, pub, ys):
    if pub is None:
        return None
    if m["w"] == "这" and not m.group(0).startswith("这个"):
        return None
    off = _REL_MONTH[m["w"]]
    if m["u"] == "季度":
        q = (pub.month - 1) // 3 + off
        y = pub.year + q // 4
        return _fixed(m, _b_quarter(y, q % 4 + 1))
    idx = pub.year * 12 + pub.month - 1 + off
    y, mo = divmod(idx, 12)
    return _fixed(m, _b_months(y, mo + 1, mo + 1))


# 当季/当季度/该季度: the quarter being reported on; alone, the publication's quarter like 本季度 (after a
# quarterly report named with its year, extract.py makes it that report's quarter)
@_rule(r"(?:当|该)季度?(?![节风])", first="当该")
def _h_this_quarter(m, pub, ys):
    if pub is None:
        return None
    return _fixed(m, _b_quarter(pub.year, (pub.month - 1) // 3 + 1))


# year-on-year basis: 去年同期, 上年同期
@_rule(r"(?:去年|上年)同期", first="去上")
def _h_basis(m, pub, ys):
    return _Cand(m.start(), m.end(), _CTX, lambda y: None, "basis")


# --- resolution --------------------------------------------------------------------------
_SENT_END = re.compile(r"[。！？；!?;\n]")
_CLAUSE_END = re.compile(r"[。！？；!?;\n，,：:]")
_FUTURE = re.compile(r"将(?!近)|预计|预期|预测|预估|计划|有望|拟|即将|目标|届时|规划|争取|力争|展望|指引|或将|望|打算|准备")
_PRESENT = re.compile(r"以来|至今|目前|当前|正在|进入|迄今")
_COMPARE_BEFORE = re.compile(r"[比较与和于同]")


class _Bounds:
    """Sentence or clause boundaries of a text, found once (no rescans per candidate)."""

    def __init__(self, text: str, rx: re.Pattern):
        self.ends = [m.start() for m in rx.finditer(text)]
        self.n = len(text)

    def around(self, a: int, b: int) -> tuple[int, int]:
        i = bisect_left(self.ends, a)  # first delimiter at or after a
        s = self.ends[i - 1] + 1 if i > 0 else 0
        j = bisect_left(self.ends, b)
        e = self.ends[j] if j < len(self.ends) else self.n
        return s, e


def _is_report(text: str, clauses: _Bounds, c: _Cand) -> bool:
    """True unless the clause around the candidate reads as a plan or as ongoing."""
    s, e = clauses.around(c.start, c.end)
    ctx = text[s:c.start] + "\x00" + text[c.end:e]
    return not (_FUTURE.search(ctx) or _PRESENT.search(ctx))


def _select(cands: list[_Cand]) -> list[_Cand]:
    cands.sort(key=lambda c: (c.start, -c.end))
    out: list[_Cand] = []
    last = -1
    for c in cands:
        if c.start >= last:
            out.append(c)
            last = c.end
    return out


def _shift_year(d: date | None, k: int) -> date | None:
    if d is None:
        return None
    try:
        return d.replace(year=d.year + k)
    except ValueError:  # 29 February
        return d.replace(year=d.year + k, day=28)


def _shift_label(label: str, k: int) -> str:
    return re.sub(r"\d{4}", lambda mm: f"{int(mm.group(0)) + k:04d}", label)


def _iter_cands(norm: str, pub: date | None) -> Iterator[_Cand]:
    for rx, fn, prefix in _RULES:
        for m in rx.finditer(norm):
            ys, pm = None, None
            if prefix:
                pm = _PREFIX.search(norm, max(0, m.start() - _PREFIX_REACH), m.start())
                if pm is not None:
                    ys = _ys(pm, "y")
                    if ys[0] == "bad":
                        ys, pm = None, None
            c = fn(m, pub, ys)
            if c is not None:
                if pm is not None:
                    c.start = pm.start()
                yield c


def find_periods(text: str, published: date | None) -> list[Period]:
    """Period expressions in ``text``, resolved against ``published``; sorted, non-overlapping."""
    if not text:
        return []
    norm = _norm(text)
    chosen = _select(list(_iter_cands(norm, published)))
    out: list[Period] = []
    ctx_year: int | None = None
    ctx_sentence = -1
    sentences, clauses = _Bounds(norm, _SENT_END), _Bounds(norm, _CLAUSE_END)
    for c in chosen:
        sent_start, _ = sentences.around(c.start, c.start)
        if sent_start != ctx_sentence:
            ctx_sentence, ctx_year = sent_start, None
        if c.kind == "basis":
            p_start = norm.rfind("\n", 0, c.start) + 1
            ref = next((p for p in reversed(out) if not p.basis and p.char_start >= p_start), None)
            if ref is None or "????" in ref.label:
                continue
            out.append(Period(_shift_year(ref.start, -1), _shift_year(ref.end, -1), _shift_label(ref.label, -1),
                              c.start, c.end, text[c.start:c.end], basis=True))
            continue
        if c.kind == "fixed":
            built = c.fixed
        else:
            kind, val = c.ys
            if kind == "abs" or kind == "rel":
                y = val if kind == "abs" else (published.year + val if published else None)
                built = c.build(y)
                if y is not None and c.kind != "since" and not _COMPARE_BEFORE.search(norm[max(0, c.start - 2):c.start]):
                    ctx_year = y
            elif ctx_year is not None:
                built = c.build(ctx_year)
            elif published is None:
                built = c.build(None)
            else:
                y = published.year
                built = c.build(y)
                if c.kind == "since":
                    if built is None:  # "10月以来" published in March: last October
                        built = c.build(y - 1)
                elif built is not None and built[1] is not None:
                    if built[1] > _last(y, published.month) and _is_report(norm, clauses, c):
                        built = c.build(y - 1)
        if built is None:
            continue
        out.append(Period(built[0], built[1], built[2], c.start, c.end, text[c.start:c.end]))
    return out
