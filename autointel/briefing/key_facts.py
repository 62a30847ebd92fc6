"""Key facts: the selected documents' numbers, one line per statement, the most informative first.

A statement is what one sentence says of one subject, measure, period and scope: a level and the changes
that follow it ("产量近250万辆，同比增长12.1%") read as one line.  The same statement in several documents
(reposts, or outlets quoting one release) is one line citing the first report and up to two others.  A
line whose subject, measure, period and scope the store lists among ``conflicts`` (values that differ
between documents) is flagged and shows the other values, each with its own citation.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Optional

from autointel.briefing import humanize
from autointel.briefing.evidence import Documents
from autointel.briefing.model import Figure, Item
from autointel.briefing.select import Selection
from autointel.store import facts as fact_store

MAX_ALSO = 2  # further outlets cited on a line that several carried
MAX_CONFLICTS = 3  # other values shown under a conflicting line
FLOW_METRICS = {"sales", "deliveries", "production", "exports", "revenue", "profit", "registrations", "orders",
                "shipments"}
LEVEL_METRICS = {"market_share", "penetration", "price", "tariff", "investment", "capacity", "market_cap",
                 "valuation", "stock_price", "ownership"}


def _round(v: Optional[float]) -> Optional[float]:
    return None if v is None else float(f"{v:.6g}")


def _subject_key(f: dict) -> str:
    return f["subject_id"] or f["subject"]


def _statements(facts: list[dict]) -> list[list[dict]]:
    """Split each sentence's facts into statements: a level opens one, the changes after it join it."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for f in facts:
        groups[(f["document_id"], f["sentence_start"], _subject_key(f), f["metric"], f["period"], f["scope"])].append(f)
    out = []
    for group in groups.values():
        current: list[dict] = []
        for f in sorted(group, key=lambda f: f["start"]):
            if f["basis"] == "level" or not current:
                current = [f]
                out.append(current)
            else:
                current.append(f)
    return out


def _signature(stmt: list[dict]) -> tuple:
    """What makes two statements the same line: subject, measure, period, scope and the leading figure (a
    repost that also gives the change, or drops it, still says the same thing)."""
    head = stmt[0]
    return (_subject_key(head), head["metric"], head["period"], head["scope"], head["unit"], head["basis"],
            head["direction"], _round(head["value"]), _round(head["value_max"]))


def _conflict_key(f: dict) -> tuple:
    return (f["subject_id"], f["metric"], f["period"], f["scope"], f["unit"], f["basis"], f["direction"])


def _figure(f: dict) -> Figure:
    return Figure(humanize.figure(f), humanize.amount(f["value"], f["value_max"], f["unit"], f["qualifier"],
                                                      f["text"]),
                  f["start"], f["end"], f["value"], f["value_max"], f["unit"], f["qualifier"])


def _cite(docs: Documents, stmt: list[dict], role: str, line: str | None = None):
    """The statement's sentence; with ``line``, only the figures that line states are listed as evidence."""
    figures = tuple(f for f in map(_figure, stmt) if line is None or f.shown in line)
    start = min([stmt[0]["sentence_start"]] + [f["start"] for f in stmt])
    end = max([stmt[0]["sentence_end"]] + [f["end"] for f in stmt])
    doc = docs.get(stmt[0]["document_id"])
    start, end = _trimmed(doc.canonical, start, end, min(f["start"] for f in stmt), max(f["end"] for f in stmt))
    return docs.citation(stmt[0]["document_id"], start, end, figures, role)


def _trimmed(text: str, a: int, b: int, inner_a: int, inner_b: int) -> tuple[int, int]:
    while a < inner_a and text[a].isspace():
        a += 1
    while b > inner_b and text[b - 1].isspace():
        b -= 1
    return a, b


def line_text(stmt: list[dict]) -> str:
    head = stmt[0]
    where = "，".join(p for p in (humanize.period(head["period"]), head["scope"]) if p)
    return (f"{head['subject']}{humanize.metric(head['metric'])}" + (f"（{where}）" if where else "")
            + "：" + "，".join(humanize.figure(f) for f in stmt))


def _score(stmt: list[dict], sources: int, conflict: bool, prominence: float, on_query: bool) -> float:
    head = stmt[0]
    score = 3.0 if head["metric"] in FLOW_METRICS else 2.0 if head["metric"] in LEVEL_METRICS else 1.0
    score += 1.0 if head["period"] else 0.0
    score += 1.0 if head["subject_id"] else 0.0
    score += 1.5 if head["basis"] == "level" and len(stmt) > 1 else 0.0  # a level with its change says most
    score += math.log2(1 + sources)  # several outlets carried it
    score += 1.0 if conflict else 0.0  # a disputed number is what the analyst must see
    score += prominence  # said in an article about the subject, not in passing
    score += 3.0 if on_query else 0.0  # a query briefing: the sentence says what was searched for
    return score


