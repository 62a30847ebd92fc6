"""Numbers as facts: subject, metric, value and unit, qualifier, period, basis, scope, and the span.

Per sentence, each quantity (quantity.py) gets
* a metric from the nearest cue before it in its clause (metrics.yaml), or from its unit (254TOPS);
* a basis: a percentage after 同比/环比/增长 compares; after a figure it inherits that figure's metric,
  subject, period and scope ("产量约250万辆，同比增长12.1%");
* a subject: the nearest linked entity before the cue in the sentence (a company, brand, model or place),
  else the subject of the sentence's previous fact;
* a period (period.py): the nearest one before it in the sentence, else the last one of the two
  sentences before;
* a scope: a place named between the subject and the number (比亚迪在欧洲交付), or a segment word
  (新能源, 纯电) before the cue.
A number with no metric or no subject is not a fact: precision matters more than recall here, an analyst
must be able to trust every row.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Sequence

import yaml

from autointel.facts.period import Period, _shift_year, find_periods
from autointel.facts.quantity import Quantity, find_quantities

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_SOURCE_AFTER = ("数据", "研报", "报告", "预计", "预测", "认为", "指出", "统计", "测算", "分析", "发布的", "发文")
# 在欧洲, 于重庆: where; but 远低于美国(848/千人) compares with 美国, whose figure it is
_LOCATIVE = re.compile(r"(?:在|(?<![低高大小多少等当])于|赴|向|对|从|到|进入|出口)$")
_ANY_NUMBER = re.compile(r"[0-9０-９十百千万亿两倍成]")  # 一倍, 八成: numerals with no digit
_NATIONAL = re.compile(r"全国|我国|国内")
WORLD = "全球"
_WORLD = re.compile(r"(?:全球|全世界|世界范围)(?!首|第一|最)")  # 全球首曝, 全球第一: a superlative, not a place
_CLAUSE_BREAK = re.compile(r"[，,：:、（）()“”\"]")
# Who publishes a figure is its source, not its subject (据乘联会数据, 彭博社报道).
SOURCE_TYPES = frozenset({"association", "media"})
SUBJECT_TYPES = frozenset({"group", "automaker", "brand", "model", "supplier", "company", "place", "government",
                           "association"})
# figures counted over a period: the only ones that take a period named outside their sentence
_FOLLOW_REACH = 80  # characters between the previous figure's sentence and this one
FLOW_METRICS = frozenset({"production", "sales", "deliveries", "exports", "shipments", "registrations", "orders",
                          "revenue", "profit", "market_share", "penetration"})
# what a document about the Chinese market reports for the country when it names nobody: volumes and
# shares; money made or lost is a company's (a margin with no name is no national statistic)
NATIONAL_METRICS = FLOW_METRICS - {"revenue", "profit", "deliveries", "orders"}  # 交付, 订单: a company's
# measures only a company has: a place is never their subject; with no name in the sentence they are
# the paragraph's company's ("比亚迪2024年一季报出炉。报告期内，公司实现营业收入…")
COMPANY_ONLY = frozenset({"stock_price", "market_cap", "valuation", "profit", "headcount", "stores"})
COMPANY_METRICS = COMPANY_ONLY | {"revenue", "investment", "deliveries", "orders"}  # not cost: 燃油动力系统成本 is anyone's


@dataclass(frozen=True)
class Fact:
    subject_id: str | None
    subject: str
    metric: str
    value: float
    value_max: float | None
    unit: str
    qualifier: str | None
    direction: str | None  # up / down for changes, None for levels
    period: str | None  # label: 2025, 2025-01..2025-11, 2025-H1, ..2025-08-26
    period_start: date | None
    period_end: date | None
    basis: str  # level / yoy / mom / change
    scope: str | None
    start: int  # the quantity's span in the canonical text
    end: int
    sentence_start: int
    sentence_end: int
    text: str
    # target / plan / forecast: not an actual. The store has no column for it, so extract_facts drops
    # such figures (docs/facts.md); kept on the object while extracting so that a figure continuing one
    # ("有望同比增长17%，达到约2700万辆") is known to be one too
    modality: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    cues: tuple[tuple[str, str], ...]  # (cue, metric), longest cue first
    cue_pattern: re.Pattern  # all cues in one alternation, longest first
    metric_of: dict[str, str]
    units: dict[str, frozenset[str]]
    unit_metrics: dict[str, str]
    yoy: tuple[str, ...]
    mom: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]
    segments: tuple[str, ...]
    not_after: dict[str, frozenset[str]]  # cue -> characters it may not follow (首批发起 is no 批发)
    percent_only: frozenset[str] = frozenset()  # cues that carry a percentage only (持有 5%, 港股高开 3%)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = yaml.safe_load(resources.files("autointel.facts.data").joinpath("metrics.yaml").read_text(encoding="utf-8"))
    cues = sorted(((c, m) for m, spec in data["metrics"].items() for c in spec["cues"]), key=lambda x: -len(x[0]))
    cues = list({c: (c, m) for c, m in reversed(cues)}.values())[::-1]  # a cue belongs to its first metric
    pattern = re.compile("|".join(re.escape(c) for c, _ in cues))
    return Vocabulary(tuple(cues), pattern, dict(cues), {m: frozenset(spec["units"]) for m, spec in data["metrics"].items()},
                      dict(data["unit_metrics"]), tuple(data["basis"]["yoy"]), tuple(data["basis"]["mom"]),
                      tuple(data["change_up"]), tuple(data["change_down"]),
                      tuple(sorted(data["segments"], key=len, reverse=True)),
                      {cue: frozenset(chars) for cue, chars in (data.get("not_after") or {}).items()},
                      frozenset(data.get("percent_only") or ()))


def sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text)]


def by_sentence(spans: list[tuple[int, int]], items: Sequence) -> list[list]:
    """Items (sorted by .start) grouped by the sentence holding their start; one pass over both."""
    out: list[list] = [[] for _ in spans]
    i = 0
    for item in items:
        while i < len(spans) and item.start >= spans[i][1]:
            i += 1
        if i == len(spans):
            break
        if item.start >= spans[i][0]:
            out[i].append(item)
    return out


def extract_facts(text: str, mentions: Sequence, kb, published: date | None) -> list[Fact]:
    """``mentions``: the body's linked mentions (objects with start, end, entity_id)."""
    if not text or not _ANY_NUMBER.search(text):
        return []
    vocab = vocabulary()
    # a handful counted in words (两个, 三家) is prose, not a figure anyone tracks
    quantities = [q for q in map(lambda q: _implied_unit(text, q), _shared_units(text, find_quantities(text))) if q.unit and not (
        q.unit in ("unit", "store") and q.value < 10 and not any(c.isdigit() for c in q.text))]
    quantities = _without_restatements(text, quantities)
    if not quantities:
        return []
    linked = sorted((m for m in map(lambda m: _employer_mention(kb, m), mentions) if m.entity_id
                     and kb.entities.get(m.entity_id) and (kb.entities[m.entity_id].type in SUBJECT_TYPES
                                                           or _media_as_company(text, kb, m))),
                    key=lambda m: m.start)
    spans = sentences(text)
    starts = [m.start for m in linked]
    national = _about_china(text, linked, kb)
    facts: list[Fact] = []
    q_index = 0
    previous: Fact | None = None  # carries across the sentences of one paragraph
    last_group: list[Fact] = []  # the last "分别" list of figures, for growth rates listed after it
    doc_periods = _DocumentPeriods(text, spans, published)  # periods looked for only where needed
    para_first = 0  # index of the paragraph's first sentence
    para_start = 0
    # the companies named in the digest item (a heading and the paragraphs under it) before the paragraph,
    # gathered paragraph by paragraph (each mention is looked at once); the item's company, when it names
    # only one, is ``section``
    item_named: list[str] = []
    section: str | None | bool = None
    item_scanned = 0  # item_named holds the item's names before this offset
    item_roots: set[str] = set()  # the groups they belong to (two are enough to know there are several)
    in_item = False
    before: Fact | None = None
    for i, (s_start, s_end) in enumerate(spans):
        if s_start == 0 or text[s_start - 1] == "\n":
            before = previous or before  # the figure just before this paragraph, for its subject only
            previous, last_group, para_first, para_start = None, [], i, s_start
            section = False  # not looked for yet in this paragraph
            if _is_heading(text, s_start, s_end):
                item_named, item_roots, item_scanned, doc_periods.item_first = [], set(), s_start, i + 1
                in_item = in_item or s_start > 0  # a heading after the first line: a digest's items (or sections)
            if i and doc_periods.opening_end is None:
                doc_periods.opening_end = i
        in_sentence = []
        while q_index < len(quantities) and quantities[q_index].start < s_end:
            if quantities[q_index].start >= s_start:
                in_sentence.append(quantities[q_index])
            q_index += 1
        if not in_sentence or _is_heading(text, s_start, s_end):
            continue
        periods = doc_periods.at(i, para_first)
        # the sentence's own mentions: every look-up of a figure stays inside its sentence
        here = linked[bisect_left(starts, s_start):bisect_left(starts, s_end)]
        if i and _LATTER_FORMER.match(text, s_start):
            here = _with_referent(text, kb, s_start, here, linked[bisect_left(starts, spans[i - 1][0]):bisect_left(starts, s_start)])
        elif i and _THE_NEW_CAR.match(text, s_start):
            here = _with_car(text, kb, s_start, here, linked[bisect_left(starts, spans[i - 1][0]):bisect_left(starts, s_start)])
        found = []
        if section is False:
            # a name after 在/向/对 is a venue or a counterparty (在港交所公告), not what the item is about
            for m in _candidates(linked[bisect_left(starts, item_scanned):bisect_left(starts, para_start)],
                                 kb, item_scanned, para_start, text):
                if kb.entities[m.entity_id].type != "place" and not _LOCATIVE.search(text[max(0, m.start - 2):m.start]):
                    item_named.append(m.entity_id)
                    if len(item_roots) < 2:
                        item_roots.add(_root(kb, m.entity_id))
            item_scanned = para_start
            # only an item about one company (its brands and models count as it: 小米汽车, 小米 SU7, 小米): with
            # two companies named, which one a bare figure is is a guess
            section = item_named[-1] if len(item_roots) == 1 else None
        company = _company_in(linked[bisect_left(starts, para_start):bisect_left(starts, s_start)], kb, para_start,
                              s_start, text)
        # the one company the paragraph's sentence before is about, when it gave no figure ("2022 年，比亚迪
        # 成为现象级的存在。全年累计销量 186.35 万辆"): a flow naming nobody is its, not the country's
        topic = None
        if previous is None and i > para_first:
            named = {m.entity_id for m in _candidates(linked[bisect_left(starts, spans[i - 1][0]):bisect_left(starts, s_start)],
                                                      kb, spans[i - 1][0], s_start, text)}
            topic = named.pop() if len(named) == 1 else None
            topic = topic if topic and kb.entities[topic].type in _VEHICLE_MAKERS else None
        for q in in_sentence:
            # a digest item reports a company's results over paragraphs: "X发布2022年三季度报告。⏎财务表现方面，
            # 当季营业收入…" is X's; the item's heading and paragraphs before stand in for the paragraph's name
            fact = _fact(text, q, s_start, s_end, vocab, here, kb, periods, previous, national, before, company, topic,
                         section if company is None else None, in_item)
            if fact is not None:
                found.append(fact)
                previous = fact
        if "分别" in text[s_start:s_end]:
            found, last_group = _respectively(text, s_start, found, here, kb, last_group, periods.get())
        found = [_bracketed_comparison(text, f, found, vocab, here) for f in found]
        facts += [f for f in found if not _threshold_then_figure(text, f, found)]
    return [f for f in facts if f.modality is None]


@dataclass(frozen=True)
class _Mention:
    start: int
    end: int
    entity_id: str


def _employer_mention(kb, m):
    """A person with one employer in the knowledge base stands for it ("李斌宣布裁员10%": 蔚来's
    headcount); a person with several (马斯克: 特斯拉, SpaceX …) stands for none."""
    e = kb.entities.get(m.entity_id or "")
    if e is None or e.type != "person":
        return m
    employers = {r.target for r in e.relations if r.rel == "role_at" and r.target in kb.entities}
    return _Mention(m.start, m.end, employers.pop()) if len(employers) == 1 else m


