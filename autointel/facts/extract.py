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
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Sequence

import yaml

from autointel.facts.period import Period, find_periods
from autointel.facts.quantity import Quantity, find_quantities

_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_CLAUSE_BREAK = re.compile(r"[，,：:、（）()“”\"]")
SUBJECT_TYPES = frozenset({"group", "automaker", "brand", "model", "supplier", "company", "place", "government",
                           "association"})
LOOKBACK_SENTENCES = 2


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


@dataclass(frozen=True)
class Vocabulary:
    cues: tuple[tuple[str, str], ...]  # (cue, metric), longest cue first
    units: dict[str, frozenset[str]]
    unit_metrics: dict[str, str]
    yoy: tuple[str, ...]
    mom: tuple[str, ...]
    up: tuple[str, ...]
    down: tuple[str, ...]
    segments: tuple[str, ...]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    data = yaml.safe_load(resources.files("autointel.facts.data").joinpath("metrics.yaml").read_text(encoding="utf-8"))
    cues = sorted(((c, m) for m, spec in data["metrics"].items() for c in spec["cues"]), key=lambda x: -len(x[0]))
    return Vocabulary(tuple(cues), {m: frozenset(spec["units"]) for m, spec in data["metrics"].items()},
                      dict(data["unit_metrics"]), tuple(data["basis"]["yoy"]), tuple(data["basis"]["mom"]),
                      tuple(data["change_up"]), tuple(data["change_down"]),
                      tuple(sorted(data["segments"], key=len, reverse=True)))


def sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENTENCE.finditer(text)]


def extract_facts(text: str, mentions: Sequence, kb, published: date | None) -> list[Fact]:
    """``mentions``: the body's linked mentions (objects with start, end, entity_id)."""
    if not text or not any(c.isdigit() or c in "十百千万亿两" for c in text):
        return []
    vocab = vocabulary()
    quantities = [q for q in find_quantities(text) if q.unit]
    if not quantities:
        return []
    periods = find_periods(text, published)
    linked = sorted((m for m in mentions if m.entity_id and kb.entities.get(m.entity_id)
                     and kb.entities[m.entity_id].type in SUBJECT_TYPES), key=lambda m: m.start)
    spans = sentences(text)
    facts: list[Fact] = []
    q_index = 0
    recent_periods: list[Period] = []
    for s_start, s_end in spans:
        in_sentence = []
        while q_index < len(quantities) and quantities[q_index].start < s_end:
            if quantities[q_index].start >= s_start:
                in_sentence.append(quantities[q_index])
            q_index += 1
        # a bare day (1月19日) dates the report, not the figure: only spans and "as of" days are periods
        # 去年同期 is the comparison, not the figure's period; "????" means no year could be resolved
        s_periods = [p for p in periods if s_start <= p.char_start < s_end and not _is_day(p)
                     and not p.basis and "????" not in p.label]
        previous: Fact | None = None
        for q in in_sentence:
            fact = _fact(text, q, s_start, s_end, vocab, linked, kb, s_periods, recent_periods, previous)
            if fact is not None:
                facts.append(fact)
                previous = fact
        recent_periods = (recent_periods + s_periods)[-4:]
    return facts


def _fact(text: str, q: Quantity, s_start: int, s_end: int, vocab: Vocabulary, linked: list, kb,
          s_periods: list[Period], recent_periods: list[Period], previous: Fact | None) -> Fact | None:
    clause_start = _clause_start(text, s_start, q.start)
    before = text[clause_start:q.start]
    basis, direction = _basis(before, q, vocab)
    metric, cue_at = _metric(text, s_start, clause_start, q, vocab)
    inherit = previous is not None and q.unit in ("percent", "pct_point") and basis != "level" and (
        metric is None or cue_at < previous.end)
    if inherit:  # "产量约250万辆，同比增长12.1%": the growth of the figure just before
        metric = previous.metric
    if metric is None or q.unit not in vocab.units[metric] and q.unit not in ("percent", "pct_point"):
        return None
    if inherit:
        subject_id, subject, scope = previous.subject_id, previous.subject, previous.scope
        period = _period_of(previous)
    else:
        anchor = cue_at if cue_at is not None else q.start
        subject_id, subject = _subject(linked, kb, s_start, anchor, previous)
        if subject is None:
            return None
        scope = _scope(text, linked, kb, s_start, anchor, q.start, subject_id, vocab)
        period = _period(s_periods, recent_periods, q.start)
    label, p_start, p_end = period
    return Fact(subject_id, subject, metric, q.value, q.value_max, q.unit, q.qualifier,
                direction if basis != "level" else None, label, p_start, p_end, basis, scope,
                q.start, q.end, s_start, s_end, q.text)


def _clause_start(text: str, s_start: int, pos: int) -> int:
    """Start of the clause holding ``pos``; a clause of a few characters joins the one before."""
    breaks = [m.end() for m in _CLAUSE_BREAK.finditer(text, s_start, pos)]
    return breaks[-1] if breaks else s_start


def _basis(before: str, q: Quantity, vocab: Vocabulary) -> tuple[str, str | None]:
    if q.unit not in ("percent", "pct_point") and q.kind != "change_multiple":
        return "level", None
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


def _metric(text: str, s_start: int, clause_start: int, q: Quantity, vocab: Vocabulary) -> tuple[str | None, int | None]:
    """The nearest cue before the number in its clause (then in its sentence), or the unit's own metric."""
    for lo in (clause_start, s_start):
        window = text[lo:q.start]
        best = None
        for cue, metric in vocab.cues:
            i = window.rfind(cue)
            if i >= 0 and q.unit in vocab.units[metric] and (best is None or i + len(cue) > best[1] + best[2]):
                best = (metric, i, len(cue))
        if best:
            return best[0], lo + best[1]
    metric = vocab.unit_metrics.get(q.unit or "")
    return metric, None


def _subject(linked: list, kb, s_start: int, anchor: int, previous: Fact | None) -> tuple[str | None, str | None]:
    before = [m for m in linked if s_start <= m.start and m.end <= anchor]
    organisations = [m for m in before if kb.entities[m.entity_id].type != "place"]
    # a company before the cue is the subject; a place only when no company is named (重庆 2025 产量)
    chosen = organisations[-1] if organisations else (before[0] if before else None)
    if chosen is not None:
        return chosen.entity_id, kb.entities[chosen.entity_id].name
    if previous is not None:
        return previous.subject_id, previous.subject
    return None, None


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


def _period(s_periods: list[Period], recent: list[Period], pos: int) -> tuple[str | None, date | None, date | None]:
    before = [p for p in s_periods if p.char_end <= pos]
    p = before[-1] if before else (s_periods[0] if s_periods else (recent[-1] if recent else None))
    return (p.label, p.start, p.end) if p else (None, None, None)


def _is_day(p: Period) -> bool:
    return len(p.label) == 10 and ".." not in p.label


def _period_of(f: Fact) -> tuple[str | None, date | None, date | None]:
    return f.period, f.period_start, f.period_end