def _recency(stmt: list[dict]) -> str:
    head = stmt[0]
    return head["period_end"] or (head["published_at"] or "")[:10]


def selected_facts(store, sel: Selection) -> list[dict]:
    conn = store.conn
    if sel.entity_id:
        rows = fact_store.list_facts(conn, entity_id=sel.entity_id)
    else:
        rows = [f for d in sorted(sel.doc_ids) for f in fact_store.list_facts(conn, document_id=d)]
    return [f for f in rows if f["document_id"] in sel.doc_ids and sel.in_range(f["published_at"])]


def key_facts(store, docs: Documents, sel: Selection, limit: int) -> list[Item]:
    lines: dict[tuple, list[list[dict]]] = defaultdict(list)
    for stmt in _statements(selected_facts(store, sel)):
        lines[_signature(stmt)].append(stmt)
    disputed: dict[tuple, list[dict]] = {}
    for c in fact_store.conflicts(store.conn, entity_id=sel.entity_id):  # one entity: read only its facts
        for f in c["facts"]:
            disputed[_conflict_key(f)] = c["facts"]
    ranked = []
    for sig, stmts in lines.items():
        # the fullest statement leads (level and change), the first report among equals
        stmts.sort(key=lambda s: (-len(s), (s[0]["published_at"] or "~"), s[0]["document_id"], s[0]["start"]))
        head = stmts[0][0]
        others = _other_values(head, disputed.get(_conflict_key(head), []))
        sources = len({s[0]["document_id"] for s in stmts})
        prominence = max(sel.prominence.get(s[0]["document_id"], 1.0) for s in stmts)
        on_query = bool(sel.terms) and any(sel.mentions_terms(_sentence(docs, s)) for s in stmts)
        ranked.append((-_score(stmts[0], sources, bool(others), prominence, on_query), _neg(_recency(stmts[0])),
                       sig, stmts, others))
    ranked.sort(key=lambda r: (r[0], r[1], repr(r[2])))
    per_metric: dict[str, int] = defaultdict(int)
    cap = max(2, limit // 3)  # a briefing of ten sales figures says less than one of sales, prices and shares
    items = []
    for _, _, _, stmts, others in ranked:
        metric = stmts[0][0]["metric"]
        if len(items) >= limit:
            break
        if per_metric[metric] >= cap:
            continue
        per_metric[metric] += 1
        items.append(_item(docs, stmts, others))
    return items


def _sentence(docs: Documents, stmt: list[dict]) -> str:
    return docs.get(stmt[0]["document_id"]).canonical[stmt[0]["sentence_start"]:stmt[0]["sentence_end"]]


def _neg(day: str) -> str:
    """Sort key putting later days first among equal scores."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in day)


def _other_values(head: dict, group: list[dict]) -> list[dict]:
    """The conflicting group's values that differ from this line's by more than the store's tolerance."""
    out: dict[float, dict] = {}
    for f in sorted(group, key=lambda f: (f["published_at"] or "~", f["document_id"], f["start"])):
        if head["value"] and abs(f["value"] - head["value"]) / abs(head["value"]) <= 0.02:
            continue
        if not head["value"] and not f["value"]:
            continue
        out.setdefault(_round(f["value"]), f)
    return list(out.values())[:MAX_CONFLICTS]


def _item(docs: Documents, stmts: list[list[dict]], others: list[dict]) -> Item:
    primary = stmts[0]
    text = line_text(primary)
    citations = [_cite(docs, primary, "source")]
    outlets = {citations[0].outlet}
    for s in sorted(stmts[1:], key=lambda s: ((s[0]["published_at"] or "~"), s[0]["document_id"])):
        if len(citations) > MAX_ALSO:
            break
        c = _cite(docs, s, "also", text)
        if c.outlet not in outlets:
            outlets.add(c.outlet)
            citations.append(c)
    head = primary[0]
    children = [Item("conflict", f"另一来源：{humanize.figure(f)}", [_cite(docs, [f], "source")],
                     (f["published_at"] or "")[:10] or None,
                     {"value": f["value"], "unit": f["unit"], "qualifier": f["qualifier"]}) for f in others]
    if children:
        text += "（各来源数值不一）"
    details = {"subject": head["subject"], "subject_id": head["subject_id"], "metric": head["metric"],
               "period": head["period"], "scope": head["scope"], "conflict": bool(children),
               "documents": len({s[0]["document_id"] for s in stmts}),
               "outlets": sorted({s[0]["outlet"] for s in stmts if s[0]["outlet"]}),
               "figures": [{k: f[k] for k in ("value", "value_max", "unit", "qualifier", "basis", "direction")}
                           for f in primary]}
    return Item("fact", text, citations, (head["published_at"] or "")[:10] or None, details, children)