def _media_as_company(text: str, kb, m) -> bool:
    """A media company named as the owner of a company measure ("网易上涨 1%", "推特的员工", "推特股价") is
    a company here, not a source."""
    return kb.entities[m.entity_id].type == "media" and bool(_COMPANY_MEASURE_AFTER.match(text, m.end)) \
        and not _CITED.search(text, max(0, m.start - 4), m.start)


_COMPANY_MEASURE_AFTER = re.compile(r"\s?(?:公司)?(?:的)?\s?(?:[\d.,]+\s?[万千]?\s?名\s?(?=员工))?(?:股价|股票|市值|估值|营收|收入|净利润|利润|亏损|员工|裁员|上涨|下跌|大涨|大跌|暴涨|暴跌|涨|跌)")


def _shared_units(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """"起售价分别为15999、19999元": a bare number listed right before a number with a unit shares it (one
    pass, each number looks at the next only). Not when the second one carries 万/亿 the first lacks (its
    magnitude would be a guess), nor for units no fact has (2023、2024年, 14、16寸)."""
    out = list(quantities)
    for i in range(len(out) - 2, -1, -1):
        q, nxt = out[i], out[i + 1]
        if q.unit is None and q.kind == "amount" and nxt.unit in _LISTED_UNITS and nxt.kind == "amount" \
                and _LIST_GAP.fullmatch(text, q.end, nxt.start) and any(c.isdigit() for c in q.text) \
                and (not re.search(r"[万亿]", nxt.text) or re.search(r"[万亿]", q.text)):
            out[i] = replace(q, unit=nxt.unit)
    return out


_LISTED_UNITS = frozenset({"CNY", "USD", "EUR", "JPY", "HKD", "vehicle", "person", "percent"})
_LIST_GAP = re.compile(r"\s*(?:、|和|与|及)\s*")


def _implied_unit(text: str, q: Quantity) -> Quantity:
    """A round amount with no unit takes the one its measure implies: "售价接近50万" is 万元, "单月交付量稳定在
    1.5-1.8万之间" vehicles, "突破了5万订单"/"超过26万份" orders counted. Only amounts written with 万 or 亿:
    a bare small number is anything."""
    if q.unit is not None or q.kind != "amount" or not q.text.rstrip().endswith(("万", "亿")):
        return q
    before = text[max(0, q.start - 8):q.start]
    if _PRICE_CUE_BEFORE.search(before) or _MONEY_CUE_BEFORE.search(before):
        return replace(q, unit="CNY")  # "售价接近50万", "调整后净利润 62 亿", "营收增长 99.2 亿": yuan
    if _VOLUME_CUE_BEFORE.search(before) and not text.startswith(("元", "美元"), q.end):
        return replace(q, unit="vehicle")
    if _STAFF_BEFORE.search(text, max(0, q.start - 12), q.start) or _STAFF_AFTER.match(text, q.end):
        return replace(q, unit="person")  # "员工总数已经超过54万", "新增了28万的员工": people
    if text.startswith(("订单", "份订单", "份"), q.end) and re.search(r"订单|订购|预订|大定|锁单", text[max(0, q.start - 16):q.end + 3]):
        return replace(q, unit="unit")
    return q


_PRICE_CUE_BEFORE = re.compile(r"(?:售价|起售价|起价|定价|指导价|预售价|价格)(?:区间)?(?:为|是|在|约|仅|接近|低于|高于|不到|超过|达)?\s*$")
_MONEY_CUE_BEFORE = re.compile(r"(?:营收|营业收入|收入|净利润|净利|利润|净亏损|亏损)(?:同比)?(?:为|是|约|达|达到|增长|下降|减少|增加)?\s*$")
_STAFF_BEFORE = re.compile(r"(?:员工|雇员|职工)(?:总数|人数|数量|规模|总人数)?(?:已经|已|目前|共){0,2}(?:超过|达到|达|为|有|约|逾|近)?\s*$")
_STAFF_AFTER = re.compile(r"\s?(?:的|名)?(?:员工|雇员|职工)")
_VOLUME_CUE_BEFORE = re.compile(r"(?:销量|交付量|产量|交付|销售|出口量|批发量|零售量)(?:为|是|在|约|达|达到|稳定在|突破|超过|接近|保持在)?\s*$")


def _without_restatements(text: str, quantities: list[Quantity]) -> list[Quantity]:
    """"1949 欧元（约合 14384 元人民币）", "64000 元（8800 美元）", "33 亿美元（约折合 237.49 亿元人民币）": an
    amount in another currency right after an amount, in brackets or after 约合/折合, says the same again."""
    out: list[Quantity] = []
    for q in quantities:
        last = out[-1] if out else None
        if last is not None and q.unit in _MONEY and last.unit in _MONEY and q.unit != last.unit \
                and _RESTATED.fullmatch(text, last.end, q.start):
            continue
        out.append(q)
    return out


_RESTATED = re.compile(r"\s*(?:[（(]\s*(?:当前|目前|现)?\s*(?:约合|折合|约折合|合|约|相当于|即)?|[，,]?\s*(?:约合|折合|约折合|相当于))"
                       r"\s*(?:人民币)?\s*(?:约)?\s*")


_LATTER_FORMER = re.compile(r"\s*(?:而|但|但是|不过)?\s*(后者|前者)")


_THE_NEW_CAR = re.compile(r"\s*(?:新车|该车|此车|这款车|这款新车|该车型|该款车型|这款车型)")


def _with_car(text: str, kb, s_start: int, here: list, before: list) -> list:
    """A sentence opening with 新车/该车/这款车 is about the last car the sentence before named ("…乐道 L60
    完成亮相并公布了预售价。新车预售价为 21.99 万元": 乐道L60's price)."""
    m = _THE_NEW_CAR.match(text, s_start)
    cars = [x for x in _candidates(before, kb, 0, len(text), text) if kb.entities[x.entity_id].type == "model"
            and not _is_component(kb, x.entity_id)]
    if not cars:
        return here
    return [_Mention(m.start(), m.end(), cars[-1].entity_id), *here]


def _with_referent(text: str, kb, s_start: int, here: list, before: list) -> list:
    """A sentence opening with 后者/前者 is about the last/first of what the sentence before named ("…超过了
    特斯拉 Model 3 在国内的销量。后者是小米 SU7 重点对标的车型，…去年累计售出 14.7 万台": Model 3's)."""
    m = _LATTER_FORMER.match(text, s_start)
    named = [x for x in _candidates(before, kb, 0, len(text), text) if kb.entities[x.entity_id].type != "place"]
    if not named:
        return here
    ref = named[-1] if m.group(1) == "后者" else named[0]
    return [_Mention(m.start(1), m.end(1), ref.entity_id), *here]


def _bracketed_comparison(text: str, f: Fact, found: list[Fact], vocab: Vocabulary, linked: list) -> Fact:
    """"蔚来全年共交付 160038 台，…大幅落后于…理想（37.6 万台），略高于…小鹏汽车（14.1 万台）": a figure
    alone in brackets after a name is that name's figure of the measure the sentence compares, of its period,
    whatever target the clauses between mention."""
    at = f.start - 1 if text[f.start - 1:f.start] in "(（" else (f.start - 2 if text[f.start - 2:f.start] in ("( ", "（ ") else -1)
    close = _CLOSE_BRACKET.match(text, f.end)
    if at < 0 or close is None or not any(m.end in (at, at - 1) for m in linked) \
            or vocab.cue_pattern.search(text, at, f.start) or vocab.cue_pattern.search(text, f.end, close.end()):
        return f
    base = next((g for g in found if g.start < at and g.unit == f.unit and g.modality is None and g.basis == "level"), None)
    if base is None or (base.metric, base.period, f.modality) == (f.metric, f.period, None):
        return f
    return replace(f, metric=base.metric, period=base.period, period_start=base.period_start,
                   period_end=base.period_end, modality=None)


_CLOSE_BRACKET = re.compile(r"\s*[)）]")


def _threshold_then_figure(text: str, f: Fact, found: list[Fact]) -> bool:
    """"市值突破万亿港元大关，达到了1.02万亿港元": the round mark passed, then the figure itself."""
    return bool(_MARK_AFTER.match(text, f.end)) and any(
        g.start > f.end and (g.subject_id, g.subject, g.metric, g.unit) == (f.subject_id, f.subject, f.metric, f.unit)
        for g in found)


_MARK_AFTER = re.compile(r"\s*(?:大关|关口|整数关口|关卡)")


def _is_heading(text: str, s_start: int, s_end: int) -> bool:
    """A short line of its own with no sentence-final mark ("谷歌 Fuchsia OS 团队遭裁员 16% 以上" in a
    digest) is a heading: figures in headings are repeated or loose (the README's "numbers in titles")."""
    line_start = s_start == 0 or text[s_start - 1] == "\n"
    line_end = s_end == len(text) or text[s_end:s_end + 1] == "\n"
    if not (line_start and line_end) or text[s_end - 1] in "。！？!?；;":
        return False
    # a longer line is a heading when the next opens a news item with its date ("…估值超 200 亿美元⏎2 月 4 日，
    # 四位知情人士称…"), as the sections of a digest do
    return s_end - s_start <= _HEADING_MAX or (s_end - s_start <= _DIGEST_HEADING_MAX
                                               and bool(_ITEM_DATE.match(text, s_end + 1)))


_HEADING_MAX = 40
_DIGEST_HEADING_MAX = 80
_ITEM_DATE = re.compile(r"\s*(?:北京时间|当地时间)?\s*(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日")


def _respectively(text: str, s_start: int, found: list[Fact], linked: list, kb,
                  last_group: list[Fact], periods: Sequence[Period] = ()) -> tuple[list[Fact], list[Fact]]:
    """"A、B和C配套量分别为x、y和z" / "产销分别完成x和y，同比分别增长p和q": the i-th figure after 分别
    belongs to the i-th subject (or metric) before it, and the i-th growth to the i-th figure before."""
    groups: dict[int, list[int]] = {}
    for i, f in enumerate(found):
        at = text.rfind("分别", s_start, f.start)
        if at < 0:
            continue
        members = groups.setdefault(at, [])
        # the list is the run of figures of one kind after 分别: "…分别增长31.4%和31.2%，…总销量的47.5%"
        # ends before the 47.5%, a level with a cue of its own
        if not members or (found[members[-1]].unit, found[members[-1]].basis) == (f.unit, f.basis) \
                and len(text[found[members[-1]].end:f.start].strip()) <= 3:  # "，", "和", "、", " 及 "
            members.append(i)
    for at, members in groups.items():
        if len(members) < 2:
            continue
        facts = [found[i] for i in members]
        if all(f.unit in ("percent", "pct_point") and f.basis != "level" for f in facts) and len(last_group) == len(facts):
            for i, base in zip(members, last_group):
                found[i] = replace(found[i], subject_id=base.subject_id, subject=base.subject, metric=base.metric,
                                   scope=base.scope, period=base.period, period_start=base.period_start,
                                   period_end=base.period_end)
            continue
        if text[max(s_start, at - 4):at].endswith(("产销", "产销量")) and len(facts) == 2:
            found[members[0]] = replace(facts[0], metric="production")
            found[members[1]] = replace(facts[1], metric="sales")
        else:
            subjects = list(dict.fromkeys(
                m.entity_id for m in linked if s_start <= m.start < at and kb.entities[m.entity_id].type != "place"
                and not _is_source(text, m)))
            if len(subjects) == len(facts):
                for i, eid in zip(members, subjects):
                    found[i] = replace(found[i], subject_id=eid, subject=kb.entities[eid].name)
            # "2024年4月和5月的交付量分别为7000辆和8600辆": the i-th figure is of the i-th period
            listed = _listed_periods(text, [p for p in periods if s_start <= p.char_start and p.char_end <= at])
            if len(listed) == len(facts) > 1 and len({f.period for f in facts}) == 1:
                for i, p in zip(members, listed):
                    found[i] = replace(found[i], period=p.label, period_start=p.start, period_end=p.end)
        last_group = [found[i] for i in members]
    return found, last_group


def _listed_periods(text: str, periods: list[Period]) -> list[Period]:
    """The run of periods joined by 和/与/及/、 that ends last before 分别."""
    run: list[Period] = []
    for p in periods:
        if run and not _LIST_JOIN.fullmatch(text, run[-1].char_end, p.char_start):
            run = []
        run.append(p)
    return run


_LIST_JOIN = re.compile(r"\s*(?:和|与|及|、|以及)\s*")
_GAP_BEFORE = re.compile(r"(?:差距|差额|缺口|领先|落后|相差|差)[^，,。；]{0,8}$"
                         r"|比[^，,。；]{1,16}?(?:便宜|贵)(?:了)?(?:约|大概|大约|近|超过)?\s*$")  # 成本将比特斯拉便宜大概10%
_PER_SHARE = re.compile(r"每股(?:收益|盈利|亏损|净利|净资产)[^，,。；\d]{0,4}$")
_GAP_AFTER = re.compile(r"(?:的)?(?:差距|缺口|差额)")
_BENCHMARK_AFTER = re.compile(r"[”\"]?(?:的)?[^，,。；]{0,6}?(?:奇点|拐点|平衡点|门槛|理想线|临界点|成本点|价格带|效应)")


def _is_gap(text: str, q: Quantity, clause_start: int) -> bool:
    """"与比亚迪的差距已缩小至 2.4 万辆", "领先中企约800万辆", "近9个百分点的缺口": a difference between
    two figures, derived from them, not a figure of its own. "100美元/kWh的成本奇点", "3万美元效应": a
    benchmark the text discusses, not a figure anyone reported."""
    return bool(_GAP_BEFORE.search(text, clause_start, q.start) or _GAP_AFTER.match(text, q.end)
                or _BENCHMARK_AFTER.match(text, q.end))


def _fact(text: str, q: Quantity, s_start: int, s_end: int, vocab: Vocabulary, linked: list, kb,
          periods: "_SentencePeriods", previous: Fact | None, national: bool = False,
          before: Fact | None = None, company: str | None = None, topic: str | None = None,
          section: str | None = None, in_item: bool = False) -> Fact | None:
    clause_start = _clause_start(text, s_start, q.start)
    if q.unit == "store" and _FIRMS_BEFORE.search(text, clause_start, q.start):
        q = replace(q, unit="unit")  # "企业达到300多家": firms, not stores
    if _is_gap(text, q, clause_start) or _PER_SHARE.search(text, clause_start, q.start):
        return None  # (每股收益2.2美元: earnings per share, no measure of the vocabulary)
    clause_end = _clause_end(text, q.end, s_end)
    if _CONSEQUENCE.match(text, clause_end) and (text[clause_end + 1:clause_end + 3].strip() != "那么"
                                                 or _CONDITION.search(text, s_start, q.start)) \
            or _LIMIT_BEFORE.search(text, clause_start, q.start):
        # "渗透率超过50%,就正式…", "如果电池成本下降至80美元/kWh以下,那么…", "单机成本需降至5万元以内,才能
        # 实现盈利", "接近理论上限70%左右": a condition or a limit the text reasons about, not a figure reported
        return None
    if text[q.start - 1:q.start] == "“" and _QUOTED_NAME.match(text, q.end):
        return None  # "“百万辆俱乐部”": part of a name the text quotes
    if q.unit == "unit" and _PLACES_COUNTED.match(text, q.end):
        return None  # "全球 55 个国家的纯电动汽车销量": a count of countries, not of cars
    if _OUTPERFORMED_BEFORE.search(text, clause_start, q.start):
        return None  # "涨幅高达 121%，远超同期恒生科技指数的 18.7%": the figure of what it is measured against
    if _MARK_AFTER.match(text, q.end) and _CROSSED_BEFORE.search(text, clause_start, q.start):
        return None  # "失守 100 美元整数关口", "股价也突破 20 港元大关": a round mark crossed, not the figure
    if text[q.start - 1:q.start] == "每" and _ONE_IN.match(text, q.end):
        return None  # "每 10 辆汽车就有一辆是电动汽车": a ratio of a fleet, not ten cars
    if q.unit in _MONEY and _DEAL_VALUE.search(text, clause_start, q.start):
        return None  # "这笔交易的价值约为31.8亿美元": a deal's value is not annotated (README), whatever cue came before
    if q.unit in _MONEY and _CLASS_AFTER.match(text, q.end) and not _POSITIONED.search(text, clause_start, q.start):
        # "起售价在14万元级", "30万级": a price class, not a price; but "定位为15万元级智能纯电SUV" says
        # what the model costs
        return None
    if _OTHERWISE.search(text, s_start, q.start):
        return None  # "否则将被处以最高2千万欧元或全球年营业额4%的罚款": what would follow, not what happened
    if _FRACTION.search(q.text) and _RATIO_BEFORE.search(text, clause_start, q.start):
        return None  # "是特斯拉9570美元的八分之一": a ratio between two figures, not a measure
    if q.unit in _MONEY and _PER_DISTANCE_AFTER.match(text, q.end):
        return None  # "成本大约在 0.4 美元/英里": a rate per distance or time, no unit of the vocabulary
    if _HYPOTHESIS.search(text, s_start, clause_start) and _WOULD.search(text, clause_start, q.start):
        return None  # "如果蔚来汽车完全由自己制造的话，制造成本会下降 10%": what would happen, not what did
    if q.unit in _MONEY and _PER_SHARE_DEAL_BEFORE.search(text, clause_start, q.start) and _DEAL_AFTER.match(text, q.end):
        return None  # "正以每股 24.85-25.85 美元的价格出售 1.445 亿股", "以每股 0.55 港元配发": a deal's terms
    basis, direction = _basis(text[clause_start:q.start], q, vocab)
    if basis == "change" and any(clause_start <= p.char_start < q.start for p in periods.compared_now()):
        basis = "yoy"  # "2024 年销量比 2023 年增长 41%": compared with the year before
    metric, cue_at = _metric(text, s_start, clause_start, clause_end, q, vocab, _names_in(linked, s_start, s_end))
    percent = q.unit in ("percent", "pct_point")
    # "产量约250万辆，同比增长12.1%" / "小米股价上涨3.3%，北汽蓝谷上涨近10%": a figure with no cue of its own
    # continues the sentence's previous fact
    if previous is None and metric is None and percent and basis != "level" and before is not None \
            and before.metric in COMPANY_ONLY and s_start - before.sentence_end <= _FOLLOW_REACH \
            and _company_in(linked, kb, clause_start, q.start, text):
        # "…小米集团股价继续上涨，增幅为 17.54%。\n相比之下，…2024 年，阿里巴巴上涨 11%、京东上涨 24%": a
        # company's change with no measure of its own goes on with the company measure just before
        previous = before
    follows = previous is not None and (metric is None or (percent and basis != "level" and cue_at is not None
                                                           and cue_at < previous.end))
    if follows and metric is None and not percent and previous.sentence_start != s_start \
            and _OWN_MEASURE_BEFORE.search(text, clause_start, q.start) \
            and not (previous.metric == "price" and _VARIANT_IS.search(text, clause_start, q.start)):
        # "…毛利率达到 20.7%；现金储备为 1410 亿元": a measure the vocabulary does not know; but "…后轮驱动版
        # 售价为 22.75 万元起；长续航全轮驱动版为 26.75 万元起" is the price of another version
        return None
    if follows and metric is None and previous.sentence_start != s_start:
        named = _subject_in(linked, kb, clause_start, q.start, text)[0] or _company_in(
            linked, kb, s_start, q.start, text)  # "通用汽车(GM)排在第 4 位(增加 27%": the sentence's company
        if percent and (basis == "level" or named is None):
            # a percentage with no cue in a new sentence naming no company and no subject in its clause
            # ("欧洲车企…(2025年碳排放比2021年减少15%)", "“100%会做人形机器人") measures something the
            # vocabulary does not know; "北汽蓝谷上涨了近10%。" names its subject and a change
            return None
        if s_start - previous.sentence_end > _FOLLOW_REACH and _subject_in(linked, kb, s_start, q.start, text)[0] is None:
            return None  # far from the figure it would continue and naming nothing: a new topic
    if follows and metric is None and previous.sentence_start != s_start and _kind_changes(
            kb, previous.subject_id, _subject_in(linked, kb, s_start, q.start, text)[0]):
        return None  # "蔚来ES8百天交付4万辆。2024年,深圳曾以近300万辆的成绩登顶": 深圳's measure is not ES8's
    if follows and (q.unit in vocab.units[previous.metric] or percent):
        metric = previous.metric
    elif metric is None:
        return None
    if metric == "cost" and cue_at is not None and _CHARGED.search(text, clause_start, q.start):
        metric = "price"  # "向美国客户收取 599 美元的一次性硬件费用和每月 120 美元的互联网服务费": what customers pay
    if q.unit not in vocab.units[metric] and not percent:
        return None
    if metric == "market_share" and cue_at is not None and "人口" in text[cue_at:q.start]:
        return None  # "占全国人口的比重为62.0%": a population share, no measure of the vocabulary
    electrified = _ELECTRIFIED.search(text, max(_clause_start(text, s_start, cue_at), cue_at - 20), cue_at) \
        if metric == "market_share" and cue_at is not None else None
    if electrified and not (_DRIVE_TYPE_MARKET.match(text, electrified.start())
                            and _company_in(linked, kb, s_start, electrified.start(), text)):
        # "纯电动车占比16.4%": the share of a drive type in a market, not a company's share; but "特斯拉在中国
        # 电动汽车市场的份额" is the company's share of that market
        metric = "penetration"
    if metric == "market_share" and cue_at is not None and text.startswith("占", cue_at) \
            and not _SHARE_BASE.search(text, min(_clause_start(text, s_start, cue_at), clause_start), min(clause_end + 8, s_end)):
        # 占/占比/占据 alone says a share of something: a share of what no measure tracks ("广告时间高达30%",
        # "跨省游订单占比已超8成") is no market share; "占销量的9成", "占据超过63%的份额", "新装机量全球占比" are
        return None
    if metric == "investment":
        # "阿维塔投资引望，占股10%", "沃尔玛兜售所持京东股权，以期募资…", "获得来自软银、IDG…的投资": the
        # company invested in, sold or the investors listed are not the subject of the stake or the round
        linked = [m for m in linked if not _other_side_of_deal(text, m, s_start)]
    if _EXAMPLES_BEFORE.search(text, max(s_start, q.start - 16), q.start):
        # "比亚迪搭载了微信、抖音、网易云音乐等超过 20 款 APP": the names listed before 等 are examples of what
        # is counted, not whose figure it is (、 cuts clauses: the list is looked for in the sentence)
        linked = [m for m in linked if not (s_start <= m.start < q.start and text.startswith(("、", "等"), m.end))]
    own = _subject_in(linked, kb, clause_start, q.start, text)
    if follows and own[0] is None and previous.sentence_start != s_start:
        # a new sentence that names its own subject before the figure ("通用汽车(GM)排在第 4 位(增加 27%")
        own = _subject_in(linked, kb, s_start, q.start, text)
    if follows and metric == previous.metric:
        subject_id, subject = own if own[0] else (previous.subject_id, previous.subject)
        scope = previous.scope if not own[0] else _scope(text, linked, kb, s_start, q.start, q.start, own[0], vocab)
        period = _period(periods, q.start, metric) if own[0] or _has_period_in(periods, clause_start, q.start) \
            else _period_of(previous)
        if own[0] and period[0] is None:
            period = _period_of(previous)  # "截至8月26日，北京汽车大涨30.5%。北汽蓝谷上涨了近10%。"
        if basis != "level" and previous.sentence_start == s_start and any(
                p.label == previous.period and s_start <= p.char_start and p.char_end <= previous.start
                for p in periods.compared):
            # "上半年营收3838万元，相比去年同期的1.54亿元减少75.17%": the change goes from the compared level
            # to the figure's own period, not the compared one
            period = _period(periods, q.start, metric)
    else:
        anchor = min(cue_at, q.start) if cue_at is not None else q.start
        if own[0] is None and clause_start > s_start and text[clause_start - 1] in "(（":
            # a figure in brackets right after a name is that name's: "远低于美国(848/千人)和德国(645/千人)"
            # (but "宝马销量首次超过特斯拉，同比增长 35%" is 宝马's: only brackets attach)
            own = _subject_in(linked, kb, max(s_start, clause_start - 12), clause_start - 1, text)
            own = own if own[0] and any(m.end == clause_start - 1 and m.entity_id == own[0] for m in linked) else (None, None)
        if own[0] is None and text.startswith("的", q.end):
            own = _subject_in(linked, kb, q.end, min(q.end + 20, clause_end), text)
            own = own if own[0] and kb.entities[own[0]].type in ("model", "brand", "automaker", "group") else (None, None)
        subject_id, subject = own if own[0] else _subject(linked, kb, s_start, anchor, previous, text, q.start,
                                                          national and metric in NATIONAL_METRICS, metric,
                                                          company if metric in COMPANY_METRICS else None,
                                                          topic if metric in _VEHICLE_METRICS else None)
        industry = cue_at is not None and cue_at < q.start and bool(
            _INDUSTRY_BEFORE.search(text, max(clause_start, cue_at - 6), cue_at)) \
            and not _company_in(linked, kb, clause_start, cue_at, text)
        if industry:
            # "比亚迪…净利率为5.77%，高于…——2024年前三季度汽车行业的利润率为4.6%": an industry's figure is
            # not the company's named before it; it is the place's the clause names, or the country's
            where = _subject_in([m for m in linked if kb.entities[m.entity_id].type == "place"], kb, clause_start, q.start, "")
            subject_id, subject = where if where[0] else (
                ("place-china", kb.entities["place-china"].name) if national and "place-china" in kb.entities else (None, None))
        last, anaphor = previous or before, None
        if subject is None and last is not None and _ANAPHOR.match(text, s_start) and last.subject_id \
                and kb.entities.get(last.subject_id) is not None and kb.entities[last.subject_id].type != "place":
            # "其中生产力和业务流程营收170亿美元": 其中/其/该公司 refers to the company of the figure before
            subject_id, subject = last.subject_id, last.subject
            anaphor = last
        if subject is None and previous is None and before is not None and before.metric == metric \
                and s_start - before.sentence_end <= _FOLLOW_REACH:
            # a paragraph naming nobody goes on with the figure just before it, on the same measure
            # ("…原价276,000元的Model Y。\n如果选择标准融资租赁方案，可首付0元，月付5,520元")
            subject_id, subject = before.subject_id, before.subject
        if subject is None and section is not None and metric in COMPANY_METRICS:
            subject_id, subject = section, kb.entities[section].name  # the digest item's company (extract_facts)
        product = company or section
        if subject is None and metric == "price" and product and (
                kb.entities[product].type in ("model", "brand")
                or in_item and kb.entities[product].type in ("company", "automaker", "group", "supplier")):
            # "全新一代 MINI COOPER 家族已于…上市。…官方售价区间为 23.38-31.08 万元": a price in a sentence naming
            # nobody is of the model or brand the paragraph (else the digest item) is about, or, under a
            # digest item's heading, of its company ("苹果发布新款 Mac…起售价为…"); not of a company or a
            # ministry an essay names before a general price ("3万美元效应")
            subject_id, subject = product, kb.entities[product].name
        if subject is None:
            return None
        if metric in COMPANY_ONLY and not industry and subject_id and kb.entities.get(subject_id) is not None \
                and kb.entities[subject_id].type == "place":
            if company is None:
                return None  # "育碧的股价在巴黎交易所下跌了54%" (育碧 unknown): 巴黎 has no share price
            subject_id, subject = company, kb.entities[company].name
        scope = _scope(text, linked, kb, s_start, anchor, q.start, subject_id, vocab)
        period = _period(periods, q.start, metric)
        if anaphor is not None and period[0] is None:
            period = _period_of(anaphor)  # 其中…: of the same report as the figure before
        elif period[0] is None and previous is not None and metric in FLOW_METRICS \
                and (previous.subject_id, previous.metric) == (subject_id, metric):
            period = _period_of(previous)  # "…营收170亿美元；智能云业务营收215亿美元": the same report
    if kb.entities.get(subject_id or "") is not None and kb.entities[subject_id].type == "place":
        # "从特斯拉在中国、美国和欧洲的累计销量来看，…中国减少 4%", "中国约占全球销量的 5 成": the place is
        # where the company's figure falls, the company is the subject
        owner = _owner_of_place(text, linked, kb, s_start, q.start, subject_id, previous)
        if owner is not None:
            scope, (subject_id, subject) = subject, owner
    cumulative = _CUMULATIVE.search(text, max(s_start, q.start - 30), q.start)
    if cumulative and cumulative.group() in ("累计", "累积") and period[0] and _BOUNDED.search(period[0]) \
            and not _MILESTONE_AFTER.match(text, q.end):
        cumulative = None  # "一季度，比亚迪销量累计达到62.63万辆": the quarter's sum, not a total as of its end
    if basis == "level" and (cumulative or _MILESTONE_AFTER.match(text, q.end)):
        # "到2019年12月已实现产量10000台": all made until then; "在2025年4月宣布已完成…220台的交付": a total
        # as of the day it was announced
        said = [p for p in periods.said if p.char_end <= q.start]
        if said and not _has_period_in(periods, s_start, q.start):
            period = (said[-1].label, said[-1].start, said[-1].end)
        if period[0]:
            period = _as_of(period)
    elif metric in FLOW_METRICS and period[0] and period[0].startswith("..") and period[2] is not None \
            and not (metric in _RATES and _POINT_IN_TIME.search(text, s_start, q.start)):
        period = _year_to_date(period)  # "截至11月，泰国新车销量中日本汽车所占的比例为69%": January to November
    label, p_start, p_end = period
    unit = q.unit
    if unit == "vehicle" and metric == "ownership" and _PER_THOUSAND.search(text, s_start, q.start):
        unit = "per_1000_people"  # "人均(每千人)保有量从467辆增长至…": vehicles per 1000 people
    if unit == "unit" and q.text.endswith("台") and metric in _VEHICLE_METRICS and _makes_vehicles(kb, subject_id) \
            and not _NOT_VEHICLES.search(text, s_start, s_end):
        unit = "vehicle"  # "哪吒汽车产量10000台": 台 counts cars when a carmaker makes or sells them
    value, value_max = q.value, q.value_max
    if metric == "profit" and basis == "level" and unit in _MONEY and cue_at is not None \
            and text.startswith(_LOSS_CUES, cue_at):
        # "净亏损为15.6亿元": a loss is a negative profit
        value, value_max = -value, (-value_max if value_max is not None else None)
    # the words that make it a plan or a forecast are looked for from the clause of its cue on ("中国汽车全球销量
    # 有望同比增长17%，达到约2700万辆": 销量 and 有望 govern both)
    from_clause = _clause_start(text, s_start, cue_at) if cue_at is not None and cue_at < clause_start else clause_start
    modality = _modality(text, from_clause, q, metric) or (
        previous.modality if follows and previous is not None and previous.sentence_start == s_start else None)
    if modality is None and previous is not None and previous.modality and previous.sentence_start == s_start \
            and cue_at is not None and clause_start <= cue_at and (
                _BARE_TERM.fullmatch(text, clause_start, q.start) or _SHARE_OF_IT.match(text, clause_start)):
        # "软银势将向 OpenAI 投资 400 亿美元，估值 2600 亿美元": a bare term after a planned deal is one of its
        # terms; "预计影响营业收入不超过33亿元，约占…营业收入的4.2%": the share the forecast figure makes
        modality = previous.modality
    if modality is None and p_start is not None and periods.args[3] is not None and p_start > periods.args[3]:
        modality = "forecast"  # "到2030年电动车占比50%" in 2025: a figure for a period not begun is no actual
    return Fact(subject_id, subject, metric, value, value_max, unit, q.qualifier,
                direction if basis != "level" else None, label, p_start, p_end, basis, scope,
                q.start, q.end, s_start, s_end, q.text, modality)


# Words that make a figure a target, a plan or a forecast rather than an actual, in its clause before it
# ("销量目标为360万辆", "预计Robotaxi的成本将达到3万美元以下", "拟募资", "计划2026年将网点数量缩减至80家")
_MODAL_BEFORE = re.compile(r"(?P<target>目标|指引|(?:需|需要|须|必须)(?:要)?(?:达到|提升至|降至))|(?P<plan>计划|(?<!模)拟|力争|争取|希望|规划将|以期|打算|寻求)"
                           r"|(?P<forecast>预计|预期|预测|预估|有望|将会|或将|可能会|有可能)")
# a future verb: 将/会/要 … 投资 ("苹果将在未来四年内在美国投资超过5000亿美元", "还会新建超过1千个换电站");
# 将 as 把 ("将推特的7500名员工人数减少到2000多人") makes only the figure after the verb a plan
_FUTURE = re.compile(r"(?:(?<![成功已经并再又还就])将(?!近)|(?<![协委理学商大年工社展博峰晚聚宴集])会|要)(?:在|于)?[^，,。；：:]{0,16}?"
                     r"(?:达到|投资|投入|增加|新建|建设|建成|实现|完成|开设|突破|降至|降到|降低至|提升至|提高到|增至|减少到|减少至|缩减至|募资"
                     r"|低于|高于|超过|推出|发布|上市|裁员|裁减|裁撤|裁掉|解雇|招聘|招募|削减至|削减到)")  # 将在欧洲裁员4000人: a plan
# after it: "12万台的新目标", "25万销售目标", "1240万辆(预期)", "15%业绩指引"
_MODAL_AFTER = re.compile(r"(?:[^，,。；\d]{0,6}?目标|[^，,。；\d]{0,4}?指引)|(?P<forecast>[^，,。；\d]{0,12}?[（(](?:预期|预计|预测|E)[)）])")


def _modality(text: str, clause_start: int, q: Quantity, metric: str) -> str | None:
    for m in _MODAL_BEFORE.finditer(text, clause_start, q.start):
        if m.lastgroup == "plan" and metric == "price":
            continue  # "计划购入原价276,000元的Model Y": the buyer's plan, the price is as quoted
        return m.lastgroup
    if _FUTURE.search(text, clause_start, q.start) or (
            not q.text[:1].isdigit() and _WILL_BEFORE.search(text, clause_start, q.start) and _VERB_QUALIFIER.match(q.text)):
        return "plan"  # "制造成本将低于 400 美元": 低于 is read with the figure, 将 before it
    after = _MODAL_AFTER.match(text, q.end)
    if after:
        return "forecast" if after.group("forecast") else "target"
    return None


_PER_SHARE_DEAL_BEFORE = re.compile(r"以每股\s*$")
_DRIVE_TYPE_MARKET = re.compile(r"(?:新能源|电动|纯电|插电|插混|混动|增程)[\u4e00-\u9fff]{0,4}?市场")
_VARIANT_IS = re.compile(r"(?:版|款|型|车型|版本)(?:车型)?(?:为|是)\s*(?:约|仅)?\s*$")
_OWN_MEASURE_BEFORE = re.compile(r"[\u4e00-\u9fff]{2,}(?:为|是|达到|达|约为|总计为?|共计)\s*(?:约|近|超过)?\s*$")
_OUTPERFORMED_BEFORE = re.compile(r"(?:远超|远高于|远低于|跑赢|跑输|超越|好于|不及|逊于)[^，,。；\d]{1,20}的\s*(?:约|近)?\s*$")
_CROSSED_BEFORE = re.compile(r"(?:突破|跌破|失守|站上|站稳|冲破|攻破|逼近|守住)(?:了)?\s*$")
_PER_DISTANCE_AFTER = re.compile(r"\s*(?:/|每)\s*(?:英里|公里|千米|km|小时|分钟|秒)")
_ONE_IN = re.compile(r"[^，,。；]{0,12}?就有")
_DEAL_VALUE = re.compile(r"(?:交易|收购|并购)(?:的)?(?:总)?(?:价值|金额|总额|总价|对价)")
_CLASS_AFTER = re.compile(r"\s?级")
_SHARE_OF_IT = re.compile(r"\s*(?:约|大约|约合|将)?占")
_BARE_TERM = re.compile(r"\s*(?:投前|投后|整体)?(?:估值|市值|对价)\s*(?:约|近|超|超过)?\s*")
_POSITIONED = re.compile(r"定位")
_OTHERWISE = re.compile(r"否则|不然的话")
_FRACTION = re.compile(r"分之")
_RATIO_BEFORE = re.compile(r"是[^，,。；]{0,24}的\s*$")
_HYPOTHESIS = re.compile(r"如果|假如|假设|倘若|要是|一旦")
_WOULD = re.compile(r"会|将(?!近)|就能|可能")
_DEAL_AFTER = re.compile(r"\s*(?:的)?(?:价格|价)?\s*(?:出售|配发|发行|认购|回购|增发|配售|转让|收购|购入|买入|卖出)")
_CHARGED = re.compile(r"收取|收费|向[^，,。；]{1,12}?收")
_WILL_BEFORE = re.compile(r"(?:(?<![成功已经并再又还就])将|(?<![协委理学商大年工社展博峰晚聚宴集])会|要)\s*$")
_VERB_QUALIFIER = re.compile(r"低于|高于|超过|突破|达到|不足|不到|逾|超")
_PER_THOUSAND = re.compile(r"每千人|千人")
_MONEY = frozenset({"CNY", "USD", "EUR", "JPY", "HKD"})
_LOSS_CUES = ("亏损", "净亏损", "经营亏损")
_ELECTRIFIED = re.compile(r"新能源|电动|纯电|插电|插混|混动|增程")
_VEHICLE_METRICS = frozenset({"production", "sales", "deliveries", "exports", "orders", "registrations"})
_NOT_VEHICLES = re.compile(r"机器人|电机|电池|芯片|手机|充电桩|充电站|换电站|设备|服务器|发动机|变速箱|零部件")
_VEHICLE_MAKERS = frozenset({"automaker", "brand", "model", "group"})


def _makes_vehicles(kb, subject_id: str | None) -> bool:
    """A carmaker, a brand, a model, or a company owning one (小米集团 owns 小米汽车)."""
    e = kb.entities.get(subject_id or "")
    if e is None:
        return False
    if e.type in _VEHICLE_MAKERS:
        return True
    key = getattr(kb, "version", None) or id(kb)  # the content digest: a curator's addition starts afresh
    owners = _CAR_OWNERS.get(key)
    if owners is None:
        if len(_CAR_OWNERS) > 8:
            _CAR_OWNERS.clear()
        owners = _CAR_OWNERS[key] = frozenset(
            r.target for x in kb.entities.values() if x.type in ("automaker", "brand")
            for r in x.relations if r.rel in ("subsidiary_of", "brand_of"))
    return subject_id in owners


_CAR_OWNERS: dict[object, frozenset[str]] = {}


_CUMULATIVE = re.compile(r"(?:^|[^\w])(?:到|截止到|截至)[^，,。；]{0,12}(?:已|达到|实现)|已完成|已实现|累计|累积")
_BOUNDED = re.compile(r"-Q\d|-H\d|\d\.\.\d|^\d{4}$|^\d{4}-\d{2}$")  # a quarter, a half, a span, a year, a month
_MILESTONE_AFTER = re.compile(r"[^，,。；]{0,8}里程碑")  # "2025年突破3000万辆下线的里程碑": all made until then
_SHARE_AFTER_PLACE = re.compile(r"(?:约|大约|则)?占")


def _year_to_date(period: tuple[str | None, date | None, date | None]) -> tuple[str | None, date | None, date | None]:
    end = period[2]
    last = (date(end.year + (end.month == 12), end.month % 12 + 1, 1) - date.resolution) if end else None
    if end is None or end != last:
        return period  # 截至8月26日: as of that day, not a count over months
    return f"{end.year}-01..{end.year}-{end.month:02d}", date(end.year, 1, 1), end


def _as_of(period: tuple[str | None, date | None, date | None]) -> tuple[str | None, date | None, date | None]:
    label, _start, end = period
    if end is None or label.startswith("..") or ".." in label:
        return period
    return f"..{end.isoformat()}", None, end


def _owner_of_place(text: str, linked: list, kb, s_start: int, q_start: int, place_id: str,
                    previous: Fact | None) -> tuple[str, str] | None:
    at = [m for m in linked if s_start <= m.start < q_start and m.entity_id == place_id]
    if not at:
        return None
    place = at[-1]
    for m in linked:
        if m.start >= place.start or m.start < s_start:
            continue
        e = kb.entities[m.entity_id]
        if e.type != "place" and text.startswith("在", m.end) and any(
                x.entity_id == place_id and m.end < x.start <= m.end + 16 for x in linked):
            return m.entity_id, e.name
    if previous is not None and previous.subject_id and _SHARE_AFTER_PLACE.match(text, place.end) \
            and kb.entities.get(previous.subject_id) and kb.entities[previous.subject_id].type != "place":
        return previous.subject_id, previous.subject
    return None


def _clause_end(text: str, pos: int, s_end: int) -> int:
    m = _CLAUSE_BREAK.search(text, pos, s_end)
    return m.start() if m else s_end


def _clause_start(text: str, s_start: int, pos: int) -> int:
    """Start of the clause holding ``pos``; a clause of a few characters joins the one before."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, s_start, pos)]
    return breaks[-1] if breaks else s_start


def _basis(before: str, q: Quantity, vocab: Vocabulary) -> tuple[str, str | None]:
    if q.unit not in ("percent", "pct_point") and q.kind != "change_multiple":
        # "起售价上调500美元至…", "销售团队增加3000人": an amount right after a verb of change is the change
        verb = _AMOUNT_CHANGE.search(before)
        if verb is None:
            return "level", None
        basis = "yoy" if any(w in before[-14:] for w in vocab.yoy) else "change"
        return basis, "down" if verb.group(1) in _AMOUNT_DOWN else "up"
    if _NEW_LEVEL_BEFORE.search(before) and q.kind != "change_multiple":
        return "level", None  # "毛利率提升至5.8%", "市场份额降至1%": the level it reached, not the change
    tail = before[-12:]
    direction = None
    for words, d in ((vocab.up, "up"), (vocab.down, "down")):
        hits = [tail.rfind(w) for w in words if w in tail]
        if hits and (direction is None or max(hits) > direction[1]):
            direction = (d, max(hits))
    d = direction[0] if direction else ("up" if q.kind == "change_multiple" else None)
    if any(w in tail for w in vocab.yoy):
        return "yoy", d or "up"
    if any(w in tail for w in vocab.mom):
        return "mom", d or "up"
    if d:
        return "change", d
    return "level", None


# 新增 (28万的员工), 降价/降幅 (降幅达到了4.8万元): a change too
_AMOUNT_CHANGE = re.compile(r"(上调|下调|调高|调低|提高|降低|增加|减少|上涨|下跌|下降|增长|提升|下滑|净增|新增|裁员|裁掉|缩减|降价|降幅|涨价)"
                            r"了?(?:达到|达|为)?了?\s*(?:约|近|超过|逾)?\s*$")
_AMOUNT_DOWN = frozenset({"下调", "调低", "降低", "减少", "下跌", "下降", "下滑", "裁员", "裁掉", "缩减", "降价", "降幅"})
# "下降到今年7月份的6.5%": a period (and 的) may stand between 到 and the level reached
_NEW_LEVEL_BEFORE = re.compile(r"(?:增加|增长|提升|提高|上升|升|下降|下滑|降低|降|减少|回落|跌|涨|跃升|攀升|扩大|缩小)(?:至|到)(?:了)?"
                               r"(?:\s*(?:今年|去年|\d{4}\s*年)?\s*\d{1,2}\s*月份?(?:底|末)?的|\s*(?:今年|去年|\d{4}\s*年)(?:底|末)?的)?"
                               r"\s*(?:约|近|接近|超过)?\s*$")


def _metric(text: str, s_start: int, clause_start: int, clause_end: int, q: Quantity,
            vocab: Vocabulary, names: list[tuple[int, int]] = ()) -> tuple[str | None, int | None]:
    """The nearest cue before the number in its clause; else a cue just after it (近250万辆的整车产量);
    else the nearest before it in the sentence; else the unit's own metric (254TOPS). A cue inside a
    linked name (日产销售: 日产 is the company) is no cue."""
    if q.unit == "person" and q.text.endswith(("员工", "雇员", "职工")):
        return "headcount", q.start  # "7500 名员工": the cue is inside the figure, whatever came before
    found = _last_cue(text, clause_start, q.start, q, vocab, names)
    if found:
        share = text.find("占", clause_start, found[1]) if q.unit == "percent" else -1
        if share >= 0 and found[0] in FLOW_METRICS and found[0] != "market_share":
            return "market_share", share  # "中国约占全球销量的 5 成": 销量 is what the share is of
        return found
    if q.unit in _MONEY_UNITS and text.startswith(("/月", "/年", "/次", "每月", "每年"), q.end):
        return "price", None  # "30元/月的个人会员版营收": a rate charged, whatever the noun after it
    if q.unit in _MONEY_UNITS and _PER_MONTH_BEFORE.search(text, clause_start, q.start):
        return "price", None  # "为每个用户提供每月4美元的核心套餐": a fee per month or per year
    # after the figure the head noun comes last: "一倍的销售网点" is about 网点, not 销售
    after = [m for m in _cues(vocab, text, q.end, min(clause_end, q.end + 10), names)
             if q.unit in vocab.units[vocab.metric_of[m.group()]] and (q.unit == "percent" or m.group() not in vocab.percent_only)]
    if after:
        # the head noun is the last cue of the run right after the figure ("一倍的销售网点": 网点), not one
        # of a later verb phrase ("过万订单有待交付": 订单)
        head = after[0]
        for m in after[1:]:
            if m.start() - head.end() > 1:
                break
            head = m
        return vocab.metric_of[head.group()], head.start()
    if q.unit == "unit" and (_COUNTED_THING.match(text, q.end) or _FIRMS_BEFORE.search(text, clause_start, q.start)):
        # "开放超过650个模型与250个数据集": a count of the things named after it, before any cue of an
        # earlier clause ("…交付…，在售的8款车型": models, not deliveries)
        return "count", None
    found = _last_cue(text, s_start, clause_start, q, vocab, names)
    if found:
        return found
    return vocab.unit_metrics.get(q.unit or ""), None


def _last_cue(text: str, lo: int, hi: int, q: Quantity, vocab: Vocabulary,
              names: list[tuple[int, int]] = ()) -> tuple[str, int] | None:
    """The cue ending last in [lo, hi) whose metric can carry the number's unit."""
    best = None
    for m in _cues(vocab, text, lo, hi, names):
        metric = vocab.metric_of[m.group()]
        if metric in _GENERIC and best is not None and best[2] == m.start():
            continue  # "装机数量": a generic head noun right after a cue leaves the measure to that cue
        if q.unit in vocab.units[metric] and (q.unit == "percent" or m.group() not in vocab.percent_only):
            best = (metric, m.start(), m.end())
    return best[:2] if best else None


_GENERIC = frozenset({"count"})
_PER_MONTH_BEFORE = re.compile(r"(?:每月|每年|每人每月|每用户每月)\s*(?:仅|只需|只要)?\s*$")
_MONEY_UNITS = frozenset({"CNY", "USD", "EUR", "JPY", "HKD"})
# a cue that is another measure with the word after it: 每股收益 (earnings per share) is no share price
_NOT_CUE_BEFORE = {"每股": ("收益", "盈利", "亏损", "净资产", "派", "分红", "净利")}  # 数量: what is counted is named before it


def _cues(vocab: Vocabulary, text: str, lo: int, hi: int, names) -> list[re.Match]:
    """The cues in [lo, hi) outside linked names; after a cue that overlaps a name the search goes on
    from the next character ("日产销售": 产销 is cut by the name 日产, 销售 is the cue)."""
    out, pos = [], lo
    while True:
        m = vocab.cue_pattern.search(text, pos, hi)
        if m is None:
            return out
        if _inside(m, names) or text[m.start() - 1:m.start()] in vocab.not_after.get(m.group(), ()) \
                or text.startswith(_NOT_CUE_BEFORE.get(m.group(), "\0"), m.end()):
            pos = m.start() + 1
            continue
        out.append(m)
        pos = m.end()


def _names_in(linked: list, s_start: int, s_end: int) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in linked if s_start <= m.start < s_end]


def _inside(m: re.Match, names) -> bool:
    return any(a < m.end() and m.start() < b for a, b in names)


def _subject_in(linked: list, kb, lo: int, hi: int, text: str = "") -> tuple[str | None, str | None]:
    """The subject named in [lo, hi): its last company, else its first place; never the source of the
    figure (据西部证券研报, 乘联会数据显示)."""
    inside = _candidates(linked, kb, lo, hi, text)
    # the entity nearest before the figure, unless it is a place named as where it happened (比亚迪在欧洲
    # 交付: 欧洲 is the scope)
    chosen = None
    inside = _topic_before_copula(inside, text)
    for i in range(len(inside) - 1, -1, -1):
        m = inside[i]
        if kb.entities[m.entity_id].type == "place" and text and (
                _LOCATIVE.search(text[max(0, m.start - 2):m.start]) or text.startswith(_MARKET_AFTER, m.end)):
            continue  # "在欧洲交付", "缩减中国市场销售网点": where, not who
        if text and _VARIANT_AFTER.match(text, m.end) and i > 0:
            continue  # "Model Y 长续航 AMD 版的起售价": a version named after a supplier, not the supplier's price
        if text and (_LIST_END_AFTER.match(text, m.end) or _IN_LIST_AFTER.match(text, m.end)) and any(
                kb.entities[x.entity_id].type != "place" and x.end < m.start and not _in_list_before(text, x, m)
                for x in inside[:i]):
            continue  # "歌尔股份…是 Oculus、Pico、Sony 等头部 VR 品牌商核心供应商": examples in a list, not the subject
        if _is_component(kb, m.entity_id) and any(
                kb.entities[x.entity_id].type != "place" and not _is_component(kb, x.entity_id) for x in inside[:i]):
            continue  # "小鹏 MONA M03…全系标配高通 8155 芯片…起售价": the car's figure, not the chip's
        chosen = m
        break
    if chosen is None:
        return None, None
    eid = _as_subject(kb, chosen.entity_id)
    return eid, kb.entities[eid].name


# (获得/收获/接受 X 的投资: X is the investor, the company receiving it is the subject)
_DEAL_VERB_BEFORE = re.compile(r"(?:投资|入股|收购|持有|所持|持股|控股|注资|增资|认购|参股|出售|兜售|减持|增持|买入|获得|收获|接受|获)(?:了)?(?:来自)?\s*$")
_LEAD_INVESTOR_AFTER = re.compile(r"\s*(?:的)?(?:牵头|领投|跟投|参投)|[^，,。；]{0,40}?为首的(?:投资|财团)")
_FROM = re.compile(r"来自|由")
_PHRASE_BREAK = re.compile(r"[，,：:（）()“”\"]")


def _other_side_of_deal(text: str, m, s_start: int) -> bool:
    """The investee or the investor of a stake or a round whose subject is the other party: right after a
    verb of investing, holding or selling (投资引望, 所持京东股权), a lead investor (淡马锡的牵头), or named in
    the clause after 来自/由 ("获得来自软银、IDG…的数轮投资")."""
    if _DEAL_VERB_BEFORE.search(text, max(s_start, m.start - 5), m.start) or _LEAD_INVESTOR_AFTER.match(text, m.end):
        return True
    frm = None
    for frm in _FROM.finditer(text, max(s_start, m.start - 40), m.start):
        pass
    return frm is not None and not _PHRASE_BREAK.search(text, frm.end(), m.start) \
        and bool(re.search(r"投资|融资|领投|注资|入股", text[m.end:min(len(text), m.end + 60)]))


def _root(kb, eid: str) -> str:
    """The group a model, brand or subsidiary belongs to (小米 SU7 -> 小米汽车 -> 小米集团)."""
    for _ in range(3):
        up = next((r.target for r in kb.entities[eid].relations
                   if r.rel in ("model_of", "brand_of", "subsidiary_of") and r.target in kb.entities), None)
        if up is None:
            break
        eid = up
    return eid


def _kind_changes(kb, a: str | None, b: str | None) -> bool:
    """A place after an organisation or the other way round (None: not named)."""
    if a is None or b is None or a not in kb.entities or b not in kb.entities:
        return False
    return (kb.entities[a].type == "place") != (kb.entities[b].type == "place")


def _company_in(linked: list, kb, lo: int, hi: int, text: str) -> str | None:
    found = [m for m in _candidates(linked, kb, lo, hi, text) if kb.entities[m.entity_id].type != "place"]
    return found[-1].entity_id if found else None


def _topic_before_copula(inside: list, text: str) -> list:
    """"长安汽车是重庆的压舱石,2025年突破3000万辆": in "A是B的C", B qualifies C and A is what the clause
    is about, so B is dropped from the candidates when A is among them; likewise every name in the
    predicate of "A是…" up to the end of its clause ("后者是小米 SU7 重点对标的车型": 后者)."""
    if len(inside) < 2 or not text:
        return inside
    for a in inside[:-1]:
        if _COPULA_AFTER.match(text, a.end):
            stop = _PREDICATE_END.search(text, a.end)
            end = stop.start() if stop else len(text)
            kept = [m for m in inside if not (a.end < m.start < end)]
            if len(kept) < len(inside):
                return kept
    last = inside[-1]
    if text[max(0, last.start - 1):last.start] == "是" and _OF_AFTER.match(text, last.end) \
            and any(m.end <= last.start - 1 for m in inside[:-1]):
        return inside[:-1]  # "丰田卖出262万辆，是特斯拉同期销量的7.6倍，…净利润": 特斯拉 is what 丰田 is compared with
    return inside


_EXAMPLES_BEFORE = re.compile(r"、[^，,。；、]{1,12}等\s*(?:超过|超|近|约|逾|多达)?\s*$")
_OF_AFTER = re.compile(r"[^，,。；：:]{0,8}?的")
_COPULA_AFTER = re.compile(r"\s?(?:目前|现在|也|则|就|已经|依然|仍然|一直|曾)?是(?!否)")
_PREDICATE_END = re.compile(r"[，,。；;！？!?]")


def _candidates(linked: list, kb, lo: int, hi: int, text: str) -> list:
    """The mentions in [lo, hi) that may be a figure's subject: not a source (据西部证券研报, 乘联会数据显示,
    彭博社), not a name inside a 《title》."""
    return [m for m in linked if lo <= m.start and m.end <= hi
            and (kb.entities[m.entity_id].type not in SOURCE_TYPES or kb.entities[m.entity_id].type == "media")
            and not (text and (_in_title(text, m) or _is_source(text, m, kb.entities[m.entity_id].type in _VEHICLE_MAKERS)))]


def _starts_cue(text: str, pos: int) -> bool:
    """"全球销量", "全球交付": 全球 says where the subject's figure counts, it is not the subject."""
    return bool(vocabulary().cue_pattern.match(text, pos))


def _may_own(kb, m, text: str) -> bool:
    """Could this mention be the owner of a global figure: a company or organisation not quoted as a
    source (据中研普华, 彭博社) and not in a title. "比亚迪发布的数据显示" is 比亚迪's own figure."""
    return (kb.entities[m.entity_id].type not in SOURCE_TYPES | {"place"} and not _in_title(text, m)
            and not _CITED.search(text, max(0, m.start - 4), m.start))


def _subject(linked: list, kb, s_start: int, anchor: int, previous: Fact | None, text: str = "",
             q_start: int | None = None, national: bool = False,
             metric: str | None = None, company: str | None = None,
             topic: str | None = None) -> tuple[str | None, str | None]:
    """The entity named before the metric cue in the sentence; else one named between the cue and the
    figure ("销量排在首位的是特斯拉，达到 43 万辆"); else a place word of the sentence (全球, 全国/我国 ->
    中国); else the subject of the paragraph's previous figure; else, for a document about the Chinese
    market (``national``), 中国: "今年1—11月，新能源汽车产销分别完成…" is a national statistic."""
    world = _WORLD.search(text, _clause_start(text, s_start, min(anchor, q_start)), q_start) if q_start is not None else None
    if world and not _starts_cue(text, world.end()) \
            and not any(_may_own(kb, m, text) for m in linked if s_start <= m.start < q_start):
        # "图:中国新能源车出口…,2024年全球交通基础设施投资规模已达到2.8万亿美元": 全球 in the figure's own
        # clause beats a place further back; "比亚迪…2024 年全球新车销量" stays 比亚迪's
        return None, WORLD
    found = _subject_in(linked, kb, s_start, anchor, text)
    if found[0] is None and q_start is not None and q_start > anchor:
        found = _subject_in(linked, kb, anchor, q_start, text)
    if found[0] is not None:
        return found
    if company is not None and (previous is None or previous.subject_id != company or previous.metric != metric):
        return company, kb.entities[company].name  # a company's measure in a sentence naming nobody: the paragraph's
    end = q_start if q_start is not None else anchor
    where = _subject_in([m for m in linked if kb.entities[m.entity_id].type == "place"
                         and not _in_title(text, m) and not text.endswith("位于", 0, m.start)
                         and text[m.start - 3:m.start] != "位于 "], kb, s_start, end, "")
    if where[0] is not None and previous is None:
        return where  # "在美国,这通常指的是价格在2万—3万美元": nothing but the place is named
    world = _WORLD.search(text, s_start, end)
    if world and not _starts_cue(text, world.end()):
        return None, WORLD  # no entity stands for the world: the subject is the word itself
    if _NATIONAL.search(text, s_start, end) and "place-china" in kb.entities \
            and (metric != "price" or _AVERAGE.search(text, s_start, end)):
        # 全国汽车产销, 我国新能源汽车; a price is the country's only as an average (国内平均售价): "RTX 3060 的
        # 国内售价", "国内航线燃油附加费" are the prices of a product or a service sold there
        return "place-china", kb.entities["place-china"].name
    if previous is not None and (metric is None or previous.metric == metric or previous.sentence_start == s_start):
        # the paragraph's subject goes on only while it is the same measure: "100美元/kWh的成本奇点"
        # after a paragraph on 美国's car ownership is no figure of 美国's
        return previous.subject_id, previous.subject
    if topic is not None:
        return topic, kb.entities[topic].name  # the carmaker the sentence before is about (extract_facts)
    if national and "place-china" in kb.entities:
        return "place-china", kb.entities["place-china"].name
    return None, None


_MARKET_AFTER = ("市场", "地区", "区域")
_AVERAGE = re.compile(r"平均|均价")
_SHARE_BASE = re.compile(r"销量|销售|份额|市场|出货|交付|产量|注册|上险|收入|营收|利润|比例|总量|新车|装机|装车|乘用车|汽车|车型")
_ANAPHOR = re.compile(r"\s*(?:其中|其|该公司|该集团|该企业|公司|集团)")
_INDUSTRY_BEFORE = re.compile(r"(?:行业|产业|业内|车市|全市场)(?:的|平均|整体|总体|内)*$")
# a counter followed by the noun it counts (个模型, 座快充站, 台机器人), not by a measure
_COUNTED_THING = re.compile(r"[\u4e00-\u9fff]{0,4}(?:模型|数据集|机器人|项目|站|桩|中心|工厂|基地|专利|车型|产品|智能体|应用)"
                            r"| ?(?:APP|App|app)")
# "…集成应用企业达到300多家": firms counted (家 after 企业 is no store)
_FIRMS_BEFORE = re.compile(r"(?:企业|公司|车企|厂商|厂家|供应商)(?:数量|总数)?(?:已经|已)?(?:达到|达|有|超过|共有|共计|共)\s*(?:约|近|超过)?\s*$")
_CONSEQUENCE = re.compile(r"[，,] ?(?:就|便|则|那么|才)")
_CONDITION = re.compile(r"如果|假如|假设|若|一旦|当")  # 那么 after a figure closes a condition only after these
_LIMIT_BEFORE = re.compile(r"(?:上限|下限|临界值|阈值)[^，,。；]{0,3}$")
_QUOTED_NAME = re.compile(r"[^”，。]{1,8}”")
_PLACES_COUNTED = re.compile(r"[ ]?(?:国家|城市|省份|省|地区|市场|个国家)")


def _in_title(text: str, m) -> bool:
    """Is the mention inside a 《title》 (《2025-2030年中国交通投资…报告》): a name in a title is no subject."""
    opened = text.rfind("《", max(0, m.start - 40), m.start)
    return opened >= 0 and text.find("》", opened, m.start) < 0


def _about_china(text: str, linked: list, kb) -> bool:
    """Does the document report on the Chinese market: it names 中国 (or 全国/我国/国内), or its figures
    come from a Chinese association or ministry (据中汽协, 乘联会数据)?"""
    if _NATIONAL.search(text):
        return True
    for m in linked:
        if m.entity_id == "place-china":
            return True
        e = kb.entities[m.entity_id]
        if e.type in ("association", "government") and _in_china(kb, m.entity_id):
            return True
    return False


def _in_china(kb, eid: str, depth: int = 3) -> bool:
    if eid == "place-china":
        return True
    e = kb.entities.get(eid)
    if e is None or depth == 0:
        return False
    return any(_in_china(kb, r.target, depth - 1) for r in e.relations if r.rel in ("headquartered_in", "located_in"))


def _is_source(text: str, m, own_figures: bool = False) -> bool:
    """据西部证券研报, 来源:乘联会, "MarkLines 统计了": who gives the figure. A carmaker's own data
    ("比亚迪发布的数据显示") is about itself: with ``own_figures`` only 据/根据/来源 make it a source."""
    if _CITED.search(text, max(0, m.start - 4), m.start):
        # "根据滴滴自动驾驶官方最新数据": a company's official figures are about itself
        return not text.startswith(("官方", "官网", "自身", "公司", "财报", "年报", "公告"), m.end)
    after = m.end + 1 if text[m.end:m.end + 1] == " " else m.end  # "MarkLines 统计了"
    return not own_figures and text.startswith(_SOURCE_AFTER, after)


_CITED = re.compile(r"(?:据|根据|援引|来源[:：]?) ?$")


_LIST_END_AFTER = re.compile(r"\s?等(?!于|待|到|同)")
# a member of "A、B、C 等" before its last one ("搭载了微信、抖音、腾讯视频、网易云音乐等超过20款APP")
_IN_LIST_AFTER = re.compile(r"[^，,。；：:、]{0,8}、[^，,。；：:]{0,30}?等(?!于|待|到|同)")


def _in_list_before(text: str, x, m) -> bool:
    """Is ``x`` a member of the same "A、B、C 等" list as ``m`` (only 、, 和, 与, 及 and names between)?"""
    return bool(re.fullmatch(r"[^，,。；：:]{0,40}", text[x.end:m.start])) and "、" in text[x.end:m.start] \
        and len(text[x.end:m.start]) <= 30 and bool(_LIST_JOIN.match(text, x.end))  # "比亚迪搭载了微信、…": not one


_COMPONENT_KINDS = frozenset({"chip", "platform", "system", "battery", "product"})
_VARIANT_AFTER = re.compile(r"\s?版(?!本|权|图)")


def _is_component(kb, eid: str) -> bool:
    """A chip, a platform, a driving system, a battery or another product (RTX 4090, 高通骁龙8155, 特斯拉HW4.0):
    its figures are its maker's (the product is their scope); vehicles and robots are subjects themselves."""
    e = kb.entities.get(eid)
    return e is not None and e.type == "model" and e.kind in _COMPONENT_KINDS


def _as_subject(kb, eid: str) -> str:
    """A government's figures are its country's (美国政府加征关税 -> 美国); a component's are its maker's
    ("RTX 4090 公版显卡在欧洲地区的首发价为 1949 欧元": 英伟达's price)."""
    e = kb.entities[eid]
    if _is_component(kb, eid):
        maker = next((r.target for r in e.relations if r.rel == "model_of" and r.target in kb.entities), None)
        return maker or eid
    if e.type == "government":
        place = next((r.target for r in e.relations if r.rel in ("headquartered_in", "located_in")
                      and kb.entities.get(r.target) and kb.entities[r.target].type == "place"), None)
        # 国家信息中心 sits in 北京 but speaks for 中国: the country is the top of the located_in chain
        for _ in range(3):
            up = next((r.target for r in kb.entities[place].relations if r.rel == "located_in"), None) if place else None
            if up is None or up not in kb.entities:
                break
            place = up
        return place or eid
    return eid


def _scope(text: str, linked: list, kb, s_start: int, anchor: int, q_start: int, subject_id: str | None,
           vocab: Vocabulary) -> str | None:
    places = [m for m in linked if s_start <= m.start < q_start and m.entity_id != subject_id
              and kb.entities[m.entity_id].type == "place"]
    subject_pos = max((m.start for m in linked if m.entity_id == subject_id and m.start < anchor), default=-1)
    after_subject = [m for m in places if m.start > subject_pos]
    if after_subject and kb.entities.get(subject_id or "") and kb.entities[subject_id].type != "place":
        return kb.entities[after_subject[-1].entity_id].name
    window = text[max(s_start, anchor - 12):q_start]
    return next((seg for seg in vocab.segments if seg in window), None)


class _DocumentPeriods:
    """The sentences' periods of one document, each parsed the first time a figure needs it (its own,
    or an earlier sentence's as context)."""

    def __init__(self, text: str, spans: list[tuple[int, int]], published: date | None):
        self.text, self.spans, self.published = text, spans, published
        self.cache: dict[int, _SentencePeriods] = {}
        self.opening_end: int | None = None  # index of the first sentence after the opening paragraph
        self.item_first: int | None = None  # index of the first sentence under the last digest heading

    def at(self, i: int, para_first: int) -> "_SentencePeriods":
        found = self.cache.get(i)
        if found is None:
            s_start, s_end = self.spans[i]
            found = self.cache[i] = _SentencePeriods(self.text, s_start, s_end, self.published, self, i, para_first)
        return found

    def context(self, i: int, para_first: int) -> Period | None:
        """The last period named in the paragraph before sentence ``i`` (a figure whose own sentence names
        none took it from there; a forecast's year does not carry), else the opening paragraph's first
        period ("2021 年 10 月…装机 328,272 台" heads a report whose later paragraphs list its parts)."""
        for j in range(i - 1, para_first - 1, -1):
            sentence = self.at(j, para_first)
            found = sentence.get()
            if found and not sentence.forecast(found[-1]):
                return found[-1]
        if para_first == 0:
            return None
        if self.item_first is not None and self.item_first < para_first:
            # in a digest, an item opening with a report ("Spotify 公布了其 2024 年第四季度财报。⏎* 总收入同比
            # 增长 16%") sets the period of the figures under it: the report's, not the digest opening's; an
            # item about anything else gives its later paragraphs no period
            for j in range(self.item_first, para_first):
                found = self.at(j, self.item_first).get()
                if found:
                    s_start, s_end = self.spans[j]
                    return found[0] if _REPORT_WORD.search(self.text, found[0].char_end, s_end) else None
            return None
        for j in range(self.opening_end or 0):
            found = self.at(j, 0).get()
            if found:
                return found[0]
        return None


_REPORT_WORD = re.compile(r"财报|季报|年报|业绩|财务报告|季度报告|年度报告")


class _SentencePeriods:
    """The periods of one sentence, looked for only when a figure of it needs one. A bare day (1月19日)
    dates the report, not the figure; 去年同期 and "比2023年" are what the figure is compared with
    (kept apart in ``compared``); "????" means no year was resolved."""

    def __init__(self, text: str, s_start: int, s_end: int, published: date | None,
                 document: _DocumentPeriods, index: int, para_first: int):
        self.args = (text, s_start, s_end, published)
        self.found: list[Period] | None = None
        self.compared: list[Period] = []
        self.said: list[Period] = []
        self.since: list[Period] = []
        self.document, self.index, self.para_first = document, index, para_first

    def forecast(self, p: Period) -> bool:
        """"2025 年销量有望突破 500 万辆": a forecast's year is not the period of the figures after it; a
        forecast word in another clause ("台积电四季报维持高增长，…超市场预期") leaves the period an actual's."""
        text, s_start, s_end, _ = self.args
        return bool(_FORECAST.search(text, _clause_start(text, s_start, p.char_start), _clause_end(text, p.char_end, s_end)))

    def compared_now(self) -> list[Period]:
        self.get()
        return self.compared

    def context(self) -> Period | None:
        return self.document.context(self.index, self.para_first)

    def get(self) -> list[Period]:
        if self.found is None:
            text, s_start, s_end, published = self.args
            self.found = []
            sourced = [m.span() for m in _SOURCE_PHRASE.finditer(text, s_start, s_end)]
            for p in find_periods(text[s_start:s_end], published):
                if p.basis and "????" not in p.label:
                    # "低于上年同期的 290 亿美元": a figure right after the basis is of the basis period
                    self.compared.append(replace(p, char_start=p.char_start + s_start, char_end=p.char_end + s_start))
                    continue
                if _is_day(p) or p.basis or "????" in p.label:
                    continue
                p = replace(p, char_start=p.char_start + s_start, char_end=p.char_end + s_start)
                if text.startswith(("财年", " 财年"), p.char_end):
                    continue  # "2023财年第二财季": a company's fiscal year is not the calendar year
                span = _ENDING_SPAN.match(text, p.char_end)
                if span and p.label.startswith("..") and p.end is not None:
                    # "截至2022年9月30日止六个月", "截至2022年12月31日止…第二财季": the months ending that day
                    # (the last span word: "止2023财年第二财季" is a quarter)
                    p = _months_ending(p, _SPAN_MONTHS[_SPAN_WORD.findall(span.group())[-1]])
                if len(p.label) == 4 and _SAME_TIME_AFTER.match(text, p.char_end) and self.found:
                    p = _same_span_in_year(p, self.found[-1])  # "截至9月30日止六个月…，而2021年同期": 2021-04..2021-09
                if _REPORT_DATE_AFTER.match(text, p.char_end):
                    self.said.append(p)  # "福特在12月中提及": when it was said, the date of a total "已完成"
                    continue
                if _SINCE_NOW_AFTER.match(text, p.char_end):
                    self.since.append(p)  # the start of "自2022年末至今": only the figure after 从 is of then
                    continue
                if text.startswith("起", p.char_end) or any(a <= p.char_start < b for a, b in sourced) \
                        or _EVENT_SINCE_AFTER.match(text, p.char_end):
                    # "自去年起加征": since when; "根据…2025年前11个月的业绩报告": the source's span; "自去年11月
                    # 份上市以来": since an event
                    continue
                if _THIS_QUARTER.fullmatch(p.text.strip()):
                    p = self._reported_quarter(p)  # "发布2024年第二季度财报。本季度，…": the report's quarter
                (self.compared if _is_comparison(text, p) else self.found).append(p)
        return self.found

    def _reported_quarter(self, p: Period) -> Period:
        """本季度/这个季度 after a quarter named with its year (a quarterly report: "小米集团发布2024年第二季度
        财报。本季度，集团总营收…") is that quarter, not the quarter of the publication date: results come out
        after their quarter has ended."""
        published = self.args[3]

        def ended(periods: list[Period]) -> list[Period]:
            return [q for q in periods if _QUARTER_LABEL.match(q.label) and q.end is not None
                    and (published is None or q.end <= published)]

        found = ended(self.found)
        for j in range(self.index - 1, -1, -1):
            if found:
                break
            found = ended(self.document.at(j, 0).get())
        if not found or found[-1].label == p.label:
            return p
        q = found[-1]
        return replace(p, start=q.start, end=q.end, label=q.label)


_THIS_QUARTER = re.compile(r"(?:本|这一?个?)季度|(?:当|该)季度?")
_QUARTER_LABEL = re.compile(r"^\d{4}-Q[1-4]$")
_SAME_TIME_AFTER = re.compile(r"\s*(?:的)?同期")


def _same_span_in_year(p: Period, earlier: Period) -> Period:
    """"2021 年同期": the span of the period named before, in that year."""
    if earlier.start is None or earlier.end is None or len(earlier.label) == 4:
        return p
    k = int(p.label) - earlier.end.year
    return replace(p, start=_shift_year(earlier.start, k), end=_shift_year(earlier.end, k),
                   label=re.sub(r"\d{4}", lambda m: str(int(m.group()) + k), earlier.label))


_SPAN_MONTHS = {"三个月": 3, "季度": 3, "财季": 3, "六个月": 6, "半年": 6, "九个月": 9, "十二个月": 12, "年度": 12,
                "财年": 12}
_SPAN_WORD = re.compile("|".join(_SPAN_MONTHS))
_ENDING_SPAN = re.compile(r"止[^，,。；]{0,14}(?:" + "|".join(_SPAN_MONTHS) + ")")


def _months_ending(p: Period, months: int) -> Period:
    end = p.end
    first = date(end.year - (1 if end.month <= months - 1 else 0), (end.month - months) % 12 + 1, 1)
    if months == 3 and end.month % 3 == 0:
        label = f"{end.year}-Q{end.month // 3}"
    elif months == 6 and end.month in (6, 12):
        label = f"{end.year}-H{end.month // 6}"
    elif months == 12 and end.month == 12:
        label = str(end.year)
    else:
        label = f"{first.year}-{first.month:02d}..{end.year}-{end.month:02d}"
    return replace(p, start=first, label=label)


def _is_comparison(text: str, p: Period) -> bool:
    """"比 2023 年增长", "较2024年", "与2024年持平": the year the figure is compared with."""
    before = text[max(0, p.char_start - 3):p.char_start].rstrip()
    return before.endswith(_COMPARED_BEFORE) or text.startswith(_COMPARED_AFTER, p.char_end)


_COMPARED_BEFORE = ("比", "较", "与", "相比", "同")
_REPORT_DATE_AFTER = re.compile(r"[初中底末]?(?:提及|表示|宣布|称|透露|公布|披露|指出)")
_EVENT_SINCE_AFTER = re.compile(r"[^，,。；]{1,6}以来")
_SOURCE_PHRASE = re.compile(r"根据[^，,。；]{0,40}?(?:报告|数据|报表|财报)")
_COMPARED_AFTER = ("相比", "持平")
_DURATION = re.compile(r"(?<![前近\d一二两三四五六七八九十百千])(?:[一二两三四五六七八九十百千\d]+|半) ?(?:天|日内|周|个月|年之内|年内)(?!份)")
_SINCE_NOW_AFTER = re.compile(r"[初中底末]?至今")
_PER_PERIOD = re.compile(r"每(?:月|年|季度|周)")
_YEARS_AGO = re.compile(r"([0-9]{1,2}|[一二两三四五六七八九十])年前")
_CN_SMALL = {c: i for i, c in enumerate("零一二三四五六七八九十")} | {"两": 2}
_NOW = re.compile(r"目前|当前|现在|如今|眼下")
_FORECAST = re.compile(r"有望|预计|预期|将会|计划|目标|预测|有可能")


def _period(periods: _SentencePeriods, pos: int, metric: str) -> tuple[str | None, date | None, date | None]:
    """The nearest period before the figure in its sentence, else the first after it, else (for flows
    counted over a period) the one the paragraph or the opening set earlier: "2021 年 10 月…装机
    328,272 台。…比亚迪配套 75579 台". A price, a headcount or a capacity is a level at a time, not a
    flow, and does not take a period from elsewhere."""
    s_periods = periods.get()
    text, s_start, _s_end, published = periods.args
    since = [p for p in periods.since if p.char_end <= pos]
    if since and text[max(s_start, pos - 2):pos].endswith(("从", "由")):
        return since[-1].label, since[-1].start, since[-1].end  # "自2022年末至今…从526万辆": then
    clause_start = _clause_start(text, s_start, pos)
    announced = [p for p in periods.said if clause_start <= p.char_start and p.char_end <= pos
                 and _ANNOUNCED_ACT.fullmatch(text, p.char_end, pos)]
    if announced:
        return announced[-1].label, announced[-1].start, announced[-1].end  # "在今年1月宣布裁员1.2万人": then
    duration = _DURATION.search(text, max(s_start, pos - 12), pos)
    if duration and text[duration.start() - 1:duration.start()] == "止":
        duration = None  # "截至6月30日止六个月": the span of the period named, not a stretch of time
    if duration:
        span = _span_of_duration(text, duration, [p for p in s_periods if p.char_end <= duration.start()])
        if span is not None:
            return span  # "从 10 月到 2025 年 1 月，小米连续四个月交付量超过 2 万辆": those four months
    if duration or _PER_PERIOD.search(text, clause_start, pos):
        # "百天交付4万辆", "一年之内就净增了一倍": over that stretch; "每月25%以上的增长": a rate, not a
        # calendar period
        return None, None, None
    ago = _YEARS_AGO.search(text, clause_start, pos)
    if ago and any(ago.end() <= p.char_start < pos for p in s_periods):
        ago = None  # "从两年前的5%提升到2024年第三季度的8%": 8% has its own period after 两年前
    if ago and published is not None:
        # "与5年前的约9成相比": the year it names, counted back from the last year the sentence named before
        # ("从 2021 年的 65% 提高到了 2022 年的 79.3%，而十年前这个数字仅为 2.9%": 2012), else from publication
        named = [int(p.label[:4]) for p in s_periods if p.char_end <= ago.start() and p.label[:4].isdigit()]
        later = next((p for p in s_periods if p.char_start >= pos and _SHIFTABLE.match(p.label)), None)
        if not named and later is not None and _TO_BEFORE.search(text, pos, later.char_start):
            # "从一年前的9%，下降到今年7月份的6.5%": a year before the span the change goes to (2023-07)
            k = -_small_number(ago.group(1))
            return (re.sub(r"\d{4}", lambda m: str(int(m.group()) + k), later.label, count=1),
                    _shift_year(later.start, k), _shift_year(later.end, k))
        year = (named[-1] if named else published.year) - _small_number(ago.group(1))
        return str(year), date(year, 1, 1), date(year, 12, 31)
    own = [p for p in periods.compared if p.char_end <= pos and clause_start <= p.char_start
           and _OWN_AFTER_COMPARED.fullmatch(text, p.char_end, pos)]
    if own:
        return own[-1].label, own[-1].start, own[-1].end  # "较第三季度的 11.0% 继续增长": that quarter's figure
    before = [p for p in s_periods if p.char_end <= pos]
    span = _between_years(text, s_start, pos, before)
    if span:
        return span  # "美国自1965年…保有量从467辆增长至1975年640辆，净增接近200辆/千人": over 1965..1975
    pair = _from_to_years(text, s_start, pos, before)
    if pair:
        return pair
    if metric not in FLOW_METRICS:
        # a level at a time (a price, a stake, a headcount) is not of the date of an event another clause
        # tells ("《崩坏：星穹铁道》于 2021 年全球首曝，…米哈游为这款产品组建了超过 400 人的研发团队")
        before = [p for p in before if p.char_start >= clause_start or not _EVENT_TIME_BEFORE.search(
            text, max(s_start, p.char_start - 2), p.char_start)]
    own_clause_only = metric == "price" and not _AVERAGE.search(text, s_start, pos)
    if own_clause_only:
        # a product's price is of no date another clause tells ("早在今年4月，极氪001便上市了，售价区间在
        # 28.1－36万"); an average price is a statistic of its period (2024年新能源平均售价…)
        before = [p for p in before if p.char_start >= clause_start]
        if not before:
            end = _clause_end(text, pos, _s_end)
            after = next((x for x in s_periods if x.char_end > pos), None)
            return (after.label, after.start, after.end) if after is not None and after.char_end <= end \
                else (None, None, None)
    if metric not in FLOW_METRICS and not any(p.char_start >= clause_start for p in before) \
            and _NOW.search(text, clause_start if before else s_start, pos):
        return None, None, None  # "目前，蔚来有接近500家门店，…不是今年的首要任务": a level now, not of 今年
    if not before:
        shifted = _year_after_compared(text, periods, clause_start, pos)
        if shifted:
            return shifted  # "相比 2023 年第二季度，小米集团总营收增长 215.3 亿元": of 2024's second quarter
    p = before[-1] if before else next((x for x in s_periods if x.char_end > pos), None)
    if p is not None and p.end is not None and not p.label.startswith("..") and (
            metric not in FLOW_METRICS and _AS_OF_BEFORE.search(text, max(s_start, p.char_start - 4), p.char_start)
            or metric in _RATES and _UNTIL_BEFORE.search(text, max(s_start, p.char_start - 4), p.char_start)
            and text.startswith(("底", "末"), p.char_end)):
        # "到 2023 年底，新能源汽车的渗透率已接近 40%": a rate as of the end
        # "截止 2024 年第二季度，小米在国内的线下零售店超过 1.2 万家": a level as of the period's end
        return f"..{p.end.isoformat()}", None, p.end
    if p is None and metric in FLOW_METRICS and not _NOW.search(text, s_start, pos):
        # "目前…产量已恢复至危机前水平的一半左右": a figure stated for now takes no earlier period
        p = periods.context()
    return (p.label, p.start, p.end) if p else (None, None, None)


_EVENT_TIME_BEFORE = re.compile(r"(?<![位属对至])于\s*$")
_AS_OF_BEFORE = re.compile(r"(?:截至|截止|截止到)\s*$")
_UNTIL_BEFORE = re.compile(r"(?:截至|截止|截止到|到|至)\s*$")
_RATES = frozenset({"penetration"})
_POINT_IN_TIME = re.compile(r"(?:到|至|截至|截止)[^，,。；]{0,12}[底末]")
_SHIFTABLE = re.compile(r"^\d{4}(?:-Q[1-4]|-H[12]|-\d{2})?$")


def _year_after_compared(text: str, periods: "_SentencePeriods", clause_start: int, pos: int):
    """A figure compared with a period written with its year and naming no period of its own is of the
    same period one year later ("相比 2023 年第二季度，…营收增长 215.3 亿元": 2024-Q2), when that has passed."""
    published = periods.args[3]
    s_start = periods.args[1]
    compared = [p for p in periods.compared_now() if p.char_end <= pos and _SHIFTABLE.match(p.label)
                and re.search(r"\d{4}", p.text)]
    if not compared or published is None or "环比" in text[s_start:pos]:
        return None
    p = compared[-1]
    start, end = _shift_year(p.start, 1), _shift_year(p.end, 1)
    if end is None or end > published:
        return None
    return re.sub(r"\d{4}", lambda m: str(int(m.group()) + 1), p.label, count=1), start, end


def _span_of_duration(text: str, duration: re.Match, before: list[Period]):
    """A stretch of N months right after a span of N months names that span again."""
    m = re.match(r"([一二两三四五六七八九十\d]+) ?个月", duration.group())
    if not m or not before or ".." not in before[-1].label[1:] or before[-1].start is None or before[-1].end is None:
        return None
    p = before[-1]
    months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
    n = m.group(1)
    count = int(n) if n.isdigit() else (_CN_SMALL.get(n) if len(n) == 1 else None)
    if count != months:
        return None
    return p.label, p.start, p.end


_ANNOUNCED_ACT = re.compile(r"[初中底末]?(?:宣布|公布|披露)(?:了)?(?:裁员|融资|投资|募资|招聘|增资)[^，,。；\d]{0,3}")
_OWN_AFTER_COMPARED = re.compile(r"\s*的?\s*(?:约|近|接近)?\s*")
_FROM_BEFORE = re.compile(r"(?:从|由)[^，,。；\d]{0,4}$")
_TO_BEFORE = re.compile(r"(?:至|到)[^，,。；\d]{0,4}$")
_YEARS_JOINED = re.compile(r"\s*年?\s*(?:和|与|及|至|到|、|-|—|–|~)\s*")


def _from_to_years(text: str, s_start: int, pos: int, before: list[Period]):
    """"2023年和2024年，比亚迪的销量从187万辆跃升至427万辆", "2021年至2023年，收入由72亿元增加至107亿元":
    the figure after 从/由 is of the first year, the one after 至/到 of the second."""
    frm = _FROM_BEFORE.search(text, max(s_start, pos - 6), pos)
    to = None if frm else _TO_BEFORE.search(text, max(s_start, pos - 6), pos)
    if not (frm or to):
        return None
    years = None
    if before and len(before[-1].label) == 10 and before[-1].label[4:6] == ".." and before[-1].start and before[-1].end:
        years = (before[-1].start.year, before[-1].end.year)  # "2021..2023"
    elif len(before) >= 2 and len(before[-1].label) == 4 == len(before[-2].label) \
            and (j := _YEARS_JOINED.match(text, before[-2].char_end)) and j.end() == before[-1].char_start:
        years = (int(before[-2].label), int(before[-1].label))
    if years is None or years[0] >= years[1]:
        return None
    ranged = len(before[-1].label) == 10 and before[-1].label[4:6] == ".."
    if to and not ranged and not re.search(r"(?:从|由)[^，,。；]{0,20}$", text[max(s_start, pos - 40):to.start()]):
        return None  # two years and a 至 with no 从 before it: not a from-to pair
    year = years[0] if frm else years[1]
    return str(year), date(year, 1, 1), date(year, 12, 31)


def _between_years(text: str, s_start: int, pos: int, before: list[Period]) -> tuple[str, date, date] | None:
    """A net change (净增, 净减) after "自/从 Y1 … 至 Y2": the change over Y1..Y2."""
    if len(before) < 2 or not _NET_CHANGE.search(text, max(s_start, pos - 6), pos):
        return None
    first, last = before[-2], before[-1]
    if not (len(first.label) == len(last.label) == 4 and first.label < last.label):
        return None
    if not text[max(s_start, first.char_start - 2):first.char_start].endswith(("自", "从")):
        return None
    return f"{first.label}..{last.label}", first.start, last.end


_NET_CHANGE = re.compile(r"净增|净减|净增长|净减少")


def _small_number(s: str) -> int:
    return int(s) if s.isdigit() else _CN_SMALL[s]


def _is_day(p: Period) -> bool:
    return len(p.label) == 10 and ".." not in p.label


def _has_period_in(periods: _SentencePeriods, lo: int, hi: int) -> bool:
    return any(lo <= p.char_start < hi for p in periods.get())


def _period_of(f: Fact) -> tuple[str | None, date | None, date | None]:
    return f.period, f.period_start, f.period_end
